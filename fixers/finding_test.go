package fixers

import (
	"strings"
	"testing"
)

// TestSeverityAtLeast is the comparison behind --fail-on and failOn.
func TestSeverityAtLeast(t *testing.T) {
	order := Severities()
	for i, s := range order {
		for j, threshold := range order {
			if got, want := s.AtLeast(threshold), i <= j; got != want {
				t.Errorf("%s.AtLeast(%s) = %v, want %v", s, threshold, got, want)
			}
		}
		for _, none := range []Severity{"", "none"} {
			if s.AtLeast(none) {
				t.Errorf("%s.AtLeast(%q): no threshold is reached", s, none)
			}
		}
	}
}

// TestParseSeverity reads the five names, in any case, and nothing else.
func TestParseSeverity(t *testing.T) {
	for _, s := range Severities() {
		if got, err := ParseSeverity(" " + strings.ToUpper(string(s)) + " "); err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %q, %v", s, got, err)
		}
	}
	for _, bad := range []string{"", "none", "urgent"} {
		if _, err := ParseSeverity(bad); err == nil {
			t.Errorf("ParseSeverity(%q) succeeded", bad)
		}
	}
}
