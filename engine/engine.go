// Package engine is the one driver of the rules, shared by the CLI, the
// KRM function and the PR bot: documents in, findings and edits out (Run),
// and for files, the fixes projected onto the original bytes (Process):
// kio.Parse → engine.Run (rules report, the engine applies fixes) →
// kio.Project (with verification) → diff/write.
package engine

import (
	"github.com/oamfix/oamfix/catalog"
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
	// Catalog is the definitions the workload model reads (KubeVela's
	// built-ins merged with the user's); nil means DefaultCatalog.
	Catalog *catalog.Catalog
	// Definitions, when set, validates every Application after fixing:
	// structurally and against these component/trait definitions. A
	// problem the fixes introduced refuses the file; problems the
	// Application already had are reported as findings of rule "validate".
	Definitions *validate.Definitions
}

// UseDefinitions reads the definitions in dirs (the config's
// spec.definitions and --definitions) into opts: the workload model reads
// them on top of KubeVela's built-ins, and with validateApps (or any
// folder given) every Application is validated against them and oamfix's
// own traits. It is the one place the CLI, the KRM function and the PR bot
// load definitions.
func (o *Options) UseDefinitions(dirs []string, validateApps bool) error {
	o.Catalog = DefaultCatalog()
	if len(dirs) == 0 {
		if validateApps {
			o.Definitions = validate.Embedded()
		}
		return nil
	}
	user, err := catalog.Load(dirs...)
	if err != nil {
		return err
	}
	o.Catalog = o.Catalog.Merge(user)
	defs, err := validate.FromCatalog(catalog.Oamfix().Merge(user))
	if err != nil {
		return err
	}
	o.Definitions = defs
	return nil
}

// ValidateRule is the rule ID of validation findings.
var ValidateRule = fixers.Validation.ID

// Process runs the rules over every Application document of a parsed file
// and projects the fixes onto its original bytes. Documents that are not
// Applications are never re-serialized. An error (a refused projection, a
// rule failure) means the file must not be written.
func Process(f *kio.File, opts Options) (*Result, error) {
	res := &Result{Path: f.Path, Before: f.Orig, After: f.Orig, File: f}
	var docs []Doc
	var kdocs []*kio.Document
	for _, d := range f.Docs {
		if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
			continue
		}
		doc := Doc{Node: d.Node.YNode(), File: f.Path, Index: d.Index, Line: d.Line}
		if !opts.CheckOnly {
			d.RecordEdits()
			doc.Touch = d.Touch
		}
		docs = append(docs, doc)
		kdocs = append(kdocs, d)
	}
	out, err := Run(docs, opts)
	if out != nil {
		res.Findings = out.Findings
	}
	if err != nil {
		return res, err
	}
	if opts.CheckOnly {
		return res, nil
	}
	for _, a := range out.Added {
		f.AddDocument(kdocs[a.After].Index, a.Root)
	}
	// Documents no fix touched keep their bytes without being rendered.
	for i, d := range kdocs {
		if !out.Changed[i] {
			d.Forget()
		}
	}
	projected, err := kio.Project(f)
	if err != nil {
		return res, err
	}
	res.After = projected
	return res, nil
}
