// Package engine runs the rules over files: read, fix, project, verify. It
// is the one data flow the CLI, the KRM function and the PR bot share:
// kio.Read → fixers.Run → kio.Project (with verification) → diff/write.
package engine

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/validate"
)

// Result is what running the rules over one file produced.
type Result struct {
	Path     string
	Findings []fixers.Finding
	// Before and After are the file's bytes; After equals Before when
	// nothing changed (or nothing was fixed).
	Before, After []byte
	// File is the parsed input, nil when reading failed.
	File *kio.File
}

// Changed reports whether the run produced new bytes for the file.
func (r *Result) Changed() bool { return string(r.Before) != string(r.After) }

// Options say which rules run and how.
type Options struct {
	Config *config.Config
	Rules  []*fixers.Rule
	// CheckOnly runs every rule in check mode: findings, no edits.
	CheckOnly bool
	// Definitions, when set, validates every Application after fixing:
	// structurally and against these component/trait definitions. A
	// problem the fixes introduced refuses the file; problems the
	// Application already had are reported as findings of rule "validate".
	Definitions *validate.Definitions
}

// ValidateRule is the rule ID of validation findings.
const ValidateRule = "validate"

// Process runs the rules over every Application document of a parsed file
// and projects the fixes onto its original bytes. Documents that are not
// Applications are never re-serialized. An error (a refused projection, a
// rule failure) means the file must not be written.
func Process(f *kio.File, opts Options) (*Result, error) {
	res := &Result{Path: f.Path, Before: f.Orig, After: f.Orig, File: f}
	var apps []fixers.FileDoc
	var untouched []*kio.Document
	for _, d := range f.Docs {
		if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
			continue
		}
		if !opts.CheckOnly {
			d.Snapshot()
		}
		loc := fixers.Location{File: f.Path, Document: d.Index, Line: d.Line}
		var before []validate.Problem
		if opts.Definitions != nil {
			before = validate.Validate(d.Node, f.Path, opts.Definitions)
		}
		findings, changed, err := fixers.Run(d.Node.YNode(), loc, opts.Config, opts.Rules, opts.CheckOnly)
		if err != nil {
			return res, err
		}
		if !changed {
			untouched = append(untouched, d)
		}
		res.Findings = append(res.Findings, findings...)
		if opts.Definitions != nil {
			vf, err := validated(d, f.Path, before, opts.Definitions)
			if err != nil {
				return res, err
			}
			res.Findings = append(res.Findings, vf...)
		}
		apps = append(apps, fixers.FileDoc{Root: d.Node.YNode(), Loc: loc})
	}
	findings, fileChanged, err := fixers.RunFile(apps, opts.Config, opts.Rules, opts.CheckOnly, f.AddDocument)
	if err != nil {
		return res, fmt.Errorf("%s: %w", f.Path, err)
	}
	res.Findings = append(res.Findings, findings...)
	if opts.CheckOnly {
		return res, nil
	}
	if !fileChanged {
		// Documents no fix touched keep their bytes without being rendered.
		for _, d := range untouched {
			d.Forget()
		}
	}
	out, err := kio.Project(f)
	if err != nil {
		return res, err
	}
	res.After = out
	return res, nil
}

// validated checks a fixed Application. A problem that was not there
// before the fixes is an oamfix bug: it refuses the file. The others are
// returned as findings.
func validated(d *kio.Document, path string, before []validate.Problem, defs *validate.Definitions) ([]fixers.Finding, error) {
	had := map[string]bool{}
	for _, p := range before {
		had[p.Field+"\x00"+p.Message] = true
	}
	meta, _ := d.Node.GetMeta()
	var out []fixers.Finding
	for _, p := range validate.Validate(d.Node, path, defs) {
		if p.Severity == validate.Error && !had[p.Field+"\x00"+p.Message] {
			return nil, fmt.Errorf("%s:%d: the fixes would make the Application invalid: %s (please report this oamfix bug)", path, d.Line(p.Line), p.Message)
		}
		sev := fixers.High
		if p.Severity != validate.Error {
			sev = fixers.Info
		}
		out = append(out, fixers.Finding{
			Rule: ValidateRule, Severity: sev, Status: fixers.Open, Message: p.Message,
			Path: p.Field, File: path, Line: d.Line(p.Line), Document: d.Index, Component: p.Component,
			Resource:    fixers.ResourceRef{APIVersion: meta.APIVersion, Kind: meta.Kind, Name: meta.Name, Namespace: meta.Namespace},
			Remediation: "fix the field so the Application matches its definitions",
		})
	}
	return out, nil
}
