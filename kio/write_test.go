package kio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
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
	if err := WriteAtomic(p, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "new\n" {
		t.Fatalf("content %q", data)
	}
	if len(*events) != 2 || (*events)[0].op != "fsync" || (*events)[1] != (event{"rename", (*events)[0].path}) {
		t.Errorf("steps %v, want the temporary file's fsync, then its rename", *events)
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
		if err := b.Stage(p, []byte(fmt.Sprintf("new %d\n", i))); err != nil {
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
	firstRename := -1
	for i, e := range *events {
		if e.op == "rename" && firstRename < 0 {
			firstRename = i
		}
		if e.op != "rename" && firstRename >= 0 {
			t.Errorf("a %s after the group's first rename: %v", e.op, *events)
		}
	}
	if firstRename < 0 || firstRename == 0 || len(*events)-firstRename != len(paths) {
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
		if err := b.Stage(p, []byte("new\n")); err != nil {
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
	if err := WriteAtomic(p, []byte("new\n")); err == nil || !strings.Contains(err.Error(), "app.yaml: injected failure") {
		t.Errorf("err %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "old\n" {
		t.Errorf("content %q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
