package defs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueyaml "cuelang.org/go/encoding/yaml"
	"github.com/google/go-cmp/cmp"
	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// renderCase is one rendering of a trait: the properties an Application
// would give it.
type renderCase struct {
	name  string
	props string // CUE
}

var renderCases = map[string][]renderCase{
	"circuit-breaker": {
		{"what the fixer writes", `{failureThreshold: 5, recoveryTimeout: "30s", halfOpenMaxCalls: 3}`},
		{"defaults only", `{}`},
		{"connection pool", `{failureThreshold: 3, recoveryTimeout: "1m", interval: "5s", maxEjectionPercent: 100, maxConnections: 100, maxPendingRequests: 10, maxRequests: 1000}`},
		{"only maxConnections", `{maxConnections: 10}`},
	},
	"network-policy": {
		{"what the fixer writes", `{denyAll: true, allowSameApp: true, allowedNamespaces: ["monitoring", "istio-system"], allowedPorts: [8080]}`},
		{"defaults only", `{}`},
		{"allow all", `{denyAll: false, allowedPorts: [8080]}`},
		{"deny everything", `{allowSameApp: false}`},
		{"namespaces only", `{allowSameApp: false, allowedNamespaces: ["monitoring"]}`},
	},
}

// renderContext is appended to a template with the parameter, as KubeVela
// does when it renders a trait.
const renderContext = `
context: {name: "api", namespace: "shop", appName: "shop"}
`

// render evaluates a trait template the way KubeVela does: the template
// with context and parameter appended, returning its outputs as YAML.
func render(t *testing.T, template, props string) string {
	t.Helper()
	v := cuecontext.New().CompileString(template + renderContext + "parameter: " + props + "\n")
	if err := v.Err(); err != nil {
		t.Fatalf("compile: %v", err)
	}
	if err := v.Validate(cue.Concrete(true)); err != nil {
		t.Fatalf("render: %v", err)
	}
	out := v.LookupPath(cue.ParsePath("outputs"))
	b, err := cueyaml.Encode(out)
	if err != nil {
		t.Fatalf("encode outputs: %v", err)
	}
	// Re-emit in kyaml's style (two-space indent, compact sequences).
	n, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatalf("parse outputs: %v", err)
	}
	return n.MustString()
}

func TestRenderGolden(t *testing.T) {
	tmpls := Templates()
	for trait, cases := range renderCases {
		t.Run(trait, func(t *testing.T) {
			tmpl, ok := tmpls[trait]
			if !ok {
				t.Fatalf("no template for %s", trait)
			}
			var got bytes.Buffer
			for i, c := range cases {
				if i > 0 {
					got.WriteString("---\n")
				}
				got.WriteString("# " + c.name + ": " + c.props + "\n")
				got.WriteString(render(t, tmpl, c.props))
			}
			golden := filepath.Join("..", "testdata", "defs", trait+".golden.yaml")
			if testenv.UpdateGolden() {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run make golden to create it)", err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("%s differs from the rendering (-golden +got; run with -update to accept):\n%s", golden, diff)
			}
		})
	}
}

func TestRenderRejectsBadParameters(t *testing.T) {
	tmpls := Templates()
	for _, c := range []struct{ trait, props string }{
		{"circuit-breaker", `{failureThreshold: "five"}`},
		{"circuit-breaker", `{failureThreshold: 0}`},
		{"circuit-breaker", `{recoveryTimeout: "30 seconds"}`},
		{"circuit-breaker", `{halfOpenMaxCalls: -1}`},
		{"network-policy", `{allowedPorts: [0]}`},
		{"network-policy", `{allowedPorts: [65536]}`},
		{"network-policy", `{allowedPorts: ["http"]}`},
		{"network-policy", `{allowedNamespaces: "monitoring"}`},
	} {
		v := cuecontext.New().CompileString(tmpls[c.trait] + renderContext + "parameter: " + c.props + "\n")
		if err := v.Validate(cue.Concrete(true)); err == nil {
			t.Errorf("%s %s: rendered without error", c.trait, c.props)
		}
	}
}

func TestYAML(t *testing.T) {
	out := YAML()
	if !bytes.Equal(out, YAML()) {
		t.Fatal("YAML is not deterministic")
	}
	var docs []*yaml.RNode
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, out)
		}
		docs = append(docs, yaml.NewRNode(&doc))
	}
	if len(docs) != 2 {
		t.Fatalf("got %d documents, want 2", len(docs))
	}
	tmpls := Templates()
	var names []string
	for _, n := range docs {
		if n.GetApiVersion() != "core.oam.dev/v1beta1" || n.GetKind() != "TraitDefinition" {
			t.Errorf("got %s %s, want core.oam.dev/v1beta1 TraitDefinition", n.GetApiVersion(), n.GetKind())
		}
		name := n.GetName()
		names = append(names, name)
		if n.GetNamespace() != Namespace {
			t.Errorf("%s: namespace %q", name, n.GetNamespace())
		}
		if d := n.GetAnnotations()["definition.oam.dev/description"]; d == "" {
			t.Errorf("%s: no description annotation", name)
		}
		tmpl, err := n.GetString("spec.schematic.cue.template")
		if err != nil || tmpl != tmpls[name] {
			t.Errorf("%s: spec.schematic.cue.template does not round-trip (%v)", name, err)
		}
		if w, _ := n.GetSlice("spec.appliesToWorkloads"); fmt.Sprint(w) != "[deployments.apps statefulsets.apps clonesets.apps.kruise.io]" {
			t.Errorf("%s: appliesToWorkloads %v", name, w)
		}
		if pd, err := n.Pipe(yaml.Lookup("spec", "podDisruptive")); err != nil || pd == nil || pd.YNode().Value != "false" || pd.YNode().Tag != "!!bool" {
			t.Errorf("%s: podDisruptive is not false", name)
		}
	}
	if diff := cmp.Diff([]string{"circuit-breaker", "network-policy"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

// TestTemplatesCompile checks the template bodies stand alone, the way
// KubeVela compiles spec.schematic.cue.template, and keep their parameter.
func TestTemplatesCompile(t *testing.T) {
	for name, tmpl := range Templates() {
		v := cuecontext.New().CompileString(tmpl + "context: _\n")
		if err := v.Err(); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !v.LookupPath(cue.ParsePath("parameter")).Exists() {
			t.Errorf("%s: no parameter", name)
		}
	}
}
