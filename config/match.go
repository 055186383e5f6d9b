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
		if match(p, s) {
			return true
		}
	}
	return false
}

// match is path.Match, without its cost for the patterns type lists are
// made of: a name, or a name with "*" wildcards (matched on a name without
// "/", which "*" would not cross).
func match(pattern, s string) bool {
	for i := 0; i < len(pattern); i++ {
		if c := pattern[i]; c == '?' || c == '[' || c == '\\' {
			ok, _ := path.Match(pattern, s)
			return ok
		}
	}
	if strings.IndexByte(s, '/') >= 0 {
		ok, _ := path.Match(pattern, s)
		return ok
	}
	i := strings.IndexByte(pattern, '*')
	if i < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:i]) {
		return false
	}
	s, pattern = s[i:], pattern[i+1:]
	for {
		j := strings.IndexByte(pattern, '*')
		if j < 0 {
			return strings.HasSuffix(s, pattern)
		}
		k := strings.Index(s, pattern[:j])
		if k < 0 {
			return false
		}
		s, pattern = s[k+j:], pattern[j+1:]
	}
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
	v.eachPattern(func(p TypePattern) bool {
		out = append(out, p)
		return false
	})
	return out
}

// eachPattern calls fn with the vocabulary's type patterns in the order of
// kindLists, until fn returns true.
func (v Vocabulary) eachPattern(fn func(TypePattern) bool) {
	for _, l := range [...]struct {
		kind     string
		patterns []string
	}{
		{CloudKind, v.CloudTypes}, {ReferenceKind, v.ReferenceTypes}, {JobKind, v.JobTypes}, {DaemonKind, v.DaemonTypes},
		{ServiceKind, v.ServiceTypes}, {WorkerKind, v.WorkerTypes}, {DataStoreKind, v.DataStoreTypes},
	} {
		for _, p := range l.patterns {
			if fn(TypePattern{l.kind, p}) {
				return
			}
		}
	}
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
	types := [2]string{strings.ToLower(componentType), strings.ToLower(stripVersion(componentType))}
	var found TypeMatch
	for _, user := range [2]bool{true, false} {
		if user && len(v.UserTypes) == 0 {
			continue
		}
		for _, t := range types {
			v.eachPattern(func(p TypePattern) bool {
				if (len(v.UserTypes) > 0 && v.isUser(p)) != user || !match(p.Pattern, t) {
					return false
				}
				found = TypeMatch{Kind: p.Kind, Field: "spec.vocabulary." + listField[p.Kind], Pattern: p.Pattern, User: user}
				return true
			})
			if found.Kind != "" {
				return found
			}
		}
	}
	return found
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
