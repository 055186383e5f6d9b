package main

import (
	"io"

	"github.com/spf13/cobra"
)

// newFnCommand runs oamfix as a KRM function (placeholder until the KRM issue lands).
func newFnCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	return &cobra.Command{Use: "fn", Short: "Run as a KRM function (ResourceList on stdin)", Hidden: true}
}
