package kio

import (
	"maps"
	"strings"

	"github.com/oamfix/oamfix/internal/memo"
	"github.com/oamfix/oamfix/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Local verification. Parsing the whole spliced document again was the
// largest cost of a fix: the new lines make a fixed Application about 2.5
// times its original size. Most changes are new entries of a block
// collection (a trait appended to a component, a probe added to its
// properties) or one changed line ("replicas: 3"), and for those the
// lines around the change decide how it parses:
//
//   - the text before a window is unchanged and leaves the parser inside
//     the collection, at the start of an entry (the original parse says
//     so), as before;
//   - the window's lines, moved left to the collection's column and parsed
//     alone, must hold exactly the edited entries (data, keys and
//     comments); they hold no block scalar, anchor, alias, document marker
//     or directive, and every line sits at or right of the column; new
//     lines hold no comment line;
//   - the entry before new entries ends on its own lines (no block scalar
//     and no empty value at its end, only blank lines after its last
//     node: yaml.v3 attaches a comment line by the token after it), and
//     the first line after a window is less indented than a mapping's keys
//     (at most as indented as a sequence's dashes), so it parses as it did;
//   - new keys are new in their mapping;
//   - no line of the document is indented with a tab (blank lines
//     included).
//
// Each window's parse is memoized by its text (the same trait is added to
// many components). A document whose every change is such a window is not
// parsed again; any other change (a rewritten field, replaced items,
// deleted lines, a flow context, anchors in the document) and any doubt,
// and the whole document is parsed as before. AlwaysVerifyWhole checks the
// two agree.

// AlwaysVerifyWhole makes every spliced document parsed whole even when
// its windows verified it: a document the windows accept and the whole
// parse refuses is refused and counted in ProjectStats.Disagreements. For
// tests and debugging; it costs what local verification saves.
var AlwaysVerifyWhole = false

// window is a change the splicer can verify on its own lines: new entries
// of a block collection whose entries start at column col, or one changed
// line of one.
type window struct {
	kind yaml.Kind // MappingNode (want: keys and values) or SequenceNode (want: items)
	col  int
	want []*yaml.Node
	// head, for a filled value, is the original line of its key, which
	// the window begins with; -1 otherwise.
	head int
	// prev is the entry new lines follow, as edited (nil for a filled
	// value or a changed line); last is the last original line of its
	// text.
	prev *yaml.Node
	last int
	// parent is the edited mapping new keys join (nil for a sequence).
	parent *yaml.Node
}

// lineWindow is an original line whose value the splicer rewrote in place.
type lineWindow struct {
	o int
	w window
}

// windowResults memoizes whether a window's text holds the entries it
// must (keyed by the text and everything verification reads of the
// entries): the same trait added to many components is parsed once. Only
// the answer is kept, not the parsed tree.
var windowResults = memo.New[bool](1 << 12)

// maxWindowKey is the longest key windowResults keeps.
const maxWindowKey = 4 << 10

// verifiedLocally reports whether every change spliced into out (the
// document's new lines; pos[o] is where the lines inserted before
// original line o begin in out) was verified on its own lines.
func (s *splicer) verifiedLocally(out []string, pos []int) bool {
	if s.d.anchors || s.unwindowed || len(s.ins)+len(s.lineWins) == 0 || tabIndented(s.orig) {
		return false
	}
	for _, in := range s.ins {
		if in.win == nil {
			return false
		}
		first := pos[in.at] + in.offset
		w := in.win
		if w.prev != nil && !s.endsCleanly(w.prev, w.last, in.at) {
			return false
		}
		start := first
		if w.head >= 0 {
			if in.at != w.head+1 {
				return false
			}
			start = pos[w.head] + len(s.edits.before[w.head])
		}
		end := first + len(in.lines)
		lines := out[start:end]
		if !startsEntry(lines, w) || hasCommentLine(out[first:end]) {
			return false
		}
		next, found, comment := nextContent(out, end)
		if w.head >= 0 && comment {
			return false // it followed an empty value (see endsCleanly)
		}
		if !endsAbove(next, found, w.endsBelow()) || !w.holds(lines) {
			return false
		}
	}
	for _, lw := range s.lineWins {
		if len(s.spans[lw.o]) != 1 {
			return false
		}
		at := pos[lw.o] + len(s.edits.before[lw.o])
		next, found, comment := nextContent(out, at+1)
		if v := lw.w.want[len(lw.w.want)-1]; isEmpty(v) && comment {
			return false // see endsCleanly
		}
		if !startsAt(out[at], &lw.w) || !endsAbove(next, found, lw.w.col) || !lw.w.holds(out[at:at+1]) {
			return false
		}
	}
	return true
}

// endsCleanly reports whether new lines before original line at follow
// the text of prev (an entry whose last original line is last) cleanly:
// only blank lines after it, and at its end no block scalar whose kept
// trailing lines the new lines would take and no empty value. yaml.v3
// attaches a comment line to a node by the token that follows it: a
// comment after prev's text, or before an empty value (which ends only at
// the next token), would meet the new lines instead, and yaml.v3 can drop
// it there; the whole parse judges those.
func (s *splicer) endsCleanly(prev *yaml.Node, last, at int) bool {
	if at <= last {
		return false
	}
	for o := last + 1; o < at; o++ {
		if strings.TrimSpace(s.orig[o]) != "" {
			return false
		}
	}
	n := prev
	for n.Kind != yaml.AliasNode && len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Kind != yaml.ScalarNode || !isEmpty(n) && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0
}

// isEmpty reports whether n is a scalar written as nothing ("key:", or a
// tag alone): it ends only at the next token.
func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0
}

