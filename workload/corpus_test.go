package workload_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
)

// minKnownShare is the least share of corpus components whose kind the
// model knows (it was 67 % when kinds came from type globs alone).
const minKnownShare = 0.90

// TestCorpusClassification classifies every component of the shared
// corpus with the default config and KubeVela's built-in definitions. At
// least 90 % get a known kind; every unknown one gets an unknown-type
// finding; every kind that rests on the shape heuristic says it is an
// assumption. The table of kinds per evidence source goes to the log.
func TestCorpusClassification(t *testing.T) {
	cfg := config.Default()
	opts := engine.Options{Config: cfg, Rules: []*fixers.Rule{fixers.UnknownType}, CheckOnly: true}
	byKind := map[workload.Kind]int{}
	bySource := map[string]map[workload.Kind]int{}
	unknownTypes := map[string]int{}
	total, unknownFindings := 0, 0
	for _, path := range testenv.CorpusFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := kio.Parse(path, data)
		if err != nil {
			continue // the one corpus file that is not YAML
		}
		res, err := engine.Process(f, opts)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		reported := map[string]bool{}
		for _, fd := range res.Findings {
			if fd.Rule == fixers.UnknownType.ID {
				unknownFindings++
				reported[fmt.Sprint(fd.Document, "/", fd.Component)] = true
			}
		}
		for _, d := range f.Docs {
			if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
				continue
			}
			app := oam.Load(d.Node.YNode())
			m := workload.Build(app, cfg, engine.DefaultCatalog())
			for _, fc := range m.Facts {
				total++
				byKind[fc.Kind]++
				source := "none"
				for _, e := range fc.Evidence {
					if e.Fact == "kind" {
						source = e.Source
						break
					}
				}
				if bySource[source] == nil {
					bySource[source] = map[workload.Kind]int{}
				}
				bySource[source][fc.Kind]++
				if fc.Assumed && (source != workload.SourceHeuristic || !strings.HasPrefix(fc.Evidence[0].Detail, "assumed:")) {
					t.Errorf("%s: %s is classified by its shape without saying it is an assumption: %+v", path, fc.Component.Name, fc.Evidence)
				}
				if fc.Kind == workload.Unknown {
					unknownTypes[fc.Component.Type]++
					if !reported[fmt.Sprint(d.Index, "/", fc.Component.Name)] {
						t.Errorf("%s: component %q of unknown kind has no unknown-type finding", path, fc.Component.Name)
					}
				}
			}
		}
	}
	known := total - byKind[workload.Unknown]
	share := float64(known) / float64(total)
	var b strings.Builder
	fmt.Fprintf(&b, "corpus: %d components, %d (%.1f%%) of a known kind, %d unknown (%d unknown-type findings)\n", total, known, 100*share, byKind[workload.Unknown], unknownFindings)
	fmt.Fprintf(&b, "  %-20s", "source \\ kind")
	for _, k := range workload.Kinds {
		fmt.Fprintf(&b, " %9s", k)
	}
	b.WriteString("\n")
	var sources []string
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	for _, s := range sources {
		fmt.Fprintf(&b, "  %-20s", s)
		for _, k := range workload.Kinds {
			fmt.Fprintf(&b, " %9d", bySource[s][k])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "  %-20s", "all")
	for _, k := range workload.Kinds {
		fmt.Fprintf(&b, " %9d", byKind[k])
	}
	var types []string
	for typ, n := range unknownTypes {
		types = append(types, fmt.Sprintf("%s %d", typ, n))
	}
	sort.Strings(types)
	fmt.Fprintf(&b, "\n  unknown types: %s", strings.Join(types, ", "))
	t.Log(b.String())
	if share < minKnownShare {
		t.Errorf("%.1f%% of corpus components have a known kind, want at least %.0f%%", 100*share, 100*minKnownShare)
	}
	if unknownFindings != byKind[workload.Unknown] {
		t.Errorf("%d unknown-type findings for %d components of unknown kind", unknownFindings, byKind[workload.Unknown])
	}
}
