// Package engine runs the rules over files: read, fix, project, verify. It
// is the one data flow the CLI, the KRM function and the PR bot share:
// kio.Read → fixers.Run → kio.Project (with verification) → diff/write.
package engine

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/fixers/oam"
	"github.com/oamfix/oamfix/kio"
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
}

// Process runs the rules over every Application document of a parsed file
// and projects the fixes onto its original bytes. Documents that are not
// Applications are never re-serialized. An error (a refused projection, a
// rule failure) means the file must not be written.
func Process(f *kio.File, opts Options) (*Result, error) {
	res := &Result{Path: f.Path, Before: f.Orig, After: f.Orig, File: f}
	var apps []fixers.FileDoc
	for _, d := range f.Docs {
		if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
			continue
		}
		d.Snapshot()
		loc := fixers.Location{File: f.Path, Document: d.Index, Line: d.Line}
		findings, _, err := fixers.Run(d.Node.YNode(), loc, opts.Config, opts.Rules, opts.CheckOnly)
		if err != nil {
			return res, err
		}
		res.Findings = append(res.Findings, findings...)
		apps = append(apps, fixers.FileDoc{Root: d.Node.YNode(), Loc: loc})
	}
	findings, _, err := fixers.RunFile(apps, opts.Config, opts.Rules, opts.CheckOnly, f.AddDocument)
	if err != nil {
		return res, fmt.Errorf("%s: %w", f.Path, err)
	}
	res.Findings = append(res.Findings, findings...)
	if opts.CheckOnly {
		return res, nil
	}
	out, err := kio.Project(f)
	if err != nil {
		return res, err
	}
	res.After = out
	return res, nil
}
