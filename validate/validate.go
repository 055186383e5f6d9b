// Package validate checks KubeVela Application manifests offline, in two
// layers:
//
//  1. Structure, as the Application CRD (core.oam.dev/v1beta1, KubeVela
//     v1.10.9) defines it: required fields, types and unknown fields of the
//     envelope, plus what KubeVela's webhook and controller need beyond the
//     CRD (metadata.name, policy and step names, unique component names,
//     step names unique across steps and sub-steps, deploy steps naming
//     existing policies).
//  2. Properties, against the CUE parameter schema of each component's,
//     trait's, policy's and workflow step's definition. KubeVela leaves a
//     struct parameter open, so unknown properties are silently ignored
//     there; here the parameter is closed and they are errors.
//
// Types without a definition in the given set are reported as info notes.
package validate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Severities of a Problem.
const (
	// Error: KubeVela or the API server would reject the field, or ignore it silently.
	Error = "error"
	// Info: something could not be checked, such as a type without a definition.
	Info = "info"
)

// Problem is one finding about an Application.
type Problem struct {
	// File and Line locate the field (Line is 1-based; for a missing field,
	// the line of the object that lacks it).
	File string
	Line int
	// Component is the component's name when the problem is inside a
	// component, and Trait the trait's type when inside a trait.
	Component string
	Trait     string
	// Field is the path from the document root in the user's words:
	// list items by name (components, policies, steps) or type (traits),
	// e.g. spec.components[api].traits[circuit-breaker].properties.failureThreshold.
	Field string
	// Message names the component (if any) and the field relative to it,
	// e.g. api: traits[circuit-breaker].properties.failureThreshold: conflicting values "five" and int.
	Message string
	// Severity is Error or Info.
	Severity string
}

// String formats the problem as file:line: severity: message.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Severity, p.Message)
}

// Validate checks an Application document; file names it in the problems.
// defs may be nil, which skips the properties layer.
func Validate(app *yaml.RNode, file string, defs *Definitions) []Problem {
	c := &checker{file: file, defs: defs}
	var root *yaml.Node
	if app != nil {
		root = deref(app.YNode())
	}
	switch {
	case root == nil || root.Kind != yaml.MappingNode:
		line := 0
		if root != nil {
			line = root.Line
		}
		c.report(Error, place{}, line, "an Application must be a YAML mapping")
		return c.out
	case stringField(root, "kind") != "Application":
		c.report(Error, place{path: "kind"}, root.Line, fmt.Sprintf("want Application, got %q", stringField(root, "kind")))
		return c.out
	}
	if av := stringField(root, "apiVersion"); av != "core.oam.dev/v1beta1" {
		c.report(Error, place{path: "apiVersion"}, lineOf(lookup(root, "apiVersion"), root),
			fmt.Sprintf("got %q: the Application CRD serves only core.oam.dev/v1beta1", av))
	}
	c.walk(application, root, place{})
	c.checkNames(root)
	sort.SliceStable(c.out, func(i, j int) bool { return c.out[i].Line < c.out[j].Line })
	return c.out
}

// place is where a check is in the document.
type place struct {
	path      string // Problem.Field
	component string // name of the enclosing component, if any
	compPath  string // path of that component
	trait     string // type of the enclosing trait, if any
}

// child is the place of field name below pl.
func (pl place) child(name string) place {
	if pl.path == "" {
		pl.path = name
	} else {
		pl.path += "." + name
	}
	return pl
}

// item is the place of a list item below pl.
func (pl place) item(label string) place {
	pl.path += "[" + label + "]"
	return pl
}

// checker collects the problems of one document.
type checker struct {
	file string
	defs *Definitions
	out  []Problem
}

// report adds a problem at pl, prefixing msg with the component and the
// path relative to it (or the whole path outside components).
func (c *checker) report(severity string, pl place, line int, msg string) {
	p := Problem{File: c.file, Line: line, Component: pl.component, Trait: pl.trait, Field: pl.path, Severity: severity}
	switch rel := strings.TrimPrefix(strings.TrimPrefix(pl.path, pl.compPath), "."); {
	case pl.path == "":
		p.Message = msg
	case pl.component == "":
		p.Message = pl.path + ": " + msg
	case rel == "":
		p.Message = pl.component + ": " + msg
	default:
		p.Message = pl.component + ": " + rel + ": " + msg
	}
	c.out = append(c.out, p)
}

