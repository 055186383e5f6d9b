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
	DataStoreKind = "datastore"
)

// KindOf classifies a component type as ServiceKind, WorkerKind or
// DataStoreKind, or "" if the vocabulary does not know it. The type is
// matched as written first (patterns may contain "@", as in worker@*),
// then without a version suffix such as @v1.
func (v Vocabulary) KindOf(componentType string) string {
	kinds := []struct {
		kind     string
		patterns []string
	}{{ServiceKind, v.ServiceTypes}, {WorkerKind, v.WorkerTypes}, {DataStoreKind, v.DataStoreTypes}}
	for _, t := range []string{componentType, stripVersion(componentType)} {
		for _, k := range kinds {
			if MatchAny(k.patterns, t) {
				return k.kind
			}
		}
	}
	return ""
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
