package validate

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// sharedDir locates the shared reference material (KubeVela definitions,
// the Application CRD, the corpus): $OAMFIX_SHARED, else a "shared"
// directory next to the repository root, found by walking up from the
// test's working directory. The test is skipped when there is none.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("OAMFIX_SHARED"); d != "" {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			t.Skipf("OAMFIX_SHARED=%s is not a directory; skipping", d)
		}
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; {
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		if fi, err := os.Stat(filepath.Join(parent, "shared", "definitions")); err == nil && fi.IsDir() {
			return filepath.Join(parent, "shared")
		}
		dir = parent
	}
	t.Skip("no shared reference directory (../shared next to the repository root, or $OAMFIX_SHARED); skipping")
	return ""
}

// builtins loads KubeVela v1.10.9's definitions from the shared directory.
func builtins(t testing.TB) *Definitions {
	t.Helper()
	d, err := LoadDefinitions(filepath.Join(sharedDir(t), "definitions", "kubevela", "v1.10.9"))
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
