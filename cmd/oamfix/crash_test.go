package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"time"
)

// buildBinary compiles oamfix into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "oamfix")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestCrashSafety kills oamfix with SIGKILL in the middle of --fix over many
// files, several times at different moments, and checks that every file is
// either the original or the complete fixed version, keeps its mode, and
// that symlinks are still symlinks.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "-short: not running the crash test")
	}
	bin := buildBinary(t)

	// The complete fixed version of needsFixes, from an uninterrupted run.
	ref := t.TempDir()
	refFile := writeFile(t, filepath.Join(ref, "app.yaml"), needsFixes, 0o644)
	if out, err := exec.Command(bin, "--fix", "--rules", fixable, ref).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	fixed, _ := os.ReadFile(refFile)

	killed := 0
	for round, delay := range []time.Duration{20 * time.Millisecond, 60 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		dir := t.TempDir()
		const n = 3000
		for i := 0; i < n; i++ {
			writeFile(t, filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", i)), needsFixes, 0o640)
		}
		target := filepath.Join(dir, "app-0000.yaml")
		link := filepath.Join(dir, "link.yaml")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--fix", "--rules", fixable, dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			killed++
		}
		cmd.Wait()

		var orig, done int
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if strings.HasPrefix(e.Name(), ".") {
				continue // a temporary file the kill left behind; never a user file
			}
			if e.Name() == "link.yaml" {
				if info, err := os.Lstat(p); err != nil || info.Mode()&os.ModeSymlink == 0 {
					t.Fatalf("round %d: the symlink was replaced by a regular file", round)
				}
				continue
			}
			data, _ := os.ReadFile(p)
			switch string(data) {
			case needsFixes:
				orig++
			case string(fixed):
				done++
			default:
				t.Fatalf("round %d: %s is neither the original nor the fixed version:\n%s", round, e.Name(), data)
			}
			if info, _ := os.Stat(p); info.Mode().Perm() != 0o640 {
				t.Fatalf("round %d: %s mode changed to %v", round, e.Name(), info.Mode().Perm())
			}
		}
		t.Logf("killed after %v: %d files original, %d fixed, all complete", delay, orig, done)
	}
	if killed == 0 {
		t.Fatal("oamfix finished before every kill; the test did not interrupt anything")
	}
}
