package kio

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The splicer writes a document's recorded changes (see Touch) straight
// into its original lines, at the positions of the nodes they touch:
//
//   - a scalar that took a new value, and a flow collection that changed,
//     is replaced in its line by kyaml's rendering of the new value in the
//     same context (block or flow), when the original text reads exactly as
//     kyaml renders the old value;
//   - new fields of a block mapping and new items of a block sequence are
//     rendered alone and inserted after the previous sibling's text (and
//     the comments yaml.v3 reads as its foot), in the indentation, dash
//     padding and line endings of their siblings;
//   - a value that became a block collection (an empty "traits:", a flow
//     "{}" that received fields, a scalar replaced by a mapping) has its
//     field rendered again in place;
//   - items replaced in a block sequence are projected like a whole
//     document, but over those items only.
//
// Each change is verified on its own lines when it can be (see
// window.go); otherwise the result is parsed once and must hold exactly
// the edited data and every comment. Anything else, or any doubt, and the
// document is rendered whole instead (the fallback). Both give the same
// bytes over the corpus, the golden cases and generated apps (engine's
// TestSpliceMatchesWholeRendering); where a line is written unlike kyaml
// would write it ("key : value"), splicing keeps more of it.

// splicer places one document's recorded changes into its original lines.
type splicer struct {
	d     *Document
	orig  []string                  // the document's original lines ("\r" kept)
	saved map[*yaml.Node]*yaml.Node // touched node -> its state before the edits
	spots map[*yaml.Node]*spot      // touched node -> where it sits in the original tree
	found []*yaml.Node              // touched nodes of the original tree, in document order
	// starts marks the lines where a block mapping key or a block
	// sequence item starts: the lines kyaml's rendering begins with a node.
	starts []bool
	body   []bool // lines inside a block scalar's body
	edits  *lineEdits
	ins    []insertion
	spans  map[int][]span
	// whole marks nodes whose text the splicer writes whole: changes
	// recorded below them are already in it.
	whole map[*yaml.Node]bool
	// lineWins are the lines changed in place that can be verified alone;
	// unwindowed is set by any change that cannot (see verifiedLocally).
	lineWins   []lineWindow
	unwindowed bool
}

// spot is where a touched node sits in the original tree.
type spot struct {
	parent *yaml.Node   // its parent (nil for the document node)
	index  int          // its index in the parent's content
	depth  int          // its depth below the document node
	up     []*yaml.Node // its ancestors, document node first
}

// insertion is a block of new lines to insert before original line at.
type insertion struct {
	at, depth, seq int
	lines          []string
	// final lines already carry their line ends and blank separator.
	final bool
	// win describes the new entries for local verification (nil: none);
	// offset is where lines begin among the lines inserted at at.
	win    *window
	offset int
}

// span replaces bytes [start, end) of a line.
type span struct {
	start, end int
	text       string
}

// splice returns the document's lines with its recorded changes spliced in
// (nil when nothing changed), or the reason it cannot.
func (d *Document) splice() ([]string, string) {
	s, lines, pos, reason := d.spliceUnverified()
	if reason != "" || lines == nil {
		return nil, reason
	}
	local := s.verifiedLocally(lines, pos)
	if !local || AlwaysVerifyWhole {
		if reason := d.verifySplice(lines); reason != "" {
			if local {
				d.file.Stats.disagree(d.file.Path, d.Index, reason)
			}
			return nil, reason
		}
	}
	if local {
		d.file.Stats.Local++
	}
	return lines, ""
}

// spliceUnverified places the document's recorded changes into its lines:
// the splicer, the new lines (nil when nothing changed) and where the
// lines inserted before each original line begin in them (see
// lineEdits.assembleAt), or the reason it cannot.
func (d *Document) spliceUnverified() (*splicer, []string, []int, string) {
	s := &splicer{
		d:      d,
		orig:   d.file.lines[d.first:d.end],
		saved:  d.editing.touched,
		spots:  map[*yaml.Node]*spot{},
		spans:  map[int][]span{},
		whole:  map[*yaml.Node]bool{},
		starts: make([]bool, d.end-d.first),
		body:   make([]bool, d.end-d.first),
	}
	s.edits = newLineEdits(len(s.orig))
	s.walk(d.root, nil, 0, 0, nil)
	for _, n := range s.found {
		sp := s.spots[n]
		if slices.ContainsFunc(sp.up, func(a *yaml.Node) bool { return s.whole[a] }) {
			continue
		}
		if reason := s.change(n, s.saved[n], sp); reason != "" {
			return nil, nil, nil, reason
		}
	}
	if len(s.ins) == 0 && len(s.spans) == 0 && !slices.Contains(s.edits.deleted, true) && len(s.edits.replaced) == 0 {
		return nil, nil, nil, ""
	}
	if reason := s.place(); reason != "" {
		return nil, nil, nil, reason
	}
	if s.edits.conflict {
		return nil, nil, nil, "two changes claim the same line"
	}
	lines, pos := s.edits.assembleAt(s.orig)
	return s, lines, pos, ""
}

