package kio

import (
	"fmt"
	"reflect"
	"sort"
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
// edited document: strictly (kyaml renders them as n1) or, failing that,
// the same data and the same comments.
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
	want, err := decodeData(d.root)
	if err != nil {
		return d.refuse(0, "cannot decode the edited document: "+err.Error())
	}
	got, err := decodeData(&parsed)
	if err != nil || !reflect.DeepEqual(got, want) {
		return d.refuse(0, "the projected text does not hold the edited data")
	}
	if rendered, err := encode(&parsed, d.SeqIndent); err == nil && rendered == n1 {
		return nil
	}
	if a, b := comments(&parsed), comments(d.root); !reflect.DeepEqual(a, b) {
		return d.refuse(0, "the projected text would lose or change a comment")
	}
	return nil
}

// decodeData decodes a node tree into plain Go values.
func decodeData(n *yaml.Node) (any, error) {
	var v any
	err := n.Decode(&v)
	return v, err
}

// comments returns the sorted multiset of comment lines in a tree.
func comments(n *yaml.Node) []string {
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, l := range strings.Split(c, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
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
	sort.Strings(out)
	return out
}

// equalData compares decoded documents.
func equalData(a, b any) bool { return reflect.DeepEqual(a, b) }
