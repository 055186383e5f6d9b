package engine

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/memo"
	"github.com/oamfix/oamfix/internal/yamlnode"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/validate"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Doc is one Application document handed to Run.
type Doc struct {
	// Node is the document (or its top-level mapping); fixes edit it in place.
	Node *yaml.Node
	// File is the path findings carry ("" when there is none, as under kustomize).
	File string
	// Index is the document's position in its file (or the item's in a
	// ResourceList); findings carry it as Document.
	Index int
	// Line converts a node line (1-based within the document) to a file
	// line; nil when node lines are file lines.
	Line func(int) int
	// Touch, when set, is called with every existing node a fix is about
	// to change in place (kio.Document.Touch), so that the change can be
	// spliced into the original text; nil when nothing records edits.
	Touch func(*yaml.Node)
}

// Added is a document a fix adds: Root goes after Docs[After].
type Added struct {
	After int
	Root  *yaml.Node
}

// Outcome is what Run made of a group of documents.
type Outcome struct {
	Findings []fixers.Finding
	// Changed says, per document, whether a fix edited it.
	Changed []bool
	// Added lists new documents, in the order they were added.
	Added []Added
}

// Run is the one driver of the rules: the CLI, the KRM function and the
// PR bot all come here. It runs the rules over the Application documents
// of one file (or of one KRM package path), in rule order, each rule
// seeing the edits of those before it, then the file-level rules. For
// each finding a rule reports it applies exemptions, the rule's mode and
// the fix's preconditions, and writes the fix when all allow it; the
// finding's paths and proposed value come from the fix's edits. With
// Definitions set it validates every Application before and after, and
// refuses (returns an error for) fixes that make one invalid.
func Run(docs []Doc, opts Options) (out *Outcome, err error) {
	defer func() {
		// A rule is code over untrusted input: turn a bug into an error
		// naming the file instead of crashing a whole run.
		if r := recover(); r != nil {
			file := ""
			if len(docs) > 0 {
				file = docs[0].File
			}
			err = fmt.Errorf("%s: internal error in a rule: %v", file, r)
		}
	}()
	out = &Outcome{Changed: make([]bool, len(docs))}
	if opts.Catalog == nil {
		opts.Catalog = DefaultCatalog()
	}
	apps := make([]*oam.App, len(docs))
	models := make([]*workload.Model, len(docs))
	builder := workload.NewBuilder(opts.Config, opts.Catalog)
	// Fixes never add anchors: a document without any stays without.
	anchorFree := make([]bool, len(docs))
	load := func(i int) *oam.App {
		app := oam.Load(docs[i].Node)
		app.AnchorFree = anchorFree[i]
		return app
	}
	for i, d := range docs {
		var before []validate.Problem
		if opts.Definitions != nil {
			before = validate.Validate(yaml.NewRNode(d.Node), d.File, opts.Definitions)
		}
		anchorFree[i] = !yamlnode.HasAnchors(d.Node)
		app := load(i)
		if opts.Definitions == nil {
			// Validation reports these itself; without it, say so anyway:
			// oamfix reads and edits nothing in them.
			out.Findings = append(out.Findings, shapeFindings(app, d)...)
		}
		out.Findings = append(out.Findings, exemptionFindings(app, d)...)
		model := builder.Build(app)
		for _, r := range opts.Rules {
			mode, ok := ruleMode(opts, r)
			if !ok || r.Run == nil {
				continue
			}
			p := fixers.NewPass(r, app, model, opts.Config, mode)
			r.Run(p)
			changed := false
			var undo []func()
			first := len(out.Findings)
			for _, rep := range p.Reported() {
				f, fixed := settle(r, mode, opts.Config, app, d, rep, out.adder(docs), &undo)
				out.Findings = append(out.Findings, f)
				changed = changed || fixed
			}
			if changed && opts.Definitions != nil {
				if rejected := newProblems(d, before, opts.Definitions); len(rejected) > 0 {
					// The definitions refuse what this rule wrote: undo it,
					// keep the other rules' fixes, and say which rule and
					// what to change.
					for i := len(undo) - 1; i >= 0; i-- {
						undo[i]()
					}
					reopenRejected(out.Findings[first:], p.Reported(), r, rejected[0])
					changed = false
				}
			}
			if changed {
				out.Changed[i] = true
				app = load(i) // the next rule sees this rule's edits
				model = builder.Build(app)
			}
		}
		apps[i], models[i] = app, model
		if opts.Definitions != nil {
			vf, err := validated(d, before, opts.Definitions)
			if err != nil {
				return out, err
			}
			out.Findings = append(out.Findings, vf...)
		}
	}
	if len(docs) == 0 {
		return out, nil
	}
	for _, r := range opts.Rules {
		mode, ok := ruleMode(opts, r)
		if !ok || r.RunFile == nil {
			continue
		}
		fp := &fixers.FilePass{Rule: r, Config: opts.Config, Mode: mode}
		for i := range docs {
			fp.Apps = append(fp.Apps, &fixers.FileApp{App: apps[i], Model: models[i], Index: i})
		}
		r.RunFile(fp)
		for _, rep := range fp.Reported() {
			i := rep.App.Index
			f, fixed := settle(r, mode, opts.Config, rep.App.App, docs[i], rep.Reported, out.adder(docs), nil)
			out.Findings = append(out.Findings, f)
			if fixed {
				out.Changed[i] = true
				// The next file rule sees this one's edits.
				apps[i] = load(i)
				models[i] = builder.Build(apps[i])
			}
		}
	}
	return out, nil
}

