package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oamfix/oamfix/internal/testenv"
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

// crashFiles is how many files each round of TestCrashSafety fixes.
const crashFiles = 3000

// TestCrashSafety kills oamfix --fix with SIGKILL while it writes, and
// checks that every file is either the original or the complete fixed
// version, keeps its mode, that symlinks are still symlinks, and that a
// second run over what the kill left (temporary files included) fixes
// everything.
//
// A kill after a fixed delay often lands before the first write (a busy
// machine is slow to start) or after the last one, proving nothing; so
// each round watches the files and kills the moment the run is visibly
// writing: when the first file of the first commit group has been renamed
// (the rest of that group's renames are then under way), or a file further
// into the run. Rounds are repeated until kills have landed mid-write
// (some files fixed, some still original), and at least one between two
// renames of the same commit group; the test fails if none did.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "-short: not running the crash test")
	}
	bin := buildBinary(t)
	testenv.READMEFigures(t, `with SIGKILL while it writes over ([\d,]+) files`, crashFiles)
	testenv.READMEFigures(t, "one `syncfs` per group of up to (\\d+) files", commitEvery)

	// The complete fixed version of needsFixes, from an uninterrupted run.
	ref := t.TempDir()
	refFile := writeFile(t, filepath.Join(ref, "app.yaml"), needsFixes, 0o644)
	if out, err := exec.Command(bin, "--fix", "--rules", fixable, ref).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	fixed, _ := os.ReadFile(refFile)

	// Kill when this file has been rewritten, round after round.
	triggers := []int{0, 300, 0, 600, 0, 0, 0, 0, 0, 0}
	const wantLanded = 3
	landed, midGroup := 0, 0
	var recovery string
	for round, trigger := range triggers {
		if landed >= wantLanded && midGroup > 0 {
			break
		}
		dir := t.TempDir()
		for i := 0; i < crashFiles; i++ {
			writeFile(t, filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", i)), needsFixes, 0o640)
		}
		if err := os.Symlink(filepath.Join(dir, "app-0000.yaml"), filepath.Join(dir, "link.yaml")); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--fix", "--rules", fixable, dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		watched := filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", trigger))
		killed := false
	watch:
		for {
			select {
			case <-exited:
				break watch
			default:
			}
			if info, err := os.Stat(watched); err == nil && info.Size() != int64(len(needsFixes)) {
				killed = cmd.Process.Signal(syscall.SIGKILL) == nil
				break
			}
			time.Sleep(50 * time.Microsecond)
		}
		<-exited

		orig, done, temps := 0, 0, 0
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if strings.HasPrefix(e.Name(), ".") {
				temps++ // a temporary file the kill left behind; never a user file
				continue
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
		mid := killed && done > 0 && orig > 0
		if mid {
			landed++
			if done%commitEvery != 0 {
				midGroup++
			}
		}
		t.Logf("round %d (kill once app-%04d.yaml is rewritten): killed %v, %d files fixed, %d original, %d temporary files left; mid-write %v",
			round, trigger, killed, done, orig, temps, mid)

		// What a user does next: run again. Leftover temporary files are
		// not inputs, and every file ends up fixed.
		if mid && recovery == "" {
			out, err := exec.Command(bin, "--fix", "--rules", fixable, dir).CombinedOutput()
			if err != nil || strings.Contains(string(out), ".oamfix-") {
				t.Fatalf("round %d: the run after the kill: %v\n%s", round, err, out)
			}
			for i := 0; i < crashFiles; i++ {
				if data, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", i))); string(data) != string(fixed) {
					t.Fatalf("round %d: app-%04d.yaml is not fixed after the second run", round, i)
				}
			}
			recovery = fmt.Sprintf("round %d", round)
		}
	}
	if landed == 0 {
		t.Fatalf("no kill landed while oamfix was writing (every round finished first or was killed before the first rename); the test proved nothing")
	}
	if midGroup == 0 {
		t.Errorf("no kill landed between two renames of one commit group (%d landed between groups)", landed)
	}
	t.Logf("%d kills landed mid-write, %d of them inside a commit group; recovered in %s", landed, midGroup, recovery)
}
