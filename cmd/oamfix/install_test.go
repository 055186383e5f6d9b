package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// installTag is the release tag the clean clone's HEAD gets: the version
// every install path must report. (A v2+ tag would need a /v2 module path
// for Go's own stamping.)
const installTag = "v0.9.0"

// cleanClone commits the working tree (tracked files and new files git
// does not ignore, so uncommitted work is tested too) to a fresh
// repository, tags it installTag and returns that repository, the
// "remote" a user clones.
func cleanClone(t *testing.T) string {
	t.Helper()
	root := testenv.ModuleRoot(t)
	origin := filepath.Join(t.TempDir(), "origin")
	list := git(t, root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for name := range strings.SplitSeq(strings.TrimSuffix(list, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(filepath.Join(root, name))
		os.MkdirAll(filepath.Dir(filepath.Join(origin, name)), 0o755)
		writeFile(t, filepath.Join(origin, name), string(data), info.Mode().Perm())
	}
	git(t, origin, "init", "-q")
	git(t, origin, "add", "-A")
	git(t, origin, "commit", "-q", "-m", "release")
	git(t, origin, "tag", installTag)
	return origin
}

// goEnv is the environment of a user's shell with Go installed: no go
// env file (so no -buildvcs=false or other local setting), no GOBIN, a
// fresh GOPATH; the build and module caches are this machine's, and the
// network is off (every module is in the cache).
func goEnv(t *testing.T, gopath string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "GOBIN", "GOFLAGS", "GOPATH", "GOENV", "GOPROXY", "GOTOOLCHAIN", "GOCACHE", "GOMODCACHE":
		default:
			env = append(env, kv)
		}
	}
	for _, k := range []string{"GOCACHE", "GOMODCACHE"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+strings.TrimSpace(string(out)))
	}
	return append(env, "GOPATH="+gopath, "GOENV=off", "GOPROXY=off", "GOTOOLCHAIN=local", "GIT_CONFIG_GLOBAL="+os.DevNull)
}

// sh runs a bash script in dir with env and returns its combined output
// and exit code.
func sh(t *testing.T, dir string, env []string, script string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// readmeInstall returns the commands of the README's Install section.
func readmeInstall(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Install\n")
	_, block, ok2 := strings.Cut(section, "```sh\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no ## Install section with a sh block")
	}
	return block
}

// TestInstallFromCleanClone follows the README's Install section on a
// clean clone of the working tree: make install puts an oamfix that runs
// where it says (GOPATH/bin) and stamps the tag; go install ./cmd/oamfix
// stamps it too; make dist builds and checksums the host's archive, whose
// binary runs; and the GitHub Action's steps build oamfix from the
// action's files (without git history, as the runner downloads them) and
// run it.
func TestInstallFromCleanClone(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "builds oamfix several times; not with -short")
	}
	for _, tool := range []string{"git", "make", "bash", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "%s is not installed: %v", tool, err)
		}
	}
	origin := cleanClone(t)
	home := t.TempDir()
	gopath := filepath.Join(home, "go")
	env := goEnv(t, gopath)

	// The README's commands, with the clone URL pointing at the local copy.
	script := readmeInstall(t)
	script = strings.Replace(script, "git clone https://github.com/oamfix/oamfix.git", "git clone -q "+origin+" oamfix", 1)
	if !strings.Contains(script, origin) {
		t.Fatalf("the Install section no longer clones with `git clone https://github.com/oamfix/oamfix.git`:\n%s", script)
	}
	out, code := sh(t, home, env, script)
	if lines := strings.Split(out, "\n"); len(lines) > 12 {
		t.Logf("README Install section (exit %d):\n%s\n[... the example's diff ...]\n%s", code, strings.Join(lines[:6], "\n"), strings.Join(lines[len(lines)-4:], "\n"))
	}
	if _, err := os.Stat(filepath.Join(gopath, "bin", "oamfix")); err != nil {
		t.Fatalf("make install put no oamfix in GOPATH/bin: %v", err)
	}
	if !strings.Contains(out, "oamfix "+installTag+"\n") || !strings.Contains(out, "+++ b/examples/parking-platform.yaml") {
		t.Errorf("the installed oamfix does not report %s or show the example's diff", installTag)
	}
	clone := filepath.Join(home, "oamfix")

	// Without make.
	gobin := filepath.Join(home, "gobin")
	if out, code := sh(t, clone, append(env, "GOBIN="+gobin), "go install ./cmd/oamfix && "+filepath.Join(gobin, "oamfix")+" version"); code != 0 || out != "oamfix "+installTag+"\n" {
		t.Errorf("go install ./cmd/oamfix: exit %d, %q; want oamfix %s", code, out, installTag)
	}

	// The release recipe, for the host.
	dist := filepath.Join(home, "dist")
	host := runtime.GOOS + "/" + runtime.GOARCH
	if out, code := sh(t, clone, env, "make dist PLATFORMS="+host+" DIST="+dist); code != 0 {
		t.Fatalf("make dist: exit %d\n%s", code, out)
	}
	archive := fmt.Sprintf("oamfix_%s_%s_%s.tar.gz", installTag, runtime.GOOS, runtime.GOARCH)
	checkDist(t, dist, archive)

	t.Run("action", func(t *testing.T) { actionSteps(t, clone, env) })
}

