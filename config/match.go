package config

import (
	"path"
	"strings"
)

// Mode returns the configured mode of the rule ruleID, ModeFix by default.
func (c *Config) Mode(ruleID string) Mode {
	if rc, ok := c.Spec.Rules[ruleID]; ok && rc.Mode != "" {
		return rc.Mode
	}
	return ModeFix
}

// SeverityOf returns the severity configured for a rule
// (spec.rules.<id>.severity), or "" for the rule's own.
func (c *Config) SeverityOf(ruleID string) string {
	return c.Spec.Rules[ruleID].Severity
}

// IsCritical reports whether the component name matches one of
// spec.criticalComponents.
func (c *Config) IsCritical(component string) bool {
	return MatchAny(c.Spec.CriticalComponents, component)
}

// MatchAny reports whether s matches one of the glob patterns (path.Match
// syntax, case-sensitive). Malformed patterns match nothing.
func MatchAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

// Component kinds, as KindOf returns them.
const (
	ServiceKind   = "service"
	WorkerKind    = "worker"
	JobKind       = "job"
	DaemonKind    = "daemon"
	DataStoreKind = "datastore"
	CloudKind     = "cloud"
	ReferenceKind = "reference"
)

// TypePattern is one type glob of the vocabulary and the kind it means.
type TypePattern struct {
	Kind    string `json:"kind" yaml:"kind"`
	Pattern string `json:"pattern" yaml:"pattern"`
}

// kindLists are the vocabulary's type lists in the order KindOf tries
// them: the narrower kinds first, so that alibaba-redis is a cloud
// resource and kafka-topic a reference before *redis* or kafka* could call
// them data stores.
func (v Vocabulary) kindLists() []TypePattern {
	var out []TypePattern
	for _, l := range []struct {
		kind     string
		patterns []string
	}{
		{CloudKind, v.CloudTypes}, {ReferenceKind, v.ReferenceTypes}, {JobKind, v.JobTypes}, {DaemonKind, v.DaemonTypes},
		{ServiceKind, v.ServiceTypes}, {WorkerKind, v.WorkerTypes}, {DataStoreKind, v.DataStoreTypes},
	} {
		for _, p := range l.patterns {
			out = append(out, TypePattern{l.kind, p})
		}
	}
	return out
}

// listField names the vocabulary list of each kind.
var listField = map[string]string{
	ServiceKind: "serviceTypes", WorkerKind: "workerTypes", JobKind: "jobTypes", DaemonKind: "daemonTypes",
	DataStoreKind: "dataStoreTypes", CloudKind: "cloudTypes", ReferenceKind: "referenceTypes",
}

// TypeMatch is what the vocabulary says of a component type.
type TypeMatch struct {
	// Kind is one of the kinds above, "" when no pattern matches.
	Kind string
	// Field and Pattern name the list and the glob that matched
	// (spec.vocabulary.serviceTypes, "java-war").
	Field, Pattern string
	// User is true when the config file set the pattern (it then comes
	// before the definitions), false for oamfix's built-in lists.
	User bool
}

// KindOf classifies a component type by the vocabulary's type lists. The
// type is matched as written first (patterns may contain "@", as in
// worker@*), then without a version suffix such as @v1. Patterns the
// config file set win over the built-in ones.
func (v Vocabulary) KindOf(componentType string) TypeMatch {
	lists := v.kindLists()
	for _, user := range []bool{true, false} {
		for _, t := range []string{componentType, stripVersion(componentType)} {
			for _, p := range lists {
				if v.isUser(p) != user {
					continue
				}
				if ok, _ := path.Match(p.Pattern, strings.ToLower(t)); ok {
					return TypeMatch{Kind: p.Kind, Field: "spec.vocabulary." + listField[p.Kind], Pattern: p.Pattern, User: user}
				}
			}
		}
	}
	return TypeMatch{}
}

// isUser reports whether the config file set the pattern.
func (v Vocabulary) isUser(p TypePattern) bool {
	for _, u := range v.UserTypes {
		if u == p {
			return true
		}
	}
	return false
}

// stripVersion removes a definition version suffix ("@v1", "@v1.2.0")
// from a component type.
func stripVersion(t string) string {
	i := strings.LastIndexByte(t, '@')
	if i <= 0 {
		return t
	}
	v := t[i+1:]
	if len(v) < 2 || v[0] != 'v' || v[1] < '0' || v[1] > '9' {
		return t
	}
	return t[:i]
}
