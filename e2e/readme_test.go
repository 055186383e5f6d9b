package e2e

// The README's kustomize, kpt and container snippets, run as printed: the
// tests read them from README.md, and TestREADMESnippetsAreTested fails
// when one appears that no test runs.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// readmeFrom and readmeTo bound the README's sections about orchestrators:
// kustomize, kpt, the function reference and the container image.
const (
	readmeFrom = "## Use with kustomize"
	readmeTo   = "## PR bot, GitHub Action and pre-commit"
)

// readmeBlocks are the README's code blocks in those sections, each known
// by a string only it holds, and the test that uses it.
var readmeBlocks = map[string]string{
	"transformers:":      "TestKustomizeREADME: kustomization.yaml",
	"kind: OAMFixConfig": "TestKustomizeREADME, TestKptREADMEEval: oamfix-fn.yaml",
	"      container:":   "TestKustomizeREADME: the container form of oamfix-fn.yaml",
	"kind: Kptfile":      "TestKptREADMEKptfile",
	"go build -o DIR":    "the kustomize commands (readmeCommandTests)",
	"kpt fn eval DIR --exec ./oamfix --fn-config": "the kpt commands (readmeCommandTests)",
	"docker build -t": "the container commands (readmeCommandTests)",
}

// readmeCommandTests lists every command of those sections (a line of a
// sh block, or inline code that starts with kpt or kustomize and names
// DIR), without its comment, and the test that runs it as printed.
var readmeCommandTests = map[string]string{
	"go build -o DIR/oamfix ./cmd/oamfix":                                                        "not run: the tests build cmd/oamfix once, and TestKustomizeREADME puts it in DIR",
	"kustomize build --enable-alpha-plugins --enable-exec DIR":                                   "TestKustomizeREADME",
	"kpt fn eval DIR --exec ./oamfix --fn-config oamfix-fn.yaml --results-dir results":           "TestKptREADMEEval",
	`kpt fn eval DIR --exec "oamfix fn --check" -- rules=probes,cors`:                            "TestKptREADMEEval",
	"kpt fn eval DIR --exec ./oamfix -- cors.allowedOrigins=https://app.example.com failOn=none": "TestKptREADMEEval",
	"kpt fn eval DIR --image localhost/oamfix:dev -- failOn=none":                                "TestKptREADMEImage",
	"kpt fn render DIR --allow-exec":                                                             "TestKptREADMEKptfile",
	"kpt fn eval DIR --exec cat":                                                                 "TestKptReformats",
	`kpt fn eval DIR --exec "oamfix fn --check --fail-on none"`:                                  "TestKptReformats",
	"docker build -t localhost/oamfix:dev .":                                                     "not run (no container engine): TestKptREADMEImage's docker stand-in has the image it tags",
	"docker run --rm -i localhost/oamfix:dev < resourcelist.yaml":                                "TestKptREADMEImage",
	"kpt fn eval DIR --image localhost/oamfix:dev -- mode=check failOn=none":                     "TestKptREADMEImage",
}

// readme is what those sections hold.
type readme struct {
	// blocks are the fenced code blocks' texts.
	blocks []string
	// commands maps each command, without its comment, to its line as
	// printed.
	commands map[string]string
}

// readREADME reads the README's orchestrator sections.
func readREADME(t *testing.T) *readme {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	from, to := strings.Index(text, "\n"+readmeFrom+"\n"), strings.Index(text, "\n"+readmeTo+"\n")
	if from < 0 || to < from {
		t.Fatalf("README.md lacks the sections %q to %q", readmeFrom, readmeTo)
	}
	r := &readme{commands: map[string]string{}}
	comment := regexp.MustCompile(`\s+#.*$`)
	add := func(line string) {
		cmd := comment.ReplaceAllString(line, "")
		if prev, ok := r.commands[cmd]; ok && prev != line {
			t.Fatalf("README.md prints %q twice, with different comments", cmd)
		}
		r.commands[cmd] = line
	}
	inline := regexp.MustCompile("`((?:kpt|kustomize) [^`]*DIR[^`]*)`")
	var block []string
	lang, inBlock := "", false
	for _, line := range strings.Split(text[from:to], "\n") {
		switch {
		case strings.HasPrefix(line, "```") && !inBlock:
			inBlock, lang, block = true, strings.TrimPrefix(line, "```"), nil
		case strings.HasPrefix(line, "```"):
			inBlock = false
			r.blocks = append(r.blocks, strings.Join(block, "\n")+"\n")
		case inBlock:
			block = append(block, line)
			if lang == "sh" && strings.TrimSpace(line) != "" {
				add(line)
			}
		default:
			for _, m := range inline.FindAllStringSubmatch(line, -1) {
				add(m[1])
			}
		}
	}
	return r
}

