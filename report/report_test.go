package report_test

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/report"
)

// examplePath is the bundled example as the CLI names it when run from
// the repository root (oamfix examples/).
const examplePath = "examples/parking-platform.yaml"

// exampleConfig is the example's own configuration.
func exampleConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join("..", "examples", ".oamfix.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// runExample runs every rule over the bundled example, as oamfix --fix
// (checkOnly false: fixable findings are fixed) or plain oamfix
// (checkOnly true: everything stays open) would, and returns the findings
// and the file's original bytes.
func runExample(t *testing.T, checkOnly bool) ([]fixers.Finding, []byte) {
	t.Helper()
	return runFile(t, filepath.Join("..", examplePath), examplePath, exampleConfig(t), checkOnly)
}

// runFile runs every rule over one file, naming it name in the findings.
func runFile(t *testing.T, path, name string, cfg *config.Config, checkOnly bool) ([]fixers.Finding, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := kio.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Process(f, engine.Options{Config: cfg, Rules: fixers.All(), CheckOnly: checkOnly})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings, data
}

// exampleOptions are the options the CLI passes for the example.
func exampleOptions(t *testing.T, source []byte) report.Options {
	return report.Options{
		SARIF:    report.SARIFOptions{ToolVersion: "dev", Sources: map[string][]byte{examplePath: source}},
		Markdown: report.MarkdownOptions{Config: exampleConfig(t)},
	}
}

// TestGoldenExamples renders the bundled example in every structured
// format and compares the result with testdata/report/examples.*:
// json and markdown show the --fix view (fixed and open findings), sarif
// the check view (every finding open, with fixes for scalar edits).
func TestGoldenExamples(t *testing.T) {
	fixView, src := runExample(t, false)
	checkView, _ := runExample(t, true)
	opts := exampleOptions(t, src)
	for _, c := range []struct {
		format string
		fs     []fixers.Finding
		golden string
	}{
		{"json", fixView, "examples.json"},
		{"markdown", fixView, "examples.md"},
		{"sarif", checkView, "examples.sarif"},
	} {
		t.Run(c.format, func(t *testing.T) {
			var out bytes.Buffer
			if err := report.WriteWith(&out, c.format, c.fs, opts); err != nil {
				t.Fatal(err)
			}
			testenv.Golden(t, filepath.Join("..", "testdata", "report", c.golden), out.Bytes())
		})
	}
}

// TestMarkdownListsEveryRule checks that the example's review names every
// rule that fired, in both views.
func TestMarkdownListsEveryRule(t *testing.T) {
	for _, checkOnly := range []bool{false, true} {
		fs, _ := runExample(t, checkOnly)
		var out bytes.Buffer
		if err := report.Markdown(&out, fs, report.MarkdownOptions{Config: exampleConfig(t)}); err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if !strings.Contains(out.String(), "#### `"+f.Rule+"`") {
				t.Errorf("checkOnly=%v: the markdown report has no section for rule %s", checkOnly, f.Rule)
			}
		}
	}
}

// TestDeterministic renders every format twice, from shuffled copies of
// the findings: the bytes must be equal, and the caller's slice untouched
// by the renderers that promise it.
func TestDeterministic(t *testing.T) {
	fs, src := runExample(t, false)
	opts := exampleOptions(t, src)
	for _, format := range report.Formats() {
		var first []byte
		for i := 0; i < 3; i++ {
			shuffled := append([]fixers.Finding(nil), fs...)
			rand.New(rand.NewSource(int64(i))).Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
			var out bytes.Buffer
			if err := report.WriteWith(&out, format, shuffled, opts); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = out.Bytes()
			} else if !bytes.Equal(first, out.Bytes()) {
				t.Errorf("%s output differs between runs", format)
			}
		}
	}
	before := append([]fixers.Finding(nil), fs...)
	var out bytes.Buffer
	if err := report.Markdown(&out, fs, report.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := report.SARIF(&out, fs, report.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		if fs[i].Message != before[i].Message || fs[i].Line != before[i].Line {
			t.Fatal("Markdown or SARIF reordered the caller's findings")
		}
	}
}

