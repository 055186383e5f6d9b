package catalog

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/oamfix/oamfix/internal/testenv"
)

// Workload type lists of the built-in traits' appliesToWorkloads.
var (
	anyWorkload    = []string{"*"}
	scalable       = []string{"deployments.apps", "statefulsets.apps"}
	podTemplates   = []string{"deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"}
	deploymentOnly = []string{"deployments.apps"}
)

var (
	deployment  = GVK{"apps/v1", "Deployment"}
	service     = GVK{"v1", "Service"}
	podSpec     = "spec.template.spec.containers"
	probes      = []string{"livenessProbe", "readinessProbe"}
	ingressV1   = GVK{"networking.k8s.io/v1", "Ingress"}
	ingressBeta = GVK{"networking.k8s.io/v1beta1", "Ingress"}
)

// ignoreDefinition leaves Source and Template out of comparisons.
var ignoreDefinition = cmpopts.IgnoreFields(Definition{}, "Source", "Template")

// TestBuiltinComponents pins what the built-in table says about every
// component type, as read from KubeVela v1.10.9's CUE.
func TestBuiltinComponents(t *testing.T) {
	def := func(name string) Definition { return Definition{Kind: KindComponent, Name: name} }
	want := []*ComponentType{
		// cron-task's attributes say autodetect; its output is a CronJob
		// (batch/v1 from Kubernetes 1.25). It declares probes but does not
		// render them.
		{Definition: def("cron-task"), Workload: GVK{"batch/v1", "CronJob"}, Autodetect: true,
			Containers: "spec.jobTemplate.spec.template.spec.containers", EnvField: "env", CPUField: "cpu"},
		// daemon's ports have no containerPort.
		{Definition: def("daemon"), Workload: GVK{"apps/v1", "DaemonSet"}, Containers: podSpec,
			Outputs: []GVK{service}, PortFields: []string{"port", "ports[].port"}, ExposeField: "ports[].expose",
			ProbeFields: probes, EnvField: "env", CPUField: "cpu"},
		{Definition: def("k8s-objects"), Autodetect: true},
		{Definition: Definition{Kind: KindComponent, Name: "raw", Deprecated: true}, Autodetect: true},
		{Definition: def("ref-objects"), Autodetect: true},
		// No built-in component renders spec.replicas: scaler does.
		{Definition: def("statefulset"), Workload: GVK{"apps/v1", "StatefulSet"}, Containers: podSpec,
			Outputs: []GVK{service}, PortFields: []string{"port", "ports[].containerPort", "ports[].port"},
			ExposeField: "ports[].expose", ProbeFields: probes, EnvField: "env", CPUField: "cpu"},
		// task declares probes but does not render them.
		{Definition: def("task"), Workload: GVK{"batch/v1", "Job"}, Containers: podSpec, EnvField: "env", CPUField: "cpu"},
		{Definition: def("webservice"), Workload: deployment, Containers: podSpec,
			Outputs: []GVK{service}, PortFields: []string{"port", "ports[].containerPort", "ports[].port"},
			ExposeField: "ports[].expose", ProbeFields: probes, EnvField: "env", CPUField: "cpu"},
		{Definition: def("worker"), Workload: deployment, Containers: podSpec, ProbeFields: probes, EnvField: "env", CPUField: "cpu"},
	}
	if diff := cmp.Diff(want, Builtin().Components(), ignoreDefinition, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("built-in component types (-want +got):\n%s", diff)
	}
}

