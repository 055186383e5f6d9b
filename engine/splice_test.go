package engine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/bench"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/golden"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
)

// input is one file to fix with the options it is fixed with.
type input struct {
	name string
	data []byte
	opts engine.Options
}

// goldenInputs are the golden cases of every rule, each with its rule,
// config and definitions, as TestGolden runs them (golden.Options).
func goldenInputs(t *testing.T) []input {
	var out []input
	for _, rule := range fixers.All() {
		cases, _ := filepath.Glob(filepath.Join("..", "testdata", rule.ID, "*", "input.yaml"))
		for _, path := range cases {
			dir := filepath.Dir(path)
			opts := golden.Options(t, dir, []*fixers.Rule{rule})
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, input{rule.ID + "/" + filepath.Base(dir), data, opts})
		}
	}
	if len(out) == 0 {
		t.Fatal("no golden cases under ../testdata")
	}
	return out
}

// allRules fixes with every rule and configured CORS origins, as the
// corpus tests and benchmarks do.
func allRules() engine.Options {
	cfg := config.Default()
	cfg.Spec.CORS.AllowedOrigins = []string{"https://app.example.com", "https://admin.example.com"}
	return engine.Options{Config: cfg, Rules: fixers.All()}
}

// processWhole is engine.Process with every edited document rendered
// whole and diffed by line (kio's fallback), the way oamfix wrote every
// fix before edits were spliced.
func processWhole(f *kio.File, opts engine.Options) ([]byte, error) {
	var docs []engine.Doc
	var kdocs []*kio.Document
	for _, d := range f.Docs {
		if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
			continue
		}
		d.Snapshot()
		docs = append(docs, engine.Doc{Node: d.Node.YNode(), File: f.Path, Index: d.Index, Line: d.Line})
		kdocs = append(kdocs, d)
	}
	out, err := engine.Run(docs, opts)
	if err != nil {
		return nil, err
	}
	for _, a := range out.Added {
		f.AddDocument(kdocs[a.After].Index, a.Root)
	}
	for i, d := range kdocs {
		if !out.Changed[i] {
			d.Forget()
		}
	}
	return kio.Project(f)
}

// compare fixes each input twice, spliced (engine.Process) and rendered
// whole, and fails where the bytes or the refusals differ. It returns the
// splicing counts.
func compare(t *testing.T, inputs []input) (stats kio.ProjectStats, changed int) {
	t.Helper()
	for _, in := range inputs {
		f, err := kio.Parse(in.name, in.data)
		if err != nil {
			continue
		}
		res, err := engine.Process(f, in.opts)
		stats.Add(f.Stats)
		g, _ := kio.Parse(in.name, in.data)
		whole, wholeErr := processWhole(g, in.opts)
		if (err == nil) != (wholeErr == nil) {
			t.Errorf("%s: spliced error %v, rendered whole error %v", in.name, err, wholeErr)
			continue
		}
		if err != nil {
			continue
		}
		if !bytes.Equal(res.After, whole) {
			d, _ := kio.UnifiedDiff(in.name, whole, res.After)
			t.Errorf("%s: the spliced fix differs from the whole-document rendering (- rendered whole, + spliced):\n%s", in.name, d)
		}
		if res.Changed() {
			changed++
		}
	}
	return stats, changed
}

// TestSpliceMatchesWholeRendering fixes every golden input, corpus file and
// a generated set by splicing each edit at its node and by rendering each
// edited document whole (the fallback, and how oamfix wrote every fix
// before): the bytes must be the same. The log counts the fallbacks and
// their reasons; on the goldens and the corpus there are none.
func TestSpliceMatchesWholeRendering(t *testing.T) {
	sets := []struct {
		name   string
		inputs func(t *testing.T) []input
	}{
		{"goldens", goldenInputs},
		{"corpus", func(t *testing.T) []input {
			var out []input
			for _, p := range testenv.CorpusFiles(t) {
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, input{p, data, allRules()})
			}
			return out
		}},
		{"generated", func(t *testing.T) []input {
			var out []input
			for i, data := range bench.Generate(300, 7) {
				out = append(out, input{fmt.Sprintf("gen-%03d.yaml", i), data, allRules()})
			}
			return out
		}},
	}
	kio.AlwaysVerifyWhole = true
	defer func() { kio.AlwaysVerifyWhole = false }()
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			stats, changed := compare(t, set.inputs(t))
			t.Logf("%s: %d files changed; %s", set.name, changed, stats)
			if changed == 0 || stats.Spliced == 0 {
				t.Fatal("nothing was spliced")
			}
			if stats.Local == 0 {
				t.Error("no document was verified locally")
			}
			if len(stats.Disagreements) > 0 {
				t.Errorf("%d documents verified locally were refused by the whole parse:\n%s", len(stats.Disagreements), strings.Join(stats.Disagreements, "\n"))
			}
			if set.name != "generated" && len(stats.Fallbacks) > 0 {
				t.Errorf("%d documents fell back to the whole-document rendering:\n%s", len(stats.Fallbacks), strings.Join(stats.Fallbacks, "\n"))
			}
		})
	}
}