// view is a node as it was before the edits.
func (s *splicer) view(n *yaml.Node) *yaml.Node {
	if old, ok := s.saved[n]; ok {
		return old
	}
	return n
}

// walk visits the original tree (touched nodes as they were), recording
// where each touched node sits, which lines start a node and which lines
// are block scalar bodies.
func (s *splicer) walk(n, parent *yaml.Node, index, depth int, up []*yaml.Node) {
	if n == nil {
		return
	}
	v := n
	if old, ok := s.saved[n]; ok {
		v = old
		if _, seen := s.spots[n]; seen {
			return
		}
		s.spots[n] = &spot{parent: parent, index: index, depth: depth, up: slices.Clone(up)}
		s.found = append(s.found, n)
	}
	switch v.Kind {
	case yaml.AliasNode:
		return
	case yaml.ScalarNode:
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && v.Line > 0 {
			s.markBody(v.Line - 1)
		}
		return
	case yaml.MappingNode, yaml.SequenceNode:
		if v.Style&yaml.FlowStyle == 0 {
			step := 1
			if v.Kind == yaml.MappingNode {
				step = 2
			}
			for i := 0; i < len(v.Content); i += step {
				if l := v.Content[i].Line; l > 0 && l <= len(s.starts) {
					s.starts[l-1] = true
				}
			}
		}
	}
	up = append(up, n)
	for i, c := range v.Content {
		s.walk(c, n, i, depth+1, up)
	}
}

// markBody marks the body lines of a block scalar whose indicator is on
// line start (as blockBodies does).
func (s *splicer) markBody(start int) {
	if start >= len(s.orig) {
		return
	}
	owner := indentOf(s.orig[start])
	last := start
	for o := start + 1; o < len(s.orig); o++ {
		k := key(s.orig[o])
		if strings.TrimSpace(k) == "" {
			continue
		}
		if indentOf(k) <= owner {
			break
		}
		last = o
	}
	for o := start + 1; o <= last; o++ {
		s.body[o] = true
	}
}

// change places the change of one touched node.
func (s *splicer) change(n, old *yaml.Node, sp *spot) string {
	if n.Anchor != old.Anchor || n.Kind == old.Kind && n.Kind != yaml.ScalarNode && n.Tag != old.Tag {
		return "an anchor or tag changed"
	}
	switch {
	case old.Kind == yaml.ScalarNode && n.Kind == yaml.ScalarNode:
		if n.Value == old.Value && n.Tag == old.Tag && n.Style == old.Style && sameComments(n, old) {
			return ""
		}
		if !sameComments(n, old) {
			return "a scalar's comments changed"
		}
		return s.inline(n, sp)
	case old.Kind == yaml.ScalarNode && (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode):
		return s.fill(n, old, sp)
	case old.Kind != n.Kind:
		return "a node changed kind"
	case !sameComments(n, old):
		return "a collection's comments changed"
	case old.Style&yaml.FlowStyle != 0 && n.Style&yaml.FlowStyle != 0:
		if slices.Equal(old.Content, n.Content) {
			return ""
		}
		return s.inline(n, sp)
	case old.Style&yaml.FlowStyle != 0:
		return s.rewriteField(sp.parent, sp.index, n, n, sp.depth)
	case n.Style&yaml.FlowStyle != 0:
		return "a block collection became flow"
	case n.Kind == yaml.MappingNode:
		return s.mapping(n, old, sp)
	case n.Kind == yaml.SequenceNode:
		return s.sequence(n, old, sp)
	}
	return "an unexpected node kind changed"
}

// sameComments reports whether two nodes carry the same comments.
func sameComments(a, b *yaml.Node) bool {
	return a.HeadComment == b.HeadComment && a.LineComment == b.LineComment && a.FootComment == b.FootComment
}

