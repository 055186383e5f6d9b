package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// CriticalFloors reports critical components below the configured floors
// where the replicas rule does not reach.
var CriticalFloors = &Rule{
	ID: "critical-floors",
	Doc: `Report critical components whose replicas, CPU or memory are below the floors for the critical path.

Critical components are those in spec.criticalComponents. Two floors:

- Replicas: at least spec.replicas.criticalMinReplicas (default 5). The
  replicas rule raises this floor on service components itself, so this rule
  only reports what it does not reach: critical workers and other
  non-service components (from an autoscaler minimum, a fixed scaler, a
  replicas property, or a worker's default of one replica), and services
  exempted from the replicas rule or with the replicas rule off. Data stores
  are left to the database-replicas rule.
- Resources: a CPU request below spec.checks.criticalCPU (500m) or a memory
  request below spec.checks.criticalMemory (512Mi), read from the cpu and
  memory properties (KubeVela's webservice and worker set them as request
  and limit), resources.requests, and the resource trait. A component with
  no CPU or memory setting is not reported.

Check only: the right size comes from a load test at spec.target.`,
	Severity: High,
	Area:     "Scalability",
	Run:      runCriticalFloors,
}

// Built-in resource floors of critical components.
func runCriticalFloors(p *Pass) {
	for _, c := range p.App.Components {
		if !p.Config.IsCritical(c.Name) {
			continue
		}
		if kind := p.Workload(c).Kind; kind != workload.DataStore && kind.HasPods() && !replicasRuleCovers(p, c, kind) {
			criticalReplicaFloor(p, c, kind)
		}
		criticalResourceFloors(p, c)
	}
}

// replicasRuleCovers reports whether the replicas rule raises this
// component's floor itself: a service, with the rule on and not exempted.
func replicasRuleCovers(p *Pass, c *oam.Component, kind workload.Kind) bool {
	if kind != workload.Service || p.Config.Mode(Replicas.ID) == config.ModeOff {
		return false
	}
	as, _, _ := autoscalerOf(p.Config, c.Traits)
	if as == nil {
		as, _, _ = fixedScalerOf(p.Config, c.Traits)
	}
	_, exempt := p.App.Exempt(Replicas.ID, c, as)
	return !exempt
}

// criticalReplicaFloor reports a replica count below the critical floor.
func criticalReplicaFloor(p *Pass, c *oam.Component, kind workload.Kind) {
	floor := p.Config.Spec.Replicas.CriticalMinReplicas
	var node *yaml.Node
	var trait *oam.Trait
	if as, voc, ok := autoscalerOf(p.Config, c.Traits); ok {
		node, trait = oam.GetPath(as.Properties, voc.Min), as
	} else if sc, voc, ok := fixedScalerOf(p.Config, c.Traits); ok {
		node, trait = oam.GetPath(sc.Properties, voc.Field), sc
	} else {
		node = oam.Get(c.Properties, "replicas")
	}
	cur, ok := oam.Int(node)
	current := ""
	switch {
	case ok:
		current = node.Value
	case node == nil && (trait != nil || kind == workload.Worker):
		cur, current = 1, "1 (the default)"
	default:
		return // not a number, or nothing known about this component's replicas
	}
	if cur >= floor {
		return
	}
	p.Report(Where{Component: c, Trait: trait, Node: node}, Finding{
		Message: fmt.Sprintf("critical component %q runs %s replica(s), below the critical floor of %d (spec.replicas.criticalMinReplicas): losing one pod takes away %d%% of its capacity",
			c.Name, current, floor, 100/max(cur, 1)),
		CurrentValue:  fmt.Sprint(cur),
		ProposedValue: fmt.Sprint(floor),
		Assumptions:   []string{"the floor comes from spec.replicas.criticalMinReplicas"},
		Remediation:   fmt.Sprintf("run at least %d replicas (an autoscaler minimum or a fixed replica count), or exempt it with # oamfix:ignore critical-floors -- reason", floor),
	}, nil)
}

// criticalResourceFloors reports CPU and memory requests below the floors.
func criticalResourceFloors(p *Pass, c *oam.Component) {
	type place struct {
		props *yaml.Node
		trait *oam.Trait
	}
	places := []place{{c.Properties, nil}, {oam.GetPath(c.Properties, "resources.requests"), nil}}
	for _, t := range c.Traits {
		if t.Type == "resource" {
			places = append(places, place{t.Properties, t}, place{oam.Get(t.Properties, "requests"), t})
		}
	}
	for _, pl := range places {
		checks := p.Config.Spec.Checks
		for _, r := range []struct{ key, floor string }{{"cpu", checks.CriticalCPU}, {"memory", checks.CriticalMemory}} {
			node := oam.Get(pl.props, r.key)
			have, _, ok := parseQuantity(oam.Str(node))
			want, _, _ := parseQuantity(r.floor)
			if !ok || have >= want {
				continue
			}
			p.Report(Where{Component: c, Trait: pl.trait, Node: node}, Finding{
				Message: fmt.Sprintf("critical component %q requests %s %s, below the %s floor for critical components (%d%% short)",
					c.Name, node.Value, r.key, r.floor, percentLess(want, have)),
				CurrentValue:  node.Value,
				ProposedValue: r.floor,
				Assumptions:   []string{fmt.Sprintf("the floors (%s CPU, %s memory) come from spec.checks.criticalCPU and spec.checks.criticalMemory", checks.CriticalCPU, checks.CriticalMemory)},
				Remediation:   fmt.Sprintf("raise %s to at least %s, sized by a load test at spec.target; or exempt it with # oamfix:ignore critical-floors -- reason", r.key, r.floor),
			}, nil)
		}
	}
}
