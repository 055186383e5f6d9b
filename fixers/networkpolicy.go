package fixers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
)

// NetworkPolicy adds a default-deny network-policy trait to workloads.
var NetworkPolicy = &Rule{
	ID: "network-policy",
	Doc: `Add a deny-by-default network-policy trait to components whose pods lack one.

The review flags missing network policies (PCI-DSS). oamfix adds a
network-policy trait (type name configurable in spec.networkPolicy.traitType)
with the review's property names: denyAll true, allowSameApp true (pods of the
same application may still connect), allowedNamespaces (default monitoring and
istio-system) and allowedPorts, the component's container ports as the
workload model reads them (never a guessed 8080; omitted when it has none).

It is written only where it is safe: on components that run pods of their
own, labelled by KubeVela (not cloud resources, operator requests or embedded
objects whose pods lack app.oam.dev/component), that the trait applies to
(its appliesToWorkloads: Deployments, StatefulSets, CloneSets; not Jobs,
CronJobs or DaemonSets). A component the app exposes through a gateway,
ingress, route, Istio or Knative also admits the namespaces of that
controller (spec.networkPolicy.ingressNamespaces, by ingress class); when
the controller is not listed there, or the component takes traffic straight
from a LoadBalancer or NodePort Service, the policy would cut off its own
traffic, so the finding stays open with the reason. Install oamfix's
TraitDefinition (oamfix defs) before deploying.`,
	Severity: High,
	Area:     "Security",
	Commit:   "add network policies",
	Fixable:  true,
	Run:      runNetworkPolicy,
}

func runNetworkPolicy(p *Pass) {
	np := p.Config.Spec.NetworkPolicy
	for _, c := range p.App.Components {
		f := p.Workload(c)
		if c.Trait(np.TraitType) != nil || f.Kind == workload.Unknown {
			continue
		}
		pods := hasPods(f)
		if !pods.Holds {
			continue // nothing to protect: a cloud resource or a reference
		}
		ingress, controllers := ingressAllowed(f, np)
		namespaces := slices.Clone(np.AllowedNamespaces)
		for _, n := range controllers {
			if !slices.Contains(namespaces, n) {
				namespaces = append(namespaces, n)
			}
		}
		ps := f.ContainerPorts()
		props := []oam.Pair{
			oam.P("denyAll", true),
			oam.P("allowSameApp", true),
			{Key: "allowedNamespaces", Value: oam.FlowSeq(anyStrings(namespaces)...)},
		}
		portText := "no port restriction (no container port is declared)"
		if len(ps) > 0 {
			props = append(props, oam.Pair{Key: "allowedPorts", Value: oam.FlowSeq(anyInts(ps)...)})
			portText = "ports " + intList(ps)
		}
		assumptions := []string{
			"allowed namespaces are oamfix defaults (spec.networkPolicy.allowedNamespaces); add the namespaces of this component's real clients",
			"the " + np.TraitType + " TraitDefinition must be installed in the cluster (oamfix defs | vela def apply -)",
		}
		if len(controllers) > 0 {
			assumptions = append(assumptions, fmt.Sprintf("the ingress controller's namespaces [%s] come from spec.networkPolicy.ingressNamespaces", strings.Join(controllers, ", ")))
		}
		if f.Kind == workload.DataStore {
			assumptions = append(assumptions, "a data store: the app's own pods keep access on its ports (allowSameApp); clients outside the app need their namespace listed")
		}
		trait := oam.Map(oam.P("type", np.TraitType), oam.Pair{Key: "properties", Value: oam.Map(props...)})
		fix := Act(fmt.Sprintf("add a deny-by-default %s trait allowing the same app, namespaces [%s] and %s",
			np.TraitType, strings.Join(namespaces, ", "), portText), Append(c.Node, "traits", trait))
		fix.Require(labelledPods(f), traitApplies(p.Model, f, np.TraitType), ingress)
		severity := Severity("")
		if f.Kind == workload.Job {
			severity = Low // a job takes no traffic in
		}
		p.Report(Where{Component: c}, Finding{
			Severity:    severity,
			Message:     fmt.Sprintf("component %q has no network policy", c.Name),
			Assumptions: assumptions,
			Remediation: "add a " + np.TraitType + " trait, or exempt the component with # oamfix:ignore network-policy -- reason",
		}, fix)
	}
}
