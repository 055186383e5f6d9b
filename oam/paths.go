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
	if trail, searched, found := a.search(n); searched {
		if !found {
			return Path{}, false
		}
		return pathOfTrail(trail), true
	}
	a.index()
	i, ok := a.paths.at[n]
	if !ok {
		return Path{}, false
	}
	return a.paths.path(i), true
}

// AnchorOf returns the anchor of the node n is written in (n itself or an
// ancestor, "&name"), or "" when no anchor encloses it. Changing such a
// node changes every alias of the anchor too.
func (a *App) AnchorOf(n *yaml.Node) string {
	if a.AnchorFree {
		return ""
	}
	if trail, searched, found := a.search(n); searched {
		if !found {
			return ""
		}
		return anchorOfTrail(a.Root, trail)
	}
	a.index()
	if i, ok := a.paths.at[n]; ok {
		return a.paths.steps[i].anchor
	}
	return ""
}

// pathIndex locates every node of an Application: each node's last step
// from its parent, and the anchor enclosing it. Path strings are built
// only for the nodes asked about.
type pathIndex struct {
	at    map[*yaml.Node]int32
	steps []step
}

// step is how a node is reached from the node at step parent: a field
// key (item fieldStep), an item's label ("" for its index) and index, or
// nothing for the root (item rootStep), whose path is empty.
type step struct {
	parent int32
	item   int32
	key    string
	anchor string
}

// Special values of step.item.
const (
	fieldStep = -1
	rootStep  = -2
)

// path builds the path of the node at step i.
func (x *pathIndex) path(i int32) Path {
	s := x.steps[i]
	switch s.item {
	case rootStep:
		return Path{}
	case fieldStep:
		return x.path(s.parent).Child(s.key)
	}
	label := s.key
	if label == "" {
		label = strconv.Itoa(int(s.item))
	}
	return x.path(s.parent).Item(label, int(s.item))
}

func (a *App) index() {
	if a.paths.at == nil {
		n := countNodes(a.Root)
		a.paths = pathIndex{at: make(map[*yaml.Node]int32, n), steps: make([]step, 0, n)}
		a.paths.add(a.Root, step{parent: -1, item: rootStep})
	}
}

// countNodes counts the nodes indexPaths records (aliases not followed),
// so that the index is allocated once.
func countNodes(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	count := 1
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			count += countNodes(c)
		}
	}
	return count
}

// add records n, reached by at, and everything below it. Aliases are not
// followed: a node is where it is written.
func (x *pathIndex) add(n *yaml.Node, at step) {
	if n == nil {
		return
	}
	if _, seen := x.at[n]; seen {
		return
	}
	if n.Anchor != "" && at.anchor == "" {
		at.anchor = n.Anchor
	}
	self := x.record(n, at)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := step{parent: self, item: fieldStep, key: k.Value, anchor: at.anchor}
			x.record(k, child)
			if v.Kind == yaml.SequenceNode && namedLists[k.Value] {
				if v.Anchor != "" && child.anchor == "" {
					child.anchor = v.Anchor
				}
				list := x.record(v, child)
				used := map[string]bool{}
				for j, item := range v.Content {
					label := itemLabel(item, j)
					if used[label] {
						label = strconv.Itoa(j) // a repeated name: the index keeps the path unique
					}
					used[label] = true
					x.add(item, step{parent: list, item: int32(j), key: label, anchor: child.anchor})
				}
				continue
			}
			x.add(v, child)
		}
	case yaml.SequenceNode:
		for j, item := range n.Content {
			x.add(item, step{parent: self, item: int32(j), anchor: at.anchor})
		}
	}
}