// TestFingerprintIgnoresMovedLines inserts lines at the top of the
// example: every finding moves down, no fingerprint changes.
func TestFingerprintIgnoresMovedLines(t *testing.T) {
	fs, src := runExample(t, true)
	moved := append([]byte("# a comment\n# and another, unrelated to any finding\n\n"), src...)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(path, moved, 0o644); err != nil {
		t.Fatal(err)
	}
	after, _ := runFile(t, path, examplePath, exampleConfig(t), true)
	if len(after) != len(fs) {
		t.Fatalf("%d findings before, %d after", len(fs), len(after))
	}
	want := map[string]int{}
	for _, f := range fs {
		want[report.Fingerprint(f)]++
	}
	for _, f := range after {
		fp := report.Fingerprint(f)
		if want[fp] == 0 {
			t.Errorf("fingerprint of %q changed when lines moved", f.Message)
		}
		want[fp]--
	}

	f := fs[0]
	base := report.Fingerprint(f)
	f.Line, f.Column = f.Line+10, f.Column+2
	if report.Fingerprint(f) != base {
		t.Error("the fingerprint depends on the line or column")
	}
	// A value that changes but stays wrong (2 raised to 3, still below the
	// floor) keeps the fingerprint: change a number of a message that has one.
	var numbered *fixers.Finding
	for i := range fs {
		if strings.ContainsAny(fs[i].Message, "0123456789") {
			numbered = &fs[i]
			break
		}
	}
	if numbered == nil {
		t.Fatal("no finding of the example has a number in its message")
	}
	n := *numbered
	numberedBase := report.Fingerprint(n)
	i := strings.IndexAny(n.Message, "0123456789")
	n.Message = n.Message[:i] + string("1234567890"[n.Message[i]-'0']) + "7" + n.Message[i+1:]
	if n.Message == numbered.Message {
		t.Fatal("the message did not change")
	}
	if report.Fingerprint(n) != numberedBase {
		t.Errorf("the fingerprint depends on the numbers in the message: %q and %q differ", numbered.Message, n.Message)
	}
	for _, change := range []func(*fixers.Finding){
		func(f *fixers.Finding) { f.Rule = "other" },
		func(f *fixers.Finding) { f.File = "other.yaml" },
		func(f *fixers.Finding) { f.Document++ },
		func(f *fixers.Finding) { f.Resource.Name = "other" },
		func(f *fixers.Finding) { f.Path += ".x" },
		func(f *fixers.Finding) { f.Message = "another problem" },
	} {
		g := fs[0]
		change(&g)
		if report.Fingerprint(g) == base {
			t.Errorf("the fingerprint ignores a change that makes another finding: %+v", g)
		}
	}
}

// TestJSONSchema checks the documented fields of the JSON report.
func TestJSONSchema(t *testing.T) {
	fs, _ := runExample(t, false)
	var out bytes.Buffer
	if err := report.Write(&out, "json", fs); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Version  int
		Findings []map[string]any
		Summary  map[string]int
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Version != 1 || len(rep.Findings) != len(fs) || rep.Summary["total"] != len(fs) {
		t.Fatalf("version %d, %d findings, summary %v", rep.Version, len(rep.Findings), rep.Summary)
	}
	for _, f := range rep.Findings {
		for _, key := range []string{"rule", "severity", "status", "message", "file", "line", "column", "document", "resource", "fingerprint"} {
			if _, ok := f[key]; !ok {
				t.Errorf("finding %v has no %q", f["message"], key)
			}
		}
		if fp, _ := f["fingerprint"].(string); len(fp) != 32 {
			t.Errorf("fingerprint %q is not 32 hex digits", fp)
		}
	}
}

