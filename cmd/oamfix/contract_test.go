package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// The tests in this file check the CLI contract in the user's terms: exit
// codes as the literal numbers scripts test for (never the constants the
// code uses), the config a run picks up, and what the SARIF log says.

// exempted is needsFixes with every rule exempted.
var exempted = strings.Replace(needsFixes, "  name: shop\n", "  name: shop\n  annotations:\n    oamfix.dev/skip: all\n", 1)

// TestExitCodes: 0 nothing open at or above --fail-on (default low), 1
// open findings at or above it, 2 usage error or bad input; info and
// suppressed findings never fail a run by default.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  int
		// out must appear in stdout, errOut in stderr.
		out, errOut string
	}{
		{"check mode with findings", needsFixes, []string{"-"}, 1, "high [probes]", ""},
		{"diff alone is a dry run: findings remain", needsFixes, []string{"--diff", "-"}, 1, "+++ b/-", "[probes]"},
		{"everything fixable fixed", needsFixes, []string{"--fix", "--rules", fixable, "-"}, 0, "readinessProbe", "fixed"},
		{"check-only rule still open after --fix", needsFixes, []string{"--fix", "-"}, 1, "readinessProbe", "[observability]"},
		{"info finding only", needsFixes, []string{"--rules", "staging", "-"}, 0, "1 open (1 info)", ""},
		{"info finding only, -v shows it", needsFixes, []string{"-v", "--rules", "staging", "-"}, 0, "info [staging] no dev/prod environments", ""},
		{"info finding only, json", needsFixes, []string{"--rules", "staging", "--format", "json", "-"}, 0, `"open": 1`, ""},
		{"suppressed findings only", exempted, []string{"-"}, 0, "0 open, 0 fixed, 9 suppressed", ""},
		{"no rules", needsFixes, []string{"--rules", "none", "-"}, 0, "", ""},
		{"unknown rule", needsFixes, []string{"--rules", "probes,nope", "-"}, 2, "", "nope"},
		{"unknown flag", needsFixes, []string{"--nope", "-"}, 2, "", "unknown flag: --nope"},
		{"bad input", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: [x\n", []string{"-"}, 2, "", "-:3: invalid YAML"},
		{"missing path", "", []string{"/does/not/exist.yaml"}, 2, "", "/does/not/exist.yaml: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := oamfix(t, tc.stdin, tc.args...)
			if code != tc.want || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.errOut) {
				t.Errorf("oamfix %s: exit %d, want %d with %q on stdout and %q on stderr\nstdout:\n%s\nstderr:\n%s",
					strings.Join(tc.args, " "), code, tc.want, tc.out, tc.errOut, out, errOut)
			}
		})
	}
}

// TestConfigDiscovery: without --config, a run uses the nearest
// .oamfix.yaml at or above each file (for -, the current folder),
// says which on stderr, and its settings change the result; --config wins
// over it. The bundled example's JSON summary is the one README.md shows.
func TestConfigDiscovery(t *testing.T) {
	root := t.TempDir()
	apps := filepath.Join(root, "apps")
	other := filepath.Join(root, "other")
	for _, d := range []string{apps, other} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	example, err := os.ReadFile("../../examples/parking-platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exampleConfig, err := os.ReadFile("../../examples/.oamfix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(apps, "parking-platform.yaml"), string(example), 0o644)
	writeFile(t, filepath.Join(apps, ".oamfix.yaml"), string(exampleConfig), 0o644)
	writeFile(t, filepath.Join(root, ".oamfix.yaml"), "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  cors:\n    allowedOrigins: [https://root.example.com]\n", 0o644)
	writeFile(t, filepath.Join(other, "app.yaml"), strings.Replace(needsFixes, "shop/api:1.0", "shop/api:1.0\n        env:\n          - name: CORS_ALLOWED_ORIGINS\n            value: \"*\"", 1), 0o644)

	// The example's folder: its own config (with the defaults instead, 24
	// findings: booking-service is not critical, no CORS origins to use).
	code, out, errOut := oamfix(t, "", "--fix", "--format", "json", apps)
	if code != 1 || !strings.Contains(errOut, "oamfix: using config "+filepath.Join(apps, ".oamfix.yaml")) {
		t.Fatalf("exit %d, want 1 and the discovered config on stderr:\n%s", code, errOut)
	}
	var rep struct{ Summary map[string]int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	testenv.READMEFigures(t, `"summary": \{"total": (\d+), "fixed": (\d+), "open": (\d+), "suppressed": (\d+), "files": (\d+), "applications": (\d+), "errors": (\d+)\}`,
		s["total"], s["fixed"], s["open"], s["suppressed"], s["files"], s["applications"], s["errors"])
	fixed, _ := os.ReadFile(filepath.Join(apps, "parking-platform.yaml"))
	if !strings.Contains(string(fixed), "https://app.parking.example.com") {
		t.Errorf("the example's configured CORS origins were not used:\n%s", fixed)
	}

	// A file in a folder without a config: the one above it.
	code, _, errOut = oamfix(t, "", "--fix", "--rules", "cors", filepath.Join(other, "app.yaml"))
	if code != 0 || !strings.Contains(errOut, "using config "+filepath.Join(root, ".oamfix.yaml")) {
		t.Fatalf("exit %d, want 0 and the parent folder's config:\n%s", code, errOut)
	}
	if data, _ := os.ReadFile(filepath.Join(other, "app.yaml")); !strings.Contains(string(data), `value: "https://root.example.com"`) {
		t.Errorf("the parent folder's origins were not used:\n%s", data)
	}

	// Standard input: the current folder's config.
	t.Chdir(apps)
	code, out, errOut = oamfix(t, string(example), "--format", "json", "-")
	if code != 1 || !strings.Contains(errOut, "using config .oamfix.yaml") || !strings.Contains(out, `"total": 26`) {
		t.Errorf("stdin in the example's folder: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}

	// --config wins, and nothing is discovered.
	code, out, errOut = oamfix(t, string(example), "--config", os.DevNull, "--format", "json", "-")
	if code != 1 || strings.Contains(errOut, "using config") || !strings.Contains(out, `"total": 24`) {
		t.Errorf("--config %s: exit %d, stderr %q, stdout:\n%s", os.DevNull, code, errOut, out)
	}

	// A discovered config that is wrong is an error naming it.
	writeFile(t, filepath.Join(apps, ".oamfix.yaml"), "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec:\n  replicas:\n    minReplicas: many\n", 0o644)
	code, _, errOut = oamfix(t, "", ".")
	if code != 2 || !strings.Contains(errOut, ".oamfix.yaml:5") || !strings.Contains(errOut, "spec.replicas.minReplicas") {
		t.Errorf("bad discovered config: exit %d, want 2 naming the field:\n%s", code, errOut)
	}
}
