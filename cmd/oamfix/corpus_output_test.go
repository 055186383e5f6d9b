package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
)

// screenLines is how many lines "one screen" holds: a terminal's default
// 24 rows.
const screenLines = 24

// TestCorpusOutput measures the text output over the shared corpus: the
// default output is one line per open finding of low severity or above
// plus the summary line; --summary fits on one screen; --quiet is the
// errors and the summary line. The line counts go to the test log, and
// the figures README.md quotes must be these.
func TestCorpusOutput(t *testing.T) {
	corpus := testenv.Shared(t, "corpus")
	lines := func(s string) int { return strings.Count(s, "\n") }

	_, js, _ := oamfix(t, "", "--format", "json", corpus)
	var rep struct{ Findings []fixers.Finding }
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	openLowPlus := 0
	for _, f := range rep.Findings {
		if f.Status == fixers.Open && f.Severity.AtLeast(fixers.Low) {
			openLowPlus++
		}
	}

	code, out, errOut := oamfix(t, "", corpus)
	summary := out[strings.LastIndex(out[:len(out)-1], "\n")+1:]
	t.Logf("default: %d lines on stdout (%d findings open at low or above, %d findings in all), %d on stderr, exit %d", lines(out), openLowPlus, len(rep.Findings), lines(errOut), code)
	t.Logf("summary line: %s", strings.TrimSpace(summary))
	if lines(out) > openLowPlus+1 {
		t.Errorf("default output: %d lines for %d open findings of low severity or above and the summary", lines(out), openLowPlus)
	}
	if lines(errOut) > 6 {
		t.Errorf("default output: %d lines on stderr:\n%s", lines(errOut), errOut)
	}
	testenv.READMEFigures(t, `the default output is (\d+) finding lines`, lines(out)-1)
	testenv.READMEFigures(t, `(\d+) files read, (\d+) Applications checked: (\d+) open \((\d+) critical, (\d+) high, (\d+) medium, (\d+) low, (\d+) info\), (\d+) fixed, (\d+) suppressed, (\d+) errors?; (\d+) components of a type`,
		figures(t, summary)...)

	_, out, errOut = oamfix(t, "", "--summary", corpus)
	t.Logf("--summary: %d lines on stdout, %d on stderr:\n%s%s", lines(out), lines(errOut), out, errOut)
	if n := lines(out) + lines(errOut); n > screenLines {
		t.Errorf("--summary: %d lines, more than a %d-line screen", n, screenLines)
	}
	testenv.READMEFigures(t, "`--summary` fits in (\\d+) lines", lines(out)+lines(errOut))

	_, out, errOut = oamfix(t, "", "--quiet", corpus)
	t.Logf("--quiet: %d lines on stdout, %d on stderr", lines(out), lines(errOut))
	if lines(out) != 1 || lines(errOut) != 2*strings.Count(errOut, "\n  ") {
		t.Errorf("--quiet: stdout %q, stderr %q: want the summary line and the errors", out, errOut)
	}

	_, out, errOut = oamfix(t, "", "-v", corpus)
	t.Logf("-v: %d lines on stdout, %d on stderr", lines(out), lines(errOut))
}

// figures returns the numbers of a summary line, in order.
func figures(t *testing.T, line string) []any {
	t.Helper()
	var out []any
	for f := range strings.FieldsFuncSeq(line, func(r rune) bool { return r < '0' || r > '9' }) {
		out = append(out, f)
	}
	if len(out) != 12 {
		t.Fatalf("summary line %q: %d figures, want 12 (some severity has no open finding: update the README pattern)", line, len(out))
	}
	return out
}