// DefaultCatalog is KubeVela's built-in definitions and oamfix's own
// traits: what the workload model knows without --definitions.
var DefaultCatalog = sync.OnceValue(func() *catalog.Catalog { return catalog.Builtin().Merge(catalog.Oamfix()) })

// adder records the documents fixes add, after the document whose root
// they name.
func (out *Outcome) adder(docs []Doc) func(after, root *yaml.Node) {
	return func(after, root *yaml.Node) {
		for i, d := range docs {
			if oam.Unwrap(d.Node) == after {
				out.Added = append(out.Added, Added{After: i, Root: root})
				return
			}
		}
		panic("a fix adds a document after one that is not in its file")
	}
}

// ruleMode is the mode a rule runs in, and false when it is off.
func ruleMode(opts Options, r *fixers.Rule) (config.Mode, bool) {
	mode := opts.Config.Mode(r.ID)
	if mode == config.ModeOff {
		return mode, false
	}
	if opts.CheckOnly {
		mode = config.ModeCheck
	}
	return mode, true
}

// settle turns what a rule reported into a finding: it fills in the rule,
// severity (spec.rules.<id>.severity wins), file, line, resource and paths, and decides the status. A
// fix is written only for a fixable rule in fix mode, with no exemption
// and every precondition met; fixed says whether it was.
func settle(r *fixers.Rule, mode config.Mode, cfg *config.Config, app *oam.App, d Doc, rep fixers.Reported, addDocument func(after, root *yaml.Node), undo *[]func()) (f fixers.Finding, fixed bool) {
	f = rep.Finding
	w := rep.Where
	f.Rule = r.ID
	if f.Severity == "" {
		f.Severity = r.Severity
	}
	if s := cfg.SeverityOf(r.ID); s != "" {
		f.Severity = fixers.Severity(s)
	}
	f.File = d.File
	f.Document = d.Index
	f.Resource = fixers.ResourceRef{APIVersion: app.APIVersion, Kind: "Application", Name: app.Name, Namespace: app.Namespace}
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
		node = app.Root
	}
	if node != nil && node.Line > 0 {
		f.Line, f.Column = node.Line, node.Column
		if d.Line != nil {
			f.Line = d.Line(node.Line)
		}
	}
	if rep.Fix != nil && len(rep.Fix.Edits) > 0 {
		describeEdit(app, rep.Fix.Edits[0], &f)
	}
	if f.Path == "" {
		if p, ok := app.PathOf(node); ok {
			f.Path, f.FieldPath = p.Named, p.Indexed
		}
	}
	if rep.Fix != nil {
		f.Action = rep.Fix.Action
	}
	f.Status = fixers.Open
	if why, ok := app.Exempt(r.ID, w.Component, w.Trait); ok {
		f.Status = fixers.Suppressed
		f.SuppressedBy = why
		f.Message = message(f.Message, rep.Fix, false)
		return f, false
	}
	if rep.Fix == nil || !r.Fixable {
		f.Message = message(f.Message, rep.Fix, false)
		return f, false
	}
	for _, u := range rep.Fix.Unmet() {
		f.Unmet = append(f.Unmet, fixers.Unmet{Precondition: u.Name, Reason: u.Reason, Remedy: u.Remedy})
	}
	for _, e := range rep.Fix.Edits {
		if what := malformedTarget(e); what != "" {
			f.Unmet = append(f.Unmet, fixers.Unmet{Precondition: "well-formed-target",
				Reason: what + ", so oamfix cannot add to it",
				Remedy: "write it as a list (or a mapping where the Application CRD wants one), then run oamfix again"})
			break
		}
		if anchor := sharedTarget(app, e); anchor != "" {
			f.Unmet = append(f.Unmet, fixers.Unmet{Precondition: "unshared-target",
				Reason: fmt.Sprintf("the fix would change the anchored node &%s, and with it every alias (*%s) that shares it", anchor, anchor),
				Remedy: "make the change by hand where the anchor is defined, or exempt the finding"})
			break
		}
	}
	if len(f.Unmet) > 0 || mode != config.ModeFix {
		f.Message = message(f.Message, rep.Fix, false)
		return f, false
	}
	for _, e := range rep.Fix.Edits {
		if undo != nil {
			*undo = append(*undo, e.Capture())
		}
		if d.Touch != nil {
			for _, n := range e.Targets() {
				d.Touch(n)
			}
		}
		e.Apply(addDocument)
	}
	f.Status = fixers.Fixed
	f.Message = message(f.Message, rep.Fix, true)
	return f, true
}

