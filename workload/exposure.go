package workload

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// readExposure finds who reaches the component from outside the
// Application: traits that render an Ingress, a Gateway API route, an
// Istio gateway or a LoadBalancer/NodePort Service; a LoadBalancer or
// NodePort exposeType or nodePort in its properties; embedded Services
// and Ingresses; a Knative service.
func readExposure(f *Facts, cat *catalog.Catalog) {
	c := f.Component
	for _, t := range c.Traits {
		if e, ok := traitExposure(t, cat); ok {
			f.Exposure = append(f.Exposure, e)
		}
		if rendersService(t, cat) {
			f.ServiceTraits = append(f.ServiceTraits, t)
			f.exposePorts(t)
		}
	}
	if typ := strings.ToLower(oam.Str(oam.Get(c.Properties, "exposeType"))); typ == "loadbalancer" || typ == "nodeport" {
		f.Exposure = append(f.Exposure, Exposure{Via: "properties.exposeType " + oam.Str(oam.Get(c.Properties, "exposeType")), Kind: typ, Node: oam.Get(c.Properties, "exposeType")})
	}
	for _, p := range oam.Items(oam.Get(c.Properties, "ports")) {
		if n, ok := oam.Int(oam.Get(p, "nodePort")); ok && n > 0 {
			f.Exposure = append(f.Exposure, Exposure{Via: "properties.ports[].nodePort", Kind: "nodeport", Node: p})
			break
		}
	}
	if f.Renders.Kind == "Service" && strings.HasPrefix(f.Renders.APIVersion, "serving.knative.dev") {
		f.Exposure = append(f.Exposure, Exposure{Via: "a Knative Service", Kind: "knative", Controller: "knative"})
	}
	if c.BaseType() == "k8s-objects" || c.BaseType() == "raw" {
		objects := oam.Items(oam.Get(c.Properties, "objects"))
		if c.BaseType() == "raw" {
			objects = []*yaml.Node{c.Properties}
		}
		for _, o := range objects {
			name := oam.Str(oam.GetPath(o, "metadata.name"))
			switch oam.Str(oam.Get(o, "kind")) {
			case "Service":
				if typ := strings.ToLower(oam.Str(oam.GetPath(o, "spec.type"))); typ == "loadbalancer" || typ == "nodeport" {
					f.Exposure = append(f.Exposure, Exposure{Via: "embedded Service " + name + " (" + oam.Str(oam.GetPath(o, "spec.type")) + ")", Kind: typ, Node: o})
				}
			case "Ingress":
				f.Exposure = append(f.Exposure, Exposure{Via: "embedded Ingress " + name, Kind: "ingress", Controller: ingressClass(o), Node: o})
			case "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute":
				f.Exposure = append(f.Exposure, Exposure{Via: "embedded " + oam.Str(oam.Get(o, "kind")) + " " + name, Kind: "route", Node: o})
			}
		}
	}
	for _, e := range f.Exposure {
		src := SourceTrait
		switch {
		case strings.HasPrefix(e.Via, "properties"):
			src = SourceProperties
		case strings.HasPrefix(e.Via, "embedded"):
			src = SourceEmbedded
		case !strings.HasPrefix(e.Via, "trait"):
			src = SourceDefinition
		}
		f.note("exposure", src, e.Via)
	}
}

// exposePorts marks the ports a Service trait targets (the expose
// trait's port: [80] or ports: [{port: 80}]) as exposed, adding the ones
// the component's properties do not declare.
func (f *Facts) exposePorts(t *oam.Trait) {
	var ports []int
	for _, key := range []string{"port", "ports"} {
		for _, it := range oam.Items(oam.Get(t.Properties, key)) {
			n, ok := oam.Int(it)
			if !ok {
				n, ok = oam.Int(oam.Get(it, "port"))
			}
			if ok && n > 0 {
				ports = append(ports, n)
			}
		}
	}
	for _, n := range ports {
		found := false
		for i := range f.Ports {
			if f.Ports[i].Container == n {
				f.Ports[i].Exposed, f.Ports[i].Service, found = true, n, true
			}
		}
		if !found {
			f.Ports = append(f.Ports, Port{Container: n, Service: n, Exposed: true, Inferred: true})
		}
	}
	if len(ports) > 0 {
		f.note("ports", SourceTrait, fmt.Sprintf("trait %s exposes %v", t.Type, ports))
	}
}

