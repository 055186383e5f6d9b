package workload

import (
	"strings"

	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// readReplicas finds what sets the component's replica count in its own
// spec: autoscaler and fixed-scaler traits of the vocabulary, traits
// whose definition renders a HorizontalPodAutoscaler or patches
// spec.replicas, other traits named like autoscalers (keda-auto-scaler,
// hubcpuscaler), json-patch / json-merge-patch traits that set
// spec.replicas, and a replicas property its definition writes into the
// workload.
func readReplicas(f *Facts, cfg *config.Config, cat *catalog.Catalog) {
	f.Replicas = TraitOwners(f.Component.Traits, cfg, cat)
	c := f.Component
	if n := oam.Get(c.Properties, "replicas"); n != nil {
		switch {
		case f.Definition != nil && f.Definition.ReplicasField == "replicas":
			f.Replicas = append(f.Replicas, Owner{Via: "properties.replicas", Node: n})
			f.note("replicas", SourceDefinition, "definition "+f.Definition.Name+" writes properties.replicas into spec.replicas")
		case f.Definition == nil && f.Kind.HasPods():
			f.Replicas = append(f.Replicas, Owner{Via: "properties.replicas", Node: n})
			f.note("replicas", SourceHeuristic, "assumed: properties.replicas sets the replica count (no definition says)")
		}
	}
	for _, o := range f.Replicas {
		if o.Trait != nil {
			f.note("replicas", SourceTrait, o.Via)
		}
	}
}

// TraitOwners lists the traits among traits that set a replica count.
func TraitOwners(traits []*oam.Trait, cfg *config.Config, cat *catalog.Catalog) []Owner {
	var out []Owner
	for _, t := range traits {
		if o, ok := traitOwner(t, cfg, cat); ok {
			out = append(out, o)
		}
	}
	return out
}

// autoscalerNames are words of trait types that autoscale.
var autoscalerNames = []string{"autoscal", "hpa", "keda", "cpuscaler", "scaledobject"}

// traitOwner says whether a trait sets the replica count.
func traitOwner(t *oam.Trait, cfg *config.Config, cat *catalog.Catalog) (Owner, bool) {
	via := "trait " + t.Type
	for _, a := range cfg.Spec.Vocabulary.Autoscalers {
		if a.Trait == t.Type {
			return Owner{Via: via, Autoscaler: true, Trait: t, Node: t.Node}, true
		}
	}
	for _, s := range cfg.Spec.Vocabulary.FixedScalers {
		if s.Trait == t.Type {
			return Owner{Via: via, Trait: t, Node: t.Node}, true
		}
	}
	if tt, ok := cat.Trait(t.Type); ok {
		for _, o := range tt.Outputs {
			if o.Kind == "HorizontalPodAutoscaler" || o.Kind == "ScaledObject" {
				return Owner{Via: via, Autoscaler: true, Trait: t, Node: t.Node}, true
			}
		}
		if tt.PatchesReplicas {
			return Owner{Via: via, Trait: t, Node: t.Node}, true
		}
	}
	switch strings.ToLower(t.Type) {
	case "json-merge-patch":
		if n := oam.GetPath(t.Properties, "spec.replicas"); n != nil {
			return Owner{Via: via + " (spec.replicas)", Trait: t, Node: n}, true
		}
		return Owner{}, false
	case "json-patch":
		for _, op := range oam.Items(oam.Get(t.Properties, "operations")) {
			if p := oam.Str(oam.Get(op, "path")); p == "/spec/replicas" {
				return Owner{Via: via + " (/spec/replicas)", Trait: t, Node: op}, true
			}
		}
		return Owner{}, false
	}
	typ := strings.ToLower(t.Type)
	for _, w := range autoscalerNames {
		if strings.Contains(typ, w) {
			return Owner{Via: via + " (named like an autoscaler)", Autoscaler: true, Trait: t, Node: t.Node}, true
		}
	}
	if strings.Contains(typ, "scaler") {
		return Owner{Via: via + " (named like a scaler)", Trait: t, Node: t.Node}, true
	}
	return Owner{}, false
}

// cpuRequest reads the container's CPU request: the field the definition
// renders as resources.requests.cpu, resources.requests.cpu or
// resources.cpu, a resource trait, or the containers of an embedded
// workload.
func cpuRequest(f *Facts) string {
	c := f.Component
	var fields []string
	if f.Definition != nil && f.Definition.CPUField != "" {
		fields = append(fields, f.Definition.CPUField)
	}
	fields = append(fields, "resources.requests.cpu", "resources.cpu", "cpu")
	for _, field := range fields {
		if v := oam.Str(oam.GetPath(c.Properties, field)); v != "" {
			return v
		}
	}
	for _, t := range c.Traits {
		if t.Type == "resource" {
			for _, field := range []string{"requests.cpu", "cpu"} {
				if v := oam.Str(oam.GetPath(t.Properties, field)); v != "" {
					return v
				}
			}
		}
	}
	if c.BaseType() == "k8s-objects" || c.BaseType() == "raw" {
		objects := oam.Items(oam.Get(c.Properties, "objects"))
		if c.BaseType() == "raw" {
			objects = []*yaml.Node{c.Properties}
		}
		for _, o := range objects {
			for _, ctr := range oam.Items(oam.GetPath(podTemplate(o), "spec.containers")) {
				if v := oam.Str(oam.GetPath(ctr, "resources.requests.cpu")); v != "" {
					return v
				}
			}
		}
	}
	return ""
}