// context is where a node is written, which decides how kyaml renders it.
type context int

const (
	blockValue context = iota
	blockItem
	flowValue
	flowItem
)

// contextOf says where the node at sp is written, or false for a key,
// the document root or anything unexpected.
func (s *splicer) contextOf(sp *spot) (context, bool) {
	if sp.parent == nil {
		return 0, false
	}
	p := s.view(sp.parent)
	flow := p.Style&yaml.FlowStyle != 0
	switch {
	case p.Kind == yaml.MappingNode && sp.index%2 == 1:
		if flow {
			return flowValue, true
		}
		return blockValue, true
	case p.Kind == yaml.SequenceNode:
		if flow {
			return flowItem, true
		}
		return blockItem, true
	}
	return 0, false
}

// inline renders the node at sp (a scalar or a flow collection) in place:
// kyaml's rendering of its old value must be what the original line holds
// at its position; it is replaced by the rendering of the new value.
func (s *splicer) inline(n *yaml.Node, sp *spot) string {
	ctx, ok := s.contextOf(sp)
	if !ok {
		return "a changed node is a key or the document root"
	}
	v := s.view(n)
	oldText, ok := renderInline(s.oldTree(n), ctx)
	if !ok {
		return "the old value does not render on one line"
	}
	newText, ok := renderInline(n, ctx)
	if !ok {
		return "the new value does not render on one line"
	}
	o := v.Line - 1
	if o < 0 || o >= len(s.orig) {
		return "a changed node has no line"
	}
	if s.continues(o) {
		return "the line of a changed value continues on the next"
	}
	line := strings.TrimSuffix(s.orig[o], "\r")
	b := byteOffset(line, v.Column)
	if b < 0 || !strings.HasPrefix(line[b:], oldText) || !boundary(line[b+len(oldText):], ctx) {
		return "the original text of a changed value is not kyaml's rendering of it"
	}
	s.spans[o] = append(s.spans[o], span{b, b + len(oldText), newText})
	s.whole[n] = true
	s.windowLine(n, o, sp, ctx)
	return ""
}

// windowLine records the line o, where the node at sp (in context ctx)
// was rewritten in place, for local verification: the field of a block
// mapping whose key starts the line, or an item of a block sequence.
func (s *splicer) windowLine(n *yaml.Node, o int, sp *spot, ctx context) {
	p := sp.parent
	switch ctx {
	case blockValue:
		k := p.Content[sp.index-1]
		if col := s.keyColumn(k); col >= 0 && k.Line-1 == o {
			s.lineWins = append(s.lineWins, lineWindow{o, window{kind: yaml.MappingNode, col: col, head: -1, want: []*yaml.Node{bare(k), bare(n)}}})
			return
		}
	case blockItem:
		if col, _ := s.itemColumn(s.view(n)); col >= 0 {
			s.lineWins = append(s.lineWins, lineWindow{o, window{kind: yaml.SequenceNode, col: col, head: -1, want: []*yaml.Node{bare(n)}}})
			return
		}
	}
	s.unwindowed = true
}

// continues reports whether original line o is followed by a line that
// continues it (a block scalar body, a multi-line scalar or flow
// collection): the projection rewrites such lines whole.
func (s *splicer) continues(o int) bool {
	if o+1 >= len(s.orig) {
		return false
	}
	if s.body[o+1] {
		return true
	}
	k := key(s.orig[o+1])
	return strings.TrimSpace(k) != "" && !isComment(k) && !isMarker(k, "---") && !isMarker(k, "...") && !s.starts[o+1]
}

// boundary reports whether rest (what follows a value on its line) ends
// the value in its context.
func boundary(rest string, ctx context) bool {
	if rest == "" || rest[0] == ' ' || rest[0] == '\t' {
		return true
	}
	return (ctx == flowValue || ctx == flowItem) && strings.ContainsRune(",]}", rune(rest[0]))
}

// renderInline renders a scalar or flow collection as kyaml writes it in
// context ctx, without its own comments; false when that is not one line.
func renderInline(n *yaml.Node, ctx context) (string, bool) {
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}
	var wrap *yaml.Node
	var prefix, suffix string
	switch ctx {
	case blockValue:
		wrap, prefix = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{key, &c}}, "k: "
	case blockItem:
		wrap, prefix = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{&c}}, "- "
	case flowValue:
		wrap, prefix, suffix = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Content: []*yaml.Node{key, &c}}, "{k: ", "}"
	case flowItem:
		wrap, prefix, suffix = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Content: []*yaml.Node{&c}}, "[", "]"
	}
	text, err := encodeFragment(wrap, yaml.CompactSequenceStyle)
	if err != nil {
		return "", false
	}
	text, ok := strings.CutSuffix(text, "\n")
	if !ok || strings.Contains(text, "\n") || !strings.HasPrefix(text, prefix) || !strings.HasSuffix(text, suffix) {
		return "", false
	}
	return text[len(prefix) : len(text)-len(suffix)], true
}

