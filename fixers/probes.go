package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Probes adds missing startup, liveness and readiness probes to services.
var Probes = &Rule{
	ID: "probes",
	Doc: `Add the missing startup, liveness and readiness probes to service components.

Timings follow the review: startup every 10s with 30 failures allowed,
liveness after 30s every 10s with a 5s timeout, readiness after 5s every 5s
with a 3s timeout (spec.probes). A probe on a path the service does not
serve restart-loops it, so the handler is chosen by evidence, never
invented: the path set in spec.probes.<probe>.path; else the path (and port)
of an HTTP probe the component already has; else a TCP probe, which a
healthy server answers. The port is the container port (not a Service
port), the first exposed one; with none, one finding says so and nothing is
guessed. Probes go where the component's definition renders them (KubeVela's
livenessProbe/readinessProbe properties plus the startup-probe trait, or a
platform's probes: {liveness, readiness, startup} map); a type oamfix has no
definition of follows the app's other components. A definition that renders
no probe (k8s-objects) gets one open finding. Existing probes stay exactly as
written.`,
	Severity: High,
	Area:     "Reliability",
	Commit:   "add startup, liveness and readiness probes",
	Fixable:  true,
	Run:      runProbes,
}

// probeKind is one of the three probes.
type probeKind struct {
	name string // liveness, readiness, startup
	cfg  func(config.Probes) config.Probe
}

var probeKinds = []probeKind{
	{"startup", func(p config.Probes) config.Probe { return p.Startup }},
	{"liveness", func(p config.Probes) config.Probe { return p.Liveness }},
	{"readiness", func(p config.Probes) config.Probe { return p.Readiness }},
}

func runProbes(p *Pass) {
	styles := p.Config.Spec.Vocabulary.ProbeStyles
	appStyle := appProbeStyle(p, styles)
	for _, c := range p.App.Components {
		f := p.Workload(c)
		if f.Kind != workload.Service {
			continue
		}
		style, why := componentProbeStyle(c, f, styles, appStyle)
		if style == nil {
			if !anyProbe(c, styles) {
				p.Report(Where{Component: c}, Finding{
					Message:     fmt.Sprintf("component %q has no startup, liveness or readiness probe, and oamfix cannot add one: %s", c.Name, why),
					Remediation: "pass the type's definition (--definitions or spec.definitions) so oamfix knows where it takes probes, or add them where the workload takes them (for embedded objects, in their containers), or exempt the component with # oamfix:ignore probes -- reason",
				}, nil)
			}
			continue
		}
		var missing []probeKind
		for _, k := range probeKinds {
			if !hasProbe(c, style, k.name) {
				missing = append(missing, k)
			}
		}
		if len(missing) == 0 {
			continue
		}
		ps := f.DeclaredPorts()
		if len(ps) == 0 {
			var names []string
			for _, k := range missing {
				names = append(names, k.name)
			}
			p.Report(Where{Component: c}, Finding{
				Message: fmt.Sprintf("component %q has no %s probe, and no numeric container port can be derived from its properties; not guessing one",
					c.Name, orList(names)),
				Remediation: "declare the container port (ports: [{port: N}]) so oamfix can add the probes, or add them by hand",
			}, nil)
			continue
		}
		port := ps[0]
		reuse, reusePort, reuseFrom := existingHTTPProbe(c, styles)
		for _, k := range missing {
			pc := k.cfg(p.Config.Spec.Probes)
			h := probeHandler{port: port}
			assumptions := []string{fmt.Sprintf("port %d is the component's container port", port)}
			switch {
			case pc.Path != "":
				h.path = pc.Path
				assumptions = []string{
					fmt.Sprintf("the path %s comes from spec.probes.%s.path; make sure %s serves it", pc.Path, k.name, c.Name),
					assumptions[0],
				}
			case reuse != "":
				h.path = reuse
				if reusePort > 0 {
					h.port = reusePort
				}
				assumptions = []string{fmt.Sprintf("the path %s and port %d are those of the component's own %s probe", reuse, h.port, reuseFrom)}
			default:
				assumptions = append(assumptions, "no HTTP path is known (spec.probes."+k.name+".path is empty and the component has no HTTP probe), so the probe checks that the port accepts connections")
			}
			p.Report(Where{Component: c}, Finding{
				Message:     fmt.Sprintf("component %q has no %s probe", c.Name, k.name),
				Assumptions: assumptions,
				Remediation: "add the probe, or exempt the component with # oamfix:ignore probes -- reason",
			}, Act(fmt.Sprintf("add %s %s probe on %s", h.article(), k.name, h), probeEdit(c, style, k.name, probeNode(pc, h))))
		}
	}
}

