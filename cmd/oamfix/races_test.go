package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oamfix/oamfix/internal/testenv"
)

// raceFiles is how many files the process tests fix: over two commit
// groups, so a pause at the first rename finds a whole group staged.
const raceFiles = 600

// patience bounds every wait on a child process, so that a bug hangs no
// test run; nothing is measured against it.
const patience = 3 * time.Minute

// lockedBuffer is a bytes.Buffer a child process writes while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// child is an oamfix process a test started.
type child struct {
	t              *testing.T
	cmd            *exec.Cmd
	ctl            string // the folder of the pause hook, "" for none
	stdout, stderr lockedBuffer
	exited         chan struct{}
	code           int
}

// start runs bin with args. pause, when not "", is the hook's OP:N: the
// child stops at the Nth write step OP until resume.
func start(t *testing.T, bin, pause string, args ...string) *child {
	t.Helper()
	c := &child{t: t, cmd: exec.Command(bin, args...), exited: make(chan struct{})}
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	c.cmd.Env = os.Environ()
	if pause != "" {
		c.ctl = t.TempDir()
		c.cmd.Env = append(c.cmd.Env, "OAMFIX_TEST_PAUSE="+pause+":"+c.ctl)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.cmd.Wait()
		c.code = c.cmd.ProcessState.ExitCode()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.exited
	})
	return c
}

// waitFor polls until cond holds; it fails when the child exits first.
func (c *child) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		select {
		case <-c.exited:
			c.t.Fatalf("oamfix exited (%d) before %s; stderr:\n%s", c.code, what, c.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("oamfix did not reach %s; stderr:\n%s", what, c.stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// paused waits until the child stops at its pause.
func (c *child) paused() {
	c.t.Helper()
	c.waitFor("the pause", func() bool {
		_, err := os.Stat(filepath.Join(c.ctl, "paused"))
		return err == nil
	})
}

// resume lets a paused child go on.
func (c *child) resume() {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.ctl, "resume"), nil, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// wait waits for the child to exit and returns its exit code.
func (c *child) wait() int {
	c.t.Helper()
	select {
	case <-c.exited:
		return c.code
	case <-time.After(patience):
		c.t.Fatalf("oamfix did not exit; stderr:\n%s", c.stderr.String())
	}
	return -1
}

// fixedFiles reads a JSON report and returns the files with a finding
// reported fixed.
func fixedFiles(t *testing.T, report string) map[string]bool {
	t.Helper()
	var r struct {
		Findings []struct{ File, Status string }
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("the JSON report does not parse: %v\n%.400s", err, report)
	}
	fixed := map[string]bool{}
	for _, f := range r.Findings {
		if f.Status == "fixed" {
			fixed[f.File] = true
		}
	}
	return fixed
}

// appFiles writes n copies of needsFixes (app-0000.yaml, ...) into a new
// folder and returns it.
func appFiles(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		writeFile(t, appPath(dir, i), needsFixes, 0o644)
	}
	return dir
}

// appPath names the ith file of appFiles.
func appPath(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("app-%04d.yaml", i))
}

// temporaryFiles lists the hidden temporary files under dir.
func temporaryFiles(t *testing.T, dir string) []string {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(dir, ".*.oamfix-*"))
	if err != nil {
		t.Fatal(err)
	}
	return left
}

// fixedVersion is what oamfix --fix with rules makes of text.
func fixedVersion(t *testing.T, text, rules string) string {
	t.Helper()
	code, out, errOut := oamfix(t, text, "--fix", "--rules", rules, "-")
	if code != 0 {
		t.Fatalf("fixing the reference: exit %d\n%s", code, errOut)
	}
	return out
}

