package main

import (
	"io"

	"github.com/oamfix/oamfix/config"
	"github.com/spf13/cobra"
)

func newConfigCommand(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "config",
		Short:   "Work with oamfix configuration",
		Example: "  oamfix config default > .oamfix.yaml",
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "default",
		Short:   "Print the full default configuration, with a comment on every knob",
		Example: "  oamfix config default > oamfix.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := stdout.Write(config.DefaultYAML())
			return err
		},
	})
	return cmd
}
