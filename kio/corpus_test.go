package kio

import (
	"os"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// forceRoundTrip runs the whole projection path with zero edits: render,
// align, apply an empty diff and verify. It must give the original back.
func forceRoundTrip(t *testing.T, f *File) []byte {
	t.Helper()
	var out []string
	for _, d := range f.Docs {
		if d.Node == nil {
			out = append(out, f.lines[d.first:d.end]...)
			continue
		}
		d.Snapshot()
		orig, err := d.original()
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		n0, err := encode(orig, d.SeqIndent)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		p := &projection{doc: d, orig: f.lines[d.first:d.end], n0: splitLines(n0), n1: splitLines(n0)}
		p.align(orig)
		lines, err := p.apply()
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if err := d.verify(lines, n0); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		out = append(out, lines...)
	}
	var b strings.Builder
	if f.BOM {
		b.Write(bom)
	}
	b.WriteString(strings.Join(out, "\n"))
	if f.FinalNewline && len(out) > 0 {
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func TestCorpusNoOpRoundTrip(t *testing.T) {
	files := testenv.CorpusFiles(t)
	ok, unparsed := 0, 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(path, data)
		if err != nil {
			unparsed++
			t.Logf("does not parse: %v", err)
			continue
		}
		if got := forceRoundTrip(t, f); string(got) != string(data) {
			diff, _ := UnifiedDiff(path, data, got)
			t.Errorf("%s: zero-edit projection changed the file:\n%s", path, diff)
			continue
		}
		if out, err := Project(f); err != nil || string(out) != string(data) {
			t.Errorf("%s: Project with no edits changed the file (err %v)", path, err)
		}
		ok++
	}
	t.Logf("corpus no-op round trip: %d files, %d byte-identical through the full path, %d do not parse", len(files), ok, unparsed)
	if ok == 0 {
		t.Fatal("no corpus file went through the projection")
	}
}

// isApplication reports whether a document is an OAM Application.
func isApplication(d *Document) bool {
	if d.Node == nil || d.Node.YNode().Kind != yaml.DocumentNode && d.Node.YNode().Kind != yaml.MappingNode {
		return false
	}
	m, err := d.Node.GetMeta()
	return err == nil && m.Kind == "Application" && strings.HasPrefix(m.APIVersion, "core.oam.dev/")
}

// testEdit is a test-only fixer: it edits an Application idempotently,
// calling touch with every existing node before it changes it (see
// Document.Touch).
type testEdit struct {
	name string
	// insertion edits only add lines; in-place edits change lines 1:1.
	insertion bool
	apply     func(t *testing.T, app *yaml.RNode, touch func(*yaml.Node))
}

// touchPath touches the mapping m and the nodes below it along keys, as
// far as they exist: what LookupCreate may add fields to.
func touchPath(m *yaml.RNode, touch func(*yaml.Node), keys ...string) {
	n := m.YNode()
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	touch(n)
	for _, k := range keys {
		f := yaml.NewRNode(n).Field(k)
		if f == nil {
			return
		}
		n = f.Value.YNode()
		touch(n)
	}
}

var testEdits = []testEdit{
	{"add-annotation", true, func(t *testing.T, app *yaml.RNode, touch func(*yaml.Node)) {
		touchPath(app, touch, "metadata", "annotations")
		ann, err := app.Pipe(yaml.LookupCreate(yaml.MappingNode, "metadata", "annotations"))
		if err != nil || ann == nil {
			return
		}
		if ann.Field("oamfix.dev/test") == nil {
			if err := ann.PipeE(yaml.SetField("oamfix.dev/test", yaml.NewStringRNode("yes"))); err != nil {
				t.Fatal(err)
			}
		}
	}},
	{"append-trait", true, func(t *testing.T, app *yaml.RNode, touch func(*yaml.Node)) {
		comps, err := app.Pipe(yaml.Lookup("spec", "components"))
		if err != nil || comps == nil || comps.YNode().Kind != yaml.SequenceNode {
			return
		}
		for _, c := range comps.YNode().Content {
			if c.Kind != yaml.MappingNode {
				continue
			}
			comp := yaml.NewRNode(c)
			touchPath(comp, touch, "traits")
			traits, err := comp.Pipe(yaml.LookupCreate(yaml.SequenceNode, "traits"))
			if err != nil || traits == nil || traits.YNode().Kind != yaml.SequenceNode {
				continue
			}
			has := false
			for _, tr := range traits.YNode().Content {
				if v := yaml.NewRNode(tr).Field("type"); v != nil && v.Value.YNode().Value == "oamfix-test" {
					has = true
				}
			}
			if !has {
				tr := yaml.MustParse("type: oamfix-test\nproperties:\n  enabled: true\n  ports:\n    - 8080\n")
				traits.YNode().Content = append(traits.YNode().Content, tr.YNode())
			}
		}
	}},
	{"scalar-in-place", false, func(t *testing.T, app *yaml.RNode, touch func(*yaml.Node)) {
		comps, err := app.Pipe(yaml.Lookup("spec", "components"))
		if err != nil || comps == nil || comps.YNode().Kind != yaml.SequenceNode {
			return
		}
		for _, c := range comps.YNode().Content {
			if c.Kind != yaml.MappingNode {
				continue
			}
			f := yaml.NewRNode(c).Field("type")
			if f == nil || f.Value.YNode().Kind != yaml.ScalarNode || strings.HasSuffix(f.Value.YNode().Value, "-v2") {
				continue
			}
			touch(f.Value.YNode())
			f.Value.YNode().Value += "-v2"
		}
	}},
}

// runEdits parses data, applies the edits to every Application and
// projects: recorded (spliced at their nodes) or, with whole, rendering
// every edited document whole.
func runEdits(t *testing.T, path string, data []byte, whole bool, edits ...testEdit) ([]byte, *File, error) {
	f, err := Parse(path, data)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range f.Docs {
		if isApplication(d) {
			touch := d.Touch
			if whole {
				d.Snapshot()
			} else {
				d.RecordEdits()
			}
			for _, e := range edits {
				e.apply(t, d.Node, touch)
			}
		}
	}
	out, err := Project(f)
	return out, f, err
}

// runEdit applies one edit, recorded, and checks that the spliced output
// is what rendering the edited documents whole gives.
func runEdit(t *testing.T, path string, data []byte, e testEdit, stats *ProjectStats) ([]byte, error) {
	t.Helper()
	out, f, err := runEdits(t, path, data, false, e)
	if f != nil {
		stats.Add(f.Stats)
	}
	whole, _, wholeErr := runEdits(t, path, data, true, e)
	switch {
	case (err == nil) != (wholeErr == nil):
		t.Errorf("%s: spliced error %v, rendered whole error %v", path, err, wholeErr)
	case err == nil && string(out) != string(whole):
		d, _ := UnifiedDiff(path, whole, out)
		t.Errorf("%s: %s: the spliced edit differs from the whole-document rendering (- whole, + spliced):\n%s", path, e.name, d)
	}
	return out, err
}

func TestCorpusEditFidelity(t *testing.T) {
	files := testenv.CorpusFiles(t)
	verifyWhole(t)
	for _, e := range testEdits {
		t.Run(e.name, func(t *testing.T) {
			var changed, added, deleted, refused, flowDeleted int
			var stats ProjectStats
			for _, path := range files {
				data, _ := os.ReadFile(path)
				orig, err := Parse(path, data)
				if err != nil {
					continue
				}
				out, err := runEdit(t, path, data, e, &stats)
				if err != nil {
					refused++
					t.Logf("refused: %v", err)
					continue
				}
				if string(out) == string(data) {
					continue
				}
				changed++
				diff, err := UnifiedDiff(path, data, out)
				if err != nil {
					t.Fatal(err)
				}
				var plus, minus int
				lastLine := ""
				if !orig.FinalNewline && len(orig.lines) > 0 {
					lastLine = "-" + orig.lines[len(orig.lines)-1]
				}
				for _, l := range strings.Split(diff, "\n") {
					switch {
					case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
					case lastLine != "" && l == lastLine && strings.Contains(diff, "\n+"+l[1:]+"\n"):
						// Appending after a last line without a newline gives
						// that line a newline: unavoidable, and not a deletion.
						plus--
					case strings.HasPrefix(l, "+"):
						plus++
					case strings.HasPrefix(l, "-"):
						minus++
						if e.insertion {
							if strings.ContainsAny(l, "[{") {
								flowDeleted++
							} else {
								t.Errorf("%s: an insertion deleted a line that is not a flow collection: %q\n%s", path, l, diff)
							}
						}
					}
				}
				if !e.insertion && plus != minus {
					t.Errorf("%s: an in-place edit changed %d lines into %d:\n%s", path, minus, plus, diff)
				}
				added += plus
				deleted += minus
				again, err := Parse(path, out)
				if err != nil {
					t.Errorf("%s: output does not re-parse: %v", path, err)
					continue
				}
				if a, b := countComments(orig), countComments(again); a != b {
					t.Errorf("%s: comments %d -> %d\n%s", path, a, b, diff)
				}
				twice, err := runEdit(t, path, out, e, &ProjectStats{})
				if err != nil || string(twice) != string(out) {
					t.Errorf("%s: second run changed the output again (err %v)", path, err)
				}
			}
			t.Logf("%s over %d corpus files: %d changed, %d lines added, %d deleted (%d of them flow collections), %d refused; splicing: %s",
				e.name, len(files), changed, added, deleted, flowDeleted, refused, stats)
			if changed == 0 {
				t.Fatal("the edit changed no file")
			}
			if refused > 0 {
				t.Errorf("%d files refused", refused)
			}
			if len(stats.Disagreements) > 0 {
				t.Errorf("%d documents verified locally were refused by the whole parse:\n%s", len(stats.Disagreements), strings.Join(stats.Disagreements, "\n"))
			}
		})
	}
}

func countComments(f *File) int {
	n := 0
	for _, d := range f.Docs {
		if d.root != nil {
			for _, c := range comments(d.root) {
				n += c
			}
		}
	}
	return n
}
