package main

import (
	"fmt"
	"io"
	"regexp"

	"github.com/oamfix/oamfix/config"
	"github.com/spf13/cobra"
)

func newConfigCommand(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with oamfix configuration",
		Example: `  oamfix config default > .oamfix.yaml
  oamfix config schema > oamfixconfig.schema.json`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Without a known subcommand, print the help on stderr and fail,
		// so that `oamfix config defaults > .oamfix.yaml` writes no help
		// text into a config file.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				msg := fmt.Sprintf("unknown command %q for \"oamfix config\"", args[0])
				if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
					msg += fmt.Sprintf("; did you mean %q?", s[0])
				}
				fmt.Fprintf(stderr, "oamfix: %s (run 'oamfix config --help' for usage)\n", msg)
			} else {
				cmd.SetOut(stderr)
				cmd.Help()
			}
			return &exitError{exitBadInput}
		},
	}
	cmd.SuggestionsMinimumDistance = 2
	cmd.AddCommand(&cobra.Command{
		Use:   "default",
		Short: "Print the full default configuration, with a comment on every knob",
		Long: `Print the full default configuration, with a comment on every knob. Its first
line points YAML editors (the yaml-language-server of VS Code, IntelliJ, Neovim)
at the JSON Schema of the file, so they complete and check it.`,
		Example: "  oamfix config default > .oamfix.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(stdout, "%s%s", schemaModeline(), config.DefaultYAML())
			return err
		},
	}, &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the config file, for editors",
		Long: `Print the JSON Schema (draft-07) of OAMFixConfig files. It is also committed in
the repository as config/oamfixconfig.schema.json, which the first line of
` + "`oamfix config default`" + ` points at. Save it beside your configs to check them offline:
point the modeline at the saved file (# yaml-language-server: $schema=./oamfixconfig.schema.json).`,
		Example: "  oamfix config schema > oamfixconfig.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := stdout.Write(config.Schema())
			return err
		},
	})
	return cmd
}

// releaseTag matches the version of a release build.
var releaseTag = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)

// schemaModeline is the yaml-language-server comment that points editors
// at the schema: the one of this release's tag, else of main.
func schemaModeline() string {
	ref := "main"
	if v := versionString(); releaseTag.MatchString(v) {
		ref = v
	}
	return "# yaml-language-server: $schema=" + config.SchemaURL(ref) + "\n"
}
