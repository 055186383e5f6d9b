package kio

import (
	"encoding/binary"

	"github.com/oamfix/oamfix/internal/memo"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fragments memoizes the rendering of new fragments by everything the
// encoder reads of them: fixes insert the same fragment over and over
// (the same trait into every component), and encoding it was the largest
// cost of splicing after the verification parse. It holds 4,096 fragments;
// renderings over maxFragmentText are rare and rendered every time.
var fragments = memo.New[string](1 << 12)

// maxFragmentText is the longest rendering fragments keeps.
const maxFragmentText = 4 << 10

// encodeFragment is encode, memoized for small fragments.
func encodeFragment(n *yaml.Node, style yaml.SequenceIndentStyle) (string, error) {
	buf := memo.Buffers.Get().(*[]byte)
	defer memo.Buffers.Put(buf)
	key := append((*buf)[:0], style...)
	key, ok := appendFragmentKey(append(key, '|'), n, 0)
	*buf = key
	if !ok {
		return encode(n, style)
	}
	if text, found := fragments.Get(key); found {
		return text, nil
	}
	text, err := encode(n, style)
	if err == nil && len(text) <= maxFragmentText {
		fragments.Put(key, text)
	}
	return text, err
}

// appendFragmentKey appends every field of n and its content that the
// encoder reads: kind and style as a byte each (their values are small),
// then each string and the content length-prefixed, so that no two
// different trees share a key. It reports false for trees it will not key
// (aliases, styles or kinds out of a byte's range, or deeper than a
// fragment a fix writes).
func appendFragmentKey(b []byte, n *yaml.Node, depth int) ([]byte, bool) {
	if n == nil || n.Kind == yaml.AliasNode || depth > 64 || n.Kind > 0xff || n.Style > 0xff {
		return b, false
	}
	b = append(b, byte(n.Kind), byte(n.Style))
	for _, s := range [...]string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(n.Content)))
	for _, c := range n.Content {
		var ok bool
		if b, ok = appendFragmentKey(b, c, depth+1); !ok {
			return b, false
		}
	}
	return b, true
}
