package oam

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Builders of new nodes: plain ones, and ones in the style of existing
// nodes, so that what a fix adds reads like its neighbours.

// Scalar builds a new scalar node from a Go value: string, int, bool or float64.
func Scalar(v any) *yaml.Node {
	switch x := v.(type) {
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(x)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(x, 'f', -1, 64)}
	case string:
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: x}
		if needsQuotes(x) {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n
	case *yaml.Node:
		return x
	}
	return Scalar(fmt.Sprint(v))
}

// Pair is one key and value of a mapping being built.
type Pair struct {
	Key   string
	Value *yaml.Node
}

// P builds a Pair; the value may be a *yaml.Node or a Go scalar.
func P(key string, value any) Pair {
	return Pair{key, Scalar(value)}
}

// Map builds a block mapping.
func Map(pairs ...Pair) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, p := range pairs {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.Key}, p.Value)
	}
	return m
}

// Seq builds a block sequence.
func Seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// FlowSeq builds a flow sequence of scalars: [a, b].
func FlowSeq(values ...any) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Content: []*yaml.Node{}}
	for _, v := range values {
		s.Content = append(s.Content, Scalar(v))
	}
	return s
}

// CleanCopy deep-copies a node without comments, anchors or positions
// (aliases are expanded): prod's comments do not describe staging.
func CleanCopy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return CleanCopy(n.Alias)
	}
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Anchor = ""
	c.Line, c.Column = 0, 0
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			c.Content[i] = CleanCopy(ch)
		}
	}
	return &c
}

// RenamedCopy copies a policy (or step) with a new name.
func RenamedCopy(model *yaml.Node, name string) *yaml.Node {
	n := CleanCopy(model)
	if v := Get(n, "name"); v != nil && v.Kind == yaml.ScalarNode {
		SetString(v, name)
	} else {
		PrependPair(n, "name", Scalar(name))
	}
	return n
}

// ScalarLike builds a string scalar in the quote style of model.
func ScalarLike(model *yaml.Node, value string) *yaml.Node {
	n := Scalar(value)
	if model != nil && model.Kind == yaml.ScalarNode && model.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		n.Style = model.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
	}
	return n
}

// ListLike builds a list of strings in the style of model (flow or block,
// and the quote style of its items).
func ListLike(model *yaml.Node, values []string) *yaml.Node {
	seq := Seq()
	var item *yaml.Node
	if model != nil && model.Kind == yaml.SequenceNode {
		seq.Style = model.Style & yaml.FlowStyle
		if len(model.Content) > 0 {
			item = model.Content[0]
		}
	} else {
		seq.Style = yaml.FlowStyle
	}
	for _, v := range values {
		seq.Content = append(seq.Content, ScalarLike(item, v))
	}
	return seq
}

// MapLike builds a mapping of pairs, in the flow/block style of model and
// with the keys model has in model's order (others after).
func MapLike(model *yaml.Node, pairs ...Pair) *yaml.Node {
	m := Map()
	if model == nil || model.Kind != yaml.MappingNode {
		return Map(pairs...)
	}
	m.Style = model.Style & yaml.FlowStyle
	used := map[string]bool{}
	Pairs(model, func(k, _ *yaml.Node) {
		for _, p := range pairs {
			if p.Key == k.Value && !used[p.Key] {
				used[p.Key] = true
				AppendPair(m, p.Key, p.Value)
			}
		}
	})
	for _, p := range pairs {
		if !used[p.Key] {
			AppendPair(m, p.Key, p.Value)
		}
	}
	return m
}

// AppendPair adds a key and value at the end of a mapping being built.
func AppendPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// PrependPair adds a key and value at the start of a mapping being built.
func PrependPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append([]*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v}, m.Content...)
}

// SetPair replaces the value of key, or appends the pair (on new nodes only).
func SetPair(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	AppendPair(m, key, v)
}
