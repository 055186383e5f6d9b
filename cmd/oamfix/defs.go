package main

import (
	"io"

	"github.com/oamfix/oamfix/defs"
	"github.com/spf13/cobra"
)

func newDefsCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "defs",
		Short: "Print oamfix's TraitDefinitions (circuit-breaker, network-policy) as YAML",
		Long: `Print the TraitDefinitions for the traits oamfix adds and KubeVela lacks,
ready for vela def apply or kubectl apply. Install them before deploying fixed apps.`,
		Example: "  oamfix defs | kubectl apply -f -",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := stdout.Write(defs.YAML())
			return err
		},
	}
}