// message joins what a rule found and what its fix does: "problem;
// adding X" when the fix was written, "problem; fix: add X" when not.
func message(problem string, fix *fixers.Fix, done bool) string {
	if fix == nil || fix.Action == "" {
		return problem
	}
	action := "fix: " + fix.Action
	if done {
		action = fix.Done()
	}
	if problem == "" {
		return action
	}
	return problem + "; " + action
}

// shapeFindings reports the lists of an Application that are not lists
// (components, policies, workflow steps, a component's traits): oamfix
// reads nothing in them and never edits them.
func shapeFindings(app *oam.App, d Doc) []fixers.Finding {
	var out []fixers.Finding
	check := func(n *yaml.Node, path, component string) {
		for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n == nil || n.Kind == yaml.SequenceNode || n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		f := finding(app, d, fixers.Validation, n, component,
			fmt.Sprintf("%s is %s, not a list: KubeVela rejects it, and oamfix neither reads nor edits it", path, kindName(n)),
			"write it as a list of items (- ...)")
		f.Path, f.FieldPath = path, ""
		out = append(out, f)
	}
	seen := map[string]*oam.Component{}
	for _, c := range app.Components {
		if first, ok := seen[c.Name]; ok && c.Name != "" {
			f := finding(app, d, fixers.Validation, c.Node, c.Name,
				fmt.Sprintf("component name %q is used twice (first at line %d): KubeVela rejects duplicate names", c.Name, lineOf(d, first.Node)),
				"give each component a name of its own")
			out = append(out, f)
			continue
		}
		seen[c.Name] = c
	}
	check(oam.Get(app.Spec, "components"), "spec.components", "")
	check(oam.Get(app.Spec, "policies"), "spec.policies", "")
	check(oam.Get(oam.Get(app.Spec, "workflow"), "steps"), "spec.workflow.steps", "")
	for _, c := range app.Components {
		p, _ := app.PathOf(c.Node)
		check(oam.Get(c.Node, "traits"), p.Named+".traits", c.Name)
	}
	return out
}

// exemptionFindings reports exemptions that name no rule oamfix has.
func exemptionFindings(app *oam.App, d Doc) []fixers.Finding {
	var out []fixers.Finding
	check := func(ids map[string]string, n *yaml.Node, component string) {
		var names []string
		for id := range ids {
			if id != "all" && id != "*" && fixers.Lookup(id) == nil {
				names = append(names, id)
			}
		}
		sort.Strings(names)
		for _, id := range names {
			out = append(out, finding(app, d, fixers.Exemption, n, component,
				fmt.Sprintf("the exemption names %q, which is no oamfix rule, so it exempts nothing (%s)", id, ids[id]),
				"use a rule ID ("+strings.Join(fixers.IDs(), ", ")+") or all"))
		}
	}
	check(app.Skip, oam.Get(oam.Get(app.Root, "metadata"), "annotations"), "")
	for _, c := range app.Components {
		check(c.Ignore, c.Node, c.Name)
		for _, t := range c.Traits {
			check(t.Ignore, t.Node, c.Name)
		}
	}
	return out
}

// finding builds an engine finding about a node of an Application.
func finding(app *oam.App, d Doc, r *fixers.Rule, n *yaml.Node, component, msg, remedy string) fixers.Finding {
	f := fixers.Finding{
		Rule: r.ID, Severity: r.Severity, Status: fixers.Open, Message: msg, Remediation: remedy,
		File: d.File, Document: d.Index, Component: component,
		Resource: fixers.ResourceRef{APIVersion: app.APIVersion, Kind: "Application", Name: app.Name, Namespace: app.Namespace},
	}
	if n != nil {
		f.Line, f.Column = lineOf(d, n), n.Column
		if p, ok := app.PathOf(n); ok {
			f.Path, f.FieldPath = p.Named, p.Indexed
		}
	}
	return f
}

