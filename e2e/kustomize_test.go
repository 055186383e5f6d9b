// Package e2e runs the oamfix binary under real orchestrators: kustomize
// build with oamfix as an exec KRM function (a transformer), and kpt fn
// eval and fn render (kpt_test.go); the README's kustomize, kpt and
// container snippets run as printed (readme_test.go).
//
// kustomize is found through $OAMFIX_KUSTOMIZE (the Makefile points it at
// .tools/bin/kustomize, which `make tools` installs), else on $PATH; kpt
// through $OAMFIX_KPT, .tools/bin/kpt or $PATH (see kptBinary). The tests
// skip when a tool is missing, saying so, and fail under CI.
// OAMFIX_UPDATE_GOLDEN=1 rewrites the golden file
// testdata/krm/kustomize-build.golden.yaml.
package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomize returns the kustomize binary; without one the test is skipped
// (or fails under CI, see testenv.Missing).
func kustomize(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("OAMFIX_KUSTOMIZE"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		t.Logf("OAMFIX_KUSTOMIZE=%s does not exist; looking for kustomize on PATH", p)
	}
	if p, err := exec.LookPath("kustomize"); err == nil {
		return p
	}
	testenv.Missing(t, "kustomize not found: set OAMFIX_KUSTOMIZE or put kustomize v5.8.1 on PATH (`make tools` installs it into .tools/bin)")
	return ""
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildOut  []byte
)

// oamfixBinary builds cmd/oamfix once per test run.
func oamfixBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "oamfix-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "oamfix")
		cmd := exec.Command("go", "build", "-o", binary, "./cmd/oamfix")
		cmd.Dir = testenv.ModuleRoot(t)
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/oamfix: %v\n%s", buildErr, buildOut)
	}
	return binary
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// deployment is a non-OAM resource with the very things oamfix fixes in
// Applications (one replica, CORS open to every origin): it must come out
// unchanged.
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy-gateway
  namespace: parking
spec:
  replicas: 1
  selector:
    matchLabels: {app: legacy-gateway}
  template:
    metadata:
      labels: {app: legacy-gateway}
    spec:
      containers:
        - name: gateway
          image: registry.example.com/parking/gateway:0.4.0
          env:
            - name: CORS_ALLOWED_ORIGINS
              value: "*"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: parking-settings
  namespace: parking
data:
  zone: eu-1
  corsOrigins: "*"
`

// functionFile is the transformer config: an OAMFixConfig run by exec.
func functionFile(spec string) string {
	return `apiVersion: oamfix.dev/v1alpha1
kind: OAMFixConfig
metadata:
  name: oamfix
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ./oamfix
spec:
` + spec
}

// goodSpec lets every rule fix: allowed origins for cors, and
// booking-service critical, as in examples/.oamfix.yaml.
const goodSpec = `  criticalComponents: [booking-service]
  cors:
    allowedOrigins:
      - https://app.parking.example.com
      - https://admin.parking.example.com