// oldTree returns a copy of n's subtree as it was before the edits (n
// itself when nothing below it was touched).
func (s *splicer) oldTree(n *yaml.Node) *yaml.Node {
	if !s.touchedBelow(n) {
		return n
	}
	c := *s.view(n)
	c.Content = make([]*yaml.Node, len(c.Content))
	for i, ch := range s.view(n).Content {
		c.Content[i] = s.oldTree(ch)
	}
	return &c
}

// touchedBelow reports whether n or a node below it (as it was) was touched.
func (s *splicer) touchedBelow(n *yaml.Node) bool {
	if _, ok := s.saved[n]; ok {
		return true
	}
	if n.Kind == yaml.AliasNode {
		return false
	}
	return slices.ContainsFunc(n.Content, s.touchedBelow)
}

// byteOffset converts a 1-based column (yaml.v3 counts characters) into a
// byte offset in line, or -1.
func byteOffset(line string, col int) int {
	i := 0
	for c := 1; c < col; c++ {
		if i >= len(line) {
			return -1
		}
		if line[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
	}
	return i
}

// keyColumn is the column of a block mapping key that starts its line's
// content (after indentation, or after one sequence dash), or -1.
func (s *splicer) keyColumn(k *yaml.Node) int {
	if k.Line <= 0 || k.Line > len(s.orig) {
		return -1
	}
	line := s.orig[k.Line-1]
	b := byteOffset(line, k.Column)
	if b < 0 {
		return -1
	}
	if strings.TrimLeft(line[:b], " ") == "" || dashPrefix(line[:b]) {
		return b
	}
	return -1
}

// itemColumn is the column of a block sequence item's dash and the
// padding after it, or -1 when the item does not start its line with "- ".
func (s *splicer) itemColumn(it *yaml.Node) (int, int) {
	if it.Line <= 0 || it.Line > len(s.orig) {
		return -1, 0
	}
	line := s.orig[it.Line-1]
	b := byteOffset(line, it.Column)
	if b < 0 {
		return -1, 0
	}
	if !dashPrefix(line[:b]) {
		return -1, 0
	}
	dash := indentOf(line)
	return dash, b - dash - 1
}

// lastLine is the last line (0-based) holding a node of n's original subtree.
func (s *splicer) lastLine(n *yaml.Node) int {
	v := s.view(n)
	last := v.Line - 1
	if v.Kind == yaml.AliasNode {
		return last
	}
	for _, c := range v.Content {
		last = max(last, s.lastLine(c))
	}
	return last
}

// contentEnd is the last original line of the text of nodes: the last
// line holding one of them, then the lines that continue it (a block
// scalar's body, a multi-line scalar or flow collection), as the
// projection's continuation lines.
func (s *splicer) contentEnd(nodes ...*yaml.Node) int {
	end := -1
	for _, n := range nodes {
		end = max(end, s.lastLine(n))
	}
	for s.continues(end) {
		end++
	}
	return end
}

// feet counts the comment lines yaml.v3 attached as foot comments along
// the last branch of n (n, its last key and value, their last ones, ...):
// kyaml writes them right after n, so new siblings go after them.
func (s *splicer) feet(n *yaml.Node) int {
	v := s.view(n)
	count := commentLines(v.FootComment)
	if v.Kind == yaml.AliasNode || len(v.Content) == 0 {
		return count
	}
	if v.Kind == yaml.MappingNode && len(v.Content) >= 2 {
		count += commentLines(s.view(v.Content[len(v.Content)-2]).FootComment)
	}
	return count + s.feet(v.Content[len(v.Content)-1])
}

// commentLines counts the non-empty lines of a comment.
func commentLines(c string) int {
	n := 0
	for c != "" {
		var line string
		line, c, _ = strings.Cut(c, "\n")
		if strings.TrimSpace(line) != "" {
			n++
		}
	}
	return n
}

// after returns the original line before which new siblings following
// nodes go: after their text and the foot comments of their last branch
// (the blank lines after those stay after the new lines).
func (s *splicer) after(nodes ...*yaml.Node) (int, bool) {
	o := s.contentEnd(nodes...) + 1
	feet := 0
	for _, n := range nodes {
		feet += s.feet(n)
	}
	for feet > 0 {
		if o >= len(s.orig) {
			return 0, false
		}
		switch k := key(s.orig[o]); {
		case strings.TrimSpace(k) == "":
		case isComment(k) && !s.starts[o]:
			feet--
		default:
			return 0, false
		}
		o++
	}
	return o, true
}

// render renders new nodes as kyaml writes them in the document's
// sequence style: a block mapping of pairs or a block sequence of items.
func (s *splicer) render(kind yaml.Kind, content []*yaml.Node) ([]string, bool) {
	tag := "!!map"
	if kind == yaml.SequenceNode {
		tag = "!!seq"
	}
	text, err := encodeFragment(&yaml.Node{Kind: kind, Tag: tag, Content: content}, s.d.SeqIndent)
	if err != nil {
		return nil, false
	}
	return splitLines(text), true
}

// insert schedules lines rendered at column 0, their first line standing
// at original column col (pad: a sibling item's dash padding, 0 for none),
// before original line at.
func (s *splicer) insert(at, depth, col, pad int, lines []string) {
	s.ins = append(s.ins, insertion{at: at, depth: depth, seq: len(s.ins), lines: s.reindent(lines, col, pad)})
}

// reindent reindents a fragment rendered at column 0 whose top level
// stands at original column col (pad: a sibling item's dash padding, 0
// for none). A line the open contexts do not place (a key after a compact
// sequence it owns) lines up with the fragment's line above it at the
// same rendered level.
func (s *splicer) reindent(lines []string, col, pad int) []string {
	return s.d.reindent(lines, func(x, c int, dash bool, out []string) (int, int) {
		for k := x - 1; k >= 0; k-- {
			l := lines[k]
			if strings.TrimSpace(l) == "" || isComment(l) {
				continue
			}
			if indentOf(l) < c {
				break
			}
			if indentOf(l) == c && isDash(l) == dash {
				if dash {
					return indentOf(out[k]), dashPad(out[k])
				}
				return indentOf(out[k]), 0
			}
		}
		return col, pad
	})
}

// mapping places the changes of a block mapping: new fields after its
// last one, and fields whose value was replaced.
func (s *splicer) mapping(n, old *yaml.Node, sp *spot) string {
	oc, nc := old.Content, n.Content
	if len(nc) < len(oc) {
		return "a mapping lost fields"
	}
	for i := 0; i+1 < len(oc); i += 2 {
		if nc[i] != oc[i] {
			return "a mapping's keys changed"
		}
		if nc[i+1] != oc[i+1] {
			if reason := s.rewriteField(n, i+1, oc[i+1], nc[i+1], sp.depth+1); reason != "" {
				return reason
			}
		}
	}
	if len(nc) == len(oc) {
		return ""
	}
	if len(oc) < 2 {
		return "fields added to an empty block mapping"
	}
	lastKey, lastValue := oc[len(oc)-2], oc[len(oc)-1]
	col := s.keyColumn(lastKey)
	if col < 0 {
		return "a mapping's keys do not start their lines"
	}
	at, ok := s.after(lastKey, lastValue)
	if !ok {
		return "cannot find the end of a mapping's last field"
	}
	lines, ok := s.render(yaml.MappingNode, nc[len(oc):])
	if !ok {
		return "cannot render new fields"
	}
	s.insert(at, sp.depth+1, col, 0, s.footBlank(yaml.MappingNode, []*yaml.Node{lastKey, lastValue}, nc[len(oc):], lines))
	s.ins[len(s.ins)-1].win = &window{kind: yaml.MappingNode, col: col, head: -1, want: nc[len(oc):],
		prev: lastValue, last: s.lastLine(lastValue), parent: n}
	return ""
}

// footBlank returns lines (new children rendered after prev, the last old
// children of a collection of kind) with the blank line kyaml writes
// between prev's foot comments and them, when it writes one (after a foot
// comment, the next line at the comment's indentation).
func (s *splicer) footBlank(kind yaml.Kind, prev, added []*yaml.Node, lines []string) []string {
	feet := 0
	for _, n := range prev {
		feet += s.feet(n)
	}
	if feet == 0 {
		return lines
	}
	old := make([]*yaml.Node, len(prev))
	for i, n := range prev {
		old[i] = s.oldTree(n)
	}
	tag := "!!map"
	if kind == yaml.SequenceNode {
		tag = "!!seq"
	}
	wrap := func(content []*yaml.Node) []string {
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "k"}
		out, _ := s.render(yaml.MappingNode, []*yaml.Node{k, {Kind: kind, Tag: tag, Content: content}})
		return out
	}
	before := wrap(old)
	all := wrap(append(old, added...))
	if len(all) > len(before) && all[len(before)] == "" && slices.Equal(all[:len(before)], before) {
		return append([]string{""}, lines...)
	}
	return lines
}

