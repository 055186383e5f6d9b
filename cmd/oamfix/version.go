package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// make build, make install and make dist set it from git describe.
var version = "dev"

func newVersionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the oamfix version",
		Example: "  oamfix version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(stdout, "oamfix %s\n", versionString())
			return err
		},
	}
}

// versionString is the build's version: set by -ldflags (git describe,
// with make), else the version go install or go build recorded from the
// module or the git checkout (a tag, or a pseudo-version naming the
// commit, +dirty when the tree had changes), else the commit alone, else
// "dev".
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if version != "dev" || !ok {
		return version
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", ""
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			rev = s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "+dirty"
		}
	}
	if rev != "" {
		return "dev-" + rev + dirty
	}
	return version
}
