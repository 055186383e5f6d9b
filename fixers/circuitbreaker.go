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
The trait does not exist in KubeVela: install oamfix's TraitDefinition
(oamfix defs) before deploying. Workers and data stores are skipped.`,
	Severity: High,
	Area:     "Reliability",
	Commit:   "add circuit breakers",
	Fixable:  true,
	Run:      runCircuitBreaker,
}

func runCircuitBreaker(p *Pass) {
	cb := p.Config.Spec.CircuitBreaker
	for _, c := range p.App.Components {
		if p.Workload(c).Kind != workload.Service || c.Trait(cb.TraitType) != nil {
			continue
		}
		timeout := cb.RecoveryTimeout.String()
		trait := oam.Map(oam.P("type", cb.TraitType), oam.Pair{Key: "properties", Value: oam.Map(
			oam.P("failureThreshold", cb.FailureThreshold),
			oam.P("recoveryTimeout", timeout),
			oam.P("halfOpenMaxCalls", cb.HalfOpenMaxCalls),
		)})
		p.Report(Where{Component: c}, Finding{
			Message: fmt.Sprintf("component %q has no circuit breaker", c.Name),
			Assumptions: []string{
				fmt.Sprintf("thresholds are oamfix defaults from the review (spec.circuitBreaker); tune them to %s's traffic", c.Name),
				"the " + cb.TraitType + " TraitDefinition must be installed in the cluster (oamfix defs | vela def apply -)",
			},
			Remediation: "add a " + cb.TraitType + " trait, or exempt the component with # oamfix:ignore circuit-breaker -- reason",
		}, Act(fmt.Sprintf("add a %s trait (failureThreshold %d, recoveryTimeout %s, halfOpenMaxCalls %d)",
			cb.TraitType, cb.FailureThreshold, timeout, cb.HalfOpenMaxCalls), Append(c.Node, "traits", trait)))
	}
}
