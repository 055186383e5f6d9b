package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// screen is a terminal as far as oamfix's output needs one: it keeps the
// lines written to it, with carriage return, erase to end of line
// (ESC [ K) and newline.
type screen struct {
	lines []string
	col   int
}

// Write implements io.Writer.
func (s *screen) Write(b []byte) (int, error) {
	if len(s.lines) == 0 {
		s.lines = []string{""}
	}
	text := string(b)
	for len(text) > 0 {
		cur := &s.lines[len(s.lines)-1]
		switch {
		case strings.HasPrefix(text, "\033[K"):
			*cur = (*cur)[:s.col]
			text = text[3:]
			continue
		case text[0] == '\r':
			s.col = 0
		case text[0] == '\n':
			s.lines = append(s.lines, "")
			s.col = 0
		default:
			line := []byte(*cur)
			if s.col < len(line) {
				line[s.col] = text[0]
			} else {
				line = append(line, text[0])
			}
			*cur = string(line)
			s.col++
		}
		text = text[1:]
	}
	return len(b), nil
}

// TestProgressLeavesNoFragments runs oamfix over enough files to show the
// progress line, with stdout and stderr on one terminal: every line left
// on the screen is a finding, a message or the summary, never a piece of
// the progress line.
func TestProgressLeavesNoFragments(t *testing.T) {
	dir := t.TempDir()
	const files = 300 // more than one commit group, so output comes between redraws
	for i := range files {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("app-%03d.yaml", i)), needsFixes, 0o644)
	}
	writeFile(t, filepath.Join(dir, "bad.yaml"), "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: [x\n", 0o644)
	isTerminal := terminal
	terminal = func(io.Writer) bool { return true }
	defer func() { terminal = isTerminal }()

	var tty screen
	var drawn int
	counting := writerFunc(func(b []byte) (int, error) {
		drawn += strings.Count(string(b), "oamfix [")
		return tty.Write(b)
	})
	code := run([]string{"--fix", "--rules", "probes", dir}, strings.NewReader(""), counting, counting)
	if code != 2 {
		t.Fatalf("exit %d, want 2 (bad.yaml)", code)
	}
	if drawn == 0 {
		t.Fatal("the progress line was never drawn")
	}
	for i, line := range tty.lines {
		if strings.Contains(line, "oamfix [") || strings.Contains(line, "/301 files") {
			t.Errorf("screen line %d holds a piece of the progress line: %q", i+1, line)
		}
	}
	last := tty.lines[len(tty.lines)-2]
	if !strings.HasPrefix(last, "301 files read, 300 Applications checked:") {
		t.Errorf("the last line is %q, want the summary", last)
	}
	t.Logf("progress drawn %d times; %d screen lines", drawn, len(tty.lines))
}

// writerFunc is a function as an io.Writer.
type writerFunc func([]byte) (int, error)

// Write implements io.Writer.
func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
