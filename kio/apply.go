package kio

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// lineEdits are changes to a document's original lines: lines deleted,
// lines replaced in place, and new lines inserted before a line (at
// len(orig): after the last one). Both the whole-document projection and
// the splicer collect their changes here; assemble applies them.
type lineEdits struct {
	deleted  []bool
	replaced map[int]string
	before   map[int][]string
	// conflict is set when two changes claim the same line: the caller
	// then renders the document whole instead.
	conflict bool
}

func newLineEdits(n int) *lineEdits {
	return &lineEdits{deleted: make([]bool, n), replaced: map[int]string{}, before: map[int][]string{}}
}

// del deletes original line o.
func (e *lineEdits) del(o int) {
	if _, ok := e.replaced[o]; ok {
		e.conflict = true
	}
	e.deleted[o] = true
}

// replace gives original line o new text.
func (e *lineEdits) replace(o int, text string) {
	if _, ok := e.replaced[o]; ok || e.deleted[o] {
		e.conflict = true
	}
	e.replaced[o] = text
}

// insert adds lines before original line o, after any inserted there before.
func (e *lineEdits) insert(o int, lines []string) {
	e.before[o] = append(e.before[o], lines...)
}

// assemble applies the edits to the original lines.
func (e *lineEdits) assemble(orig []string) []string {
	out, _ := e.assembleAt(orig)
	return out
}

// assembleAt applies the edits to the original lines, and says where
// each original line's inserted lines begin in the result: pos[o] for
// original line o (pos[len(orig)] for lines added at the end).
func (e *lineEdits) assembleAt(orig []string) (out []string, pos []int) {
	n := len(orig)
	for _, l := range e.before {
		n += len(l)
	}
	out = make([]string, 0, n)
	pos = make([]int, len(orig)+1)
	for o := 0; o <= len(orig); o++ {
		pos[o] = len(out)
		out = append(out, e.before[o]...)
		if o == len(orig) || e.deleted[o] {
			continue
		}
		if r, ok := e.replaced[o]; ok {
			out = append(out, r)
			continue
		}
		out = append(out, orig[o])
	}
	return out, pos
}

// apply replays the n0 -> n1 line diff onto the original lines.
func (p *projection) apply() ([]string, error) {
	e := newLineEdits(len(p.orig))
	if err := p.collect(e); err != nil {
		return nil, err
	}
	return e.assemble(p.orig), nil
}

// collect records the n0 -> n1 line diff as edits of the original lines.
func (p *projection) collect(e *lineEdits) error {
	ops, err := diffLines(p.n0, p.n1)
	if err != nil {
		return p.doc.refuse(0, err.Error())
	}

	i, j := 0, 0
	for k := 0; k < len(ops); k++ {
		op := ops[k]
		if op.kind == opEqual {
			i += op.n
			j += op.n
			continue
		}
		del, ins := 0, 0
		if op.kind == opDelete {
			del = op.n
			if k+1 < len(ops) && ops[k+1].kind == opInsert {
				k++
				ins = ops[k].n
			}
		} else {
			ins = op.n
		}
		if del > 0 && del == ins && p.replaceInPlace(i, j, del, e) {
			i += del
			j += ins
			continue
		}
		anchor := -1
		for n := i; n < i+del; n++ {
			o := p.m[n]
			if o < 0 {
				if strings.TrimSpace(p.n0[n]) == "" || n > i && deletedOwner(p, i, n) {
					continue
				}
				return p.doc.refuse(0, "cannot locate the original text of a changed line: "+strings.TrimSpace(p.n0[n]))
			}
			if anchor < 0 || o < anchor {
				anchor = o
			}
			e.del(o)
			for c := o + 1; c < len(p.orig) && p.continuation(c); c++ {
				e.del(c)
			}
		}
		if ins > 0 {
			if anchor < 0 {
				anchor = p.insertionPoint(i)
			}
			at := i
			lines := p.doc.reindent(p.n1[j:j+ins], func(_, c int, dash bool, _ []string) (int, int) { return p.siblingColumn(c, dash, at) })
			if len(lines) > 0 && isDash(lines[0]) && blankSeparated(p.orig, p.body, anchor, indentOf(lines[0])) {
				lines = append([]string{""}, lines...)
			}
			eol := p.doc.file.lineEnding(p.orig, anchor, del > 0)
			for x := range lines {
				lines[x] += eol
			}
			e.insert(anchor, lines)
		}
		i += del
		j += ins
	}
	return nil
}

// eol is what ends the lines oamfix adds: "\r" in CRLF files (the "\n"
// comes when lines are joined).
func (d *Document) eol() string {
	if d.file.CRLF {
		return "\r"
	}
	return ""
}

