package main

import (
	"io"

	"github.com/spf13/cobra"
)

// newPRCommand opens remediation pull requests (placeholder until the PR bot issue lands).
func newPRCommand(stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{Use: "pr", Short: "Open or update a remediation pull request", Hidden: true}
}
