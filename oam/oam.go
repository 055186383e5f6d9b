// Package oam is the Application view every rule asks: components, traits,
// policies, workflow steps and environments, over the kyaml node tree, so
// that rules never walk raw YAML and edits land on the real nodes.
package oam

import (
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// SkipAnnotation on an Application lists rule IDs (comma-separated, or
// "all") that oamfix must not apply to it.
const SkipAnnotation = "oamfix.dev/skip"

// App is one OAM Application document.
type App struct {
	// Root is the document's top-level mapping.
	Root       *yaml.Node
	APIVersion string
	Name       string
	Namespace  string
	Components []*Component
	Policies   []*Policy
	// Workflow is nil when the Application has no spec.workflow.
	Workflow *Workflow
	// Skip maps rule IDs exempted by the oamfix.dev/skip annotation to the
	// exemption text.
	Skip map[string]string
	// Spec is the spec mapping (nil if absent).
	Spec *yaml.Node
	// AnchorFree, set by a caller that knows no node of the tree carries
	// an anchor (yamlnode.HasAnchors), lets AnchorOf answer at once.
	AnchorFree bool

	paths pathIndex
	// searches counts the PathOf calls answered by searching the tree
	// before the index is built.
	searches int
}

// Component is one entry of spec.components.
type Component struct {
	Index int
	Name  string
	Type  string
	// Node is the component's mapping.
	Node *yaml.Node
	// Properties is the properties mapping, or nil.
	Properties *yaml.Node
	Traits     []*Trait
	// Ignore maps rule IDs exempted by an "# oamfix:ignore" comment to the reason.
	Ignore map[string]string
}

// Trait is one entry of a component's traits (or of an override policy's).
type Trait struct {
	Index      int
	Type       string
	Node       *yaml.Node
	Properties *yaml.Node
	Ignore     map[string]string
}

// Policy is one entry of spec.policies.
type Policy struct {
	Index      int
	Name       string
	Type       string
	Node       *yaml.Node
	Properties *yaml.Node
}

// Workflow is spec.workflow.
type Workflow struct {
	Node *yaml.Node
	// Ref names an external Workflow object; its steps are not visible here.
	Ref   string
	Steps []*Step
	// StepsNode is the steps sequence, or nil.
	StepsNode *yaml.Node
}

// Step is one workflow step.
type Step struct {
	Index      int
	Name       string
	Type       string
	Node       *yaml.Node
	Properties *yaml.Node
}

// IsApplication reports whether a document root is a core.oam.dev Application.
func IsApplication(root *yaml.Node) bool {
	root = Unwrap(root)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	return Str(Get(root, "kind")) == "Application" && strings.HasPrefix(Str(Get(root, "apiVersion")), "core.oam.dev/")
}

// Unwrap returns the content of a document node.
func Unwrap(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return n.Content[0]
	}
	return n
}

// Load builds the view of an Application document.
func Load(root *yaml.Node) *App {
	root = Unwrap(root)
	app := &App{Root: root, Skip: map[string]string{}}
	app.APIVersion = Str(Get(root, "apiVersion"))
	meta := Get(root, "metadata")
	app.Name = Str(Get(meta, "name"))
	app.Namespace = Str(Get(meta, "namespace"))
	if skip := Str(Get(Get(meta, "annotations"), SkipAnnotation)); skip != "" {
		for _, id := range splitList(skip) {
			app.Skip[id] = "annotation " + SkipAnnotation + ": " + skip
		}
	}
	app.Spec = Get(root, "spec")
	for i, c := range Items(Get(app.Spec, "components")) {
		if c.Kind != yaml.MappingNode {
			continue
		}
		comp := &Component{Index: i, Node: c, Name: Str(Get(c, "name")), Type: Str(Get(c, "type")),
			Properties: mapping(Get(c, "properties")), Ignore: ignores(c)}
		comp.Traits = loadTraits(Get(c, "traits"))
		app.Components = append(app.Components, comp)
	}
	for i, p := range Items(Get(app.Spec, "policies")) {
		if p.Kind != yaml.MappingNode {
			continue
		}
		app.Policies = append(app.Policies, &Policy{Index: i, Node: p, Name: Str(Get(p, "name")),
			Type: Str(Get(p, "type")), Properties: mapping(Get(p, "properties"))})
	}
	if wf := Get(app.Spec, "workflow"); wf != nil && wf.Kind == yaml.MappingNode {
		app.Workflow = &Workflow{Node: wf, Ref: Str(Get(wf, "ref"))}
		if steps := Get(wf, "steps"); steps != nil && steps.Kind == yaml.SequenceNode {
			app.Workflow.StepsNode = steps
			for i, s := range steps.Content {
				if s.Kind != yaml.MappingNode {
					continue
				}
				app.Workflow.Steps = append(app.Workflow.Steps, &Step{Index: i, Node: s, Name: Str(Get(s, "name")),
					Type: Str(Get(s, "type")), Properties: mapping(Get(s, "properties"))})
			}
		}
	}
	return app
}

