package report_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/report"
)

// TestMarkdownEscapesUserStrings (issue item 10): component and
// application names, file names and exemption reasons come from users;
// in the markdown report (the pull request body) a newline, backticks or
// markup in them stays inside its code span or is escaped, and no
// @mention or #reference is linked. The fixture's names try to inject a
// heading, a bold APPROVED and a team mention.
func TestMarkdownEscapesUserStrings(t *testing.T) {
	const name = "apps/evil\n## APPROVED `x`.yaml"
	fs, _ := runFile(t, filepath.Join("..", "testdata", "report", "markdown-injection.yaml"), name, config.Default(), false)
	evil := render(t, fs)
	// The same findings with harmless names: the report's own lines.
	plain := make([]fixers.Finding, len(fs))
	names := map[string]string{"": ""}
	for i, f := range fs {
		if _, ok := names[f.Component]; !ok {
			names[f.Component] = fmt.Sprintf("component-%d", len(names))
		}
		f.File, f.Resource.Name, f.Component = "apps/plain.yaml", "shop", names[f.Component]
		f.Message, f.SuppressedBy = "message", "reason"
		plain[i] = f
	}
	if got, want := strings.Count(evil, "\n"), strings.Count(render(t, plain), "\n"); got != want {
		t.Errorf("%d lines, want the %d of the same report with plain names:\n%s", got, want, evil)
	}
	if !strings.Contains(evil, "NOT APPROVED") {
		t.Fatalf("the fixture should leave findings open:\n%s", evil)
	}
	for i, line := range strings.Split(evil, "\n") {
		text := outsideCode(line)
		if strings.Contains(text, "**APPROVED**") || strings.Contains(text, "@acme") || strings.Contains(text, "#1") {
			t.Errorf("line %d: markup, a mention or a reference outside code: %q", i+1, line)
		}
		if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "# Infrastructure review") &&
			!strings.HasPrefix(line, "## ") && !strings.HasPrefix(line, "### ") && !strings.HasPrefix(line, "#### `") {
			t.Errorf("line %d: a heading the report does not make: %q", i+1, line)
		}
		if strings.HasPrefix(line, "## APPROVED") {
			t.Errorf("line %d: injected heading: %q", i+1, line)
		}
	}
	for _, want := range []string{
		"``shop` **APPROVED** `@acme/security-team``",                                // a longer fence around backticks
		"`api\\n\\n## APPROVED\\n\\n**APPROVED** by @acme/security-team, closes #1`", // line breaks shown as \n
		"```` worker``` **APPROVED** ``` ````",                                       // a fence longer than the name's
		"by @\u200bacme/platform \\*\\*APPROVED\\*\\*",                               // the reason: escaped, unlinked
		"`apps/evil\\n## APPROVED `x`.yaml:",                                         // the file name
	} {
		if !strings.Contains(evil, want) {
			t.Errorf("the report lacks %q:\n%s", want, evil)
		}
	}
}

// render prints the markdown report of fs.
func render(t *testing.T, fs []fixers.Finding) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Markdown(&b, fs, report.MarkdownOptions{Config: config.Default()}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// outsideCode returns line without its code spans, read as CommonMark
// does: a run of n backticks opens a span that the next run of exactly n
// backticks closes; an unclosed run is text.
func outsideCode(line string) string {
	var out strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' || i > 0 && line[i-1] == '\\' {
			out.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		closing := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(line) && line[j+m] == '`' {
				m++
			}
			if m == n {
				closing = j
				break
			}
			j += m
		}
		if closing < 0 {
			out.WriteString(line[i : i+n])
			i += n
			continue
		}
		i = closing + n
	}
	return out.String()
}
