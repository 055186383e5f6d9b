// Package kio reads YAML files into kyaml documents and writes edits back
// losslessly: it splices each recorded edit into the original bytes at its
// node's position (or projects the change between two kyaml renderings of
// the whole document onto them), verifies the result, prints unified
// diffs and writes files atomically. It knows nothing about OAM.
package kio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/oamfix/oamfix/internal/yamlnode"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// File is one YAML file as read, split into documents.
type File struct {
	// Path names the file in messages and diffs ("-" for stdin).
	Path string
	// Orig holds the bytes exactly as read.
	Orig []byte
	// Mode is the file's permission bits, kept on write.
	Mode fs.FileMode
	// BOM records a leading UTF-8 byte order mark.
	BOM bool
	// CRLF records that most lines end in "\r\n" (ties count as CRLF):
	// new documents and lines added to a document use it; an edited line
	// keeps its own ending.
	CRLF bool
	// FinalNewline records whether the last line ends with a line break.
	FinalNewline bool
	// Docs are the file's documents in order.
	Docs []*Document
	// Stats says how the last Project wrote the edited documents.
	Stats ProjectStats

	// lines are the file's lines without "\n" (a trailing "\r" is kept;
	// the last line of a CRLF file without a final newline is given one,
	// see endings).
	lines []string
	// added holds new documents to write after the document with that index.
	added map[int][]*yaml.Node
	// disk is the file's state on disk when ReadFile read it; nil for
	// data that did not come from a file.
	disk *fileID
}

// AddDocument schedules a new document, rendered by kyaml in the style of
// the document it follows, to be written right after document index after.
func (f *File) AddDocument(after int, root *yaml.Node) {
	if f.added == nil {
		f.added = map[int][]*yaml.Node{}
	}
	f.added[after] = append(f.added[after], root)
}

// Document is one YAML document of a file.
type Document struct {
	// Index is the document's position in its file, counting from 0.
	Index int
	// Node is the parsed document; nil when the document holds no content
	// (only comments or nothing between two separators).
	Node *yaml.RNode
	// StartLine is the 1-based file line where the document's text starts
	// (its "---" separator line, when it has one).
	StartLine int
	// SeqIndent is the document's dominant sequence style: "compact"
	// (key:\n- a) or "wide" (key:\n  - a).
	SeqIndent yaml.SequenceIndentStyle
	// IndentWidth is the document's mapping indentation unit (2 or 4, say).
	IndentWidth int
	// DashPad is the number of spaces after "-" on sequence items that
	// start a mapping ("- name: a" is 1, "-   name: a" is 3).
	DashPad int
	// ScalarDashPad is the same for scalar items ("- a").
	ScalarDashPad int

	file      *File
	first     int        // index into file.lines of the first line
	end       int        // one past the last line
	root      *yaml.Node // the document node Node wraps
	editing   *editing   // nil until the document is edited
	anchors   bool
	seqOffset int // columns between a key and its wide sequence's dashes
}