// line returns the README's line for cmd, as printed (with its comment),
// failing the test when the README no longer has it.
func (r *readme) line(t *testing.T, cmd string) string {
	t.Helper()
	line, ok := r.commands[cmd]
	if !ok {
		t.Fatalf("README.md no longer prints %q; update the test that runs it (readmeCommandTests)", cmd)
	}
	return line
}

// block returns the one code block holding marker.
func (r *readme) block(t *testing.T, marker string) string {
	t.Helper()
	var found []string
	for _, b := range r.blocks {
		if strings.Contains(b, marker) {
			found = append(found, b)
		}
	}
	if len(found) != 1 {
		t.Fatalf("README.md has %d code blocks holding %q, want 1", len(found), marker)
	}
	return found[0]
}

// TestREADMESnippetsAreTested: every code block and command of the
// README's kustomize, kpt and container sections is one a test runs.
func TestREADMESnippetsAreTested(t *testing.T) {
	r := readREADME(t)
	for _, b := range r.blocks {
		n := 0
		for marker := range readmeBlocks {
			if strings.Contains(b, marker) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("README.md code block matches %d known blocks (readmeBlocks), want 1: a test must run it:\n%s", n, b)
		}
	}
	for marker := range readmeBlocks {
		r.block(t, marker)
	}
	var missing, gone []string
	for cmd := range r.commands {
		if _, ok := readmeCommandTests[cmd]; !ok {
			missing = append(missing, cmd)
		}
	}
	for cmd := range readmeCommandTests {
		if _, ok := r.commands[cmd]; !ok {
			gone = append(gone, cmd)
		}
	}
	sort.Strings(missing)
	sort.Strings(gone)
	for _, cmd := range missing {
		t.Errorf("README.md prints %q, which no test runs: run it as printed and list it in readmeCommandTests", cmd)
	}
	for _, cmd := range gone {
		t.Errorf("readmeCommandTests lists %q, which README.md no longer prints", cmd)
	}
}

// readmeFunctionFile is the README's oamfix-fn.yaml.
func readmeFunctionFile(t *testing.T, r *readme) string {
	t.Helper()
	return r.block(t, "kind: OAMFixConfig")
}

// TestKustomizeREADME: the README's kustomization.yaml and oamfix-fn.yaml
// beside the bundled example, built with its command line, fix the
// Application as TestKustomizeBuildGolden's golden file says; the
// container form of the function (a docker stand-in runs the image the
// README builds) gives the same output.
func TestKustomizeREADME(t *testing.T) {
	r := readREADME(t)
	w := newWorkspace(t, true)
	w.write("DIR/kustomization.yaml", r.block(t, "transformers:"))
	fnFile := readmeFunctionFile(t, r)
	w.write("DIR/oamfix-fn.yaml", fnFile)
	w.copyFile("examples/parking-platform.yaml", "DIR/app.yaml")
	r.line(t, "go build -o DIR/oamfix ./cmd/oamfix")
	if err := os.Symlink(oamfixBinary(t), w.path("DIR/oamfix")); err != nil {
		t.Fatal(err)
	}
	build := r.line(t, "kustomize build --enable-alpha-plugins --enable-exec DIR")
	out, stderr, err := w.sh(build)
	if err != nil {
		t.Fatalf("%s: %v\n%s", build, err, stderr)
	}
	golden, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "testdata", "krm", "kustomize-build.golden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := documents(t, out)["Application/parking-platform"], documents(t, string(golden))["Application/parking-platform"]; got != want {
		t.Errorf("the README's kustomization fixes the example unlike %s:\n--- README\n%s\n--- golden\n%s", "kustomize-build.golden.yaml", got, want)
	}

	// The container form: the annotation names the image instead of exec.
	container := r.block(t, "      container:")
	head, _, _ := strings.Cut(container, "\n")
	start := strings.Index(fnFile, head+"\n")
	if start < 0 {
		t.Fatalf("oamfix-fn.yaml has no line %q for the container form to replace:\n%s", head, fnFile)
	}
	end := start + len(head) + 1
	for end < len(fnFile) && strings.HasPrefix(fnFile[end:], strings.Repeat(" ", len(head)-len(strings.TrimLeft(head, " "))+1)) {
		end += strings.Index(fnFile[end:], "\n") + 1
	}
	w.write("DIR/oamfix-fn.yaml", fnFile[:start]+container+fnFile[end:])
	w.dockerStandIn(t, r)
	viaImage, stderr, err := w.sh(build)
	if err != nil {
		t.Fatalf("%s with the container form: %v\n%s\n%s", build, err, stderr, w.read("DIR/oamfix-fn.yaml"))
	}
	if viaImage != out {
		t.Errorf("the image gives another output than the binary:\n--- image\n%s\n--- exec\n%s", viaImage, out)
	}
	if log := w.read("docker.log"); !strings.Contains(log, "run --rm -i") || !strings.Contains(log, " localhost/oamfix:dev\n") {
		t.Errorf("kustomize did not run the README's image:\n%s", log)
	}
}

