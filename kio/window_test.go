package kio

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// app is an Application whose edits the window tests splice.
const app = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: demo
spec:
  components:
    - name: api
      type: webservice
      properties:
        image: nginx
        script: |+
          echo hi

      traits:
        - type: scaler
          properties:
            replicas: 1
    - name: db
      type: worker
`

// nodeAt follows keys (strings) and indexes (ints) from n.
func nodeAt(t *testing.T, n *yaml.Node, path ...any) *yaml.Node {
	t.Helper()
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	for _, p := range path {
		switch p := p.(type) {
		case string:
			i := slices.IndexFunc(n.Content, func(k *yaml.Node) bool { return k.Value == p })
			if n.Kind != yaml.MappingNode || i < 0 || i%2 != 0 {
				t.Fatalf("no key %q", p)
			}
			n = n.Content[i+1]
		case int:
			n = n.Content[p]
		}
	}
	return n
}

// fragment parses YAML text into a node.
func fragment(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// spliceApp splices one edit of app and returns the splicer, the new lines
// and the positions of the inserted ones.
func spliceApp(t *testing.T, edit func(d *Document, root *yaml.Node)) (*splicer, *Document, []string, []int) {
	t.Helper()
	return spliceText(t, app, edit)
}

// spliceText splices one edit of a document's text.
func spliceText(t *testing.T, text string, edit func(d *Document, root *yaml.Node)) (*splicer, *Document, []string, []int) {
	t.Helper()
	f, err := Parse("app.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	d := f.Docs[0]
	d.RecordEdits()
	edit(d, d.Node.YNode())
	s, out, pos, reason := d.spliceUnverified()
	if reason != "" || out == nil {
		t.Fatalf("not spliced: %q", reason)
	}
	return s, d, out, pos
}

// TestWindowsRefuseWrongLines splices an appended trait, a new property
// and a changed value, checks that their windows verify them, then breaks
// the spliced lines in the ways a splicer bug would (new lines a column
// off, placed inside the entry before them, a value or a line lost) and
// checks that the windows refuse every broken version, as the whole parse
// does.
func TestWindowsRefuseWrongLines(t *testing.T) {
	type breakage struct {
		name string
		fn   func(out []string, first, last int) []string
	}
	shift := func(by int) func(out []string, first, last int) []string {
		return func(out []string, first, last int) []string {
			for i := first; i < last; i++ {
				if by > 0 {
					out[i] = strings.Repeat(" ", by) + out[i]
				} else {
					out[i] = out[i][-by:]
				}
			}
			return out
		}
	}
	breakages := []breakage{
		{"one column right", shift(1)},
		{"one column left", shift(-1)},
		{"inside the entry before", func(out []string, first, last int) []string {
			moved := slices.Clone(out[first:last])
			out = slices.Delete(out, first, last)
			return slices.Insert(out, first-1, moved...)
		}},
		{"a value changed", func(out []string, first, last int) []string {
			out[last-1] += "x"
			return out
		}},
		{"a line lost", func(out []string, first, last int) []string {
			return slices.Delete(out, last-1, last)
		}},
	}
	edits := []struct {
		name string
		edit func(t *testing.T, d *Document, root *yaml.Node)
		// the new or changed lines, in the spliced text
		first, last int
	}{
		{"appended trait", func(t *testing.T, d *Document, root *yaml.Node) {
			traits := nodeAt(t, root, "spec", "components", 0, "traits")
			d.Touch(traits)
			traits.Content = append(traits.Content, fragment(t, "type: gateway\nproperties:\n  port: 80\n"))
		}, 17, 20},
		{"new component field", func(t *testing.T, d *Document, root *yaml.Node) {
			c := nodeAt(t, root, "spec", "components", 1)
			d.Touch(c)
			c.Content = append(c.Content, fragment(t, "labels:\n  tier: data\n").Content...)
		}, 19, 21},
		{"changed value", func(t *testing.T, d *Document, root *yaml.Node) {
			r := nodeAt(t, root, "spec", "components", 0, "traits", 0, "properties", "replicas")
			d.Touch(r)
			r.Value = "3"
		}, 16, 17},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			s, d, out, pos := spliceApp(t, func(d *Document, root *yaml.Node) { e.edit(t, d, root) })
			if !s.verifiedLocally(out, pos) {
				t.Fatalf("the correct splice was not verified locally:\n%s", strings.Join(out, "\n"))
			}
			if reason := d.verifySplice(out); reason != "" {
				t.Fatalf("the whole parse refuses the correct splice: %s", reason)
			}
			for _, b := range breakages {
				broken := b.fn(slices.Clone(out), e.first, e.last)
				if s.verifiedLocally(broken, pos) {
					t.Errorf("%s: the windows accept the broken splice:\n%s", b.name, strings.Join(broken, "\n"))
				}
			}
		})
	}
}

// TestKeptBlockScalarIsNotVerifiedLocally adds a field after a block
// scalar that keeps its trailing blank line: where the new lines go
// decides whether the scalar keeps it, so only the whole parse may judge.
func TestKeptBlockScalarIsNotVerifiedLocally(t *testing.T) {
	s, _, out, pos := spliceApp(t, func(d *Document, root *yaml.Node) {
		props := nodeAt(t, root, "spec", "components", 0, "properties")
		d.Touch(props)
		props.Content = append(props.Content, fragment(t, "port: 80\n").Content...)
	})
	if s.verifiedLocally(out, pos) {
		t.Fatalf("a field added after a kept block scalar was verified locally:\n%s", strings.Join(out, "\n"))
	}
}

// TestNewBlockScalarIsNotVerifiedLocally appends a trait whose value is a
// block scalar: one that keeps its trailing lines would take the blank
// lines after the window in the document, which its window lacks.
func TestNewBlockScalarIsNotVerifiedLocally(t *testing.T) {
	s, d, out, pos := spliceApp(t, func(d *Document, root *yaml.Node) {
		traits := nodeAt(t, root, "spec", "components", 0, "traits")
		d.Touch(traits)
		traits.Content = append(traits.Content, fragment(t, "type: init\nproperties:\n  script: |+\n    echo hi\n\n"))
	})
	if !slices.ContainsFunc(out, func(l string) bool { return strings.Contains(l, "|+") }) {
		t.Fatalf("the new trait was not written as a kept block scalar:\n%s", strings.Join(out, "\n"))
	}
	if s.verifiedLocally(out, pos) {
		t.Fatalf("a new block scalar was verified locally:\n%s", strings.Join(out, "\n"))
	}
	if reason := d.verifySplice(out); reason != "" {
		t.Logf("the whole parse refuses it too: %s", reason)
	}
}

// TestFilledValueBeforeCommentIsNotVerifiedLocally fills an empty value
// followed by a comment line: yaml.v3 attached that comment by the token
// after the empty value, which the new lines replace, so only the whole
// parse may judge. The same fill with no comment after it is verified
// locally.
func TestFilledValueBeforeCommentIsNotVerifiedLocally(t *testing.T) {
	for text, local := range map[string]bool{
		"spec:\n  traits:\n  # later\n  name: x\n": false,
		"spec:\n  traits:\n  name: x\n":            true,
	} {
		s, _, out, pos := spliceText(t, text, func(d *Document, root *yaml.Node) {
			v := nodeAt(t, root, "spec", "traits")
			d.Touch(v)
			*v = *fragment(t, "- type: scaler\n")
		})
		if got := s.verifiedLocally(out, pos); got != local {
			t.Errorf("verified locally %v, want %v:\n%s", got, local, strings.Join(out, "\n"))
		}
	}
}
