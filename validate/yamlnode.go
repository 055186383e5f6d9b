package validate

import (
	"fmt"
	"math"
	"strconv"

	"github.com/oamfix/oamfix/oam"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// deref follows aliases and unwraps a document node.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil {
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

// isNull reports an absent or null value.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// pair is one key/value entry of a mapping.
type pair struct {
	key, value *yaml.Node
}

// pairs lists a mapping's entries with merge keys ("<<") expanded; keys
// written in the mapping win over merged ones, as in YAML. It is the
// Application view's reading (oam.Entries), so rules and validation see
// the same fields.
func pairs(n *yaml.Node) []pair {
	entries := oam.Entries(deref(n))
	out := make([]pair, len(entries))
	for i, e := range entries {
		out[i] = pair{e.Key, e.Value}
	}
	return out
}

// lookup returns the entry for key in a mapping, or a zero pair.
func lookup(n *yaml.Node, key string) pair {
	for _, p := range pairs(n) {
		if p.key.Value == key {
			return p
		}
	}
	return pair{}
}

// stringField returns a mapping's string field, or "" when it is absent
// or not a string.
func stringField(n *yaml.Node, key string) string {
	v := deref(lookup(n, key).value)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != yaml.NodeTagString {
		return ""
	}
	return v.Value
}

// describe names a node's type for messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "an object"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case yaml.NodeTagString:
		return "a string"
	case yaml.NodeTagInt:
		return "an integer"
	case yaml.NodeTagFloat:
		return "a number"
	case yaml.NodeTagBool:
		return "a boolean"
	case yaml.NodeTagNull:
		return "null"
	}
	return n.ShortTag()
}

// toValue converts a YAML node to the value Kubernetes stores: JSON types,
// with every mapping key a string.
func toValue(n *yaml.Node) (any, error) {
	n = deref(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, p := range pairs(n) {
			v, err := toValue(p.value)
			if err != nil {
				return nil, err
			}
			m[p.key.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := toValue(e)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	}
	switch n.ShortTag() {
	case yaml.NodeTagNull:
		return nil, nil
	case yaml.NodeTagBool, yaml.NodeTagInt:
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
		return v, nil
	case yaml.NodeTagFloat:
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("line %d: %v", n.Line, err)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: %s cannot be represented in JSON", n.Line, strconv.Quote(n.Value))
		}
		return f, nil
	}
	return n.Value, nil
}
