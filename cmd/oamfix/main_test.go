package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// oamfix runs the CLI in-process and returns exit code, stdout and stderr.
func oamfix(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// copyTree copies a folder into a temp dir and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			files[p] = string(data)
		}
		return nil
	})
	return files
}

// fixable lists the rules that fix; check-only rules keep findings open by design.
const fixable = "replicas,probes,cors,circuit-breaker,network-policy,staging"

const needsFixes = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: api # the public API
      type: webservice
      properties:
        image: shop/api:1.0
        cpu: "500m"
        ports:
          - port: 8080
            expose: true
`

func TestCheckFixAndIdempotence(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.yaml")
	os.WriteFile(app, []byte(needsFixes), 0o640)

	code, out, _ := oamfix(t, "", dir)
	if code != 1 || !strings.Contains(out, "[probes]") {
		t.Fatalf("check: exit %d, want 1 with probe findings; output:\n%s", code, out)
	}
	if data, _ := os.ReadFile(app); string(data) != needsFixes {
		t.Fatal("check mode wrote the file")
	}

	code, diff, _ := oamfix(t, "", "--diff", dir)
	if code != 1 || !strings.HasPrefix(diff, "--- a/") || !strings.Contains(diff, "\n+") || !strings.Contains(diff, "readinessProbe") {
		t.Fatalf("--diff: exit %d, want 1 and a diff adding the probes; output:\n%s", code, diff)
	}
	if data, _ := os.ReadFile(app); string(data) != needsFixes {
		t.Fatal("--diff alone wrote the file")
	}

	code, _, errOut := oamfix(t, "", "--fix", "--rules", fixable, dir)
	if code != 0 {
		t.Fatalf("--fix: exit %d, stderr:\n%s", code, errOut)
	}
	fixed, _ := os.ReadFile(app)
	if !strings.Contains(string(fixed), "readinessProbe") || !strings.HasPrefix(string(fixed), needsFixes[:120]) {
		t.Fatalf("--fix did not write the expected fixes:\n%s", fixed)
	}
	if info, _ := os.Stat(app); info.Mode().Perm() != 0o640 {
		t.Errorf("file mode changed to %v", info.Mode().Perm())
	}

	code, _, _ = oamfix(t, "", "--fix", "--rules", fixable, dir)
	again, _ := os.ReadFile(app)
	if code != 0 || string(again) != string(fixed) {
		t.Fatalf("second --fix: exit %d, changed: %v", code, string(again) != string(fixed))
	}
	if code, out, _ := oamfix(t, "", "--rules", fixable, dir); code != 0 {
		t.Fatalf("check after fix: exit %d\n%s", code, out)
	}
}

func TestStdinFix(t *testing.T) {
	code, out, _ := oamfix(t, needsFixes, "--fix", "--rules", "circuit-breaker", "-")
	if code != 0 || !strings.HasPrefix(out, needsFixes) || !strings.Contains(out, "type: circuit-breaker") {
		t.Fatalf("exit %d, stdout:\n%s", code, out)
	}
}

func TestRulesNoneIsANoOp(t *testing.T) {
	code, out, _ := oamfix(t, needsFixes, "--rules", "none", "-")
	if code != 0 || out != "1 file read, 1 Application checked: 0 open, 0 fixed, 0 suppressed, 0 errors\n" {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--rules", "probes,nope", "-"},
		{"--format", "xml", "-"},
		{"--no-such-flag"},
		{"--config", "/does/not/exist.yaml", "-"},
	} {
		if code, _, errOut := oamfix(t, needsFixes, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}

func TestBadConfigNamesTheField(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "oamfix.yaml")
	os.WriteFile(cfg, []byte("apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  target:\n    concurrentUsers: lots\n"), 0o644)
	code, _, errOut := oamfix(t, needsFixes, "--config", cfg, "-")
	if code != 2 || !strings.Contains(errOut, "spec.target.concurrentUsers") || !strings.Contains(errOut, ":5:") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestBadInput: each bad file gets a message naming it (and the line where
// there is one), exit 2, no byte written; the good file is still fixed.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	good := write("good.yaml", needsFixes)
	bad := map[string]string{
		write("malformed.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: [broken\n"):      "malformed.yaml:3: invalid YAML",
		write("duplicate.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: a\n  name: b\n"): "duplicate.yaml:5: duplicate key \"name\"",
		write("binary.yaml", "apiVersion: v1\x00\x01\x02"):                                                                "binary.yaml:1: binary file",
		write("latin1.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\n# caf\xe9\n"):                          "latin1.yaml:3: invalid UTF-8",
	}
	loop := filepath.Join(dir, "loop.yaml")
	os.Symlink(loop, loop)
	dangling := filepath.Join(dir, "dangling.yaml")
	os.Symlink(filepath.Join(dir, "missing"), dangling)
	before := snapshot(t, dir)

	code, _, errOut := oamfix(t, "", "--fix", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, errOut)
	}
	for _, want := range bad {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, errOut)
		}
	}
	for _, name := range []string{"loop.yaml", "dangling.yaml"} {
		if !strings.Contains(errOut, name) {
			t.Errorf("stderr does not name %s:\n%s", name, errOut)
		}
	}
	after := snapshot(t, dir)
	for p, data := range before {
		if p == good {
			continue
		}
		if after[p] != data {
			t.Errorf("%s was modified", p)
		}
	}
	if after[good] == before[good] || !strings.Contains(after[good], "readinessProbe") {
		t.Error("the good file was not fixed in a run with bad siblings")
	}
	if len(after) != len(before) {
		t.Errorf("files were added or removed: %d -> %d", len(before), len(after))
	}
}

func TestNonOAMInvalidYAMLIsSkipped(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "deployment.yaml")
	os.WriteFile(p, []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}: x\n"), 0o644)
	code, _, errOut := oamfix(t, "", "--fix", dir)
	if code != 0 || !strings.Contains(errOut, "deployment.yaml") || !strings.Contains(errOut, "skipped") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestCorpusNoOpThroughCLI: --fix --rules none leaves every corpus file
// byte-identical, and exits 0 or 2 only for the files that do not parse.
func TestCorpusNoOpThroughCLI(t *testing.T) {
	dir := copyTree(t, testenv.Shared(t, "corpus"))
	before := snapshot(t, dir)
	code, _, errOut := oamfix(t, "", "--fix", "--rules", "none", dir)
	after := snapshot(t, dir)
	changed := 0
	for p, data := range before {
		if after[p] != data {
			changed++
			t.Errorf("%s changed", p)
		}
	}
	errors := strings.Count(errOut, "oamfix: error:")
	t.Logf("corpus --fix --rules none: %d files, %d changed, %d parse errors, exit %d", len(before), changed, errors, code)
	if code != 0 && code != 2 {
		t.Errorf("exit %d with no rules, want 0 (or 2 for the files that do not parse)", code)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := oamfix(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "oamfix ") {
		t.Fatalf("exit %d, %q", code, out)
	}
}

func TestConfigDefaultParses(t *testing.T) {
	code, out, _ := oamfix(t, "", "config", "default")
	if code != 0 || !strings.Contains(out, "kind: OAMFixConfig") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte(out), 0o644)
	if code, _, errOut := oamfix(t, needsFixes, "--config", p, "-"); code != 1 {
		t.Fatalf("with the printed default config: exit %d, want 1 (findings); stderr: %s", code, errOut)
	}
}

// TestCorpusFixTwiceThroughCLI: oamfix --fix over a temp copy of the corpus,
// twice: the second run writes nothing, and no file fails to re-parse.
func TestCorpusFixTwiceThroughCLI(t *testing.T) {
	dir := copyTree(t, testenv.Shared(t, "corpus"))
	cfg := writeFile(t, filepath.Join(t.TempDir(), "oamfix.yaml"), "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  cors:\n    allowedOrigins: [https://app.example.com]\n", 0o644)
	before := snapshot(t, dir)
	code, _, errOut := oamfix(t, "", "--fix", "--config", cfg, dir)
	if code == 2 && strings.Count(errOut, "oamfix: error:") > 1 {
		t.Fatalf("first run: more than the one known unparseable file failed:\n%s", errOut)
	}
	first := snapshot(t, dir)
	changed := 0
	for p := range before {
		if first[p] != before[p] {
			changed++
		}
	}
	oamfix(t, "", "--fix", "--config", cfg, dir)
	second := snapshot(t, dir)
	for p := range first {
		if second[p] != first[p] {
			t.Errorf("%s: the second --fix changed the file again", p)
		}
	}
	t.Logf("corpus through the CLI: %d files, %d fixed by the first run, 0 changed by the second", len(before), changed)
	if changed == 0 {
		t.Fatal("the first run fixed nothing")
	}
}

func TestDefsCommand(t *testing.T) {
	code, out, _ := oamfix(t, "", "defs")
	if code != 0 || strings.Count(out, "kind: TraitDefinition") != 2 || !strings.Contains(out, "name: circuit-breaker") || !strings.Contains(out, "name: network-policy") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