// sequence places the changes of a block sequence: new items next to
// their siblings, and runs of replaced items.
func (s *splicer) sequence(n, old *yaml.Node, sp *spot) string {
	oc, nc := old.Content, n.Content
	if len(oc) == 0 {
		return "items added to an empty block sequence"
	}
	pos := make(map[*yaml.Node]int, len(oc))
	for i, it := range oc {
		pos[it] = i
	}
	kept, last := 0, -1
	for _, it := range nc {
		if i, ok := pos[it]; ok {
			if i <= last {
				return "a sequence's items moved"
			}
			last = i
			kept++
		}
	}
	if kept < len(oc) {
		return s.replaceItems(n, old, sp)
	}
	prev := -1
	for j := 0; j < len(nc); {
		if i, ok := pos[nc[j]]; ok {
			prev = i
			j++
			continue
		}
		k := j
		for k < len(nc) {
			if _, ok := pos[nc[k]]; ok {
				break
			}
			k++
		}
		lines, ok := s.render(yaml.SequenceNode, nc[j:k])
		if !ok {
			return "cannot render new items"
		}
		var at int
		sibling := oc[0]
		if prev >= 0 {
			sibling = oc[prev]
			if at, ok = s.after(sibling); !ok {
				return "cannot find the end of a sequence item"
			}
		} else if at, ok = s.afterKey(sp); !ok {
			return "cannot place items before the first one"
		}
		col, pad := s.itemColumn(sibling)
		if col < 0 {
			return "a sequence's items do not start their lines with a dash"
		}
		if prev >= 0 {
			lines = s.footBlank(yaml.SequenceNode, []*yaml.Node{sibling}, nc[j:k], lines)
		}
		s.insert(at, sp.depth+1, col, pad, lines)
		if prev >= 0 {
			s.ins[len(s.ins)-1].win = &window{kind: yaml.SequenceNode, col: col, head: -1, want: nc[j:k],
				prev: sibling, last: s.lastLine(sibling)}
		} else {
			s.unwindowed = true
		}
		j = k
	}
	return ""
}

