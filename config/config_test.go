package config

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// header starts every test document.
const header = "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\n"

func TestDefaultMatchesReview(t *testing.T) {
	c := Default()
	s := c.Spec
	if got := s.Target.RequiredPods(); got != 500 {
		t.Errorf("RequiredPods() = %d, want 500 (50000 users * 1 req/s / 100 rps)", got)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"apiVersion", c.APIVersion, "oamfix.dev/v1alpha1"},
		{"kind", c.Kind, "OAMFixConfig"},
		{"responseTimeSLA", s.Target.ResponseTimeSLA.Duration, 2 * time.Second},
		{"minReplicas", s.Replicas.MinReplicas, 3},
		{"criticalMinReplicas", s.Replicas.CriticalMinReplicas, 5},
		{"criticalTargetCPU", s.Replicas.CriticalTargetCPU, 60},
		{"circuitBreaker", s.CircuitBreaker, CircuitBreaker{TraitType: "circuit-breaker", FailureThreshold: 5, RecoveryTimeout: Duration{30 * time.Second}, HalfOpenMaxCalls: 3}},
		// The review's timings; no path (a TCP probe) unless the user sets one.
		{"startup", s.Probes.Startup, Probe{PeriodSeconds: 10, FailureThreshold: 30}},
		{"liveness", s.Probes.Liveness, Probe{InitialDelaySeconds: 30, PeriodSeconds: 10, TimeoutSeconds: 5}},
		{"readiness", s.Probes.Readiness, Probe{InitialDelaySeconds: 5, PeriodSeconds: 5, TimeoutSeconds: 3}},
		{"maxStorage", s.Checks.MaxStorage, "100Gi"},
		{"databaseReplicas", s.Checks.DatabaseReplicas, 3},
		{"dataStoreTypes", s.Vocabulary.DataStoreTypes[:2], []string{"*mongodb*", "*redis*"}},
		{"addAutoscaler", s.Vocabulary.AddAutoscaler, "hpa"},
		{"rules", len(s.Rules), len(RuleIDs)},
	}
	for _, chk := range checks {
		if diff := cmp.Diff(chk.want, chk.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", chk.name, diff)
		}
	}
	for _, id := range RuleIDs {
		if m := c.Mode(id); m != ModeFix {
			t.Errorf("Mode(%q) = %q, want fix", id, m)
		}
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Spec.Rules["probes"] = RuleConfig{Mode: ModeOff}
	a.Spec.Environments.Prod[0] = "live"
	a.Spec.Vocabulary.Autoscalers[0].Trait = "keda"
	a.Spec.Vocabulary.DataStoreTypes[0] = "x"
	b := Default()
	if b.Mode("probes") != ModeFix || b.Spec.Environments.Prod[0] != "prod" ||
		b.Spec.Vocabulary.Autoscalers[0].Trait != "hpa" || b.Spec.Vocabulary.DataStoreTypes[0] != "*mongodb*" {
		t.Errorf("Default() shares state between calls: %+v", b.Spec)
	}
}

// TestDefaultYAMLRoundTrip: `oamfix config default` prints what the code
// uses. Parse overlays a file on Default, so parsing DefaultYAML would
// give Default even if the decoder dropped every value; the file is
// decoded onto an empty Config instead, so every value must come from it.
func TestDefaultYAMLRoundTrip(t *testing.T) {
	root, err := parseDocument(DefaultYAML(), "default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Options{}.newDecoder("default.yaml")
	if err := d.header(root); err != nil {
		t.Fatal(err)
	}
	var got Config
	if err := d.value(root, reflect.ValueOf(&got).Elem(), "", nil); err != nil {
		t.Fatal(err)
	}
	// UserTypes records which type patterns a file adds to the built-in
	// lists; onto an empty Config every pattern looks added.
	if diff := cmp.Diff(Default(), &got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Vocabulary{}, "UserTypes")); diff != "" {
		t.Errorf("DefaultYAML decoded onto an empty Config differs from Default() (-want +got):\n%s", diff)
	}

	// Through Parse, as a user's copy of the printed defaults is read.
	parsed, err := Parse(DefaultYAML(), "default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Default(), parsed); diff != "" {
		t.Errorf("Parse(DefaultYAML()) differs from Default() (-want +got):\n%s", diff)
	}
}

