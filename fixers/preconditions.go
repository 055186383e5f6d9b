package fixers

import (
	"fmt"
	"slices"

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
	why := "its pods are created by another controller"
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
	return fail("has-service", fmt.Sprintf("component %q has no Service (no exposed port, no expose or gateway trait), so a DestinationRule for its host would match no traffic", f.Component.Name),
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
