package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Rule is one check, declared as data in the style of go/analysis: an ID,
// a doc whose first sentence is its summary, a severity and a Run function
// that reports findings (each with an optional fix). A rule never prints,
// never touches files and never decides exit codes; the driver does.
type Rule struct {
	// ID is the stable rule identifier used in --rules, config and exemptions.
	ID string
	// Doc explains the rule; its first sentence is the summary.
	Doc string
	// Severity is the default severity of the rule's findings.
	Severity Severity
	// Fixable is false for check-only rules, whose findings are never fixed.
	Fixable bool
	// Run inspects one Application and reports through the pass.
	Run func(*Pass)
	// RunFile, when set, runs once per file over all its Applications,
	// after Run, for rules that reason across documents.
	RunFile func(*FilePass)
}

// Fix edits the Application's nodes in place to resolve one finding.
type Fix func()

// Where locates a finding: the component and trait it is about (either may
// be nil) and the node whose line is reported.
type Where struct {
	Component *oam.Component
	Trait     *oam.Trait
	Node      *yaml.Node
}

// Pass is one rule's run over one Application.
type Pass struct {
	Rule   *Rule
	App    *oam.App
	Config *config.Config
	// Mode is the rule's configured mode (fix or check).
	Mode config.Mode

	loc      Location
	findings []Finding
	changed  bool
}

// Location says which document of which file a pass runs on.
type Location struct {
	File string
	// Document is the document's index in its file.
	Document int
	// Line converts a node line (1-based within the document) to a file line.
	Line func(int) int
}

// Report records a finding. When fix is non-nil, the rule is in fix mode
// and no exemption applies, the fix is applied at once and the finding is
// reported as fixed; otherwise it stays open (or suppressed).
func (p *Pass) Report(w Where, f Finding, fix Fix) {
	f.Rule = p.Rule.ID
	if f.Severity == "" {
		f.Severity = p.Rule.Severity
	}
	f.File = p.loc.File
	f.Document = p.loc.Document
	f.Resource = ResourceRef{APIVersion: p.App.APIVersion, Kind: "Application", Name: p.App.Name, Namespace: p.App.Namespace}
	if w.Component != nil {
		f.Component = w.Component.Name
	}
	node := w.Node
	if node == nil && w.Trait != nil {
		node = w.Trait.Node
	}
	if node == nil && w.Component != nil {
		node = w.Component.Node
	}
	if node == nil {
		node = p.App.Root
	}
	if node != nil && node.Line > 0 && p.loc.Line != nil {
		f.Line, f.Column = p.loc.Line(node.Line), node.Column
	}
	f.Status = Open
	if why, ok := p.App.Exempt(p.Rule.ID, w.Component, w.Trait); ok {
		f.Status = Suppressed
		f.SuppressedBy = why
	} else if fix != nil && p.Mode == config.ModeFix && p.Rule.Fixable {
		fix()
		f.Status = Fixed
		p.changed = true
	}
	p.findings = append(p.findings, f)
}

// Exempt reports whether the rule is exempted for a component (and trait).
func (p *Pass) Exempt(c *oam.Component, t *oam.Trait) bool {
	_, ok := p.App.Exempt(p.Rule.ID, c, t)
	return ok
}

// Summary is the first sentence of a rule's doc.
func (r *Rule) Summary() string {
	for i := 0; i+1 < len(r.Doc); i++ {
		if r.Doc[i] == '.' && (r.Doc[i+1] == ' ' || r.Doc[i+1] == '\n') {
			return r.Doc[:i+1]
		}
	}
	return r.Doc
}

// Run applies rules to one Application document (root is its document or
// mapping node), in order, each seeing the edits of those before it.
// Rules whose mode is off are skipped; checkOnly runs every rule in check
// mode. It returns every finding and whether any fix edited the tree.
func Run(root *yaml.Node, loc Location, cfg *config.Config, rules []*Rule, checkOnly bool) (findings []Finding, changed bool, err error) {
	defer func() {
		// A rule is code over untrusted input: turn a bug into an error
		// naming the file instead of crashing a whole run.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: document %d: internal error in rule: %v", loc.File, loc.Document, r)
		}
	}()
	app := oam.Load(root)
	for _, r := range rules {
		mode := cfg.Mode(r.ID)
		if mode == config.ModeOff || r.Run == nil {
			continue
		}
		if checkOnly {
			mode = config.ModeCheck
		}
		p := &Pass{Rule: r, App: app, Config: cfg, Mode: mode, loc: loc}
		r.Run(p)
		findings = append(findings, p.findings...)
		if p.changed {
			changed = true
			app = oam.Load(root) // the next rule sees this rule's edits
		}
	}
	return findings, changed, nil
}
