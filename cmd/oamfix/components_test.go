package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// TestComponentsGolden pins the workload model down through `oamfix
// components`, text and JSON, one case per source of facts:
// testdata/components/<case>/input.yaml with its config.yaml and
// definitions/ when present, want.txt and want.json.
func TestComponentsGolden(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "components", "*", "input.yaml"))
	if len(cases) < 5 {
		t.Fatalf("found %d components golden cases, want at least 5", len(cases))
	}
	for _, input := range cases {
		dir := filepath.Dir(input)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args := []string{"components", input}
			if _, err := os.Stat(filepath.Join(dir, "config.yaml")); err == nil {
				args = append(args, "--config", filepath.Join(dir, "config.yaml"))
			}
			if _, err := os.Stat(filepath.Join(dir, "definitions")); err == nil {
				args = append(args, "--definitions", filepath.Join(dir, "definitions"))
			}
			for _, format := range []string{"txt", "json"} {
				code, out, errs := oamfix(t, "", append(args, "--format", map[string]string{"txt": "text", "json": "json"}[format])...)
				if code != 0 || errs != "" {
					t.Fatalf("exit %d, stderr:\n%s", code, errs)
				}
				testenv.Golden(t, filepath.Join(dir, "want."+format), []byte(out))
			}
		})
	}
}

// TestComponentsExamplesAndCorpus: the model of the bundled example and of
// a few corpus files (a gateway-exposed app, a Kafka operator request, a
// helm chart, a Terraform cloud database, k8s-objects).
func TestComponentsExamplesAndCorpus(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(root, "testdata", "components", "files")
	check := func(t *testing.T, name, path string) {
		for format, ext := range map[string]string{"text": "txt", "json": "json"} {
			code, out, errs := oamfix(t, "", "components", "--config", filepath.Join(root, "examples", ".oamfix.yaml"), "--format", format, path)
			if code != 0 || errs != "" {
				t.Fatalf("%s: exit %d, stderr:\n%s", path, code, errs)
			}
			testenv.Golden(t, filepath.Join(golden, name+"."+ext), []byte(out))
		}
	}
	t.Run("examples", func(t *testing.T) {
		t.Chdir(root)
		check(t, "examples", "examples")
	})
	corpus := filepath.Join(testenv.SharedDir(t), "corpus")
	for name, file := range map[string]string{
		"gateway":     "kubevela__kubevela.github.io/docs__end-user__policies__gc__block01.yaml",
		"kafka":       "kubevela__catalog/examples__kafka-operator__kafka-rebalance.yaml",
		"helm":        "kubevela__kubevela.github.io/blog__2022-07-07-helm-multi-cluster__block13.yaml",
		"terraform":   "kubevela__kubevela.github.io/docs__end-user__components__cloud-services__provision-and-consume-database__block01.yaml",
		"k8s-objects": "kubevela__kubevela.github.io/static__example__applications__app-with-k8s-objects.yaml",
	} {
		t.Run(name, func(t *testing.T) {
			t.Chdir(corpus)
			if _, err := os.Stat(file); err != nil {
				t.Fatalf("corpus file %s is missing: %v", file, err)
			}
			check(t, name, file)
		})
	}
}

// TestREADMEShowsTheExampleDiff: the README's diff of the review's example
// is what oamfix prints today.
func TestREADMEShowsTheExampleDiff(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	code, out, errs := oamfix(t, "", "--diff", "examples/")
	if code != 1 || out == "" {
		t.Fatalf("oamfix --diff examples/: exit %d, stderr:\n%s", code, errs)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```diff\n"+out+"```") {
		t.Errorf("README.md's diff of examples/ is stale; replace it with:\n%s", out)
	}
}