// TestDefaultYAMLDocumentsEveryKnob checks that DefaultYAML sets every field
// (so that the round trip compares them all) and comments on each.
func TestDefaultYAMLDocumentsEveryKnob(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(DefaultYAML(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, typ reflect.Type, path string)
	walk = func(n *yaml.Node, typ reflect.Type, path string) {
		values := map[string]*yaml.Node{}
		commented := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			values[k.Value] = v
			commented[k.Value] = k.HeadComment != "" || k.LineComment != "" || v.LineComment != ""
		}
		var keys []string
		if typ.Kind() == reflect.Map {
			keys = RuleIDs
		} else {
			for _, f := range fieldsOf(typ) {
				if f.name != "metadata" {
					keys = append(keys, f.name)
				}
			}
		}
		for _, key := range keys {
			v, ok := values[key]
			switch {
			case !ok:
				t.Errorf("DefaultYAML does not set %s", join(path, key))
				continue
			case !commented[key]:
				t.Errorf("DefaultYAML has no comment on %s", join(path, key))
			}
			if typ.Kind() != reflect.Struct {
				continue
			}
			ft := typ.Field(fieldIndex(fieldsOf(typ), key)).Type
			if (ft.Kind() == reflect.Struct && ft != reflect.TypeFor[Duration]()) || ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct {
				walk(v, ft, join(path, key))
			}
		}
	}
	walk(doc.Content[0], reflect.TypeFor[Config](), "")
}

// fieldIndex returns the struct field index of the field named name.
func fieldIndex(fields []fieldSpec, name string) int {
	for _, f := range fields {
		if f.name == name {
			return f.index
		}
	}
	return -1
}

