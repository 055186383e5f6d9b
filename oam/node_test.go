package oam

import "testing"

// TestNeedsQuotes: new strings that YAML 1.1 or 1.2 would read as another type get quotes.
func TestNeedsQuotes(t *testing.T) {
	for s, want := range map[string]bool{"30s": false, "0755": true, "1:30": true, ".5": true, "1_000": true, "yes": true, "https://a.example.com": false, "8080": true, "nginx:1.25": false, "1.10": true, "v1": false, "*": true, "true": true, "abc": false} {
		if got := needsQuotes(s); got != want {
			t.Errorf("%q: %v", s, got)
		}
	}
}