// lineOf is a node's line in the file.
func lineOf(d Doc, n *yaml.Node) int {
	if d.Line != nil {
		return d.Line(n.Line)
	}
	return n.Line
}

// malformedTarget says why an edit cannot land where it points: a list
// to append to that is a mapping or a scalar (traits: {}), or a mapping on
// the way that is not one. "" when the target is well formed (or absent:
// the edit creates it).
func malformedTarget(e fixers.Edit) string {
	n := e.At
	keys := e.Keys
	switch e.Op {
	case fixers.OpSet:
		keys = keys[:len(keys)-1]
	case fixers.OpAppend:
	default:
		return ""
	}
	for i, k := range keys {
		next := oam.Get(n, k)
		if next == nil || next.Kind == yaml.ScalarNode && next.Tag == "!!null" {
			return ""
		}
		for next.Kind == yaml.AliasNode && next.Alias != nil {
			next = next.Alias
		}
		last := e.Op == fixers.OpAppend && i == len(keys)-1
		switch {
		case last && next.Kind != yaml.SequenceNode:
			return fmt.Sprintf("%s is %s, not a list", k, kindName(next))
		case !last && next.Kind != yaml.MappingNode:
			return fmt.Sprintf("%s is %s, not a mapping", k, kindName(next))
		}
		n = next
	}
	return ""
}

// kindName names a node's kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a scalar"
}

// sharedTarget returns the anchor enclosing a node the edit would change
// (the edited node itself or a mapping it adds to, reached through a merge
// key or not), or "" when the edit changes only nodes of their own.
func sharedTarget(app *oam.App, e fixers.Edit) string {
	if a := app.AnchorOf(e.At); a != "" {
		return a
	}
	keys := e.Keys
	if e.Op == fixers.OpSet {
		keys = keys[:len(keys)-1]
	}
	if e.Op != fixers.OpSet && e.Op != fixers.OpAppend {
		return ""
	}
	n := e.At
	for _, k := range keys {
		if n = oam.Get(n, k); n == nil {
			return ""
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			return n.Alias.Anchor
		}
		if a := app.AnchorOf(n); a != "" {
			return a
		}
	}
	return ""
}

// describeEdit fills a finding's paths, current and proposed value from
// the edit that resolves it, before the edit is made.
func describeEdit(app *oam.App, e fixers.Edit, f *fixers.Finding) {
	at, ok := app.PathOf(e.At)
	switch e.Op {
	case fixers.OpSetScalar:
		setIfEmpty(&f.CurrentValue, e.At.Value)
		f.ProposedValue = e.Value.Value
	case fixers.OpSet:
		for _, k := range e.Keys {
			at = at.Child(k)
		}
		cur := e.At
		for _, k := range e.Keys {
			cur = oam.Get(cur, k)
		}
		if cur != nil {
			setIfEmpty(&f.CurrentValue, text(cur))
		}
		f.ProposedValue = text(e.Value)
	case fixers.OpAppend:
		seq := e.At
		for _, k := range e.Keys {
			at = at.Child(k)
			seq = oam.Get(seq, k)
		}
		f.Path, f.FieldPath = at.Named, at.Indexed+fmt.Sprintf("[%d]", len(oam.Items(seq)))
		f.ProposedValue = text(e.Items...)
		return
	case fixers.OpInsertBefore, fixers.OpInsertAfter:
		i := len(e.At.Content)
		for j, it := range e.At.Content {
			if it == e.Sibling {
				i = j
				if e.Op == fixers.OpInsertAfter {
					i++
				}
			}
		}
		f.Path, f.FieldPath = at.Named, at.Indexed+fmt.Sprintf("[%d]", i)
		f.ProposedValue = text(e.Items...)
		return
	case fixers.OpReplaceItems:
		setIfEmpty(&f.CurrentValue, text(e.At))
		f.ProposedValue = text(oam.Seq(e.Items...))
	case fixers.OpAddDocument:
		meta := oam.Get(e.Value, "metadata")
		f.ProposedValue = oam.Str(oam.Get(meta, "name"))
		if ns := oam.Str(oam.Get(meta, "namespace")); ns != "" {
			f.ProposedValue += " (namespace " + ns + ")"
		}
		return
	}
	if ok {
		f.Path, f.FieldPath = at.Named, at.Indexed
	}
}

