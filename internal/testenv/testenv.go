// Package testenv locates the read-only shared material (corpus, schemas,
// definitions, YAML test suite) that tests read at test time.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the shared folder: $OAMFIX_SHARED if set, else the
// "shared" folder beside the repository root. When the folder is absent
// it skips the test with a message in the default output, or fails it
// under CI (see Missing).
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("OAMFIX_SHARED"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
		Missing(t, "OAMFIX_SHARED=%s does not exist; this test needs the shared corpus, schemas and definitions", d)
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
	Missing(t, "../shared (the shared corpus, schemas and definitions) is not beside the repository; set OAMFIX_SHARED to its path")
	return ""
}

// Shared returns a path inside the shared folder; an absent path is
// Missing (a skip, or a failure under CI).
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{SharedDir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		Missing(t, "%s is not present", p)
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