// ParseError is bad input: it names the file and, where known, the line.
type ParseError struct {
	Path string
	Line int
	Msg  string
	// Syntax marks errors of the YAML itself (as opposed to I/O, size,
	// encoding or binary content): the bytes are text but not YAML oamfix
	// can read.
	Syntax bool
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Parse splits data into documents and parses each with kyaml. Path is used
// in messages only. Documents are split on "---" lines at column 0 (which
// YAML forbids inside any scalar), so every document keeps its own bytes.
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path, Orig: data, Mode: 0o644}
	text := data
	if bytes.HasPrefix(text, bom) {
		f.BOM = true
		text = text[len(bom):]
	}
	if i := bytes.IndexByte(text, 0); i >= 0 {
		return nil, &ParseError{Path: path, Line: 1 + bytes.Count(text[:i], []byte("\n")), Msg: "binary file (NUL byte); not YAML"}
	}
	if !utf8.Valid(text) {
		line := 1
		for i := 0; i < len(text); {
			r, size := utf8.DecodeRune(text[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			if r == '\n' {
				line++
			}
			i += size
		}
		return nil, &ParseError{Path: path, Line: line, Msg: "invalid UTF-8; oamfix reads UTF-8 YAML only"}
	}
	if err := loneCR(path, text); err != nil {
		return nil, err
	}
	s := string(text)
	f.FinalNewline = strings.HasSuffix(s, "\n") || s == ""
	s = strings.TrimSuffix(s, "\n")
	if s != "" || !f.FinalNewline {
		f.lines = strings.Split(s, "\n")
	}
	if len(f.lines) == 1 && f.lines[0] == "" && len(text) == 0 {
		f.lines = nil
	}
	f.endings()
	if err := f.split(); err != nil {
		return nil, err
	}
	return f, nil
}

// loneCR refuses a carriage return that is not followed by a line feed:
// YAML reads it as a line break, but oamfix's lines end at "\n" only, so
// edits would land on the wrong lines. A file of CR-only line endings
// (classic Mac OS) gets its own message.
func loneCR(path string, text []byte) error {
	for i, c := range text {
		if c != '\r' || i+1 < len(text) && text[i+1] == '\n' {
			continue
		}
		if !bytes.Contains(text, []byte("\n")) {
			return &ParseError{Path: path, Msg: "the line endings are CR only (classic Mac OS); oamfix reads LF or CRLF line endings: convert the file first (tr '\\r' '\\n')", Syntax: true}
		}
		line := 1 + bytes.Count(text[:i], []byte("\n"))
		return &ParseError{Path: path, Line: line, Msg: "a carriage return (CR) not followed by a line feed: YAML reads it as a line break, oamfix reads LF or CRLF line endings only: make it one of those", Syntax: true}
	}
	return nil
}

// endings records the file's dominant line ending. The last line of a
// file without a final newline is given that ending too (a CRLF file's
// last line gets its "\r"), so that lines added after it are separated
// from it the way the file separates its lines; Project drops it again,
// and the file still ends without a line break.
func (f *File) endings() {
	crlf, lf := 0, 0
	terminated := f.lines
	if !f.FinalNewline && len(terminated) > 0 {
		terminated = terminated[:len(terminated)-1]
	}
	for _, l := range terminated {
		if strings.HasSuffix(l, "\r") {
			crlf++
		} else {
			lf++
		}
	}
	f.CRLF = crlf > 0 && crlf >= lf
	if f.CRLF && !f.FinalNewline && len(f.lines) > 0 {
		f.lines[len(f.lines)-1] += "\r"
	}
}

// join turns projected lines back into the file's bytes: its BOM, the
// lines joined by "\n", and a final newline only when the original had
// one (without it, the last line keeps no "\r" either: see endings).
func (f *File) join(lines []string) []byte {
	var b strings.Builder
	if f.BOM {
		b.Write(bom)
	}
	text := strings.Join(lines, "\n")
	if f.FinalNewline && len(lines) > 0 {
		text += "\n"
	} else {
		text = strings.TrimSuffix(text, "\r")
	}
	b.WriteString(text)
	return []byte(b.String())
}

// lineEnding is the ending ("\r" for CRLF, "" for LF) of new lines
// inserted before lines[at] of one of f's documents: an edited line
// (replace: the new lines replace lines[at]) keeps the ending of the line
// it replaces; added lines take the file's most common ending.
func (f *File) lineEnding(lines []string, at int, replace bool) string {
	if replace && at < len(lines) {
		if strings.HasSuffix(lines[at], "\r") {
			return "\r"
		}
		return ""
	}
	if f.CRLF {
		return "\r"
	}
	return ""
}

// isMarker reports whether line is a "---" or "..." marker at column 0.
func isMarker(line, marker string) bool {
	line = strings.TrimSuffix(line, "\r")
	if !strings.HasPrefix(line, marker) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t'
}

// split cuts the file into documents at "---" lines and parses each.
// Text before the first "---" that holds only comments or directives is
// kept with the following document.
func (f *File) split() error {
	var starts []int
	starts = append(starts, 0)
	for i, l := range f.lines {
		if i > 0 && isMarker(l, "---") {
			starts = append(starts, i)
		}
	}
	// A prelude of comments, blank lines or directives belongs to the next document.
	if len(starts) > 1 && onlyTrivia(f.lines[:starts[1]]) {
		starts = append(starts[:1], starts[2:]...)
	}
	for k, start := range starts {
		end := len(f.lines)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		d := &Document{Index: k, file: f, first: start, end: end, StartLine: start + 1}
		if err := d.parse(); err != nil {
			return err
		}
		f.Docs = append(f.Docs, d)
	}
	return nil
}

// onlyTrivia reports whether lines hold nothing but blanks, comments and directives.
func onlyTrivia(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(l, "%") {
			return false
		}
	}
	return true
}

