package testenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMissing: a missing input fails the test under CI and is a skip
// printed in the default output elsewhere.
func TestMissing(t *testing.T) {
	out, err := os.Create(filepath.Join(t.TempDir(), "notices"))
	if err != nil {
		t.Fatal(err)
	}
	noticeOnce.Do(func() {}) // keep the real writer out of it
	saved := noticeOut
	noticeOut = out
	t.Cleanup(func() { noticeOut = saved })

	t.Setenv("CI", "true")
	r := (&recorder{}).run(func(t testing.TB) { Missing(t, "kustomize not found") })
	if !r.fatal || r.skipped != "" || !strings.Contains(r.errors[0], "kustomize not found (CI is set") {
		t.Errorf("under CI: fatal %v, skipped %q, errors %v", r.fatal, r.skipped, r.errors)
	}

	t.Setenv("CI", "")
	r = (&recorder{}).run(func(t testing.TB) { Missing(t, "kustomize not found") })
	if r.fatal || r.skipped != "kustomize not found" {
		t.Errorf("outside CI: fatal %v, skipped %q, errors %v", r.fatal, r.skipped, r.errors)
	}
	r = (&recorder{}).run(func(t testing.TB) { Skip(t, "short mode") })
	if r.skipped != "short mode" {
		t.Errorf("Skip: skipped %q", r.skipped)
	}
	if testing.Verbose() {
		return // under -v the skip message shows, and nothing more is printed
	}
	printed, _ := os.ReadFile(out.Name())
	want := regexp.MustCompile(`^SKIP TestSomething \(internal/testenv/skip_test\.go:\d+\): kustomize not found\nSKIP TestSomething \(internal/testenv/skip_test\.go:\d+\): short mode\n$`)
	if !want.Match(printed) {
		t.Errorf("printed %q, want one line per skip naming the test, where it skipped and why", printed)
	}
}
