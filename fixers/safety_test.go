package fixers_test

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The classes of unsafe fix found by reviewing corpus pull requests. The
// safety test checks the fixed YAML for each, independent of message
// texts, and every count must be 0.
const (
	cutOffEntry      = "1 network policy cuts off the app's entry point"
	noPods           = "2 trait on a component without (labelled) pods, or outside the trait's appliesToWorkloads"
	inventedProbe    = "3 probe on an invented path, or not on a container port"
	secondOwner      = "4 autoscaler added next to another replica owner"
	wrongEnvironment = "5 raise that lands in a non-production environment, or staging named for prod"
	ignoredProbe     = "6 probe where the component's definition does not read it"
	inertFix         = "7 autoscaler without a CPU request, or circuit breaker without a Service"
)

// TestCorpusSafety runs every rule with --fix over every corpus file and
// checks what the fixed YAML would do, class by class.
func TestCorpusSafety(t *testing.T) {
	cfg := config.Default()
	cfg.Spec.CORS.AllowedOrigins = []string{"https://app.example.com"}
	opts := engine.Options{Config: cfg, Rules: fixers.All()}
	counts := map[string]int{}
	examples := map[string][]string{}
	report := func(class, file, what string) {
		counts[class]++
		if len(examples[class]) < 5 {
			examples[class] = append(examples[class], file+": "+what)
		}
	}
	checked := 0
	for _, path := range testenv.CorpusFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		before, err := kio.Parse(path, data)
		if err != nil {
			continue
		}
		models := modelsOf(before, cfg)
		f, _ := kio.Parse(path, data)
		res, err := engine.Process(f, opts)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if !res.Changed() {
			continue
		}
		after, err := kio.Parse(path, res.After)
		if err != nil {
			t.Errorf("%s: output does not parse: %v", path, err)
			continue
		}
		name := strings.TrimPrefix(path, testenv.Shared(t, "corpus")+"/")
		for _, d := range after.Docs {
			if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
				continue
			}
			app := oam.Load(d.Node.YNode())
			m, ok := models[app.Name+"/"+app.Namespace]
			if !ok {
				checkNewDocument(app, cfg, func(class, what string) { report(class, name, what) })
				continue
			}
			checked++
			checkApp(m, app, cfg, func(class, what string) { report(class, name, what) })
		}
	}
	var classes []string
	for _, c := range []string{cutOffEntry, noPods, inventedProbe, secondOwner, wrongEnvironment, ignoredProbe, inertFix} {
		classes = append(classes, fmt.Sprintf("  class %s: %d", c, counts[c]))
	}
	t.Logf("corpus safety over %d fixed Applications:\n%s", checked, strings.Join(classes, "\n"))
	var keys []string
	for c := range examples {
		keys = append(keys, c)
	}
	sort.Strings(keys)
	for _, c := range keys {
		t.Errorf("class %s: %d, e.g.\n    %s", c, counts[c], strings.Join(examples[c], "\n    "))
	}
}

// modelsOf builds the workload model of every Application of a file, by
// name and namespace.
func modelsOf(f *kio.File, cfg *config.Config) map[string]*workload.Model {
	out := map[string]*workload.Model{}
	for _, d := range f.Docs {
		if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
			continue
		}
		app := oam.Load(d.Node.YNode())
		out[app.Name+"/"+app.Namespace] = workload.Build(app, cfg, engine.DefaultCatalog())
	}
	return out
}

// traitsOf lists the trait types of a component, in order.
func traitsOf(c *oam.Component) []string {
	var out []string
	for _, t := range c.Traits {
		out = append(out, t.Type)
	}
	return out
}

// added lists the trait types of after that before does not have.
func added(before, after []string) []string {
	var out []string
	for _, t := range after {
		if i := slices.Index(before, t); i >= 0 {
			before = slices.Delete(slices.Clone(before), i, i+1)
			continue
		}
		out = append(out, t)
	}
	return out
}

var autoscalerTraits = []string{"hpa", "cpuscaler", "autoscaler"}