// text returns the document's original text with "\n" line ends and no "\r".
func (d *Document) text() string {
	var b strings.Builder
	for _, l := range d.file.lines[d.first:d.end] {
		b.WriteString(strings.TrimSuffix(l, "\r"))
		b.WriteByte('\n')
	}
	return b.String()
}

// parse decodes the document's text into a node tree and derives its styles.
func (d *Document) parse() error {
	src := d.text()
	var doc yaml.Node
	err := yaml.Unmarshal([]byte(src), &doc)
	var lines lineMap // nil: yaml.v3 counts lines as the file does
	if hasUnicodeBreak(src) {
		if err := d.checkBreaks(src, &doc, err); err != nil {
			return err
		}
		lines = newLineMap(src)
		lines.remap(&doc)
	}
	if err != nil {
		return d.errorf(err)
	}
	// Splitting at "---" leaves one document per part, unless a "..." end
	// marker is followed by another bare document.
	if d.hasContentAfterEnd() {
		dec := yaml.NewDecoder(strings.NewReader(src))
		var first, extra yaml.Node
		if err := dec.Decode(&first); err == nil {
			if err := dec.Decode(&extra); err == nil {
				line := extra.Line
				if lines != nil {
					line = lines.line(line)
				}
				return &ParseError{d.file.Path, d.StartLine + line - 1, "more than one document without a \"---\" separator", true}
			} else if !errors.Is(err, io.EOF) {
				return d.errorf(err)
			}
		}
	}
	if len(doc.Content) == 0 {
		return nil // empty or comment-only document
	}
	if dup := findDuplicateKey(&doc); dup != nil {
		return &ParseError{d.file.Path, d.StartLine + dup.Line - 1, fmt.Sprintf("duplicate key %q", dup.Value), true}
	}
	d.root = &doc
	d.Node = yaml.NewRNode(&doc)
	d.anchors = yamlnode.HasAnchors(&doc)
	if d.anchors {
		if n := expandedSize(&doc, map[*yaml.Node]int{}); n > maxExpandedNodes {
			return &ParseError{d.file.Path, d.StartLine, fmt.Sprintf("aliases expand to over %d nodes (an alias bomb?); not processing it", maxExpandedNodes), true}
		}
	}
	d.SeqIndent, d.IndentWidth, d.DashPad, d.ScalarDashPad, d.seqOffset = deriveStyle(d.file.lines[d.first:d.end])
	return nil
}

// hasContentAfterEnd reports whether a "..." marker line is followed by
// anything but blank lines, comments and directives.
func (d *Document) hasContentAfterEnd() bool {
	lines := d.file.lines[d.first:d.end]
	for i, l := range lines {
		if isMarker(l, "...") {
			return !onlyTrivia(lines[i+1:])
		}
	}
	return false
}

// errorf turns a yaml.v3 error into a ParseError with a file line.
func (d *Document) errorf(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	// yaml.v3 reports "line N: message" relative to the document text.
	var n int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &n); scanErr == nil {
		line = d.StartLine + n - 1
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	} else {
		line = d.StartLine
	}
	if msg == "found incompatible YAML document" {
		// yaml.v3 reads only documents marked %YAML 1.1, or unmarked.
		for i, l := range d.file.lines[d.first:d.end] {
			if strings.HasPrefix(l, "%YAML") {
				return &ParseError{d.file.Path, d.StartLine + i, fmt.Sprintf("the directive %q: the YAML parser oamfix uses (yaml.v3) reads only documents without a %%YAML directive or marked %%YAML 1.1; remove the directive line", strings.TrimSpace(l)), true}
			}
		}
	}
	return &ParseError{d.file.Path, line, "invalid YAML: " + msg, true}
}

