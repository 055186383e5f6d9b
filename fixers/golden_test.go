package fixers_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/golden"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/report"
)

// TestGolden runs every case under testdata/<rule>/<case>/: input.yaml with
// only that rule enabled (and config.yaml, if present) must produce
// want.yaml byte-for-byte, want.diff as its unified diff and want.findings
// as its text findings; a second run over the output must change nothing.
func TestGolden(t *testing.T) {
	ran := 0
	for _, rule := range fixers.All() {
		cases, _ := filepath.Glob(filepath.Join("..", "testdata", rule.ID, "*", "input.yaml"))
		for _, input := range cases {
			dir := filepath.Dir(input)
			t.Run(rule.ID+"/"+filepath.Base(dir), func(t *testing.T) {
				runGoldenCase(t, dir, []*fixers.Rule{rule})
			})
			ran++
		}
	}
	if ran == 0 {
		t.Fatal("no golden cases found under ../testdata")
	}
}

// runGoldenCase checks one golden folder.
func runGoldenCase(t *testing.T, dir string, rules []*fixers.Rule) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(dir)), filepath.Base(dir), "input.yaml"))
	opts := golden.Options(t, dir, rules)
	res := process(t, name, data, opts)
	diff, err := kio.UnifiedDiff(name, res.Before, res.After)
	if err != nil {
		t.Fatal(err)
	}
	var findings bytes.Buffer
	if err := report.Text(&findings, sorted(res.Findings)); err != nil {
		t.Fatal(err)
	}
	testenv.Golden(t, filepath.Join(dir, "want.yaml"), res.After)
	testenv.Golden(t, filepath.Join(dir, "want.diff"), []byte(diff))
	testenv.Golden(t, filepath.Join(dir, "want.findings"), findings.Bytes())

	again := process(t, name, res.After, opts)
	if again.Changed() {
		d, _ := kio.UnifiedDiff(name, again.Before, again.After)
		t.Errorf("second run is not a no-op:\n%s", d)
	}
	for _, f := range again.Findings {
		if f.Status == fixers.Fixed {
			t.Errorf("second run fixed again: %s", f.Message)
		}
	}
}

func process(t *testing.T, name string, data []byte, opts engine.Options) *engine.Result {
	t.Helper()
	f, err := kio.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Process(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kio.Parse(name, res.After); err != nil {
		t.Fatalf("output does not re-parse: %v", err)
	}
	return res
}

func sorted(fs []fixers.Finding) []fixers.Finding {
	report.Sort(fs)
	return fs
}