// checkApp compares one fixed Application with the model of the original.
func checkApp(m *workload.Model, app *oam.App, cfg *config.Config, report func(class, what string)) {
	np := cfg.Spec.NetworkPolicy
	envs := workload.EnvironmentsOf(m.App, cfg)
	inheritors := 0
	for _, e := range envs.Envs() {
		if e != config.EnvProd {
			inheritors++
		}
	}
	for _, c := range app.Components {
		var f *workload.Facts
		for _, fc := range m.Facts {
			if fc.Component.Name == c.Name {
				f = fc
			}
		}
		if f == nil {
			continue
		}
		before := f.Component
		newTraits := added(traitsOf(before), traitsOf(c))
		for _, typ := range newTraits {
			if !f.Kind.HasPods() {
				report(noPods, fmt.Sprintf("%s (%s) gained trait %s", c.Name, f.Kind, typ))
			}
			if typ == np.TraitType && !f.Labelled {
				report(noPods, fmt.Sprintf("%s gained a network policy that selects pods by labels they do not carry", c.Name))
			}
			if typ == np.TraitType && (f.Kind == workload.Job || f.Kind == workload.Daemon) {
				report(noPods, fmt.Sprintf("%s (%s) gained a network policy outside the trait's appliesToWorkloads", c.Name, f.Kind))
			}
			if typ == np.TraitType {
				checkPolicy(f, c.Trait(np.TraitType), np, report)
			}
			if slices.Contains(autoscalerTraits, typ) {
				checkAutoscaler(f, report)
			}
			if typ == cfg.Spec.CircuitBreaker.TraitType && !f.HasService() {
				report(inertFix, c.Name+" gained a circuit breaker without a Service")
			}
			if typ == "startup-probe" {
				checkProbe(f, c.Trait("startup-probe").Properties, "startup", report)
			}
		}
		for _, key := range []string{"livenessProbe", "readinessProbe", "probes"} {
			if oam.Get(before.Properties, key) != nil || oam.Get(c.Properties, key) == nil {
				continue
			}
			if f.Definition != nil && !slices.ContainsFunc(f.Definition.ProbeFields, func(p string) bool { return p == key || strings.HasPrefix(p, key+".") }) {
				report(ignoredProbe, fmt.Sprintf("%s gained properties.%s, which definition %s does not render", c.Name, key, f.Definition.Name))
			}
			if f.Definition == nil && !customTypesUse(m, key) {
				report(ignoredProbe, fmt.Sprintf("%s (type %s, no definition) gained properties.%s, which no component of a type without a definition used", c.Name, c.Type, key))
			}
			if key == "probes" {
				oam.Pairs(oam.Get(c.Properties, key), func(k, v *yaml.Node) { checkProbe(f, v, k.Value, report) })
			} else {
				checkProbe(f, oam.Get(c.Properties, key), key, report)
			}
		}
		// A base replica value that changed reaches every environment that
		// inherits the base: only production may have none but itself.
		if inheritors > 0 && replicaValues(before) != replicaValues(c) {
			report(wrongEnvironment, fmt.Sprintf("%s: a base replica setting changed while %d other environment(s) inherit it", c.Name, inheritors))
		}
		for _, pt := range f.Patches {
			if pt.Env == config.EnvProd {
				continue
			}
			// Patches of other environments must not change.
			for _, after := range patchesOf(app, c, cfg) {
				if after.Via == pt.Via && after.Entry.Index == pt.Entry.Index && oam.FlowText(after.Entry.Node) != oam.FlowText(pt.Entry.Node) {
					report(wrongEnvironment, fmt.Sprintf("%s: %s changed", c.Name, pt.Via))
				}
			}
		}
		// Autoscalers added in production patches.
		for _, pt := range patchesOf(app, c, cfg) {
			for _, t := range pt.Entry.Traits {
				if slices.Contains(autoscalerTraits, t.Type) && !hadTrait(f, pt.Via, t.Type) && len(f.Autoscalers()) == 0 {
					checkAutoscaler(f, report)
				}
			}
		}
	}
}

// customTypesUse reports whether a component of a type with no definition
// already had the probe property key in the original app.
func customTypesUse(m *workload.Model, key string) bool {
	for _, f := range m.Facts {
		if f.Definition == nil && oam.Get(f.Component.Properties, key) != nil {
			return true
		}
	}
	return false
}

// patchesOf lists the patches that reach a component in a fixed app.
func patchesOf(app *oam.App, c *oam.Component, cfg *config.Config) []workload.Patch {
	return workload.Build(app, cfg, engine.DefaultCatalog()).Of(c).Patches
}

// hadTrait reports whether the original patch via already had trait typ.
func hadTrait(f *workload.Facts, via, typ string) bool {
	for _, pt := range f.Patches {
		if pt.Via == via && pt.Entry.Node != nil {
			for _, t := range pt.Entry.Traits {
				if t.Type == typ {
					return true
				}
			}
		}
	}
	return false
}