// afterKey returns the line after the key line of the node at sp (a
// value of a block mapping), and the lines continuing it.
func (s *splicer) afterKey(sp *spot) (int, bool) {
	if sp.parent == nil || sp.index%2 == 0 {
		return 0, false
	}
	p := s.view(sp.parent)
	if p.Kind != yaml.MappingNode || p.Style&yaml.FlowStyle != 0 {
		return 0, false
	}
	k := s.view(p.Content[sp.index-1])
	if k.Line <= 0 {
		return 0, false
	}
	end := k.Line - 1
	for s.continues(end) {
		end++
	}
	return end + 1, true
}

// fill places a collection that took the place of an empty value
// ("traits:" receiving items): its content goes after the key line.
func (s *splicer) fill(n, old *yaml.Node, sp *spot) string {
	if old.Value != "" || old.Tag != "!!null" || !sameComments(n, &yaml.Node{}) || !sameComments(old, &yaml.Node{}) || n.Style&yaml.FlowStyle != 0 {
		return "a non-empty scalar became a collection"
	}
	ctx, ok := s.contextOf(sp)
	if !ok || ctx != blockValue {
		return "a scalar outside a block mapping became a collection"
	}
	k := s.view(sp.parent).Content[sp.index-1]
	col := s.keyColumn(k)
	if col < 0 {
		return "the key of a filled value does not start its line"
	}
	at, ok := s.afterKey(sp)
	if !ok {
		return "cannot find the key line of a filled value"
	}
	lines, ok := s.render(yaml.MappingNode, []*yaml.Node{bare(k), n})
	if !ok || len(lines) < 2 {
		return "cannot render a filled value"
	}
	lines = s.reindent(lines, col, 0)[1:]
	s.ins = append(s.ins, insertion{at: at, depth: sp.depth + 1, seq: len(s.ins), lines: lines,
		win: &window{kind: yaml.MappingNode, col: col, head: k.Line - 1, want: []*yaml.Node{bare(k), n}}})
	s.whole[n] = true
	return ""
}