// TestBuiltinTraits pins what the built-in table says about every trait.
// No built-in trait declares conflictsWith.
func TestBuiltinTraits(t *testing.T) {
	type row struct {
		name       string
		appliesTo  []string
		outputs    []GVK
		disruptive bool
		deprecated bool
	}
	rows := []row{
		{"affinity", podTemplates, nil, true, false},
		{"annotations", anyWorkload, nil, true, false},
		{"command", podTemplates, nil, false, false},
		{"configmap", anyWorkload, []GVK{{"v1", "ConfigMap"}}, true, true},
		{"container-image", podTemplates, nil, true, false},
		{"container-ports", podTemplates, nil, true, false},
		{"cpuscaler", scalable, []GVK{{"autoscaling/v1", "HorizontalPodAutoscaler"}}, false, false},
		{"env", podTemplates, nil, false, false},
		{"expose", scalable, []GVK{service}, false, false},
		// The Service only without existingServiceName; Ingress v1 from
		// Kubernetes 1.19.
		{"gateway", scalable, []GVK{service, ingressV1}, false, false},
		{"hostalias", podTemplates, nil, false, false},
		// autoscaling/v2 from Kubernetes 1.23.
		{"hpa", scalable, []GVK{{"autoscaling/v2", "HorizontalPodAutoscaler"}}, false, false},
		{"ingress", nil, []GVK{service, ingressBeta}, false, true},
		{"ingress-1-20", nil, []GVK{service, ingressV1}, false, true},
		{"init-container", podTemplates, nil, true, false},
		{"json-merge-patch", anyWorkload, nil, true, false},
		{"json-patch", anyWorkload, nil, true, false},
		{"k8s-update-strategy", []string{"deployments.apps", "statefulsets.apps", "daemonsets.apps"}, nil, false, false},
		{"labels", anyWorkload, nil, true, false},
		{"lifecycle", podTemplates, nil, true, false},
		{"nocalhost", podTemplates, []GVK{service}, true, false},
		{"node-affinity", anyWorkload, nil, true, true},
		{"podsecuritycontext", podTemplates, nil, true, false},
		{"pure-ingress", anyWorkload, []GVK{ingressBeta}, false, true},
		{"pvc", deploymentOnly, []GVK{{"v1", "PersistentVolumeClaim"}}, true, true},
		{"resource", append(podTemplates[:4:4], "cronjobs.batch"), nil, true, false},
		{"scaler", scalable, nil, false, false},
		{"securitycontext", podTemplates, nil, true, false},
		{"service-account", podTemplates, []GVK{{"v1", "ServiceAccount"},
			{"rbac.authorization.k8s.io/v1", "ClusterRole"}, {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
			{"rbac.authorization.k8s.io/v1", "Role"}, {"rbac.authorization.k8s.io/v1", "RoleBinding"}}, false, false},
		// Its description says deprecated; its labels do not.
		{"service-binding", podTemplates, nil, false, false},
		{"sidecar", podTemplates, nil, true, false},
		{"startup-probe", podTemplates, nil, true, false},
		{"storage", podTemplates, []GVK{{"v1", "PersistentVolumeClaim"}, {"v1", "ConfigMap"}, {"v1", "Secret"}}, true, false},
		{"topologyspreadconstraints", podTemplates, nil, true, false},
		{"volumes", deploymentOnly, nil, true, true},
	}
	var want []*TraitType
	for _, r := range rows {
		tt := &TraitType{
			Definition:         Definition{Kind: KindTrait, Name: r.name, Deprecated: r.deprecated},
			AppliesToWorkloads: r.appliesTo, Outputs: r.outputs, PodDisruptive: r.disruptive,
		}
		if r.name == "scaler" {
			tt.PatchesReplicas, tt.ReplicasField = true, "replicas"
		}
		want = append(want, tt)
	}
	if diff := cmp.Diff(want, Builtin().Traits(), ignoreDefinition, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("built-in traits (-want +got):\n%s", diff)
	}
}

// TestBuiltinDefinitions checks the table holds all 89 definitions of
// KubeVela v1.10.9 (9 components with raw, 35 traits, 10 policies, 35
// workflow steps), without templates, named as the built-in source.
func TestBuiltinDefinitions(t *testing.T) {
	counts := map[Kind]int{}
	for _, d := range Builtin().Definitions() {
		counts[d.Kind]++
		if d.Source != "KubeVela v1.10.9 built-in" || d.Template != nil {
			t.Errorf("%s %s: source %q, template %v", d.Kind, d.Name, d.Source, d.Template != nil)
		}
	}
	want := map[Kind]int{KindComponent: 9, KindTrait: 35, KindPolicy: 10, KindWorkflowStep: 35}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("definitions by kind (-want +got):\n%s", diff)
	}
	for _, name := range []string{"topology", "override", "envbinding", "apply-once", "garbage-collect"} {
		if _, ok := Builtin().Definition(KindPolicy, name); !ok {
			t.Errorf("policy %s missing", name)
		}
	}
	if d, ok := Builtin().Definition(KindWorkflowStep, "deploy2env"); !ok || !d.Deprecated {
		t.Errorf("deploy2env: %+v, %v; want a deprecated workflow step", d, ok)
	}
}