// loadTraits reads a traits sequence.
func loadTraits(seq *yaml.Node) []*Trait {
	var out []*Trait
	for i, t := range Items(seq) {
		if t.Kind != yaml.MappingNode {
			continue
		}
		out = append(out, &Trait{Index: i, Node: t, Type: Str(Get(t, "type")),
			Properties: mapping(Get(t, "properties")), Ignore: ignores(t)})
	}
	return out
}

// Trait returns the component's first trait of one of the given types.
func (c *Component) Trait(types ...string) *Trait {
	for _, t := range c.Traits {
		for _, ty := range types {
			if t.Type == ty {
				return t
			}
		}
	}
	return nil
}

// BaseType is the component type without a "@vN" version suffix.
func (c *Component) BaseType() string {
	t, _, _ := strings.Cut(c.Type, "@")
	return t
}

// Policy returns the policy with the given name.
func (a *App) Policy(name string) *Policy {
	for _, p := range a.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// PoliciesOfType returns the policies of one type, in order.
func (a *App) PoliciesOfType(typ string) []*Policy {
	var out []*Policy
	for _, p := range a.Policies {
		if p.Type == typ {
			out = append(out, p)
		}
	}
	return out
}

// OverrideComponent is one entry of an override policy's components list.
type OverrideComponent struct {
	Policy     *Policy
	Index      int
	Node       *yaml.Node
	Name       string
	Type       string
	Properties *yaml.Node
	Traits     []*Trait
}

// Overrides returns the component entries of an override policy.
func (p *Policy) Overrides() []*OverrideComponent {
	var out []*OverrideComponent
	for i, c := range Items(Get(p.Properties, "components")) {
		if c.Kind != yaml.MappingNode {
			continue
		}
		out = append(out, &OverrideComponent{Policy: p, Index: i, Node: c, Name: Str(Get(c, "name")),
			Type: Str(Get(c, "type")), Properties: mapping(Get(c, "properties")), Traits: loadTraits(Get(c, "traits"))})
	}
	return out
}

// Matches reports whether an override entry applies to a component: its
// name is a regular expression ("*" or empty matches all) and its type,
// when set, must equal the component's.
func (o *OverrideComponent) Matches(c *Component) bool {
	if o.Type != "" && o.Type != c.Type {
		return false
	}
	if o.Name == "" || o.Name == "*" {
		return true
	}
	re, err := regexp.Compile("^(?:" + o.Name + ")$")
	if err != nil {
		return o.Name == c.Name
	}
	return re.MatchString(c.Name)
}

// ignoreComment matches "# oamfix:ignore probes,cors -- reason".
var ignoreComment = regexp.MustCompile(`oamfix:ignore\s+([A-Za-z0-9_,\-\s*]+?)(?:\s+--\s*(.*?))?\s*$`)

// ignores reads "# oamfix:ignore" comments attached to an item: its head
// comment, or the comments on its scalar keys and values.
func ignores(item *yaml.Node) map[string]string {
	out := map[string]string{}
	scan := func(c string) {
		if !strings.Contains(c, "oamfix:ignore") {
			return
		}
		for _, line := range strings.Split(c, "\n") {
			m := ignoreComment.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			reason := strings.TrimSpace(m[2])
			if reason == "" {
				reason = "no reason given"
			}
			for _, id := range splitList(m[1]) {
				out[id] = "comment oamfix:ignore (" + reason + ")"
			}
		}
	}
	scan(item.HeadComment)
	scan(item.LineComment)
	for _, n := range item.Content {
		if n.Kind == yaml.ScalarNode {
			scan(n.HeadComment)
			scan(n.LineComment)
		}
	}
	return out
}

// splitList splits "a, b,c" into trimmed, non-empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Exempt reports whether rule is exempted for the component (and trait, if
// given), and by what. "all" and "*" exempt every rule.
func (a *App) Exempt(rule string, c *Component, t *Trait) (string, bool) {
	for _, set := range []map[string]string{a.Skip, compIgnore(c), traitIgnore(t)} {
		for _, id := range []string{rule, "all", "*"} {
			if why, ok := set[id]; ok {
				return why, true
			}
		}
	}
	return "", false
}

func compIgnore(c *Component) map[string]string {
	if c == nil {
		return nil
	}
	return c.Ignore
}

func traitIgnore(t *Trait) map[string]string {
	if t == nil {
		return nil
	}
	return t.Ignore
}

// mapping returns n (or the node an alias n points at) if it is a
// mapping, else nil.
func mapping(n *yaml.Node) *yaml.Node {
	n = deref(n)
	if n != nil && n.Kind == yaml.MappingNode {
		return n
	}
	return nil
}