func TestTags(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var check func(typ reflect.Type)
	check = func(typ reflect.Type) {
		switch typ.Kind() {
		case reflect.Slice, reflect.Map:
			check(typ.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[typ] || typ == reflect.TypeFor[Duration]() {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			y, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			j, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if y == "" || y != j {
				t.Errorf("%s.%s: yaml tag %q and json tag %q differ", typ.Name(), f.Name, y, j)
			}
			check(f.Type)
		}
	}
	check(reflect.TypeFor[Config]())
}

func TestParseOverlay(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want func(*Spec)
	}{
		{"empty document", "", func(*Spec) {}},
		{"comments only", "# nothing here\n", func(*Spec) {}},
		{"header only", header, func(*Spec) {}},
		{"null spec", header + "spec:\n", func(*Spec) {}},
		{"metadata accepted", header + "metadata:\n  name: shop\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n", func(*Spec) {}},
		{
			"one scalar keeps its siblings",
			header + "spec:\n  target:\n    concurrentUsers: 80000\n",
			func(s *Spec) { s.Target.ConcurrentUsers = 80000 },
		},
		{
			"float accepts integers, durations accept seconds",
			header + "spec:\n  target: {requestsPerUserPerSecond: 2, podCapacityRPS: 12.5, responseTimeSLA: 1500ms}\n  circuitBreaker: {recoveryTimeout: 45}\n",
			func(s *Spec) {
				s.Target.RequestsPerUserPerSecond = 2
				s.Target.PodCapacityRPS = 12.5
				s.Target.ResponseTimeSLA = Duration{1500 * time.Millisecond}
				s.CircuitBreaker.RecoveryTimeout = Duration{45 * time.Second}
			},
		},
		{
			"lists replace",
			header + "spec:\n  criticalComponents: [booking, pay*]\n  environments:\n    prod: [live]\n  networkPolicy:\n    allowedNamespaces: []\n",
			func(s *Spec) {
				s.CriticalComponents = []string{"booking", "pay*"}
				s.Environments.Prod = []string{"live"}
				s.NetworkPolicy.AllowedNamespaces = []string{}
			},
		},
		{
			"null list empties",
			header + "spec:\n  cors:\n    envVars:\n",
			func(s *Spec) { s.CORS.EnvVars = []string{} },
		},
		{
			"rules merge by key",
			header + "spec:\n  rules:\n    probes: {mode: check}\n    backup:\n      mode: off\n",
			func(s *Spec) {
				s.Rules["probes"] = RuleConfig{Mode: ModeCheck}
				s.Rules["backup"] = RuleConfig{Mode: ModeOff}
			},
		},
		{
			"aliases",
			header + "spec:\n  environments:\n    dev: &d [sandbox]\n  criticalComponents: *d\n",
			func(s *Spec) {
				s.Environments.Dev = []string{"sandbox"}
				s.CriticalComponents = []string{"sandbox"}
			},
		},
		{
			"vocabulary lists go in front of the defaults",
			header + `spec:
  vocabulary:
    serviceTypes: [knative-service, webservice]
    autoscalers:
      - {trait: keda, min: minReplicaCount, max: maxReplicaCount}
      - {trait: hpa, min: minReplicas, max: maxReplicas, cpu: cpu}
    envFields: [{field: environment, style: list}]
`,
			func(s *Spec) {
				v := &s.Vocabulary
				v.ServiceTypes = append([]string{"knative-service", "webservice"}, v.ServiceTypes...)
				v.UserTypes = []TypePattern{{ServiceKind, "knative-service"}, {ServiceKind, "webservice"}}
				v.Autoscalers = []Autoscaler{
					{Trait: "keda", Min: "minReplicaCount", Max: "maxReplicaCount"},
					{Trait: "hpa", Min: "minReplicas", Max: "maxReplicas", CPU: "cpu"},
					v.Autoscalers[1], v.Autoscalers[2],
				}
				v.EnvFields = []EnvField{{Field: "environment", Style: EnvList}, {Field: "env", Style: EnvList}}
			},
		},
		{
			"a type listed under another kind leaves the built-in kind",
			header + "spec:\n  vocabulary:\n    workerTypes: [webserver]\n",
			func(s *Spec) {
				v := &s.Vocabulary
				v.ServiceTypes = v.ServiceTypes[1:]
				v.WorkerTypes = append([]string{"webserver"}, v.WorkerTypes...)
				v.UserTypes = []TypePattern{{WorkerKind, "webserver"}}
			},
		},
		{
			"replaceDefaults",
			header + "spec:\n  vocabulary:\n    autoscalers: [{trait: keda, min: minReplicaCount, max: maxReplicaCount}]\n    addAutoscaler: keda\n    replaceDefaults: true\n",
			func(s *Spec) {
				v := &s.Vocabulary
				v.ReplaceDefaults = true
				v.Autoscalers = []Autoscaler{{Trait: "keda", Min: "minReplicaCount", Max: "maxReplicaCount"}}
				v.AddAutoscaler = "keda"
			},
		},
		{
			"empty addAutoscaler",
			header + "spec:\n  vocabulary:\n    addAutoscaler: \"\"\n",
			func(s *Spec) { s.Vocabulary.AddAutoscaler = "" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.doc), "oamfix.yaml")
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want.Spec)
			if strings.Contains(tt.doc, "metadata") {
				want.Metadata = Metadata{Name: "shop", Annotations: map[string]string{"config.kubernetes.io/local-config": "true"}}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// parseErrorCase is a document Parse refuses, with its message.
type parseErrorCase struct{ name, doc, want string }

// parseErrorCases are the documents of TestParseErrors;
// TestSchemaAgreesWithParse checks that the JSON Schema refuses them too.
func parseErrorCases() []parseErrorCase {
	return []parseErrorCase{
		{
			"wrong apiVersion",
			"apiVersion: core.oam.dev/v1beta1\nkind: Application\n",
			`oamfix.yaml:1: apiVersion: expected "oamfix.dev/v1alpha1", got "core.oam.dev/v1beta1"`,
		},
		{
			"wrong kind",
			"apiVersion: oamfix.dev/v1alpha1\nkind: ConfigMap\n",
			`oamfix.yaml:2: kind: expected "OAMFixConfig", got "ConfigMap"`,
		},
		{
			"missing kind",
			"apiVersion: oamfix.dev/v1alpha1\nspec: {}\n",
			`oamfix.yaml:1: kind: missing, expected "OAMFixConfig"`,
		},
		{
			"not a map",
			"- a\n- b\n",
			`oamfix.yaml:1: expected an OAMFixConfig map, got a list`,
		},
		{
			"string where an integer is wanted",
			header + "metadata:\n  name: shop\nspec:\n  # peak\n  target:\n    concurrentUsers: lots\n",
			`oamfix.yaml:8: spec.target.concurrentUsers: expected an integer, got "lots"`,
		},
		{
			"float where an integer is wanted",
			header + "spec:\n  replicas:\n    minReplicas: 2.5\n",
			`oamfix.yaml:5: spec.replicas.minReplicas: expected an integer, got 2.5`,
		},
		{
			"map where a list is wanted",
			header + "spec:\n  criticalComponents:\n    booking: true\n",
			`oamfix.yaml:5: spec.criticalComponents: expected a list, got a map`,
		},
		{
			"list where a map is wanted",
			header + "spec:\n  target: [1]\n",
			`oamfix.yaml:4: spec.target: expected a map, got a list`,
		},
		{
			"number where a string is wanted",
			header + "spec:\n  staging:\n    clusters: [east, 2]\n",
			`oamfix.yaml:5: spec.staging.clusters[1]: expected a string, got 2`,
		},
		{
			"string where a boolean is wanted",
			header + "spec:\n  staging:\n    requireApproval: yes\n",
			`oamfix.yaml:5: spec.staging.requireApproval: expected true or false, got "yes"`,
		},
		{
			"unknown field with a suggestion",
			header + "spec:\n  target:\n    concurrentUser: 5\n",
			`oamfix.yaml:5: spec.target: unknown field "concurrentUser", did you mean "concurrentUsers"?`,
		},
		{
			"unknown field",
			header + "spec:\n  probes:\n    grpc: {}\n",
			`oamfix.yaml:5: spec.probes: unknown field "grpc" (known: startup, liveness, readiness)`,
		},
		{
			"unknown top-level field",
			header + "status: {}\n",
			`oamfix.yaml:3: unknown field "status" (known: apiVersion, kind, metadata, spec)`,
		},
		{
			"duplicate key",
			header + "spec:\n  replicas: {}\n  probes: {}\n  replicas: {}\n",
			`oamfix.yaml:6: spec: duplicate key "replicas" (first at line 4)`,
		},
		{
			"unknown rule",
			header + "spec:\n  rules:\n    replica: {mode: check}\n",
			`oamfix.yaml:5: spec.rules: unknown rule "replica", did you mean "replicas"?`,
		},
		{
			"invalid mode",
			header + "spec:\n  rules:\n    probes: {mode: fixit}\n",
			`oamfix.yaml:5: spec.rules.probes.mode: expected fix, check or off, got "fixit"`,
		},
		{
			"zero where positive is wanted",
			header + "spec:\n  replicas:\n    minReplicas: 0\n",
			`oamfix.yaml:5: spec.replicas.minReplicas: must be greater than 0, got 0`,
		},
		{
			"negative float",
			header + "spec:\n  target:\n    podCapacityRPS: -10\n",
			`oamfix.yaml:5: spec.target.podCapacityRPS: must be greater than 0, got -10`,
		},
		{
			"negative probe number",
			header + "spec:\n  probes:\n    liveness: {timeoutSeconds: -1}\n",
			`oamfix.yaml:5: spec.probes.liveness.timeoutSeconds: must not be negative, got -1`,
		},
		{
			"percentage out of range",
			header + "spec:\n  replicas:\n    targetCPU: 150\n",
			`oamfix.yaml:5: spec.replicas.targetCPU: must be a percentage from 1 to 100, got 150`,
		},
		{
			"above max",
			header + "spec:\n  staging:\n    replicaFactor: 1.5\n",
			`oamfix.yaml:5: spec.staging.replicaFactor: must be at most 1, got 1.5`,
		},
		{
			"cap below floor",
			header + "spec:\n  replicas:\n    minReplicas: 4\n    maxReplicasCap: 3\n",
			`oamfix.yaml:6: spec.replicas.maxReplicasCap: 3 is below minReplicas (4)`,
		},
		{
			"malformed glob",
			header + "spec:\n  criticalComponents:\n    - booking\n    - pay[\n",
			`oamfix.yaml:6: spec.criticalComponents[1]: malformed glob pattern "pay["`,
		},
		{
			"word in two environments",
			header + "spec:\n  environments:\n    prod: [prod, Stage]\n",
			`oamfix.yaml:5: spec.environments.prod[1]: "Stage" is also listed under staging`,
		},
		{
			"invalid duration",
			header + "spec:\n  circuitBreaker:\n    recoveryTimeout: soon\n",
			`oamfix.yaml:5: spec.circuitBreaker.recoveryTimeout: expected a duration such as 30s or 2m, got "soon"`,
		},
		{
			"zero duration",
			header + "spec:\n  target:\n    responseTimeSLA: 0s\n",
			`oamfix.yaml:5: spec.target.responseTimeSLA: must be greater than 0, got 0s`,
		},
		{
			"wildcard origin",
			header + "spec:\n  cors:\n    allowedOrigins: [\"https://app.example.com\", \"*\"]\n",
			`oamfix.yaml:5: spec.cors.allowedOrigins[1]: "*" allows every origin; list the allowed origins instead`,
		},
		{
			"origin with a path",
			header + "spec:\n  cors:\n    allowedOrigins: [https://app.example.com/login]\n",
			`oamfix.yaml:5: spec.cors.allowedOrigins[0]: expected an origin such as https://app.example.com, got "https://app.example.com/login"`,
		},
		{
			"bad quantity",
			header + "spec:\n  checks:\n    maxStorage: lots\n",
			`oamfix.yaml:5: spec.checks.maxStorage: expected a quantity such as 100Gi, got "lots"`,
		},
		{
			"bad namespace",
			header + "spec:\n  networkPolicy:\n    allowedNamespaces: [Monitoring]\n",
			`oamfix.yaml:5: spec.networkPolicy.allowedNamespaces[0]: expected a namespace name (lowercase letters, digits and '-'), got "Monitoring"`,
		},
		{
			"empty trait type",
			header + "spec:\n  circuitBreaker:\n    traitType: \"\"\n",
			`oamfix.yaml:5: spec.circuitBreaker.traitType: must not be empty`,
		},
		{
			"vocabulary item missing a field",
			header + "spec:\n  vocabulary:\n    autoscalers:\n      - {trait: keda, min: minReplicaCount}\n",
			`oamfix.yaml:6: spec.vocabulary.autoscalers[0]: missing field "max"`,
		},
		{
			"vocabulary duplicate",
			header + "spec:\n  vocabulary:\n    fixedScalers:\n      - {trait: scaler, field: replicas}\n      - {trait: scaler, field: spec.replicas}\n",
			`oamfix.yaml:7: spec.vocabulary.fixedScalers[1].trait: duplicate trait, also at [0]`,
		},
		{
			"vocabulary style",
			header + "spec:\n  vocabulary:\n    envFields: [{field: vars, style: dict}]\n",
			`oamfix.yaml:5: spec.vocabulary.envFields[0].style: expected list or map, got "dict"`,
		},
		{
			"probe style without its field",
			header + "spec:\n  vocabulary:\n    probeStyles:\n      - {name: health, style: map}\n",
			`oamfix.yaml:6: spec.vocabulary.probeStyles[0].field: required when style is "map"`,
		},
		{
			"unknown autoscaler to add",
			header + "spec:\n  vocabulary:\n    addAutoscaler: keda\n",
			`oamfix.yaml:5: spec.vocabulary.addAutoscaler: "keda" is not one of the autoscalers ("hpa", "cpuscaler", "autoscaler")`,
		},
		{
			"replaced autoscalers without the added one",
			header + "spec:\n  vocabulary:\n    replaceDefaults: true\n    autoscalers: [{trait: keda, min: a, max: b}]\n",
			`oamfix.yaml:5: spec.vocabulary.addAutoscaler: "hpa" is not one of the autoscalers ("keda")`,
		},
		{
			"syntax error",
			header + "spec:\n  target: concurrentUsers: 1\n",
			`oamfix.yaml:4: mapping values are not allowed in this context`,
		},
		{
			"two documents",
			header + "---\n" + header,
			`oamfix.yaml:3: expected a single YAML document, found a second one`,
		},
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorCases() {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.doc), "oamfix.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", cfg.Spec)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is a %T, want *Error", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	_, err := Parse([]byte(header+"spec:\n  vocabulary:\n    autoscalers:\n      - {trait: hpa, min: min, max: max}\n      - {trait: x, min: 3, max: max}\n"), "cfg.yaml")
	want := &Error{File: "cfg.yaml", Line: 7, Field: "spec.vocabulary.autoscalers[1].min", Msg: "expected a string, got 3"}
	if diff := cmp.Diff(want, err); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		err  *Error
		want string
	}{
		{&Error{File: "f", Line: 2, Field: "a.b", Msg: "m"}, "f:2: a.b: m"},
		{&Error{File: "functionConfig", Field: "mode", Msg: "m"}, "functionConfig: mode: m"},
		{&Error{Line: 3, Msg: "m"}, "line 3: m"},
		{&Error{Msg: "m"}, "m"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestOptionsKnownRules(t *testing.T) {
	doc := []byte(header + "spec:\n  rules:\n    image-pinning: {mode: check}\n")
	if _, err := Parse(doc, "oamfix.yaml"); err == nil {
		t.Error("Parse accepted an unknown rule")
	}
	cfg, err := Options{KnownRules: []string{"image-pinning"}}.Parse(doc, "oamfix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m := cfg.Mode("image-pinning"); m != ModeCheck {
		t.Errorf("Mode(image-pinning) = %q, want check", m)
	}
	cfg, err = Options{KnownRules: []string{"image-pinning"}}.FromConfigMapData(map[string]string{"rules": "replicas"})
	if err != nil {
		t.Fatal(err)
	}
	if m := cfg.Mode("image-pinning"); m != ModeOff {
		t.Errorf("Mode(image-pinning) = %q, want off", m)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "oamfix.yaml")
	if err := os.WriteFile(good, []byte(header+"spec:\n  replicas: {minReplicas: 4}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Spec.Replicas.MinReplicas != 4 {
		t.Errorf("minReplicas = %d, want 4", cfg.Spec.Replicas.MinReplicas)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(header+"spec:\n  replicas: {minReplicas: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if want := bad + `:4: spec.replicas.minReplicas: expected an integer, got "x"`; err == nil || err.Error() != want {
		t.Errorf("Load(bad) error = %v, want %s", err, want)
	}

	missing := filepath.Join(dir, "missing.yaml")
	_, err = Load(missing)
	if err == nil || !strings.Contains(err.Error(), missing) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want a not-exist error naming %s", err, missing)
	}
}

func TestFromConfigMapData(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		want func(*Spec)
	}{
		{"empty", nil, func(*Spec) {}},
		{
			"scalars",
			map[string]string{
				"target.concurrentUsers":          "80000",
				"target.requestsPerUserPerSecond": " 0.5 ",
				"target.responseTimeSLA":          "1s",
				"circuitBreaker.recoveryTimeout":  "60",
				"staging.requireApproval":         "true",
				"staging.namespaceSuffix":         "-stg",
			},
			func(s *Spec) {
				s.Target.ConcurrentUsers = 80000
				s.Target.RequestsPerUserPerSecond = 0.5
				s.Target.ResponseTimeSLA = Duration{time.Second}
				s.CircuitBreaker.RecoveryTimeout = Duration{time.Minute}
				s.Staging.RequireApproval = true
				s.Staging.NamespaceSuffix = "-stg"
			},
		},
		{
			"comma lists",
			map[string]string{
				"cors.allowedOrigins": "https://a.example.com, https://b.example.com",
				"criticalComponents":  "booking,pay*",
				"staging.clusters":    "",
			},
			func(s *Spec) {
				s.CORS.AllowedOrigins = []string{"https://a.example.com", "https://b.example.com"}
				s.CriticalComponents = []string{"booking", "pay*"}
				s.Staging.Clusters = []string{}
			},
		},
		{
			"rule mode",
			map[string]string{"rules.probes.mode": "check"},
			func(s *Spec) { s.Rules["probes"] = RuleConfig{Mode: ModeCheck} },
		},
		{
			"mode shortcut",
			map[string]string{"mode": "check", "rules.cors.mode": "off"},
			func(s *Spec) {
				for id := range s.Rules {
					s.Rules[id] = RuleConfig{Mode: ModeCheck}
				}
				s.Rules["cors"] = RuleConfig{Mode: ModeOff}
			},
		},
		{
			"rules shortcut",
			map[string]string{"rules": "replicas, probes"},
			func(s *Spec) {
				for id := range s.Rules {
					s.Rules[id] = RuleConfig{Mode: ModeOff}
				}
				s.Rules["replicas"] = RuleConfig{Mode: ModeFix}
				s.Rules["probes"] = RuleConfig{Mode: ModeFix}
			},
		},
		{
			"both shortcuts",
			map[string]string{"rules": "cors", "mode": "check"},
			func(s *Spec) {
				for id := range s.Rules {
					s.Rules[id] = RuleConfig{Mode: ModeOff}
				}
				s.Rules["cors"] = RuleConfig{Mode: ModeCheck}
			},
		},
		{
			"structured values and vocabulary",
			map[string]string{
				"vocabulary.autoscalers":  "[{trait: keda, min: minReplicaCount, max: maxReplicaCount}]",
				"vocabulary.serviceTypes": "knative-service",
				"probes.liveness":         "{path: /livez}",
			},
			func(s *Spec) {
				v := &s.Vocabulary
				v.Autoscalers = append([]Autoscaler{{Trait: "keda", Min: "minReplicaCount", Max: "maxReplicaCount"}}, v.Autoscalers...)
				v.ServiceTypes = append([]string{"knative-service"}, v.ServiceTypes...)
				v.UserTypes = []TypePattern{{ServiceKind, "knative-service"}}
				s.Probes.Liveness.Path = "/livez"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromConfigMapData(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want.Spec)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromConfigMapDataErrors(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		want *Error
	}{
		{
			"unknown key",
			map[string]string{"target.concurrentUser": "5"},
			&Error{Field: "target.concurrentUser", Msg: `unknown field "concurrentUser", did you mean "concurrentUsers"?`},
		},
		{
			"key below a scalar",
			map[string]string{"target.concurrentUsers.max": "5"},
			&Error{Field: "target.concurrentUsers.max", Msg: `unknown field "max"`},
		},
		{
			"bad integer",
			map[string]string{"target.concurrentUsers": "lots"},
			&Error{Field: "target.concurrentUsers", Msg: `expected an integer, got "lots"`},
		},
		{
			"bad boolean",
			map[string]string{"staging.requireApproval": "sometimes"},
			&Error{Field: "staging.requireApproval", Msg: `expected true or false, got "sometimes"`},
		},
		{
			"bad duration",
			map[string]string{"circuitBreaker.recoveryTimeout": "soon"},
			&Error{Field: "circuitBreaker.recoveryTimeout", Msg: `expected a duration such as 30s or 2m, got "soon"`},
		},
		{
			"out of range",
			map[string]string{"replicas.targetCPU": "0"},
			&Error{Field: "replicas.targetCPU", Msg: `must be a percentage from 1 to 100, got 0`},
		},
		{
			"bad list item",
			map[string]string{"criticalComponents": "booking,pay["},
			&Error{Field: "criticalComponents", Msg: `[1]: malformed glob pattern "pay["`},
		},
		{
			"bad structured value",
			map[string]string{"vocabulary.autoscalers": "[{trait: keda, min: a}]"},
			&Error{Field: "vocabulary.autoscalers", Msg: `[0]: missing field "max"`},
		},
		{
			"unparsable structured value",
			map[string]string{"probes.liveness": "{path: /livez"},
			&Error{Field: "probes.liveness", Msg: `did not find expected ',' or '}'`},
		},
		{
			"unknown rule",
			map[string]string{"rules.replica.mode": "check"},
			&Error{Field: "rules.replica.mode", Msg: `unknown rule "replica", did you mean "replicas"?`},
		},
		{
			"bad rule mode",
			map[string]string{"rules.probes.mode": "maybe"},
			&Error{Field: "rules.probes.mode", Msg: `expected fix, check or off, got "maybe"`},
		},
		{
			"bad mode shortcut",
			map[string]string{"mode": "fixit"},
			&Error{Field: "mode", Msg: `expected fix, check or off, got "fixit"`},
		},
		{
			"unknown rule in the rules shortcut",
			map[string]string{"rules": "replicas,prob"},
			&Error{Field: "rules", Msg: `unknown rule "prob", did you mean "probes"?`},
		},
		{
			"conflicting keys",
			map[string]string{"probes.liveness": "{path: /livez}", "probes.liveness.path": "/healthz"},
			&Error{Field: "probes.liveness.path", Msg: `conflicts with another key`},
		},
		{
			"cross-field check",
			map[string]string{"replicas.maxReplicasCap": "2"},
			&Error{Field: "replicas.maxReplicasCap", Msg: `2 is below minReplicas (3)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromConfigMapData(tt.data)
			tt.want.File = "functionConfig"
			if diff := cmp.Diff(tt.want, err); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnvironmentOf(t *testing.T) {
	c := Default()
	tests := map[string]string{
		"topology-prod":           EnvProd,
		"override-prod":           EnvProd,
		"shop-production":         EnvProd,
		"Shop_PROD":               EnvProd,
		"prod":                    EnvProd,
		"deploy-staging":          EnvStaging,
		"override-staging":        EnvStaging,
		"shop.stage":              EnvStaging,
		"shop-dev":                EnvDev,
		"development":             EnvDev,
		"promote-staging-to-prod": EnvProd,
		"product-api":             "",
		"deploy2prod":             "",
		"prodigy":                 "",
		"devops-tools":            "",
		"":                        "",
		"shop":                    "",
	}
	for name, want := range tests {
		if got := c.EnvironmentOf(name); got != want {
			t.Errorf("EnvironmentOf(%q) = %q, want %q", name, got, want)
		}
	}

	c.Spec.Environments.Staging = []string{"pre-prod", "uat*"}
	for name, want := range map[string]string{
		"shop-pre-prod":    EnvStaging, // two tokens beat the single "prod"
		"shop_pre.prod":    EnvStaging,
		"shop-prod":        EnvProd,
		"uat2-eu":          EnvStaging,
		"override-staging": "",
	} {
		if got := c.EnvironmentOf(name); got != want {
			t.Errorf("with custom words, EnvironmentOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestModeAndIsCritical(t *testing.T) {
	cfg, err := Parse([]byte(header+"spec:\n  criticalComponents: [booking, pay*]\n  rules: {probes: {mode: off}}\n"), "oamfix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Mode{"probes": ModeOff, "replicas": ModeFix, "not-configured": ModeFix} {
		if got := cfg.Mode(id); got != want {
			t.Errorf("Mode(%q) = %q, want %q", id, got, want)
		}
	}
	for name, want := range map[string]bool{"booking": true, "payment": true, "pay": true, "bookings": false, "api": false} {
		if got := cfg.IsCritical(name); got != want {
			t.Errorf("IsCritical(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestMatchAny(t *testing.T) {
	tests := []struct {
		patterns []string
		s        string
		want     bool
	}{
		{[]string{"redis*"}, "redis-cluster", true},
		{[]string{"*-rds*"}, "aws-rds-postgres", true},
		{[]string{"Redis*"}, "redis", false},
		{[]string{"[", "redis"}, "redis", true},
		{nil, "redis", false},
	}
	for _, tt := range tests {
		if got := MatchAny(tt.patterns, tt.s); got != tt.want {
			t.Errorf("MatchAny(%q, %q) = %v, want %v", tt.patterns, tt.s, got, tt.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	v := Default().Spec.Vocabulary
	tests := map[string]string{
		"microservice@v1.2.0":        ServiceKind,
		"java-war":                   ServiceKind,
		"redis-exporter-server":      ServiceKind, // not a data store: an exporter
		"myworker":                   WorkerKind,
		"volcano-job":                JobKind,
		"mongodb-replicaset":         DataStoreKind,
		"redis@v3":                   DataStoreKind,
		"redis-failover":             DataStoreKind,
		"alibaba-rds":                CloudKind, // a managed database: no pods
		"alibaba-redis":              CloudKind,
		"azure-database-mariadb":     CloudKind,
		"tf-aws-dynamodb-table":      CloudKind,
		"kafka-topic":                ReferenceKind, // an operator request
		"kafka-rebalance":            ReferenceKind,
		"elasticsearch-apm-server":   ReferenceKind,
		"kustomize":                  ReferenceKind,
		"rasa-chatbot":               "",
		"webservice":                 "", // KubeVela's own: from its definition
		"stateless@beta":             "",
		"user-management-service":    "",
		"elasticsearch-cluster@v1.2": DataStoreKind,
	}
	for typ, want := range tests {
		if got := v.KindOf(typ); got.Kind != want {
			t.Errorf("KindOf(%q) = %+v, want %q", typ, got, want)
		}
	}
	v.ServiceTypes = append([]string{"knative@v2"}, v.ServiceTypes...)
	v.WorkerTypes = append([]string{"knative"}, v.WorkerTypes...)
	if got := v.KindOf("knative@v2"); got.Kind != ServiceKind {
		t.Errorf("an exact pattern with @ should win over the unversioned type: KindOf = %+v", got)
	}
	if got := v.KindOf("knative@v3"); got.Kind != WorkerKind {
		t.Errorf("KindOf(knative@v3) = %+v, want worker", got)
	}
}

// TestKindOfUserFirst: a type the config file lists comes before the
// built-in lists (and before definitions, which the workload model asks
// next), and says so.
func TestKindOfUserFirst(t *testing.T) {
	cfg, err := Parse([]byte("apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  vocabulary:\n    workerTypes: [redis-sidecar, webservice]\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v := cfg.Spec.Vocabulary
	for typ, want := range map[string]TypeMatch{
		"redis-sidecar": {Kind: WorkerKind, Field: "spec.vocabulary.workerTypes", Pattern: "redis-sidecar", User: true},
		"webservice":    {Kind: WorkerKind, Field: "spec.vocabulary.workerTypes", Pattern: "webservice", User: true},
		"redis-cache":   {Kind: DataStoreKind, Field: "spec.vocabulary.dataStoreTypes", Pattern: "*redis*"},
	} {
		if got := v.KindOf(typ); got != want {
			t.Errorf("KindOf(%q) = %+v, want %+v", typ, got, want)
		}
	}
}

func TestStagingReplicasFor(t *testing.T) {
	s := Default().Spec.Staging
	for prod, want := range map[int]int{0: 1, 1: 1, 3: 2, 4: 2, 5: 3, 25: 13} {
		if got := s.ReplicasFor(prod); got != want {
			t.Errorf("ReplicasFor(%d) = %d, want %d", prod, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                "30s",
		2 * time.Minute:                 "2m",
		90 * time.Minute:                "1h30m",
		time.Hour:                       "1h",
		time.Hour + 5*time.Second:       "1h0m5s",
		1500 * time.Millisecond:         "1.5s",
		500 * time.Millisecond:          "500ms",
		10*time.Minute + 30*time.Second: "10m30s",
		0:                               "0s",
	} {
		if got := (Duration{d}).String(); got != want {
			t.Errorf("Duration(%v).String() = %q, want %q", d, got, want)
		}
		if back, err := parseDuration(want); err != nil || back.Duration != d {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", want, back, err, d)
		}
	}

	type wrapper struct {
		D Duration `json:"d" yaml:"d"`
	}
	out, err := json.Marshal(wrapper{Duration{2 * time.Minute}})
	if err != nil || string(out) != `{"d":"2m"}` {
		t.Errorf("json.Marshal = %s, %v", out, err)
	}
	out, err = yaml.Marshal(wrapper{Duration{2 * time.Minute}})
	if err != nil || string(out) != "d: 2m\n" {
		t.Errorf("yaml.Marshal = %q, %v", out, err)
	}
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{{`{"d":"1m30s"}`, 90 * time.Second}, {`{"d":45}`, 45 * time.Second}, {`{"d":null}`, 0}} {
		var w wrapper
		if err := json.Unmarshal([]byte(tt.in), &w); err != nil || w.D.Duration != tt.want {
			t.Errorf("json.Unmarshal(%s) = %v, %v; want %v", tt.in, w.D, err, tt.want)
		}
	}
	var w wrapper
	if err := json.Unmarshal([]byte(`{"d":1.5}`), &w); err == nil {
		t.Error("json.Unmarshal accepted a fractional number of seconds")
	}
	for in, want := range map[string]time.Duration{"d: 20\n": 20 * time.Second, "d: 3m\n": 3 * time.Minute} {
		var w wrapper
		if err := yaml.Unmarshal([]byte(in), &w); err != nil || w.D.Duration != want {
			t.Errorf("yaml.Unmarshal(%q) = %v, %v; want %v", in, w.D, err, want)
		}
	}
}
