package kio

import (
	"fmt"
	"maps"
	"reflect"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// checkEmitted guards against emitter bugs: kyaml must render the edited
// tree as valid YAML (a commented key whose value became empty, for one,
// renders as "key: # c" followed by "{}").
func (d *Document) checkEmitted(n1 string) error {
	var parsed yaml.Node
	if err := yaml.Unmarshal([]byte(n1), &parsed); err != nil {
		return d.refuse(0, "kyaml renders the edited document as invalid YAML ("+err.Error()+")")
	}
	return nil
}

// verify parses the projected lines and checks that they hold exactly the
// edited data, with the same comments (or, where yaml.v3 attaches a comment
// to another node, that kyaml renders them exactly as n1).
func (d *Document) verify(lines []string, n1 string) error {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.TrimSuffix(l, "\r"))
		b.WriteByte('\n')
	}
	var parsed yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &parsed); err != nil {
		return d.refuse(0, "the projected text does not parse ("+err.Error()+")")
	}
	if dup := findDuplicateKey(&parsed); dup != nil {
		return d.refuse(d.Line(dup.Line), fmt.Sprintf("the projected text repeats the key %q", dup.Value))
	}
	if !sameData(&parsed, d.root) {
		// Equal data can be spelled differently (0x10 and 16): decode to be sure.
		want, err := decodeData(d.root)
		if err != nil {
			return d.refuse(0, "cannot decode the edited document: "+err.Error())
		}
		got, err := decodeData(&parsed)
		if err != nil || !reflect.DeepEqual(got, want) {
			return d.refuse(0, "the projected text does not hold the edited data")
		}
	}
	if a, b := comments(&parsed), comments(d.root); !maps.Equal(a, b) {
		for c, n := range a {
			if n > b[c] {
				// kyaml can render a line comment on another line (a
				// key's, after the next field, when its plain value
				// stood on the line below): the projection keeps the
				// original line too, and the comment twice.
				return d.refuse(0, "the projected text would repeat a comment")
			}
		}
		if rendered, err := encode(&parsed, d.SeqIndent); err != nil || rendered != n1 {
			return d.refuse(0, "the projected text would lose or change a comment")
		}
	}
	return nil
}

// sameData reports whether two node trees hold the same data, spelled the
// same way: kinds, resolved tags, scalar values, keys in order and aliases.
func sameData(a, b *yaml.Node) bool {
	if a.Kind == yaml.DocumentNode && b.Kind == yaml.DocumentNode {
		return len(a.Content) == len(b.Content) && (len(a.Content) == 0 || sameData(a.Content[0], b.Content[0]))
	}
	if a.Kind == yaml.DocumentNode && len(a.Content) == 1 {
		return sameData(a.Content[0], b)
	}
	if b.Kind == yaml.DocumentNode && len(b.Content) == 1 {
		return sameData(a, b.Content[0])
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.Value == b.Value && a.ShortTag() == b.ShortTag()
	case yaml.AliasNode:
		return a.Value == b.Value
	}
	if len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameData(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// decodeData decodes a node tree into plain Go values.
func decodeData(n *yaml.Node) (any, error) {
	var v any
	err := n.Decode(&v)
	return v, err
}

// comments returns the multiset of comment lines in a tree.
func comments(n *yaml.Node) map[string]int {
	out := map[string]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		for _, c := range [3]string{n.HeadComment, n.LineComment, n.FootComment} {
			for c != "" {
				line, rest, _ := strings.Cut(c, "\n")
				if line = strings.TrimSpace(line); line != "" {
					out[line]++
				}
				c = rest
			}
		}
		if n.Kind == yaml.AliasNode {
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}
