package oam

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestPathSearchMatchesIndex: PathOf answers its first questions by
// searching the tree, later ones from the index; both must give every
// node of every corpus document (and nodes not in the tree) the same
// answer.
func TestPathSearchMatchesIndex(t *testing.T) {
	nodes := 0
	for _, file := range testenv.CorpusFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Logf("%s: not parsed (%v)", file, err)
				}
				break
			}
			indexed := Load(&doc)
			indexed.index()
			var walk func(n *yaml.Node)
			walk = func(n *yaml.Node) {
				if n == nil {
					return
				}
				nodes++
				searched := Load(&doc)
				got, gotOK := searched.PathOf(n)
				want, wantOK := indexed.PathOf(n)
				if got != want || gotOK != wantOK || searched.paths.at != nil {
					t.Fatalf("%s line %d: search %+v %v, index %+v %v", file, n.Line, got, gotOK, want, wantOK)
				}
				for _, c := range n.Content {
					walk(c)
				}
			}
			walk(&doc)
			if _, ok := Load(&doc).PathOf(&yaml.Node{}); ok {
				t.Fatalf("%s: a node not in the tree has a path", file)
			}
		}
	}
	t.Logf("%d nodes: the search and the index agree", nodes)
}

// TestPathOfBuildsTheIndexAfterSomeSearches: an App asked about many
// nodes stops searching and indexes the tree once.
func TestPathOfBuildsTheIndexAfterSomeSearches(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("spec:\n  components:\n    - name: a\n      type: webservice\n"), &doc); err != nil {
		t.Fatal(err)
	}
	app := Load(&doc)
	comp := app.Components[0].Node
	for i := 0; i < maxSearches; i++ {
		if p, ok := app.PathOf(comp); !ok || p.Named != "spec.components[a]" || p.Indexed != "spec.components[0]" {
			t.Fatalf("search %d: %+v %v", i, p, ok)
		}
	}
	if app.paths.at != nil {
		t.Fatal("the index was built before the searches ran out")
	}
	if p, ok := app.PathOf(comp); !ok || p.Named != "spec.components[a]" {
		t.Fatalf("indexed: %+v %v", p, ok)
	}
	if app.paths.at == nil {
		t.Fatal("the index was not built")
	}
}
