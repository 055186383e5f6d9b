package fixers

import (
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Rule is one check, declared once as data in the style of go/analysis:
// an ID, a doc whose first sentence is its summary, a severity, the review
// area it reports under, the commit subject of its fixes and a Run function
// that reports findings, each with an optional Fix. A rule never prints,
// never edits and never decides exit codes; the engine does.
type Rule struct {
	// ID is the stable rule identifier used in --rules, config and exemptions.
	ID string
	// Doc explains the rule; its first sentence is the summary.
	Doc string
	// Severity is the default severity of the rule's findings.
	Severity Severity
	// Area is the infrastructure review's section the rule reports under
	// (Scalability, Reliability, Security, Operations, Cost, Data).
	Area string
	// Commit is the subject of the PR bot's commit of the rule's fixes,
	// after "fix(oam): " (fixable rules only).
	Commit string
	// Fixable is false for check-only rules, whose findings are never fixed.
	Fixable bool
	// Run inspects one Application and reports through the pass.
	Run func(*Pass)
	// RunFile, when set, runs once per file over all its Applications,
	// after Run, for rules that reason across documents.
	RunFile func(*FilePass)
}

// Where locates a finding: the component and trait it is about (either may
// be nil) and the node whose line is reported.
type Where struct {
	Component *oam.Component
	Trait     *oam.Trait
	Node      *yaml.Node
}

// Reported is one finding as a rule reported it: where it is, what it
// says and the fix it proposes (nil for none).
type Reported struct {
	Where   Where
	Finding Finding
	Fix     *Fix
}

// Pass is one rule's run over one Application.
type Pass struct {
	Rule   *Rule
	App    *oam.App
	Config *config.Config
	// Mode is the rule's configured mode (fix or check). Rules report the
	// same findings in both; the engine decides whether fixes are written.
	Mode config.Mode
	// Model says what each component runs (see package workload).
	Model *workload.Model

	reported []Reported
}

// NewPass starts a rule's pass over an Application and its workload model.
func NewPass(r *Rule, app *oam.App, model *workload.Model, cfg *config.Config, mode config.Mode) *Pass {
	return &Pass{Rule: r, App: app, Model: model, Config: cfg, Mode: mode}
}

// Workload returns what a component of the pass's Application runs.
func (p *Pass) Workload(c *oam.Component) *workload.Facts { return p.Model.Of(c) }

// Report records a finding and the fix that would resolve it (nil when the
// rule cannot propose one). The engine applies exemptions and
// preconditions, and writes the fix when the rule is in fix mode.
func (p *Pass) Report(w Where, f Finding, fix *Fix) {
	p.reported = append(p.reported, Reported{Where: w, Finding: f, Fix: fix})
}

// Reported returns what the pass reported, in order.
func (p *Pass) Reported() []Reported { return p.reported }

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
