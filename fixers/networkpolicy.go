package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/oam"
)

// NetworkPolicy adds a default-deny network-policy trait to workloads.
var NetworkPolicy = &Rule{
	ID: "network-policy",
	Doc: `Add a deny-by-default network-policy trait to every workload component that lacks one.

The review flags missing network policies (PCI-DSS). oamfix adds a
network-policy trait (type name configurable in spec.networkPolicy.traitType)
with the review's property names: denyAll true, allowSameApp true (pods of the
same application may still connect), allowedNamespaces (default monitoring and
istio-system) and allowedPorts, the component's own ports as derived from its
properties (never a guessed 8080; omitted when the component exposes none).
Install oamfix's TraitDefinition (oamfix defs) before deploying.`,
	Severity: High,
	Area:     "Security",
	Commit:   "add network policies",
	Fixable:  true,
	Run:      runNetworkPolicy,
}

func runNetworkPolicy(p *Pass) {
	np := p.Config.Spec.NetworkPolicy
	for _, c := range p.App.Components {
		if !p.Workload(c).Kind.HasPods() || c.Trait(np.TraitType) != nil {
			continue
		}
		ps := p.Workload(c).ContainerPorts()
		props := []oam.Pair{
			oam.P("denyAll", true),
			oam.P("allowSameApp", true),
			{Key: "allowedNamespaces", Value: oam.FlowSeq(anyStrings(np.AllowedNamespaces)...)},
		}
		portText := "no ports (the component exposes none)"
		if len(ps) > 0 {
			props = append(props, oam.Pair{Key: "allowedPorts", Value: oam.FlowSeq(anyInts(ps)...)})
			portText = "ports " + intList(ps)
		}
		trait := oam.Map(oam.P("type", np.TraitType), oam.Pair{Key: "properties", Value: oam.Map(props...)})
		p.Report(Where{Component: c}, Finding{
			Message: fmt.Sprintf("component %q has no network policy", c.Name),
			Assumptions: []string{
				"allowed namespaces are oamfix defaults (spec.networkPolicy.allowedNamespaces); add the namespaces of this component's real clients",
				"the " + np.TraitType + " TraitDefinition must be installed in the cluster (oamfix defs | vela def apply -)",
			},
			Remediation: "add a " + np.TraitType + " trait, or exempt the component with # oamfix:ignore network-policy -- reason",
		}, Act(fmt.Sprintf("add a deny-by-default %s trait allowing the same app, namespaces [%s] and %s",
			np.TraitType, strings.Join(np.AllowedNamespaces, ", "), portText), Append(c.Node, "traits", trait)))
	}
}