// blankSeparated reports whether new sequence items inserted before
// original line anchor, with their dash at column col, join a list whose
// items the original separates with blank lines: the next item follows a
// blank line, or the previous item is preceded by one.
func blankSeparated(orig []string, body []bool, anchor, col int) bool {
	if anchor < len(orig) && strings.TrimSpace(orig[anchor]) == "" {
		for o := anchor + 1; o < len(orig); o++ {
			k := key(orig[o])
			if strings.TrimSpace(k) == "" || isComment(k) {
				continue
			}
			return isDash(k) && indentOf(k) == col
		}
	}
	for o := anchor - 1; o > 0; o-- {
		k := key(orig[o])
		if strings.TrimSpace(k) == "" || isComment(k) || body[o] {
			continue
		}
		if indentOf(k) < col {
			return false
		}
		if indentOf(k) == col && isDash(k) {
			return strings.TrimSpace(orig[o-1]) == ""
		}
	}
	return false
}

// deletedOwner reports whether unmapped rendered line n lies inside a
// deleted subtree whose first line (at i) was mapped: it is deeper indented.
func deletedOwner(p *projection, i, n int) bool {
	for k := n - 1; k >= i; k-- {
		if p.m[k] >= 0 {
			return indentOf(p.n0[n]) > indentOf(p.n0[k]) || isComment(p.n0[n])
		}
	}
	return false
}

// insertionPoint finds where lines inserted before rendered line i go in
// the original: after the original of the last mapped line above (and its
// continuation lines), before any original-only blank or comment lines.
func (p *projection) insertionPoint(i int) int {
	for n := i - 1; n >= 0; n-- {
		if o := p.m[n]; o >= 0 {
			at := o + 1
			for at < len(p.orig) && p.continuation(at) {
				at++
			}
			return at
		}
	}
	for n := i; n < len(p.n0); n++ {
		if o := p.m[n]; o >= 0 {
			return o
		}
	}
	return len(p.orig)
}

// replaceInPlace handles a run of changed lines where each rendered line is
// replaced by exactly one new line: it splices only the changed characters
// into the original line, keeping its quotes, spacing and comment.
func (p *projection) replaceInPlace(i, j, n int, e *lineEdits) bool {
	patched := make([]string, n)
	for k := 0; k < n; k++ {
		o := p.m[i+k]
		if o < 0 || p.body[o] || (o+1 < len(p.orig) && p.continuation(o+1)) {
			return false
		}
		line, ok := patchLine(p.orig[o], p.n0[i+k], p.n1[j+k])
		if !ok {
			return false
		}
		patched[k] = line
	}
	for k := 0; k < n; k++ {
		e.replace(p.m[i+k], patched[k])
	}
	return true
}

// patchLine applies the character change from n0 to n1 to the original
// line orig, which renders as n0. It fails when the original differs from
// n0 around the change by more than spacing.
func patchLine(orig, n0, n1 string) (string, bool) {
	cr := strings.HasSuffix(orig, "\r")
	o := strings.TrimSuffix(orig, "\r")
	pre := 0
	for pre < len(n0) && pre < len(n1) && n0[pre] == n1[pre] {
		pre++
	}
	suf := 0
	for suf < len(n0)-pre && suf < len(n1)-pre && n0[len(n0)-1-suf] == n1[len(n1)-1-suf] {
		suf++
	}
	i0, io := indentOf(n0), indentOf(o)
	if pre < i0 {
		return "", false
	}
	mid0, mid1 := n0[pre:len(n0)-suf], n1[pre:len(n1)-suf]
	q := io + (pre - i0)
	if q > len(o) || o[io:q] != n0[i0:pre] || !strings.HasPrefix(o[q:], mid0) {
		return "", false
	}
	rest := o[q+len(mid0):]
	if strings.Join(strings.Fields(rest), " ") != strings.Join(strings.Fields(n0[pre+len(mid0):]), " ") {
		return "", false
	}
	out := o[:q] + mid1 + rest
	if cr {
		out += "\r"
	}
	return out, true
}

// column is an open indentation context while re-indenting inserted lines:
// a rendered column and the original column it stands for.
type column struct {
	n0, orig int
	dash     bool
	pad      int // for dash columns: the padding after "-"
}

