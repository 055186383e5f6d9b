package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The tests in this file cover daily use: a config per file, a run that
// says what it checked, --fail-on, quiet and summary output, misspelt
// commands, the combinations of standard input that cannot be told apart,
// and the help text. Exit codes are the literal numbers scripts test for.

// withCORS is needsFixes with a wildcard CORS origin.
var withCORS = strings.Replace(needsFixes, "image: shop/api:1.0", "image: shop/api:1.0\n        env:\n          - name: CORS_ALLOWED_ORIGINS\n            value: \"*\"", 1)

// kruiseDefinition is a ComponentDefinition for type kruise-app, which
// renders a CloneSet.
const kruiseDefinition = `apiVersion: core.oam.dev/v1beta1
kind: ComponentDefinition
metadata:
  name: kruise-app
spec:
  workload:
    definition:
      apiVersion: apps.kruise.io/v1alpha1
      kind: CloneSet
  schematic:
    cue:
      template: |
        output: {
        	apiVersion: "apps.kruise.io/v1alpha1"
        	kind:       "CloneSet"
        	spec: template: spec: containers: [{name: context.name, image: parameter.image}]
        }
        parameter: {image: *"nginx" | string}
`

// kruiseApp has one component of type kruise-app and nothing else.
const kruiseApp = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: batch
spec:
  components:
    - name: sync
      type: kruise-app
