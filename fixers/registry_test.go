package fixers_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
)

// TestEveryRuleIsComplete fails when a rule is added (or renamed) without
// what makes it usable: its doc and summary, a review area, a commit
// subject for fixable rules, golden cases, its entry in the config
// (default.yaml's spec.rules, from which config.RuleIDs is read) and a row
// in the README's rule tables.
func TestEveryRuleIsComplete(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	seen := map[string]bool{}
	for _, r := range fixers.All() {
		ids = append(ids, r.ID)
		if seen[r.ID] {
			t.Errorf("rule %s is registered twice", r.ID)
		}
		seen[r.ID] = true
		if r.Doc == "" || !strings.HasSuffix(r.Summary(), ".") {
			t.Errorf("rule %s: the doc must start with a one-sentence summary ending in a period, got %q", r.ID, r.Summary())
		}
		if !slices.Contains(fixers.Areas, r.Area) {
			t.Errorf("rule %s: area %q is not one of %v", r.ID, r.Area, fixers.Areas)
		}
		if r.Fixable && r.Commit == "" {
			t.Errorf("rule %s is fixable but has no commit subject (Rule.Commit)", r.ID)
		}
		if !r.Fixable && r.Commit != "" {
			t.Errorf("rule %s is check-only but has a commit subject", r.ID)
		}
		if r.Severity.Rank() == 0 && r.Severity != fixers.Info {
			t.Errorf("rule %s: unknown severity %q", r.ID, r.Severity)
		}
		cases, _ := filepath.Glob(filepath.Join("..", "testdata", r.ID, "*", "input.yaml"))
		if len(cases) == 0 {
			t.Errorf("rule %s has no golden case (testdata/%s/<case>/input.yaml)", r.ID, r.ID)
		}
		if !strings.Contains(string(readme), "| `"+r.ID+"` |") {
			t.Errorf("rule %s has no row in the README's rule tables", r.ID)
		}
		if fixers.Lookup(r.ID) != r {
			t.Errorf("Lookup(%q) does not return the registered rule", r.ID)
		}
	}
	if !slices.Equal(ids, config.RuleIDs) {
		t.Errorf("the rules of config/default.yaml (spec.rules) differ from the registry:\n  config:   %v\n  registry: %v", config.RuleIDs, ids)
	}
	if fixers.Lookup(fixers.Validation.ID) != fixers.Validation || seen[fixers.Validation.ID] {
		t.Errorf("validation findings must be described by fixers.Validation, outside the registry")
	}
}