// TestLookup covers version suffixes, kinds, absent types and nil
// catalogs.
func TestLookup(t *testing.T) {
	c := Builtin()
	for _, typ := range []string{"webservice", "webservice@v1", "webservice@"} {
		if ct, ok := c.Component(typ); !ok || ct.Name != "webservice" {
			t.Errorf("Component(%q) = %v, %v", typ, ct, ok)
		}
	}
	if tt, ok := c.Trait("scaler@v2"); !ok || !tt.PatchesReplicas {
		t.Errorf("Trait(scaler@v2) = %v, %v", tt, ok)
	}
	if _, ok := c.Component("scaler"); ok {
		t.Error("scaler is a trait, not a component type")
	}
	if _, ok := c.Trait("webservice"); ok {
		t.Error("webservice is a component type, not a trait")
	}
	if d, ok := c.Definition(KindTrait, "gateway@v1"); !ok || d.Kind != KindTrait {
		t.Errorf("Definition(trait, gateway@v1) = %v, %v", d, ok)
	}
	if _, ok := c.Component("helm"); ok {
		t.Error("helm is not built in")
	}
	var none *Catalog
	if _, ok := none.Component("webservice"); ok || none.Definitions() != nil || none.Components() != nil || none.Traits() != nil {
		t.Error("a nil catalog holds nothing")
	}
	if _, ok := none.Trait("scaler"); ok {
		t.Error("a nil catalog holds nothing")
	}
	if _, ok := none.Definition(KindPolicy, "topology"); ok {
		t.Error("a nil catalog holds nothing")
	}
}

// TestMerge: later catalogs shadow earlier ones by kind and name, nil
// catalogs are skipped, and the inputs are left alone.
func TestMerge(t *testing.T) {
	platform, err := Load(filepath.Join("..", "testdata", "catalog", "platform"))
	if err != nil {
		t.Fatal(err)
	}
	shadow := newCatalog()
	shadow.addComponent(&ComponentType{
		Definition: Definition{Kind: KindComponent, Name: "webservice", Source: "platform"},
		Workload:   GVK{"serving.knative.dev/v1", "Service"},
	})
	shadow.addOther(&Definition{Kind: KindPolicy, Name: "topology", Source: "platform"})
	merged := Builtin().Merge(nil, platform, shadow)
	if ws, _ := merged.Component("webservice"); ws.Workload.Kind != "Service" || ws.Source != "platform" {
		t.Errorf("webservice = %+v; want the platform's Knative Service", ws)
	}
	if p, _ := merged.Definition(KindPolicy, "topology"); p.Source != "platform" {
		t.Errorf("topology policy from %q; want the platform's", p.Source)
	}
	if _, ok := merged.Component("rds"); !ok {
		t.Error("rds missing after merge")
	}
	if got, want := len(merged.Definitions()), len(Builtin().Definitions())+len(platform.Definitions()); got != want {
		t.Errorf("%d definitions after merge, want %d", got, want)
	}
	if ws, _ := Builtin().Component("webservice"); ws.Workload != deployment {
		t.Error("Merge changed the built-in catalog")
	}
	if ws, _ := shadow.Merge(Builtin()).Component("webservice"); ws.Workload != deployment {
		t.Error("built-ins merged last must win")
	}
}

// TestLoadPlatform reads the user-definition fixtures: a Deployment with
// a single port parameter, a StatefulSet, a Terraform Configuration, YAML
// ComponentDefinitions with spec.workload.definition (one with a Helm
// schematic), TraitDefinitions with appliesToWorkloads and a JSON
// PolicyDefinition. The golden file
// holds every fact; the table below restates the ones rules depend on.
func TestLoadPlatform(t *testing.T) {
	dir := filepath.Join("..", "testdata", "catalog", "platform")
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	api, _ := c.Component("api-service")
	db, _ := c.Component("database")
	rds, _ := c.Component("rds")
	kruise, _ := c.Component("kruise-app")
	legacy, _ := c.Component("legacy-chart")
	autoscaler, _ := c.Trait("autoscaler")
	count, _ := c.Trait("replica-count")
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"api-service workload", api.Workload, deployment},
		{"api-service ports", api.PortFields, []string{"port"}},
		{"api-service expose flag", api.ExposeField, "expose"},
		{"api-service replicas", api.ReplicasField, "replicas"},
		{"api-service env map", api.EnvField, "environment"},
		{"api-service cpu", api.CPUField, "resources.cpu"},
		{"api-service probes", api.ProbeFields, []string{"probes.liveness", "probes.readiness"}},
		{"database workload", db.Workload, GVK{"apps/v1", "StatefulSet"}},
		{"database replicas", db.ReplicasField, "replicas"},
		{"database ports", db.PortFields, []string{"ports[]"}},
		{"database outputs", db.Outputs, []GVK{service}},
		{"rds workload", rds.Workload, GVK{"terraform.core.oam.dev/v1beta2", "Configuration"}},
		{"rds runs no pod", rds.Containers, ""},
		{"kruise-app workload", kruise.Workload, GVK{"apps.kruise.io/v1alpha1", "CloneSet"}},
		{"kruise-app source", kruise.Source, filepath.Join(dir, "components.yaml") + ":8"},
		{"legacy-chart workload (Helm: from spec.workload)", legacy.Workload, deployment},
		{"legacy-chart has no template", legacy.Template == nil, true},
		{"legacy-chart deprecated", legacy.Deprecated, true},
		{"autoscaler appliesToWorkloads", autoscaler.AppliesToWorkloads, []string{"deployments.apps", "clonesets.apps.kruise.io"}},
		{"autoscaler conflictsWith", autoscaler.ConflictsWith, []string{"scaler", "hpa", "cpuscaler"}},
		{"autoscaler outputs", autoscaler.Outputs, []GVK{{"autoscaling/v2", "HorizontalPodAutoscaler"}, {"policy/v1", "PodDisruptionBudget"}}},
		{"replica-count patches replicas", count.ReplicasField, "count"},
	} {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if p, ok := c.Definition(KindPolicy, "cost-center"); !ok || p.Template == nil {
		t.Errorf("policy cost-center (JSON): %+v, %v", p, ok)
	}
	if _, ok := c.Definition(KindComponent, "platform-settings"); ok {
		t.Error("a ConfigMap is not a definition")
	}
	testenv.Golden(t, filepath.Join("..", "testdata", "catalog", "platform.golden"), []byte(describe(c)))
}

