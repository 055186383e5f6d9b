// Package workload says what every component of an Application runs: its
// kind (service, worker, job, daemon, data store, cloud resource,
// reference), the Kubernetes object it renders, its ports and which of
// them a Service exposes, who reaches it from outside the app, what owns
// its replica count, the override and env-binding patches that reach it
// per environment, and the evidence for each of these facts. The engine
// builds the model once per Application (and again after a rule changed
// the tree); rules ask it instead of matching type names themselves.
//
// Sources, in order: the vocabulary the config file sets; the component's
// definition (the user's --definitions, then KubeVela's built-ins, from
// package catalog); the objects a k8s-objects or raw component embeds; the
// chart of a helm component; oamfix's built-in vocabulary of common
// platform and addon types; and last the component's shape (an image and
// a port make a service), reported as an assumption.
package workload

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Kind is what a component runs.
type Kind string

// Kinds of component.
const (
	// Unknown: nothing says what the component runs.
	Unknown Kind = "unknown"
	// Service: pods serving HTTP or TCP.
	Service Kind = "service"
	// Worker: pods that serve no traffic.
	Worker Kind = "worker"
	// Job: pods that run to completion (Job, CronJob).
	Job Kind = "job"
	// Daemon: one pod per node (DaemonSet).
	Daemon Kind = "daemon"
	// DataStore: a stateful data store (database, cache, broker).
	DataStore Kind = "datastore"
	// Cloud: a managed cloud resource (Terraform, Crossplane): no pods.
	Cloud Kind = "cloud"
	// Reference: objects passed through or referred to (ref-objects,
	// kustomize, a chart oamfix cannot see into, an operator request):
	// no pods of its own.
	Reference Kind = "reference"
)

// Kinds lists every kind, in report order.
var Kinds = []Kind{Service, Worker, Job, Daemon, DataStore, Cloud, Reference, Unknown}

// HasPods reports whether components of this kind run pods.
func (k Kind) HasPods() bool {
	switch k {
	case Service, Worker, Job, Daemon, DataStore:
		return true
	}
	return false
}

// Port is a container port of the component.
type Port struct {
	// Container is the port the container listens on (what a probe uses).
	Container int `json:"container"`
	// Service is the port a Service of the component offers for it (0
	// when no Service exposes it).
	Service int `json:"service,omitempty"`
	// Exposed: a Service of the component exposes the port.
	Exposed bool `json:"exposed,omitempty"`
	// Inferred: the component does not declare the port; a trait's Service
	// targets it (expose: port: [80]). Whether the container listens
	// there is the trait author's belief, so probes do not rely on it.
	Inferred bool `json:"inferred,omitempty"`
}

// Exposure is one way traffic from outside the Application reaches the
// component.
type Exposure struct {
	// Via names what exposes it: "trait gateway", "properties.exposeType
	// LoadBalancer", "embedded Service web".
	Via string
	// Kind is ingress, route (Gateway API), istio, knative, loadbalancer
	// or nodeport.
	Kind string
	// Controller is the ingress class or controller that forwards the
	// traffic (nginx, traefik, istio), "" when unknown.
	Controller string
	// Node is where it is written.
	Node *yaml.Node
}

// Owner is something that sets the component's replica count.
type Owner struct {
	// Via names it: "trait hpa", "properties.replicas", "trait
	// json-merge-patch (spec.replicas)".
	Via string
	// Autoscaler: it scales between a minimum and a maximum.
	Autoscaler bool
	// Trait is the trait, when a trait owns the count.
	Trait *oam.Trait
	// Node is where it is written.
	Node *yaml.Node
}

// Patch is an override policy entry or an env-binding patch that reaches
// the component in one environment.
type Patch struct {
	// Env is dev, staging or prod; "" when oamfix cannot tell.
	Env string
	// Via names it: "override policy override-prod", "env-binding
	// example-multi-env env prod".
	Via string
	// Policy is the policy that holds it.
	Policy *oam.Policy
	// Entry is the component entry (override components[] or the env's
	// patch.components[]).
	Entry *oam.OverrideComponent
}

