package workload

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// readPorts reads the component's container ports: from the fields its
// definition renders as ports, from the objects it embeds, or, for types
// oamfix has no definition of, from the usual property names (ports[],
// port, containerPort). Named ports are skipped: probes and policies need
// numbers.
func readPorts(f *Facts) {
	c := f.Component
	switch {
	case f.Definition != nil && len(f.Definition.PortFields) > 0:
		f.Ports = definedPorts(c.Properties, f.Definition.PortFields, f.Definition.ExposeField)
		if len(f.Ports) > 0 {
			f.note("ports", SourceDefinition, "read from "+strings.Join(f.Definition.PortFields, ", ")+" as definition "+f.Definition.Name+" renders them")
		}
	case c.BaseType() == "k8s-objects" || c.BaseType() == "raw":
		f.Ports = embeddedPorts(c)
		if len(f.Ports) > 0 {
			f.note("ports", SourceEmbedded, "read from the embedded objects' containers")
		}
	case f.Definition == nil && f.Kind.HasPods():
		f.Ports = genericPorts(c.Properties)
		if len(f.Ports) > 0 {
			f.note("ports", SourceProperties, "read from ports[].port / containerPort, port or containerPort (no definition says which fields are ports)")
		}
	}
}

// definedPorts reads the ports a definition renders: "ports[].port",
// "ports[].containerPort" (the container side when both are set) and
// single fields ("port"); exposed ones first.
func definedPorts(props *yaml.Node, fields []string, exposeField string) []Port {
	var exposed, other []Port
	listed := map[string]bool{}
	for _, field := range fields {
		if list, _, ok := strings.Cut(field, "[]."); ok {
			if listed[list] {
				continue
			}
			listed[list] = true
			for _, item := range oam.Items(oam.GetPath(props, list)) {
				p, ok := listPort(item)
				if !ok {
					continue
				}
				if flag, hasFlag := strings.CutPrefix(exposeField, list+"[]."); hasFlag {
					if on, _ := oam.Bool(oam.Get(item, flag)); on {
						p.Exposed = true
					}
				}
				if p.Exposed {
					exposed = append(exposed, p)
				} else {
					p.Service = 0
					other = append(other, p)
				}
			}
			continue
		}
		if n, ok := oam.Int(oam.GetPath(props, field)); ok && n > 0 {
			p := Port{Container: n}
			if exposeField != "" && !strings.Contains(exposeField, "[]") {
				// A flag beside a single port: the definition renders the
				// Service unless the flag is switched off.
				if on, set := oam.Bool(oam.GetPath(props, exposeField)); on || !set {
					p.Exposed, p.Service = true, n
					exposed = append(exposed, p)
					continue
				}
			}
			other = append(other, p)
		}
	}
	return uniquePorts(append(exposed, other...))
}

// listPort reads one item of a ports list: {port, containerPort?} or a
// bare number.
func listPort(item *yaml.Node) (Port, bool) {
	port, okPort := oam.Int(oam.Get(item, "port"))
	ctr, okCtr := oam.Int(oam.Get(item, "containerPort"))
	switch {
	case okCtr && ctr > 0:
		return Port{Container: ctr, Service: port}, true
	case okPort && port > 0:
		return Port{Container: port, Service: port}, true
	}
	if n, ok := oam.Int(item); ok && n > 0 {
		return Port{Container: n}, true
	}
	return Port{}, false
}

// genericPorts reads ports from the property names most platforms use.
func genericPorts(props *yaml.Node) []Port {
	var exposed, other []Port
	for _, item := range oam.Items(oam.Get(props, "ports")) {
		p, ok := listPort(item)
		if !ok {
			continue
		}
		if on, _ := oam.Bool(oam.Get(item, "expose")); on {
			p.Exposed = true
			exposed = append(exposed, p)
		} else {
			other = append(other, p)
		}
	}
	for _, key := range []string{"port", "containerPort"} {
		if n, ok := oam.Int(oam.Get(props, key)); ok && n > 0 {
			other = append(other, Port{Container: n})
		}
	}
	return uniquePorts(append(exposed, other...))
}

// embeddedPorts reads the container ports of embedded workloads; a port an
// embedded Service targets is exposed.
func embeddedPorts(c *oam.Component) []Port {
	objects := oam.Items(oam.Get(c.Properties, "objects"))
	if c.BaseType() == "raw" {
		objects = []*yaml.Node{c.Properties}
	}
	targets := map[int]int{}
	for _, o := range objects {
		if oam.Str(oam.Get(o, "kind")) != "Service" {
			continue
		}
		for _, sp := range oam.Items(oam.GetPath(o, "spec.ports")) {
			port, _ := oam.Int(oam.Get(sp, "port"))
			target, ok := oam.Int(oam.Get(sp, "targetPort"))
			if !ok {
				target = port
			}
			if target > 0 {
				targets[target] = port
			}
		}
	}
	var exposed, other []Port
	for _, o := range objects {
		for _, n := range containerPorts(o) {
			if svc, ok := targets[n]; ok {
				exposed = append(exposed, Port{Container: n, Service: svc, Exposed: true})
			} else {
				other = append(other, Port{Container: n})
			}
		}
	}
	return uniquePorts(append(exposed, other...))
}

// sortPorts puts exposed ports first (a trait may have exposed one the
// properties list later), keeping the order otherwise.
func sortPorts(f *Facts) {
	slices.SortStableFunc(f.Ports, func(a, b Port) int {
		switch {
		case a.Exposed && !b.Exposed:
			return -1
		case b.Exposed && !a.Exposed:
			return 1
		}
		return 0
	})
}

// uniquePorts drops repeated container ports, keeping the first.
func uniquePorts(ps []Port) []Port {
	seen := map[int]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p.Container] {
			seen[p.Container] = true
			out = append(out, p)
		}
	}
	return out
}

// ContainerPorts lists the container port numbers, exposed ones first.
func (f *Facts) ContainerPorts() []int {
	out := make([]int, len(f.Ports))
	for i, p := range f.Ports {
		out[i] = p.Container
	}
	return out
}

// DeclaredPorts lists the container ports the component itself declares
// (not those only a trait's Service targets), exposed ones first: the
// ports a probe may check.
func (f *Facts) DeclaredPorts() []int {
	var out []int
	for _, p := range f.Ports {
		if !p.Inferred {
			out = append(out, p.Container)
		}
	}
	return out
}

// String formats a port as "8080" or "8080 (Service port 80)".
func (p Port) String() string {
	if p.Exposed && p.Service != 0 && p.Service != p.Container {
		return fmt.Sprintf("%d (Service port %d)", p.Container, p.Service)
	}
	return fmt.Sprint(p.Container)
}