// Line converts a line number of the document's node tree into a file line.
func (d *Document) Line(nodeLine int) int {
	if nodeLine <= 0 {
		return 0
	}
	return d.StartLine + nodeLine - 1
}

// findDuplicateKey returns the second occurrence of a repeated mapping key.
func findDuplicateKey(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Value != "<<" {
				if seen[k.Value] {
					return k
				}
				seen[k.Value] = true
			}
		}
	}
	if n.Kind == yaml.AliasNode {
		return nil
	}
	for _, c := range n.Content {
		if dup := findDuplicateKey(c); dup != nil {
			return dup
		}
	}
	return nil
}

// maxExpandedNodes bounds how large a document may become once its aliases
// are expanded (a "billion laughs" document stays small on disk only).
const maxExpandedNodes = 1_000_000

// expandedSize counts the nodes of a tree with every alias expanded,
// memoized per node and saturating just above the limit.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = maxExpandedNodes + 1 // a cycle counts as too large
	size := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		size = expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo)
		if size > maxExpandedNodes {
			size = maxExpandedNodes + 1
			break
		}
	}
	memo[n] = size
	return size
}

// deriveStyle reads a document's sequence style, indentation unit, dash
// padding and wide-sequence offset from its lines: each is the most common
// form in the document.
func deriveStyle(lines []string) (yaml.SequenceIndentStyle, int, int, int, int) {
	var wide, compact int
	widths := map[int]int{}
	offsets := map[int]int{}
	pads := map[int]int{}
	scalarPads := map[int]int{}
	prevIndent, prevKey := -1, false
	for _, raw := range lines {
		l := strings.TrimRight(raw, "\r \t")
		t := strings.TrimLeft(l, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		indent := len(l) - len(t)
		isDash := t == "-" || strings.HasPrefix(t, "- ")
		if isDash {
			rest := strings.TrimPrefix(t, "-")
			if p := len(rest) - len(strings.TrimLeft(rest, " ")); p > 0 && strings.TrimSpace(rest) != "" {
				if startsMapping(rest) {
					pads[p]++
				} else {
					scalarPads[p]++
				}
			}
		}
		if prevKey && indent >= prevIndent {
			switch {
			case isDash && indent == prevIndent:
				compact++
			case isDash:
				wide++
				offsets[indent-prevIndent]++
			default:
				if indent > prevIndent {
					widths[indent-prevIndent]++
				}
			}
		}
		prevIndent = indent
		prevKey = strings.HasSuffix(l, ":") && !strings.HasPrefix(t, "- ") ||
			(isDash && strings.HasSuffix(l, ":"))
		if isDash && strings.HasSuffix(l, ":") {
			// "- key:" opens a mapping whose children are indented from the key.
			rest := strings.TrimLeft(strings.TrimPrefix(t, "-"), " ")
			prevIndent = len(l) - len(rest)
		}
	}
	style := yaml.CompactSequenceStyle
	if wide > compact {
		style = yaml.WideSequenceStyle
	}
	unit := mostCommon(widths, 2)
	pad := mostCommon(pads, 1)
	return style, unit, pad, mostCommon(scalarPads, pad), mostCommon(offsets, unit)
}

// startsMapping reports whether a sequence item's text opens a mapping ("name: x", "key:").
func startsMapping(item string) bool {
	t := strings.TrimSpace(item)
	return strings.Contains(t, ": ") || strings.HasSuffix(t, ":")
}

// mostCommon returns the key with the highest count (the smallest on ties), or def.
func mostCommon(counts map[int]int, def int) int {
	best, bestN := def, 0
	for k, n := range counts {
		if n > bestN || n == bestN && k < best {
			best, bestN = k, n
		}
	}
	return best
}
