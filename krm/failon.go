package krm

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/fixers"
)

// DefaultFailOn is the failOn severity when neither the functionConfig
// nor Options set one.
const DefaultFailOn = fixers.High

// FailNone is the failOn value "none": no finding fails the function. A
// bad functionConfig, a duplicate key, an item outside the package or a
// rule that errs still does.
const FailNone fixers.Severity = "none"

// ParseFailOn reads a failOn value: critical, high, medium, low or none.
func ParseFailOn(s string) (fixers.Severity, error) {
	sev := fixers.Severity(strings.ToLower(strings.TrimSpace(s)))
	switch sev {
	case fixers.Critical, fixers.High, fixers.Medium, fixers.Low, FailNone:
		return sev, nil
	}
	return "", fmt.Errorf("expected critical, high, medium, low or none, got %q", s)
}

// fails reports whether an open finding of severity sev fails a run whose
// threshold is failOn. It is the one rule for failOn, the same as the
// CLI's --fail-on: every open finding at or above the threshold fails, in
// fix and check mode alike; an info finding never does, and under
// FailNone nothing does.
func fails(sev, failOn fixers.Severity) bool {
	return sev.AtLeast(failOn) // "none" is reached by nothing
}