// probeHandler is how a new probe checks the container: an HTTP GET of a
// path, or a TCP connection, on a container port.
type probeHandler struct {
	path string // "" for a TCP probe
	port int
}

func (h probeHandler) article() string {
	if h.path != "" {
		return "an HTTP"
	}
	return "a TCP"
}

// String says where the probe goes: "/health port 8080" or "port 8080".
func (h probeHandler) String() string {
	if h.path != "" {
		return fmt.Sprintf("%s port %d", h.path, h.port)
	}
	return fmt.Sprintf("port %d", h.port)
}

// existingHTTPProbe finds an HTTP probe the component already has, in any
// style: its path, its port (0 when named or absent) and which probe it is.
func existingHTTPProbe(c *oam.Component, styles []config.ProbeStyle) (string, int, string) {
	for i := range styles {
		s := &styles[i]
		for _, k := range probeKinds {
			probe := probeNodeOf(c, s, k.name)
			if path := oam.Str(oam.GetPath(probe, "httpGet.path")); path != "" {
				port, _ := oam.Int(oam.GetPath(probe, "httpGet.port"))
				return path, port, k.name
			}
		}
	}
	return "", 0, ""
}

// probeNodeOf returns a component's probe of one kind in one style, or nil.
func probeNodeOf(c *oam.Component, s *config.ProbeStyle, kind string) *yaml.Node {
	if s.Style == config.ProbeMap {
		return oam.Get(oam.GetPath(c.Properties, s.Field), styleField(s, kind))
	}
	if kind == "startup" && s.StartupTrait != "" {
		if t := c.Trait(s.StartupTrait); t != nil {
			return t.Properties
		}
	}
	if f := styleField(s, kind); f != "" {
		return oam.GetPath(c.Properties, f)
	}
	return nil
}

// appProbeStyle is the probe style the app's components of types oamfix
// has no definition of already use (the platform's convention): the first
// style whose probes are present on one of them. Nil when none. Components
// of known types do not count: their probes follow their definitions.
func appProbeStyle(p *Pass, styles []config.ProbeStyle) *config.ProbeStyle {
	for i := range styles {
		for _, c := range p.App.Components {
			if p.Workload(c).Definition == nil && usesStyle(c, &styles[i]) {
				return &styles[i]
			}
		}
	}
	return nil
}

// componentProbeStyle picks where a component's probes live: the style
// it already uses; else the style its definition renders (a definition
// that renders none leaves no place: nil and why); else, for types oamfix
// has no definition of, the style the app's other components use (none:
// nil and why, never a guess).
func componentProbeStyle(c *oam.Component, f *workload.Facts, styles []config.ProbeStyle, appStyle *config.ProbeStyle) (*config.ProbeStyle, string) {
	for i := range styles {
		if usesStyle(c, &styles[i]) {
			return &styles[i], ""
		}
	}
	if def := f.Definition; def != nil {
		for i := range styles {
			if rendersStyle(def.ProbeFields, &styles[i]) {
				return &styles[i], ""
			}
		}
		return nil, fmt.Sprintf("its definition %s (%s) renders no probe from its properties", def.Name, def.Source)
	}
	if appStyle != nil {
		return appStyle, ""
	}
	return nil, fmt.Sprintf("oamfix has no definition of type %q, and no component of the app has probes, so it cannot tell which properties the type renders as probes", c.Type)
}