// TestCatalogGolden renders the built-in table, the reference for what
// oamfix assumes of KubeVela's types.
func TestCatalogGolden(t *testing.T) {
	testenv.Golden(t, filepath.Join("..", "testdata", "catalog", "builtin.golden"), []byte(describe(Builtin())))
}

// TestLoadErrors: a definitions file that cannot be read is an error that
// names it.
func TestLoadErrors(t *testing.T) {
	dir := filepath.Join("..", "testdata", "catalog", "broken")
	for file, msg := range map[string]string{
		"truncated.json":         "truncated.json: yaml:",
		"unnamed.yaml":           "unnamed.yaml:1: TraitDefinition without metadata.name",
		"template-not-text.yaml": "template-not-text.yaml:1: ComponentDefinition: yaml: unmarshal errors",
		"syntax.cue":             "syntax.cue:5:",
		"unknown-type.cue":       `unknown-type.cue: gadget.type: unknown definition type "gadget"`,
	} {
		_, err := Load(filepath.Join(dir, file))
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want an error containing %q", file, err, msg)
		}
	}
	if _, err := Load(dir); err == nil {
		t.Error("a directory with broken files: want an error")
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("want an error for a missing directory")
	}
}

// TestSkipped: YAML that is not a definition (even unparsable, as Helm
// templates are) and CUE that is not a definition are skipped.
func TestSkipped(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"chart.yaml":   "metadata:\n  name: {{ .Release.Name }}\n  bad: [\n",
		"values.json":  `{"replicas": 2}`,
		"helpers.cue":  "#Probe: {port: int}\n_x: 1\n",
		"notes.txt":    "kind: TraitDefinition",
		"config.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		"empty.yaml":   "",
		"scalars.yaml": "--- 1\n--- [a, b]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(dir)
	if err != nil || len(c.Definitions()) != 0 {
		t.Errorf("want nothing loaded and no error, got %v, %v", describe(c), err)
	}
}

