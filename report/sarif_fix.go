package report

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oamfix/oamfix/fixers"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// scalarFix builds the SARIF fix of a finding that replaces one scalar:
// the token at the finding's line and column in src must read
// f.CurrentValue (plain, single- or double-quoted); it is replaced by
// f.ProposedValue written in the same style. index is the file's index in
// run.artifacts. It returns nil when src is missing or does not confirm
// the token.
func scalarFix(src []byte, f fixers.Finding, index int) *sarif.Fix {
	if src == nil || f.Line < 1 || f.Column < 1 || f.CurrentValue == "" || f.ProposedValue == "" {
		return nil
	}
	lines := bytes.Split(src, []byte("\n"))
	if f.Line > len(lines) {
		return nil
	}
	line := strings.TrimSuffix(string(lines[f.Line-1]), "\r")
	if f.Line == 1 {
		line = strings.TrimPrefix(line, "\uFEFF")
	}
	runes := []rune(line)
	if f.Column > len(runes) {
		return nil
	}
	token, text, ok := replaceToken(string(runes[f.Column-1:]), f.CurrentValue, f.ProposedValue)
	if !ok {
		return nil
	}
	region := sarif.NewRegion().
		WithStartLine(f.Line).WithStartColumn(f.Column).
		WithEndLine(f.Line).WithEndColumn(f.Column + utf8.RuneCountInString(token))
	change := sarif.NewArtifactChange().
		WithArtifactLocation(artifactLocation(f.File, index)).
		AddReplacement(sarif.NewReplacement().
			WithDeletedRegion(region).
			WithInsertedContent(sarif.NewArtifactContent().WithText(text)))
	what := f.Path
	if what == "" {
		what = "the value"
	}
	return sarif.NewFix().
		WithDescription(sarif.NewTextMessage("Set " + what + " to " + f.ProposedValue + " (" + f.CurrentValue + " before)")).
		AddArtifactChange(change)
}

// replaceToken reads the scalar token at the start of rest; if its value
// is current, it returns the token and its replacement by proposed.
func replaceToken(rest, current, proposed string) (token, text string, ok bool) {
	if rest == "" || strings.IndexFunc(proposed, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "", "", false
	}
	switch rest[0] {
	case '"':
		end := closingDoubleQuote(rest)
		if end < 0 {
			return "", "", false
		}
		token = rest[:end+1]
		if v, err := strconv.Unquote(token); err != nil || v != current {
			return "", "", false
		}
		return token, doubleQuoted(proposed), true
	case '\'':
		end := closingSingleQuote(rest)
		if end < 0 {
			return "", "", false
		}
		token = rest[:end+1]
		if strings.ReplaceAll(token[1:end], "''", "'") != current {
			return "", "", false
		}
		return token, "'" + strings.ReplaceAll(proposed, "'", "''") + "'", true
	}
	if !strings.HasPrefix(rest, current) {
		return "", "", false
	}
	if after := rest[len(current):]; after != "" && !strings.ContainsAny(after[:1], " \t,]}") {
		return "", "", false
	}
	return current, plainOrQuoted(current, proposed), true
}

// closingDoubleQuote is the index of the quote that ends the
// double-quoted scalar at the start of s, or -1.
func closingDoubleQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// closingSingleQuote is the index of the quote that ends the
// single-quoted scalar at the start of s (a doubled quote is an escaped
// one), or -1.
func closingSingleQuote(s string) int {
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			i++
			continue
		}
		return i
	}
	return -1
}

var (
	intRE       = regexp.MustCompile(`^[-+]?[0-9]+$`)
	plainSafeRE = regexp.MustCompile(`^[A-Za-z_./][A-Za-z0-9_./@+-]*$`)
	// yamlWordRE matches plain scalars that YAML 1.1 or 1.2 reads as
	// booleans, nulls or floats rather than strings.
	yamlWordRE = regexp.MustCompile(`^(?i:y|n|yes|no|on|off|true|false|null|~|\.inf|\.nan)$`)
)

// plainOrQuoted writes proposed where a plain scalar reading current was:
// plain when it keeps the type (an integer for an integer, a string that
// reads as a string for a string), else double-quoted.
func plainOrQuoted(current, proposed string) string {
	switch {
	case intRE.MatchString(current) && intRE.MatchString(proposed):
		return proposed
	case !intRE.MatchString(current) && plainSafeRE.MatchString(proposed) && !yamlWordRE.MatchString(proposed):
		return proposed
	}
	return doubleQuoted(proposed)
}

// doubleQuoted writes s (without control characters) as a YAML
// double-quoted scalar.
func doubleQuoted(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