// rendersStyle reports whether a definition's probe parameters are the
// style's: its liveness and readiness properties, or its probes map.
func rendersStyle(fields []string, s *config.ProbeStyle) bool {
	has := func(name string) bool {
		for _, f := range fields {
			if f == name || strings.HasPrefix(f, name+".") || strings.HasPrefix(f, name+"[") {
				return true
			}
		}
		return false
	}
	if s.Style == config.ProbeMap {
		return has(s.Field)
	}
	return s.Liveness != "" && has(s.Liveness) && s.Readiness != "" && has(s.Readiness)
}

// anyProbe reports whether the component has a probe in any style.
func anyProbe(c *oam.Component, styles []config.ProbeStyle) bool {
	for i := range styles {
		if usesStyle(c, &styles[i]) {
			return true
		}
	}
	return false
}

// usesStyle reports whether any probe of this style is on the component.
func usesStyle(c *oam.Component, s *config.ProbeStyle) bool {
	for _, k := range probeKinds {
		if hasProbe(c, s, k.name) {
			return true
		}
	}
	return false
}

// styleField returns the style's field (or trait) for a probe kind.
func styleField(s *config.ProbeStyle, kind string) string {
	switch kind {
	case "liveness":
		return s.Liveness
	case "readiness":
		return s.Readiness
	}
	return s.Startup
}

// hasProbe reports whether the component has the probe in the given style.
func hasProbe(c *oam.Component, s *config.ProbeStyle, kind string) bool {
	if s.Style == config.ProbeMap {
		return oam.Get(oam.GetPath(c.Properties, s.Field), styleField(s, kind)) != nil
	}
	if kind == "startup" && s.StartupTrait != "" && c.Trait(s.StartupTrait) != nil {
		return true
	}
	f := styleField(s, kind)
	return f != "" && oam.GetPath(c.Properties, f) != nil
}

// probeEdit writes a probe where the style keeps it: a field of the
// properties (or of a probes map), or the startup trait.
func probeEdit(c *oam.Component, s *config.ProbeStyle, kind string, probe *yaml.Node) Edit {
	if s.Style == config.ProbeMap {
		return Edit{Op: OpSet, At: c.Node, Keys: append(append([]string{"properties"}, splitDots(s.Field)...), styleField(s, kind)), Value: probe}
	}
	if kind == "startup" && styleField(s, kind) == "" {
		return Append(c.Node, "traits", oam.Map(oam.P("type", s.StartupTrait), oam.Pair{Key: "properties", Value: probe}))
	}
	return Edit{Op: OpSet, At: c.Node, Keys: append([]string{"properties"}, splitDots(styleField(s, kind))...), Value: probe}
}

// probeNode builds a probe: its handler, then the configured timings
// (zero timings are left out).
func probeNode(pc config.Probe, h probeHandler) *yaml.Node {
	handler := oam.Pair{Key: "tcpSocket", Value: oam.Map(oam.P("port", h.port))}
	if h.path != "" {
		handler = oam.Pair{Key: "httpGet", Value: oam.Map(oam.P("path", h.path), oam.P("port", h.port))}
	}
	pairs := []oam.Pair{handler}
	for _, f := range []struct {
		key string
		v   int
	}{
		{"initialDelaySeconds", pc.InitialDelaySeconds},
		{"periodSeconds", pc.PeriodSeconds},
		{"timeoutSeconds", pc.TimeoutSeconds},
		{"failureThreshold", pc.FailureThreshold},
	} {
		if f.v > 0 {
			pairs = append(pairs, oam.P(f.key, f.v))
		}
	}
	return oam.Map(pairs...)
}

// splitDots splits a dotted field path.
func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