`

// kustomization writes a kustomization of the bundled example and the
// non-OAM resources, with oamfix as a transformer when fn is not empty,
// and returns its directory.
func kustomization(t *testing.T, fn string) string {
	t.Helper()
	dir := t.TempDir()
	app, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(t), "examples", "parking-platform.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"app.yaml":           string(app),
		"legacy.yaml":        deployment,
		"kustomization.yaml": "resources:\n  - app.yaml\n  - legacy.yaml\n",
	}
	if fn != "" {
		files["oamfix-fn.yaml"] = fn
		files["kustomization.yaml"] += "transformers:\n  - oamfix-fn.yaml\n"
		bin, err := os.ReadFile(oamfixBinary(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "oamfix"), bin, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// build runs kustomize build with exec functions enabled.
func build(t *testing.T, dir string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(kustomize(t), "build", "--enable-alpha-plugins", "--enable-exec", ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// documents splits kustomize output by kind/name.
func documents(t *testing.T, text string) map[string]string {
	t.Helper()
	nodes, err := kio.FromBytes([]byte(text))
	if err != nil {
		t.Fatalf("kustomize output is not YAML: %v\n%s", err, text)
	}
	docs := map[string]string{}
	for _, n := range nodes {
		docs[n.GetKind()+"/"+n.GetName()] = n.MustString()
	}
	return docs
}

func TestKustomizeBuildGolden(t *testing.T) {
	kustomize(t)
	// failOn none: the example keeps findings no fix clears (backup,
	// observability), which would fail the run and drop every fix.
	out, stderr, err := build(t, kustomization(t, functionFile("  failOn: none\n"+goodSpec)))
	if err != nil {
		t.Fatalf("kustomize build: %v\nstderr:\n%s", err, stderr)
	}

	golden := filepath.Join(testenv.ModuleRoot(t), "testdata", "krm", "kustomize-build.golden.yaml")
	if testenv.UpdateGolden() {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with OAMFIX_UPDATE_GOLDEN=1 to create it)", err)
	}
	if out != string(want) {
		t.Errorf("kustomize build output differs from %s (OAMFIX_UPDATE_GOLDEN=1 rewrites it; read the diff):\n%s", golden, out)
	}

	// Non-OAM resources: exactly what kustomize builds without oamfix.
	plain, stderr, err := build(t, kustomization(t, ""))
	if err != nil {
		t.Fatalf("kustomize build without oamfix: %v\n%s", err, stderr)
	}
	fixed, orig := documents(t, out), documents(t, plain)
	if len(fixed) != len(orig) {
		t.Errorf("%d resources with oamfix, %d without", len(fixed), len(orig))
	}
	for _, id := range []string{"Deployment/legacy-gateway", "ConfigMap/parking-settings"} {
		if fixed[id] != orig[id] {
			t.Errorf("%s changed:\n--- without oamfix\n%s\n--- with oamfix\n%s", id, orig[id], fixed[id])
		}
	}

	// All six rules fixed the Application.
	app := fixed["Application/parking-platform"]
	for rule, want := range map[string][]string{
		"replicas":        {"min: 5", "max: 100"},
		"probes":          {"readinessProbe:", "type: startup-probe"},
		"cors":            {"value: https://app.parking.example.com,https://admin.parking.example.com", "nginx.ingress.kubernetes.io/cors-allow-origin: https://app.parking.example.com"},
		"circuit-breaker": {"type: circuit-breaker"},
		"network-policy":  {"type: network-policy"},
		"staging":         {"name: topology-staging", "namespace: parking-staging", "name: deploy-staging"},
	} {
		for _, w := range want {
			if !strings.Contains(app, w) {
				t.Errorf("%s fix missing: the Application lacks %q", rule, w)
			}
		}
	}
	if strings.Contains(app, `"*"`) || strings.Contains(app, "value: '*'") {
		t.Errorf("a CORS wildcard is left in the Application:\n%s", app)
	}
	if _, err := yaml.Parse(app); err != nil {
		t.Errorf("fixed Application does not parse: %v", err)
	}
}

func TestKustomizeBadFunctionConfig(t *testing.T) {
	kustomize(t)
	out, stderr, err := build(t, kustomization(t, functionFile("  target:\n    concurrentUsers: lots\n")))
	if err == nil {
		t.Fatalf("kustomize build succeeded with a bad functionConfig:\n%s", out)
	}
	for _, want := range []string{
		`oamfix: [error] oamfix.dev/v1alpha1/OAMFixConfig/oamfix spec.target.concurrentUsers: functionConfig: spec.target.concurrentUsers: expected an integer, got "lots"`,
		"exit status 1",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestKustomizeCheckMode(t *testing.T) {
	kustomize(t)
	// A transformer in check mode is the validator kustomize 5.8.1 cannot
	// run: it changes nothing and fails the build on high findings.
	out, stderr, err := build(t, kustomization(t, functionFile("  mode: check\n"+goodSpec)))
	if err == nil {
		t.Fatalf("kustomize build succeeded in check mode on an app with high findings:\n%s", out)
	}
	for _, want := range []string{
		"oamfix: [error] core.oam.dev/v1beta1/Application/parking/parking-platform spec.policies[2].properties.components[0].traits[0].properties.min: hpa min of \"booking-service\" is 3 in override policy override-prod",
		"has no circuit breaker",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// failOn critical (and the one critical rule, backup, off): the same
	// findings are warnings, the build passes and changes nothing.
	out, stderr, err = build(t, kustomization(t, functionFile("  mode: check\n  failOn: critical\n  rules:\n    backup: {mode: off}\n"+goodSpec)))
	if err != nil {
		t.Fatalf("check mode with failOn critical: %v\n%s", err, stderr)
	}
	plain, _, err := build(t, kustomization(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if out != plain {
		t.Errorf("check mode changed the build:\n--- without oamfix\n%s\n--- check mode\n%s", plain, out)
	}
}

// TestKustomizeFailedFix: a transformer in fix mode at the default failOn,
// high, fails on the example's findings that no fix clears; kustomize
// shows only stderr, which names them and says that no fix was applied.
func TestKustomizeFailedFix(t *testing.T) {
	kustomize(t)
	out, stderr, err := build(t, kustomization(t, functionFile(goodSpec)))
	if err == nil {
		t.Fatalf("kustomize build passed with critical and high findings open:\n%s", out)
	}
	for _, want := range []string{
		`oamfix: [error] core.oam.dev/v1beta1/Application/parking/parking-platform spec.components[3]: stateful component "parking-db" (mongodb-cluster) has no backup configuration`,
		"oamfix: the run failed, so none of its 18 fix(es) was applied\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "fixed:") {
		t.Errorf("stderr reports a fix:\n%s", stderr)
	}
}