// rendersService reports whether a trait renders a Service for the
// component (expose, gateway), by its definition, else by its name.
func rendersService(t *oam.Trait, cat *catalog.Catalog) bool {
	if tt, ok := cat.Trait(t.Type); ok {
		for _, o := range tt.Outputs {
			if o.Kind == "Service" {
				return true
			}
		}
		return false
	}
	return strings.Contains(strings.ToLower(t.Type), "expose")
}

// traitExposure says whether a trait lets traffic in from outside the
// app, by what its definition renders, else by its name and properties.
func traitExposure(t *oam.Trait, cat *catalog.Catalog) (Exposure, bool) {
	typ := strings.ToLower(t.Type)
	via := "trait " + t.Type
	var outputs []catalog.GVK
	if tt, ok := cat.Trait(t.Type); ok {
		outputs = tt.Outputs
	}
	has := func(kind string) bool {
		for _, o := range outputs {
			if o.Kind == kind {
				return true
			}
		}
		return false
	}
	switch {
	case has("Ingress") || outputs == nil && strings.Contains(typ, "ingress"):
		class := oam.Str(oam.Get(t.Properties, "class"))
		if class == "" {
			class = oam.Str(oam.Get(t.Properties, "ingressClassName"))
		}
		if class == "" {
			class = oam.Str(oam.Get(oam.Get(t.Properties, "annotations"), "kubernetes.io/ingress.class"))
		}
		if class == "" && t.Type == "gateway" {
			class = "nginx" // the gateway trait's default class
		}
		return Exposure{Via: via, Kind: "ingress", Controller: class, Node: t.Node}, true
	case has("HTTPRoute") || has("GRPCRoute") || outputs == nil && strings.Contains(typ, "route"):
		return Exposure{Via: via, Kind: "route", Node: t.Node}, true
	case has("VirtualService") || has("Gateway") || outputs == nil && strings.HasPrefix(typ, "istio"):
		return Exposure{Via: via, Kind: "istio", Controller: "istio", Node: t.Node}, true
	case typ == "kservice" || strings.Contains(typ, "knative"):
		return Exposure{Via: via, Kind: "knative", Controller: "knative", Node: t.Node}, true
	case has("Service"):
		switch st := strings.ToLower(oam.Str(oam.Get(t.Properties, "type"))); st {
		case "loadbalancer", "nodeport":
			return Exposure{Via: via + " (type " + oam.Str(oam.Get(t.Properties, "type")) + ")", Kind: st, Node: t.Node}, true
		}
	}
	return Exposure{}, false
}

// ingressClass is the class of an embedded Ingress, "" when unset.
func ingressClass(o *yaml.Node) string {
	if c := oam.Str(oam.GetPath(o, "spec.ingressClassName")); c != "" {
		return c
	}
	return oam.Str(oam.Get(oam.GetPath(o, "metadata.annotations"), "kubernetes.io/ingress.class"))
}

// ExposedToIngress reports whether an ingress controller, a gateway or a
// mesh ingress forwards outside traffic to the component.
func (f *Facts) ExposedToIngress() bool {
	for _, e := range f.Exposure {
		switch e.Kind {
		case "ingress", "route", "istio", "knative":
			return true
		}
	}
	return false
}

// ExposedDirectly reports whether a LoadBalancer or NodePort Service takes
// traffic straight from outside the cluster.
func (f *Facts) ExposedDirectly() bool {
	for _, e := range f.Exposure {
		if e.Kind == "loadbalancer" || e.Kind == "nodeport" {
			return true
		}
	}
	return false
}
