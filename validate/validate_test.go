package validate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/oamfix/oamfix/defs"
	"github.com/oamfix/oamfix/internal/testenv"
)

// want is the part of a Problem the tests pin down (File is always the
// name passed to Validate).
type want struct {
	Line                    int
	Severity                string
	Component, Trait, Field string
	Message                 string
}

func got(ps []Problem, file string, t *testing.T) []want {
	t.Helper()
	var out []want
	for _, p := range ps {
		if p.File != file {
			t.Errorf("problem names file %q, want %q", p.File, file)
		}
		out = append(out, want{p.Line, p.Severity, p.Component, p.Trait, p.Field, p.Message})
	}
	return out
}

func testdata(name string) string { return filepath.Join("..", "testdata", "validate", name) }

func TestLoadBuiltins(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t), "definitions", "kubevela", "v1.10.9")
	d := builtins(t)
	got := map[string]bool{}
	for k := range d.byKey {
		got[k.kind+"/"+k.name] = true
	}
	// Every .cue file of KubeVela v1.10.9 is one definition: 89 of them
	// (8 components, 12 deprecated, 10 policies, 29 traits, 30 steps).
	var files []string
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(path, ".cue") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 89 || len(got) != 89 {
		t.Errorf("v1.10.9: %d .cue files, %d definitions loaded; want 89 and 89", len(files), len(got))
	}
	testenv.READMEFigures(t, `KubeVela v1\.10\.9's built-in definitions \(all (\d+)\)`, len(got))
	// The definitions oamfix's rules and validation depend on by name.
	for _, name := range []string{
		"component/webservice", "component/worker", "component/statefulset", "component/daemon",
		"component/task", "component/cron-task", "component/k8s-objects", "component/ref-objects", "component/raw",
		"policy/apply-once", "policy/envbinding", "policy/garbage-collect", "policy/override", "policy/topology",
		"trait/cpuscaler", "trait/expose", "trait/gateway", "trait/hpa", "trait/json-merge-patch", "trait/json-patch",
		"trait/scaler", "trait/startup-probe", "trait/env", "trait/service-binding",
		"workflow-step/deploy", "workflow-step/deploy2env", "workflow-step/step-group", "workflow-step/suspend",
	} {
		if !got[name] {
			t.Errorf("definition %s not loaded from %s", name, dir)
		}
	}
}

func TestValidApp(t *testing.T) {
	defs := builtins(t).Merge(Embedded())
	if ps := Validate(readApp(t, testdata("valid.yaml")), "valid.yaml", defs); len(ps) != 0 {
		t.Errorf("valid.yaml: want no problems, got:\n%s", lines(ps))
	}
}