// replicaValues renders a component's own replica settings (autoscaler
// and scaler trait properties, properties.replicas) for comparison.
func replicaValues(c *oam.Component) string {
	var b strings.Builder
	for _, t := range c.Traits {
		if slices.Contains(autoscalerTraits, t.Type) || t.Type == "scaler" {
			b.WriteString(t.Type + oam.FlowText(t.Properties) + ";")
		}
	}
	b.WriteString(oam.Str(oam.Get(c.Properties, "replicas")))
	return b.String()
}

// checkPolicy: an added policy must not cut off how outside traffic comes in.
func checkPolicy(f *workload.Facts, t *oam.Trait, np config.NetworkPolicy, report func(class, what string)) {
	if f.ExposedDirectly() {
		report(cutOffEntry, f.Component.Name+" is exposed by a LoadBalancer/NodePort Service and got a deny-by-default policy")
		return
	}
	var allowed []string
	for _, n := range oam.Items(oam.Get(t.Properties, "allowedNamespaces")) {
		allowed = append(allowed, oam.Str(n))
	}
	for _, e := range f.Exposure {
		key := e.Controller
		if key == "" && e.Kind == "route" {
			key = "gateway-api"
		} else if key == "" {
			key = "default"
		}
		ns := np.IngressNamespaces[key]
		if len(ns) == 0 {
			report(cutOffEntry, fmt.Sprintf("%s is exposed through %s (controller unknown) and got a deny-by-default policy", f.Component.Name, e.Via))
			continue
		}
		for _, n := range ns {
			if !slices.Contains(allowed, n) {
				report(cutOffEntry, fmt.Sprintf("%s is exposed through %s but its policy does not admit namespace %s", f.Component.Name, e.Via, n))
			}
		}
	}
}

// checkAutoscaler: an added autoscaler must be the only replica owner and
// have a CPU request to scale on.
func checkAutoscaler(f *workload.Facts, report func(class, what string)) {
	if len(f.Replicas) > 0 {
		report(secondOwner, fmt.Sprintf("%s gained an autoscaler next to %s", f.Component.Name, f.Replicas[0].Via))
	}
	for _, pt := range f.Patches {
		for _, t := range pt.Entry.Traits {
			if t.Type == "scaler" {
				report(secondOwner, fmt.Sprintf("%s gained an autoscaler while %s gives it a scaler", f.Component.Name, pt.Via))
			}
		}
	}
	if f.CPURequest == "" {
		report(inertFix, f.Component.Name+" gained an autoscaler without a CPU request")
	}
}

// checkProbe: an added probe is TCP, or HTTP on a path the component
// already probes, on one of its container ports.
func checkProbe(f *workload.Facts, probe *yaml.Node, kind string, report func(class, what string)) {
	ports := f.DeclaredPorts()
	if path := oam.Str(oam.GetPath(probe, "httpGet.path")); path != "" {
		if !existingPath(f.Component, path) {
			report(inventedProbe, fmt.Sprintf("%s %s probe on %s, a path the component does not already probe", f.Component.Name, kind, path))
		}
		if port, ok := oam.Int(oam.GetPath(probe, "httpGet.port")); !ok || !slices.Contains(ports, port) && !existingPort(f.Component, port) {
			report(inventedProbe, fmt.Sprintf("%s %s probe on port %v, not a container port %v", f.Component.Name, kind, oam.Str(oam.GetPath(probe, "httpGet.port")), ports))
		}
		return
	}
	port, ok := oam.Int(oam.GetPath(probe, "tcpSocket.port"))
	if !ok || !slices.Contains(ports, port) {
		report(inventedProbe, fmt.Sprintf("%s %s probe is neither HTTP on a known path nor TCP on a container port %v", f.Component.Name, kind, ports))
	}
}

// existingPath reports whether the original component probes path.
func existingPath(c *oam.Component, path string) bool {
	return strings.Contains(oam.FlowText(c.Node), "path: "+path)
}

// existingPort reports whether the original component probes port.
func existingPort(c *oam.Component, port int) bool {
	return strings.Contains(oam.FlowText(c.Node), fmt.Sprintf("port: %d", port))
}

// checkNewDocument: an Application oamfix added (staging, one per
// environment) names nothing for production.
func checkNewDocument(app *oam.App, cfg *config.Config, report func(class, what string)) {
	for _, p := range app.Policies {
		if cfg.EnvironmentOf(p.Name) == config.EnvProd {
			report(wrongEnvironment, fmt.Sprintf("new Application %s has policy %s, named for prod", app.Name, p.Name))
		}
	}
}
