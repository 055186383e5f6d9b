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

// buildBinary compiles oamfix into a temp dir, with the build tags given
// (oamfixtest: the test hooks).
func buildBinary(t *testing.T, tags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "oamfix")
	cmd := exec.Command("go", "build", "-tags", strings.Join(tags, ","), "-o", bin, ".")
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

// concurrentFiles is how many files TestCrashSafetyConcurrentWriters
// fixes (the figure).
const concurrentFiles = 1500

// TestCrashSafetyConcurrentWriters is the crash test with a concurrent
// writer: two --fix runs with different rules start together on one tree
// (no pause: a real race), and the first is killed with SIGKILL while it
// writes. Every file must then be the original or a complete fixed
// version (one run's, or both runs' in either order), every file the
// second run reports fixed must hold its fix, and every file it refused
// must be named in its errors (exit 2). A later run of each fixes the
// rest. Rounds repeat until the runs did overlap (the second run refused
// a file the first had changed, or the kill landed mid-write).
func TestCrashSafetyConcurrentWriters(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "-short: not running the crash test")
	}
	testenv.READMEFigures(t, `different rules on ([\d,]+) files at once and kills one mid-write`, concurrentFiles)
	bin := buildBinary(t)
	probes := fixedVersion(t, needsFixes, "probes")
	breaker := fixedVersion(t, needsFixes, "circuit-breaker")
	allowed := map[string]string{
		needsFixes: "original",
		probes:     "probes only",
		breaker:    "circuit breaker only",
		fixedVersion(t, probes, "circuit-breaker"): "probes, then circuit breaker",
		fixedVersion(t, breaker, "probes"):         "circuit breaker, then probes",
	}
	overlapped := false
	for round := 0; round < 4 && !overlapped; round++ {
		dir := appFiles(t, concurrentFiles)
		first := start(t, bin, "", "--fix", "--rules", "probes", dir)
		second := start(t, bin, "", "--fix", "--rules", "circuit-breaker", "--format", "json", dir)
		// Kill the first run once it reports its first group written.
		killed := false
		for !killed {
			select {
			case <-first.exited:
			default:
				if strings.Contains(first.stdout.String(), "[fixed]") {
					killed = first.cmd.Process.Signal(syscall.SIGKILL) == nil
				}
				time.Sleep(50 * time.Microsecond)
				continue
			}
			break
		}
		first.wait()
		code := second.wait()
		reported := fixedFiles(t, second.stdout.String())
		refused, kinds := 0, map[string]int{}
		for i := 0; i < concurrentFiles; i++ {
			p := appPath(dir, i)
			data, _ := os.ReadFile(p)
			kind, ok := allowed[string(data)]
			if !ok {
				t.Fatalf("round %d: %s is not a complete version:\n%s", round, filepath.Base(p), data)
			}
			kinds[kind]++
			if reported[p] && !strings.Contains(string(data), "type: circuit-breaker") {
				t.Errorf("round %d: %s: the second run's fix was lost", round, filepath.Base(p))
			}
			if !reported[p] {
				refused++
				if !strings.Contains(second.stderr.String(), filepath.Base(p)+": changed on disk after oamfix read it") {
					t.Errorf("round %d: %s is not reported fixed and not named in an error", round, filepath.Base(p))
				}
			}
		}
		if (refused > 0) != (code == 2) {
			t.Errorf("round %d: the second run exited %d after refusing %d files", round, code, refused)
		}
		overlapped = refused > 0 || killed && kinds["original"] > 0 && kinds["original"] < concurrentFiles
		t.Logf("round %d: first run killed %v; second run refused %d files; %v; temporary files left: %d",
			round, killed, refused, kinds, len(temporaryFiles(t, dir)))

		// The user runs both again: everything ends up with both fixes.
		for _, rules := range []string{"probes", "circuit-breaker"} {
			if out, err := exec.Command(bin, "--fix", "--rules", rules, dir).CombinedOutput(); err != nil {
				t.Fatalf("round %d: rerun with %s: %v\n%s", round, rules, err, out)
			}
		}
		for i := 0; i < concurrentFiles; i++ {
			data, _ := os.ReadFile(appPath(dir, i))
			if kind := allowed[string(data)]; !strings.Contains(kind, ", then ") {
				t.Fatalf("round %d: app-%04d.yaml after the reruns: %q", round, i, kind)
			}
		}
	}
	if !overlapped {
		t.Error("the two runs never overlapped; the test proved nothing")
	}
}
