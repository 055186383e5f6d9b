package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
)

// CircuitBreaker adds a circuit-breaker trait to HTTP services that lack one.
var CircuitBreaker = &Rule{
	ID: "circuit-breaker",
	Doc: `Add a circuit-breaker trait to HTTP service components that lack one.

The infrastructure review lists missing circuit breakers among the critical
reliability gaps. oamfix adds a circuit-breaker trait (type name configurable
in spec.circuitBreaker.traitType) with the review's properties:
failureThreshold 5, recoveryTimeout 30s, halfOpenMaxCalls 3 (all configurable).
The trait renders an Istio DestinationRule for the component's Service, so
it needs Istio and oamfix's TraitDefinition (oamfix defs) in the cluster.
It is written only for services that have a Service (an exposed port, or an
expose or gateway trait) and that the trait applies to; for a service with no
Service the finding stays open (a DestinationRule would match no traffic).
Workers, jobs and data stores are skipped.`,
	Severity: High,
	Area:     "Reliability",
	Commit:   "add circuit breakers",
	Fixable:  true,
	Run:      runCircuitBreaker,
}

func runCircuitBreaker(p *Pass) {
	cb := p.Config.Spec.CircuitBreaker
	for _, c := range p.App.Components {
		f := p.Workload(c)
		if f.Kind != workload.Service || c.Trait(cb.TraitType) != nil {
			continue
		}
		timeout := cb.RecoveryTimeout.String()
		trait := oam.Map(oam.P("type", cb.TraitType), oam.Pair{Key: "properties", Value: oam.Map(
			oam.P("failureThreshold", cb.FailureThreshold),
			oam.P("recoveryTimeout", timeout),
			oam.P("halfOpenMaxCalls", cb.HalfOpenMaxCalls),
		)})
		fix := Act(fmt.Sprintf("add a %s trait (failureThreshold %d, recoveryTimeout %s, halfOpenMaxCalls %d)",
			cb.TraitType, cb.FailureThreshold, timeout, cb.HalfOpenMaxCalls), Append(c.Node, "traits", trait))
		fix.Require(hasService(f), traitApplies(p.Model, f, cb.TraitType))
		severity := Severity("")
		if !f.HasService() {
			severity = Low // no Service: nothing calls it through the mesh
		}
		p.Report(Where{Component: c}, Finding{
			Severity: severity,
			Message:  fmt.Sprintf("component %q has no circuit breaker", c.Name),
			Assumptions: []string{
				fmt.Sprintf("thresholds are oamfix defaults from the review (spec.circuitBreaker); tune them to %s's traffic", c.Name),
				"the " + cb.TraitType + " trait renders an Istio DestinationRule: it needs Istio, and oamfix's TraitDefinition installed in the cluster (oamfix defs | vela def apply -)",
			},
			Remediation: "add a " + cb.TraitType + " trait, or exempt the component with # oamfix:ignore circuit-breaker -- reason",
		}, fix)
	}
}
