// Package testenv locates the read-only shared material (corpus, schemas,
// definitions, YAML test suite) that tests read at test time.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the shared folder: $OAMFIX_SHARED if set, else the
// "shared" folder beside the repository root. It skips the test with a
// clear message when the folder is absent.
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("OAMFIX_SHARED"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
		t.Skipf("OAMFIX_SHARED=%s does not exist; skipping a test that needs the shared corpus", d)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(filepath.Dir(dir), "shared")
			if _, err := os.Stat(shared); err == nil {
				return shared
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Skip("../shared (the shared corpus, schemas and definitions) is not present beside the repository; skipping")
	return ""
}

// Shared returns a path inside the shared folder, skipping when it is absent.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{SharedDir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is not present; skipping", p)
	}
	return p
}

// CorpusFiles lists every *.yaml and *.yml file under ../shared/corpus.
func CorpusFiles(t testing.TB) []string {
	t.Helper()
	root := Shared(t, "corpus")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