// lineOf is the line of a mapping entry's key, or of the mapping when the
// entry is absent.
func lineOf(p pair, parent *yaml.Node) int {
	if p.key != nil {
		return p.key.Line
	}
	return parent.Line
}

// walk checks y against the structural schema s.
func (c *checker) walk(s *node, y *yaml.Node, pl place) {
	if isNull(y) {
		return
	}
	y = deref(y)
	switch s.typ {
	case "object":
		if y.Kind != yaml.MappingNode {
			c.report(Error, pl, y.Line, "must be an object, not "+describe(y))
			return
		}
		have := map[string]bool{}
		for _, p := range pairs(y) {
			key := p.key.Value
			have[key] = !isNull(p.value)
			if child, ok := s.props[key]; ok {
				c.walk(child, p.value, pl.child(key))
			} else if !s.open {
				c.report(Error, pl.child(key), p.key.Line,
					"unknown field: not in the Application CRD (the API server drops it; kubectl --validate=strict rejects it)")
			}
		}
		for _, r := range s.required {
			if !have[r] {
				c.report(Error, pl.child(r), y.Line, "required field missing")
			}
		}
		for _, r := range s.alsoRequired {
			if !have[r] {
				c.report(Error, pl.child(r), y.Line, "required field missing: "+s.why)
			}
		}
		if s.role != "" {
			c.checkProperties(s.role, y, pl)
		}
	case "array":
		if y.Kind != yaml.SequenceNode {
			c.report(Error, pl, y.Line, "must be a list, not "+describe(y))
			return
		}
		for i, e := range y.Content {
			c.walk(s.items, e, enter(s.items, e, pl, i))
		}
	case "string":
		if y.Kind != yaml.ScalarNode || y.ShortTag() != yaml.NodeTagString {
			c.report(Error, pl, y.Line, "must be a string, not "+describe(y))
		}
	}
}

// enter returns the place of list item e, number i, of a list whose items
// have schema s (see itemLabel); components and traits also set the context.
func enter(s *node, e *yaml.Node, pl place, i int) place {
	pl = pl.item(itemLabel(e, i, s.role == kindTrait))
	switch s.role {
	case kindComponent:
		pl.component, pl.compPath, pl.trait = stringField(e, "name"), pl.path, ""
	case kindTrait:
		pl.trait = stringField(e, "type")
	}
	return pl
}

// itemLabel labels list item i: a trait by its type, anything else by its
// name; either falls back to the index.
func itemLabel(e *yaml.Node, i int, trait bool) string {
	key := "name"
	if trait {
		key = "type"
	}
	if l := stringField(e, key); l != "" {
		return l
	}
	return strconv.Itoa(i)
}

// kindNames names definition kinds in messages.
var kindNames = map[string]string{
	kindComponent: "component",
	kindTrait:     "trait",
	kindPolicy:    "policy",
	kindStep:      "workflow step",
}

// checkProperties checks the properties of a component, trait, policy or
// workflow step against its definition.
func (c *checker) checkProperties(kind string, y *yaml.Node, pl place) {
	typ := stringField(y, "type")
	if typ == "" || c.defs == nil {
		return
	}
	def := c.defs.lookup(kind, typ)
	if def == nil {
		c.report(Info, pl.child("type"), lineOf(lookup(y, "type"), y),
			fmt.Sprintf("%s type %q has no definition here; its properties are not checked", kindNames[kind], typ))
		return
	}
	props := lookup(y, "properties")
	if !isNull(props.value) && deref(props.value).Kind != yaml.MappingNode {
		return // reported by walk
	}
	for _, is := range def.check(props.value) {
		field, line, found := locate(props, y, is.path)
		msg := is.msg
		if !found && strings.HasPrefix(msg, "incomplete value") {
			msg = "required field missing (" + msg + ")"
		}
		c.report(Error, pl.child("properties"+field), line, msg)
	}
}

