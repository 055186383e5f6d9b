package kio

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"golang.org/x/sys/unix"
)

// event is one durability step of the write path, as writeStep sees it.
type event struct{ op, path string }

// recordSteps installs a writeStep that records every step and fails the
// ones fail names ("syncfs", "fsync:NAME" for a temporary file of NAME).
func recordSteps(t *testing.T, fail ...string) *[]event {
	t.Helper()
	var mu sync.Mutex
	var events []event
	writeStep = func(op, path string) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, event{op, path})
		for _, f := range fail {
			name, ok := strings.CutPrefix(f, op+":")
			if f == op || ok && strings.HasPrefix(filepath.Base(path), "."+name+".oamfix-") {
				return errors.New("injected failure")
			}
		}
		return nil
	}
	t.Cleanup(func() { writeStep = nil })
	return &events
}

// readFile reads a file as the CLI does before staging its fix.
func readFile(t *testing.T, path string) *File {
	t.Helper()
	f, err := ReadFile(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// device is the file system a path lives on.
func device(t *testing.T, path string) uint64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return uint64(info.Sys().(*syscall.Stat_t).Dev)
}

// checkSyncedBeforeRename asserts that every rename comes after a step
// that put that temporary file's data on disk: its own fsync, or a syncfs
// of its file system (the events are recorded after the files were
// staged). failed lists the steps that were made to fail; they do not
// count.
func checkSyncedBeforeRename(t *testing.T, events []event, failed map[event]bool) {
	t.Helper()
	fsynced := map[string]bool{}
	syncedDev := map[uint64]bool{}
	renames := 0
	for i, e := range events {
		if failed[e] {
			continue
		}
		switch e.op {
		case "fsync":
			fsynced[e.path] = true
		case "syncfs":
			syncedDev[device(t, e.path)] = true
		case "check":
		case "rename":
			renames++
			if !fsynced[e.path] && !syncedDev[device(t, filepath.Dir(e.path))] {
				t.Errorf("step %d renames %s before its data was synced to disk; steps: %v", i, e.path, events)
			}
		default:
			t.Errorf("unknown step %q", e.op)
		}
	}
	if renames == 0 {
		t.Errorf("no rename recorded: %v", events)
	}
}

func TestWriteAtomicSyncsBeforeRename(t *testing.T) {
	events := recordSteps(t)
	p := filepath.Join(t.TempDir(), "app.yaml")
	if err := os.WriteFile(p, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(p, []byte("old\n"), []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "new\n" {
		t.Fatalf("content %q", data)
	}
	tmp := (*events)[0].path
	if len(*events) != 3 || (*events)[0].op != "fsync" || (*events)[1] != (event{"check", tmp}) || (*events)[2] != (event{"rename", tmp}) {
		t.Errorf("steps %v, want the temporary file's fsync, then the check of its target, then its rename", *events)
	}
	checkSyncedBeforeRename(t, *events, nil)
}

// TestBatchSyncsBeforeAnyRename: Commit flushes the file system (one
// syncfs) before the first rename of the group, for files in several
// folders, and every file is then complete.
func TestBatchSyncsBeforeAnyRename(t *testing.T) {
	events := recordSteps(t)
	root := t.TempDir()
	var paths []string
	for i := 0; i < 6; i++ {
		dir := filepath.Join(root, fmt.Sprintf("team-%d", i%2))
		os.MkdirAll(dir, 0o755)
		p := filepath.Join(dir, fmt.Sprintf("app-%d.yaml", i))
		if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	b := &Batch{}
	for i, p := range paths {
		if err := b.Stage(readFile(t, p), []byte(fmt.Sprintf("new %d\n", i))); err != nil {
			t.Fatal(err)
		}
	}
	if len(*events) != 0 {
		t.Fatalf("Stage already synced or renamed: %v", *events)
	}
	if errs := b.Commit(); len(errs) != 0 {
		t.Fatal(errs)
	}
	for i, p := range paths {
		if data, _ := os.ReadFile(p); string(data) != fmt.Sprintf("new %d\n", i) {
			t.Errorf("%s: %q", p, data)
		}
	}
	var syncs []event // every step but the checks before each rename
	for _, e := range *events {
		if e.op != "check" {
			syncs = append(syncs, e)
		}
	}
	firstRename := -1
	for i, e := range syncs {
		if e.op == "rename" && firstRename < 0 {
			firstRename = i
		}
		if e.op != "rename" && firstRename >= 0 {
			t.Errorf("a %s after the group's first rename: %v", e.op, *events)
		}
	}
	if firstRename < 0 || firstRename == 0 || len(syncs)-firstRename != len(paths) {
		t.Errorf("steps %v, want the syncs, then %d renames", *events, len(paths))
	}
	checkSyncedBeforeRename(t, *events, nil)
}

// TestBatchWithoutSyncfs: when syncfs fails, each file is fsynced on its
// own before its rename; a file whose fsync fails is not renamed (its
// original stays, no temporary file is left) and its error is returned.
func TestBatchWithoutSyncfs(t *testing.T) {
	events := recordSteps(t, "syncfs", "fsync:b.yaml")
	dir := t.TempDir()
	b := &Batch{}
	for _, name := range []string{"a.yaml", "b.yaml", "c.yaml"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := b.Stage(readFile(t, p), []byte("new\n")); err != nil {
			t.Fatal(err)
		}
	}
	errs := b.Commit()
	bad := filepath.Join(dir, "b.yaml")
	if len(errs) != 1 || errs[bad] == nil || !strings.Contains(errs[bad].Error(), "injected failure") {
		t.Errorf("errors %v, want one for b.yaml", errs)
	}
	for name, want := range map[string]string{"a.yaml": "new\n", "b.yaml": "old\n", "c.yaml": "new\n"} {
		if data, _ := os.ReadFile(filepath.Join(dir, name)); string(data) != want {
			t.Errorf("%s: %q, want %q", name, data, want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	failed := map[event]bool{}
	for _, e := range *events {
		if e.op == "syncfs" || e.op == "fsync" && strings.Contains(e.path, ".b.yaml.") {
			failed[e] = true
		}
		if e.op == "rename" && strings.Contains(e.path, ".b.yaml.") {
			t.Errorf("b.yaml was renamed although its fsync failed: %v", *events)
		}
	}
	checkSyncedBeforeRename(t, *events, failed)
}

// TestFailedRenameKeepsTheOriginal: a rename that fails leaves the
// original and no temporary file.
func TestFailedRenameKeepsTheOriginal(t *testing.T) {
	recordSteps(t, "rename")
	p := filepath.Join(t.TempDir(), "app.yaml")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(p, []byte("old\n"), []byte("new\n")); err == nil || !strings.Contains(err.Error(), "app.yaml: injected failure") {
		t.Errorf("err %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "old\n" {
		t.Errorf("content %q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// stageAll reads each file as the CLI does and stages data for it.
func stageAll(t *testing.T, b *Batch, data string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := b.Stage(readFile(t, p), []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
}

// noTemps fails when a temporary file is left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.oamfix-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestBatchKeepsEditsMadeAfterRead (issue item 1): a file edited after
// oamfix read it (in place, saved by an editor through a rename, given
// another mode, or edited at the last moment, as its rename is about to
// happen) keeps the edit; its fix is not written and Commit names it with
// a *ChangedError. Untouched files are written.
func TestBatchKeepsEditsMadeAfterRead(t *testing.T) {
	dir := t.TempDir()
	names := []string{"untouched.yaml", "in-place.yaml", "editor.yaml", "chmod.yaml", "last-moment.yaml", "same-size.yaml"}
	var paths []string
	for _, n := range names {
		paths = append(paths, writeTemp(t, dir, n, "a: 1\n", 0o644))
	}
	b := &Batch{}
	stageAll(t, b, "a: 2 # fixed\n", paths...)
	// A user's edits after the read, before the commit.
	if err := os.WriteFile(paths[1], []byte("a: 1 # edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := writeTemp(t, dir, "editor.yaml~", "a: 3\n", 0o644)
	if err := os.Rename(saved, paths[2]); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(paths[3], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[5], []byte("a: 9\n"), 0o644); err != nil { // same size
		t.Fatal(err)
	}
	// The last edit lands just before the check that precedes its rename.
	writeStep = func(op, path string) error {
		if op == "check" && strings.Contains(path, ".last-moment.yaml.") {
			return os.WriteFile(paths[4], []byte("a: 1 # edited late\n"), 0o644)
		}
		return nil
	}
	t.Cleanup(func() { writeStep = nil })
	errs := b.Commit()
	want := map[string]string{
		paths[0]: "a: 2 # fixed\n", paths[1]: "a: 1 # edited\n", paths[2]: "a: 3\n",
		paths[3]: "a: 1\n", paths[4]: "a: 1 # edited late\n", paths[5]: "a: 9\n",
	}
	for i, p := range paths {
		if data, _ := os.ReadFile(p); string(data) != want[p] {
			t.Errorf("%s: %q, want %q", names[i], data, want[p])
		}
		var ce *ChangedError
		if i == 0 {
			if errs[p] != nil {
				t.Errorf("%s: %v", names[i], errs[p])
			}
		} else if !errors.As(errs[p], &ce) || !strings.Contains(errs[p].Error(), names[i]+": changed on disk after oamfix read it") {
			t.Errorf("%s: error %v, want a *ChangedError naming it", names[i], errs[p])
		}
	}
	if info, _ := os.Stat(paths[3]); info.Mode().Perm() != 0o600 {
		t.Errorf("chmod.yaml: mode %v, want the user's 0600", info.Mode().Perm())
	}
	noTemps(t, dir)
}

// TestWriteAtomicChecksContent: WriteAtomic (the PR bot's write) writes
// only over the content it was given as old, even when the size is the
// same.
func TestWriteAtomicChecksContent(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, "app.yaml", "a: 9\n", 0o644)
	err := WriteAtomic(p, []byte("a: 1\n"), []byte("a: 2\n"))
	var ce *ChangedError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "its content differs") {
		t.Errorf("err %v, want a *ChangedError", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "a: 9\n" {
		t.Errorf("content %q", data)
	}
	noTemps(t, dir)
}

// TestCheckAndRenameHoldTheLock (issue item 2): between the check of a
// target and the rename over it, the target is locked, so a second run
// cannot pass its own check in between; the second run, committing after
// the first, finds the file changed and writes nothing.
func TestCheckAndRenameHoldTheLock(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, "app.yaml", "a: 1\n", 0o644)
	first, second := &Batch{}, &Batch{}
	stageAll(t, first, "a: 1\nb: 1 # first run\n", p)
	stageAll(t, second, "a: 1\nc: 1 # second run\n", p)
	locked := false
	writeStep = func(op, path string) error {
		if op == "rename" {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			locked = errors.Is(syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB), syscall.EWOULDBLOCK)
		}
		return nil
	}
	t.Cleanup(func() { writeStep = nil })
	if errs := first.Commit(); len(errs) != 0 {
		t.Fatal(errs)
	}
	if !locked {
		t.Error("the target was not locked between its check and the rename")
	}
	errs := second.Commit()
	var ce *ChangedError
	if !errors.As(errs[p], &ce) {
		t.Errorf("second run: %v, want a *ChangedError", errs)
	}
	if data, _ := os.ReadFile(p); string(data) != "a: 1\nb: 1 # first run\n" {
		t.Errorf("content %q, want the first run's fix", data)
	}
	noTemps(t, dir)
}

// TestBatchWritesALinkedFileOnce: a file staged through a symbolic link
// and through its own path is written once; when that write is refused,
// both paths get the error.
func TestBatchWritesALinkedFileOnce(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, "app.yaml", "a: 1\n", 0o644)
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink("app.yaml", link); err != nil {
		t.Fatal(err)
	}
	events := recordSteps(t)
	b := &Batch{}
	stageAll(t, b, "a: 2\n", p, link)
	if errs := b.Commit(); len(errs) != 0 {
		t.Fatal(errs)
	}
	renames := 0
	for _, e := range *events {
		if e.op == "rename" {
			renames++
		}
	}
	if data, _ := os.ReadFile(p); string(data) != "a: 2\n" || renames != 1 {
		t.Errorf("content %q after %d renames, want one", data, renames)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Error("the link is no longer a link")
	}

	stageAll(t, b, "a: 3\n", p, link)
	os.WriteFile(p, []byte("a: 4\n"), 0o644)
	errs := b.Commit()
	if errs[p] == nil || errs[link] == nil || !strings.Contains(errs[link].Error(), "link.yaml (the same file as") {
		t.Errorf("errors %v, want one for each path", errs)
	}
	noTemps(t, dir)
}

// writeTemp writes a file in dir with the given mode and returns its path.
func writeTemp(t *testing.T, dir, name, data string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return p
}

// TestWriteKeepsSpecialModeBits (issue item 4): setuid, setgid and sticky
// survive the replacement, with the owner.
func TestWriteKeepsSpecialModeBits(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range []os.FileMode{0o644 | os.ModeSetuid, 0o664 | os.ModeSetgid, 0o644 | os.ModeSticky, 0o755 | os.ModeSetuid | os.ModeSetgid} {
		p := writeTemp(t, dir, "app.yaml", "a: 1\n", mode)
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		before, _ := os.Stat(p)
		if err := WriteAtomic(p, []byte("a: 1\n"), []byte("a: 2\n")); err != nil {
			t.Fatalf("mode %v: %v", mode, err)
		}
		after, _ := os.Stat(p)
		if after.Mode() != before.Mode() {
			t.Errorf("mode %v became %v", before.Mode(), after.Mode())
		}
		st0, st1 := before.Sys().(*syscall.Stat_t), after.Sys().(*syscall.Stat_t)
		if st0.Uid != st1.Uid || st0.Gid != st1.Gid {
			t.Errorf("owner %d:%d became %d:%d", st0.Uid, st0.Gid, st1.Uid, st1.Gid)
		}
		os.Remove(p)
	}
	noTemps(t, dir)
}

// asUserEnv names the folder a re-run of the test binary works in as an
// unprivileged user (see TestWriteRefusesWhatItCannotKeep).
const asUserEnv = "OAMFIX_KIO_TEST_AS_USER"

// nobody is the unprivileged user the test runs its child as.
const nobody = 65534

// TestWriteRefusesWhatItCannotKeep (issue item 4): in a folder the user
// may write, a file the user cannot write is refused (by access(2), not by
// its mode bits), and so is a file whose owner or group the replacement
// could not keep; nothing is written or left behind. Run as root, the
// test re-runs itself as user nobody on root's files; otherwise it checks
// the user's own file whose mode denies its owner writing (mode bits that
// allow others to write would have let the old check pass).
func TestWriteRefusesWhatItCannotKeep(t *testing.T) {
	if dir := os.Getenv(asUserEnv); dir != "" {
		refusals(t, dir)
		return
	}
	if os.Geteuid() != 0 {
		dir := t.TempDir()
		p := writeTemp(t, dir, "app.yaml", "a: 1\n", 0o464) // group may write, the owner not
		if err := WriteAtomic(p, []byte("a: 1\n"), []byte("a: 2\n")); err == nil || !strings.Contains(err.Error(), "not writable by this user") {
			t.Errorf("err %v, want not writable", err)
		}
		noTemps(t, dir)
		testenv.Skip(t, "not root: cannot make files another user owns; checked only the user's own unwritable file")
	}
	dir, err := os.MkdirTemp("", "oamfix-kio-owner-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The test binary, where nobody may run it.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := writeTemp(t, dir, "kio.test", string(data), 0o755)
	files := filepath.Join(dir, "files")
	if err := os.Mkdir(files, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name     string
		uid, gid int
		mode     os.FileMode
	}{
		{"root-0644.yaml", 0, 0, 0o644},              // not writable by nobody
		{"root-0666.yaml", 0, 0, 0o666},              // writable, but the owner cannot be kept
		{"nobody-group-root.yaml", nobody, 0, 0o664}, // nobody's, but the group cannot be kept
		{"nobody-setuid.yaml", nobody, nobody, 0o644 | os.ModeSetuid},
	} {
		p := writeTemp(t, files, f.name, "a: 1\n", f.mode)
		if err := os.Chown(p, f.uid, f.gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, f.mode); err != nil { // chown dropped setuid
			t.Fatal(err)
		}
	}
	if err := os.Chown(files, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	before := statAll(t, files)
	cmd := exec.Command(bin, "-test.run=^TestWriteRefusesWhatItCannotKeep$", "-test.v")
	cmd.Env = append(os.Environ(), asUserEnv+"="+files)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as user nobody: %v\n%s", err, out)
	}
	t.Logf("as user nobody:\n%s", out)
	after := statAll(t, files)
	for name, b := range before {
		if name == "nobody-setuid.yaml" {
			continue // written by the child, which checked it
		}
		if a := after[name]; a != b {
			t.Errorf("%s changed: %s, was %s", name, a, b)
		}
	}
	noTemps(t, files)
}

// refusals is the part of TestWriteRefusesWhatItCannotKeep that runs as
// user nobody in dir.
func refusals(t *testing.T, dir string) {
	for name, want := range map[string]string{
		"root-0644.yaml":         "not writable by this user",
		"root-0666.yaml":         "cannot keep its owner (uid 0, gid 0)",
		"nobody-group-root.yaml": "cannot keep its owner (uid 65534, gid 0)",
	} {
		err := WriteAtomic(filepath.Join(dir, name), []byte("a: 1\n"), []byte("a: 2\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", name, err, want)
		}
	}
	p := filepath.Join(dir, "nobody-setuid.yaml")
	if err := WriteAtomic(p, []byte("a: 1\n"), []byte("a: 2\n")); err != nil {
		t.Errorf("nobody-setuid.yaml: %v", err)
	}
	if info, err := os.Stat(p); err != nil || info.Mode() != 0o644|os.ModeSetuid {
		t.Errorf("nobody-setuid.yaml: mode %v (%v), want setuid kept", info.Mode(), err)
	}
}

// statAll describes every file in dir: content, mode and owner.
func statAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		st := info.Sys().(*syscall.Stat_t)
		out[e.Name()] = fmt.Sprintf("%q %v %d:%d", data, info.Mode(), st.Uid, st.Gid)
	}
	return out
}

// TestBatchWithin (issue item 6): a confined batch writes a file reached
// through a link only when the link's target lies inside one of its
// paths; a link out of them, or a linked folder leading out, is refused
// with an *OutsideError and the file outside is untouched.
func TestBatchWithin(t *testing.T) {
	root := t.TempDir()
	tree, outside := filepath.Join(root, "tree"), filepath.Join(root, "outside")
	for _, d := range []string{tree, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inside := writeTemp(t, tree, "app.yaml", "a: 1\n", 0o644)
	target := writeTemp(t, outside, "shared.yaml", "a: 1\n", 0o644)
	links := map[string]string{
		"link-in.yaml":  "app.yaml",
		"link-out.yaml": target,
		"folder":        outside,
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(tree, name)); err != nil {
			t.Fatal(err)
		}
	}
	b := &Batch{Within: []string{tree}}
	if err := b.Stage(readFile(t, filepath.Join(tree, "link-in.yaml")), []byte("a: 2\n")); err != nil {
		t.Errorf("a link inside the tree: %v", err)
	}
	for _, p := range []string{filepath.Join(tree, "link-out.yaml"), filepath.Join(tree, "folder", "shared.yaml")} {
		err := b.Stage(readFile(t, p), []byte("a: 2\n"))
		var oe *OutsideError
		if !errors.As(err, &oe) || oe.Real != target || !strings.Contains(err.Error(), "--follow-symlinks") {
			t.Errorf("%s: err %v, want an *OutsideError", p, err)
		}
	}
	if errs := b.Commit(); len(errs) != 0 {
		t.Fatal(errs)
	}
	if data, _ := os.ReadFile(inside); string(data) != "a: 2\n" {
		t.Errorf("app.yaml: %q", data)
	}
	if data, _ := os.ReadFile(target); string(data) != "a: 1\n" {
		t.Errorf("the file outside was written: %q", data)
	}
	// A file named on its own is within itself, wherever its link leads;
	// without confinement, the link is followed.
	for _, b := range []*Batch{{Within: []string{filepath.Join(tree, "link-out.yaml")}}, {}} {
		if err := b.Stage(readFile(t, filepath.Join(tree, "link-out.yaml")), []byte("a: 3\n")); err != nil {
			t.Errorf("within %v: %v", b.Within, err)
		}
		b.Commit()
	}
	if data, _ := os.ReadFile(target); string(data) != "a: 3\n" {
		t.Errorf("shared.yaml: %q", data)
	}
	noTemps(t, tree)
	noTemps(t, outside)
}

// TestBatchAbort (issue item 11): Abort removes every temporary file at
// once, also in the middle of a Commit; what was renamed stays written,
// the rest stays as it was and gets ErrInterrupted, and nothing is staged
// after it.
func TestBatchAbort(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, n := range []string{"a.yaml", "b.yaml", "c.yaml"} {
		paths = append(paths, writeTemp(t, dir, n, "a: 1\n", 0o644))
	}
	b := &Batch{}
	stageAll(t, b, "a: 2\n", paths...)
	writeStep = func(op, path string) error {
		if op == "check" && strings.Contains(path, ".b.yaml.") {
			b.Abort() // a signal while b.yaml is about to be renamed
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.oamfix-*")); len(left) != 0 {
				t.Errorf("temporary files left right after Abort: %v", left)
			}
		}
		return nil
	}
	t.Cleanup(func() { writeStep = nil })
	errs := b.Commit()
	for i, p := range paths {
		data, _ := os.ReadFile(p)
		switch {
		case i == 0 && (errs[p] != nil || string(data) != "a: 2\n"):
			t.Errorf("a.yaml, renamed before the abort: %q, %v", data, errs[p])
		case i > 0 && (!errors.Is(errs[p], ErrInterrupted) || string(data) != "a: 1\n"):
			t.Errorf("%s: %q, %v; want it as it was and ErrInterrupted", p, data, errs[p])
		}
	}
	if err := b.Stage(readFile(t, paths[2]), []byte("a: 3\n")); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Stage after Abort: %v", err)
	}
	noTemps(t, dir)
}

// TestWhatAReplacementDoesNotKeep shows the limits the README states: a
// replacement is a new file renamed over the old one, so another hard
// link to the old file keeps the old content, extended attributes (and
// the ACLs stored in them) are not copied, and a write that lands after
// the last check, in the moment before the rename, is lost.
func TestWhatAReplacementDoesNotKeep(t *testing.T) {
	dir := t.TempDir()
	p := writeTemp(t, dir, "app.yaml", "a: 1\n", 0o644)
	other := filepath.Join(dir, "hard-link.yaml")
	if err := os.Link(p, other); err != nil {
		t.Fatal(err)
	}
	xattr := unix.Setxattr(p, "user.oamfix-test", []byte("kept?"), 0)
	if err := WriteAtomic(p, []byte("a: 1\n"), []byte("a: 2\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(other); string(data) != "a: 1\n" {
		t.Errorf("the other hard link reads %q", data)
	}
	if xattr == nil {
		if _, err := unix.Getxattr(p, "user.oamfix-test", make([]byte, 16)); err == nil {
			t.Error("the extended attribute was kept; the README says it is not")
		}
	} else {
		t.Logf("no user extended attributes here (%v): that part is not shown", xattr)
	}
	writeStep = func(op, path string) error {
		if op == "rename" {
			return os.WriteFile(p, []byte("a: 2\nedited: too late\n"), 0o644)
		}
		return nil
	}
	t.Cleanup(func() { writeStep = nil })
	if err := WriteAtomic(p, []byte("a: 2\n"), []byte("a: 3\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "a: 3\n" {
		t.Errorf("content %q", data)
	}
}
