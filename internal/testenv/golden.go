package testenv

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// UpdateGolden reports whether golden files are being rewritten on purpose
// (OAMFIX_UPDATE_GOLDEN=1, which `make golden` sets).
func UpdateGolden() bool { return os.Getenv("OAMFIX_UPDATE_GOLDEN") == "1" }

// Golden compares got with the golden file at path byte for byte and
// reports a line diff on mismatch. Under UpdateGolden it rewrites the file
// instead; read the diff of testdata/ before committing.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if UpdateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run make golden to create it, then read the diff)", err)
	}
	if !bytes.Equal(got, want) {
		d := cmp.Diff(strings.SplitAfter(string(want), "\n"), strings.SplitAfter(string(got), "\n"))
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, d)
	}
}
