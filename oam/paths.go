package oam

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Path is where a node sits in an Application, in two spellings: Named,
// in the user's words (spec.components[booking].traits[hpa].properties.min),
// and Indexed, with numeric indexes as KRM results want it
// (spec.components[0].traits[1].properties.min).
type Path struct {
	Named, Indexed string
}

// Child is the path of a mapping field below p.
func (p Path) Child(key string) Path {
	return Path{join(p.Named, key), join(p.Indexed, key)}
}

// Item is the path of the i-th item (labelled label) of the sequence at p.
func (p Path) Item(label string, i int) Path {
	return Path{p.Named + "[" + label + "]", p.Indexed + "[" + strconv.Itoa(i) + "]"}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// namedLists are the OAM lists whose items paths name by their name (or,
// for traits, their type) instead of their index.
var namedLists = map[string]bool{
	"components": true, "traits": true, "policies": true, "steps": true, "subSteps": true, "envs": true,
}

// PathOf returns where node n is in the Application, or false when n is
// not part of its tree (a node a fix is about to add, say). The index of
// paths is built on the first call; App is a snapshot, so call it on a
// freshly loaded view after edits.
func (a *App) PathOf(n *yaml.Node) (Path, bool) {
	a.index()
	p, ok := a.paths[n]
	return p.Path, ok
}

// AnchorOf returns the anchor of the node n is written in (n itself or an
// ancestor, "&name"), or "" when no anchor encloses it. Changing such a
// node changes every alias of the anchor too.
func (a *App) AnchorOf(n *yaml.Node) string {
	a.index()
	return a.paths[n].anchor
}

// located is a node's path and the anchor enclosing it.
type located struct {
	Path
	anchor string
}

func (a *App) index() {
	if a.paths == nil {
		a.paths = map[*yaml.Node]located{}
		indexPaths(a.Root, located{}, a.paths)
	}
}

// indexPaths records the path of n and of everything below it. Aliases
// are not followed: a node is where it is written.
func indexPaths(n *yaml.Node, at located, out map[*yaml.Node]located) {
	if n == nil {
		return
	}
	if _, seen := out[n]; seen {
		return
	}
	if n.Anchor != "" && at.anchor == "" {
		at.anchor = n.Anchor
	}
	out[n] = at
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := located{at.Child(k.Value), at.anchor}
			out[k] = child
			if v.Kind == yaml.SequenceNode && namedLists[k.Value] {
				if v.Anchor != "" && child.anchor == "" {
					child.anchor = v.Anchor
				}
				out[v] = child
				used := map[string]bool{}
				for j, item := range v.Content {
					label := itemLabel(item, j)
					if used[label] {
						label = strconv.Itoa(j) // a repeated name: the index keeps the path unique
					}
					used[label] = true
					indexPaths(item, located{child.Item(label, j), child.anchor}, out)
				}
				continue
			}
			indexPaths(v, child, out)
		}
	case yaml.SequenceNode:
		for j, item := range n.Content {
			indexPaths(item, located{at.Item(strconv.Itoa(j), j), at.anchor}, out)
		}
	}
}

// itemLabel names an item of an OAM list: its name, else its type, else
// its index.
func itemLabel(item *yaml.Node, i int) string {
	if item.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == "name" && item.Content[i+1].Kind == yaml.ScalarNode && item.Content[i+1].Value != "" {
				return item.Content[i+1].Value
			}
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == "type" && item.Content[i+1].Kind == yaml.ScalarNode && item.Content[i+1].Value != "" {
				return item.Content[i+1].Value
			}
		}
	}
	return strconv.Itoa(i)
}