// bare is a copy of a node (a key, a changed value) without the comments
// written above or below it.
func bare(k *yaml.Node) *yaml.Node {
	c := *k
	c.HeadComment, c.FootComment = "", ""
	return &c
}

// rewriteField writes the field of block mapping m whose value (at index
// vi, depth depth) changed from ov to nv (a new node, or ov turned from
// flow to block) again: its lines are replaced by kyaml's rendering of the
// field.
func (s *splicer) rewriteField(m *yaml.Node, vi int, ov, nv *yaml.Node, depth int) string {
	if m == nil {
		return "the document root changed style"
	}
	mv := s.view(m)
	if mv.Kind != yaml.MappingNode || mv.Style&yaml.FlowStyle != 0 || vi%2 == 0 {
		return "a value outside a block mapping was replaced"
	}
	ovv := s.view(ov)
	if ov != nv && (ovv.Kind != yaml.ScalarNode || ovv.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0) {
		return "a collection or block scalar was replaced"
	}
	if nv.HeadComment != "" || nv.FootComment != "" || ovv.HeadComment != "" || ovv.FootComment != "" {
		return "a replaced value has comments of its own"
	}
	k := mv.Content[vi-1]
	col := s.keyColumn(k)
	if col < 0 || indentOf(s.orig[k.Line-1]) != col {
		return "the key of a replaced value does not start its line"
	}
	lines, ok := s.render(yaml.MappingNode, []*yaml.Node{bare(k), nv})
	if !ok {
		return "cannot render a replaced value"
	}
	start, end := k.Line-1, s.contentEnd(k, ov)
	for o := start; o <= end; o++ {
		s.edits.del(o)
	}
	lines = s.reindent(lines, col, 0)
	s.ins = append(s.ins, insertion{at: start, depth: depth, seq: len(s.ins), lines: lines})
	s.whole[ov], s.whole[nv] = true, true
	s.unwindowed = true
	return ""
}

// replaceItems places a block sequence whose items were partly replaced:
// the run from the first to the last changed item is rendered before and
// after, aligned with its original lines and projected like a document.
func (s *splicer) replaceItems(n, old *yaml.Node, sp *spot) string {
	oc, nc := old.Content, n.Content
	a := 0
	for a < len(oc) && a < len(nc) && oc[a] == nc[a] {
		a++
	}
	z := 0
	for z < len(oc)-a && z < len(nc)-a && oc[len(oc)-1-z] == nc[len(nc)-1-z] {
		z++
	}
	oldRun, newRun := oc[a:len(oc)-z], nc[a:len(nc)-z]
	first, last := oldRun[0], oldRun[len(oldRun)-1]
	col, _ := s.itemColumn(first)
	if col < 0 {
		return "a replaced item does not start its line with a dash"
	}
	if s.feet(last) > 0 || slices.ContainsFunc(newRun, func(it *yaml.Node) bool { return it.FootComment != "" }) {
		return "replaced items have foot comments"
	}
	// The window: the first item's head comment lines, through the last item's text.
	start := first.Line - 1
	for k := commentLines(s.view(first).HeadComment); k > 0; {
		start--
		if start < 0 {
			return "cannot find a replaced item's head comment"
		}
		switch t := key(s.orig[start]); {
		case strings.TrimSpace(t) == "":
		case isComment(t):
			k--
		default:
			return "cannot find a replaced item's head comment"
		}
	}
	end := s.contentEnd(last)
	olds := make([]*yaml.Node, len(oldRun))
	for i, it := range oldRun {
		olds[i] = s.oldTree(it)
	}
	n0, ok0 := s.render(yaml.SequenceNode, olds)
	n1, ok1 := s.render(yaml.SequenceNode, newRun)
	if !ok0 || !ok1 {
		return "cannot render replaced items"
	}
	indent := strings.Repeat(" ", col)
	for _, ls := range [][]string{n0, n1} {
		for i, l := range ls {
			if l != "" {
				ls[i] = indent + l
			}
		}
	}
	p := &projection{doc: s.d, orig: s.orig, n0: n0, n1: n1, m: make([]int, len(n0)), mapped: slices.Clone(s.starts), body: s.body}
	o := start
	for i, l := range n0 {
		for o <= end && strings.TrimSpace(s.orig[o]) == "" {
			o++
		}
		if o > end || loose(s.orig[o]) != loose(l) || indentOf(key(s.orig[o])) != indentOf(l) {
			return "replaced items are not written as kyaml renders them"
		}
		p.m[i] = o
		p.mapped[o] = true
		o++
	}
	for ; o <= end; o++ {
		if strings.TrimSpace(s.orig[o]) != "" {
			return "replaced items are not written as kyaml renders them"
		}
	}
	e := newLineEdits(len(s.orig))
	if err := p.collect(e); err != nil {
		return "cannot project replaced items"
	}
	for o, del := range e.deleted {
		if del {
			s.edits.del(o)
		}
	}
	for o, text := range e.replaced {
		s.edits.replace(o, text)
	}
	for at, lines := range e.before {
		s.ins = append(s.ins, insertion{at: at, depth: sp.depth + 1, seq: len(s.ins), lines: lines, final: true})
	}
	s.whole[n] = true
	s.unwindowed = true
	return ""
}

