package config

import (
	"path"
	"testing"
)

// TestMatchIsPathMatch checks the fast glob matcher against path.Match on
// every built-in type pattern and a range of names and edge cases.
func TestMatchIsPathMatch(t *testing.T) {
	patterns := []string{"", "*", "**", "a", "a*", "*a", "*a*", "a*a", "a*b*a", "*-rds*", "worker@*", "re[d]is", "re?is", `a\*`, "x*y*z"}
	for _, l := range Default().Spec.Vocabulary.kindLists() {
		patterns = append(patterns, l.Pattern)
	}
	names := []string{"", "a", "aa", "aba", "abba", "ab", "ba", "redis", "my-redis-ha", "aws-rds-db", "worker@v1", "worker", "x/y", "a/a", "xyz", "xzy", "xyyzz", "webservice", "alibaba-redis", "kafka-topic", "é-redis"}
	names = append(names, patterns...)
	for _, p := range patterns {
		for _, n := range names {
			want, _ := path.Match(p, n)
			if got := match(p, n); got != want {
				t.Errorf("match(%q, %q) = %v, path.Match says %v", p, n, got, want)
			}
		}
	}
}