// TestTemplateByReference: a template that is not a struct literal is
// still a definition; what it renders comes from its evaluation.
func TestTemplateByReference(t *testing.T) {
	dir := t.TempDir()
	src := `job: {type: "component"}
#Job: {
	output: {apiVersion: "batch/v1", kind: "Job"}
	parameter: image: string
}
template: #Job
`
	if err := os.WriteFile(filepath.Join(dir, "job.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if job, ok := c.Component("job"); !ok || job.Workload != (GVK{"batch/v1", "Job"}) || job.Template == nil {
		t.Errorf("job: %+v, %v", job, ok)
	}
}

// TestOamfix reads oamfix's own traits.
func TestOamfix(t *testing.T) {
	got := Oamfix().Traits()
	if len(got) != 2 {
		t.Fatalf("want circuit-breaker and network-policy, got %d traits", len(got))
	}
	cb, np := got[0], got[1]
	if cb.Name != "circuit-breaker" || len(cb.Outputs) != 1 || cb.Outputs[0].Kind != "DestinationRule" || cb.Template == nil {
		t.Errorf("circuit-breaker: %+v", cb)
	}
	if np.Name != "network-policy" || len(np.Outputs) != 1 || np.Outputs[0] != (GVK{"networking.k8s.io/v1", "NetworkPolicy"}) {
		t.Errorf("network-policy: %+v", np)
	}
	if cb.Source != "oamfix defs: circuit-breaker" || len(cb.AppliesToWorkloads) == 0 {
		t.Errorf("circuit-breaker source %q, appliesToWorkloads %v", cb.Source, cb.AppliesToWorkloads)
	}
}

// slowDefinition has a disjunction of 2^20 alternatives that CUE expands
// in full: its evaluation does not finish in any useful time.
const slowDefinition = `slow: {type: "component"}
template: {
	output: {
		apiVersion: "v1"
		kind:       "ConfigMap"
		data: w: ({p: 1} | {q: 1} | {r: 1}) & ({p: 1} | {q: 1} | {r: 1}) & ({s: 1} | {t: 1}) & ({u: 1} | {v: 1}) &
			({s1: 1} | {t1: 1}) & ({u1: 1} | {v1: 1}) & ({s2: 1} | {t2: 1}) & ({u2: 1} | {v2: 1}) &
			({s3: 1} | {t3: 1}) & ({u3: 1} | {v3: 1}) & ({s4: 1} | {t4: 1}) & ({u4: 1} | {v4: 1}) &
			({s5: 1} | {t5: 1}) & ({u5: 1} | {v5: 1}) & ({s6: 1} | {t6: 1}) & ({u6: 1} | {v6: 1}) &
			({s7: 1} | {t7: 1}) & ({u7: 1} | {v7: 1}) & ({s8: 1} | {t8: 1}) & ({u8: 1} | {v8: 1})
	}
	parameter: {}
}
`

// TestEvaluationGuard: a definition whose evaluation never ends is an
// error naming it. CUE cannot stop an evaluation, so the load runs in a
// child process that exits, evaluation and all, once Load returns.
func TestEvaluationGuard(t *testing.T) {
	const child = "OAMFIX_CATALOG_GUARD_DIR"
	if dir := os.Getenv(child); dir != "" {
		_, err := load(100*time.Millisecond, dir)
		fmt.Println(err)
		os.Exit(0)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "slow.cue"), []byte(slowDefinition), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEvaluationGuard$")
	cmd.Env = append(os.Environ(), child+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "slow.cue: CUE evaluation did not finish within 100ms"; !strings.Contains(string(out), want) {
		t.Errorf("got %q, want it to contain %q", out, want)
	}
}

// describe renders a catalog's facts, one block per definition.
func describe(c *Catalog) string {
	var b strings.Builder
	for _, d := range c.Definitions() {
		fmt.Fprintf(&b, "%s %s\n", d.Kind, d.Name)
		if d.Deprecated {
			fmt.Fprintf(&b, "  deprecated\n")
		}
		if d.Template == nil {
			fmt.Fprintf(&b, "  no template\n")
		}
		if t, ok := c.Component(d.Name); ok && d.Kind == KindComponent {
			line(&b, "workload", t.Workload.String())
			line(&b, "autodetect", t.Autodetect)
			line(&b, "containers", t.Containers)
			line(&b, "outputs", gvkList(t.Outputs))
			line(&b, "ports", strings.Join(t.PortFields, ", "))
			line(&b, "expose", t.ExposeField)
			line(&b, "replicas", t.ReplicasField)
			line(&b, "probes", strings.Join(t.ProbeFields, ", "))
			line(&b, "env", t.EnvField)
			line(&b, "cpu", t.CPUField)
		}
		if t, ok := c.Trait(d.Name); ok && d.Kind == KindTrait {
			line(&b, "appliesToWorkloads", strings.Join(t.AppliesToWorkloads, ", "))
			line(&b, "outputs", gvkList(t.Outputs))
			line(&b, "patchesReplicas", t.PatchesReplicas)
			line(&b, "replicas", t.ReplicasField)
			line(&b, "podDisruptive", t.PodDisruptive)
			line(&b, "conflictsWith", strings.Join(t.ConflictsWith, ", "))
		}
	}
	return b.String()
}

// line writes a fact unless it is empty or false.
func line(b *strings.Builder, name string, v any) {
	switch v {
	case "", false:
	case true:
		fmt.Fprintf(b, "  %s\n", name)
	default:
		fmt.Fprintf(b, "  %s: %v\n", name, v)
	}
}

func gvkList(gs []GVK) string {
	var s []string
	for _, g := range gs {
		s = append(s, g.String())
	}
	return strings.Join(s, ", ")
}
