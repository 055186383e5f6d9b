// Package report renders findings: text for terminals, JSON for scripts,
// SARIF 2.1.0 for code-scanning tools and markdown for reviewers (and the
// PR bot's pull request body). Every format is deterministic: the same
// findings give the same bytes, with no timestamps and no paths but the
// ones the findings carry.
package report

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

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

// Text prints every finding (with its assumptions and why a fix was not
// written) and a summary line, as TextVerbose does.
func Text(w io.Writer, fs []fixers.Finding) error {
	t := NewTextWriter(w)
	if err := t.Write(fs); err != nil {
		return err
	}
	return t.Close()
}

// TextLevel is how much the text format prints.
type TextLevel int

const (
	// TextVerbose prints every finding (info and suppressed ones too), each
	// with its assumptions and why its fix was not written (oamfix -v).
	TextVerbose TextLevel = iota
	// TextDefault prints one line per finding that was fixed or is open at
	// low severity or above; info and suppressed findings are only counted.
	TextDefault
	// TextCounts prints no findings but a table of them per rule and
	// severity (oamfix --summary).
	TextCounts
	// TextQuiet prints no findings, only the summary line (oamfix --quiet).
	TextQuiet
)

// Run is what a run saw besides its findings: the summary line and the
// JSON summary report it.
type Run struct {
	// Files is the number of files read (standard input counts as one).
	Files int `json:"files"`
	// Applications is the number of Application documents checked.
	Applications int `json:"applications"`
	// Errors is the number of inputs that failed (unreadable, invalid,
	// a fix refused).
	Errors int `json:"errors"`
}

// TextWriter prints findings in the text format as they come, a batch
// (one file's findings, say) at a time, then a summary line on Close. It
// keeps only counts, so memory stays flat however many files a run has.
type TextWriter struct {
	w     io.Writer
	level TextLevel
	tally Tally
	run   *Run
	// config names the config of the batches being written and shown the
	// one last printed (see SetConfig); nil when not set.
	config, shown *string
	err           error
}

// NewTextWriter returns a TextWriter printing every finding (TextVerbose) to w.
func NewTextWriter(w io.Writer) *TextWriter {
	return NewTextWriterLevel(w, TextVerbose)
}

// NewTextWriterLevel returns a TextWriter printing to w as much as level says.
func NewTextWriterLevel(w io.Writer, level TextLevel) *TextWriter {
	return &TextWriter{w: w, level: level}
}

// SetConfig names the config file the next batches were checked with
// ("" for the built-in defaults). Before the next finding printed under
// another config than the last one shown, a line "using config FILE"
// says which. A run that uses one config does not call it.
func (t *TextWriter) SetConfig(path string) {
	t.config = &path
}

// SetRun gives Close the run's figures: the summary line then counts files,
// Applications and errors too, and is printed even when there are no
// findings.
func (t *TextWriter) SetRun(r Run) {
	t.run = &r
}

