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

Min replicas rise to the floor (spec.replicas.minReplicas, 3; critical
components 5). Max replicas rise to the capacity model: concurrent users x
requests per user per second / pod capacity gives the pods needed at peak
(50,000 x 1 / 100 = 500 by default), spread over the app's stateless
services and capped by spec.replicas.maxReplicasCap. A CPU target above the
ceiling (70, critical 60) is lowered: the one decrease oamfix makes.

A raise goes where it reaches production and nothing else: into the
component's production override or env-binding patch when it has one (a
value the patch already sets at the floor leaves the base alone), into the
base spec only when no dev or staging environment inherits it, else the
finding stays open saying which environment would inherit it. An
Application that is itself dev or staging (shop-dev in a file with one
document per environment) is left alone.

An autoscaler (the one the app already uses, else
spec.vocabulary.addAutoscaler) is added only where nothing else owns the
replica count (a scaler, another autoscaler such as keda-auto-scaler, a
json-patch or json-merge-patch of spec.replicas, a replicas property the
definition writes, a scaler in an override) and the container requests CPU
(a CPU-utilisation target cannot scale without one); otherwise the finding
says what is missing. It targets the workload the component renders
(StatefulSet, CloneSet). Fields are written with the names the trait already
uses (min or minReplicas).`,
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
	env := workload.EnvironmentsOf(p.App, p.Config)
	if e := env.OfApp(); e == config.EnvDev || e == config.EnvStaging {
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
	appScaler := appAutoscaler(p)
	for _, c := range services {
		r := &replicaRun{p: p, c: c, f: p.Workload(c), t: targetFor(p.Config, c, len(services)), env: env}
		r.scope = r.productionScope()
		r.run(appScaler)
	}
}

// replicaRun works out one service's replica fixes.
type replicaRun struct {
	p     *Pass
	c     *oam.Component
	f     *workload.Facts
	t     scalingTarget
	env   *workload.Environments
	scope prodScope
	seen  map[*yaml.Node]bool // unreadable values already reported
}

// prodScope is where a raise reaches production only.
type prodScope struct {
	// patches are the component's production override entries and
	// env-binding patches.
	patches []workload.Patch
	// policy is a production override policy with no entry for the
	// component (a new entry goes there), when patches is empty.
	policy *oam.Policy
	// inheritors name the non-production environments that inherit the
	// base spec unchanged ("dev (topology-dev)"); a base raise would reach
	// them.
	inheritors []string
}

// productionScope finds the component's production patches, or a
// production override policy to add an entry to, and the environments
// that would inherit a base raise.
func (r *replicaRun) productionScope() prodScope {
	var s prodScope
	for _, pt := range r.f.Patches {
		if pt.Env == config.EnvProd {
			s.patches = append(s.patches, pt)
		}
	}
	if len(s.patches) == 0 {
		for _, pol := range r.p.App.PoliciesOfType("override") {
			if r.env.OfOverride(pol) == config.EnvProd {
				s.policy = pol
				break
			}
		}
	}
	for _, e := range r.env.Envs() {
		if e == config.EnvProd {
			continue
		}
		s.inheritors = append(s.inheritors, e)
	}
	return s
}

// inheritedBy names the non-production environments that take a base
// field unchanged: those without a patch of the component setting field
// in trait typ. Empty when a base raise reaches production only.
func (r *replicaRun) inheritedBy(typ, field string) []string {
	var out []string
	for _, e := range r.scope.inheritors {
		set := false
		for _, pt := range r.f.Patches {
			if pt.Env != e {
				continue
			}
			for _, t := range pt.Entry.Traits {
				if t.Type == typ && oam.GetPath(t.Properties, field) != nil {
					set = true
				}
			}
		}
		if !set {
			out = append(out, e)
		}
	}
	return out
}

func (r *replicaRun) run(appScaler config.Autoscaler) {
	p, c := r.p, r.c
	as, voc, hasAS := autoscalerOf(p.Config, c.Traits)
	sc, scVoc, hasSC := fixedScalerOf(p.Config, c.Traits)
	switch {
	case hasAS:
		if hasSC && !hasApplyOnce(p.App) {
			p.Report(Where{Component: c, Trait: sc}, Finding{
				Severity:    Medium,
				Message:     fmt.Sprintf("component %q has both %s and %s: without an apply-once policy the controller resets the replicas the autoscaler sets on every resync", c.Name, sc.Type, as.Type),
				Remediation: "add an apply-once policy for spec.replicas of this component, or drop the " + sc.Type + " trait",
			}, nil)
		}
		r.raiseAutoscaler(as, voc)
	case hasSC && len(r.f.Autoscalers()) > 0:
		other := r.f.Autoscalers()[0]
		p.Report(Where{Component: c, Trait: sc}, Finding{
			Message:     fmt.Sprintf("component %q is scaled by %s, which oamfix does not know the fields of; its %s only sets a starting count, so oamfix raises neither", c.Name, other.Via, sc.Type),
			Remediation: "raise the autoscaler's minimum to the production floor by hand, or exempt the component with # oamfix:ignore replicas -- reason",
		}, nil)
	case hasSC:
		r.raiseFixed(sc, scVoc)
		p.Report(Where{Component: c, Trait: sc}, Finding{
			Severity:    Info,
			Message:     fmt.Sprintf("component %q has a fixed replica count (%s) and no autoscaler; oamfix does not add one next to %s (KubeVela needs an apply-once policy for that)", c.Name, sc.Type, sc.Type),
			Remediation: "replace " + sc.Type + " with an autoscaler trait, or add an autoscaler plus an apply-once policy for spec.replicas",
		}, nil)
	default:
		if r.raiseProductionOnly() {
			return
		}
		r.addAutoscaler(appScaler)
	}
}

// raiseProductionOnly checks a component whose autoscaler or scaler lives
// only in its production patch (one oamfix may have added there): the
// values it sets are raised in place. It reports whether there was one.
func (r *replicaRun) raiseProductionOnly() bool {
	for _, pt := range r.scope.patches {
		if as, voc, ok := autoscalerOf(r.p.Config, pt.Entry.Traits); ok {
			r.adjust(pt.Via, as, oam.GetPath(as.Properties, fieldName(as, voc.Min)), fieldName(as, voc.Min), r.t.floor, false, fmt.Sprintf("the replica floor for production is %d", r.t.floor))
			r.adjust(pt.Via, as, oam.GetPath(as.Properties, fieldName(as, voc.Max)), fieldName(as, voc.Max), r.t.max, false, r.t.arithmetic)
			if voc.CPU != "" {
				r.adjust(pt.Via, as, oam.GetPath(as.Properties, fieldName(as, voc.CPU)), fieldName(as, voc.CPU), r.t.cpu, true, "scaling starts before pods saturate")
			}
			return true
		}
		if sc, voc, ok := fixedScalerOf(r.p.Config, pt.Entry.Traits); ok {
			checkFixedScalerIn(r.p, r.c, sc, voc, r.t, pt.Via)
			return true
		}
	}
	return false
}

// raiseAutoscaler raises min and max and lowers the CPU target of the
// component's autoscaler, each where it reaches production only.
func (r *replicaRun) raiseAutoscaler(as *oam.Trait, voc config.Autoscaler) {
	t := r.t
	type field struct {
		name  string
		want  int
		lower bool // the CPU target: lowered, not raised
		why   string
	}
	fields := []field{
		{fieldName(as, voc.Min), t.floor, false, fmt.Sprintf("the replica floor for production is %d", t.floor)},
		{fieldName(as, voc.Max), t.max, false, t.arithmetic},
	}
	if voc.CPU != "" {
		fields = append(fields, field{fieldName(as, voc.CPU), t.cpu, true, "scaling starts before pods saturate"})
	}
	var added []oam.Pair // fields for a trait added to a production patch or policy
	var addedText []string
	for _, fd := range fields {
		// A production patch of the same trait that sets the field owns it.
		if pt, patchTrait, node := r.patchField(as.Type, fd.name); node != nil {
			r.adjust(pt.Via, patchTrait, node, fd.name, fd.want, fd.lower, fd.why)
			continue
		}
		base := oam.GetPath(as.Properties, fd.name)
		cur, isNum := oam.Int(base)
		if base != nil && !isNum {
			r.unreadable(as, base, fd.name)
			continue
		}
		needs := base == nil && !fd.lower || isNum && (!fd.lower && cur < fd.want || fd.lower && cur > fd.want)
		if !needs {
			continue
		}
		if len(r.scope.patches) > 0 || r.scope.policy != nil {
			// Production has its own place: set the value there.
			if pt, patchTrait := r.patchTrait(as.Type); patchTrait != nil {
				r.p.Report(Where{Component: r.c, Trait: as, Node: base}, Finding{
					Message:     fmt.Sprintf("%s %s of %q is %s in the base spec, and %s does not set it", as.Type, fd.name, r.c.Name, valueText(base), pt.Via),
					Assumptions: []string{"the load model comes from spec.target and the floors from spec.replicas"},
					Remediation: "set it in the production override, or exempt the component with # oamfix:ignore replicas -- reason",
				}, Act(fmt.Sprintf("set it to %d in %s, for production only (%s)", fd.want, pt.Via, fd.why), Set(patchTrait.Node, "properties."+fd.name, fd.want)))
				continue
			}
			added = append(added, oam.P(fd.name, fd.want))
			addedText = append(addedText, fmt.Sprintf("%s %d", fd.name, fd.want))
			continue
		}
		if inh := r.inheritedBy(as.Type, fd.name); len(inh) > 0 {
			r.p.Report(Where{Component: r.c, Trait: as, Node: base}, Finding{
				Message:     fmt.Sprintf("%s %s of %q is %s; production needs %d (%s), but %s inherit(s) the base spec unchanged, so oamfix does not raise it there", as.Type, fd.name, r.c.Name, valueText(base), fd.want, fd.why, strings.Join(inh, " and ")),
				Remediation: "add an override policy for production that sets it (an override entry for the component with this trait), or exempt the component with # oamfix:ignore replicas -- reason",
			}, nil)
			continue
		}
		r.adjust("", as, base, fd.name, fd.want, fd.lower, fd.why)
	}
	if len(added) > 0 {
		r.addToProduction(as.Type, added, strings.Join(addedText, ", "))
	}
}

// adjust raises (or, for the CPU target, lowers) one field of an
// autoscaler or scaler trait in place: in the base spec (via "") or in a
// production patch.
func (r *replicaRun) adjust(via string, tr *oam.Trait, node *yaml.Node, field string, want int, lower bool, why string) {
	cur, isNum := oam.Int(node)
	if node != nil && !isNum {
		r.unreadable(tr, node, field)
		return
	}
	if node == nil && via != "" {
		return
	}
	where := ""
	if via != "" {
		where = " in " + via
	}
	if lower {
		if !isNum || cur <= want {
			return
		}
		r.p.Report(Where{Component: r.c, Trait: tr, Node: node}, Finding{
			Message:     fmt.Sprintf("%s %s of %q is %d%%%s", tr.Type, field, r.c.Name, cur, where),
			Remediation: "lower it, or exempt the component with # oamfix:ignore replicas -- reason",
		}, Act(fmt.Sprintf("lower it to %d%% so %s", want, why), SetScalar(node, want)))
		return
	}
	if node != nil && cur >= want {
		return
	}
	r.p.Report(Where{Component: r.c, Trait: tr, Node: node}, Finding{
		Message:     fmt.Sprintf("%s %s of %q is %s%s", tr.Type, field, r.c.Name, valueText(node), where),
		Assumptions: []string{"the load model comes from spec.target and the floors from spec.replicas"},
		Remediation: "raise it, or exempt the component with # oamfix:ignore replicas -- reason",
	}, Act(fmt.Sprintf("raise it to %d: %s", want, why), setOrRaise(node, tr.Node, field, want)))
}

// unreadable reports a value oamfix cannot read as a number (a template
// such as ${MIN} or {{ .Values.min }}, 0x1, 1e0, null), once per node:
// nothing is checked or changed there, and the finding says so.
func (r *replicaRun) unreadable(tr *oam.Trait, node *yaml.Node, field string) {
	if r.seen == nil {
		r.seen = map[*yaml.Node]bool{}
	}
	if r.seen[node] {
		return
	}
	r.seen[node] = true
	r.p.Report(Where{Component: r.c, Trait: tr, Node: node}, Finding{
		Severity:    Info,
		Message:     fmt.Sprintf("%s %s of %q is %q, which oamfix cannot read as a whole number (a template or an expression, say), so it checks nothing there", tr.Type, field, r.c.Name, node.Value),
		Remediation: "check the value by hand, or write it as a number",
	}, nil)
}

// patchField finds a production patch whose trait typ sets field.
func (r *replicaRun) patchField(typ, field string) (workload.Patch, *oam.Trait, *yaml.Node) {
	for _, pt := range r.scope.patches {
		for _, t := range pt.Entry.Traits {
			if t.Type == typ {
				if n := oam.GetPath(t.Properties, field); n != nil {
					return pt, t, n
				}
			}
		}
	}
	return workload.Patch{}, nil, nil
}

// patchTrait finds the trait typ in a production patch of the component.
func (r *replicaRun) patchTrait(typ string) (workload.Patch, *oam.Trait) {
	for _, pt := range r.scope.patches {
		for _, t := range pt.Entry.Traits {
			if t.Type == typ {
				return pt, t
			}
		}
	}
	return workload.Patch{}, nil
}

// addToProduction adds a trait with the given fields to the component's
// production patch, or a new entry for the component to the production
// override policy; KubeVela merges traits by type, so only production
// changes.
func (r *replicaRun) addToProduction(typ string, fields []oam.Pair, text string) {
	trait := oam.Map(oam.P("type", typ), oam.Pair{Key: "properties", Value: oam.Map(fields...)})
	var edit Edit
	var where string
	if len(r.scope.patches) > 0 {
		pt := r.scope.patches[0]
		edit, where = Append(pt.Entry.Node, "traits", trait), pt.Via
	} else {
		entry := oam.Map(oam.P("name", r.c.Name), oam.Pair{Key: "traits", Value: oam.Seq(trait)})
		edit, where = Append(r.scope.policy.Node, "properties.components", entry), "override policy "+r.scope.policy.Name
	}
	r.p.Report(Where{Component: r.c}, Finding{
		Message:     fmt.Sprintf("%s of %q is below production's needs (%s), and %s does not set it", typ, r.c.Name, text, where),
		Assumptions: []string{"the load model comes from spec.target and the floors from spec.replicas"},
		Remediation: "set the values in the production override, or exempt the component with # oamfix:ignore replicas -- reason",
	}, Act(fmt.Sprintf("add %s {%s} to %s, so that only production changes: %s", typ, text, where, r.t.arithmetic), edit))
}

// raiseFixed raises a fixed replica count to the floor, where it reaches
// production only.
func (r *replicaRun) raiseFixed(sc *oam.Trait, voc config.FixedScaler) {
	if pt, patchTrait, node := r.patchField(sc.Type, voc.Field); node != nil {
		checkFixedScalerIn(r.p, r.c, patchTrait, voc, r.t, pt.Via)
		return
	}
	node := oam.GetPath(sc.Properties, voc.Field)
	cur, ok := oam.Int(node)
	if node != nil && !ok {
		r.unreadable(sc, node, voc.Field)
		return
	}
	if node != nil && cur >= r.t.floor {
		return
	}
	if len(r.scope.patches) > 0 || r.scope.policy != nil {
		if pt, patchTrait := r.patchTrait(sc.Type); patchTrait != nil {
			r.p.Report(Where{Component: r.c, Trait: sc, Node: node}, Finding{
				Message:     fmt.Sprintf("%s %s of %q is %s in the base spec, and %s does not set it", sc.Type, voc.Field, r.c.Name, valueText(node), pt.Via),
				Remediation: "set it in the production override, or exempt the component with # oamfix:ignore replicas -- reason",
			}, Act(fmt.Sprintf("set it to the production floor of %d in %s", r.t.floor, pt.Via), Set(patchTrait.Node, "properties."+voc.Field, r.t.floor)))
			return
		}
		r.addToProduction(sc.Type, []oam.Pair{oam.P(voc.Field, r.t.floor)}, fmt.Sprintf("%s %d", voc.Field, r.t.floor))
		return
	}
	if inh := r.inheritedBy(sc.Type, voc.Field); len(inh) > 0 {
		r.p.Report(Where{Component: r.c, Trait: sc, Node: node}, Finding{
			Message:     fmt.Sprintf("%s %s of %q is %s; production needs %d, but %s inherit(s) the base spec unchanged, so oamfix does not raise it there", sc.Type, voc.Field, r.c.Name, valueText(node), r.t.floor, strings.Join(inh, " and ")),
			Remediation: "add an override policy for production that sets it, or exempt the component with # oamfix:ignore replicas -- reason",
		}, nil)
		return
	}
	checkFixedScalerIn(r.p, r.c, sc, voc, r.t, "")
}

// addAutoscaler adds the app's autoscaler to a component that has none,
// in production scope, when nothing else owns its replica count and its
// container requests CPU.
func (r *replicaRun) addAutoscaler(voc config.Autoscaler) {
	p, c, f, t := r.p, r.c, r.f, r.t
	props := autoscalerProps(voc, t)
	if voc.Trait == "hpa" {
		if api, kind, ok := hpaTarget(f); ok {
			props.Content = append(props.Content, oam.Scalar("targetAPIVersion"), oam.Scalar(api), oam.Scalar("targetKind"), oam.Scalar(kind))
		}
	}
	trait := oam.Map(oam.P("type", voc.Trait), oam.Pair{Key: "properties", Value: props})
	fix := Act(fmt.Sprintf("add trait %s (min %d, max %d%s): %s", voc.Trait, t.floor, t.max, cpuText(voc, t), t.arithmetic), Append(c.Node, "traits", trait))
	where := ""
	switch {
	case len(r.scope.patches) > 0:
		pt := r.scope.patches[0]
		fix = Act(fmt.Sprintf("add trait %s (min %d, max %d%s) to %s, so that only production scales: %s", voc.Trait, t.floor, t.max, cpuText(voc, t), pt.Via, t.arithmetic), Append(pt.Entry.Node, "traits", trait))
		where = " in production"
	case r.scope.policy != nil:
		entry := oam.Map(oam.P("name", c.Name), oam.Pair{Key: "traits", Value: oam.Seq(trait)})
		fix = Act(fmt.Sprintf("add trait %s (min %d, max %d%s) to override policy %s, so that only production scales: %s", voc.Trait, t.floor, t.max, cpuText(voc, t), r.scope.policy.Name, t.arithmetic), Append(r.scope.policy.Node, "properties.components", entry))
		where = " in production"
	case len(r.scope.inheritors) > 0:
		fix.Require(fail("production-only", fmt.Sprintf("%s would inherit an autoscaler added to the base spec", strings.Join(r.scope.inheritors, " and ")),
			"add it in an override policy for production, or exempt the component with # oamfix:ignore replicas -- reason"))
	}
	fix.Require(soleReplicaOwner(f, voc.Trait), cpuRequested(f, voc), hpaTargetKnown(f, voc))
	p.Report(Where{Component: c}, Finding{
		Message:     fmt.Sprintf("component %q has no autoscaling%s", c.Name, where),
		Assumptions: []string{"the load model comes from spec.target (concurrent users, requests per user per second, pod capacity)"},
		Remediation: "add an autoscaler trait, or exempt the component with # oamfix:ignore replicas -- reason",
	}, fix)
}

// fieldName is the name a trait uses for a vocabulary field: the
// vocabulary's, unless the trait already writes its sibling name
// (min for minReplicas, max for maxReplicas, and back).
func fieldName(t *oam.Trait, field string) string {
	if oam.GetPath(t.Properties, field) != nil {
		return field
	}
	for _, pair := range [][2]string{{"minReplicas", "min"}, {"maxReplicas", "max"}} {
		for _, alt := range [][2]string{pair, {pair[1], pair[0]}} {
			if field == alt[0] && oam.Get(t.Properties, alt[1]) != nil {
				return alt[1]
			}
		}
	}
	return field
}

// valueText is a value for messages: its text, or "unset".
func valueText(n *yaml.Node) string {
	if n == nil {
		return "unset"
	}
	return n.Value
}

// hpaTarget is the scale target the hpa trait needs for what the
// component renders, when it is not its default Deployment.
func hpaTarget(f *workload.Facts) (string, string, bool) {
	switch f.Renders.Kind {
	case "StatefulSet", "CloneSet":
		return f.Renders.APIVersion, f.Renders.Kind, true
	}
	return "", "", false
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

// setOrRaise changes an existing number in place, or sets the field
// (a dotted path below the trait's properties) when it is missing.
func setOrRaise(node, trait *yaml.Node, field string, want int) Edit {
	if node != nil {
		return SetScalar(node, want)
	}
	return Set(trait, "properties."+field, want)
}

// checkFixedScalerIn raises a fixed replica count to the floor, in the
// base spec (via "") or in a production patch (via names it; an unset
// field there is left to the base).
func checkFixedScalerIn(p *Pass, c *oam.Component, sc *oam.Trait, voc config.FixedScaler, t scalingTarget, via string) {
	node := oam.GetPath(sc.Properties, voc.Field)
	cur, ok := oam.Int(node)
	if node != nil && !ok || node != nil && cur >= t.floor || node == nil && via != "" {
		return
	}
	if node == nil {
		cur = 1 // KubeVela's scaler defaults to one replica
	}
	where := ""
	if via != "" {
		where = " in " + via
	}
	p.Report(Where{Component: c, Trait: sc, Node: node}, Finding{
		Message:      fmt.Sprintf("%s %s of %q is %d%s", sc.Type, voc.Field, c.Name, cur, where),
		CurrentValue: fmt.Sprint(cur),
		Remediation:  "raise it, or exempt the component with # oamfix:ignore replicas -- reason",
	}, Act(fmt.Sprintf("raise it to the production floor of %d", t.floor), setOrRaise(node, sc.Node, voc.Field, t.floor)))
}

// topologyEnvironment classifies a topology policy by its name, then its namespace.
func topologyEnvironment(cfg *config.Config, tp *oam.Policy) string {
	return workload.TopologyEnvironment(cfg, tp)
}
