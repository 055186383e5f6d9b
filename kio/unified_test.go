package kio

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// TestDiffHeadersQuoteNamesAsGitDoes: a file name with a tab, a newline,
// a double quote, a backslash, a space or a non-ASCII letter is written in
// the "---" and "+++" lines exactly as git diff writes it, and git apply
// takes the diff.
func TestDiffHeadersQuoteNamesAsGitDoes(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testenv.Missing(t, "git is not installed")
	}
	names := []string{"tab\there.yaml", "new\nline.yaml", `quote".yaml`, `back\slash.yaml`, "sp ace.yaml", "café.yaml", "bell\a.yaml", "plain.yaml"}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "core.quotePath=true", "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "--quiet", ".")
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("a: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("add", "--all")
	git("commit", "--quiet", "-m", "names")
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("a: 2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		gitDiff := git("diff", "--", n)
		var want []string
		for _, l := range strings.SplitAfter(gitDiff, "\n") {
			if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
				want = append(want, l)
			}
		}
		ours, err := UnifiedDiff(n, []byte("a: 1\n"), []byte("a: 2\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.SplitAfter(ours, "\n"); len(got) < 2 || got[0]+got[1] != strings.Join(want, "") {
			t.Errorf("%q: headers\n%swant git's\n%s", n, strings.Join(got[:min(2, len(got))], ""), strings.Join(want, ""))
		}
		git("checkout", "--quiet", "--", n)
		cmd := exec.Command("git", "apply", "-")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(ours)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%q: git apply: %v\n%s", n, err, out)
		} else if data, _ := os.ReadFile(filepath.Join(dir, n)); string(data) != "a: 2\n" {
			t.Errorf("%q: git apply wrote %q", n, data)
		}
	}
}