// TestWritesUnderRaces runs oamfix --fix as a real process against what
// happens to a tree while it runs. A test build (-tags oamfixtest) pauses
// the run between staging a commit group and renaming it, so each race is
// hit every time:
//
//   - a user edits files the run has read (issue item 1): the edits stay,
//     those files are not written and not reported fixed, exit 2;
//   - a second --fix run fixes the same tree meanwhile (item 2): none of
//     its fixes is lost, and the paused run writes only files it read
//     after them;
//   - SIGINT and SIGTERM arrive (item 11): the run stops, removes every
//     temporary file, reports exactly the files it wrote and exits 128+n;
//     a second signal exits at once, leaving no temporary file either;
//   - its standard output is closed (oamfix --fix dir | head -1): every
//     fix is still written, with a note and exit 0.
func TestWritesUnderRaces(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "-short: not running oamfix processes")
	}
	bin := buildBinary(t, "oamfixtest")
	fixed := fixedVersion(t, needsFixes, fixable)

	t.Run("user edits", func(t *testing.T) {
		dir := appFiles(t, raceFiles)
		c := start(t, bin, "check:1", "--fix", "--rules", fixable, "--format", "json", dir)
		c.paused() // the first group is staged; nothing is renamed yet
		const mark = "# edited by the user\n"
		inPlace, saved := appPath(dir, 3), appPath(dir, 100)
		writeFile(t, inPlace, needsFixes+mark, 0o644)
		editor := writeFile(t, saved+".swp", needsFixes+mark, 0o644)
		if err := os.Rename(editor, saved); err != nil { // how editors save
			t.Fatal(err)
		}
		c.resume()
		if code := c.wait(); code != 2 {
			t.Fatalf("exit %d, want 2; stderr:\n%s", code, c.stderr.String())
		}
		reported := fixedFiles(t, c.stdout.String())
		for i := 0; i < raceFiles; i++ {
			p := appPath(dir, i)
			data, _ := os.ReadFile(p)
			if p == inPlace || p == saved {
				if string(data) != needsFixes+mark {
					t.Errorf("%s: the user's edit was lost:\n%s", filepath.Base(p), data)
				}
				if reported[p] {
					t.Errorf("%s: reported fixed although its fix was not written", filepath.Base(p))
				}
				if !strings.Contains(c.stderr.String(), filepath.Base(p)+": changed on disk after oamfix read it") {
					t.Errorf("stderr does not name %s:\n%s", filepath.Base(p), c.stderr.String())
				}
				continue
			}
			if string(data) != fixed || !reported[p] {
				t.Errorf("%s: not fixed (reported fixed: %v)", filepath.Base(p), reported[p])
			}
		}
		if left := temporaryFiles(t, dir); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})

	t.Run("concurrent runs", func(t *testing.T) {
		dir := appFiles(t, raceFiles)
		first := start(t, bin, "check:1", "--fix", "--rules", "probes", "--format", "json", dir)
		first.paused()
		second := start(t, bin, "", "--fix", "--rules", "circuit-breaker", "--format", "json", dir)
		if code := second.wait(); code != 0 {
			t.Fatalf("the second run: exit %d; stderr:\n%s", code, second.stderr.String())
		}
		first.resume()
		if code := first.wait(); code != 2 {
			t.Fatalf("the first run: exit %d, want 2; stderr:\n%s", code, first.stderr.String())
		}
		firstFixed, secondFixed := fixedFiles(t, first.stdout.String()), fixedFiles(t, second.stdout.String())
		refused := 0
		for i := 0; i < raceFiles; i++ {
			p := appPath(dir, i)
			data, _ := os.ReadFile(p)
			if !secondFixed[p] || !strings.Contains(string(data), "type: circuit-breaker") {
				t.Errorf("%s: the second run's fix was lost (reported fixed: %v)", filepath.Base(p), secondFixed[p])
			}
			hasProbes := strings.Contains(string(data), "readinessProbe")
			if hasProbes != firstFixed[p] {
				t.Errorf("%s: the first run reported fixed %v, but the probes are there: %v", filepath.Base(p), firstFixed[p], hasProbes)
			}
			if !firstFixed[p] {
				refused++
				if !strings.Contains(first.stderr.String(), filepath.Base(p)+": changed on disk after oamfix read it") {
					t.Errorf("the first run's stderr does not name %s", filepath.Base(p))
				}
			}
		}
		if refused < commitEvery {
			t.Errorf("the first run refused %d files, want at least its first group of %d", refused, commitEvery)
		}
		t.Logf("the first run refused %d files it had read before the second run wrote them, and fixed %d", refused, raceFiles-refused)
		if left := temporaryFiles(t, dir); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(signalName(sig), func(t *testing.T) {
			dir := appFiles(t, raceFiles)
			const at = 300 // pause in the second group: 299 files are written
			c := start(t, bin, fmt.Sprintf("check:%d", at), "--fix", "--rules", fixable, "--format", "json", dir)
			c.paused()
			if err := c.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			c.waitFor("the signal's message", func() bool { return strings.Contains(c.stderr.String(), signalName(sig)+": stopping") })
			c.resume()
			if code := c.wait(); code != 128+int(sig) {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, 128+int(sig), c.stderr.String())
			}
			reported := fixedFiles(t, c.stdout.String())
			written := 0
			for i := 0; i < raceFiles; i++ {
				p := appPath(dir, i)
				data, _ := os.ReadFile(p)
				switch string(data) {
				case fixed:
					written++
					if !reported[p] {
						t.Errorf("%s was written but not reported fixed", filepath.Base(p))
					}
				case needsFixes:
					if reported[p] {
						t.Errorf("%s was reported fixed but not written", filepath.Base(p))
					}
				default:
					t.Errorf("%s is neither original nor fixed", filepath.Base(p))
				}
			}
			want := fmt.Sprintf("interrupted by %s: %d fixed files written", signalName(sig), at-1)
			if written != at-1 || !strings.Contains(c.stderr.String(), want) {
				t.Errorf("%d files written, want %d and %q in stderr:\n%s", written, at-1, want, c.stderr.String())
			}
			if left := temporaryFiles(t, dir); len(left) > 0 {
				t.Errorf("%d temporary files left: %v", len(left), left)
			}
		})
	}

	t.Run("second SIGINT", func(t *testing.T) {
		dir := appFiles(t, raceFiles)
		c := start(t, bin, "check:1", "--fix", "--rules", fixable, dir)
		c.paused() // and stays paused: only the second signal ends it
		c.cmd.Process.Signal(syscall.SIGINT)
		c.waitFor("the first signal's message", func() bool { return strings.Contains(c.stderr.String(), "SIGINT: stopping") })
		c.cmd.Process.Signal(syscall.SIGINT)
		if code := c.wait(); code != 130 || !strings.Contains(c.stderr.String(), "SIGINT again: exiting now") {
			t.Fatalf("exit %d, want 130; stderr:\n%s", code, c.stderr.String())
		}
		for i := 0; i < raceFiles; i++ {
			if data, _ := os.ReadFile(appPath(dir, i)); string(data) != needsFixes {
				t.Errorf("app-%04d.yaml was written", i)
			}
		}
		if left := temporaryFiles(t, dir); len(left) > 0 {
			t.Errorf("%d temporary files left: %v", len(left), left)
		}
	})

	t.Run("closed stdout", func(t *testing.T) {
		dir := appFiles(t, raceFiles)
		cmd := exec.Command(bin, "--fix", "--rules", fixable, dir)
		var stderr lockedBuffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill() })
		// head -1: read a line, then close the pipe; the rest of the
		// output (far more than a pipe holds) meets a closed pipe.
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, dir) {
			t.Fatalf("first line %q: %v", line, err)
		}
		out.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(patience):
			t.Fatal("oamfix did not exit")
		}
		if err != nil || !strings.Contains(stderr.String(), "standard output was closed early") {
			t.Fatalf("exit: %v, want 0 with a note; stderr:\n%s", err, stderr.String())
		}
		for i := 0; i < raceFiles; i++ {
			if data, _ := os.ReadFile(appPath(dir, i)); string(data) != fixed {
				t.Errorf("app-%04d.yaml is not fixed", i)
			}
		}
		if left := temporaryFiles(t, dir); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})
}