// nextContent finds the first line of lines from index i on that is
// neither blank nor only a comment: its text without line end and
// trailing blanks, whether there is one, and whether a comment line comes
// before it.
func nextContent(lines []string, i int) (next string, found, comment bool) {
	for ; i < len(lines); i++ {
		switch k := key(lines[i]); {
		case isComment(k):
			comment = true
		case strings.TrimSpace(k) != "":
			return k, true, comment
		}
	}
	return "", false, comment
}

// tabIndented reports whether a line starts with whitespace holding a tab
// (a blank line included): whether yaml.v3 accepts a tab there depends on
// what comes before the line, which new lines change.
func tabIndented(lines []string) bool {
	for _, l := range lines {
		for i := 0; i < len(l) && (l[i] == ' ' || l[i] == '\t'); i++ {
			if l[i] == '\t' {
				return true
			}
		}
	}
	return false
}

// hasCommentLine reports whether one of lines holds only a comment.
func hasCommentLine(lines []string) bool {
	for _, l := range lines {
		if isComment(l) {
			return true
		}
	}
	return false
}

// startsEntry reports whether the first content line of a window's new
// lines starts an entry of its collection at its column.
func startsEntry(lines []string, w *window) bool {
	if w.head >= 0 {
		return true // the key's own line, where the original parse found it
	}
	k, found, _ := nextContent(lines, 0)
	return found && indentOf(k) == w.col && isDash(k) == (w.kind == yaml.SequenceNode)
}

// startsAt reports whether a changed line starts an entry of the window's
// collection at its column: a key there (after indentation, or after the
// dash of the item the mapping is), or a dash there.
func startsAt(l string, w *window) bool {
	if w.kind == yaml.SequenceNode {
		return indentOf(l) == w.col && isDash(l)
	}
	return len(l) > w.col && l[w.col] != ' ' && (indentOf(l) == w.col || dashPrefix(l[:w.col]))
}

// endsBelow is the deepest indentation the line after new entries may
// have: it ended their collection before them, and must still end it
// after them. New keys are the last of their mapping, so the line after
// them is less indented than its keys; new items can stand before the
// next item, at the same column as their dashes, and a filled value
// before the next key of its mapping.
func (w *window) endsBelow() int {
	if w.kind == yaml.SequenceNode || w.head >= 0 {
		return w.col
	}
	return w.col - 1
}

// endsAbove reports whether next, the content line after a window (found:
// there is one before the document ends), is indented at most limit
// columns or a document marker: a line that ends what comes before it, as
// it did before.
func endsAbove(next string, found bool, limit int) bool {
	return !found || isMarker(next, "---") || isMarker(next, "...") || indentOf(next) <= limit
}

