package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/krm"
	"github.com/spf13/cobra"
)

// fnOptions are the flags of oamfix fn.
type fnOptions struct {
	rules  string
	check  bool
	failOn string
}

// newFnCommand runs oamfix as a KRM function: a ResourceList on stdin, a
// ResourceList on stdout (see package krm).
func newFnCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	o := &fnOptions{}
	cmd := &cobra.Command{
		Use:   "fn",
		Short: "Run as a KRM function (ResourceList on stdin, ResourceList on stdout)",
		Long: `oamfix fn reads a config.kubernetes.io/v1 ResourceList on stdin, fixes its
core.oam.dev Application items in place and writes the ResourceList, with one
result per finding, on stdout. Every other item passes through unchanged.

The functionConfig is optional: an OAMFixConfig (see ` + "`oamfix config default`" + `;
spec.mode: check and spec.failOn are also accepted there) or a ConfigMap whose
data keys are the same settings without "spec." (mode=check,
rules=probes,replicas, cors.allowedOrigins=https://a.example.com, failOn=medium).

failOn (default high) is the least severity of an open finding that fails the
run, in fix and check mode alike: critical, high, medium, low, or none (no
finding fails). A failed run changes nothing: its results say which fixes
were not applied. A mutator that should keep its fixes whatever else stays
open (backups, observability) sets failOn: none.

Error results also go to stderr, with a line that counts the fixes not
applied: that is all kustomize shows of a failed function. kpt prints the
results itself, so there stderr only counts them.

oamfix runs this command by itself when started with no arguments and a
ResourceList on stdin, as kustomize's exec functions start it.

Exit codes: 0 success, 1 error results (open findings at or above failOn, a
duplicate key, an item outside the package), a bad functionConfig or
unreadable input.`,
		Example: `  kustomize build --enable-alpha-plugins --enable-exec .
  kpt fn eval . --exec "oamfix fn" -- mode=check rules=probes`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := krm.Options{Rules: o.rules, CheckOnly: o.check}
			if cmd.Flags().Changed("fail-on") {
				sev, err := krm.ParseFailOn(o.failOn)
				if err != nil {
					fmt.Fprintf(stderr, "oamfix: --fail-on: %v\n", err)
					return &exitError{exitFindings}
				}
				opts.FailOn = sev
			}
			if err := krm.Run(stdin, stdout, opts); err != nil {
				io.WriteString(stderr, krm.ErrorText(err))
				return &exitError{exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.rules, "rules", "all", "comma-separated `LIST` of rule IDs, or all, or none")
	f.BoolVar(&o.check, "check", false, "check only: change nothing (findings at or above --fail-on still fail the run)")
	f.StringVar(&o.failOn, "fail-on", string(krm.DefaultFailOn), "the least `SEVERITY` of an open finding that fails the run, in any mode: critical, high, medium, low or none (default: the functionConfig's failOn, else high)")
	return cmd
}

// detectFunction decides how a bare `oamfix` (no arguments) runs. When
// stdin is a pipe or a regular file, it is read: a ResourceList means oamfix
// was started as a KRM function (kustomize's exec runner passes no
// arguments), so the fn command runs on it; anything else is handed on as
// stdin to the normal CLI. A terminal or /dev/null is never read, and no
// more than kio.DefaultMaxFileSize bytes are.
func detectFunction(args []string, stdin *os.File) ([]string, io.Reader, error) {
	if len(args) > 0 {
		return args, stdin, nil
	}
	info, err := stdin.Stat()
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 && !info.Mode().IsRegular() {
		return args, stdin, nil
	}
	data, err := io.ReadAll(io.LimitReader(stdin, kio.DefaultMaxFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading stdin: %w", err)
	}
	if len(data) > kio.DefaultMaxFileSize {
		return nil, nil, fmt.Errorf("standard input is over the %d-byte limit: to check a larger stream, pass - and raise --max-file-size; to check the current folder, pass .", kio.DefaultMaxFileSize)
	}
	if krm.IsResourceList(data) {
		args = []string{"fn"}
	}
	return args, bytes.NewReader(data), nil
}