// place writes the scheduled spans and insertions into the line edits.
// Insertions at the same line go deepest first (an inner collection's new
// lines come before its parent's), and are one block: a blank line goes
// before them when their first line is an item of a blank-separated list.
func (s *splicer) place() string {
	for _, o := range slices.Sorted(maps.Keys(s.spans)) {
		spans := s.spans[o]
		sort.Slice(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
		line := s.orig[o]
		cr := strings.HasSuffix(line, "\r")
		line = strings.TrimSuffix(line, "\r")
		for i, sp := range spans {
			if i > 0 && sp.end > spans[i-1].start {
				return "two changed values overlap"
			}
			line = line[:sp.start] + sp.text + line[sp.end:]
		}
		if cr {
			line += "\r"
		}
		s.edits.replace(o, line)
	}
	sort.Slice(s.ins, func(i, j int) bool {
		a, b := s.ins[i], s.ins[j]
		if a.at != b.at {
			return a.at < b.at
		}
		if a.depth != b.depth {
			return a.depth > b.depth
		}
		return a.seq < b.seq
	})
	eol := s.d.eol()
	for i := 0; i < len(s.ins); {
		j := i + 1
		for j < len(s.ins) && s.ins[j].at == s.ins[i].at {
			j++
		}
		at := s.ins[i].at
		if s.ins[i].final {
			if j > i+1 {
				return "replaced items and other new lines meet"
			}
			s.edits.insert(at, s.ins[i].lines)
			i = j
			continue
		}
		var lines []string
		for k := i; k < j; k++ {
			if s.ins[k].final {
				return "replaced items and other new lines meet"
			}
			s.ins[k].offset = len(lines)
			lines = append(lines, s.ins[k].lines...)
		}
		if len(lines) > 0 && isDash(lines[0]) && blankSeparated(s.orig, s.body, at, indentOf(lines[0])) {
			lines = append([]string{""}, lines...)
			for k := i; k < j; k++ {
				s.ins[k].offset++
			}
		}
		for x := range lines {
			lines[x] += eol
		}
		s.edits.insert(at, lines)
		i = j
	}
	return ""
}

// verifySplice parses the spliced lines: they must hold exactly the edited
// data, no repeated key and every comment; it returns why not.
func (d *Document) verifySplice(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.TrimSuffix(l, "\r"))
		b.WriteByte('\n')
	}
	var parsed yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &parsed); err != nil {
		return "the spliced text does not parse"
	}
	if findDuplicateKey(&parsed) != nil {
		return "the spliced text repeats a key"
	}
	if !sameData(&parsed, d.root) {
		return "the spliced text does not hold the edited data"
	}
	if !sameCommentTrees(&parsed, d.root) && !maps.Equal(comments(&parsed), comments(d.root)) {
		return "the spliced text moves or loses a comment"
	}
	return ""
}

// sameCommentTrees reports whether two trees of the same shape carry the
// same comments on the same nodes (the quick check; comments can also
// attach to neighbouring nodes after a re-parse).
func sameCommentTrees(a, b *yaml.Node) bool {
	if !sameComments(a, b) || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.AliasNode {
		return true
	}
	for i := range a.Content {
		if !sameCommentTrees(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
