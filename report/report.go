// Package report renders findings: text for terminals, JSON for scripts
// (and, later, SARIF and markdown). Every format is deterministic.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/oamfix/oamfix/fixers"
)

// Formats lists the output formats Write knows.
func Formats() []string { return []string{"text", "json"} }

// Known reports whether format is one of Formats.
func Known(format string) bool {
	for _, f := range Formats() {
		if f == format {
			return true
		}
	}
	return false
}

// Write prints findings in the chosen format (see Formats).
func Write(w io.Writer, format string, fs []fixers.Finding) error {
	Sort(fs)
	switch format {
	case "json":
		return JSON(w, fs)
	default:
		return Text(w, fs)
	}
}

// Sort orders findings by file, line, rule and message, so output
// is deterministic.
func Sort(fs []fixers.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Document != b.Document {
			return a.Document < b.Document
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// Text prints one line per finding (with its assumptions) and a summary line.
func Text(w io.Writer, fs []fixers.Finding) error {
	counts := map[fixers.Status]int{}
	for _, f := range fs {
		counts[f.Status]++
		status := ""
		switch f.Status {
		case fixers.Fixed:
			status = " [fixed]"
		case fixers.Suppressed:
			status = " [suppressed: " + f.SuppressedBy + "]"
		}
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s [%s] %s%s\n", f.File, f.Line, f.Column, f.Severity, f.Rule, f.Message, status); err != nil {
			return err
		}
		for _, a := range f.Assumptions {
			fmt.Fprintf(w, "    assumption: %s\n", a)
		}
	}
	if len(fs) > 0 {
		_, err := fmt.Fprintf(w, "%d findings: %d fixed, %d open, %d suppressed\n", len(fs), counts[fixers.Fixed], counts[fixers.Open], counts[fixers.Suppressed])
		return err
	}
	return nil
}

// jsonReport is the documented, stable JSON output (schema version 1).
type jsonReport struct {
	Version  int              `json:"version"`
	Findings []fixers.Finding `json:"findings"`
	Summary  jsonSummary      `json:"summary"`
}

type jsonSummary struct {
	Total      int `json:"total"`
	Fixed      int `json:"fixed"`
	Open       int `json:"open"`
	Suppressed int `json:"suppressed"`
}

// JSON prints the documented JSON report (schema version 1).
func JSON(w io.Writer, fs []fixers.Finding) error {
	rep := jsonReport{Version: 1, Findings: fs}
	if rep.Findings == nil {
		rep.Findings = []fixers.Finding{}
	}
	for _, f := range fs {
		rep.Summary.Total++
		switch f.Status {
		case fixers.Fixed:
			rep.Summary.Fixed++
		case fixers.Open:
			rep.Summary.Open++
		case fixers.Suppressed:
			rep.Summary.Suppressed++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
