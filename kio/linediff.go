package kio

import (
	"errors"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// opKind is one kind of line-diff operation.
type opKind int8

const (
	opEqual opKind = iota
	opDelete
	opInsert
)

// lineOp is a run of n lines that are equal, deleted from a, or inserted from b.
type lineOp struct {
	kind opKind
	n    int
}

// diffLines computes a minimal line diff of a and b with go-diff's Myers
// implementation. Each distinct line becomes one rune at or above U+10000
// (never a surrogate), and the diff runs without a deadline: go-diff's
// default one-second timeout gives non-minimal diffs on big inputs.
func diffLines(a, b []string) ([]lineOp, error) {
	ids := make(map[string]rune, len(a)+len(b))
	encode := func(lines []string) []rune {
		out := make([]rune, len(lines))
		for i, l := range lines {
			r, ok := ids[l]
			if !ok {
				r = rune(0x10000 + len(ids))
				ids[l] = r
			}
			out[i] = r
		}
		return out
	}
	if len(a)+len(b) > utf8.MaxRune-0x10000 {
		return nil, errors.New("document too large to diff (over a million lines)")
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	var ops []lineOp
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		n := utf8.RuneCountInString(d.Text)
		if n == 0 {
			continue
		}
		k := opEqual
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			k = opDelete
		case diffmatchpatch.DiffInsert:
			k = opInsert
		}
		if len(ops) > 0 && ops[len(ops)-1].kind == k {
			ops[len(ops)-1].n += n
			continue
		}
		ops = append(ops, lineOp{k, n})
	}
	return ops, nil
}
