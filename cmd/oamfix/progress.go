package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressThreshold is the number of files from which a run shows progress.
const progressThreshold = 200

// progressEvery is the least time between two redraws of the progress line.
const progressEvery = 100 * time.Millisecond

// progress draws a progress line ("oamfix [#####.....] 1234/10000 files")
// on a terminal while a long run works. Every other line of output first
// clears it (see clearing), so no fragment of it stays in the scrollback;
// the next file processed draws it again below that output. A nil
// *progress draws nothing.
type progress struct {
	// mu orders the line's drawing with other output: files are counted
	// by the run while their groups' findings are shown by the committer.
	mu          sync.Mutex
	w           io.Writer
	total, done int
	shown       bool
	drawn       time.Time
}

// newProgress returns the progress line of a run over total files, or nil
// when w is not a terminal or the run is short (pipes, files, CI logs).
func newProgress(w io.Writer, terminal bool, total int) *progress {
	if !terminal || total < progressThreshold {
		return nil
	}
	return &progress{w: w, total: total}
}

// terminal reports whether w is a terminal (a variable, so that tests can
// stand in for one).
var terminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// add counts one processed file and redraws the line, at most every
// progressEvery.
func (p *progress) add() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if now := time.Now(); p.done == p.total || now.Sub(p.drawn) >= progressEvery {
		p.drawn = now
		const width = 30
		filled := width * p.done / p.total
		fmt.Fprintf(p.w, "\r\033[Koamfix [%s%s] %d/%d files", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.done, p.total)
		p.shown = true
	}
}

// clear erases the line if it is shown.
func (p *progress) clear() {
	if p != nil {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.erase()
	}
}

// erase erases the line if it is shown; p.mu is held.
func (p *progress) erase() {
	if p.shown {
		io.WriteString(p.w, "\r\033[K")
		p.shown = false
	}
}

// clearing is an output stream that clears the progress line before each
// write, so that output starts at the beginning of an empty line.
type clearing struct {
	w io.Writer
	p *progress
}

// Write implements io.Writer.
func (c clearing) Write(b []byte) (int, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	c.p.erase()
	return c.w.Write(b)
}
