package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// READMEFigures checks numbers a test measured against the ones README.md
// quotes, so that the README cannot drift from what the tests show.
//
// pattern is a regular expression matched against README.md with every
// run of white space (line breaks included) folded into one space; each
// capturing group is one figure, compared in order with got (printed with
// fmt.Sprint; thousands separators in the README, as in "3,000", are
// ignored). A pattern that matches nothing or more than once, or a figure
// that differs, fails the test and names the README line to update.
func READMEFigures(t testing.TB, pattern string, got ...any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "README.md", string(data), pattern, got...)
}

// checkFigures is READMEFigures on the text of the file named name.
func checkFigures(t testing.TB, name, data, pattern string, got ...any) {
	t.Helper()
	text, lines := foldSpace(data)
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatalf("READMEFigures: %v", err)
	}
	if re.NumSubexp() != len(got) {
		t.Fatalf("READMEFigures: pattern %q has %d groups for %d figures", pattern, re.NumSubexp(), len(got))
	}
	matches := re.FindAllStringSubmatchIndex(text, -1)
	switch {
	case len(matches) == 0:
		t.Fatalf("%s no longer matches %q: this test checks the figures of that sentence; put it back or update the pattern (measured: %v)", name, pattern, got)
	case len(matches) > 1:
		t.Fatalf("%s matches %q %d times (lines %d and %d); make the pattern unique", name, pattern, len(matches), lines[matches[0][0]], lines[matches[1][0]])
	}
	m := matches[0]
	for i, g := range got {
		start, end := m[2+2*i], m[3+2*i]
		quoted := text[start:end]
		if strings.ReplaceAll(quoted, ",", "") != fmt.Sprint(g) {
			t.Errorf("%s:%d quotes %s where this test measured %v: update that line of %s (pattern %q)", name, lines[start], quoted, g, name, pattern)
		}
	}
}

// foldSpace folds runs of white space into single spaces and returns, for
// each byte of the result, the 1-based line it came from.
func foldSpace(s string) (string, []int) {
	var b strings.Builder
	var lines []int
	line := 1
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if !space {
				b.WriteByte(' ')
				lines = append(lines, line)
				space = true
			}
			if c == '\n' {
				line++
			}
			continue
		}
		space = false
		b.WriteByte(c)
		lines = append(lines, line)
	}
	return b.String(), lines
}

// ModuleRoot returns the repository root: the nearest folder at or above
// the test's working directory that holds go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's working directory")
		}
		dir = parent
	}
}
