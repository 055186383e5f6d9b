// Package catalog is oamfix's definitions layer: what each KubeVela component
// type renders and what each trait does, read from the definitions' CUE.
//
// Builtin is the table for KubeVela's built-in definitions, generated from
// ../shared/definitions/kubevela/<version> by `go generate` and committed, so
// it needs no files at run time. Load reads the user's definitions
// (ComponentDefinition, TraitDefinition, PolicyDefinition and
// WorkflowStepDefinition objects as YAML, or .cue files in `vela def`
// format) and keeps their compiled CUE templates for package validate.
// Merge stacks catalogs, later ones shadowing earlier ones by kind and name,
// as a platform's definitions shadow KubeVela's.
package catalog

//go:generate go run ./gen -defs ../../shared/definitions/kubevela/v1.10.9 -out builtin_gen.go

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Kind is the kind of a definition, as written in the type field of a CUE
// definition file.
type Kind string

// The four kinds of definition an Application refers to.
const (
	KindComponent    Kind = "component"
	KindTrait        Kind = "trait"
	KindPolicy       Kind = "policy"
	KindWorkflowStep Kind = "workflow-step"
)

// kindOrder sorts kinds in the order an Application lists them.
var kindOrder = map[Kind]int{KindComponent: 0, KindTrait: 1, KindPolicy: 2, KindWorkflowStep: 3}

// GVK names a Kubernetes object type. APIVersion is empty when a template
// renders a kind whose version it takes from elsewhere.
type GVK struct{ APIVersion, Kind string }

// String formats the type as "apps/v1 Deployment"; "" for the zero GVK.
func (g GVK) String() string { return strings.TrimSpace(g.APIVersion + " " + g.Kind) }

// Definition is what every kind of definition has.
type Definition struct {
	Kind Kind
	// Name is the type an Application names (webservice, scaler, ...).
	Name string
	// Source says where the definition came from: "KubeVela v1.10.9
	// built-in", "oamfix defs: <name>", or a file path (with the line of
	// the object for YAML).
	Source string
	// Deprecated: the definition carries the label deprecated: "true"
	// (in YAML, custom.definition.oam.dev/deprecated).
	Deprecated bool
	// Template is the compiled CUE template; nil in the built-in table and
	// for definitions without a CUE schematic (Helm, kube).
	Template *Template
}

// ComponentType says what a component type renders.
type ComponentType struct {
	Definition
	// Workload is what the template renders as its main workload (output):
	// apps/v1 Deployment, batch/v1 CronJob, a Terraform Configuration, ...;
	// zero when the template renders whatever the properties hold
	// (k8s-objects, raw, ref-objects).
	Workload GVK
	// Autodetect: the definition's workload type is
	// autodetects.core.oam.dev, so KubeVela takes the workload type from the
	// rendered object.
	Autodetect bool
	// Containers is the path of the pod's containers list in the workload
	// (spec.template.spec.containers); "" when the template renders no pod.
	Containers string
	// Outputs are the other objects the template renders (outputs), some
	// only for some properties: webservice renders a v1 Service when a
	// port is exposed.
	Outputs []GVK
	// PortFields are the parameter paths that become container ports, in
	// template order: "port", "ports[].containerPort", "ports[].port".
	PortFields []string
	// ExposeField is the parameter flag that puts a port into a rendered
	// Service ("ports[].expose"); "" if none.
	ExposeField string
	// ReplicasField is the parameter written to the workload's
	// spec.replicas; "" if none.
	ReplicasField string
	// ProbeFields are the parameters rendered as container probes
	// (livenessProbe, readinessProbe, startupProbe).
	ProbeFields []string
	// EnvField is the parameter rendered as the container's env list.
	EnvField string
	// CPUField is the parameter rendered as resources.requests.cpu.
	CPUField string
}

// TraitType says what a trait does.
type TraitType struct {
	Definition
	// AppliesToWorkloads lists the workload types the trait is for
	// (deployments.apps, ...; "*" for any), from the definition's attributes.
	AppliesToWorkloads []string
	// Outputs are the objects the trait renders (outputs).
	Outputs []GVK
	// PatchesReplicas: the trait's patch sets the workload's spec.replicas.
	PatchesReplicas bool
	// ReplicasField is the parameter the patch writes to spec.replicas; ""
	// if none.
	ReplicasField string
	// PodDisruptive: adding or changing the trait restarts the pods.
	PodDisruptive bool
	// ConflictsWith lists the trait types the definition declares it
	// conflicts with.
	ConflictsWith []string
}

