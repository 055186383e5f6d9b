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
// (want.err) byte-for-byte; a second run must change nothing. The edits
// are recorded and spliced; rendering the edited documents whole must give
// the same bytes, and no case falls back to it. Cases of line endings and
// separators, and of input refused as unreadable, live in
// kio/testdata/writeback (the rules' tests do not take them as inputs).
func TestGoldenWriteback(t *testing.T) {
	verifyWhole(t)
	var stats ProjectStats
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
			out, f, err := runEdits(t, name, input, false, testEdits...)
			if f != nil {
				stats.Add(f.Stats)
			}
			whole, _, wholeErr := runEdits(t, name, input, true, testEdits...)
			// Splicing may place an edit the whole rendering cannot map
			// back (line separators in comments); never the other way.
			if err != nil && wholeErr == nil || err == nil && wholeErr == nil && !bytes.Equal(out, whole) {
				d, _ := UnifiedDiff(name, whole, out)
				t.Errorf("splicing differs from the whole-document rendering (error %v, whole %v; - whole, + spliced):\n%s", err, wholeErr, d)
			}
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
			again, _, err := runEdits(t, name, out, false, testEdits...)
			if err != nil || !bytes.Equal(again, out) {
				d, _ := UnifiedDiff(name, out, again)
				t.Errorf("second run changed the output (err %v):\n%s", err, d)
			}
			if noGit == nil {
				gitApply(t, name, input, diff, out)
			}
		})
	}
	t.Logf("write-back cases: %s", stats)
	if len(stats.Fallbacks) > 0 {
		t.Errorf("edits fell back to the whole-document rendering:\n%s", strings.Join(stats.Fallbacks, "\n"))
	}
	if len(stats.Disagreements) > 0 {
		t.Errorf("documents verified locally were refused by the whole parse:\n%s", strings.Join(stats.Disagreements, "\n"))
	}
	if noGit != nil {
		// Every other check ran; only git apply could not.
		testenv.Missing(t, "git is not installed: the diffs were not checked with git apply")
	}
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
