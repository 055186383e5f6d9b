package kio

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// RefusedError reports a document whose edits could not be written back
// faithfully. Nothing is written for its file.
type RefusedError struct {
	Path     string
	Document int
	Line     int
	Reason   string
}

func (e *RefusedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: refusing to write fixes: %s", e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: document %d: refusing to write fixes: %s", e.Path, e.Document, e.Reason)
}

// encode renders a node tree the way kyaml writes it.
func encode(n *yaml.Node, style yaml.SequenceIndentStyle) (string, error) {
	var b strings.Builder
	enc := yaml.NewEncoderWithOptions(&b, &yaml.EncoderOptions{SeqIndent: style})
	if err := enc.Encode(n); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Project returns the file's bytes with every edited document's edits
// projected onto the original text. Untouched documents and untouched lines
// keep their bytes; each projected document is verified to re-parse to the
// edited data with every comment. Documents whose edits were recorded
// (RecordEdits, Touch) are spliced at their nodes' positions; the others,
// and recorded edits the splicer cannot place, are rendered whole and
// diffed by line. f.Stats counts both. On any doubt it returns a
// *RefusedError.
func Project(f *File) ([]byte, error) {
	f.Stats = ProjectStats{}
	var out []string
	changed := false
	for _, d := range f.Docs {
		lines, err := d.project()
		if err != nil {
			return nil, err
		}
		if lines == nil {
			lines = f.lines[d.first:d.end]
		} else {
			changed = true
		}
		// New documents go before the trailing blank and comment lines,
		// which usually introduce the next document.
		body := len(lines)
		if len(f.added[d.Index]) > 0 {
			for body > 0 && (strings.TrimSpace(lines[body-1]) == "" || isComment(lines[body-1])) {
				body--
			}
		}
		out = append(out, lines[:body]...)
		for _, root := range f.added[d.Index] {
			doc, err := d.render(root)
			if err != nil {
				return nil, err
			}
			changed = true
			out = append(out, doc...)
		}
		out = append(out, lines[body:]...)
	}
	if !changed {
		return f.Orig, nil
	}
	return f.join(out), nil
}

// project returns the document's new lines, or nil when it did not change.
func (d *Document) project() ([]string, error) {
	e := d.editing
	if e == nil {
		return nil, nil
	}
	if e.splice {
		if len(e.order) == 0 {
			return nil, nil // nothing recorded: nothing changed
		}
		if d.anchors {
			if err := d.checkAnchors(); err != nil {
				return nil, err
			}
		}
		lines, reason := d.splice()
		if reason == "" {
			if lines != nil {
				d.file.Stats.Spliced++
			}
			return lines, nil
		}
		d.file.Stats.fallback(d.file.Path, d.Index, reason)
	}
	return d.projectWhole()
}

// projectWhole renders the document before and after its edits, aligns
// the first rendering with the original lines, and replays the line diff
// of the two renderings onto them.
func (d *Document) projectWhole() ([]string, error) {
	orig, err := d.original()
	if err != nil {
		return nil, d.refuse(0, "cannot parse the original document again: "+err.Error())
	}
	n0, err := encode(orig, d.SeqIndent)
	if err != nil {
		return nil, d.refuse(0, "cannot render the original document: "+err.Error())
	}
	n1, err := encode(d.root, d.SeqIndent)
	if err != nil {
		return nil, d.refuse(0, "cannot render the edited document: "+err.Error())
	}
	if n0 == n1 {
		return nil, nil
	}
	d.file.Stats.Rendered++
	if d.anchors {
		if err := d.checkAnchors(); err != nil {
			return nil, err
		}
	}
	p := &projection{doc: d, orig: d.file.lines[d.first:d.end], n0: splitLines(n0), n1: splitLines(n1)}
	p.align(orig)
	lines, err := p.apply()
	if err != nil {
		return nil, err
	}
	if err := d.verify(lines, n1); err != nil {
		if emitErr := d.checkEmitted(n1); emitErr != nil {
			return nil, emitErr // kyaml's own rendering is the culprit
		}
		return nil, err
	}
	return lines, nil
}

// render writes a new document after d: a "---" line, then kyaml's
// rendering in d's sequence style and the file's line endings.
func (d *Document) render(root *yaml.Node) ([]string, error) {
	text, err := encode(root, d.SeqIndent)
	if err != nil {
		return nil, d.refuse(0, "cannot render the new document: "+err.Error())
	}
	// Indent it like the document it follows (4-space files, dash padding).
	unit := d.IndentWidth
	if unit <= 0 {
		unit = 2
	}
	body := d.reindent(splitLines(text), func(_, c int, _ bool, _ []string) (int, int) { return c / 2 * unit, 0 })
	var parsed yaml.Node
	if err := yaml.Unmarshal([]byte(strings.Join(body, "\n")+"\n"), &parsed); err != nil || !sameData(&parsed, root) {
		return nil, d.refuse(0, "cannot render the new document in this file's style")
	}
	eol := d.eol()
	lines := append([]string{"---"}, body...)
	for i := range lines {
		lines[i] += eol
	}
	return lines, nil
}

func (d *Document) refuse(line int, reason string) error {
	return &RefusedError{Path: d.file.Path, Document: d.Index, Line: line, Reason: reason}
}

// splitLines splits emitter output into lines without their "\n".
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// checkAnchors refuses edits that would change an anchored node: every
// alias of it would change too.
func (d *Document) checkAnchors() error {
	orig, err := d.original()
	if err != nil {
		return d.refuse(0, "cannot parse the original document again: "+err.Error())
	}
	before := map[string]*yaml.Node{}
	collectAnchors(orig, before)
	after := map[string]*yaml.Node{}
	collectAnchors(d.root, after)
	for name, b := range before {
		a := after[name]
		eb, _ := encode(b, d.SeqIndent)
		ea := ""
		if a != nil {
			ea, _ = encode(a, d.SeqIndent)
		}
		if ea != eb {
			return d.refuse(d.Line(b.Line), fmt.Sprintf("the fix would change the anchored node &%s, and with it every alias (*%s) that shares it; edit the anchor by hand or exempt this rule", name, name))
		}
	}
	return nil
}

func collectAnchors(n *yaml.Node, into map[string]*yaml.Node) {
	if n == nil || n.Kind == yaml.AliasNode {
		return
	}
	if n.Anchor != "" {
		into[n.Anchor] = n
	}
	for _, c := range n.Content {
		collectAnchors(c, into)
	}
}

// projection maps one document's kyaml-rendered change (n0 to n1) onto its
// original lines.
type projection struct {
	doc    *Document
	orig   []string // original lines, "\r" kept
	n0, n1 []string // kyaml renderings before and after the edits
	m      []int    // n0 line -> orig line, or -1
	mapped []bool   // orig line has an n0 line
	body   []bool   // orig line is inside a block scalar body
}

// key is an original line compared with rendered lines: no "\r", no trailing blanks.
func key(s string) string { return strings.TrimRight(s, "\r \t") }

// align pairs rendered lines with original lines: exact matches first, then
// structurally (same node in both trees), then loosely by trimmed text.
func (p *projection) align(orig *yaml.Node) {
	p.m = make([]int, len(p.n0))
	for i := range p.m {
		p.m[i] = -1
	}
	p.mapped = make([]bool, len(p.orig))
	p.body = blockBodies(orig, p.orig)

	if p.alignVerbatim() {
		return
	}
	// Structure first: a line holding the same node in both trees is the
	// same line, whatever its indentation. Then exact text inside the gaps
	// (comments, blank lines, block scalar bodies), then trimmed text.
	p.alignStructurally(orig)
	okeys := blankKeyed(p.orig, key)
	nkeys := blankKeyed(p.n0, key)
	p.gaps(func(na, nb, oa, ob int) { p.matchRuns(okeys, nkeys, oa, ob, na, nb) })
	if p.unmappedContent() {
		p.alignLoosely()
	}
}

// alignVerbatim handles the common case cheaply: the original is kyaml's
// rendering plus blank lines, document markers, trailing spaces or CRLF.
// Then the other lines pair up in order.
func (p *projection) alignVerbatim() bool {
	o := 0
	skip := func(l string) bool {
		return strings.TrimSpace(l) == "" || isMarker(l, "---") || isMarker(l, "...")
	}
	for n, l := range p.n0 {
		if strings.TrimSpace(l) == "" {
			continue
		}
		for o < len(p.orig) && skip(p.orig[o]) {
			o++
		}
		if o == len(p.orig) || key(p.orig[o]) != key(l) {
			for i := range p.m {
				p.m[i] = -1
			}
			clear(p.mapped)
			return false
		}
		p.m[n] = o
		p.mapped[o] = true
		o++
	}
	for ; o < len(p.orig); o++ {
		if !skip(p.orig[o]) {
			for i := range p.m {
				p.m[i] = -1
			}
			clear(p.mapped)
			return false
		}
	}
	return true
}

// blankKeyed keys each line; a blank line is keyed by the nearest non-blank
// line above it, so an emitter-only blank line cannot claim a real one.
func blankKeyed(lines []string, k func(string) string) []string {
	out := make([]string, len(lines))
	prev := ""
	for i, l := range lines {
		kk := k(l)
		if strings.TrimSpace(kk) == "" {
			out[i] = "\x00blank after " + prev
			continue
		}
		out[i] = kk
		prev = kk
	}
	return out
}

// matchRuns maps equal lines of okeys[oa:ob] and nkeys[na:nb] using a minimal diff.
func (p *projection) matchRuns(okeys, nkeys []string, oa, ob, na, nb int) {
	ops, err := diffLines(okeys[oa:ob], nkeys[na:nb])
	if err != nil {
		return
	}
	o, n := oa, na
	for _, op := range ops {
		switch op.kind {
		case opEqual:
			for k := 0; k < op.n; k++ {
				p.m[n+k] = o + k
				p.mapped[o+k] = true
			}
			o += op.n
			n += op.n
		case opDelete:
			o += op.n
		case opInsert:
			n += op.n
		}
	}
}

// unmappedContent reports whether any non-blank rendered line lacks a partner.
func (p *projection) unmappedContent() bool {
	for i, o := range p.m {
		if o < 0 && strings.TrimSpace(p.n0[i]) != "" {
			return true
		}
	}
	return false
}

// gaps calls fn for every run of unmapped rendered lines with the window of
// original lines between its mapped neighbours.
func (p *projection) gaps(fn func(na, nb, oa, ob int)) {
	lastO := -1
	for n := 0; n < len(p.n0); {
		if p.m[n] >= 0 {
			lastO = p.m[n]
			n++
			continue
		}
		na := n
		for n < len(p.n0) && p.m[n] < 0 {
			n++
		}
		ob := len(p.orig)
		if n < len(p.n0) {
			ob = p.m[n]
		}
		if lastO+1 < ob {
			fn(na, n, lastO+1, ob)
		}
	}
}

// alignStructurally pairs lines holding the same node in the original and
// rendered trees, keeping them in document order.
func (p *projection) alignStructurally(orig *yaml.Node) {
	n0tree := &yaml.Node{}
	if err := yaml.Unmarshal([]byte(strings.Join(p.n0, "\n")+"\n"), n0tree); err != nil {
		return
	}
	pair := map[int]int{} // n0 index -> orig index
	pairLines(orig, n0tree, pair)
	last := -1
	for n := range p.n0 {
		o, ok := pair[n]
		if !ok || o <= last || o >= len(p.orig) || isMarker(p.orig[o], "---") || isMarker(p.orig[o], "...") {
			continue
		}
		p.m[n] = o
		p.mapped[o] = true
		last = o
	}
}

// pairLines walks two trees of the same data in parallel and records, for
// each node, rendered line index -> original line index.
func pairLines(orig, n0 *yaml.Node, pair map[int]int) {
	if orig == nil || n0 == nil {
		return
	}
	if orig.Line > 0 && n0.Line > 0 && orig.Kind != yaml.DocumentNode {
		if _, ok := pair[n0.Line-1]; !ok {
			pair[n0.Line-1] = orig.Line - 1
		}
	}
	if orig.Kind == yaml.AliasNode || n0.Kind == yaml.AliasNode || len(orig.Content) != len(n0.Content) {
		return
	}
	for i := range orig.Content {
		pairLines(orig.Content[i], n0.Content[i], pair)
	}
}

// loose normalizes a line for the last alignment pass.
func loose(s string) string {
	t := strings.TrimSpace(s)
	for strings.HasPrefix(t, "- ") {
		t = strings.TrimSpace(t[2:])
	}
	t = strings.TrimPrefix(t, "!!merge ")
	return strings.Join(strings.Fields(t), " ")
}

// alignLoosely matches the remaining lines by trimmed, space-collapsed text.
func (p *projection) alignLoosely() {
	p.gaps(func(na, nb, oa, ob int) {
		ok := make([]string, 0, ob-oa)
		oi := make([]int, 0, ob-oa)
		for o := oa; o < ob; o++ {
			if p.mapped[o] {
				continue
			}
			k := loose(p.orig[o])
			if k == "" || p.body[o] {
				k = fmt.Sprintf("\x00orig %d", o) // never matched loosely
			}
			ok = append(ok, k)
			oi = append(oi, o)
		}
		nk := make([]string, 0, nb-na)
		for n := na; n < nb; n++ {
			k := loose(p.n0[n])
			if k == "" {
				k = fmt.Sprintf("\x00n0 %d", n)
			}
			nk = append(nk, k)
		}
		ops, err := diffLines(ok, nk)
		if err != nil {
			return
		}
		a, b := 0, 0
		for _, op := range ops {
			switch op.kind {
			case opEqual:
				for k := 0; k < op.n; k++ {
					o := oi[a+k]
					p.m[na+b+k] = o
					p.mapped[o] = true
				}
				a += op.n
				b += op.n
			case opDelete:
				a += op.n
			case opInsert:
				b += op.n
			}
		}
	})
}

// blockBodies marks the original lines that belong to block scalar bodies.
func blockBodies(tree *yaml.Node, orig []string) []bool {
	body := make([]bool, len(orig))
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || n.Kind == yaml.AliasNode {
			return
		}
		if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && n.Line > 0 && n.Line <= len(orig) {
			start := n.Line - 1
			owner := indentOf(orig[start])
			last := start
			for o := start + 1; o < len(orig); o++ {
				k := key(orig[o])
				if strings.TrimSpace(k) == "" {
					continue
				}
				if indentOf(k) <= owner {
					break
				}
				last = o
			}
			for o := start + 1; o <= last; o++ {
				body[o] = true
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(tree)
	return body
}

// indentOf counts leading spaces.
func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// isComment reports whether a line holds only a comment.
func isComment(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }

// isDash reports whether a line starts a sequence item.
func isDash(s string) bool {
	t := strings.TrimLeft(s, " ")
	return t == "-" || strings.HasPrefix(t, "- ")
}

// continuation reports whether an unmapped original line belongs to the
// mapped line above it (multi-line scalars, flow collections, block bodies).
func (p *projection) continuation(o int) bool {
	if p.mapped[o] {
		return false
	}
	if p.body[o] {
		return true
	}
	k := key(p.orig[o])
	if strings.TrimSpace(k) == "" || isComment(k) || isMarker(k, "---") || isMarker(k, "...") {
		return false
	}
	return true
}
