package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressThreshold is the number of files from which a run shows progress.
const progressThreshold = 200

// newProgress returns a function to call once per processed file. It draws
// a progress bar on stderr when stderr is a terminal and the run is long,
// and does nothing otherwise (pipes, files, CI logs).
func newProgress(stderr io.Writer, total int) func() {
	f, ok := stderr.(*os.File)
	if !ok || total < progressThreshold || !term.IsTerminal(int(f.Fd())) {
		return func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("oamfix"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)
	return func() { _ = bar.Add(1) }
}
