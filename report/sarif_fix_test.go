package report

import (
	"testing"

	"github.com/oamfix/oamfix/fixers"
)

func TestReplaceToken(t *testing.T) {
	for _, c := range []struct {
		rest, current, proposed string
		token, text             string
	}{
		{"2", "2", "5", "2", "5"},
		{"12 # ceiling", "12", "100", "12", "100"},
		{"80}", "80", "60", "80", "60"},
		{`"80"`, "80", "60", `"80"`, `"60"`},
		{`"*" # TODO`, "*", "https://a.example.com,https://b.example.com", `"*"`, `"https://a.example.com,https://b.example.com"`},
		{`'*'`, "*", "it's", `'*'`, `'it''s'`},
		{`'a''b' # x`, "a'b", "c", `'a''b'`, `'c'`},
		{"gp2", "gp2", "gp3", "gp2", "gp3"},
		{"gp2", "gp2", "yes", "gp2", `"yes"`},
		{"gp2", "gp2", "a, b", "gp2", `"a, b"`},
		{"3", "3", "three", "3", `"three"`},
	} {
		token, text, ok := replaceToken(c.rest, c.current, c.proposed)
		if !ok || token != c.token || text != c.text {
			t.Errorf("replaceToken(%q, %q, %q) = %q, %q, %v; want %q, %q", c.rest, c.current, c.proposed, token, text, ok, c.token, c.text)
		}
	}
	for _, c := range []struct{ rest, current string }{
		{"120", "12"},       // another number
		{`"8"`, "80"},       // another value
		{`"80`, "80"},       // unterminated
		{"(unset)", "80"},   // not the value
		{"", "80"},          // nothing there
		{"80\x01", "80"},    // not a token end
		{`'80`, "80"},       // unterminated
		{`"a\qb"`, `a\qb`},  // an escape Go cannot read: no fix rather than a wrong one
		{"50Gi", "500Gi"},   // shorter
		{"500Gix", "500Gi"}, // longer
	} {
		if _, _, ok := replaceToken(c.rest, c.current, "1"); ok {
			t.Errorf("replaceToken(%q, %q) accepted a token that does not read %q", c.rest, c.current, c.current)
		}
	}
	if _, _, ok := replaceToken("2", "2", "a\nb"); ok {
		t.Error("replaceToken wrote a control character")
	}
}

func TestScalarFix(t *testing.T) {
	src := []byte("a:\r\n  min: 2 # floor\r\n  origin: \"*\"\r\n")
	f := fixers.Finding{File: "app.yaml", Line: 2, Column: 8, CurrentValue: "2", ProposedValue: "5", Path: "a.min"}
	fix := scalarFix(src, f, 0)
	if fix == nil {
		t.Fatal("no fix for a plain integer")
	}
	r := fix.ArtifactChanges[0].Replacements[0]
	if *r.DeletedRegion.StartLine != 2 || *r.DeletedRegion.StartColumn != 8 || *r.DeletedRegion.EndColumn != 9 || *r.InsertedContent.Text != "5" {
		t.Errorf("fix = line %d, columns %d-%d, text %q", *r.DeletedRegion.StartLine, *r.DeletedRegion.StartColumn, *r.DeletedRegion.EndColumn, *r.InsertedContent.Text)
	}
	for _, bad := range []fixers.Finding{
		{File: "app.yaml", Line: 2, Column: 8, CurrentValue: "3", ProposedValue: "5"},  // the file says 2
		{File: "app.yaml", Line: 9, Column: 1, CurrentValue: "2", ProposedValue: "5"},  // no such line
		{File: "app.yaml", Line: 2, Column: 40, CurrentValue: "2", ProposedValue: "5"}, // no such column
		{File: "app.yaml", Line: 2, Column: 8, CurrentValue: "2"},                      // nothing proposed
	} {
		if scalarFix(src, bad, 0) != nil {
			t.Errorf("scalarFix made a fix for %+v", bad)
		}
	}
	if scalarFix(nil, f, 0) != nil {
		t.Error("scalarFix made a fix without the source")
	}
	quoted := fixers.Finding{File: "app.yaml", Line: 3, Column: 11, CurrentValue: "*", ProposedValue: "https://a.example.com"}
	if fix := scalarFix(src, quoted, 0); fix == nil || *fix.ArtifactChanges[0].Replacements[0].InsertedContent.Text != `"https://a.example.com"` {
		t.Error("no quoted fix before a CRLF line end")
	}
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string]string{
		"examples/parking-platform.yaml": "examples/parking-platform.yaml",
		"apps/my app.yaml":               "apps/my%20app.yaml",
		"/srv/apps/app.yaml":             "file:///srv/apps/app.yaml",
		"-":                              "-",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRuleName(t *testing.T) {
	for id, want := range map[string]string{"circuit-breaker": "CircuitBreaker", "backup": "BackupCheck", "database-replicas": "DatabaseReplicas"} {
		if got := ruleName(id); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", id, got, want)
		}
	}
}
