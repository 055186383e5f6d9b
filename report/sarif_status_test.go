package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/report"
)

// sarifResult is what code scanning reads from a SARIF result.
type sarifResult struct {
	RuleID  string `json:"ruleId"`
	Kind    string `json:"kind"`
	Level   string `json:"level"`
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
	Suppressions []struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	} `json:"suppressions"`
	Fixes      []json.RawMessage `json:"fixes"`
	Properties map[string]any    `json:"properties"`
}

// sarifResults renders findings as SARIF and decodes the results.
func sarifResults(t *testing.T, fs []fixers.Finding, opts report.SARIFOptions) []sarifResult {
	t.Helper()
	var out bytes.Buffer
	if err := report.SARIF(&out, fs, opts); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []sarifResult `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log.Runs[0].Results
}

// TestSARIFLevelsAndKinds: what a code-scanning tool shows for each status
// and severity. An open finding fails (kind fail) at its severity's level
// (error for critical and high, warning for medium, note for low and
// info); a finding --fix fixed is a pass with level none, so it does not
// show as an alert; a suppressed one keeps its level and carries an
// inSource suppression whose justification is the exemption.
func TestSARIFLevelsAndKinds(t *testing.T) {
	for _, tc := range []struct {
		sev    fixers.Severity
		status fixers.Status
		kind   string
		level  string
	}{
		{fixers.Critical, fixers.Open, "fail", "error"},
		{fixers.High, fixers.Open, "fail", "error"},
		{fixers.Medium, fixers.Open, "fail", "warning"},
		{fixers.Low, fixers.Open, "fail", "note"},
		{fixers.Info, fixers.Open, "fail", "note"},
		{fixers.Critical, fixers.Fixed, "pass", "none"},
		{fixers.High, fixers.Fixed, "pass", "none"},
		{fixers.Low, fixers.Fixed, "pass", "none"},
		{fixers.Critical, fixers.Suppressed, "fail", "error"},
		{fixers.Medium, fixers.Suppressed, "fail", "warning"},
		{fixers.Info, fixers.Suppressed, "fail", "note"},
	} {
		f := fixers.Finding{Rule: "probes", Severity: tc.sev, Status: tc.status, Message: "component \"api\" has no readiness probe",
			File: "app.yaml", Line: 9, Column: 7}
		if tc.status == fixers.Suppressed {
			f.SuppressedBy = "comment oamfix:ignore probes -- probed by the mesh"
		}
		rs := sarifResults(t, []fixers.Finding{f}, report.SARIFOptions{ToolVersion: "dev"})
		if len(rs) != 1 {
			t.Fatalf("%s %s: %d results", tc.sev, tc.status, len(rs))
		}
		r := rs[0]
		if r.Kind != tc.kind || r.Level != tc.level {
			t.Errorf("%s %s: kind %q level %q, want kind %q level %q", tc.sev, tc.status, r.Kind, r.Level, tc.kind, tc.level)
		}
		if r.Properties["status"] != string(tc.status) || r.Properties["severity"] != string(tc.sev) {
			t.Errorf("%s %s: properties %v", tc.sev, tc.status, r.Properties)
		}
		switch {
		case tc.status != fixers.Suppressed && len(r.Suppressions) != 0:
			t.Errorf("%s %s: suppressions %+v on a finding that is not exempt", tc.sev, tc.status, r.Suppressions)
		case tc.status == fixers.Suppressed && (len(r.Suppressions) != 1 || r.Suppressions[0].Kind != "inSource" ||
			r.Suppressions[0].Status != "accepted" || r.Suppressions[0].Justification != f.SuppressedBy):
			t.Errorf("%s suppressed: suppressions %+v, want one inSource, accepted, justified by %q", tc.sev, r.Suppressions, f.SuppressedBy)
		}
	}
}

// TestSARIFStatusesOfRealRuns renders what the CLI renders for real runs
// (the example after --fix: fixed and open findings; golden cases with
// exemptions: suppressed ones) and checks every result against its
// finding: fixed ones pass, open ones fail at their level and, when a
// one-token fix exists, carry it; suppressed ones carry their exemption.
func TestSARIFStatusesOfRealRuns(t *testing.T) {
	fixView, src := runExample(t, false)
	fs := append([]fixers.Finding(nil), fixView...)
	for _, c := range []string{"backup/switched-off-and-managed", "replicas/exempt-comment", "observability/exempt-annotation"} {
		more, _ := runFile(t, filepath.Join("..", "testdata", c, "input.yaml"), "testdata/"+c+"/input.yaml", config.Default(), true)
		fs = append(fs, more...)
	}
	count := map[fixers.Status]int{}
	for _, f := range fs {
		count[f.Status]++
	}
	if count[fixers.Fixed] == 0 || count[fixers.Open] == 0 || count[fixers.Suppressed] == 0 {
		t.Fatalf("the inputs no longer give every status: %v", count)
	}
	report.Sort(fs)
	rs := sarifResults(t, fs, report.SARIFOptions{ToolVersion: "dev", Sources: map[string][]byte{examplePath: src}})
	if len(rs) != len(fs) {
		t.Fatalf("%d results for %d findings", len(rs), len(fs))
	}
	levels := map[fixers.Severity]string{fixers.Critical: "error", fixers.High: "error", fixers.Medium: "warning", fixers.Low: "note", fixers.Info: "note"}
	for i, f := range fs {
		r := rs[i]
		if r.RuleID != f.Rule || r.Message.Text != f.Message {
			t.Fatalf("result %d is %s %q, want %s %q (results out of order)", i, r.RuleID, r.Message.Text, f.Rule, f.Message)
		}
		switch f.Status {
		case fixers.Fixed:
			if r.Kind != "pass" || r.Level != "none" || len(r.Suppressions) != 0 || len(r.Fixes) != 0 {
				t.Errorf("fixed %s %q: kind %q level %q, %d suppressions, %d fixes; want a pass, level none", f.Rule, f.Message, r.Kind, r.Level, len(r.Suppressions), len(r.Fixes))
			}
		case fixers.Open:
			if r.Kind != "fail" || r.Level != levels[f.Severity] || len(r.Suppressions) != 0 {
				t.Errorf("open %s %s %q: kind %q level %q, %d suppressions", f.Severity, f.Rule, f.Message, r.Kind, r.Level, len(r.Suppressions))
			}
		case fixers.Suppressed:
			if r.Kind != "fail" || r.Level != levels[f.Severity] || len(r.Suppressions) != 1 ||
				r.Suppressions[0].Kind != "inSource" || r.Suppressions[0].Justification != f.SuppressedBy || f.SuppressedBy == "" || len(r.Fixes) != 0 {
				t.Errorf("suppressed %s %q: kind %q level %q, suppressions %+v; want inSource justified by %q", f.Rule, f.Message, r.Kind, r.Level, r.Suppressions, f.SuppressedBy)
			}
		}
	}
}
