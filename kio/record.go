package kio

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// editing is how a document's edits reach its bytes.
type editing struct {
	// splice: the caller reports every node it changes (Touch), and
	// Project splices the changes into the original text.
	splice bool
	// touched maps each node the caller changed to a shallow copy of it
	// taken before its first change; order lists them as touched.
	touched map[*yaml.Node]*yaml.Node
	order   []*yaml.Node
	// orig is the tree as read, parsed again from the original text when
	// a document is rendered whole (the fallback) or has anchors.
	orig *yaml.Node
}

// Snapshot marks the document as edited in place by a caller that does not
// report its changes: Project renders it whole before and after, diffs
// the renderings by line and replays the diff onto the original text.
// Only edited documents are ever re-serialized; all others keep their bytes.
func (d *Document) Snapshot() {
	if d.Node != nil && d.editing == nil {
		d.editing = &editing{}
	}
}

// RecordEdits marks the document as edited by a caller that calls Touch
// on every existing node before changing it. Project then splices each
// change into the original text at its node's position, rendering only
// the new fragment, and renders the whole document only for a change it
// cannot place (the file's Stats count those).
func (d *Document) RecordEdits() {
	d.Snapshot()
	if d.editing != nil {
		d.editing.splice = true
	}
}

// Touch records the state of n, a node of the document's tree, before an
// edit changes it in place: its value, tag, style, comments or children
// (a mapping gaining a field, a sequence gaining or losing items, a scalar
// taking a new value). New nodes need no Touch; the existing node that
// receives them does. Touching a node twice keeps the first state.
func (d *Document) Touch(n *yaml.Node) {
	e := d.editing
	if e == nil || !e.splice || n == nil {
		return
	}
	if e.touched == nil {
		e.touched = map[*yaml.Node]*yaml.Node{}
	}
	if _, ok := e.touched[n]; ok {
		return
	}
	c := *n
	c.Content = slices.Clone(n.Content)
	e.touched[n] = &c
	e.order = append(e.order, n)
}

// Forget drops the edit state of a document no fix touched, so Project
// keeps its bytes without rendering it.
func (d *Document) Forget() { d.editing = nil }

// original returns the document's tree as read (parsing its original
// text again the first time).
func (d *Document) original() (*yaml.Node, error) {
	if d.editing != nil && d.editing.orig != nil {
		return d.editing.orig, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(d.text()), &doc); err != nil {
		return nil, err
	}
	if d.editing != nil {
		d.editing.orig = &doc
	}
	return &doc, nil
}

// ProjectStats counts how Project wrote a file's edited documents.
type ProjectStats struct {
	// Spliced is the number of documents whose recorded edits were all
	// spliced into the original text at their nodes' positions.
	Spliced int
	// Local is the number of spliced documents verified on the lines
	// around each change instead of being parsed whole (see
	// AlwaysVerifyWhole).
	Local int
	// Disagreements lists, under AlwaysVerifyWhole, each document the
	// local verification accepted and the whole parse refused, and why.
	Disagreements []string
	// Rendered is the number of edited documents rendered whole and
	// diffed by line: documents edited without recording (Snapshot), and
	// the fallbacks.
	Rendered int
	// Fallbacks lists, for each document with recorded edits the splicer
	// could not place, why; it was rendered whole instead.
	Fallbacks []string
}

// fallback records that a recorded document was rendered whole.
func (s *ProjectStats) fallback(path string, doc int, reason string) {
	s.Fallbacks = append(s.Fallbacks, docReason(path, doc, reason))
}

// disagree records a document verified locally that the whole parse refused.
func (s *ProjectStats) disagree(path string, doc int, reason string) {
	s.Disagreements = append(s.Disagreements, docReason(path, doc, reason))
}

// docReason is how the stats name a document and what happened to it
// ("path: document N: reason"; String counts reasons by cutting it).
func docReason(path string, doc int, reason string) string {
	return path + ": document " + strconv.Itoa(doc) + ": " + reason
}

// Add adds other's counts to s (for totals over many files).
func (s *ProjectStats) Add(other ProjectStats) {
	s.Spliced += other.Spliced
	s.Local += other.Local
	s.Disagreements = append(s.Disagreements, other.Disagreements...)
	s.Rendered += other.Rendered
	s.Fallbacks = append(s.Fallbacks, other.Fallbacks...)
}

// String summarizes the counts, with the fallback reasons by frequency.
func (s ProjectStats) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(s.Spliced) + " documents spliced (" + strconv.Itoa(s.Local) + " verified locally), " + strconv.Itoa(s.Rendered) + " rendered whole, " + strconv.Itoa(len(s.Fallbacks)) + " of them fallbacks")
	counts := map[string]int{}
	for _, f := range s.Fallbacks {
		// Drop "path: document N: " to count reasons.
		_, reason, _ := strings.Cut(f, ": document ")
		_, reason, _ = strings.Cut(reason, ": ")
		counts[reason]++
	}
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		return counts[reasons[i]] > counts[reasons[j]] || counts[reasons[i]] == counts[reasons[j]] && reasons[i] < reasons[j]
	})
	for _, r := range reasons {
		b.WriteString("\n  " + strconv.Itoa(counts[r]) + "× " + r)
	}
	return b.String()
}
