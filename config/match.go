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

// EnvironmentOf returns EnvDev, EnvStaging or EnvProd for the environment
// that a policy, env, workflow step, namespace or application name refers
// to, or "" if none. The name is lower-cased and split into tokens on "-",
// "_" and "."; an environment word matches a run of tokens (so
// topology-prod and shop-production are prod, product-api is nothing). If
// words of several environments match, the one spanning more tokens wins,
// then the one nearer the end of the name.
func (c *Config) EnvironmentOf(name string) string {
	tokens := tokenize(name)
	best, bestLen, bestEnd := "", 0, 0
	for _, env := range c.Spec.Environments.list() {
		for _, word := range env.words {
			pattern := tokenize(word)
			for start := 0; len(pattern) > 0 && start+len(pattern) <= len(tokens); start++ {
				end := start + len(pattern)
				if !matchTokens(pattern, tokens[start:end]) {
					continue
				}
				if len(pattern) > bestLen || len(pattern) == bestLen && end > bestEnd {
					best, bestLen, bestEnd = env.name, len(pattern), end
				}
			}
		}
	}
	return best
}

// tokenize lower-cases s and splits it on "-", "_" and ".".
func tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == '-' || r == '_' || r == '.'
	})
}

// matchTokens reports whether each token matches its glob pattern.
func matchTokens(patterns, tokens []string) bool {
	for i, p := range patterns {
		if ok, _ := path.Match(p, tokens[i]); !ok {
			return false
		}
	}
	return true
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
