package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oamfix/oamfix/internal/testenv"
)

// TestBuiltinUpToDate regenerates the built-in table from the shared
// definitions of the KubeVela version the committed file names and fails
// when the committed file differs. After a change to the catalog's
// analysis, or for a new KubeVela release (change the go:generate line in
// catalog.go), run `go generate ./catalog` and read the diff.
func TestBuiltinUpToDate(t *testing.T) {
	committed, err := os.ReadFile(filepath.Join("..", "builtin_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(committed), "\n")
	var version string
	if _, err := fmt.Sscanf(first, header, &version); err != nil {
		t.Fatalf("builtin_gen.go: no version in %q: %v", first, err)
	}
	generated, err := generate(testenv.Shared(t, "definitions", "kubevela", version))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, generated) {
		diff := cmp.Diff(strings.SplitAfter(string(committed), "\n"), strings.SplitAfter(string(generated), "\n"))
		t.Errorf("catalog/builtin_gen.go is out of date; run go generate ./catalog (-committed +generated):\n%s", diff)
	}
}
