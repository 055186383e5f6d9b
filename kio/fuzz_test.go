package kio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
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
			randomEdits(d.root, &seed)
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

// randomEdits changes a tree deterministically from a seed: it rewrites a
// scalar, adds a key, appends a sequence item or deletes a key.
func randomEdits(n *yaml.Node, seed *int) {
	next := func() int {
		*seed = (*seed*1103515245 + 12345) & 0x7fffffff
		return *seed
	}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || n.Kind == yaml.AliasNode || n.Anchor != "" || depth > 6 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			switch next() % 7 {
			case 0:
				n.Content = append(n.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "fuzzAdded" + strconv.Itoa(next()%100)},
					&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
						{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"},
						{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"}}},
					}})
			case 1:
				if len(n.Content) >= 4 {
					i := (next() % (len(n.Content) / 2)) * 2
					n.Content = append(n.Content[:i], n.Content[i+2:]...)
				}
			}
		case yaml.SequenceNode:
			if next()%5 == 0 {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "fuzz-item"})
			}
		case yaml.ScalarNode:
			if next()%6 == 0 && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
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