// Evidence says where a fact came from.
type Evidence struct {
	// Fact is kind, workload, ports, exposure or replicas.
	Fact string `json:"fact"`
	// Source is vocabulary, definition, embedded manifest, chart,
	// built-in vocabulary or heuristic.
	Source string `json:"source"`
	// Detail says what was read.
	Detail string `json:"detail"`
}

// Evidence sources.
const (
	SourceVocabulary = "vocabulary"
	SourceDefinition = "definition"
	SourceEmbedded   = "embedded manifest"
	SourceChart      = "chart"
	SourceBuiltin    = "built-in vocabulary"
	SourceProperties = "properties"
	SourceTrait      = "trait"
	SourcePolicy     = "policy"
	SourceHeuristic  = "heuristic"
)

// Facts are what the model knows of one component.
type Facts struct {
	Component *oam.Component
	Kind      Kind
	// Renders is the object the component renders as its workload
	// ("apps/v1 Deployment"), zero when unknown or when it runs no pods.
	Renders catalog.GVK
	// Definition is the component's definition, nil when oamfix has none.
	Definition *catalog.ComponentType
	// Labelled: its pods carry KubeVela's app.oam.dev/name and
	// app.oam.dev/component labels, so traits that select them (a
	// NetworkPolicy) reach them.
	Labelled bool
	// Ports are the container ports, exposed ones first.
	Ports    []Port
	Exposure []Exposure
	// ServiceTraits are traits that render a Service for it (expose, gateway).
	ServiceTraits []*oam.Trait
	// Replicas lists what sets the replica count, in the component's own
	// spec (traits, properties); Patches hold the per-environment ones.
	Replicas []Owner
	Patches  []Patch
	// CPURequest is the container's CPU request as written ("" when none).
	CPURequest string
	// Evidence says where each fact came from.
	Evidence []Evidence
	// Assumed: the kind comes from the component's shape alone.
	Assumed bool
}

// Model holds the facts of every component of one Application.
type Model struct {
	App   *oam.App
	Facts []*Facts
	by    map[*oam.Component]*Facts
	cat   *catalog.Catalog
}

// Of returns the facts of a component of the model's Application.
func (m *Model) Of(c *oam.Component) *Facts {
	if f, ok := m.by[c]; ok {
		return f
	}
	return &Facts{Component: c, Kind: Unknown}
}

// Build works out the facts of every component of app. cat is the
// definitions oamfix knows (KubeVela's built-ins merged with the user's);
// nil means the built-ins.
func Build(app *oam.App, cfg *config.Config, cat *catalog.Catalog) *Model {
	return NewBuilder(cfg, cat).Build(app)
}

// Builder builds the models of Applications read with one configuration
// and catalog, and remembers what the vocabulary says of each component
// type, so that rebuilding a model after each rule's edits does not match
// every type against every glob again. It is not safe for concurrent use.
type Builder struct {
	cfg   *config.Config
	cat   *catalog.Catalog
	kinds map[string]config.TypeMatch
}

// NewBuilder returns a Builder for cfg and cat (nil: the built-ins).
func NewBuilder(cfg *config.Config, cat *catalog.Catalog) *Builder {
	if cat == nil {
		cat = catalog.Builtin()
	}
	return &Builder{cfg: cfg, cat: cat, kinds: map[string]config.TypeMatch{}}
}

// kindOf is the vocabulary's KindOf, memoized.
func (b *Builder) kindOf(componentType string) config.TypeMatch {
	m, ok := b.kinds[componentType]
	if !ok {
		m = b.cfg.Spec.Vocabulary.KindOf(componentType)
		b.kinds[componentType] = m
	}
	return m
}

// Build works out the facts of every component of app (see the package
// function Build).
func (b *Builder) Build(app *oam.App) *Model {
	cfg, cat := b.cfg, b.cat
	m := &Model{App: app, by: map[*oam.Component]*Facts{}, cat: cat}
	env := newEnvironments(app, cfg)
	for _, c := range app.Components {
		f := &Facts{Component: c, Kind: Unknown}
		classify(f, b.kindOf(c.Type), cat)
		readPorts(f)
		readExposure(f, cat)
		sortPorts(f)
		readReplicas(f, cfg, cat)
		f.Patches = env.patchesOf(c)
		f.CPURequest = cpuRequest(f)
		m.Facts = append(m.Facts, f)
		m.by[c] = f
	}
	return m
}

