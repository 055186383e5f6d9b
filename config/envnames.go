package config

import (
	"strings"
	"unicode"

	"github.com/oamfix/oamfix/internal/memo"
)

// Environment names: how oamfix reads and writes the environment word in
// policy, env, workflow step, namespace and application names. One
// tokenizer serves EnvironmentOf (which environment a name refers to) and
// the renaming the staging rule does (shop-prod becomes shop-staging).

// nameToken is one "-", "_" or "." separated token of a name, lower-cased,
// with its byte range in the name.
type nameToken struct {
	lower      string
	start, end int
}

// tokenize splits a name into its tokens.
func tokenize(s string) []nameToken {
	var out []nameToken
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' || s[i] == '_' || s[i] == '.' {
			if start >= 0 {
				out = append(out, nameToken{strings.ToLower(s[start:i]), start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

// wordPatterns memoizes tokenize for the environment words of configs
// (1,024 of them; later words are tokenized each time): a handful of
// words is matched against every name a run reads.
var wordPatterns = memo.New[[]nameToken](1 << 10)

// wordTokens is tokenize(word), memoized.
func wordTokens(word string) []nameToken {
	if t, ok := wordPatterns.GetString(word); ok {
		return t
	}
	t := tokenize(word)
	wordPatterns.PutString(word, t)
	return t
}

// envMatch is where a word of an environment matches a name.
type envMatch struct {
	env         string
	tokens      int // how many tokens the word spans
	end         int // index of the token after the match
	start, stop int // byte range in the name
}

// better reports whether m should win over o: the match spanning more
// tokens, then the one nearer the end of the name.
func (m envMatch) better(o envMatch) bool {
	return m.tokens > o.tokens || m.tokens == o.tokens && m.end > o.end
}

// match finds the best match of the given environments' words in name.
func (c *Config) match(name string, only string) (envMatch, bool) {
	toks := tokenize(name)
	var best envMatch
	for _, env := range c.Spec.Environments.list() {
		if only != "" && env.name != only {
			continue
		}
		for _, word := range env.words {
			pattern := wordTokens(word)
			for start := 0; len(pattern) > 0 && start+len(pattern) <= len(toks); start++ {
				end := start + len(pattern)
				if !matchTokens(pattern, toks[start:end]) {
					continue
				}
				m := envMatch{env.name, len(pattern), end, toks[start].start, toks[end-1].end}
				if m.better(best) {
					best = m
				}
			}
		}
	}
	return best, best.tokens > 0
}

// matchTokens reports whether each token matches its glob pattern.
func matchTokens(patterns, tokens []nameToken) bool {
	for i, p := range patterns {
		if !match(p.lower, tokens[i].lower) {
			return false
		}
	}
	return true
}

// EnvironmentOf returns EnvDev, EnvStaging or EnvProd for the environment
// that a policy, env, workflow step, namespace or application name refers
// to, or "" if none. The name is lower-cased and split into tokens on "-",
// "_" and "."; an environment word matches a run of tokens (so
// topology-prod and shop-production are prod, product-api is nothing). If
// words of several environments match, the one spanning more tokens wins,
// then the one nearer the end of the name.
func (c *Config) EnvironmentOf(name string) string {
	m, _ := c.match(name, "")
	return m.env
}

// EnvironmentWord returns the word of env that name uses ("production" in
// shop-production), or env itself when it uses none.
func (c *Config) EnvironmentWord(name, env string) string {
	if m, ok := c.match(name, env); ok {
		return name[m.start:m.stop]
	}
	return env
}

// ReplaceEnvironment replaces the word of env in name with word, in the
// case the name wrote it: shop-prod becomes shop-staging, SHOP-PROD
// becomes SHOP-STAGING. A name ending in a plain word without a separator
// (deploy2prod) works too. It reports false when name has no such word.
func (c *Config) ReplaceEnvironment(name, env, word string) (string, bool) {
	if m, ok := c.match(name, env); ok {
		return name[:m.start] + CaseLike(name[m.start:m.stop], word) + name[m.stop:], true
	}
	lower := strings.ToLower(name)
	for _, w := range c.Spec.Environments.words(env) {
		w = strings.ToLower(w)
		if strings.ContainsAny(w, "*?[-_.") || !strings.HasSuffix(lower, w) || len(lower) == len(w) {
			continue
		}
		i := len(name) - len(w)
		if r := rune(name[i-1]); unicode.IsLetter(r) {
			continue
		}
		return name[:i] + CaseLike(name[i:], word) + name[i+len(w):], true
	}
	return name, false
}

// StripEnvironment removes the word of env (and one separator) from name:
// shop-prod becomes shop.
func (c *Config) StripEnvironment(name, env string) string {
	m, ok := c.match(name, env)
	if !ok {
		return name
	}
	a, b := m.start, m.stop
	switch {
	case a > 0:
		a--
	case b < len(name):
		b++
	}
	return name[:a] + name[b:]
}

// StagingWord names staging in new policy, env and step names: the first
// plain single-token word of spec.environments.staging.
func (c *Config) StagingWord() string {
	for _, w := range c.Spec.Environments.Staging {
		if w != "" && !strings.ContainsAny(w, "*?[-_.") {
			return strings.ToLower(w)
		}
	}
	return EnvStaging
}

// StagingNamespaceWord names staging in namespaces: spec.staging.namespaceSuffix
// without its separator, else StagingWord.
func (c *Config) StagingNamespaceWord() string {
	if w := strings.TrimLeft(c.Spec.Staging.NamespaceSuffix, "-_."); w != "" {
		return w
	}
	return c.StagingWord()
}

// words returns the configured words of one environment.
func (e Environments) words(env string) []string {
	for _, x := range e.list() {
		if x.name == env {
			return x.words
		}
	}
	return nil
}

// CaseLike writes word in the case of model: PROD gives STAGING, Prod
// gives Staging, prod gives staging.
func CaseLike(model, word string) string {
	if model != "" && strings.ToUpper(model) == model && strings.ToLower(model) != model {
		return strings.ToUpper(word)
	}
	if r := []rune(model); len(r) > 0 && unicode.IsUpper(r[0]) {
		w := []rune(word)
		w[0] = unicode.ToUpper(w[0])
		return string(w)
	}
	return word
}
