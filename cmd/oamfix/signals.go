package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/oamfix/oamfix/kio"
)

// interruption handles the signals that end a run early. SIGINT, SIGTERM
// and SIGHUP abandon the write batch (kio.Batch.Abort): the temporary
// files are removed at once, files not yet renamed stay as they were,
// no new file is started, the files already written stay fixed, and the
// run ends with 128 + the signal's number; a second signal exits at once.
// SIGPIPE (standard output closed, as by `oamfix --fix dir | head -1`)
// does not kill the run: the rest of the output is dropped, every fix is
// still written and the exit code is the run's.
type interruption struct {
	batch  *kio.Batch
	stderr io.Writer
	ch     chan os.Signal
	done   chan struct{}

	mu         sync.Mutex
	sig        syscall.Signal // the first stopping signal, 0 for none
	pipeClosed bool
	written    int // files written before the run stopped
	abandoned  int // fixed files that were not written
}

// watchSignals starts handling signals for a run writing through batch.
func watchSignals(batch *kio.Batch, stderr io.Writer) *interruption {
	in := &interruption{batch: batch, stderr: stderr, ch: make(chan os.Signal, 4), done: make(chan struct{})}
	signal.Notify(in.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go in.loop()
	return in
}

// loop receives signals until stop.
func (in *interruption) loop() {
	for {
		select {
		case <-in.done:
			return
		case s := <-in.ch:
			sig, _ := s.(syscall.Signal)
			if sig == syscall.SIGPIPE {
				continue // the write failed with EPIPE: see output
			}
			in.mu.Lock()
			first := in.sig == 0
			if first {
				in.sig = sig
			}
			in.mu.Unlock()
			in.batch.Abort()
			if !first {
				fmt.Fprintf(in.stderr, "oamfix: %s again: exiting now; files not yet renamed are as they were, no temporary file is left\n", signalName(sig))
				os.Exit(128 + int(sig))
			}
			fmt.Fprintf(in.stderr, "oamfix: %s: stopping; files not yet renamed are left as they were (again to exit at once)\n", signalName(sig))
		}
	}
}

// output wraps the run's standard output: once a write fails because the
// reader is gone (EPIPE), the rest of the output is dropped without an
// error, so the run goes on writing its fixes, and finish notes it.
func (in *interruption) output(w io.Writer) io.Writer {
	return &pipeWriter{w: w, in: in}
}

// pipeWriter is standard output as interruption.output wraps it.
type pipeWriter struct {
	w  io.Writer
	in *interruption
}

func (p *pipeWriter) Write(b []byte) (int, error) {
	p.in.mu.Lock()
	closed := p.in.pipeClosed
	p.in.mu.Unlock()
	if closed {
		return len(b), nil
	}
	n, err := p.w.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		p.in.mu.Lock()
		p.in.pipeClosed = true
		p.in.mu.Unlock()
		return len(b), nil
	}
	return n, err
}

// stop ends the signal handling.
func (in *interruption) stop() {
	signal.Stop(in.ch)
	close(in.done)
}

// settle counts one outcome of a committed group and reports whether to
// show it: a file whose write was abandoned is not shown (nothing was
// done to it; the summary counts it).
func (in *interruption) settle(oc fileOutcome) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case errors.Is(oc.err, kio.ErrInterrupted):
		in.abandoned++
		return false
	case oc.staged && oc.err == nil:
		in.written++
	}
	return true
}

// finish reports how the run ended: the exit code of a stopping signal
// (0 when none came) after a summary on stderr, and a note when standard
// output was closed early.
func (in *interruption) finish() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.pipeClosed {
		fmt.Fprintf(in.stderr, "oamfix: standard output was closed early (broken pipe); the rest of the output was dropped, the run went on\n")
	}
	if in.sig == 0 {
		return 0
	}
	fmt.Fprintf(in.stderr, "oamfix: interrupted by %s: %d fixed files written, %d fixed files not written (left as they were), files not reached left unread; no temporary file is left\n",
		signalName(in.sig), in.written, in.abandoned)
	return 128 + int(in.sig)
}

// signalName is "SIGINT" for syscall.SIGINT, and so on.
func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}
