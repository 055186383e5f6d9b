package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FileApp is one Application document of a file, as a file-level rule sees it.
type FileApp struct {
	App *oam.App
	Loc Location
}

// FilePass is one rule's run over all Applications of one file, for rules
// that reason across documents (one Application per environment, say).
type FilePass struct {
	Rule   *Rule
	Config *config.Config
	Mode   config.Mode
	Apps   []*FileApp

	addDocument func(after int, root *yaml.Node)
	findings    []Finding
	changed     bool
}

// Report records a finding about one of the file's Applications; see Pass.Report.
func (fp *FilePass) Report(app *FileApp, w Where, f Finding, fix Fix) {
	p := &Pass{Rule: fp.Rule, App: app.App, Config: fp.Config, Mode: fp.Mode, loc: app.Loc}
	p.Report(w, f, fix)
	fp.findings = append(fp.findings, p.findings...)
	fp.changed = fp.changed || p.changed
}

// AddDocument writes a new document right after the given Application's
// document. Call it only from a Fix.
func (fp *FilePass) AddDocument(after *FileApp, root *yaml.Node) {
	fp.addDocument(after.Loc.Document, root)
}

// FileDoc is one Application document handed to RunFile.
type FileDoc struct {
	Root *yaml.Node
	Loc  Location
}

// RunFile runs the file-level part of the rules (Rule.RunFile) over all
// Application documents of a file; addDocument inserts a new document
// after the document with the given index.
func RunFile(docs []FileDoc, cfg *config.Config, rules []*Rule, checkOnly bool, addDocument func(after int, root *yaml.Node)) (findings []Finding, changed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in a file-level rule: %v", r)
		}
	}()
	for _, r := range rules {
		mode := cfg.Mode(r.ID)
		if r.RunFile == nil || mode == config.ModeOff || len(docs) == 0 {
			continue
		}
		if checkOnly {
			mode = config.ModeCheck
		}
		fp := &FilePass{Rule: r, Config: cfg, Mode: mode, addDocument: addDocument}
		for _, d := range docs {
			fp.Apps = append(fp.Apps, &FileApp{App: oam.Load(d.Root), Loc: d.Loc})
		}
		r.RunFile(fp)
		findings = append(findings, fp.findings...)
		changed = changed || fp.changed
	}
	return findings, changed, nil
}