// TestSymlinksOutOfThePaths (issue item 6): a link inside the tree to a
// file outside it is not written through by default (exit 2, the message
// names the link and the flag); --follow-symlinks writes it. A link to a
// file inside the tree is written as before.
func TestSymlinksOutOfThePaths(t *testing.T) {
	root := t.TempDir()
	tree, outside := filepath.Join(root, "tree"), filepath.Join(root, "outside")
	os.Mkdir(tree, 0o755)
	os.Mkdir(outside, 0o755)
	writeFile(t, filepath.Join(tree, "app.yaml"), needsFixes, 0o644)
	shared := writeFile(t, filepath.Join(outside, "shared.yaml"), needsFixes, 0o644)
	if err := os.Symlink(shared, filepath.Join(tree, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("app.yaml", filepath.Join(tree, "same.yaml")); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := oamfix(t, "", "--fix", "--rules", fixable, tree)
	if code != 2 || !strings.Contains(errOut, "link.yaml: not writing it: a symbolic link leads to "+shared) || !strings.Contains(errOut, "--follow-symlinks") {
		t.Errorf("exit %d, want 2 naming link.yaml; stderr:\n%s", code, errOut)
	}
	if data, _ := os.ReadFile(shared); string(data) != needsFixes {
		t.Error("the file outside the tree was written")
	}
	if data, _ := os.ReadFile(filepath.Join(tree, "app.yaml")); string(data) == needsFixes {
		t.Error("app.yaml was not fixed")
	}
	code, _, errOut = oamfix(t, "", "--fix", "--follow-symlinks", "--rules", fixable, tree)
	if data, _ := os.ReadFile(shared); code != 0 || string(data) == needsFixes {
		t.Errorf("--follow-symlinks: exit %d, the file outside fixed: %v; stderr:\n%s", code, string(data) != needsFixes, errOut)
	}
	if info, err := os.Lstat(filepath.Join(tree, "link.yaml")); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Error("the link is no longer a link")
	}
}