// locate follows a CUE error path into the properties mapping p (an entry
// of parent). It returns the path in the user's words (".a[0].b"), the
// line of the deepest entry found and whether the whole path exists.
func locate(p pair, parent *yaml.Node, path []string) (string, int, bool) {
	var b strings.Builder
	line := lineOf(p, parent)
	cur := p.value
	found := p.key != nil
	for _, seg := range path {
		seg = unquote(seg)
		n := deref(cur)
		switch {
		case found && n != nil && n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(seg)
			b.WriteString("[" + seg + "]")
			if err != nil || i < 0 || i >= len(n.Content) {
				found = false
				continue
			}
			cur = n.Content[i]
			line = deref(cur).Line
		case found && n != nil && n.Kind == yaml.MappingNode:
			b.WriteString(label(seg))
			e := lookup(n, seg)
			if e.key == nil {
				found = false
				continue
			}
			cur, line = e.value, e.key.Line
		default:
			found = false
			if _, err := strconv.Atoi(seg); err == nil {
				b.WriteString("[" + seg + "]")
			} else {
				b.WriteString(label(seg))
			}
		}
	}
	return b.String(), line, found
}

// label renders a field name in a path: .name, or ["a.b/c"] when it is not
// an identifier.
func label(s string) string {
	for i, r := range s {
		if !(r == '_' || r == '-' && i > 0 || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' && i > 0) {
			return "[" + strconv.Quote(s) + "]"
		}
	}
	if s == "" {
		return `[""]`
	}
	return "." + s
}

// checkNames checks what KubeVela's webhook checks across list items:
// component names are unique, step names are unique across steps and
// sub-steps, and deploy steps name existing policies.
func (c *checker) checkNames(root *yaml.Node) {
	spec := lookup(root, "spec").value
	seen := map[string]int{}
	for _, comp := range items(lookup(spec, "components").value) {
		name := lookup(comp, "name")
		if n := stringField(comp, "name"); n != "" {
			pl := place{path: "spec.components[" + n + "]", component: n}
			pl.compPath = pl.path
			if first, dup := seen[n]; dup {
				c.report(Error, pl.child("name"), name.key.Line, fmt.Sprintf("duplicate component name (first at line %d)", first))
			} else {
				seen[n] = name.key.Line
			}
		}
	}

	policies := map[string]bool{}
	for _, p := range items(lookup(spec, "policies").value) {
		policies[stringField(p, "name")] = true
	}
	steps := map[string]int{}
	var visit func(step *yaml.Node, pl place)
	visit = func(step *yaml.Node, pl place) {
		if n := stringField(step, "name"); n != "" {
			line := lookup(step, "name").key.Line
			if first, dup := steps[n]; dup {
				c.report(Error, pl.child("name"), line,
					fmt.Sprintf("duplicate step name: steps and sub-steps share one namespace (first at line %d)", first))
			} else {
				steps[n] = line
			}
		}
		c.checkPolicyRefs(step, pl, policies)
	}
	stepsPl := place{path: "spec.workflow.steps"}
	for i, step := range items(lookup(lookup(spec, "workflow").value, "steps").value) {
		pl := stepsPl.item(itemLabel(step, i, false))
		visit(step, pl)
		for j, sub := range items(lookup(step, "subSteps").value) {
			visit(sub, pl.child("subSteps").item(itemLabel(sub, j, false)))
		}
	}
}

// checkPolicyRefs checks that a deploy step's policies (or a deploy2env
// step's policy) exist in spec.policies.
func (c *checker) checkPolicyRefs(step *yaml.Node, pl place, policies map[string]bool) {
	typ := stringField(step, "type")
	if i := strings.IndexByte(typ, '@'); i >= 0 {
		typ = typ[:i]
	}
	props := lookup(step, "properties").value
	pl = pl.child("properties")
	switch typ {
	case "deploy":
		for i, p := range items(lookup(props, "policies").value) {
			if p.Kind == yaml.ScalarNode && p.ShortTag() == yaml.NodeTagString && !policies[p.Value] {
				c.report(Error, pl.child("policies").item(strconv.Itoa(i)), p.Line,
					fmt.Sprintf("no policy named %q in spec.policies", p.Value))
			}
		}
	case "deploy2env":
		e := lookup(props, "policy")
		if v := stringField(props, "policy"); v != "" && !policies[v] {
			c.report(Error, pl.child("policy"), e.key.Line, fmt.Sprintf("no policy named %q in spec.policies", v))
		}
	}
}

// items returns a sequence's elements, dereferenced; nil for anything else.
func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		out[i] = deref(e)
	}
	return out
}
