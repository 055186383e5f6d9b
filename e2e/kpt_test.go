package e2e

// The kpt end-to-end tests run oamfix under a real kpt, built from kpt's
// own source (../shared/tools/kpt, unpacked by `make tools`), on copies of
// fixtures: kpt fn eval with --fn-config, -- key=value and --results-dir,
// a failed run, a bad functionConfig, CRLF and multi-document files, and
// what kpt itself does to files. The README's kpt snippets run as printed
// in readme_test.go.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kptVersion is the kpt the tests are written for: what they assert of
// kpt's own behaviour (how it rewrites files, its image names, the Kptfile
// status) is that version's.
const kptVersion = "v1.0.0-beta.67"

var (
	kptOnce sync.Once
	kptPath string
	kptErr  string
)

// kptBinary returns the kpt binary: $OAMFIX_KPT (the Makefile points it at
// .tools/bin/kpt, which `make tools` unpacks from ../shared/tools/kpt),
// else .tools/bin/kpt, else kpt on PATH, if it is kptVersion. Without one,
// the test is skipped, or fails under CI (testenv.Missing).
func kptBinary(t *testing.T) string {
	t.Helper()
	kptOnce.Do(func() {
		var p string
		if env := os.Getenv("OAMFIX_KPT"); env != "" {
			p = env
		} else if tools := filepath.Join(testenv.ModuleRoot(t), ".tools", "bin", "kpt"); fileExists(tools) {
			p = tools
		} else if found, err := exec.LookPath("kpt"); err == nil {
			p = found
		} else {
			kptErr = "kpt not found: set OAMFIX_KPT or put kpt " + kptVersion + " on PATH (`make tools` unpacks the one in ../shared/tools/kpt into .tools/bin)"
			return
		}
		out, err := exec.Command(p, "version").CombinedOutput()
		switch {
		case err != nil:
			kptErr = "kpt " + p + " does not run here (" + runtime.GOOS + "/" + runtime.GOARCH + "): " + err.Error() + ": " + string(out)
		case !strings.Contains(string(out), "Version: "+kptVersion):
			kptErr = "kpt " + p + " is not " + kptVersion + ", which the tests are written for (`make tools` unpacks it into .tools/bin; OAMFIX_KPT names it): " + strings.TrimSpace(string(out))
		default:
			kptPath = p
		}
	})
	if kptPath == "" {
		testenv.Missing(t, "%s", kptErr)
	}
	return kptPath
}

// fileExists reports whether a file is there.
func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// workspace is a folder to run commands in as a user would: bin holds
// oamfix, kpt, kustomize (when asked for) and a docker stand-in, and comes
// first on PATH; dir is the working directory.
type workspace struct {
	t        *testing.T
	dir, bin string
}

// newWorkspace makes a workspace with oamfix and kpt, and kustomize when
// withKustomize is set.
func newWorkspace(t *testing.T, withKustomize bool) *workspace {
	t.Helper()
	w := &workspace{t: t, dir: t.TempDir(), bin: t.TempDir()}
	w.link("kpt", kptBinary(t))
	if withKustomize {
		w.link("kustomize", kustomize(t))
	}
	w.link("oamfix", oamfixBinary(t))
	return w
}

// link puts target into bin as name.
func (w *workspace) link(name, target string) {
	w.t.Helper()
	if err := os.Symlink(target, filepath.Join(w.bin, name)); err != nil {
		w.t.Fatal(err)
	}
}

// path is the absolute path of rel, a slash-separated path in dir.
func (w *workspace) path(rel string) string { return filepath.Join(w.dir, filepath.FromSlash(rel)) }

