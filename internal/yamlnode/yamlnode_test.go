package yamlnode

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestHasAnchors(t *testing.T) {
	for text, want := range map[string]bool{
		"a: 1\nb: [x, y]\n":         false,
		"a: &x 1\nb: *x\n":          true,
		"a:\n  - b: {c: &deep 2}\n": true,
		"a: '&not-an-anchor'\n":     false,
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatal(err)
		}
		if got := HasAnchors(&doc); got != want {
			t.Errorf("%q: HasAnchors %v, want %v", text, got, want)
		}
	}
	if HasAnchors(nil) {
		t.Error("a nil tree has anchors")
	}
}
