package kio

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// unicodeBreaks are NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH
// SEPARATOR (U+2029). YAML 1.1, and yaml.v3 with it, reads them as line
// breaks; YAML 1.2 does not, and a file's lines (as oamfix, editors and
// SARIF viewers count them) end at "\n" only.
const unicodeBreaks = "\u0085\u2028\u2029"

// hasUnicodeBreak reports whether s holds one of unicodeBreaks. Their UTF-8
// encodings start with the byte 0xC2 (U+0085) or 0xE2 (U+2028, U+2029),
// which a fast byte search rules out for almost every file.
func hasUnicodeBreak(s string) bool {
	if strings.IndexByte(s, 0xC2) < 0 && strings.IndexByte(s, 0xE2) < 0 {
		return false
	}
	return strings.ContainsAny(s, unicodeBreaks)
}

// breakName names a Unicode break character in messages.
func breakName(r rune) string {
	switch r {
	case 0x85:
		return "U+0085 NEXT LINE (NEL)"
	case 0x2028:
		return "U+2028 LINE SEPARATOR"
	}
	return "U+2029 PARAGRAPH SEPARATOR"
}

// checkBreaks decides whether a document whose text holds Unicode breaks
// can be used as yaml.v3 reads it (raw, or rawErr): only when yaml.v3's
// reading holds the same data as YAML 1.2's, which is yaml.v3's reading of
// the text with each break replaced by an ordinary character. A break in
// a comment that is followed by more comment, or inside a quoted value,
// changes nothing; one that yaml.v3 would end a comment with, turning the
// rest of the comment into data, is refused with a message naming it.
func (d *Document) checkBreaks(src string, raw *yaml.Node, rawErr error) error {
	masked, restore := maskBreaks(src)
	var m yaml.Node
	maskedErr := yaml.Unmarshal([]byte(masked), &m)
	switch {
	case rawErr != nil && maskedErr != nil:
		return d.errorf(maskedErr) // invalid either way; masked counts lines as the file does
	case rawErr == nil && maskedErr == nil:
		restoreValues(&m, restore)
		if sameData(raw, &m) {
			return nil
		}
	}
	i := strings.IndexAny(src, unicodeBreaks)
	r, _ := utf8.DecodeRuneInString(src[i:])
	line := strings.Count(src[:i], "\n")
	col := utf8.RuneCountInString(src[strings.LastIndexByte(src[:i], '\n')+1:i]) + 1
	return &ParseError{d.file.Path, d.StartLine + line, fmt.Sprintf(
		"%s at column %d: the YAML parser oamfix uses (yaml.v3) reads it as a line break and YAML 1.2 does not, which changes what this document says; replace it with a space or a line break",
		breakName(r), col), true}
}

// maskBreaks replaces each Unicode break in src by a character of the same
// UTF-8 length that yaml.v3 reads as an ordinary one and that src does not
// hold, so lines and columns stay; the replacer turns them back.
func maskBreaks(src string) (string, *strings.Replacer) {
	var pairs []string // break, mask
	taken := map[rune]bool{}
	for _, b := range unicodeBreaks {
		// NEL is two bytes (U+0080-U+07FF): mask it with an Arabic or
		// Syriac letter; LS and PS are three: a private-use character.
		first := rune(0x0600)
		if utf8.RuneLen(b) == 3 {
			first = 0xE000
		}
		mask := first
		for strings.ContainsRune(src, mask) || taken[mask] {
			mask++
		}
		taken[mask] = true
		pairs = append(pairs, string(b), string(mask))
	}
	restore := make([]string, len(pairs))
	for i := 0; i < len(pairs); i += 2 {
		restore[i], restore[i+1] = pairs[i+1], pairs[i]
	}
	return strings.NewReplacer(pairs...).Replace(src), strings.NewReplacer(restore...)
}

// restoreValues turns the masks in a tree's values back into the breaks.
func restoreValues(n *yaml.Node, r *strings.Replacer) {
	n.Value = r.Replace(n.Value)
	for _, c := range n.Content {
		restoreValues(c, r)
	}
}

// lineMap converts yaml.v3's positions in a document's text, where every
// Unicode break starts a line, into the file's: index it with yaml.v3's
// line - 1.
type lineMap []linePos

// linePos is where one of yaml.v3's lines starts in the file: the file
// line (1-based, within the document) and the number of characters on it
// before yaml.v3's line starts.
type linePos struct{ line, cols int }

// newLineMap maps the lines of src, the text yaml.v3 parsed.
func newLineMap(src string) lineMap {
	m := lineMap{{1, 0}}
	line, cols := 1, 0
	for _, r := range src {
		switch {
		case r == '\n':
			line, cols = line+1, 0
			m = append(m, linePos{line, 0})
		case strings.ContainsRune(unicodeBreaks, r):
			cols++
			m = append(m, linePos{line, cols})
		default:
			cols++
		}
	}
	return m
}

// line converts a yaml.v3 line into the file's (within the document).
func (m lineMap) line(l int) int {
	if l < 1 || l > len(m) {
		return l
	}
	return m[l-1].line
}

// remap rewrites the line and column of every node of a tree as the file
// counts them.
func (m lineMap) remap(n *yaml.Node) {
	if n.Line >= 1 && n.Line <= len(m) {
		p := m[n.Line-1]
		n.Line = p.line
		if n.Column > 0 {
			n.Column += p.cols
		}
	}
	for _, c := range n.Content {
		m.remap(c)
	}
}
