package report

import (
	"sort"
	"strings"

	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/oam"
)

// otherArea holds findings of rules oamfix does not declare.
const otherArea = "Other"

// areaOf returns the review area of a rule.
func areaOf(ruleID string) string {
	if r := fixers.Lookup(ruleID); r != nil && r.Area != "" {
		return r.Area
	}
	return otherArea
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
			if r := fixers.Lookup(f.Rule); r != nil {
				set[f.Rule] = r
				continue
			}
			set[f.Rule] = &fixers.Rule{ID: f.Rule, Doc: "Findings of the " + f.Rule + " check.", Severity: f.Severity}
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

// exemption tells how to exempt a finding, in markdown: a comment on its
// component, or the annotation on its Application.
func exemption(f fixers.Finding) string {
	app := "the Application"
	if f.Resource.Name != "" {
		app = "Application " + code(f.Resource.Name)
	}
	if f.Component != "" {
		return code("# oamfix:ignore "+f.Rule+" -- <reason>") + " on component " + code(f.Component) + " (or its trait), or " +
			code(oam.SkipAnnotation+": "+f.Rule) + " on " + app
	}
	return code(oam.SkipAnnotation+": "+f.Rule) + " in the annotations of " + app
}

// summaryOf is a rule's first sentence, without a trailing period.
func summaryOf(r *fixers.Rule) string {
	return strings.TrimSuffix(r.Summary(), ".")
}
