// Command oamfix finds and fixes infrastructure-review gaps in KubeVela
// Application manifests. See README.md for the CLI contract.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector target oamfix runs with unless GOGC
// is set: a run allocates far more than it keeps (each file is parsed,
// fixed and parsed again to verify), so the default of 100 collects constantly
// on a small live heap. 400 halves a 10,000-file --fix on two cores and
// keeps peak RSS near 40 MB (BENCHMARKS.md).
const gcPercent = 400

// memoryLimit is the soft heap limit oamfix runs with unless GOMEMLIMIT is
// set: near it the collector runs more often than gcPercent asks, which
// keeps a 10,000-file --fix under 130 MB of RSS (160 MB without it) at no
// measurable cost in time.
const memoryLimit = 120 << 20

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	// Started bare with a ResourceList on stdin: a KRM function (see fn.go).
	args, stdin, err := detectFunction(os.Args[1:], os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "oamfix: %v\n", err)
		os.Exit(exitBadInput)
	}
	os.Exit(run(args, stdin, os.Stdout, os.Stderr))
}

// run executes the CLI and returns its exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := newRootCommand(stdin, stdout, stderr)
	cmd.SetArgs(args)
	cmd.SetIn(stdin)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		fmt.Fprintf(stderr, "oamfix: %v\n", err)
		return exitBadInput
	}
	return exitClean
}