// Write sorts a batch of findings and prints those its level shows. After
// a write error it does nothing and Close returns that error.
func (t *TextWriter) Write(fs []fixers.Finding) error {
	Sort(fs)
	for _, f := range fs {
		if t.err != nil {
			return t.err
		}
		t.tally.Add(f)
		if !t.shows(f) {
			continue
		}
		if t.config != nil && (t.shown == nil || *t.shown != *t.config) {
			t.shown = t.config
			if *t.config == "" {
				_, t.err = fmt.Fprintln(t.w, "using the default config")
			} else {
				_, t.err = fmt.Fprintf(t.w, "using config %s\n", *t.config)
			}
		}
		status := ""
		switch f.Status {
		case fixers.Fixed:
			status = " [fixed]"
		case fixers.Suppressed:
			status = " [suppressed: " + f.SuppressedBy + "]"
		}
		if t.err == nil {
			_, t.err = fmt.Fprintf(t.w, "%s:%d:%d: %s [%s] %s%s\n", f.File, f.Line, f.Column, f.Severity, f.Rule, f.Message, status)
		}
		if t.level != TextVerbose {
			continue
		}
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

// shows reports whether the writer's level prints a line for f.
func (t *TextWriter) shows(f fixers.Finding) bool {
	switch t.level {
	case TextVerbose:
		return true
	case TextDefault:
		return f.Status == fixers.Fixed || f.Status == fixers.Open && f.Severity.AtLeast(fixers.Low)
	}
	return false
}

// unmetText says why a fix was not written and what to do.
func unmetText(u fixers.Unmet) string {
	if u.Remedy == "" {
		return u.Reason
	}
	return u.Reason + "; " + u.Remedy
}

// Close prints the table of TextCounts and the summary line: the run's
// (see SetRun), else "N findings: ..." when there were findings.
func (t *TextWriter) Close() error {
	if t.err != nil {
		return t.err
	}
	if t.level == TextCounts {
		if t.err = t.tally.table(t.w); t.err != nil {
			return t.err
		}
	}
	switch {
	case t.run != nil:
		_, t.err = fmt.Fprintln(t.w, t.tally.Line(*t.run))
	case t.tally.Total > 0:
		_, t.err = fmt.Fprintf(t.w, "%d findings: %d fixed, %d open, %d suppressed\n", t.tally.Total, t.tally.Fixed, t.tally.Open, t.tally.Suppressed)
	}
	return t.err
}

// Tally counts findings: by status, the open ones by severity, and per
// rule. The zero value is ready to use.
type Tally struct {
	// Total, Fixed, Open and Suppressed count findings by status.
	Total, Fixed, Open, Suppressed int
	// OpenBySeverity counts open findings by severity.
	OpenBySeverity map[fixers.Severity]int
	// Unwritten counts open findings whose fix was not written because a
	// precondition is unmet.
	Unwritten int
	// UnknownTypes counts the components no rule could check (the
	// unknown-type findings).
	UnknownTypes int
	// rules counts findings per rule: open per severity, fixed, suppressed.
	rules map[string]*ruleCount
}

// ruleCount is one row of the TextCounts table.
type ruleCount struct {
	open              map[fixers.Severity]int
	fixed, suppressed int
}

// Add counts findings.
func (t *Tally) Add(fs ...fixers.Finding) {
	if t.rules == nil {
		t.rules = map[string]*ruleCount{}
		t.OpenBySeverity = map[fixers.Severity]int{}
	}
	for _, f := range fs {
		rc := t.rules[f.Rule]
		if rc == nil {
			rc = &ruleCount{open: map[fixers.Severity]int{}}
			t.rules[f.Rule] = rc
		}
		t.Total++
		if f.Rule == fixers.UnknownType.ID {
			t.UnknownTypes++
		}
		switch f.Status {
		case fixers.Fixed:
			t.Fixed++
			rc.fixed++
		case fixers.Open:
			t.Open++
			t.OpenBySeverity[f.Severity]++
			rc.open[f.Severity]++
			if len(f.Unmet) > 0 {
				t.Unwritten++
			}
		case fixers.Suppressed:
			t.Suppressed++
			rc.suppressed++
		}
	}
}

// Line is the one-line summary of a run, e.g. "12 files read, 3
// Applications checked: 7 open (1 critical, 4 high, 2 info), 19 fixed, 0
// suppressed, 0 errors".
func (t *Tally) Line(r Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s read, %s checked: %d open", plural(r.Files, "file"), plural(r.Applications, "Application"), t.Open)
	var bySeverity []string
	for _, s := range fixers.Severities() {
		if n := t.OpenBySeverity[s]; n > 0 {
			bySeverity = append(bySeverity, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(bySeverity) > 0 {
		b.WriteString(" (" + strings.Join(bySeverity, ", ") + ")")
	}
	fmt.Fprintf(&b, ", %d fixed, %d suppressed, %s", t.Fixed, t.Suppressed, plural(r.Errors, "error"))
	if t.UnknownTypes > 0 {
		fmt.Fprintf(&b, "; %s of a type oamfix cannot classify (unknown-type)", plural(t.UnknownTypes, "component"))
	}
	return b.String()
}

// plural writes n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// table prints the findings per rule (in rule order, rules without
// findings left out): open ones per severity, fixed and suppressed.
func (t *Tally) table(w io.Writer) error {
	rules := append(fixers.All(), fixers.Validation)
	rank := func(id string) int {
		if i := slices.IndexFunc(rules, func(r *fixers.Rule) bool { return r.ID == id }); i >= 0 {
			return i
		}
		return len(rules) // rules oamfix does not know go last, by ID
	}
	ids := slices.SortedFunc(maps.Keys(t.rules), func(a, b string) int {
		return cmp.Or(rank(a)-rank(b), strings.Compare(a, b))
	})
	width := len("rule")
	for _, id := range ids {
		width = max(width, len(id))
	}
	cols := []string{"critical", "high", "medium", "low", "info", "fixed", "suppressed"}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-*s", width, "rule")
	for _, c := range cols {
		fmt.Fprintf(bw, "  %s", c)
	}
	bw.WriteString("\n")
	for _, id := range ids {
		rc := t.rules[id]
		fmt.Fprintf(bw, "%-*s", width, id)
		for i, c := range cols {
			n := 0
			switch {
			case i < len(fixers.Severities()):
				n = rc.open[fixers.Severity(c)]
			case c == "fixed":
				n = rc.fixed
			default:
				n = rc.suppressed
			}
			fmt.Fprintf(bw, "  %*d", len(c), n)
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}

// jsonFinding is a finding with its fingerprint, and the config it was
// found with when a run used more than one.
type jsonFinding struct {
	fixers.Finding
	Fingerprint string  `json:"fingerprint"`
	Config      *string `json:"config,omitempty"`
}

// summary is the JSON report's "summary": findings by status, and the
// run's figures when the writer has them.
type summary struct {
	Total      int `json:"total"`
	Fixed      int `json:"fixed"`
	Open       int `json:"open"`
	Suppressed int `json:"suppressed"`
	*Run
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
	w      *bufio.Writer
	sum    summary
	config *string
	err    error
}

// NewJSONWriter returns a JSONWriter printing to w.
func NewJSONWriter(w io.Writer) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriter(w)}
}

// SetConfig names the config file the next batches were checked with
// ("" for the built-in defaults): their findings carry it as "config". A
// run that uses one config does not call it.
func (j *JSONWriter) SetConfig(path string) {
	j.config = &path
}

// SetRun adds the run's figures (files, applications, errors) to the
// summary.
func (j *JSONWriter) SetRun(r Run) {
	j.sum.Run = &r
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
		if b, j.err = json.MarshalIndent(jsonFinding{Finding: f, Fingerprint: Fingerprint(f), Config: j.config}, "    ", "  "); j.err == nil {
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