// write writes a file under dir, making its folder.
func (w *workspace) write(rel, text string) {
	w.t.Helper()
	p := w.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// read returns a file under dir.
func (w *workspace) read(rel string) string {
	w.t.Helper()
	data, err := os.ReadFile(w.path(rel))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(data)
}

// copyFile copies src (relative to the repository root) to rel.
func (w *workspace) copyFile(src, rel string) {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(w.t), filepath.FromSlash(src)))
	if err != nil {
		w.t.Fatal(err)
	}
	w.write(rel, string(data))
}

// sh runs a command line as printed, with sh -c in dir and bin first on
// PATH, and returns its stdout and stderr.
func (w *workspace) sh(line string) (stdout, stderr string, err error) {
	w.t.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "PATH="+w.bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// kpt runs kpt with args in dir and returns what it printed (stdout and
// stderr together, as a user sees it).
func (w *workspace) kpt(args ...string) (string, error) {
	w.t.Helper()
	cmd := exec.Command(filepath.Join(w.bin, "kpt"), args...)
	cmd.Dir = w.dir
	cmd.Env = append(os.Environ(), "PATH="+w.bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// snapshot returns every file under the folder rel, by slash path.
func (w *workspace) snapshot(rel string) map[string]string {
	w.t.Helper()
	files := map[string]string{}
	root := w.path(rel)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		r, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(r)] = string(data)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return files
}

// sameFiles reports the files of before that differ in after (or are gone).
func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for name, text := range before {
		if after[name] != text {
			t.Errorf("%s: %s changed:\n--- before\n%s\n--- after\n%s", what, name, text, after[name])
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// functionResults is kpt's --results-dir file, results.yaml: a
// kpt.dev/v1 FunctionResultList.
type functionResults struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	ExitCode   int    `yaml:"exitCode"`
	Items      []struct {
		Exec     string            `yaml:"exec"`
		Image    string            `yaml:"image"`
		ExitCode int               `yaml:"exitCode"`
		Results  framework.Results `yaml:"results"`
	} `yaml:"items"`
}

// readResults parses the results.yaml kpt wrote into the folder rel, and
// returns it with the results of its one function.
func (w *workspace) readResults(rel string) (*functionResults, framework.Results) {
	w.t.Helper()
	var fr functionResults
	if err := yaml.Unmarshal([]byte(w.read(rel+"/results.yaml")), &fr); err != nil {
		w.t.Fatalf("%s/results.yaml: %v", rel, err)
	}
	if fr.APIVersion != "kpt.dev/v1" || fr.Kind != "FunctionResultList" || len(fr.Items) != 1 {
		w.t.Fatalf("%s/results.yaml is not a FunctionResultList of one function:\n%s", rel, w.read(rel+"/results.yaml"))
	}
	return &fr, fr.Items[0].Results
}

// fieldPath is a result's field path, "" when it has none.
func fieldPath(r *framework.Result) string {
	if r.Field == nil {
		return ""
	}
	return r.Field.Path
}

// checkResults checks what every oamfix result must carry under kpt: a
// severity, a message, the Application, the file (path and index from
// kpt's annotations), the rule, status and severity tags, consistent with
// the severity, and a field path for every fix.
func checkResults(t *testing.T, results framework.Results, files ...string) {
	t.Helper()
	if len(results) == 0 {
		t.Fatal("no results")
	}
	for _, r := range results {
		if r.Severity == "" || r.Message == "" || r.ResourceRef == nil || r.ResourceRef.Kind != "Application" {
			t.Errorf("result lacks severity, message or resourceRef: %s", r)
		}
		if (r.Tags["status"] == "fixed" || r.Tags["status"] == "not-applied") && fieldPath(r) == "" {
			t.Errorf("a fix's result has no field path: %s", r)
		}
		if r.File == nil || !slices.Contains(files, r.File.Path) {
			t.Errorf("result's file %+v is none of %v: %s", r.File, files, r)
		}
		status := r.Tags["status"]
		if r.Tags["rule"] == "" || r.Tags["severity"] == "" || status == "" {
			t.Errorf("result lacks the rule, severity or status tag: %s (%v)", r, r.Tags)
		}
		if (status == "fixed") != strings.HasPrefix(r.Message, "fixed: ") || status == "fixed" && r.Severity != framework.Info {
			t.Errorf("status %s with severity %s: %s", status, r.Severity, r)
		}
	}
}

// byStatus counts results by status tag.
func byStatus(results framework.Results) map[string]int {
	n := map[string]int{}
	for _, r := range results {
		n[r.Tags["status"]]++
	}
	return n
}

// ruleSet lists the rules of the results for which keep is true, sorted
// and without repeats.
func ruleSet(results framework.Results, keep func(*framework.Result) bool) string {
	seen := map[string]bool{}
	var rules []string
	for _, r := range results {
		if keep(r) && !seen[r.Tags["rule"]] {
			seen[r.Tags["rule"]] = true
			rules = append(rules, r.Tags["rule"])
		}
	}
	sort.Strings(rules)
	return strings.Join(rules, ",")
}

// isError keeps the error results.
func isError(r *framework.Result) bool { return r.Severity == framework.Error }

// exampleConfig is an OAMFixConfig for the bundled example, as examples/
// .oamfix.yaml configures it, with failOn as given (none when empty).
func exampleConfig(failOn string) string {
	fc := "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nmetadata:\n  name: oamfix\nspec:\n" +
		"  criticalComponents: [booking-service]\n" +
		"  cors:\n    allowedOrigins: [https://app.parking.example.com, https://admin.parking.example.com]\n"
	if failOn != "" {
		fc += "  failOn: " + failOn + "\n"
	}
	return fc
}

// TestKptEvalFailedRun: the bundled example keeps findings no fix clears
// (a data store without backups, no monitoring, a CPU floor, an
// autoscaler its missing CPU request rules out). At the default failOn,
// high, the run fails: kpt writes nothing, and the results (--results-dir)
// say so: no "fixed", one not-applied result per fix a passing run makes,
// errors for exactly the findings at or above failOn that stay open, and
// the field paths of the files as they are, the same as check mode's.
func TestKptEvalFailedRun(t *testing.T) {
	w := newWorkspace(t, false)
	w.copyFile("examples/parking-platform.yaml", "pkg/app.yaml")
	w.write("fn-config.yaml", exampleConfig(""))
	before := w.snapshot("pkg")

	out, err := w.kpt("fn", "eval", "pkg", "--exec", "oamfix", "--fn-config", "fn-config.yaml", "--results-dir", "failed")
	if err == nil {
		t.Fatalf("kpt fn eval passed with critical and high findings open at failOn high:\n%s", out)
	}
	sameFiles(t, "a failed run", before, w.snapshot("pkg"))
	fr, failed := w.readResults("failed")
	if fr.ExitCode != 1 || fr.Items[0].ExitCode != 1 {
		t.Errorf("exit codes in results.yaml: %d, %d; want 1", fr.ExitCode, fr.Items[0].ExitCode)
	}
	checkResults(t, failed, "app.yaml")
	for _, r := range failed {
		if r.Tags["status"] == "fixed" || strings.Contains(r.Message, "fixed") {
			t.Errorf("a failed run reports a fix: %s", r)
		}
		if r.Tags["status"] == "not-applied" && (r.Severity == framework.Error || !strings.HasSuffix(r.Message, "(not applied: the run failed, so nothing was changed)")) {
			t.Errorf("not-applied result: %s", r)
		}
	}
	if got := ruleSet(failed, isError); got != "backup,critical-floors,network-policy,observability,replicas" {
		t.Errorf("error results of rules %s, want backup,critical-floors,network-policy,observability,replicas", got)
	}
	// kpt prints the results; oamfix's stderr only counts them.
	if !strings.Contains(out, "oamfix: failed on 5 error result(s), listed in the results; nothing was changed") || strings.Contains(out, "oamfix: [error]") {
		t.Errorf("kpt output repeats the errors on stderr, or lacks the count:\n%s", out)
	}

	// The same run with failOn none: the fixes the failed run reported as
	// not applied, and the same findings open.
	w.write("fn-config.yaml", exampleConfig("none"))
	if out, err := w.kpt("fn", "eval", "pkg", "--exec", "oamfix", "--fn-config", "fn-config.yaml", "--results-dir", "passed"); err != nil {
		t.Fatalf("kpt fn eval with failOn none: %v\n%s", err, out)
	}
	_, passed := w.readResults("passed")
	checkResults(t, passed, "app.yaml")
	if n, m := byStatus(passed), byStatus(failed); n["fixed"] == 0 || n["fixed"] != m["not-applied"] || n["open"] != m["open"] {
		t.Errorf("passing run: %v; failed run: %v; want as many not-applied as fixed, and the same open", n, m)
	}
	// The figures the README quotes: what stays open after every fix.
	open := map[string]int{}
	for _, r := range passed {
		if r.Tags["status"] == "open" {
			open[r.Tags["severity"]]++
		}
	}
	testenv.READMEFigures(t, `the bundled example keeps (\d+) critical and (\d+) high findings after every fix`, open["critical"], open["high"])
	if w.read("pkg/app.yaml") == before["app.yaml"] {
		t.Error("failOn none: app.yaml was not fixed")
	}

	// Check mode on the unchanged files: the failed run's paths are these.
	w2 := newWorkspace(t, false)
	w2.copyFile("examples/parking-platform.yaml", "pkg/app.yaml")
	w2.write("fn-config.yaml", exampleConfig(""))
	if out, err := w2.kpt("fn", "eval", "pkg", "--exec", "oamfix fn --check --fail-on none", "--fn-config", "fn-config.yaml", "--results-dir", "check"); err != nil {
		t.Fatalf("check mode, failOn none: %v\n%s", err, out)
	}
	_, check := w2.readResults("check")
	key := func(rs framework.Results) string {
		var keys []string
		for _, r := range rs {
			keys = append(keys, r.Tags["rule"]+" "+fieldPath(r))
		}
		sort.Strings(keys)
		return strings.Join(keys, "\n")
	}
	if key(failed) != key(check) {
		t.Errorf("the failed run's results are not about the unchanged file's fields:\n--- failed run\n%s\n--- check mode\n%s", key(failed), key(check))
	}
}

// TestKptEvalConfigMapArguments: `-- key=value` arguments become a
// ConfigMap functionConfig: settings, failOn and the rules shortcut.
func TestKptEvalConfigMapArguments(t *testing.T) {
	w := newWorkspace(t, false)
	w.copyFile("examples/parking-platform.yaml", "pkg/app.yaml")
	out, err := w.kpt("fn", "eval", "pkg", "--exec", "oamfix", "--results-dir", "results", "--",
		"cors.allowedOrigins=https://a.example.com,https://b.example.com", "rules=cors,probes", "failOn=high")
	if err != nil {
		t.Fatalf("kpt fn eval: %v\n%s", err, out)
	}
	_, results := w.readResults("results")
	checkResults(t, results, "app.yaml")
	if got := ruleSet(results, func(*framework.Result) bool { return true }); got != "cors,probes" {
		t.Errorf("results of rules %s, want cors,probes only", got)
	}
	app := w.read("pkg/app.yaml")
	for _, want := range []string{`value: "https://a.example.com,https://b.example.com" # TODO: lock down before launch`, "readinessProbe:"} {
		if !strings.Contains(app, want) {
			t.Errorf("app.yaml lacks %q:\n%s", want, app)
		}
	}
	if strings.Contains(app, "circuit-breaker") {
		t.Error("a rule outside rules=cors,probes ran")
	}
	var env *framework.Result
	for _, r := range results {
		if r.Tags["rule"] == "cors" && strings.HasSuffix(fieldPath(r), ".env[1].value") {
			env = r
		}
	}
	if env == nil || env.Tags["status"] != "fixed" || env.Field.CurrentValue != "*" || env.Field.ProposedValue != "https://a.example.com,https://b.example.com" {
		t.Errorf("the CORS env var's result = %v (field %+v), want fixed from * to the two origins", env, env.Field)
	}
}

// TestKptBadFunctionConfig: a functionConfig oamfix cannot use fails kpt,
// changes no file, and the one error result names the field.
func TestKptBadFunctionConfig(t *testing.T) {
	for _, tc := range []struct {
		name, field, msg string
		args             []string
	}{
		{"OAMFixConfig unknown field", "spec.cors.allowedOrigin", `unknown field "allowedOrigin", did you mean "allowedOrigins"?`,
			[]string{"--fn-config", "bad.yaml"}},
		{"ConfigMap bad value", "data.target.concurrentUsers", `expected an integer, got "lots"`,
			[]string{"--", "target.concurrentUsers=lots"}},
		{"ConfigMap bad failOn", "data.failOn", `expected critical, high, medium, low or none, got "urgent"`,
			[]string{"--", "failOn=urgent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorkspace(t, false)
			w.copyFile("examples/parking-platform.yaml", "pkg/app.yaml")
			w.write("pkg/other.yaml", deployment)
			w.write("bad.yaml", "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nmetadata:\n  name: oamfix\nspec:\n  cors:\n    allowedOrigin: [https://a.example.com]\n")
			before := w.snapshot("pkg")
			out, err := w.kpt(append([]string{"fn", "eval", "pkg", "--exec", "oamfix", "--results-dir", "results"}, tc.args...)...)
			if err == nil {
				t.Fatalf("kpt passed with a bad functionConfig:\n%s", out)
			}
			sameFiles(t, "a bad functionConfig", before, w.snapshot("pkg"))
			_, results := w.readResults("results")
			if len(results) != 1 || results[0].Severity != framework.Error || fieldPath(results[0]) != tc.field || !strings.Contains(results[0].Message, tc.msg) {
				t.Errorf("want one error result on %s saying %q, got:\n%v", tc.field, tc.msg, results)
			}
			if !strings.Contains(out, "oamfix: failed on 1 error result(s)") || strings.Count(out, tc.msg) != 1 {
				t.Errorf("kpt output: want the error once (in the results) and its count on stderr:\n%s", out)
			}
		})
	}
}

// TestKptMultiDocumentAndCRLF: a file with one Application per environment
// and a ConfigMap between them, and an Application file with CRLF line
// endings. kpt writes the staging Application oamfix adds at the end of
// the file (its result says so), keeps the ConfigMap, turns CRLF into LF
// (as it does with a function that changes nothing, see
// TestKptReformats), and a second run changes no file.
func TestKptMultiDocumentAndCRLF(t *testing.T) {
	w := newWorkspace(t, false)
	w.copyFile("testdata/kpt/per-env.yaml", "pkg/shop.yaml")
	api, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "testdata", "kpt", "api.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	w.write("pkg/api.yaml", strings.ReplaceAll(string(api), "\n", "\r\n"))
	args := []string{"fn", "eval", "pkg", "--exec", "oamfix", "--results-dir", "results", "--", "failOn=none", "cors.allowedOrigins=https://shop.example.com"}
	if out, err := w.kpt(args...); err != nil {
		t.Fatalf("kpt fn eval: %v\n%s", err, out)
	}
	_, results := w.readResults("results")
	checkResults(t, results, "shop.yaml", "api.yaml")

	shop := w.read("pkg/shop.yaml")
	nodes, err := kio.FromBytes([]byte(shop))
	if err != nil {
		t.Fatalf("shop.yaml: %v\n%s", err, shop)
	}
	var names []string
	for _, n := range nodes {
		names = append(names, n.GetName())
	}
	if got := strings.Join(names, " "); got != "shop-dev shop-settings shop-prod shop-staging" {
		t.Errorf("shop.yaml holds %s, want shop-staging appended at the end", got)
	}
	for _, want := range []string{"# not an Application: passed through\n  color: blue\n  corsOrigins: \"*\"", "team: shop # who to ask", "- type: hpa # scales on CPU"} {
		if !strings.Contains(shop, want) {
			t.Errorf("shop.yaml lost %q:\n%s", want, shop)
		}
	}
	var staging *framework.Result
	for _, r := range results {
		if r.Tags["rule"] == "staging" && r.Tags["status"] == "fixed" {
			staging = r
		}
	}
	if staging == nil || !strings.HasSuffix(staging.Message, "adding Application shop-staging, a copy of shop-prod at staging scale, at the end of shop.yaml") ||
		staging.File.Path != "shop.yaml" || staging.File.Index != 2 {
		t.Errorf("staging result = %v, want it to say the new Application goes at the end of shop.yaml, about shop-prod (index 2)", staging)
	}

	apiOut := w.read("pkg/api.yaml")
	if strings.Contains(apiOut, "\r") {
		t.Errorf("api.yaml kept CRLF line endings, which kpt turns into LF:\n%q", apiOut)
	}
	for _, want := range []string{`value: "https://shop.example.com" # open for now`, "readinessProbe:", "type: circuit-breaker"} {
		if !strings.Contains(apiOut, want) {
			t.Errorf("api.yaml lacks %q:\n%s", want, apiOut)
		}
	}

	// Idempotence: a second run changes no file and fixes nothing.
	before := w.snapshot("pkg")
	if out, err := w.kpt(args...); err != nil {
		t.Fatalf("second kpt fn eval: %v\n%s", err, out)
	}
	sameFiles(t, "a second run", before, w.snapshot("pkg"))
	if _, again := w.readResults("results"); byStatus(again)["fixed"] != 0 {
		t.Errorf("the second run fixed something: %v", byStatus(again))
	}
}

// TestKptReformats: kpt rewrites every file it reads, and that is kpt's
// doing: a function that changes nothing (cat) and oamfix in check mode
// leave the same bytes, with each change the README lists.
func TestKptReformats(t *testing.T) {
	readme := readREADME(t)
	var got [2]map[string]string
	for i, cmd := range []string{"kpt fn eval DIR --exec cat", `kpt fn eval DIR --exec "oamfix fn --check --fail-on none"`} {
		w := newWorkspace(t, false)
		w.copyFile("testdata/kpt/reformat.yaml", "DIR/reformat.yaml")
		api, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "testdata", "kpt", "api.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		w.write("DIR/api.yaml", strings.ReplaceAll(string(api), "\n", "\r\n"))
		if _, stderr, err := w.sh(readme.line(t, cmd)); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, stderr)
		}
		got[i] = w.snapshot("DIR")
	}
	sameFiles(t, "oamfix in check mode vs a function that changes nothing", got[0], got[1])

	out := got[0]["reformat.yaml"]
	want := `# What kpt does to every file it writes (see the README, "What kpt does to
# your files"): this document is indented by 4 spaces, with wide sequences.
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: reformat
spec:
  components:
  - name: api
    type: webservice
    properties:
      image: shop/api:1.0
  policies:
  - name: topology-dev
    type: topology
  - name: topology-prod
    # A comment block about the next policy,
    # then a blank line.

    type: topology
    # A comment at the end of the file.
# A comment at the end of the file.
`
	if out != want {
		t.Errorf("kpt's rewrite of reformat.yaml changed; the README's list of what kpt does may need an update.\n--- got\n%s\n--- want\n%s", out, want)
	}
	if strings.Contains(got[0]["api.yaml"], "\r") {
		t.Error("kpt kept CRLF line endings")
	}
}
