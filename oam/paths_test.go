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

// anchored holds the anchors the corpus lacks: on the root's values, a
// named list, its items, a mapping key, nested anchors, aliases and
// repeated item names.
const anchored = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: &meta
  name: shop
spec:
  components: &comps
    - name: api
      type: webservice
      properties: &props
        image: nginx
        ports: [&p {port: 80}]
      traits:
        - type: scaler
          properties: {replicas: 1}
        - type: scaler
    - &second
      name: api
      type: worker
      properties: *props
    - name: "2"
      type: worker
  policies:
    - name: topo
      type: topology
      properties:
        &k clusters: [local]
  workflow:
    steps:
      - name: deploy
        type: deploy
`

// TestPathSearchMatchesIndex: PathOf and AnchorOf answer their first
// questions by searching the tree, later ones from the index; both must
// give every node of every corpus document and of a document full of
// anchors (and nodes not in the tree) the same answers.
func TestPathSearchMatchesIndex(t *testing.T) {
	nodes, anchors := 0, 0
	check := func(name string, data []byte) {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Logf("%s: not parsed (%v)", name, err)
				}
				return
			}
			indexed := Load(&doc)
			indexed.index()
			var walk func(n *yaml.Node)
			walk = func(n *yaml.Node) {
				if n == nil {
					return
				}
				nodes++
				if n.Anchor != "" {
					anchors++
				}
				searched := Load(&doc)
				got, gotOK := searched.PathOf(n)
				want, wantOK := indexed.PathOf(n)
				if got != want || gotOK != wantOK || searched.paths.at != nil {
					t.Fatalf("%s line %d: search %+v %v, index %+v %v", name, n.Line, got, gotOK, want, wantOK)
				}
				if got, want := Load(&doc).AnchorOf(n), indexed.AnchorOf(n); got != want {
					t.Fatalf("%s line %d: anchor by search %q, by index %q", name, n.Line, got, want)
				}
				for _, c := range n.Content {
					walk(c)
				}
			}
			walk(&doc)
			if _, ok := Load(&doc).PathOf(&yaml.Node{}); ok {
				t.Fatalf("%s: a node not in the tree has a path", name)
			}
		}
	}
	check("anchored", []byte(anchored))
	if anchors < 6 {
		t.Fatalf("the anchored document has %d anchors, want 6", anchors)
	}
	for _, file := range testenv.CorpusFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		check(file, data)
	}
	t.Logf("%d nodes (%d anchored): the search and the index agree on paths and anchors", nodes, anchors)
}

// TestPathOfBuildsTheIndexAfterSomeSearches: an App asked about many
// nodes stops searching and indexes the tree once.
func TestPathOfBuildsTheIndexAfterSomeSearches(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(anchored), &doc); err != nil {
		t.Fatal(err)
	}
	app := Load(&doc)
	comp := app.Components[1].Node
	for i := 0; i < maxSearches; i++ {
		if p, ok := app.PathOf(comp); !ok || p.Named != "spec.components[1]" || p.Indexed != "spec.components[1]" {
			t.Fatalf("search %d: %+v %v", i, p, ok)
		}
	}
	if app.paths.at != nil {
		t.Fatal("the index was built before the searches ran out")
	}
	if p, ok := app.PathOf(comp); !ok || p.Named != "spec.components[1]" {
		t.Fatalf("indexed: %+v %v", p, ok)
	}
	if app.paths.at == nil {
		t.Fatal("the index was not built")
	}
}

// TestPathSearchFindsMovedNodes: the search skips subtrees that end on a
// line before the node asked about, which holds for nodes read from the
// text; an edit that moves such a node, or adds one without a line, must
// not hide it.
func TestPathSearchFindsMovedNodes(t *testing.T) {
	const src = `spec:
  components:
    - name: a
      type: webservice
    - name: b
      type: worker
      properties:
        image: x
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	comps := Get(Load(&doc).Spec, "components")
	a, b := comps.Content[0], comps.Content[1]
	props := Get(b, "properties")
	// Move b's properties (line 7) into a, which ends at line 5.
	a.Content = append(a.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "properties"}, props)
	b.Content = b.Content[:4]
	added := &yaml.Node{Kind: yaml.ScalarNode, Value: "v"}
	b.Content = append(b.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "k"}, added)
	indexed := Load(&doc)
	indexed.index()
	for _, n := range []*yaml.Node{props, Get(props, "image"), added} {
		got, ok := Load(&doc).PathOf(n)
		want, wantOK := indexed.PathOf(n)
		if !ok || !wantOK || got != want {
			t.Errorf("line %d: search %+v %v, index %+v %v", n.Line, got, ok, want, wantOK)
		}
	}
	if got, _ := Load(&doc).PathOf(props); got.Named != "spec.components[a].properties" {
		t.Errorf("moved properties at %q", got.Named)
	}
}
