package fixers

import (
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Capture records the state of every existing node the edit may change
// (the node it starts from, the mappings and list on its way, the scalar
// it replaces) and returns a function that puts them back, undoing the
// edit once it is applied. Nodes the edit creates need no undoing: they
// hang only from the nodes restored. A document the edit adds is undone
// by whoever received it.
func (e Edit) Capture() (undo func()) {
	touched := []*yaml.Node{e.At}
	n := e.At
	for _, k := range e.Keys {
		if n = oam.Get(n, k); n == nil {
			break
		}
		touched = append(touched, n)
	}
	saved := make([]yaml.Node, len(touched))
	for i, t := range touched {
		saved[i] = *t
	}
	return func() {
		for i, t := range touched {
			*t = saved[i]
		}
	}
}