// TestApprovalStatus covers the three verdicts of the markdown report.
func TestApprovalStatus(t *testing.T) {
	for _, c := range []struct {
		name string
		fs   []fixers.Finding
		want string
	}{
		{"open high", []fixers.Finding{{Rule: "probes", Severity: fixers.High, Status: fixers.Open}, {Rule: "storage", Severity: fixers.Medium, Status: fixers.Open}}, "❌ **NOT APPROVED**: 1 high finding remains open."},
		{"only medium and low open", []fixers.Finding{{Rule: "probes", Severity: fixers.High, Status: fixers.Fixed}, {Rule: "storage", Severity: fixers.Medium, Status: fixers.Open}, {Rule: "spot-instances", Severity: fixers.Low, Status: fixers.Open}}, "⚠️ **APPROVED WITH CONDITIONS**: no critical or high findings are open; 1 medium and 1 low findings remain open."},
		{"fixed, suppressed and info", []fixers.Finding{{Rule: "backup", Severity: fixers.Critical, Status: fixers.Suppressed}, {Rule: "staging", Severity: fixers.Info, Status: fixers.Open}, {Rule: "cors", Severity: fixers.High, Status: fixers.Fixed}}, "✅ **APPROVED**"},
		{"nothing", nil, "✅ **APPROVED**"},
	} {
		var out bytes.Buffer
		if err := report.Markdown(&out, c.fs, report.MarkdownOptions{Title: "T"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: want %q in\n%s", c.name, c.want, out.String())
		}
	}
}

// TestWriteUnknownFormat keeps Write honest about what it knows.
func TestWriteUnknownFormat(t *testing.T) {
	if report.Known("xml") {
		t.Fatal("xml is not a format")
	}
	if err := report.Write(&bytes.Buffer{}, "xml", nil); err == nil {
		t.Fatal("Write accepted an unknown format")
	}
	for _, f := range []string{"text", "json", "sarif", "markdown"} {
		if !report.Known(f) {
			t.Errorf("%s is not Known", f)
		}
	}
}

// TestTextLevels: what each text level prints for the same findings, the
// config lines of SetConfig, and the run's summary line.
func TestTextLevels(t *testing.T) {
	fs := []fixers.Finding{
		{File: "a.yaml", Line: 1, Column: 1, Rule: "probes", Severity: fixers.High, Status: fixers.Fixed, Message: "fixed one", Assumptions: []string{"port 80"}},
		{File: "a.yaml", Line: 2, Column: 1, Rule: "spot-instances", Severity: fixers.Low, Status: fixers.Open, Message: "open low", Unmet: []fixers.Unmet{{Reason: "no port", Remedy: "add one"}}},
		{File: "a.yaml", Line: 3, Column: 1, Rule: "staging", Severity: fixers.Info, Status: fixers.Open, Message: "open info"},
		{File: "a.yaml", Line: 4, Column: 1, Rule: "backup", Severity: fixers.Critical, Status: fixers.Suppressed, Message: "exempt", SuppressedBy: "annotation"},
	}
	run := report.Run{Files: 1, Applications: 1}
	summary := "1 file read, 1 Application checked: 2 open (1 low, 1 info), 1 fixed, 1 suppressed, 0 errors\n"
	for _, c := range []struct {
		level report.TextLevel
		want  string
	}{
		{report.TextDefault, "a.yaml:1:1: high [probes] fixed one [fixed]\na.yaml:2:1: low [spot-instances] open low\n" + summary},
		{report.TextVerbose, "a.yaml:1:1: high [probes] fixed one [fixed]\n    assumption: port 80\na.yaml:2:1: low [spot-instances] open low\n    not fixed: no port; add one\na.yaml:3:1: info [staging] open info\na.yaml:4:1: critical [backup] exempt [suppressed: annotation]\n" + summary},
		{report.TextQuiet, summary},
		{report.TextCounts, "rule            critical  high  medium  low  info  fixed  suppressed\n" +
			"probes                 0     0       0    0     0      1           0\n" +
			"staging                0     0       0    0     1      0           0\n" +
			"backup                 0     0       0    0     0      0           1\n" +
			"spot-instances         0     0       0    1     0      0           0\n" + summary},
	} {
		var out bytes.Buffer
		w := report.NewTextWriterLevel(&out, c.level)
		w.SetRun(run)
		if err := w.Write(slices.Clone(fs)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("level %d:\n%s\nwant:\n%s", c.level, out.String(), c.want)
		}
	}

	var out bytes.Buffer
	w := report.NewTextWriterLevel(&out, report.TextDefault)
	for _, cfg := range []string{"a/.oamfix.yaml", "a/.oamfix.yaml", ""} {
		w.SetConfig(cfg)
		w.Write(fs[:2])
	}
	w.Close()
	if got := strings.Count(out.String(), "using config a/.oamfix.yaml\n") + strings.Count(out.String(), "using the default config\n"); got != 2 || !strings.HasSuffix(out.String(), "6 findings: 3 fixed, 3 open, 0 suppressed\n") {
		t.Errorf("config lines: %d, want 2 (one per change):\n%s", got, out.String())
	}

	var tally report.Tally
	if got := tally.Line(report.Run{Errors: 2}); got != "0 files read, 0 Applications checked: 0 open, 0 fixed, 0 suppressed, 2 errors" {
		t.Errorf("empty run: %q", got)
	}
}

// TestJSONRunAndConfig: the CLI's figures join the JSON summary, and the
// config of each finding is named once SetConfig is called.
func TestJSONRunAndConfig(t *testing.T) {
	var out bytes.Buffer
	w := report.NewJSONWriter(&out)
	w.Write([]fixers.Finding{{File: "a.yaml", Rule: "probes", Severity: fixers.High, Status: fixers.Open}})
	w.SetConfig("")
	w.Write([]fixers.Finding{{File: "b.yaml", Rule: "probes", Severity: fixers.High, Status: fixers.Open}})
	w.SetRun(report.Run{Files: 2, Applications: 2, Errors: 0})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []map[string]any
		Summary  map[string]int
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if _, ok := rep.Findings[0]["config"]; ok {
		t.Error("a finding before SetConfig names a config")
	}
	if c, ok := rep.Findings[1]["config"]; !ok || c != "" {
		t.Errorf("config %v, want \"\" (the defaults)", c)
	}
	if rep.Summary["files"] != 2 || rep.Summary["applications"] != 2 || rep.Summary["errors"] != 0 || rep.Summary["total"] != 2 {
		t.Errorf("summary %v", rep.Summary)
	}
}