// dockerStandIn puts a docker into bin that knows one local image, the one
// the README's docker build line tags, whose entrypoint runs oamfix fn (as
// the Dockerfile's does); it logs its arguments to docker.log. There is no
// container engine in CI: this shows which image kpt and kustomize ask for.
func (w *workspace) dockerStandIn(t *testing.T, r *readme) {
	t.Helper()
	m := regexp.MustCompile(`^docker build -t (\S+) \.(\s|$)`).FindStringSubmatch(r.line(t, "docker build -t localhost/oamfix:dev ."))
	if m == nil {
		t.Fatal("cannot read the image tag of the README's docker build line")
	}
	script := fmt.Sprintf(`#!/bin/sh
echo "$*" >> %q
case "$1" in
version) echo 24.0.7; exit 0 ;;
run)
	for image; do :; done
	if [ "$image" = %q ]; then exec %q fn; fi
	echo "Unable to find image '$image' locally" >&2
	exit 125 ;;
esac
echo "docker stand-in: $1 is not supported" >&2
exit 1
`, w.path("docker.log"), m[1], oamfixBinary(t))
	if err := os.WriteFile(filepath.Join(w.bin, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestKptREADMEEval runs the README's kpt fn eval lines in order on the
// bundled example, as a user following them would: the first fixes it
// with oamfix-fn.yaml and writes the results, the second checks two rules
// (it fails on the example before the fixes, changing nothing, and passes
// after them), the third changes nothing more.
func TestKptREADMEEval(t *testing.T) {
	r := readREADME(t)
	fix := r.line(t, "kpt fn eval DIR --exec ./oamfix --fn-config oamfix-fn.yaml --results-dir results")
	check := r.line(t, `kpt fn eval DIR --exec "oamfix fn --check" -- rules=probes,cors`)
	again := r.line(t, "kpt fn eval DIR --exec ./oamfix -- cors.allowedOrigins=https://app.example.com failOn=none")

	w := newWorkspace(t, false)
	w.copyFile("examples/parking-platform.yaml", "DIR/app.yaml")
	w.write("oamfix-fn.yaml", readmeFunctionFile(t, r))
	if err := os.Symlink(oamfixBinary(t), w.path("oamfix")); err != nil { // ./oamfix
		t.Fatal(err)
	}
	original := w.snapshot("DIR")

	// Before the fixes the check fails on probes and CORS, and writes nothing.
	_, stderr, err := w.sh(check)
	if err == nil || !strings.Contains(stderr, "[FAIL]") {
		t.Fatalf("%s passed on the unfixed example:\n%s", check, stderr)
	}
	sameFiles(t, "a failed check", original, w.snapshot("DIR"))

	if _, stderr, err := w.sh(fix); err != nil {
		t.Fatalf("%s: %v\n%s", fix, err, stderr)
	}
	_, results := w.readResults("results")
	checkResults(t, results, "app.yaml")
	if n := byStatus(results); n["fixed"] == 0 || n["not-applied"] != 0 {
		t.Errorf("fix run: %v", n)
	}
	for _, r := range results {
		if r.Severity == framework.Error {
			t.Errorf("error result with failOn none: %s", r)
		}
	}
	fixed := w.snapshot("DIR")
	if fixed["app.yaml"] == original["app.yaml"] {
		t.Fatal("app.yaml was not fixed")
	}

	if _, stderr, err := w.sh(check); err != nil {
		t.Errorf("%s after the fixes: %v\n%s", check, err, stderr)
	}
	if _, stderr, err := w.sh(again); err != nil {
		t.Errorf("%s: %v\n%s", again, err, stderr)
	}
	sameFiles(t, "the check and a second fix run", fixed, w.snapshot("DIR"))
}

// TestKptREADMEImage: the README's --image lines name the image its docker
// build line tags, and kpt runs that image (a docker stand-in, see
// dockerStandIn). The bare name does not reach it, as kpt puts its
// catalog's registry in front; --image-prefix localhost does.
func TestKptREADMEImage(t *testing.T) {
	r := readREADME(t)
	w := newWorkspace(t, false)
	w.dockerStandIn(t, r)
	w.copyFile("examples/parking-platform.yaml", "DIR/app.yaml")
	original := w.snapshot("DIR")

	report := r.line(t, "kpt fn eval DIR --image localhost/oamfix:dev -- mode=check failOn=none")
	if _, stderr, err := w.sh(report); err != nil || !strings.Contains(stderr, `[PASS] "localhost/oamfix:dev"`) {
		t.Fatalf("%s: %v\n%s", report, err, stderr)
	}
	// kpt reformats the file (see TestKptReformats), but its data and
	// comments are the same.
	if got, want := documents(t, w.read("DIR/app.yaml")), documents(t, original["app.yaml"]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the report changed the Application:\n%s", w.read("DIR/app.yaml"))
	}
	reported := w.snapshot("DIR")

	bare := "kpt fn eval DIR --image oamfix:dev -- failOn=none"
	if _, stderr, err := w.sh(bare); err == nil || !strings.Contains(stderr, `"ghcr.io/kptdev/krm-functions-catalog/oamfix:dev"`) {
		t.Errorf("%s: err %v, want kpt to run its catalog's image, which the stand-in does not have\n%s", bare, err, stderr)
	}
	sameFiles(t, "a run of an image the stand-in does not have", reported, w.snapshot("DIR"))

	fix := r.line(t, "kpt fn eval DIR --image localhost/oamfix:dev -- failOn=none")
	if _, stderr, err := w.sh(fix); err != nil {
		t.Fatalf("%s: %v\n%s", fix, err, stderr)
	}
	fixed := w.read("DIR/app.yaml")
	if fixed == reported["app.yaml"] {
		t.Error("the image did not fix app.yaml")
	}
	log := w.read("docker.log")
	if !strings.Contains(log, "run --rm -i --network none --user nobody") || !strings.Contains(log, " localhost/oamfix:dev\n") {
		t.Errorf("kpt did not run the image as a function:\n%s", log)
	}

	// The bare name with the registry as --image-prefix: the same image.
	w2 := newWorkspace(t, false)
	w2.dockerStandIn(t, r)
	w2.copyFile("examples/parking-platform.yaml", "DIR/app.yaml")
	prefixed := "kpt fn eval DIR --image oamfix:dev --image-prefix localhost -- failOn=none"
	if _, stderr, err := w2.sh(prefixed); err != nil {
		t.Fatalf("%s: %v\n%s", prefixed, err, stderr)
	}
	if w2.read("DIR/app.yaml") != fixed {
		t.Errorf("%s fixed app.yaml otherwise than %s", prefixed, fix)
	}

	// docker run with a ResourceList on stdin: one on stdout.
	w.copyFile("testdata/krm/resourcelist.yaml", "resourcelist.yaml")
	stdout, stderr, _ := w.sh(r.line(t, "docker run --rm -i localhost/oamfix:dev < resourcelist.yaml"))
	if !strings.HasPrefix(stdout, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n") {
		t.Errorf("docker run: no ResourceList on stdout:\n%s\n%s", stdout, stderr)
	}
}

// TestKptREADMEKptfile: the README's Kptfile, as printed, on the bundled
// example. kpt fn render passes: the mutator fixes the app, the validator
// finds its four rules clear. kpt rewrites the Kptfile (comments gone,
// configMap keys sorted, the results in status); a second render changes
// no Application file. Without cors.allowedOrigins the validator fails the
// render and kpt writes no resource file, though the Kptfile's status
// keeps the mutator's "fixed:" results.
func TestKptREADMEKptfile(t *testing.T) {
	r := readREADME(t)
	render := r.line(t, "kpt fn render DIR --allow-exec")
	kptfile := r.block(t, "kind: Kptfile")

	w := newWorkspace(t, false)
	w.write("DIR/Kptfile", kptfile)
	w.copyFile("examples/parking-platform.yaml", "DIR/app.yaml")
	original := w.snapshot("DIR")
	if _, stderr, err := w.sh(render); err != nil {
		t.Fatalf("%s: %v\n%s", render, err, stderr)
	}
	first := w.snapshot("DIR")
	if first["app.yaml"] == original["app.yaml"] {
		t.Fatal("render did not fix app.yaml")
	}
	for _, want := range []string{"type: circuit-breaker", "type: network-policy", "readinessProbe:", "https://app.parking.example.com,https://admin.parking.example.com", "name: topology-staging"} {
		if !strings.Contains(first["app.yaml"], want) {
			t.Errorf("app.yaml lacks %q after render", want)
		}
	}
	status := first["Kptfile"]
	for _, want := range []string{"reason: RenderSuccess", "status: fixed", "        failOn: high\n        mode: check\n        rules: cors,probes,circuit-breaker\n"} {
		if !strings.Contains(status, want) {
			t.Errorf("the rendered Kptfile lacks %q:\n%s", want, status)
		}
	}
	for _, c := range regexp.MustCompile(`# .*`).FindAllString(kptfile, -1) {
		if strings.Contains(status, c) {
			t.Errorf("the rendered Kptfile kept the comment %q", c)
		}
	}
	if strings.Contains(status, "severity: error") {
		t.Errorf("the rendered Kptfile holds an error result:\n%s", status)
	}
	testenv.READMEFigures(t, `The Kptfile above grows from (\d+) lines to (\d+) on the bundled example`, strings.Count(kptfile, "\n"), strings.Count(status, "\n"))

	if _, stderr, err := w.sh(render); err != nil {
		t.Fatalf("second %s: %v\n%s", render, err, stderr)
	}
	second := w.snapshot("DIR")
	delete(first, "Kptfile")
	delete(second, "Kptfile")
	sameFiles(t, "a second render", first, second)

	// Without allowed origins the CORS findings stay open: the validator
	// fails, and kpt writes nothing but the Kptfile's status.
	w2 := newWorkspace(t, false)
	noOrigins := regexp.MustCompile(`(?m)^ *cors\.allowedOrigins: .*\n`).ReplaceAllString(kptfile, "")
	if noOrigins == kptfile {
		t.Fatal("the README's Kptfile has no cors.allowedOrigins line")
	}
	w2.write("DIR/Kptfile", noOrigins)
	w2.copyFile("examples/parking-platform.yaml", "DIR/app.yaml")
	before := w2.snapshot("DIR")
	_, stderr, err := w2.sh(render)
	if err == nil {
		t.Fatalf("render passed with CORS open:\n%s", stderr)
	}
	if !strings.Contains(stderr, "oamfix: failed on 2 error result(s)") {
		t.Errorf("the validator did not fail on the two CORS findings:\n%s", stderr)
	}
	after := w2.snapshot("DIR")
	if after["app.yaml"] != before["app.yaml"] {
		t.Error("kpt wrote app.yaml although the render failed")
	}
	for _, want := range []string{"reason: RenderFailed", "status: \"False\"", "message: 'fixed: "} {
		if !strings.Contains(after["Kptfile"], want) {
			t.Errorf("the Kptfile of a failed render lacks %q:\n%s", want, after["Kptfile"])
		}
	}
}