// checkDist checks the release folder: checksums.txt names the archive
// with its SHA-256, and the archive's oamfix runs and reports the tag.
func checkDist(t *testing.T, dist, archive string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dist, archive))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	sums, _ := os.ReadFile(filepath.Join(dist, "checksums.txt"))
	if want := hex.EncodeToString(sum[:]) + "  " + archive + "\n"; string(sums) != want {
		t.Errorf("checksums.txt is %q, want %q", sums, want)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	bin := filepath.Join(t.TempDir(), "oamfix")
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if filepath.Base(h.Name) == "oamfix" {
			b, _ := io.ReadAll(tr)
			writeFile(t, bin, string(b), 0o755)
		}
	}
	prefix := strings.TrimSuffix(archive, ".tar.gz") + "/"
	for _, want := range []string{"oamfix", "LICENSE", "README.md", "CHANGELOG.md"} {
		if !strings.Contains(strings.Join(names, " "), prefix+want) {
			t.Errorf("%s has no %s%s: %v", archive, prefix, want, names)
		}
	}
	if out, err := exec.Command(bin, "version").Output(); err != nil || string(out) != "oamfix "+installTag+"\n" {
		t.Errorf("the archive's oamfix: %v, %q", err, out)
	}
	t.Logf("make dist: %s (%d bytes), checksums.txt verified, its oamfix reports %s", archive, len(data), installTag)
}

// actionStep is one step of action.yml.
type actionStep struct {
	Name string            `yaml:"name"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

// actionSteps runs the shell steps of action.yml as the runner does, with
// the inputs in their environment: the build step on the action's files
// without their git history, then check and fix on a workspace.
func actionSteps(t *testing.T, clone string, env []string) {
	data, err := os.ReadFile(filepath.Join(clone, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct{ Default string } `yaml:"inputs"`
		Runs   struct{ Steps []actionStep }        `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	step := func(name string) string {
		for _, s := range action.Runs.Steps {
			if s.Name == name {
				if strings.Contains(s.Run, "${{") {
					t.Fatalf("step %q uses an expression in its script; pass it through env", name)
				}
				return s.Run
			}
		}
		t.Fatalf("action.yml has no step %q", name)
		return ""
	}
	// The runner downloads the action as an archive: no .git.
	if err := os.RemoveAll(filepath.Join(clone, ".git")); err != nil {
		t.Fatal(err)
	}
	runner := t.TempDir()
	githubPath := filepath.Join(runner, "github_path")
	base := append(env, "GITHUB_ACTION_PATH="+clone, "RUNNER_TEMP="+runner, "GITHUB_PATH="+githubPath, "OAMFIX_REF="+installTag)
	out, code := sh(t, runner, base, step("Build oamfix from the action's checkout"))
	added, _ := os.ReadFile(githubPath)
	bin := filepath.Join(strings.TrimSpace(string(added)), "oamfix")
	if code != 0 || out != "oamfix "+installTag+"\n" {
		t.Fatalf("build step: exit %d\n%s", code, out)
	}
	withInputs := func(inputs map[string]string) []string {
		e := append(base, "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
		for _, name := range []string{"mode", "paths", "config", "rules", "fail-on", "fail-on-empty"} {
			v, ok := inputs[name]
			if !ok {
				v = action.Inputs[name].Default
			}
			e = append(e, "OAMFIX_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+"="+v)
		}
		return e
	}

	if out, code := sh(t, runner, withInputs(map[string]string{"mode": "lint"}), step("Check the inputs")); code != 2 || !strings.Contains(out, "mode must be check, fix or pr") {
		t.Errorf("a bad mode: exit %d\n%s", code, out)
	}
	ws := t.TempDir()
	os.MkdirAll(filepath.Join(ws, "apps"), 0o755)
	writeFile(t, filepath.Join(ws, "apps", "shop.yaml"), needsFixes, 0o644)
	out, code = sh(t, ws, withInputs(map[string]string{"paths": "apps"}), step("oamfix (check)"))
	sarif, _ := os.ReadFile(filepath.Join(ws, "oamfix.sarif"))
	if code != 1 || !json.Valid(sarif) || !strings.Contains(string(sarif), `"ruleId": "probes"`) || !strings.Contains(out, "1 Application checked") {
		t.Errorf("check step: exit %d, want 1 with a SARIF log\n%s", code, out)
	}
	if out, code := sh(t, ws, withInputs(map[string]string{"paths": "apps", "fail-on": "critical"}), step("oamfix (check)")); code != 0 {
		t.Errorf("check step, fail-on critical: exit %d, want 0\n%s", code, out)
	}
	writeFile(t, filepath.Join(ws, "deploy.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n", 0o644)
	if out, code := sh(t, ws, withInputs(map[string]string{"paths": "deploy.yaml"}), step("oamfix (check)")); code != 2 || !strings.Contains(out, "no KubeVela Application found") {
		t.Errorf("check step on no Application: exit %d, want 2\n%s", code, out)
	}
	out, code = sh(t, ws, withInputs(map[string]string{"paths": "apps", "mode": "fix"}), step("oamfix --fix"))
	fixed, _ := os.ReadFile(filepath.Join(ws, "apps", "shop.yaml"))
	if code != 1 || !strings.Contains(string(fixed), "readinessProbe") || !strings.Contains(out, "high [observability]") {
		t.Errorf("fix step: exit %d, want 1 (observability stays open) and the fixes written\n%s", code, out)
	}
	t.Logf("action: built %s from the action's files without git history; check, fix and the input check behave", installTag)
}