func (f *Facts) note(fact, source, detail string) {
	f.Evidence = append(f.Evidence, Evidence{Fact: fact, Source: source, Detail: detail})
}

// ExposedPorts are the container ports a Service of the component exposes.
func (f *Facts) ExposedPorts() []Port {
	var out []Port
	for _, p := range f.Ports {
		if p.Exposed {
			out = append(out, p)
		}
	}
	return out
}

// HasService reports whether a Service named after the component (the
// host name other services call, and a DestinationRule matches) sends
// traffic to it: an exposed port of its definition, a trait that renders a
// Service, or an embedded Service of that name.
func (f *Facts) HasService() bool {
	if base := f.Component.BaseType(); base == "k8s-objects" || base == "raw" {
		return f.embeddedServiceNamed(f.Component.Name)
	}
	return len(f.ExposedPorts()) > 0 || len(f.Exposure) > 0 || len(f.ServiceTraits) > 0
}

// embeddedServiceNamed reports whether the component embeds a Service
// called name.
func (f *Facts) embeddedServiceNamed(name string) bool {
	objects := oam.Items(oam.Get(f.Component.Properties, "objects"))
	if f.Component.BaseType() == "raw" {
		objects = []*yaml.Node{f.Component.Properties}
	}
	for _, o := range objects {
		if oam.Str(oam.Get(o, "kind")) == "Service" && oam.Str(oam.GetPath(o, "metadata.name")) == name {
			return true
		}
	}
	return false
}

// HoldsData reports whether the component stores data: a data store, or
// a managed cloud database (alibaba-rds, aws-dynamodb-table, ...).
func (f *Facts) HoldsData() bool {
	switch f.Kind {
	case DataStore:
		return true
	case Cloud:
		t := strings.ToLower(f.Component.Type)
		return isDataStoreName(t) || strings.Contains(t, "rds") || strings.Contains(t, "database") ||
			strings.Contains(t, "dynamodb") || strings.Contains(t, "-db") || strings.Contains(t, "sql")
	}
	return false
}

// TraitApplies reports whether a trait's definition applies to what the
// component renders (its appliesToWorkloads), and if not, why. A trait
// oamfix has no definition of, or one for any workload, applies; so does
// one for a component whose workload oamfix cannot name but whose kind
// (service, worker, data store) platforms render as a Deployment or
// StatefulSet.
func (m *Model) TraitApplies(trait string, f *Facts) (bool, string) {
	tt, ok := m.cat.Trait(trait)
	if !ok || len(tt.AppliesToWorkloads) == 0 || slices.Contains(tt.AppliesToWorkloads, "*") {
		return true, ""
	}
	if f.Renders.Kind == "" {
		switch f.Kind {
		case Service, Worker, DataStore:
			return true, ""
		}
		return false, fmt.Sprintf("the %s trait applies to %s, and component %q is a %s", trait, strings.Join(tt.AppliesToWorkloads, ", "), f.Component.Name, f.Kind)
	}
	res := ResourceName(f.Renders)
	for _, w := range tt.AppliesToWorkloads {
		if strings.EqualFold(w, res) || strings.EqualFold(w, f.Renders.Kind) {
			return true, ""
		}
	}
	return false, fmt.Sprintf("the %s trait applies to %s, not to the %s that %q renders", trait, strings.Join(tt.AppliesToWorkloads, ", "), f.Renders, f.Component.Name)
}

// ResourceName is the plural resource.group name KubeVela's
// appliesToWorkloads uses for an object type (deployments.apps, jobs.batch).
func ResourceName(g catalog.GVK) string {
	group, _, ok := strings.Cut(g.APIVersion, "/")
	if !ok {
		group = ""
	}
	plural := strings.ToLower(g.Kind) + "s"
	if strings.HasSuffix(strings.ToLower(g.Kind), "s") {
		plural = strings.ToLower(g.Kind) + "es"
	}
	if group == "" {
		return plural
	}
	return plural + "." + group
}

// Autoscalers returns the owners of the replica count that autoscale.
func (f *Facts) Autoscalers() []Owner {
	var out []Owner
	for _, o := range f.Replicas {
		if o.Autoscaler {
			out = append(out, o)
		}
	}
	return out
}
