// Package report renders findings: text for terminals, JSON for scripts,
// SARIF 2.1.0 for code-scanning tools and markdown for reviewers (and the
// PR bot's pull request body). Every format is deterministic: the same
// findings give the same bytes, with no timestamps and no paths but the
// ones the findings carry.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/oamfix/oamfix/fixers"
)

// Formats lists the output formats Write knows.
func Formats() []string { return []string{"text", "json", "sarif", "markdown"} }

// Known reports whether format is one of Formats.
func Known(format string) bool {
	return slices.Contains(Formats(), format)
}

// Options carry what some formats use beyond the findings. The zero value
// is valid: every field has a documented fallback.
type Options struct {
	// SARIF configures the sarif format.
	SARIF SARIFOptions
	// Markdown configures the markdown format.
	Markdown MarkdownOptions
}

// Write prints findings in the chosen format (see Formats) with default
// options. It sorts fs in place.
func Write(w io.Writer, format string, fs []fixers.Finding) error {
	return WriteWith(w, format, fs, Options{})
}

// WriteWith prints findings in the chosen format (see Formats). It sorts
// fs in place.
func WriteWith(w io.Writer, format string, fs []fixers.Finding, opts Options) error {
	Sort(fs)
	switch format {
	case "json":
		return JSON(w, fs)
	case "sarif":
		return SARIF(w, fs, opts.SARIF)
	case "markdown":
		return Markdown(w, fs, opts.Markdown)
	case "text":
		return Text(w, fs)
	}
	return fmt.Errorf("unknown format %q (want one of %v)", format, Formats())
}

// Sort orders findings by file, document, line, rule and message (then
// path, column, component and status, so that the order is total), so
// output is deterministic.
func Sort(fs []fixers.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return less(fs[i], fs[j]) })
}

// less is the order of Sort.
func less(a, b fixers.Finding) bool {
	switch {
	case a.File != b.File:
		return a.File < b.File
	case a.Document != b.Document:
		return a.Document < b.Document
	case a.Line != b.Line:
		return a.Line < b.Line
	case a.Rule != b.Rule:
		return a.Rule < b.Rule
	case a.Message != b.Message:
		return a.Message < b.Message
	case a.Path != b.Path:
		return a.Path < b.Path
	case a.Column != b.Column:
		return a.Column < b.Column
	case a.Component != b.Component:
		return a.Component < b.Component
	}
	return a.Status < b.Status
}

// sorted returns a sorted copy of fs, leaving the caller's slice alone.
func sorted(fs []fixers.Finding) []fixers.Finding {
	out := slices.Clone(fs)
	Sort(out)
	return out
}

// Text prints one line per finding (with its assumptions) and a summary line.
func Text(w io.Writer, fs []fixers.Finding) error {
	t := NewTextWriter(w)
	if err := t.Write(fs); err != nil {
		return err
	}
	return t.Close()
}

// TextWriter prints findings in the text format as they come, a batch
// (one file's findings, say) at a time, then a summary line on Close. It
// keeps only counts, so memory stays flat however many files a run has.
type TextWriter struct {
	w   io.Writer
	sum summary
	err error
}

// NewTextWriter returns a TextWriter printing to w.
func NewTextWriter(w io.Writer) *TextWriter {
	return &TextWriter{w: w}
}

// Write sorts a batch of findings and prints them. After a write error it
// does nothing and Close returns that error.
func (t *TextWriter) Write(fs []fixers.Finding) error {
	Sort(fs)
	for _, f := range fs {
		if t.err != nil {
			return t.err
		}
		t.sum.add(f)
		status := ""
		switch f.Status {
		case fixers.Fixed:
			status = " [fixed]"
		case fixers.Suppressed:
			status = " [suppressed: " + f.SuppressedBy + "]"
		}
		_, t.err = fmt.Fprintf(t.w, "%s:%d:%d: %s [%s] %s%s\n", f.File, f.Line, f.Column, f.Severity, f.Rule, f.Message, status)
		for _, u := range f.Unmet {
			if t.err == nil {
				_, t.err = fmt.Fprintf(t.w, "    not fixed: %s\n", unmetText(u))
			}
		}
		for _, a := range f.Assumptions {
			if t.err == nil {
				_, t.err = fmt.Fprintf(t.w, "    assumption: %s\n", a)
			}
		}
	}
	return t.err
}

// unmetText says why a fix was not written and what to do.
func unmetText(u fixers.Unmet) string {
	if u.Remedy == "" {
		return u.Reason
	}
	return u.Reason + "; " + u.Remedy
}

// Close prints the summary line (when there were findings).
func (t *TextWriter) Close() error {
	if t.err != nil || t.sum.Total == 0 {
		return t.err
	}
	_, err := fmt.Fprintf(t.w, "%d findings: %d fixed, %d open, %d suppressed\n", t.sum.Total, t.sum.Fixed, t.sum.Open, t.sum.Suppressed)
	return err
}

// jsonFinding is a finding with its fingerprint.
type jsonFinding struct {
	fixers.Finding
	Fingerprint string `json:"fingerprint"`
}

// summary counts findings by status; it is also the JSON report's "summary".
type summary struct {
	Total      int `json:"total"`
	Fixed      int `json:"fixed"`
	Open       int `json:"open"`
	Suppressed int `json:"suppressed"`
}

// add counts one finding.
func (s *summary) add(f fixers.Finding) {
	s.Total++
	switch f.Status {
	case fixers.Fixed:
		s.Fixed++
	case fixers.Open:
		s.Open++
	case fixers.Suppressed:
		s.Suppressed++
	}
}

// JSON prints the documented JSON report (schema version 1), findings in
// the order given.
func JSON(w io.Writer, fs []fixers.Finding) error {
	j := NewJSONWriter(w)
	if err := j.write(fs); err != nil {
		return err
	}
	return j.Close()
}

// JSONWriter prints the JSON report as findings come, a batch (one file's
// findings, say) at a time, and the summary on Close; like TextWriter it
// keeps only counts, so memory stays flat on large runs.
type JSONWriter struct {
	w   *bufio.Writer
	sum summary
	err error
}

// NewJSONWriter returns a JSONWriter printing to w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriter(w)}
}

// Write sorts a batch of findings and prints them.
func (j *JSONWriter) Write(fs []fixers.Finding) error {
	Sort(fs)
	return j.write(fs)
}

// write prints findings in the order given.
func (j *JSONWriter) write(fs []fixers.Finding) error {
	for _, f := range fs {
		if j.err != nil {
			return j.err
		}
		if j.sum.Total == 0 {
			j.w.WriteString("{\n  \"version\": 1,\n  \"findings\": [\n")
		} else {
			j.w.WriteString(",\n")
		}
		j.sum.add(f)
		var b []byte
		if b, j.err = json.MarshalIndent(jsonFinding{Finding: f, Fingerprint: Fingerprint(f)}, "    ", "  "); j.err == nil {
			j.w.WriteString("    ")
			_, j.err = j.w.Write(b)
		}
	}
	return j.err
}

// Close prints the summary and ends the document.
func (j *JSONWriter) Close() error {
	if j.err != nil {
		return j.err
	}
	if j.sum.Total == 0 {
		j.w.WriteString("{\n  \"version\": 1,\n  \"findings\": [],\n")
	} else {
		j.w.WriteString("\n  ],\n")
	}
	b, err := json.MarshalIndent(j.sum, "  ", "  ")
	if err != nil {
		return err
	}
	j.w.WriteString("  \"summary\": ")
	j.w.Write(b)
	j.w.WriteString("\n}\n")
	return j.w.Flush()
}