// text renders nodes for a finding: a scalar's value, a collection on one
// line (several items as one flow list).
func text(ns ...*yaml.Node) string {
	if len(ns) == 1 && ns[0].Kind == yaml.ScalarNode {
		return ns[0].Value
	}
	buf := memo.Buffers.Get().(*[]byte)
	defer memo.Buffers.Put(buf)
	key := (*buf)[:0]
	for _, n := range ns {
		key = appendShape(key, n)
	}
	*buf = key
	if t, ok := flowTexts.Get(key); ok {
		return t
	}
	var t string
	if len(ns) == 1 {
		t = oam.FlowText(ns[0])
	} else {
		t = oam.FlowText(oam.Seq(ns...))
	}
	flowTexts.Put(key, t)
	return t
}

// flowTexts memoizes text by the shape of the nodes (16,384 of them):
// fixes propose the same values over and over (the same trait for every
// component), and rendering them was most of what describing a finding
// cost.
var flowTexts = memo.New[string](1 << 14)

// appendShape appends what FlowText reads of n (aliases resolved): kind
// and style (uvarints), tag, value and content, length-prefixed.
func appendShape(b []byte, n *yaml.Node) []byte {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	b = binary.AppendUvarint(b, uint64(n.Kind))
	b = binary.AppendUvarint(b, uint64(n.Style&^yaml.FlowStyle))
	b = binary.AppendUvarint(b, uint64(len(n.Tag)))
	b = append(b, n.Tag...)
	b = binary.AppendUvarint(b, uint64(len(n.Value)))
	b = append(b, n.Value...)
	b = binary.AppendUvarint(b, uint64(len(n.Content)))
	for _, c := range n.Content {
		b = appendShape(b, c)
	}
	return b
}

func setIfEmpty(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// newProblems validates a document and returns the errors that were not
// there before the fixes.
func newProblems(d Doc, before []validate.Problem, defs *validate.Definitions) []validate.Problem {
	had := map[string]bool{}
	for _, p := range before {
		had[p.Field+"\x00"+p.Message] = true
	}
	var out []validate.Problem
	for _, p := range validate.Validate(yaml.NewRNode(d.Node), d.File, defs) {
		if p.Severity == validate.Error && !had[p.Field+"\x00"+p.Message] {
			out = append(out, p)
		}
	}
	return out
}

// reopenRejected turns a rule's fixed findings back into open ones whose
// fix the definitions refused, naming the problem and what to change.
func reopenRejected(fs []fixers.Finding, reported []fixers.Reported, r *fixers.Rule, p validate.Problem) {
	for i := range fs {
		if fs[i].Status != fixers.Fixed {
			continue
		}
		fs[i].Status = fixers.Open
		fs[i].Message = message(reported[i].Finding.Message, reported[i].Fix, false)
		fs[i].Unmet = append(fs[i].Unmet, fixers.Unmet{
			Precondition: "definition-accepts",
			Reason:       fmt.Sprintf("the definitions refuse what rule %s writes (%s), so none of its fixes in this Application were written", r.ID, p.Message),
			Remedy:       fmt.Sprintf("pass the platform's definitions (--definitions) or set its vocabulary so oamfix writes what they accept, or set spec.rules.%s.mode: check", r.ID),
		})
	}
}

// validated checks a fixed Application. A problem that was not there
// before the fixes is an oamfix bug: it refuses the file. The others are
// returned as findings.
func validated(d Doc, before []validate.Problem, defs *validate.Definitions) ([]fixers.Finding, error) {
	had := map[string]bool{}
	for _, p := range before {
		had[p.Field+"\x00"+p.Message] = true
	}
	line := func(l int) int {
		if d.Line != nil {
			return d.Line(l)
		}
		return l
	}
	rn := yaml.NewRNode(d.Node)
	meta, _ := rn.GetMeta()
	var out []fixers.Finding
	for _, p := range validate.Validate(rn, d.File, defs) {
		if p.Severity == validate.Error && !had[p.Field+"\x00"+p.Message] {
			return nil, fmt.Errorf("%s:%d: the fixes would make the Application invalid: %s (please report this oamfix bug)", d.File, line(p.Line), p.Message)
		}
		sev := fixers.High
		if p.Severity != validate.Error {
			sev = fixers.Info
		}
		out = append(out, fixers.Finding{
			Rule: ValidateRule, Severity: sev, Status: fixers.Open, Message: p.Message,
			Path: p.Field, File: d.File, Line: line(p.Line), Document: d.Index, Component: p.Component,
			Resource:    fixers.ResourceRef{APIVersion: meta.APIVersion, Kind: meta.Kind, Name: meta.Name, Namespace: meta.Namespace},
			Remediation: "fix the field so the Application matches its definitions",
		})
	}
	return out, nil
}