// key identifies a definition in a catalog.
type key struct {
	kind Kind
	name string
}

// Catalog is a set of definitions. It is read-only once built and safe
// for concurrent use; the values it returns must not be modified.
type Catalog struct {
	components map[string]*ComponentType
	traits     map[string]*TraitType
	// defs holds every definition, components' and traits' included.
	defs map[key]*Definition
}

func newCatalog() *Catalog {
	return &Catalog{components: map[string]*ComponentType{}, traits: map[string]*TraitType{}, defs: map[key]*Definition{}}
}

// addComponent adds or replaces a component type.
func (c *Catalog) addComponent(t *ComponentType) {
	c.components[t.Name] = t
	c.defs[key{KindComponent, t.Name}] = &t.Definition
}

// addTrait adds or replaces a trait type.
func (c *Catalog) addTrait(t *TraitType) {
	c.traits[t.Name] = t
	c.defs[key{KindTrait, t.Name}] = &t.Definition
}

// addOther adds or replaces a policy or workflow step definition.
func (c *Catalog) addOther(d *Definition) {
	c.defs[key{d.Kind, d.Name}] = d
}

var builtinCatalog = sync.OnceValue(builtin)

// Builtin returns the catalog of KubeVela's built-in definitions (the
// committed table in builtin_gen.go). It holds no CUE templates.
func Builtin() *Catalog { return builtinCatalog() }

// Merge returns a new catalog holding c's definitions and then others',
// later catalogs winning when two define the same kind and name. Nil
// catalogs are skipped.
func (c *Catalog) Merge(others ...*Catalog) *Catalog {
	out := newCatalog()
	for _, s := range append([]*Catalog{c}, others...) {
		if s == nil {
			continue
		}
		for k, d := range s.defs {
			switch k.kind {
			case KindComponent:
				out.addComponent(s.components[k.name])
			case KindTrait:
				out.addTrait(s.traits[k.name])
			default:
				out.defs[k] = d
			}
		}
	}
	return out
}

// typeName drops a version suffix: webservice@v1 is webservice.
func typeName(typ string) string {
	if i := strings.IndexByte(typ, '@'); i >= 0 {
		return typ[:i]
	}
	return typ
}

// Component finds a component type; a version suffix ("webservice@v1") is
// ignored.
func (c *Catalog) Component(typ string) (*ComponentType, bool) {
	if c == nil {
		return nil, false
	}
	t, ok := c.components[typeName(typ)]
	return t, ok
}

// Trait finds a trait type; a version suffix is ignored.
func (c *Catalog) Trait(typ string) (*TraitType, bool) {
	if c == nil {
		return nil, false
	}
	t, ok := c.traits[typeName(typ)]
	return t, ok
}

// Definition finds a definition of any kind; a version suffix is ignored.
func (c *Catalog) Definition(kind Kind, typ string) (*Definition, bool) {
	if c == nil {
		return nil, false
	}
	d, ok := c.defs[key{kind, typeName(typ)}]
	return d, ok
}

// Definitions lists every definition, by kind (components, traits,
// policies, workflow steps) and then name.
func (c *Catalog) Definitions() []*Definition {
	if c == nil {
		return nil
	}
	out := make([]*Definition, 0, len(c.defs))
	for _, d := range c.defs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *Definition) int {
		return cmp.Or(cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]), strings.Compare(a.Name, b.Name))
	})
	return out
}

// Components lists the component types by name.
func (c *Catalog) Components() []*ComponentType {
	if c == nil {
		return nil
	}
	out := make([]*ComponentType, 0, len(c.components))
	for _, t := range c.components {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *ComponentType) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Traits lists the trait types by name.
func (c *Catalog) Traits() []*TraitType {
	if c == nil {
		return nil
	}
	out := make([]*TraitType, 0, len(c.traits))
	for _, t := range c.traits {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *TraitType) int { return strings.Compare(a.Name, b.Name) })
	return out
}
