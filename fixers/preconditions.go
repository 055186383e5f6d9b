package fixers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/workload"
)

// Preconditions: small named checks over the workload model that a fix
// requires (Fix.Require). When one does not hold, the engine leaves the
// finding open with its reason and remedy and writes nothing for it.

// hold is a precondition that holds.
func hold(name string) Precondition { return Precondition{Name: name, Holds: true} }

// fail is a precondition that does not hold.
func fail(name, reason, remedy string) Precondition {
	return Precondition{Name: name, Reason: reason, Remedy: remedy}
}

// hasPods: the component runs pods of its own.
func hasPods(f *workload.Facts) Precondition {
	if f.Kind.HasPods() {
		return hold("has-pods")
	}
	return fail("has-pods", fmt.Sprintf("component %q is a %s: it runs no pods of its own", f.Component.Name, f.Kind),
		"nothing to do here; if it does run pods, say what it renders with --definitions or spec.vocabulary")
}

// labelledPods: the component's pods carry KubeVela's labels, so a trait
// that selects them (a NetworkPolicy) reaches them.
func labelledPods(f *workload.Facts) Precondition {
	if f.Labelled {
		return hold("labelled-pods")
	}
	why := "its pods are created by another controller (an operator, say), not labelled by KubeVela"
	if f.Component.BaseType() == "k8s-objects" || f.Component.BaseType() == "raw" {
		why = "the pod template it embeds has no app.oam.dev/component label"
	}
	return fail("labelled-pods", fmt.Sprintf("%s, so a policy selecting app.oam.dev/component=%s would select nothing", why, f.Component.Name),
		"write the policy for the pods' own labels by hand")
}

// traitApplies: the trait's definition applies to what the component
// renders (its appliesToWorkloads).
func traitApplies(m *workload.Model, f *workload.Facts, trait string) Precondition {
	if ok, why := m.TraitApplies(trait, f); !ok {
		return fail("trait-applies", why, "leave it, or extend the trait's appliesToWorkloads if it should")
	}
	return hold("trait-applies")
}

// hasService: a Service of the component sends traffic to it.
func hasService(f *workload.Facts) Precondition {
	if f.HasService() {
		return hold("has-service")
	}
	return fail("has-service", fmt.Sprintf("component %q has no Service named after it (no exposed port, no expose or gateway trait, no embedded Service of that name), so a DestinationRule for its host would match no traffic", f.Component.Name),
		"expose a port (ports: [{port: N, expose: true}]) if other services call it")
}

// ingressAllowed: traffic from outside the app reaches the component only
// through controllers whose namespaces the config lists; their namespaces
// are returned for the policy to admit. A LoadBalancer or NodePort Service,
// or a controller oamfix cannot place, fails.
func ingressAllowed(f *workload.Facts, np config.NetworkPolicy) (Precondition, []string) {
	var namespaces []string
	for _, e := range f.Exposure {
		switch e.Kind {
		case "loadbalancer", "nodeport":
			return fail("ingress-controller-known", fmt.Sprintf("component %q is reached from outside the cluster through %s; a deny-by-default policy would cut its clients off", f.Component.Name, e.Via),
				"write a policy that admits its clients' addresses (ipBlock) by hand, or exempt the component"), nil
		}
		key := e.Controller
		switch {
		case key == "" && e.Kind == "route":
			key = "gateway-api"
		case key == "" && e.Kind == "ingress":
			key = "default"
		}
		ns, ok := np.IngressNamespaces[key]
		if !ok || len(ns) == 0 {
			what := "controller " + key
			switch {
			case e.Kind == "route":
				what = "a Gateway API route, whose gateway oamfix cannot see"
			case e.Controller == "":
				what = "an Ingress with no class"
			}
			return fail("ingress-controller-known", fmt.Sprintf("component %q is reached from outside the app through %s (%s), whose pods' namespace oamfix does not know; a deny-by-default policy would cut off its traffic", f.Component.Name, e.Via, what),
				fmt.Sprintf("set spec.networkPolicy.ingressNamespaces.%s to the namespace(s) of that controller", key)), nil
		}
		for _, n := range ns {
			if !slices.Contains(namespaces, n) {
				namespaces = append(namespaces, n)
			}
		}
	}
	return hold("ingress-controller-known"), namespaces
}

// soleReplicaOwner: nothing but the autoscaler being added would own the
// replica count: no scaler, no other autoscaler, no json-patch of
// spec.replicas, no replicas property the definition writes, and no
// override or env patch giving it one.
func soleReplicaOwner(f *workload.Facts, adding string) Precondition {
	var owners []string
	for _, o := range f.Replicas {
		owners = append(owners, o.Via)
	}
	for _, pt := range f.Patches {
		for _, t := range pt.Entry.Traits {
			if t.Type != adding && isReplicaTrait(t.Type) {
				owners = append(owners, "trait "+t.Type+" in "+pt.Via)
			}
		}
	}
	if len(owners) == 0 {
		return hold("sole-replica-owner")
	}
	return fail("sole-replica-owner", fmt.Sprintf("%s already set(s) the replica count of %q; a second owner would fight it", strings.Join(owners, ", "), f.Component.Name),
		"scale through the existing owner, or replace it with an autoscaler (with an apply-once policy for spec.replicas if a scaler stays)")
}

// isReplicaTrait reports whether a trait type names a replica owner.
func isReplicaTrait(typ string) bool {
	t := strings.ToLower(typ)
	return strings.Contains(t, "scaler") || strings.Contains(t, "hpa") || strings.Contains(t, "autoscal") || strings.HasPrefix(t, "keda")
}

// cpuRequested: the container requests CPU, so a CPU-utilisation target
// can scale. An autoscaler without a CPU target does not need it.
func cpuRequested(f *workload.Facts, voc config.Autoscaler) Precondition {
	if f.CPURequest != "" || voc.CPU == "" && voc.Trait != "hpa" && voc.Trait != "cpuscaler" {
		return hold("cpu-request")
	}
	return fail("cpu-request", fmt.Sprintf("component %q requests no CPU, so the %s trait's CPU-utilisation target cannot scale it (only its minimum would apply)", f.Component.Name, voc.Trait),
		"set the component's CPU request (properties.cpu), then run oamfix again")
}

// hpaTargetKnown: the autoscaler can target what the component renders:
// a Deployment, or a StatefulSet or CloneSet (named in the hpa trait's
// targetKind); anything else it cannot scale.
func hpaTargetKnown(f *workload.Facts, voc config.Autoscaler) Precondition {
	switch f.Renders.Kind {
	case "", "Deployment":
		return hold("scalable-workload")
	case "StatefulSet", "CloneSet":
		if voc.Trait == "hpa" {
			return hold("scalable-workload")
		}
	}
	return fail("scalable-workload", fmt.Sprintf("component %q renders a %s, which the %s trait does not target", f.Component.Name, f.Renders, voc.Trait),
		"add an autoscaler that targets it by hand")
}
