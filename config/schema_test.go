package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// schemaValidate validates a YAML config document against the committed
// schema and returns the schema's complaints.
func schemaValidate(t *testing.T, doc string) []string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		return []string{"not YAML: " + err.Error()}
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(Schema()), gojsonschema.NewBytesLoader(data))
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, e := range res.Errors() {
		problems = append(problems, e.String())
	}
	return problems
}

// TestSchemaAgreesWithParse: every config Parse accepts here validates
// against the schema (the printed defaults, the example's config, every
// knob set), and the schema refuses what Parse refuses, except the checks
// JSON Schema cannot express (across fields, glob syntax).
func TestSchemaAgreesWithParse(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "examples", ".oamfix.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"default.yaml":       string(DefaultYAML()),
		"examples":           string(example),
		"header only":        header,
		"empty spec":         header + "spec:\n",
		"empty lists":        header + "spec:\n  criticalComponents:\n  cors:\n    allowedOrigins:\n",
		"metadata":           header + "metadata:\n  name: shop\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
		"durations":          header + "spec:\n  target: {responseTimeSLA: 1h30m}\n  circuitBreaker: {recoveryTimeout: 45}\n",
		"rule severity":      header + "spec:\n  rules:\n    unknown-type: {mode: check, severity: high}\n",
		"ingress namespaces": header + "spec:\n  networkPolicy:\n    ingressNamespaces:\n      nginx: [ingress]\n      gateway-api: [gw]\n",
		"vocabulary":         header + "spec:\n  vocabulary:\n    serviceTypes: [\"my-*\"]\n    autoscalers: [{trait: keda, min: minReplicaCount, max: maxReplicaCount}]\n    probeStyles: [{name: health, style: map, field: health}]\n",
	} {
		if _, err := Parse([]byte(doc), name); err != nil {
			t.Errorf("%s: Parse: %v", name, err)
		}
		if problems := schemaValidate(t, doc); len(problems) > 0 {
			t.Errorf("%s: the schema refuses what Parse accepts: %v", name, problems)
		}
	}
	// Checks across fields, of glob syntax or of the file, which Parse
	// makes and the schema cannot.
	beyondSchema := []string{
		"cap below floor", "malformed glob", "word in two environments", "zero duration",
		"vocabulary duplicate", "probe style without its field", "unknown autoscaler to add",
		"replaced autoscalers without the added one", "duplicate key", "two documents",
	}
	for _, tt := range parseErrorCases() {
		if slices.Contains(beyondSchema, tt.name) {
			continue
		}
		if problems := schemaValidate(t, tt.doc); len(problems) == 0 {
			t.Errorf("%s: the schema accepts what Parse refuses (%s)", tt.name, tt.want)
		}
	}
}

// TestSchemaDescribesEveryKnob: every key default.yaml sets has a
// property with a description and a default in the schema, so an editor
// explains and completes it.
func TestSchemaDescribesEveryKnob(t *testing.T) {
	var schema map[string]any
	if err := json.Unmarshal(Schema(), &schema); err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(DefaultYAML(), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(n *yaml.Node, s map[string]any, path string)
	walk = func(n *yaml.Node, s map[string]any, path string) {
		props, _ := s["properties"].(map[string]any)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			p, _ := props[key].(map[string]any)
			switch {
			case p == nil:
				t.Errorf("%s%s: no property in the schema", path, key)
				continue
			case p["description"] == nil:
				t.Errorf("%s%s: no description", path, key)
			}
			if value.Kind == yaml.MappingNode && p["properties"] != nil {
				walk(value, p, path+key+".")
			} else if p["default"] == nil && p["const"] == nil && p["properties"] == nil {
				t.Errorf("%s%s: no default", path, key)
			}
		}
	}
	walk(doc.Content[0], schema, "")
}
