package validate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// builtins loads KubeVela v1.10.9's definitions from the shared directory.
func builtins(t testing.TB) *Definitions {
	t.Helper()
	d, err := LoadDefinitions(filepath.Join(testenv.SharedDir(t), "definitions", "kubevela", "v1.10.9"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// readApp parses a one-document YAML file.
func readApp(t testing.TB, path string) *yaml.RNode {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
