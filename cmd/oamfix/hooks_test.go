package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// hook is one entry of .pre-commit-hooks.yaml.
type hook struct {
	ID    string `yaml:"id"`
	Entry string `yaml:"entry"`
	Files string `yaml:"files"`
}

// preCommitHooks reads the repository's .pre-commit-hooks.yaml by ID.
func preCommitHooks(t *testing.T) map[string]hook {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string]hook{}
	for _, h := range hooks {
		byID[h.ID] = h
	}
	return byID
}

// git runs git in dir and returns its output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// runHook runs a hook as pre-commit does: its entry with the staged files
// its files pattern matches appended, in the repository's root; the hook
// fails when the entry exits non-zero or changes a file. It returns
// whether the hook passed and the entry's output.
func runHook(t *testing.T, repo, bin string, h hook) (bool, string) {
	t.Helper()
	re := regexp.MustCompile(h.Files)
	var files []string
	for _, f := range strings.Fields(git(t, repo, "diff", "--cached", "--name-only", "--diff-filter=ACMR")) {
		if re.MatchString(f) {
			files = append(files, f)
		}
	}
	entry := strings.Fields(h.Entry)
	if entry[0] != "oamfix" {
		t.Fatalf("hook %s runs %q, not oamfix", h.ID, entry[0])
	}
	cmd := exec.Command(bin, append(entry[1:], files...)...)
	cmd.Dir = repo
	out, err := cmd.CombinedOutput()
	changed := git(t, repo, "diff", "--name-only") != ""
	return err == nil && !changed, string(out)
}

// TestPreCommitHooks runs the hooks of .pre-commit-hooks.yaml for real on
// a temporary git repository, as pre-commit calls them with the staged
// file names: the fix hook fails once with the fixes written, then passes
// once they are staged (check-only findings stay open and do not fail it);
// the check hook fails on the unfixed file and passes on the fixed one.
func TestPreCommitHooks(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testenv.Missing(t, "git is not installed: %v", err)
	}
	hooks := preCommitHooks(t)
	fix, check := hooks["oamfix-fix"], hooks["oamfix-check"]
	if fix.Entry == "" || check.Entry == "" {
		t.Fatalf("hooks oamfix-fix and oamfix-check: %+v", hooks)
	}
	bin := buildBinary(t)
	repo := t.TempDir()
	git(t, repo, "init", "-q")
	os.MkdirAll(filepath.Join(repo, "apps"), 0o755)
	// An app whose team has decided on monitoring elsewhere: after the
	// fixes, medium (rollout) and info findings stay open.
	app := strings.Replace(needsFixes, "  name: shop\n", "  name: shop\n  annotations:\n    oamfix.dev/skip: observability\n", 1)
	writeFile(t, filepath.Join(repo, "apps", "shop.yaml"), app, 0o644)
	writeFile(t, filepath.Join(repo, "apps", "ci.yml"), "on: push\njobs: {}\n", 0o644)
	writeFile(t, filepath.Join(repo, "README.md"), "# apps\n", 0o644)
	git(t, repo, "add", "-A")

	if ok, out := runHook(t, repo, bin, check); ok || !strings.Contains(out, "high [probes]") {
		t.Fatalf("check hook on the unfixed app passed; output:\n%s", out)
	}
	ok, out := runHook(t, repo, bin, fix)
	if ok {
		t.Fatalf("fix hook passed the first time; output:\n%s", out)
	}
	fixed, _ := os.ReadFile(filepath.Join(repo, "apps", "shop.yaml"))
	if !strings.Contains(string(fixed), "readinessProbe") || git(t, repo, "diff", "--name-only") != "apps/shop.yaml\n" {
		t.Fatalf("the fix hook did not write the fixes (and only them):\n%s", fixed)
	}
	t.Logf("fix hook, first run (fails: files changed):\n%s", out)

	git(t, repo, "add", "-u")
	if ok, out := runHook(t, repo, bin, fix); !ok {
		t.Fatalf("fix hook failed after the fixes were staged; output:\n%s", out)
	} else {
		t.Logf("fix hook, after staging (passes):\n%s", out)
	}
	if ok, out := runHook(t, repo, bin, check); !ok || !strings.Contains(out, "medium [rollout]") {
		t.Fatalf("check hook failed on the fixed app (only medium and info findings open); output:\n%s", out)
	}
	git(t, repo, "commit", "-q", "-m", "apps")
}
