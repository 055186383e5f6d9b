package validate

import (
	"os"
	"slices"
	"sort"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestSchemaMatchesCRD compares the hand-written structural schema with
// the Application CRD KubeVela v1.10.9 ships: at every path the type, the
// declared properties, nullable and the required list must be the same,
// and what the checker requires beyond the CRD must really be beyond it.
func TestSchemaMatchesCRD(t *testing.T) {
	path := testenv.Shared(t, "schemas", "core.oam.dev_applications.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	crd, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	versions, err := crd.Pipe(yaml.Lookup("spec", "versions"))
	if err != nil || versions == nil {
		t.Fatalf("spec.versions: %v", err)
	}
	elems, _ := versions.Elements()
	if len(elems) != 1 || elems[0].Field("name").Value.YNode().Value != "v1beta1" {
		t.Fatalf("want exactly one version, v1beta1")
	}
	root, err := elems[0].Pipe(yaml.Lookup("schema", "openAPIV3Schema"))
	if err != nil || root == nil {
		t.Fatalf("openAPIV3Schema: %v", err)
	}
	compareSchema(t, "", application, root.YNode())
}

// unchecked are the paths whose content the checker leaves to others:
// metadata is ObjectMeta (checked by the API server), status is the
// controller's.
var unchecked = map[string]bool{"metadata": true, "status": true}

func compareSchema(t *testing.T, path string, s *node, crd *yaml.Node) {
	t.Helper()
	at := path
	if at == "" {
		at = "(root)"
	}
	if got := stringField(crd, "type"); got != s.typ {
		t.Errorf("%s: type %q, CRD says %q", at, s.typ, got)
	}
	nv := deref(lookup(crd, "nullable").value)
	if nullable := nv != nil && nv.Value == "true"; nullable != s.nullable {
		t.Errorf("%s: nullable %v, CRD says %v", at, s.nullable, nullable)
	}

	var crdRequired []string
	for _, r := range items(lookup(crd, "required").value) {
		crdRequired = append(crdRequired, r.Value)
	}
	sort.Strings(crdRequired)
	required := slices.Sorted(slices.Values(s.required))
	if !slices.Equal(required, crdRequired) {
		t.Errorf("%s: required %v, CRD says %v", at, required, crdRequired)
	}
	for _, r := range s.alsoRequired {
		if slices.Contains(crdRequired, r) {
			t.Errorf("%s: %q is required by the CRD now; move it from alsoRequired to required", at, r)
		}
		if s.why == "" {
			t.Errorf("%s: alsoRequired without a reason", at)
		}
	}

	switch s.typ {
	case "object":
		preserve := deref(lookup(crd, "x-kubernetes-preserve-unknown-fields").value)
		crdOpen := preserve != nil && preserve.Value == "true"
		if s.open && s.props == nil {
			if !crdOpen && !unchecked[path] {
				t.Errorf("%s: open here, but the CRD does not preserve unknown fields", at)
			}
			return
		}
		if crdOpen != s.open {
			t.Errorf("%s: open %v, CRD x-kubernetes-preserve-unknown-fields %v", at, s.open, crdOpen)
		}
		crdProps := map[string]*yaml.Node{}
		for _, p := range pairs(lookup(crd, "properties").value) {
			crdProps[p.key.Value] = p.value
		}
		for name := range crdProps {
			if _, ok := s.props[name]; !ok {
				t.Errorf("%s: CRD property %q is missing here", at, name)
			}
		}
		for name, child := range s.props {
			c, ok := crdProps[name]
			if !ok {
				t.Errorf("%s: property %q is not in the CRD", at, name)
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			compareSchema(t, p, child, deref(c))
		}
	case "array":
		compareSchema(t, path+"[]", s.items, deref(lookup(crd, "items").value))
	}
}