`

// monorepo writes two teams' folders, each with its config and a file
// with a wildcard CORS origin and a kruise-app component, and a third
// folder without a config; team B's config names its definitions
// (platform/team-b, which declares kruise-app). It changes into the root
// and returns it.
func monorepo(t *testing.T) string {
	root := t.TempDir()
	for _, d := range []string{"team-a", "team-b/apps", "platform/team-b", "team-c"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(root, "team-a", ".oamfix.yaml"), "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  cors:\n    allowedOrigins: [https://a.example.com]\n", 0o644)
	writeFile(t, filepath.Join(root, "team-b", ".oamfix.yaml"), "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  cors:\n    allowedOrigins: [https://b.example.com]\n  definitions: [../platform/team-b]\n", 0o644)
	writeFile(t, filepath.Join(root, "platform", "team-b", "kruise.yaml"), kruiseDefinition, 0o644)
	for _, f := range []string{"team-a/app.yaml", "team-b/apps/app.yaml", "team-c/app.yaml"} {
		writeFile(t, filepath.Join(root, f), withCORS, 0o644)
	}
	for _, f := range []string{"team-a/batch.yaml", "team-b/apps/batch.yaml"} {
		writeFile(t, filepath.Join(root, f), kruiseApp, 0o644)
	}
	t.Chdir(root)
	return root
}

// TestConfigPerFile: in a monorepo, each file uses the nearest config at
// or above it (its origins and its definitions), a folder without one the
// defaults; the output says which config each file used; --config still
// names one config for all.
func TestConfigPerFile(t *testing.T) {
	monorepo(t)
	// Text: each config's findings are preceded by its name.
	_, out, _ := oamfix(t, "", "--rules", "cors", "team-a", "team-b", "team-c")
	want := regexp.MustCompile(`(?s)^using config team-a/\.oamfix\.yaml\nteam-a/app\.yaml:.*\nusing config team-b/\.oamfix\.yaml\nteam-b/apps/app\.yaml:.*\nusing the default config\nteam-c/app\.yaml:.*\n5 files read, 5 Applications checked: \d+ open \(3 high(, \d+ info)?\), 0 fixed, 0 suppressed, 0 errors\n$`)
	if !want.MatchString(out) {
		t.Errorf("text output does not say which config each file used:\n%s", out)
	}

	code, _, errOut := oamfix(t, "", "--fix", "--rules", "cors", "team-a", "team-b", "team-c")
	if code != 1 { // team-c has no origins to use: its wildcard stays open
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, errOut)
	}
	for file, origin := range map[string]string{"team-a/app.yaml": "https://a.example.com", "team-b/apps/app.yaml": "https://b.example.com"} {
		data, _ := os.ReadFile(file)
		if !strings.Contains(string(data), `value: "`+origin+`"`) {
			t.Errorf("%s does not use its team's origin %s:\n%s", file, origin, data)
		}
	}
	if data, _ := os.ReadFile("team-c/app.yaml"); string(data) != withCORS {
		t.Errorf("team-c (no config, no origins) was changed:\n%s", data)
	}
	for _, want := range []string{"oamfix: using config team-a/.oamfix.yaml for 2 files\n", "oamfix: using config team-b/.oamfix.yaml for 2 files\n"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}

	// Definitions per config: kruise-app is known in team B only.
	code, out, errOut = oamfix(t, "", "--rules", "unknown-type", "--format", "json", "team-a", "team-b", "team-c")
	if code != 0 {
		t.Fatalf("json: exit %d; stderr:\n%s", code, errOut)
	}
	var rep struct {
		Findings []struct{ File, Rule, Config string }
		Summary  map[string]int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	var unknown []string
	for _, f := range rep.Findings {
		if f.Rule == "unknown-type" {
			unknown = append(unknown, f.File+" with "+f.Config)
		}
	}
	if strings.Join(unknown, ", ") != "team-a/batch.yaml with team-a/.oamfix.yaml" {
		t.Errorf("want one unknown-type finding, in team-a/batch.yaml with team A's config; got %v", unknown)
	}
	if rep.Summary["files"] != 5 || rep.Summary["applications"] != 5 || rep.Summary["errors"] != 0 {
		t.Errorf("summary %v, want 5 files, 5 applications, 0 errors", rep.Summary)
	}

	// --config wins for every file, and nothing is discovered.
	code, out, errOut = oamfix(t, "", "--config", "team-b/.oamfix.yaml", "--diff", "--rules", "cors", "team-c")
	if code != 1 || !strings.Contains(out, "https://b.example.com") || strings.Contains(errOut, "using config") {
		t.Errorf("--config: exit %d, stderr %q, diff:\n%s", code, errOut, out)
	}

	// A config that is wrong fails the run before any file is touched.
	writeFile(t, "team-b/.oamfix.yaml", "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  cors: {allowedOrigins: ['*']}\n", 0o644)
	before, _ := os.ReadFile("team-c/app.yaml")
	code, _, errOut = oamfix(t, "", "--fix", "team-c", "team-b")
	if after, _ := os.ReadFile("team-c/app.yaml"); code != 2 || !strings.Contains(errOut, "team-b/.oamfix.yaml:4") || string(after) != string(before) {
		t.Errorf("bad config: exit %d, want 2 naming it and nothing written; stderr:\n%s", code, errOut)
	}
}

// TestConfigLookupIsCachedPerFolder: files of one folder, and of folders
// below it without a config of their own, share one loaded config; each
// folder is looked up once.
func TestConfigLookupIsCachedPerFolder(t *testing.T) {
	root := monorepo(t)
	os.MkdirAll(filepath.Join(root, "team-a", "deep", "er"), 0o755)
	c := &configs{rules: fixers.All()}
	first, err := c.forFile("team-a/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"team-a/batch.yaml", "team-a/deep/er/x.yaml", "./team-a/deep/y.yaml"} {
		if rc, _ := c.forFile(p); rc != first {
			t.Errorf("%s: another config than team-a/app.yaml's", p)
		}
	}
	if other, _ := c.forFile("team-b/apps/app.yaml"); other == first || other.path != filepath.Join("team-b", ".oamfix.yaml") {
		t.Errorf("team-b: config %q", other.path)
	}
	if len(c.order) != 2 {
		t.Errorf("%d configs loaded, want 2", len(c.order))
	}
	abs, _ := filepath.Abs("team-a/deep/er")
	if _, ok := c.nearest[abs]; !ok {
		t.Error("team-a/deep/er was not cached")
	}
}

// TestNothingToCheck: a run that checks no Application says so on stderr,
// names the documents that nearly are Applications, and still ends with
// the summary line; exit 0, or 2 with --fail-on-empty.
func TestNothingToCheck(t *testing.T) {
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
	typo := strings.Replace(needsFixes, "kind: Application", "kind: Applicaton", 1)
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string // on stderr
	}{
		{"empty folder", nil, []string{"no KubeVela Application found in 0 files read"}},
		{"plain Kubernetes YAML", map[string]string{"web.yaml": deployment, "svc.yml": "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"}, []string{"no KubeVela Application found in 2 files read"}},
		{"YAML only under hidden folders", map[string]string{".github/workflows/ci.yaml": "on: push\n", ".deploy/app.yaml": needsFixes}, []string{"no KubeVela Application found in 0 files read", "2 YAML files in hidden folders such as "}},
		{"a typo in kind", map[string]string{"app.yaml": typo}, []string{`app.yaml:2: not checked: apiVersion core.oam.dev/v1beta1 with kind "Applicaton", which KubeVela does not have; did you mean "Application"?`, "no KubeVela Application found in 1 file read"}},
		{"a typo in kind and group", map[string]string{"app.yaml": strings.Replace(typo, "core.oam.dev", "core.oam.dv", 1)}, []string{`app.yaml:2: not checked: kind "Applicaton"; did you mean "Application"?`}},
		{"an unknown core.oam.dev kind", map[string]string{"app.yaml": strings.Replace(needsFixes, "kind: Application", "kind: App", 1)}, []string{`app.yaml:2: not checked: apiVersion core.oam.dev/v1beta1 with kind "App", which KubeVela does not have`}},
		{"an apiVersion typo", map[string]string{"app.yaml": strings.Replace(needsFixes, "core.oam.dev/v1beta1", "core.oam.io/v1beta1", 1)}, []string{`kind Application with apiVersion "core.oam.io/v1beta1"; did you mean core.oam.dev/v1beta1?`}},
		{"definitions only", map[string]string{"def.yaml": kruiseDefinition}, []string{"no KubeVela Application found in 1 file read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
				writeFile(t, filepath.Join(dir, name), text, 0o644)
			}
			code, out, errOut := oamfix(t, "", dir)
			if code != 0 || !strings.HasSuffix(out, "0 Applications checked: 0 open, 0 fixed, 0 suppressed, 0 errors\n") {
				t.Errorf("exit %d, want 0 and the summary line; stdout:\n%s", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not say %q:\n%s", w, errOut)
				}
			}
			if tc.name == "definitions only" && strings.Contains(errOut, "not checked") {
				t.Errorf("a ComponentDefinition is named as a near miss:\n%s", errOut)
			}
			if code, _, _ := oamfix(t, "", "--fail-on-empty", dir); code != 2 {
				t.Errorf("--fail-on-empty: exit %d, want 2", code)
			}
			if code, out, errOut := oamfix(t, "", "--quiet", dir); code != 0 || errOut != "" || !strings.HasSuffix(out, "0 errors\n") || strings.Count(out, "\n") != 1 {
				t.Errorf("--quiet: exit %d, stderr %q, stdout %q: want only the summary line", code, errOut, out)
			}
		})
	}

	// The hidden folder itself, as PATH, is checked.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".deploy"), 0o755)
	writeFile(t, filepath.Join(dir, ".deploy", "app.yaml"), needsFixes, 0o644)
	if code, out, _ := oamfix(t, "", filepath.Join(dir, ".deploy")); code != 1 || !strings.Contains(out, "1 Application checked") {
		t.Errorf("a hidden folder as PATH: exit %d:\n%s", code, out)
	}
	// A clean run prints its summary too, and a near miss beside a real
	// Application is still named.
	writeFile(t, filepath.Join(dir, "app.yaml"), exempted+"---\n"+strings.Replace(needsFixes, "kind: Application", "kind: Aplication", 1), 0o644)
	code, out, errOut := oamfix(t, "", "--fail-on-empty", filepath.Join(dir, "app.yaml"))
	if code != 0 || out != "1 file read, 1 Application checked: 0 open, 0 fixed, 9 suppressed, 0 errors\n" || !strings.Contains(errOut, `app.yaml:19: not checked: apiVersion core.oam.dev/v1beta1 with kind "Aplication"`) {
		t.Errorf("clean run: exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}

// TestFailOn: exit 1 only for open findings at or above --fail-on, in
// check, diff and fix mode; none never fails on findings; info fails on
// info findings.
func TestFailOn(t *testing.T) {
	// needsFixes: high findings (probes, network-policy, observability...),
	// medium (rollout), low (circuit-breaker: no Service), info (staging).
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"-"}, 1},
		{[]string{"--fail-on", "high", "-"}, 1},
		{[]string{"--fail-on", "critical", "-"}, 0},
		{[]string{"--fail-on", "none", "-"}, 0},
		{[]string{"--fail-on", "HIGH", "--diff", "-"}, 1},
		{[]string{"--fail-on", "critical", "--diff", "-"}, 0},
		// After --fix only check-only findings stay open: observability is high.
		{[]string{"--fix", "--fail-on", "high", "-"}, 1},
		{[]string{"--fix", "--fail-on", "critical", "-"}, 0},
		{[]string{"--fix", "--fail-on", "none", "-"}, 0},
		{[]string{"--rules", "staging", "-"}, 0},
		{[]string{"--rules", "staging", "--fail-on", "info", "-"}, 1},
		{[]string{"--rules", "rollout", "--fail-on", "medium", "-"}, 1},
		{[]string{"--rules", "rollout", "--fail-on", "high", "-"}, 0},
		{[]string{"--fail-on", "urgent", "-"}, 2},
		{[]string{"--fail-on", "", "-"}, 2},
	} {
		code, _, errOut := oamfix(t, needsFixes, tc.args...)
		if code != tc.want {
			t.Errorf("oamfix %s: exit %d, want %d; stderr:\n%s", strings.Join(tc.args, " "), code, tc.want, errOut)
		}
		if tc.want == 2 && !strings.Contains(errOut, "--fail-on: expected critical, high, medium, low or info") {
			t.Errorf("oamfix %s: stderr %q does not say what --fail-on takes", strings.Join(tc.args, " "), errOut)
		}
	}
	// A bad file fails the run whatever --fail-on says.
	if code, _, _ := oamfix(t, "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: [x\n", "--fail-on", "none", "-"); code != 2 {
		t.Errorf("bad input with --fail-on none: exit %d, want 2", code)
	}
}

// TestOutputLevels: the default text hides info and suppressed findings
// and details; -v shows them; --summary prints counts per rule and
// severity; --quiet only errors and the summary line; errors are repeated
// before the summary line when there were several inputs.
func TestOutputLevels(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.yaml"), needsFixes, 0o644)
	writeFile(t, filepath.Join(dir, "b.yaml"), exempted, 0o644)
	writeFile(t, filepath.Join(dir, "c.yaml"), "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: [x\n", 0o644)
	summary := "3 files read, 2 Applications checked: 9 open (7 high, 1 medium, 1 info), 0 fixed, 9 suppressed, 1 error\n"
	bad := "  " + filepath.Join(dir, "c.yaml") + ":3: invalid YAML: did not find expected ',' or ']'\n"

	code, out, errOut := oamfix(t, "", dir)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 2 || lines[len(lines)-1]+"\n" != summary || len(lines) != 9 {
		t.Errorf("default: exit %d, want 2, 8 finding lines and the summary; stdout:\n%s", code, out)
	}
	for _, hidden := range []string{"info [staging]", "[suppressed", "assumption:", "not fixed:"} {
		if strings.Contains(out, hidden) {
			t.Errorf("default output shows %q:\n%s", hidden, out)
		}
	}
	if errOut != "oamfix: error: "+bad[2:]+"oamfix: 1 error:\n"+bad {
		t.Errorf("default: the error is not shown as it happens and again at the end:\n%s", errOut)
	}

	_, out, _ = oamfix(t, "", "-v", dir)
	for _, shown := range []string{"info [staging]", "[suppressed: ", "    assumption: ", summary} {
		if !strings.Contains(out, shown) {
			t.Errorf("-v does not show %q:\n%s", shown, out)
		}
	}

	code, out, errOut = oamfix(t, "", "--summary", dir)
	table := `rule             critical  high  medium  low  info  fixed  suppressed
