// Package defs holds the TraitDefinitions oamfix ships for the traits its
// fixers add but KubeVela lacks: circuit-breaker (an Istio DestinationRule)
// and network-policy (a Kubernetes NetworkPolicy). They are written in
// KubeVela's CUE definition format (the files `vela def apply` takes) and
// embedded into the binary; YAML renders them as installable
// TraitDefinition objects.
package defs

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:embed circuit-breaker.cue network-policy.cue
var files embed.FS

// Namespace is where YAML installs the definitions: KubeVela resolves
// definitions in vela-system for applications of every namespace.
const Namespace = "vela-system"

// Definition is one trait definition parsed from its CUE file.
type Definition struct {
	// Name is the trait type, as written in an Application's traits[].type.
	Name string
	// Description is the definition's description (the
	// definition.oam.dev/description annotation).
	Description string
	// AppliesToWorkloads lists the workload types the trait is meant for.
	AppliesToWorkloads []string
	// PodDisruptive tells whether adding or changing the trait restarts pods.
	PodDisruptive bool
	// Template is the body of the file's template field, the text KubeVela
	// stores in spec.schematic.cue.template.
	Template string
}

var load = sync.OnceValues(func() ([]Definition, error) {
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []Definition
	for _, e := range entries {
		src, err := files.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		d, err := parse(e.Name(), src)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
})

// All returns the embedded definitions sorted by name.
func All() []Definition {
	ds, err := load()
	if err != nil {
		// The files are embedded and covered by tests.
		panic("defs: " + err.Error())
	}
	out := make([]Definition, len(ds))
	for i, d := range ds {
		d.AppliesToWorkloads = append([]string(nil), d.AppliesToWorkloads...)
		out[i] = d
	}
	return out
}

// Templates maps each trait type to its CUE template text (the body of
// the template field, as stored in spec.schematic.cue.template).
func Templates() map[string]string {
	m := map[string]string{}
	for _, d := range All() {
		m[d.Name] = d.Template
	}
	return m
}

// parse reads a KubeVela CUE definition file: one field naming the
// definition and holding its metadata, and a template field.
func parse(filename string, src []byte) (Definition, error) {
	f, err := parser.ParseFile(filename, src, parser.ParseComments)
	if err != nil {
		return Definition{}, err
	}
	var d Definition
	var meta ast.Expr
	for _, decl := range f.Decls {
		field, ok := decl.(*ast.Field)
		if !ok {
			return Definition{}, fmt.Errorf("%s: unexpected declaration %T", filename, decl)
		}
		name, _, err := ast.LabelName(field.Label)
		if err != nil {
			return Definition{}, fmt.Errorf("%s: %v", filename, err)
		}
		if name == "template" {
			body, ok := field.Value.(*ast.StructLit)
			if !ok {
				return Definition{}, fmt.Errorf("%s: template is not a struct", filename)
			}
			text, err := format.Node(&ast.File{Decls: body.Elts})
			if err != nil {
				return Definition{}, fmt.Errorf("%s: %v", filename, err)
			}
			d.Template = string(text)
			continue
		}
		d.Name, meta = name, field.Value
	}
	if d.Name == "" || d.Template == "" || meta == nil {
		return Definition{}, fmt.Errorf("%s: want a definition field and a template field", filename)
	}
	v := cuecontext.New().BuildExpr(meta)
	var m struct {
		Type        string `json:"type"`
		Description string `json:"description"`
		Attributes  struct {
			PodDisruptive      bool     `json:"podDisruptive"`
			AppliesToWorkloads []string `json:"appliesToWorkloads"`
		} `json:"attributes"`
	}
	if err := v.Decode(&m); err != nil {
		return Definition{}, fmt.Errorf("%s: %v", filename, err)
	}
	if m.Type != "trait" {
		return Definition{}, fmt.Errorf("%s: type %q, want trait", filename, m.Type)
	}
	d.Description = m.Description
	d.PodDisruptive = m.Attributes.PodDisruptive
	d.AppliesToWorkloads = m.Attributes.AppliesToWorkloads
	return d, nil
}

// YAML returns the definitions as core.oam.dev/v1beta1 TraitDefinition
// documents separated by "---", the objects `vela def apply` creates from
// the CUE files. `oamfix defs` prints it; the output is deterministic.
func YAML() []byte {
	var b strings.Builder
	for i, d := range All() {
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(d.object().MustString())
	}
	return []byte(b.String())
}

// object builds the TraitDefinition for d.
func (d Definition) object() *yaml.RNode {
	str := func(s string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
		if strings.Contains(s, "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n
	}
	mapping := func(kv ...any) *yaml.Node {
		n := &yaml.Node{Kind: yaml.MappingNode}
		for i := 0; i < len(kv); i += 2 {
			v, ok := kv[i+1].(*yaml.Node)
			if !ok {
				v = str(kv[i+1].(string))
			}
			n.Content = append(n.Content, str(kv[i].(string)), v)
		}
		return n
	}
	workloads := &yaml.Node{Kind: yaml.SequenceNode}
	for _, w := range d.AppliesToWorkloads {
		workloads.Content = append(workloads.Content, str(w))
	}
	disruptive := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(d.PodDisruptive)}
	return yaml.NewRNode(mapping(
		"apiVersion", "core.oam.dev/v1beta1",
		"kind", "TraitDefinition",
		"metadata", mapping(
			"annotations", mapping("definition.oam.dev/description", d.Description),
			"name", d.Name,
			"namespace", Namespace,
		),
		"spec", mapping(
			"appliesToWorkloads", workloads,
			"podDisruptive", disruptive,
			"schematic", mapping("cue", mapping("template", d.Template)),
		),
	))
}
