package report

import (
	"sort"
	"strings"

	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/oam"
)

// areaOrder lists the areas of an infrastructure review, in report order.
var areaOrder = []string{"Scalability", "Reliability", "Security", "Operations", "Cost", "Data"}

// ruleAreas files each rule under an area of the review.
var ruleAreas = map[string]string{
	"replicas":          "Scalability",
	"critical-floors":   "Scalability",
	"probes":            "Reliability",
	"circuit-breaker":   "Reliability",
	"validate":          "Reliability",
	"cors":              "Security",
	"network-policy":    "Security",
	"staging":           "Operations",
	"rollout":           "Operations",
	"observability":     "Operations",
	"storage":           "Cost",
	"database-replicas": "Cost",
	"spot-instances":    "Cost",
	"backup":            "Data",
}

// otherArea holds rules no area claims.
const otherArea = "Other"

// areaOf returns the review area of a rule.
func areaOf(ruleID string) string {
	if a, ok := ruleAreas[ruleID]; ok {
		return a
	}
	return otherArea
}

// extraRuleDocs describe rule IDs that findings carry but no fixers.Rule
// declares (the engine's validation).
var extraRuleDocs = map[string]string{
	"validate": "Report Application fields that do not match the Application CRD or the known component and trait definitions.",
}

// ruleSet is the rules a report describes, by ID.
type ruleSet map[string]*fixers.Rule

// newRuleSet indexes rules (fixers.All() when nil) and adds a stand-in for
// every rule ID in fs that none of them declares.
func newRuleSet(rules []*fixers.Rule, fs []fixers.Finding) ruleSet {
	if rules == nil {
		rules = fixers.All()
	}
	set := ruleSet{}
	for _, r := range rules {
		set[r.ID] = r
	}
	for _, f := range fs {
		if _, ok := set[f.Rule]; !ok {
			doc := extraRuleDocs[f.Rule]
			if doc == "" {
				doc = "Findings of the " + f.Rule + " check."
			}
			set[f.Rule] = &fixers.Rule{ID: f.Rule, Doc: doc, Severity: f.Severity}
		}
	}
	return set
}

// ids returns the rule IDs, sorted.
func (s ruleSet) ids() []string {
	ids := make([]string, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// exemption tells how to exempt a finding: a comment on its component,
// or the annotation on its Application.
func exemption(f fixers.Finding) string {
	app := f.Resource.Name
	if app == "" {
		app = "the Application"
	} else {
		app = "Application " + app
	}
	if f.Component != "" {
		return "`# oamfix:ignore " + f.Rule + " -- <reason>` on component `" + f.Component + "` (or its trait), or `" +
			oam.SkipAnnotation + ": " + f.Rule + "` on " + app
	}
	return "`" + oam.SkipAnnotation + ": " + f.Rule + "` in the annotations of " + app
}

// summaryOf is a rule's first sentence, without a trailing period.
func summaryOf(r *fixers.Rule) string {
	return strings.TrimSuffix(r.Summary(), ".")
}
