package kio

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// TestGoldenWriteback runs the test-only edits (add an annotation, append a
// trait to every component, change each component type in place) over each
// hard case of the write-back notes under testdata/writeback/<case>/ and
// compares the output (want.yaml), its diff (want.diff) or the refusal
// (want.err) byte-for-byte; a second run must change nothing. Cases of
// line endings and separators, and of input refused as unreadable, live in
// kio/testdata/writeback (the rules' tests do not take them as inputs).
func TestGoldenWriteback(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "testdata", "writeback", "*"))
	local, _ := filepath.Glob(filepath.Join("testdata", "writeback", "*"))
	if len(dirs) == 0 || len(local) == 0 {
		t.Fatal("no cases under ../testdata/writeback or testdata/writeback")
	}
	dirs = append(dirs, local...)
	_, noGit := exec.LookPath("git")
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.ToSlash(strings.TrimPrefix(filepath.Join(dir, "input.yaml"), ".."+string(filepath.Separator)))
			if !strings.HasPrefix(dir, "..") {
				name = "kio/" + name
			}
			out, err := editAll(t, name, input)
			if err != nil {
				testenv.Golden(t, filepath.Join(dir, "want.err"), []byte(err.Error()+"\n"))
				return
			}
			diff, err := UnifiedDiff(name, input, out)
			if err != nil {
				t.Fatal(err)
			}
			testenv.Golden(t, filepath.Join(dir, "want.yaml"), out)
			testenv.Golden(t, filepath.Join(dir, "want.diff"), []byte(diff))
			again, err := editAll(t, name, out)
			if err != nil || !bytes.Equal(again, out) {
				d, _ := UnifiedDiff(name, out, again)
				t.Errorf("second run changed the output (err %v):\n%s", err, d)
			}
			if noGit == nil {
				gitApply(t, name, input, diff, out)
			}
		})
	}
	if noGit != nil {
		// Every other check ran; only git apply could not.
		testenv.Missing(t, "git is not installed: the diffs were not checked with git apply")
	}
}

// editAll applies every test-only edit to every Application, then projects.
func editAll(t *testing.T, name string, data []byte) ([]byte, error) {
	f, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	for _, d := range f.Docs {
		if isApplication(d) {
			d.Snapshot()
			for _, e := range testEdits {
				e.apply(t, d.Node)
			}
		}
	}
	return Project(f)
}

// gitApply checks that `git apply` turns input into out with the diff.
func gitApply(t *testing.T, name string, input []byte, diff string, out []byte) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, input, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "apply", "--unsafe-paths", "-")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(diff)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply rejected the diff: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, out) {
		t.Errorf("git apply produced different bytes than oamfix wrote")
	}
}