// record stores n's step (replacing an earlier one, as a key met twice
// would be) and returns its position.
func (x *pathIndex) record(n *yaml.Node, s step) int32 {
	i := int32(len(x.steps))
	x.steps = append(x.steps, s)
	x.at[n] = i
	return i
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

// maxSearches is how many PathOf calls an App answers by searching before
// it builds its index.
const maxSearches = 16

// search answers a question about n by searching the tree, while the
// App has answered fewer than maxSearches that way and has no index: a
// few questions are answered faster so than by indexing all of it (an
// App is loaded again after every rule that changes it, and most are
// asked about a handful of nodes). searched is false when the index
// should answer.
func (a *App) search(n *yaml.Node) (trail []trailStep, searched, found bool) {
	if a.paths.at != nil || a.searches >= maxSearches {
		return nil, false, false
	}
	a.searches++
	if n != nil && n.Line > 0 {
		// Nodes read from the text are in line order: subtrees that end
		// before n's line are skipped. A node an edit moved may break
		// that order; the whole search below still finds it.
		if search(a.Root, n, n.Line, &trail) {
			return trail, true, true
		}
		trail = trail[:0]
	}
	found = search(a.Root, n, 0, &trail)
	return trail, true, found
}

// trailStep is one step of a search's way from the root to a node: a field
// key (item fieldStep), or an item's label ("" for its index) and index;
// node is the value or item reached (nil for a mapping key).
type trailStep struct {
	item int32
	key  string
	node *yaml.Node
}

// search finds target below n the way the index records nodes (first in
// document order; a mapping key has its value's path; aliases are not
// followed) and leaves on trail the steps from n to it. With line > 0 (the
// target's line), it skips each entry whose next sibling starts on an
// earlier line: the entry ends before the target starts.
func search(n, target *yaml.Node, line int, trail *[]trailStep) bool {
	if n == nil {
		return false
	}
	if n == target {
		return true
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if line > 0 && i+2 < len(n.Content) && before(n.Content[i+2], line) {
				continue
			}
			k, v := n.Content[i], n.Content[i+1]
			if k == target {
				*trail = append(*trail, trailStep{item: fieldStep, key: k.Value})
				return true
			}
			*trail = append(*trail, trailStep{item: fieldStep, key: k.Value, node: v})
			if v.Kind == yaml.SequenceNode && namedLists[k.Value] {
				if v == target {
					return true
				}
				for j, item := range v.Content {
					if line > 0 && j+1 < len(v.Content) && before(v.Content[j+1], line) {
						continue
					}
					at := len(*trail)
					*trail = append(*trail, trailStep{item: int32(j), node: item})
					if search(item, target, line, trail) {
						(*trail)[at].key = listLabel(v.Content, j)
						return true
					}
					*trail = (*trail)[:at]
				}
			} else if search(v, target, line, trail) {
				return true
			}
			*trail = (*trail)[:len(*trail)-1]
		}
	case yaml.SequenceNode:
		for j, item := range n.Content {
			if line > 0 && j+1 < len(n.Content) && before(n.Content[j+1], line) {
				continue
			}
			*trail = append(*trail, trailStep{item: int32(j), node: item})
			if search(item, target, line, trail) {
				return true
			}
			*trail = (*trail)[:len(*trail)-1]
		}
	}
	return false
}

// before reports whether next, the entry after a subtree, starts on a line
// before line: the subtree, written before next, cannot hold a node that
// starts on line. Nodes an edit added have no line and decide nothing.
func before(next *yaml.Node, line int) bool {
	return next.Line > 0 && next.Line < line
}

// listLabel is the label the index gives item j of an OAM list: its
// itemLabel, or its index when an earlier item already took that label.
func listLabel(items []*yaml.Node, j int) string {
	used := map[string]bool{}
	label := ""
	for i := 0; i <= j; i++ {
		label = itemLabel(items[i], i)
		if used[label] {
			label = strconv.Itoa(i)
		}
		used[label] = true
	}
	return label
}

// pathOfTrail spells the steps of a search as a Path.
func pathOfTrail(trail []trailStep) Path {
	var p Path
	for _, s := range trail {
		if s.item == fieldStep {
			p = p.Child(s.key)
			continue
		}
		label := s.key
		if label == "" {
			label = strconv.Itoa(int(s.item))
		}
		p = p.Item(label, int(s.item))
	}
	return p
}

// anchorOfTrail is the outermost anchor on the way from root along trail
// (a mapping key's own anchor does not count, as in the index).
func anchorOfTrail(root *yaml.Node, trail []trailStep) string {
	if root != nil && root.Anchor != "" {
		return root.Anchor
	}
	for _, s := range trail {
		if s.node != nil && s.node.Anchor != "" {
			return s.node.Anchor
		}
	}
	return ""
}
