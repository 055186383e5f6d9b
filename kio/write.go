package kio

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// WriteAtomic replaces the file at path with data so that a reader (or a
// crash) sees either the old or the new content, never a mix: it writes a
// temporary file in the same directory, syncs its data to disk, gives it
// the original mode and owner, and renames it over the target. A symlink is
// followed and its target replaced; the link itself stays a link.
func WriteAtomic(path string, data []byte) error {
	s, err := stage(path, data)
	if err != nil {
		return err
	}
	if err := s.syncFile(); err != nil {
		return err
	}
	return s.rename()
}

// staged is a temporary file written beside its target, not yet renamed.
type staged struct {
	path, target, tmp string
	dev               uint64
}

// stage writes data to a temporary file beside path's target with the
// target's mode and owner. Read-only targets are refused.
func stage(path string, data []byte) (*staged, error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if info.Mode().Perm()&0o222 == 0 {
		return nil, fmt.Errorf("%s: file is read-only (mode %04o); not writing", path, info.Mode().Perm())
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".oamfix-*")
	if err != nil {
		return nil, fmt.Errorf("%s: cannot create a temporary file next to it: %w", path, err)
	}
	s := &staged{path: path, target: target, tmp: tmp.Name()}
	fail := func(err error) (*staged, error) {
		tmp.Close()
		os.Remove(s.tmp)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return fail(err)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		// Keeping the owner only works for root or the owner itself; a
		// failure leaves the new file owned by the current user.
		_ = tmp.Chown(int(st.Uid), int(st.Gid))
		s.dev = uint64(st.Dev)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(s.tmp)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// writeStep is a test seam and nil in production: when set, it is called
// just before each step that makes a write durable or visible, in the
// order the steps happen, with op "fsync" (path: the temporary file),
// "syncfs" (path: a folder on the file system flushed) or "rename" (path:
// the temporary file, renamed over its target). An error it returns makes
// that step fail as if the system call had. Tests use it to check that
// data reaches the disk before any rename, and the fallbacks.
var writeStep func(op, path string) error

// step runs the writeStep seam, if any.
func step(op, path string) error {
	if writeStep == nil {
		return nil
	}
	return writeStep(op, path)
}

// syncFile flushes the temporary file's data to disk.
func (s *staged) syncFile() error {
	f, err := os.Open(s.tmp)
	if err == nil {
		if err = step("fsync", s.tmp); err == nil {
			err = f.Sync()
		}
		f.Close()
	}
	if err != nil {
		os.Remove(s.tmp)
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return nil
}

// rename moves the temporary file over its target.
func (s *staged) rename() error {
	err := step("rename", s.tmp)
	if err == nil {
		err = os.Rename(s.tmp, s.target)
	}
	if err != nil {
		os.Remove(s.tmp)
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return nil
}

// Batch writes many files atomically with one disk sync per batch instead
// of one per file. Stage writes each file to a temporary file beside it;
// Commit flushes every staged file to disk (one syncfs per file system)
// and only then renames each over its target. A crash at any point leaves
// every file either original or complete: renames happen only after the
// data is on disk. Safe for concurrent use.
type Batch struct {
	mu      sync.Mutex
	pending []*staged
}

// Stage writes data for path to a temporary file (nothing is visible yet).
func (b *Batch) Stage(path string, data []byte) error {
	s, err := stage(path, data)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = append(b.pending, s)
	b.mu.Unlock()
	return nil
}

// Commit syncs and renames every file staged so far, in staging order. It
// returns the errors by path; a path not in the map was written.
func (b *Batch) Commit() map[string]error {
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	errs := map[string]error{}
	if len(pending) == 0 {
		return errs
	}
	synced := map[uint64]bool{}
	for _, s := range pending {
		if synced[s.dev] {
			continue
		}
		if syncFS(filepath.Dir(s.tmp)) == nil {
			synced[s.dev] = true
		}
	}
	for _, s := range pending {
		if !synced[s.dev] {
			// No syncfs here: sync this file on its own.
			if err := s.syncFile(); err != nil {
				errs[s.path] = err
				continue
			}
		}
		if err := s.rename(); err != nil {
			errs[s.path] = err
		}
	}
	return errs
}

// syncFS flushes the whole file system holding dir to disk.
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := step("syncfs", dir); err != nil {
		return err
	}
	return unix.Syncfs(int(d.Fd()))
}