// reindent shifts inserted lines (kyaml's 2-space rendering) to the
// original's indentation: each block lines up with a structural sibling in
// the original, inner levels use the document's indentation unit, and
// sequence items copy the original's dash padding. base gives the original
// column of line x (at rendered column c) when the lines above it do not,
// and the dash padding of a sibling item (0 for none); out holds the lines
// reindented so far.
func (d *Document) reindent(lines []string, base func(x, c int, dash bool, out []string) (int, int)) []string {
	out := make([]string, len(lines))
	var stack []column
	unit := d.IndentWidth
	if unit <= 0 {
		unit = 2
	}
	for x, l := range lines {
		t := strings.TrimLeft(l, " ")
		if t == "" {
			out[x] = ""
			continue
		}
		c := len(l) - len(t)
		dash := isDash(l)
		rest := strings.TrimLeft(strings.TrimPrefix(t, "-"), " ")
		pad := d.ScalarDashPad
		if startsMapping(rest) {
			pad = d.DashPad
		}
		for len(stack) > 0 && stack[len(stack)-1].n0 > c {
			stack = stack[:len(stack)-1]
		}
		col := -1
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			switch {
			case top.n0 == c && (dash || !top.dash):
				col = top.orig
				if top.dash {
					pad = top.pad // a sibling item of the block: same padding
				}
			case top.n0 < c && dash:
				col = top.orig + d.wideOffset()
			case top.n0 < c:
				col = top.orig + (c-top.n0)/2*unit
			}
		}
		if col < 0 {
			var sibPad int
			col, sibPad = base(x, c, dash, out)
			if sibPad > 0 {
				pad = sibPad
			}
		}
		if isComment(l) {
			out[x] = strings.Repeat(" ", col) + t
			continue
		}
		if dash {
			if rest == "" {
				out[x] = strings.Repeat(" ", col) + "-"
			} else {
				out[x] = strings.Repeat(" ", col) + "-" + strings.Repeat(" ", pad) + rest
			}
			stack = append(stack, column{c, col, true, pad}, column{c + 2, col + 1 + pad, false, 0})
			continue
		}
		out[x] = strings.Repeat(" ", col) + t
		stack = append(stack, column{c, col, false, 0})
	}
	return out
}

// wideOffset is how far the original indents a wide sequence's dashes
// under their key (0 for compact documents).
func (d *Document) wideOffset() int {
	if d.SeqIndent == yaml.WideSequenceStyle {
		return d.seqOffset
	}
	return 0
}

// siblingColumn finds the original column for an inserted line at rendered
// column c, from the nearest mapped rendered line at the same level around
// the insertion point, else from the parent. For a sequence item it also
// returns the sibling item's dash padding (0 when there is none).
func (p *projection) siblingColumn(c int, dash bool, at int) (int, int) {
	pad := 0 // 0: no sibling item to copy the padding from
	unit := p.doc.IndentWidth
	if unit <= 0 {
		unit = 2
	}
	parent := -1
	match := func(n int) (int, bool, bool) { // column, found, stop
		l := p.n0[n]
		if strings.TrimSpace(l) == "" || isComment(l) {
			return 0, false, false
		}
		lc := indentOf(l)
		ld := isDash(l)
		o := p.m[n]
		switch {
		case lc == c && ld == dash:
			if o < 0 {
				return 0, false, false
			}
			ol := key(p.orig[o])
			if dash && isDash(ol) {
				pad = dashPad(ol)
			}
			return indentOf(ol), true, true
		case ld && !dash && lc+2 == c:
			// A key inside the same "- " item: line up with the item's content.
			if o < 0 || !isDash(p.orig[o]) {
				return 0, false, o >= 0
			}
			ol := key(p.orig[o])
			return indentOf(ol) + 1 + dashPad(ol), true, true
		case lc < c:
			if parent < 0 {
				parent = n
			}
			return 0, false, true
		}
		return 0, false, false
	}
	for n := at - 1; n >= 0; n-- {
		if col, found, stop := match(n); found {
			return col, pad
		} else if stop {
			break
		}
	}
	backParent := parent
	parent = -1
	for n := at; n < len(p.n0); n++ {
		if col, found, stop := match(n); found {
			return col, pad
		} else if stop {
			break
		}
	}
	parent = backParent
	if parent >= 0 && p.m[parent] >= 0 {
		pl := p.n0[parent]
		ol := key(p.orig[p.m[parent]])
		pc, oc := indentOf(pl), indentOf(ol)
		if isDash(pl) && isDash(ol) {
			pc, oc = pc+2, oc+1+dashPad(ol)
		}
		if dash && c == pc {
			return oc, pad
		}
		if dash && c == pc+2 {
			return oc + p.doc.wideOffset(), pad
		}
		return oc + (c-pc)/2*unit, pad
	}
	return c / 2 * unit, pad
}

// dashPad counts the spaces after the "-" of a sequence item line.
func dashPad(l string) int {
	t := strings.TrimLeft(l, " ")
	rest := strings.TrimPrefix(t, "-")
	n := len(rest) - len(strings.TrimLeft(rest, " "))
	if n == 0 {
		return 1
	}
	return n
}
