package fixers

import (
	"fmt"
	"math"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Replicas raises replica floors and autoscaling ceilings to the target load.
var Replicas = &Rule{
	ID: "replicas",
	Doc: `Raise replica floors and autoscaling ceilings of stateless services to what the target load needs.

Applies to service components in production scope: the base spec, override
policies for production, and production env-binding patches (never dev
overrides, and never an Application that is itself a dev or staging
environment, such as shop-dev in a file with one document per environment). Min replicas rise to the floor (spec.replicas.minReplicas, 3;
critical components 5). Max replicas rise to the capacity model: concurrent
users x requests per user per second / pod capacity gives the pods needed at
peak (50,000 x 1 / 100 = 500 by default), spread over the app's stateless
services and capped by spec.replicas.maxReplicasCap. A CPU target above the
ceiling (70, critical 60) is lowered: the one decrease oamfix makes. A
component with no scaling trait gets the vocabulary's autoscaler (the one the
app already uses, else spec.vocabulary.addAutoscaler); a component pinned by
scaler alone has its replicas raised, and oamfix never adds an autoscaler
next to scaler, which KubeVela only supports with an apply-once policy.`,
	Severity: High,
	Area:     "Scalability",
	Commit:   "raise replica floors and autoscaling ceilings",
	Fixable:  true,
	Run:      runReplicas,
}

// scalingTarget is what one component needs.
type scalingTarget struct {
	floor, max, cpu int
	arithmetic      string
}

func runReplicas(p *Pass) {
	if env := appEnvironment(p); env == "dev" || env == "staging" {
		// One Application per environment: a dev or staging app is not
		// production scope, and staging replicas are scaled down on purpose.
		return
	}
	var services []*oam.Component
	for _, c := range p.App.Components {
		if p.Workload(c).Kind == workload.Service {
			services = append(services, c)
		}
	}
	if len(services) == 0 {
		return
	}
	targets := map[*oam.Component]scalingTarget{}
	for _, c := range services {
		targets[c] = targetFor(p.Config, c, len(services))
	}
	appScaler := appAutoscaler(p)
	for _, c := range services {
		t := targets[c]
		if as, voc, ok := autoscalerOf(p.Config, c.Traits); ok {
			checkAutoscaler(p, c, as, voc, t, false)
			if sc, _, ok := fixedScalerOf(p.Config, c.Traits); ok && !hasApplyOnce(p.App) {
				p.Report(Where{Component: c, Trait: sc}, Finding{
					Severity:    Medium,
					Message:     fmt.Sprintf("component %q has both %s and %s: without an apply-once policy the controller resets the replicas the autoscaler sets on every resync", c.Name, sc.Type, as.Type),
					Remediation: "add an apply-once policy for spec.replicas of this component, or drop the " + sc.Type + " trait",
				}, nil)
			}
			continue
		}
		if sc, voc, ok := fixedScalerOf(p.Config, c.Traits); ok {
			checkFixedScaler(p, c, sc, voc, t, false)
			p.Report(Where{Component: c, Trait: sc}, Finding{
				Severity:    Info,
				Message:     fmt.Sprintf("component %q has a fixed replica count (%s) and no autoscaler; oamfix does not add one next to %s (KubeVela needs an apply-once policy for that)", c.Name, sc.Type, sc.Type),
				Remediation: "replace " + sc.Type + " with an autoscaler trait, or add an autoscaler plus an apply-once policy for spec.replicas",
			}, nil)
			continue
		}
		voc := appScaler
		props := autoscalerProps(voc, t)
		p.Report(Where{Component: c}, Finding{
			Message:     fmt.Sprintf("component %q has no autoscaling", c.Name),
			Assumptions: []string{"the load model comes from spec.target (concurrent users, requests per user per second, pod capacity)"},
			Remediation: "add an autoscaler trait, or exempt the component with # oamfix:ignore replicas -- reason",
		}, Act(fmt.Sprintf("add trait %s (min %d, max %d%s): %s", voc.Trait, t.floor, t.max, cpuText(voc, t), t.arithmetic),
			Append(c.Node, "traits", oam.Map(oam.P("type", voc.Trait), oam.Pair{Key: "properties", Value: props}))))
	}
	checkProductionOverrides(p, services, targets)
}

// targetFor computes a component's floor, ceiling and CPU target.
func targetFor(cfg *config.Config, c *oam.Component, services int) scalingTarget {
	r := cfg.Spec.Replicas
	floor, cpu := r.MinReplicas, r.TargetCPU
	label := ""
	if cfg.IsCritical(c.Name) {
		floor, cpu, label = r.CriticalMinReplicas, r.CriticalTargetCPU, " (critical)"
	}
	tg := cfg.Spec.Target
	pods := tg.RequiredPods()
	per := int(math.Ceil(float64(pods) / float64(services)))
	max := min(per, r.MaxReplicasCap)
	max = maxInt(max, floor)
	arith := fmt.Sprintf("%d users x %g req/s / %g req/s per pod = %d pods at peak, over %d stateless service(s) = %d each, capped at %d%s",
		tg.ConcurrentUsers, tg.RequestsPerUserPerSecond, tg.PodCapacityRPS, pods, services, per, r.MaxReplicasCap, label)
	return scalingTarget{floor: floor, max: max, cpu: cpu, arithmetic: arith}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// appAutoscaler is the autoscaler vocabulary the app already uses, else
// the configured one to add.
func appAutoscaler(p *Pass) config.Autoscaler {
	for _, c := range p.App.Components {
		if _, voc, ok := autoscalerOf(p.Config, c.Traits); ok {
			return voc
		}
	}
	for _, a := range p.Config.Spec.Vocabulary.Autoscalers {
		if a.Trait == p.Config.Spec.Vocabulary.AddAutoscaler {
			return a
		}
	}
	return config.Autoscaler{Trait: "hpa", Min: "min", Max: "max", CPU: "cpu.value"}
}

// cpuText describes the CPU target for messages.
func cpuText(voc config.Autoscaler, t scalingTarget) string {
	if voc.CPU == "" {
		return ""
	}
	return fmt.Sprintf(", CPU target %d%%", t.cpu)
}

// autoscalerProps builds a new autoscaler trait's properties.
func autoscalerProps(voc config.Autoscaler, t scalingTarget) *yaml.Node {
	m := oam.Map()
	setPath(m, voc.Min, t.floor)
	setPath(m, voc.Max, t.max)
	if voc.CPU != "" {
		setPath(m, voc.CPU, t.cpu)
	}
	return m
}

// setPath sets an int at a dotted path, creating mappings on the way.
func setPath(m *yaml.Node, path string, v int) {
	parts := strings.Split(path, ".")
	for _, k := range parts[:len(parts)-1] {
		m = oam.Ensure(m, k, yaml.MappingNode)
	}
	oam.SetField(m, parts[len(parts)-1], oam.Scalar(v))
}

// hasApplyOnce reports whether the app has an apply-once policy.
func hasApplyOnce(app *oam.App) bool {
	return len(app.PoliciesOfType("apply-once")) > 0
}

// checkAutoscaler raises min and max and lowers the CPU target of one
// autoscaler trait (in the spec or in an override).
//
// In an override (override is true), only values the override sets are
// raised: an unset field falls back to the base component, which is
// checked on its own.
func checkAutoscaler(p *Pass, c *oam.Component, as *oam.Trait, voc config.Autoscaler, t scalingTarget, override bool) {
	name := c.Name
	raise := func(field string, want int, why string) {
		node := oam.GetPath(as.Properties, field)
		cur, ok := oam.Int(node)
		if node != nil && !ok || node == nil && override {
			return // not a number (a template, say), or left to the base
		}
		if node != nil && cur >= want {
			return
		}
		current := "unset"
		if node != nil {
			current = node.Value
		}
		p.Report(Where{Component: c, Trait: as, Node: node}, Finding{
			Message:     fmt.Sprintf("%s %s of %q is %s", as.Type, field, name, current),
			Assumptions: []string{"the load model comes from spec.target and the floors from spec.replicas"},
			Remediation: "raise it, or exempt the component with # oamfix:ignore replicas -- reason",
		}, Act(fmt.Sprintf("raise it to %d: %s", want, why), setOrRaise(node, as.Node, field, want)))
	}
	raise(voc.Min, t.floor, fmt.Sprintf("the replica floor for production is %d", t.floor))
	raise(voc.Max, t.max, t.arithmetic)
	if voc.CPU == "" {
		return
	}
	node := oam.GetPath(as.Properties, voc.CPU)
	if cur, ok := oam.Int(node); ok && cur > t.cpu {
		p.Report(Where{Component: c, Trait: as, Node: node}, Finding{
			Message:     fmt.Sprintf("%s %s of %q is %d%%", as.Type, voc.CPU, name, cur),
			Remediation: "lower it, or exempt the component with # oamfix:ignore replicas -- reason",
		}, Act(fmt.Sprintf("lower it to %d%% so scaling starts before pods saturate", t.cpu), SetScalar(node, t.cpu)))
	}
}

// setOrRaise changes an existing number in place, or sets the field
// (a dotted path below the trait's properties) when it is missing.
func setOrRaise(node, trait *yaml.Node, field string, want int) Edit {
	if node != nil {
		return SetScalar(node, want)
	}
	return Set(trait, "properties."+field, want)
}

// checkFixedScaler raises a fixed replica count to the floor.
func checkFixedScaler(p *Pass, c *oam.Component, sc *oam.Trait, voc config.FixedScaler, t scalingTarget, override bool) {
	node := oam.GetPath(sc.Properties, voc.Field)
	cur, ok := oam.Int(node)
	if node != nil && !ok || node != nil && cur >= t.floor || node == nil && override {
		return
	}
	if node == nil {
		cur = 1 // KubeVela's scaler defaults to one replica
	}
	p.Report(Where{Component: c, Trait: sc, Node: node}, Finding{
		Message:      fmt.Sprintf("%s %s of %q is %d", sc.Type, voc.Field, c.Name, cur),
		CurrentValue: fmt.Sprint(cur),
		Remediation:  "raise it, or exempt the component with # oamfix:ignore replicas -- reason",
	}, Act(fmt.Sprintf("raise it to the production floor of %d", t.floor), setOrRaise(node, sc.Node, voc.Field, t.floor)))
}

// checkProductionOverrides applies the same floors to scaling traits in
// production override policies and production env-binding patches.
func checkProductionOverrides(p *Pass, services []*oam.Component, targets map[*oam.Component]scalingTarget) {
	type entry struct {
		name, typ string
		traits    []*oam.Trait
	}
	var entries []entry
	for _, pol := range p.App.PoliciesOfType("override") {
		if !productionPolicy(p, pol) {
			continue
		}
		for _, o := range pol.Overrides() {
			entries = append(entries, entry{o.Name, o.Type, o.Traits})
		}
	}
	for _, pol := range p.App.PoliciesOfType("env-binding") {
		for _, env := range oam.Items(oam.Get(pol.Properties, "envs")) {
			envName := oam.Str(oam.Get(env, "name"))
			if p.Config.EnvironmentOf(envName) != "prod" {
				continue
			}
			for _, comp := range oam.Items(oam.GetPath(env, "patch.components")) {
				entries = append(entries, entry{oam.Str(oam.Get(comp, "name")), oam.Str(oam.Get(comp, "type")), overrideTraits(comp)})
			}
		}
	}
	for _, e := range entries {
		o := &oam.OverrideComponent{Name: e.name, Type: e.typ}
		for _, c := range services {
			if !o.Matches(c) {
				continue
			}
			t := targets[c]
			if as, voc, ok := autoscalerOf(p.Config, e.traits); ok {
				checkAutoscaler(p, c, as, voc, t, true)
			}
			if sc, voc, ok := fixedScalerOf(p.Config, e.traits); ok {
				checkFixedScaler(p, c, sc, voc, t, true)
			}
			break // one component's target is enough for an entry
		}
	}
}

// overrideTraits reads the traits of an override-like component entry.
func overrideTraits(comp *yaml.Node) []*oam.Trait {
	pol := &oam.Policy{Properties: oam.Map(oam.Pair{Key: "components", Value: oam.Seq(comp)})}
	if o := pol.Overrides(); len(o) == 1 {
		return o[0].Traits
	}
	return nil
}

// productionPolicy reports whether an override policy targets production:
// by its name, or because a deploy step uses it with a production topology.
func productionPolicy(p *Pass, pol *oam.Policy) bool {
	if p.Config.EnvironmentOf(pol.Name) == "prod" {
		return true
	}
	if p.Config.EnvironmentOf(pol.Name) != "" || p.App.Workflow == nil {
		return false
	}
	for _, s := range p.App.Workflow.Steps {
		if s.Type != "deploy" {
			continue
		}
		uses, prod := false, false
		for _, n := range oam.Items(oam.Get(s.Properties, "policies")) {
			name := oam.Str(n)
			if name == pol.Name {
				uses = true
			}
			if tp := p.App.Policy(name); tp != nil && tp.Type == "topology" && topologyEnvironment(p.Config, tp) == "prod" {
				prod = true
			}
		}
		if uses && prod {
			return true
		}
	}
	return false
}

// appEnvironment classifies the Application itself by its name, then its
// namespace ("shop-dev", namespace "shop-staging").
func appEnvironment(p *Pass) string {
	if env := p.Config.EnvironmentOf(p.App.Name); env != "" {
		return env
	}
	return p.Config.EnvironmentOf(p.App.Namespace)
}

// topologyEnvironment classifies a topology policy by its name, then its namespace.
func topologyEnvironment(cfg *config.Config, tp *oam.Policy) string {
	if env := cfg.EnvironmentOf(tp.Name); env != "" {
		return env
	}
	return cfg.EnvironmentOf(oam.Str(oam.Get(tp.Properties, "namespace")))
}
