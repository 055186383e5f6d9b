package kio

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// WriteAtomic replaces the file at path with data so that a reader (or a
// crash) sees either the old or the new content, never a mix: it writes a
// temporary file in the same directory, syncs it, gives it the original
// mode and owner, and renames it over the target. A symlink is followed and
// its target replaced; the link itself stays a link.
func WriteAtomic(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if info.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("%s: file is read-only (mode %04o); not writing", path, info.Mode().Perm())
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".oamfix-*")
	if err != nil {
		return fmt.Errorf("%s: cannot create a temporary file next to it: %w", path, err)
	}
	tmpName := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmpName)
		return fmt.Errorf("%s: %w", path, err)
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
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmpName, target); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("%s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