// holds reports whether lines, moved left by the window's column and
// parsed alone, hold exactly the entries it wants, with their comments
// and no repeated key.
func (w *window) holds(lines []string) bool {
	text, ok := dedent(lines, w.col)
	if !ok || w.parent != nil && repeatsKey(w.parent) {
		return false
	}
	buf := memo.Buffers.Get().(*[]byte)
	defer memo.Buffers.Put(buf)
	key := append(append((*buf)[:0], text...), 0, byte(w.kind))
	keyed := true
	for _, n := range w.want {
		if key, keyed = appendFragmentKey(key, n, 0); !keyed {
			break
		}
	}
	*buf = key
	if keyed {
		if held, found := windowResults.Get(key); found {
			return held
		}
	}
	held := w.parsesTo(text)
	if keyed && len(key) <= maxWindowKey {
		windowResults.Put(key, held)
	}
	return held
}

// parsesTo reports whether text, parsed alone, holds exactly the entries
// the window wants, with their comments.
func (w *window) parsesTo(text string) bool {
	root := parseWindow(text)
	if root == nil || root.Kind != w.kind || len(root.Content) != len(w.want) {
		return false
	}
	for i, n := range w.want {
		if !sameData(root.Content[i], n) {
			return false
		}
	}
	return sameCommentList(root.Content, w.want) || maps.Equal(comments(&yaml.Node{Content: root.Content}), comments(&yaml.Node{Content: w.want}))
}

// sameCommentList reports whether two lists of trees carry the same
// comments on the same nodes.
func sameCommentList(a, b []*yaml.Node) bool {
	for i := range a {
		if !sameCommentTrees(a[i], b[i]) {
			return false
		}
	}
	return true
}

// parseWindow parses a window's text: the block collection it holds, or
// nil when it does not parse, holds anything but one block collection or
// holds an anchor, alias, repeated key or block scalar.
func parseWindow(text string) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
		return nil
	}
	root := doc.Content[0]
	if root.Style&yaml.FlowStyle != 0 || yamlnode.HasAnchors(root) || findDuplicateKey(root) != nil || hasBlockScalar(root) {
		return nil
	}
	return root
}

// hasBlockScalar reports whether a tree holds a literal or folded scalar:
// one that keeps its trailing blank lines would take, in the document,
// blank lines that follow the window.
func hasBlockScalar(n *yaml.Node) bool {
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return true
	}
	for _, c := range n.Content {
		if hasBlockScalar(c) {
			return true
		}
	}
	return false
}

// dedent moves the lines left by col columns and joins them, or reports
// false when a content line starts left of col (a sequence dash before col
// on the first line is taken as indentation: "- key: v" whose key stands at
// col), or when a line would read as a document marker or directive.
func dedent(lines []string, col int) (string, bool) {
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		switch t := strings.TrimLeft(l, " "); {
		case t == "":
		case strings.HasPrefix(t, "#"):
			b.WriteString(t)
		case len(l) >= col && (strings.TrimLeft(l[:col], " ") == "" || i == 0 && dashPrefix(l[:col])):
			l = l[col:]
			if isMarker(l, "---") || isMarker(l, "...") || strings.HasPrefix(l, "%") {
				return "", false
			}
			b.WriteString(l)
		default:
			return "", false
		}
		b.WriteByte('\n')
	}
	return b.String(), true
}

// dashPrefix reports whether p is indentation, one sequence dash and the
// spaces after it.
func dashPrefix(p string) bool {
	t := strings.TrimLeft(p, " ")
	return strings.HasPrefix(t, "- ") && strings.TrimLeft(t[1:], " ") == ""
}

// repeatsKey reports whether a mapping holds a key twice.
func repeatsKey(m *yaml.Node) bool {
	seen := make(map[string]bool, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode {
			return true // not a plain key: let the whole parse judge
		}
		if seen[k.Value] {
			return true
		}
		seen[k.Value] = true
	}
	return false
}