func lines(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestBrokenApp(t *testing.T) {
	defs := builtins(t).Merge(Embedded())
	ps := Validate(readApp(t, testdata("broken.yaml")), "broken.yaml", defs)
	const cb, np = "spec.components[api].traits[circuit-breaker]", "spec.components[api].traits[network-policy]"
	wantProblems := []want{
		{12, Error, "api", "", "spec.components[api].properties.cpu", "api: properties.cpu: conflicting values string and 0.5 (mismatched types string and float)"},
		{13, Error, "api", "", "spec.components[api].properties.startupProbe", "api: properties.startupProbe: field not allowed"},
		{16, Error, "api", "", "spec.components[api].properties.livenessProbe.grpc", "api: properties.livenessProbe.grpc: field not allowed"},
		{19, Error, "api", "", "spec.components[api].properties.env[0].name", "api: properties.env[0].name: required field missing (incomplete value string)"},
		{23, Error, "api", "circuit-breaker", cb + ".properties.failureThreshold", `api: traits[circuit-breaker].properties.failureThreshold: conflicting values "five" and int (mismatched types string and int)`},
		{24, Error, "api", "circuit-breaker", cb + ".properties.recoveryTimeout", `api: traits[circuit-breaker].properties.recoveryTimeout: invalid value "30 seconds" (out of bound =~"^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$")`},
		{28, Error, "api", "network-policy", np + ".properties.allowedNamspaces", "api: traits[network-policy].properties.allowedNamspaces: field not allowed"},
		{29, Error, "api", "network-policy", np + ".properties.allowedPorts[0]", `api: traits[network-policy].properties.allowedPorts[0]: conflicting values "http" and int (mismatched types string and int)`},
		{30, Info, "api", "istio-vs", "spec.components[api].traits[istio-vs].type", `api: traits[istio-vs].type: trait type "istio-vs" has no definition here; its properties are not checked`},
		{34, Info, "db", "", "spec.components[db].type", `db: type: component type "helm" has no definition here; its properties are not checked`},
		{37, Error, "cache", "", "spec.components[cache].properties.image", "cache: properties.image: required field missing (incomplete value string)"},
		{43, Error, "", "", "spec.policies[topology-staging].properties.cluster", "spec.policies[topology-staging].properties.cluster: field not allowed"},
		{50, Error, "", "", "spec.workflow.steps[deploy].properties.parallel", "spec.workflow.steps[deploy].properties.parallel: field not allowed"},
	}
	if diff := cmp.Diff(wantProblems, got(ps, "broken.yaml", t)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestStructural(t *testing.T) {
	const why = "required field missing: KubeVela identifies workflow steps by name (dependsOn, inputs, status) and rejects duplicate names, so unnamed steps collide; the CRD does not mark it required"
	const sub = "spec.workflow.steps[group].subSteps"
	wantProblems := []want{
		{5, Error, "", "", "metadata.name", "metadata.name: required field missing: every Kubernetes object needs metadata.name (generateName only works with create)"},
		{7, Error, "", "", "spec.componets", "spec.componets: unknown field: not in the Application CRD (the API server drops it; kubectl --validate=strict rejects it)"},
		{14, Error, "api", "", "spec.components[api].traits[0].type", "api: traits[0].type: required field missing"},
		{17, Error, "api", "scaler", "spec.components[api].traits[scaler].properties", "api: traits[scaler].properties: must be an object, not a list"},
		{18, Error, "api", "", "spec.components[api].name", "api: name: duplicate component name (first at line 9)"},
		{22, Error, "", "", "spec.components[2].name", "spec.components[2].name: required field missing"},
		{25, Error, "", "", "spec.components[3].name", "spec.components[3].name: must be a string, not an integer"},
		{26, Error, "", "", "spec.components[3].type", "spec.components[3].type: must be a string, not a list"},
		{36, Error, "", "", "spec.workflow.steps[deploy].properties.policies[0]", `spec.workflow.steps[deploy].properties.policies[0]: no policy named "topology-prod" in spec.policies`},
		{39, Error, "", "", "spec.workflow.steps[group].dependsOn", "spec.workflow.steps[group].dependsOn: must be a list, not a string"},
		{41, Error, "", "", sub + "[deploy].name", sub + "[deploy].name: duplicate step name: steps and sub-steps share one namespace (first at line 33)"},
		{44, Error, "", "", sub + "[deploy].properties.policy", sub + `[deploy].properties.policy: no policy named "env" in spec.policies`},
		{46, Error, "", "", sub + "[1].name", sub + "[1].name: " + why},
		{47, Error, "", "", "spec.workflow.steps[notify].type", "spec.workflow.steps[notify].type: required field missing"},
	}
	app := readApp(t, testdata("structural.yaml"))
	// The structural layer does not need definitions.
	var structural []want
	for _, w := range wantProblems {
		if w.Severity == Error {
			structural = append(structural, w)
		}
	}
	if diff := cmp.Diff(structural, got(Validate(app, "structural.yaml", nil), "structural.yaml", t)); diff != "" {
		t.Errorf("without definitions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantProblems, got(Validate(app, "structural.yaml", builtins(t)), "structural.yaml", t)); diff != "" {
		t.Errorf("with definitions (-want +got):\n%s", diff)
	}
}

func TestNotAnApplication(t *testing.T) {
	for _, c := range []struct{ src, msg string }{
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", `kind: want Application, got "ConfigMap"`},
		{"- a\n- b\n", "an Application must be a YAML mapping"},
		{"apiVersion: core.oam.dev/v1alpha2\nkind: Application\nmetadata: {name: x}\nspec: {components: []}\n",
			`apiVersion: got "core.oam.dev/v1alpha2": the Application CRD serves only core.oam.dev/v1beta1`},
	} {
		ps := Validate(yaml.MustParse(c.src), "x.yaml", nil)
		if len(ps) != 1 || ps[0].Message != c.msg || ps[0].Severity != Error || ps[0].Line != 1 {
			t.Errorf("%q: got\n%s", c.src, lines(ps))
		}
	}
}

// TestYAMLFeatures checks anchors, merge keys, nulls and versioned types.
func TestYAMLFeatures(t *testing.T) {
	src := `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: x}
spec:
  components:
    - name: api
      type: webservice@v1
      properties: &base
        image: nginx
        cpu: "1"
    - name: worker
      type: worker
      properties:
        <<: *base
        cmd: [run]
        cpu: 1
    - name: empty
      type: worker
      properties: null
      traits: null
`
	ps := Validate(yaml.MustParse(src), "x.yaml", builtins(t))
	wantProblems := []want{
		{16, Error, "worker", "", "spec.components[worker].properties.cpu", "worker: properties.cpu: conflicting values string and 1 (mismatched types string and int)"},
		{19, Error, "empty", "", "spec.components[empty].properties.image", "empty: properties.image: required field missing (incomplete value string)"},
	}
	if diff := cmp.Diff(wantProblems, got(ps, "x.yaml", t)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestLoadYAMLAndShadowingDefinitions(t *testing.T) {
	local, err := LoadDefinitions(testdata("defs"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range local.byKey {
		names = append(names, k.kind+"/"+k.name)
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"component/cron-task", "component/webservice", "trait/sidecar-lite"}, names); diff != "" {
		t.Errorf("definitions (-want +got):\n%s", diff)
	}
	src := `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: x}
spec:
  components:
    - name: api
      type: webservice
      properties:
        image: nginx
        environment: {A: b}
      traits:
        - type: sidecar-lite
          properties: {name: proxy, image: envoy, port: 1}
    - name: nightly
      type: cron-task
      properties: {image: job, schedule: "0 1 * * *", suspend: "no"}
`
	app := yaml.MustParse(src)
	// The platform's webservice shadows the built-in one when merged last.
	ps := Validate(app, "x.yaml", builtins(t).Merge(local))
	wantProblems := []want{
		{13, Error, "api", "sidecar-lite", "spec.components[api].traits[sidecar-lite].properties.port", "api: traits[sidecar-lite].properties.port: field not allowed"},
		{16, Error, "nightly", "", "spec.components[nightly].properties.suspend", `nightly: properties.suspend: conflicting values "no" and bool (mismatched types string and bool)`},
	}
	if diff := cmp.Diff(wantProblems, got(ps, "x.yaml", t)); diff != "" {
		t.Errorf("platform definitions last (-want +got):\n%s", diff)
	}
	ps = Validate(app, "x.yaml", local.Merge(builtins(t)))
	if len(ps) == 0 || ps[0].Field != "spec.components[api].properties.environment" {
		t.Errorf("built-ins last: want environment rejected first, got\n%s", lines(ps))
	}
}

func TestParameterFields(t *testing.T) {
	e := Embedded()
	for trait, fields := range map[string][]string{
		"circuit-breaker": {"failureThreshold", "recoveryTimeout", "halfOpenMaxCalls", "interval", "maxEjectionPercent", "maxConnections", "maxPendingRequests", "maxRequests"},
		"network-policy":  {"denyAll", "allowSameApp", "allowedNamespaces", "allowedPorts"},
	} {
		got, err := e.ParameterFields(trait)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fields, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", trait, diff)
		}
	}
	if _, err := e.ParameterFields("scaler"); err == nil {
		t.Error("scaler is not embedded; want an error")
	}
}

// TestDefsYAMLRoundTrip loads `oamfix defs` output (defs.YAML) the way a
// cluster export would be loaded, and checks it behaves like Embedded.
func TestDefsYAMLRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "oamfix-defs.yaml"), defs.YAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadDefinitions(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, trait := range []string{"circuit-breaker", "network-policy"} {
		a, errA := loaded.ParameterFields(trait)
		b, errB := Embedded().ParameterFields(trait)
		if errA != nil || errB != nil || !slices.Equal(a, b) {
			t.Errorf("%s: loaded %v (%v), embedded %v (%v)", trait, a, errA, b, errB)
		}
	}
	app := readApp(t, testdata("broken.yaml"))
	var fromYAML, embedded []string
	for _, p := range Validate(app, "b.yaml", loaded) {
		if p.Trait == "circuit-breaker" || p.Trait == "network-policy" {
			fromYAML = append(fromYAML, p.Message)
		}
	}
	for _, p := range Validate(app, "b.yaml", Embedded()) {
		if p.Trait == "circuit-breaker" || p.Trait == "network-policy" {
			embedded = append(embedded, p.Message)
		}
	}
	if len(embedded) != 4 {
		t.Errorf("want 4 problems in the oamfix traits, got %q", embedded)
	}
	if diff := cmp.Diff(embedded, fromYAML); diff != "" {
		t.Errorf("(-embedded +loaded from YAML):\n%s", diff)
	}
}

// TestFixerProperties checks what the fixers write fits the definitions.
func TestFixerProperties(t *testing.T) {
	src := `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: x}
spec:
  components:
    - name: api
      type: my-own-type
      traits:
        - type: circuit-breaker
          properties: {failureThreshold: 5, recoveryTimeout: "30s", halfOpenMaxCalls: 3}
        - type: network-policy
          properties: {denyAll: true, allowSameApp: true, allowedNamespaces: ["monitoring", "istio-system"], allowedPorts: [8080]}
        - type: circuit-breaker
        - type: network-policy
          properties: {}
`
	ps := Validate(yaml.MustParse(src), "x.yaml", Embedded())
	if len(ps) != 1 || ps[0].Severity != Info || ps[0].Component != "api" || ps[0].Field != "spec.components[api].type" {
		t.Errorf("want one info note about my-own-type, got\n%s", lines(ps))
	}
}

func TestConcurrentUse(t *testing.T) {
	d := builtins(t).Merge(Embedded())
	app := readApp(t, testdata("broken.yaml"))
	first := Validate(app, "b.yaml", d)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if diff := cmp.Diff(first, Validate(app, "b.yaml", d)); diff != "" {
				t.Errorf("concurrent result differs:\n%s", diff)
			}
		}()
	}
	wg.Wait()
}

func TestLoadDefinitionsErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.cue"), []byte("x: {type: \"trait\"}\ntemplate: {parameter: {a: int &}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDefinitions(dir); err == nil || !strings.Contains(err.Error(), "bad.cue") {
		t.Errorf("want an error naming bad.cue, got %v", err)
	}
	if _, err := LoadDefinitions(filepath.Join(dir, "missing")); err == nil {
		t.Error("want an error for a missing directory")
	}

	yamlDir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(yamlDir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("chart.yaml", "metadata:\n  name: {{ .Release.Name }}\n  bad: [\n")
	write("helpers.cue", "#Probe: {port: int}\n_x: 1\n")
	if d, err := LoadDefinitions(yamlDir); err != nil || len(d.byKey) != 0 {
		t.Errorf("unparsable non-definition YAML and non-definition CUE: want them skipped, got %v, %v", d, err)
	}
	write("broken-def.yaml", "kind: TraitDefinition\nmetadata: {name: x\n")
	if _, err := LoadDefinitions(yamlDir); err == nil || !strings.Contains(err.Error(), "broken-def.yaml") {
		t.Errorf("want an error naming broken-def.yaml, got %v", err)
	}
}
