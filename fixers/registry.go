package fixers

import (
	"fmt"
	"sort"
	"strings"
)

// All returns every rule in the order they run: fixable rules first, each
// seeing the edits of those before it, then check-only rules.
func All() []*Rule {
	return []*Rule{
		Replicas,
		Probes,
		CORS,
		CircuitBreaker,
		NetworkPolicy,
		Staging,
		Backup,
		Observability,
		Rollout,
		Storage,
		DatabaseReplicas,
		SpotInstances,
		CriticalFloors,
		UnknownType,
	}
}

// Areas are the sections of an infrastructure review, in report order;
// every rule's Area is one of them.
var Areas = []string{"Scalability", "Reliability", "Security", "Operations", "Cost", "Data"}

// Validation describes the findings of the engine's own validation of
// fixed Applications (--validate). It is not in All: it has no Run and
// --rules cannot select it.
var Validation = &Rule{
	ID:       "validate",
	Doc:      "Report Application fields that do not match the Application CRD or the known component and trait definitions.",
	Severity: High,
	Area:     "Reliability",
}

// Exemption describes findings about exemptions that name no rule; like
// Validation it is reported by the engine and is not in All.
var Exemption = &Rule{
	ID:       "exemption",
	Doc:      "Report exemptions (the oamfix.dev/skip annotation, # oamfix:ignore comments) that name no rule oamfix has, so that a typo does not silently exempt nothing.",
	Severity: Low,
	Area:     "Operations",
}

// Lookup returns the rule with the given ID (Validation and Exemption
// included), or nil.
func Lookup(id string) *Rule {
	for _, r := range append(All(), Validation, Exemption) {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Select parses a --rules value: "all", "none", or comma-separated rule IDs.
func Select(list string) ([]*Rule, error) {
	list = strings.TrimSpace(list)
	switch list {
	case "", "all":
		return All(), nil
	case "none":
		return nil, nil
	}
	want := map[string]bool{}
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if Lookup(id) == nil {
			return nil, fmt.Errorf("unknown rule %q in --rules (known: %s)", id, strings.Join(IDs(), ", "))
		}
		want[id] = true
	}
	var out []*Rule
	for _, r := range All() {
		if want[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// IDs lists every rule ID, sorted.
func IDs() []string {
	var ids []string
	for _, r := range All() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}
