package kio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// addSeeds adds the repository's golden inputs and a sample of the shared
// corpus (when present) as fuzz seeds.
func addSeeds(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "input.yaml"))
	for _, p := range inputs {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*", "*.yaml"))
	for i := 0; i < len(corpus); i += 25 {
		if data, err := os.ReadFile(corpus[i]); err == nil {
			f.Add(data)
		}
	}
}

// FuzzParse: the reader never panics, and a file it accepts comes back
// byte-identical through Project with no edits.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, d := range file.Docs {
			d.Snapshot()
		}
		out, err := Project(file)
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("no-edit projection changed the file (err %v)", err)
		}
	})
}

// FuzzProject applies edits chosen by the fuzzer to every document's tree,
// then projects: the result is either refused cleanly or verified output
// that re-parses to the edited data; projecting the same edits onto the
// output again changes nothing.
func FuzzProject(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		seed := len(data)
		for _, d := range file.Docs {
			if d.Node == nil {
				continue
			}
			d.Snapshot()
			randomEdits(d.root, &seed, func(*yaml.Node) {})
		}
		out, err := Project(file)
		if err != nil {
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("projection failed with %T: %v", err, err)
			}
			return
		}
		again, err := Parse("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("projected output does not parse: %v\n%s", err, out)
		}
		for i, d := range again.Docs {
			if d.Node == nil || i >= len(file.Docs) || file.Docs[i].root == nil {
				continue
			}
			want, err1 := decodeData(file.Docs[i].root)
			got, err2 := decodeData(d.root)
			if err1 == nil && err2 == nil && !reflect.DeepEqual(want, got) {
				t.Fatalf("document %d does not hold the edited data:\n%s", i, out)
			}
		}
	})
}

// FuzzSplice applies edits chosen by the fuzzer twice, recorded (spliced
// at their nodes) and not (each edited document rendered whole). New
// fields and items must give the same bytes both ways, unless the line
// diff refuses them (splicing refuses only what both refuse).
// With changed values too, the spliced output must keep every original
// line the whole rendering keeps: where a value is written unlike kyaml's
// rendering ("key : value", a value on the line after its key), or next to
// another change, splicing changes the value only while the line diff
// rewrites the line (and places the lines around it as one block).
//
// Every document verified locally is parsed whole too, and the two
// verifications must agree.
func FuzzSplice(f *testing.F) {
	addSeeds(f)
	verifyWhole(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, values := range []bool{false, true} {
			spliced, splicedErr := fuzzEdits(t, data, false, values)
			whole, wholeErr := fuzzEdits(t, data, true, values)
			if splicedErr != nil && wholeErr == nil {
				t.Fatalf("splicing refused (%v) what the whole-document rendering writes", splicedErr)
			}
			// The splicer can place edits the line diff cannot (it refuses
			// then): its output is verified like any other.
			if wholeErr != nil || bytes.Equal(spliced, whole) {
				continue
			}
			d, _ := UnifiedDiff("fuzz.yaml", whole, spliced)
			if !values {
				t.Fatalf("splicing new fields and items differs from the whole-document rendering (- whole, + spliced):\n%s", d)
			}
			splicedKept := keptLines(t, data, spliced)
			for o := range keptLines(t, data, whole) {
				if !splicedKept[o] {
					t.Fatalf("splicing changes original line %d, which the whole-document rendering keeps (- whole, + spliced):\n%s", o+1, d)
				}
			}
		}
	})
}

// fuzzEdits parses data, applies the random edits (with values: scalar
// changes too) to every document, recorded or rendered whole, and projects.
func fuzzEdits(t *testing.T, data []byte, whole, values bool) ([]byte, error) {
	file, err := Parse("fuzz.yaml", data)
	if err != nil {
		t.Skip()
	}
	seed := len(data)
	for _, d := range file.Docs {
		if d.Node == nil {
			continue
		}
		touch := d.Touch
		if whole {
			d.Snapshot()
		} else {
			d.RecordEdits()
		}
		randomEditsOf(d.root, &seed, touch, values)
	}
	out, err := Project(file)
	var re *RefusedError
	if err != nil && !errors.As(err, &re) {
		t.Fatalf("projection failed with %T: %v", err, err)
	}
	if d := file.Stats.Disagreements; len(d) > 0 {
		t.Fatalf("verified locally, refused by the whole parse: %s", strings.Join(d, "; "))
	}
	return out, err
}

// verifyWhole sets AlwaysVerifyWhole for the rest of a test: each document
// verified locally is also parsed whole, and ProjectStats.Disagreements
// lists those the whole parse refuses.
func verifyWhole(tb testing.TB) {
	AlwaysVerifyWhole = true
	tb.Cleanup(func() { AlwaysVerifyWhole = false })
}

// keptLines diffs out against the original by line: the original lines
// it keeps.
func keptLines(t *testing.T, orig, out []byte) map[int]bool {
	ops, err := diffLines(strings.Split(string(orig), "\n"), strings.Split(string(out), "\n"))
	if err != nil {
		t.Fatal(err)
	}
	kept := map[int]bool{}
	i := 0
	for _, op := range ops {
		if op.kind == opEqual {
			for k := 0; k < op.n; k++ {
				kept[i+k] = true
			}
		}
		if op.kind != opInsert {
			i += op.n
		}
	}
	return kept
}

// randomEdits changes a tree deterministically from a seed: it rewrites a
// scalar, adds a key, appends or prepends a sequence item or deletes a
// key, calling touch with each existing node before changing it.
func randomEdits(n *yaml.Node, seed *int, touch func(*yaml.Node)) {
	randomEditsOf(n, seed, touch, true)
}

// randomEditsOf is randomEdits; without values it leaves scalars and flow
// collections alone.
func randomEditsOf(n *yaml.Node, seed *int, touch func(*yaml.Node), values bool) {
	next := func() int {
		*seed = (*seed*1103515245 + 12345) & 0x7fffffff
		return *seed
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || n.Kind == yaml.AliasNode || n.Anchor != "" || depth > 6 {
			return
		}
		if !values && n.Style&yaml.FlowStyle != 0 {
			return // a flow collection is rewritten in its line, like a value
		}
		switch n.Kind {
		case yaml.MappingNode:
			switch next() % 7 {
			case 0:
				touch(n)
				n.Content = append(n.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "fuzzAdded" + strconv.Itoa(next()%100)},
					&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"},
						{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"}}},
					}})
			case 1:
				if len(n.Content) >= 4 {
					touch(n)
					i := (next() % (len(n.Content) / 2)) * 2
					n.Content = append(n.Content[:i], n.Content[i+2:]...)
				}
			}
		case yaml.SequenceNode:
			switch next() % 5 {
			case 0:
				touch(n)
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "fuzz-item"})
			case 1:
				if len(n.Content) > 0 {
					touch(n)
					n.Content = append([]*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: "fuzzFirst"},
						{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"},
					}}}, n.Content...)
				}
			}
		case yaml.ScalarNode:
			if next()%6 == 0 && values && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
				touch(n)
				n.Value, n.Tag, n.Style = "fuzz-"+strconv.Itoa(next()%1000), "!!str", 0
			}
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
}
