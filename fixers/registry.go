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
	}
}

// Lookup returns the rule with the given ID, or nil.
func Lookup(id string) *Rule {
	for _, r := range All() {
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