replicas                0     1       0    0     0      0           1
probes                  0     3       0    0     0      0           3
circuit-breaker         0     1       0    0     0      0           1
network-policy          0     1       0    0     0      0           1
staging                 0     0       0    0     1      0           1
observability           0     1       0    0     0      0           1
rollout                 0     0       1    0     0      0           1
`
	if code != 2 || out != table+summary {
		t.Errorf("--summary: exit %d, stdout:\n%s\nwant:\n%s%s", code, out, table, summary)
	}
	if errOut != "oamfix: 1 error:\n"+bad {
		t.Errorf("--summary: stderr should hold the error once, at the end:\n%s", errOut)
	}

	code, out, errOut = oamfix(t, "", "--quiet", dir)
	if code != 2 || out != summary || errOut != "oamfix: 1 error:\n"+bad {
		t.Errorf("--quiet: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// One input: its error shows once, in every mode.
	for _, level := range []string{"--quiet", "--summary", "-v"} {
		if _, _, errOut := oamfix(t, "", level, filepath.Join(dir, "c.yaml")); strings.Count(errOut, "invalid YAML") != 1 {
			t.Errorf("%s, one input: the error shows %d times:\n%s", level, strings.Count(errOut, "invalid YAML"), errOut)
		}
	}

	// Non-text formats: the summary line goes to stderr; -v and --summary
	// are text-only, and the levels exclude each other.
	code, out, errOut = oamfix(t, "", "--format", "json", filepath.Join(dir, "a.yaml"))
	if code != 1 || !json.Valid([]byte(out)) || errOut != "1 file read, 1 Application checked: 9 open (7 high, 1 medium, 1 info), 0 fixed, 0 suppressed, 0 errors\n" {
		t.Errorf("json: exit %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{{"--summary", "--format", "json"}, {"-v", "--format", "sarif"}, {"-v", "--quiet"}, {"--quiet", "--summary"}} {
		if code, _, errOut := oamfix(t, "", append(args, dir)...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want a usage error", args, code, errOut)
		}
	}
}

// TestUnknownSubcommand: a first PATH that is a plain word naming nothing
// is a misspelt command; config's subcommands fail on stderr, never
// printing help into a redirected config file.
func TestUnknownSubcommand(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args       []string
		suggestion string
	}{
		{[]string{"verison"}, `did you mean "version"?`},
		{[]string{"componets", "apps/"}, `did you mean "components"?`},
		{[]string{"--fix", "defs-", "."}, `did you mean "defs"?`},
		{[]string{"check"}, "unknown command \"check\", and there is no file or folder of that name (run 'oamfix --help' for usage)"},
		{[]string{"config", "defaults"}, `unknown command "defaults" for "oamfix config"; did you mean "default"?`},
		{[]string{"config", "shcema"}, `did you mean "schema"?`},
		{[]string{"config"}, "Available Commands:"},
	} {
		code, out, errOut := oamfix(t, "", tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.suggestion) {
			t.Errorf("oamfix %s: exit %d, stdout %q, stderr %q; want 2, nothing on stdout, %q", strings.Join(tc.args, " "), code, out, errOut, tc.suggestion)
		}
	}
	// A file of that name is a PATH.
	writeFile(t, "verison", needsFixes, 0o644)
	if code, out, _ := oamfix(t, "", "verison"); code != 1 || !strings.Contains(out, "verison:7:7: high [probes]") {
		t.Errorf("oamfix verison with a file of that name: exit %d:\n%s", code, out)
	}
	if code, out, _ := oamfix(t, "", "config", "--help"); code != 0 || !strings.Contains(out, "Available Commands:") {
		t.Errorf("oamfix config --help: exit %d:\n%s", code, out)
	}
}

// TestConfigDefaultAndSchema: oamfix config default starts with the
// yaml-language-server modeline naming the committed schema, parses as a
// config, and oamfix config schema prints that schema.
func TestConfigDefaultAndSchema(t *testing.T) {
	code, out, _ := oamfix(t, "", "config", "default")
	first, rest, _ := strings.Cut(out, "\n")
	if code != 0 || first != "# yaml-language-server: $schema=https://raw.githubusercontent.com/oamfix/oamfix/main/config/"+config.SchemaFile || rest != string(config.DefaultYAML()) {
		t.Errorf("exit %d, first line %q", code, first)
	}
	if _, err := config.Parse([]byte(out), "default"); err != nil {
		t.Error(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", "..", "config", config.SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	if code, out, _ := oamfix(t, "", "config", "schema"); code != 0 || out != string(committed) {
		t.Errorf("oamfix config schema: exit %d, not the committed schema", code)
	}
	version = "v1.2.3"
	defer func() { version = "dev" }()
	if _, out, _ := oamfix(t, "", "config", "default"); !strings.HasPrefix(out, "# yaml-language-server: $schema=https://raw.githubusercontent.com/oamfix/oamfix/v1.2.3/config/") {
		t.Errorf("a release does not name its tag:\n%s", out[:200])
	}
}

// TestRefusedStdinCombinations: outputs that would share stdout are
// refused, as is --fix without a PATH while stdin holds data; the
// combinations that can be told apart work.
func TestRefusedStdinCombinations(t *testing.T) {
	dir := t.TempDir()
	app := writeFile(t, filepath.Join(dir, "app.yaml"), needsFixes, 0o644)
	t.Chdir(dir)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--fix", "-", "."}, "with --fix, - (standard input) must be the only PATH"},
		{[]string{"--fix", ".", "-"}, "with --fix, - (standard input) must be the only PATH"},
		{[]string{"--fix", "--diff", "-"}, "--fix - writes the fixed YAML to stdout and --diff writes a diff there"},
		{[]string{"--fix"}, "--fix without a PATH while standard input is a pipe or a file: pass - to fix standard input"},
		{[]string{"--fix", "--rules", "probes"}, "or . to fix the files under the current folder"},
	} {
		code, out, errOut := oamfix(t, needsFixes, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("oamfix %s: exit %d, stdout %q, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
	if data, _ := os.ReadFile(app); string(data) != needsFixes {
		t.Fatal("a refused run wrote the current folder's file")
	}
	// Told apart: the diff or the fixed YAML on stdout, findings on stderr.
	code, out, errOut := oamfix(t, needsFixes, "--diff", "-")
	if code != 1 || !strings.HasPrefix(out, "--- a/-\n") || !strings.Contains(errOut, "high [probes]") || strings.Contains(out, "[probes]") {
		t.Errorf("--diff -: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = oamfix(t, needsFixes, "--fix", "--format", "json", "-")
	if code != 1 || !strings.HasPrefix(out, needsFixes) || !json.Valid([]byte(errOut)) {
		t.Errorf("--fix - --format json: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if code, out, _ := oamfix(t, "", "--fix", "--rules", "none", "."); code != 0 || !strings.Contains(out, "1 file read") {
		t.Errorf("--fix . with empty stdin: exit %d:\n%s", code, out)
	}
}

// TestBareStdinIsLimited: bare oamfix reads at most the default size
// limit of an endless standard input, then stops with an error.
func TestBareStdinIsLimited(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		chunk := []byte(strings.Repeat("# an endless stream of comments\n", 2048))
		for {
			if _, err := w.Write(chunk); err != nil {
				w.Close()
				return
			}
		}
	}()
	_, _, err = detectFunction(nil, r)
	r.Close()
	if err == nil || !strings.Contains(err.Error(), "standard input is over the 33554432-byte limit") {
		t.Fatalf("err = %v, want the size limit", err)
	}
	// - reads up to --max-file-size.
	code, _, errOut := oamfix(t, needsFixes+strings.Repeat("#\n", 600), "--max-file-size", "1000", "-")
	if code != 2 || !strings.Contains(errOut, "over the 1000-byte limit") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if kio.DefaultMaxFileSize != 32<<20 {
		t.Errorf("README says 32 MiB; the limit is %d bytes", kio.DefaultMaxFileSize)
	}
}

// TestHelp: every flag of every command shows a placeholder that says
// what it takes (not a Go type), and --help lists every rule.
func TestHelp(t *testing.T) {
	root := newRootCommand(strings.NewReader(""), io.Discard, io.Discard)
	goTypes := regexp.MustCompile(`^(string|strings|stringSlice|int|int64|uint|float64|duration|bool)$`)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			name, usage := pflag.UnquoteUsage(f)
			if goTypes.MatchString(name) {
				t.Errorf("%s --%s: placeholder %q (write the value's name in backquotes in %q)", c.CommandPath(), f.Name, name, usage)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	_, out, _ := oamfix(t, "", "--help")
	for _, r := range fixers.All() {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(r.ID) + ` +` + string(r.Severity) + ` `).MatchString(out) {
			t.Errorf("--help does not list rule %s with its severity", r.ID)
		}
	}
	for _, want := range []string{"--config FILE", "--fail-on SEVERITY", "--rules LIST", "--max-file-size BYTES", "--definitions DIR", "--format FORMAT"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help does not show %q", want)
		}
	}
}
