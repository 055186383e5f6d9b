package kio

import (
	"strconv"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fragments memoizes the rendering of new fragments by everything the
// encoder reads of them: fixes insert the same fragment over and over
// (the same trait into every component), and encoding it was the largest
// cost of splicing after the verification parse.
var fragments = struct {
	sync.RWMutex
	text map[string]string // fragment key -> rendered text
}{text: map[string]string{}}

// Bounds of the memo: how many fragments it holds, and the longest
// rendering it keeps (larger ones are rare and rendered every time).
const (
	maxFragments    = 1 << 12
	maxFragmentText = 4 << 10
)

// keyBuffers recycles the buffers fragment keys are built in.
var keyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// encodeFragment is encode, memoized for small fragments.
func encodeFragment(n *yaml.Node, style yaml.SequenceIndentStyle) (string, error) {
	buf := keyBuffers.Get().(*[]byte)
	defer keyBuffers.Put(buf)
	key := append((*buf)[:0], style...)
	key, ok := appendFragmentKey(append(key, '|'), n, 0)
	*buf = key
	if !ok {
		return encode(n, style)
	}
	fragments.RLock()
	text, found := fragments.text[string(key)]
	fragments.RUnlock()
	if found {
		return text, nil
	}
	text, err := encode(n, style)
	if err == nil && len(text) <= maxFragmentText {
		fragments.Lock()
		if len(fragments.text) < maxFragments {
			fragments.text[string(key)] = text
		}
		fragments.Unlock()
	}
	return text, err
}

// appendFragmentKey appends every field of n and its content that the
// encoder reads, each length-prefixed so that no two different trees share
// a key. It reports false for trees it will not key (aliases, or deeper
// than a fragment a fix writes).
func appendFragmentKey(b []byte, n *yaml.Node, depth int) ([]byte, bool) {
	if n == nil || n.Kind == yaml.AliasNode || depth > 64 {
		return b, false
	}
	b = strconv.AppendInt(b, int64(n.Kind), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(n.Style), 10)
	b = append(b, ',')
	for _, s := range [...]string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	b = strconv.AppendInt(b, int64(len(n.Content)), 10)
	b = append(b, '(')
	for _, c := range n.Content {
		var ok bool
		if b, ok = appendFragmentKey(b, c, depth+1); !ok {
			return b, false
		}
	}
	return append(b, ')'), true
}
