package kio

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ErrInterrupted is the error of a write abandoned by Batch.Abort: the file
// was left as it was.
var ErrInterrupted = errors.New("interrupted: not written, the file is as it was")

// ChangedError reports a file that changed on disk after it was read: the
// fix, made to the old content, is not written over the new one.
type ChangedError struct {
	Path string
	// What says what differs ("its content", "it was replaced", ...).
	What string
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s: changed on disk after oamfix read it (%s); the fix was not written: run oamfix again", e.Path, e.What)
}

// OutsideError reports a file whose real location (every symbolic link
// resolved) lies outside the folders a Batch may write to.
type OutsideError struct {
	Path, Real string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s: not writing it: a symbolic link leads to %s, outside the paths given (--follow-symlinks writes it)", e.Path, e.Real)
}

// fileID identifies a file's state on disk: which file it is (device and
// inode), its size and its last modification and status change times.
type fileID struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // nanoseconds since the epoch
}

// idOf reads the identity from a stat result.
func idOf(st *unix.Stat_t) fileID {
	return fileID{
		dev: uint64(st.Dev), ino: st.Ino, size: st.Size,
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
	}
}

// differs says how the file now on disk (now) differs from the one read
// (was), or "" when it is the same file, unchanged as far as stat tells.
func (was fileID) differs(now fileID) string {
	switch {
	case was.dev != now.dev || was.ino != now.ino:
		return "it was replaced by another file"
	case was.size != now.size:
		return fmt.Sprintf("its size went from %d to %d bytes", was.size, now.size)
	case was.mtime != now.mtime:
		return "it was modified"
	case was.ctime != now.ctime:
		return "its mode, owner or links changed"
	}
	return ""
}

// expect is what a file must still be, on disk, for new content made from
// it to replace it: the content (its SHA-256 and size) and, when the file
// was read from disk by ReadFile, its identity at that moment.
type expect struct {
	sum  [sha256.Size]byte
	size int64
	id   *fileID
}

// expectContent expects exactly data, wherever it came from.
func expectContent(data []byte) expect {
	return expect{sum: sha256.Sum256(data), size: int64(len(data))}
}

// WriteAtomic replaces the file at path, which must still hold old, with
// data, so that a reader (or a crash) sees either the old or the new
// content, never a mix: it writes a temporary file in the same directory,
// syncs it to disk, gives it the original owner and mode (refusing when
// it cannot) and renames it over the target once it has checked, under a
// lock other oamfix runs respect, that the target still holds old. A
// symlink is followed and its target replaced; the link stays a link.
func WriteAtomic(path string, old, data []byte) error {
	target, err := realPath(path)
	if err != nil {
		return err
	}
	s, err := stage(nil, path, target, expectContent(old), data)
	if err != nil {
		return err
	}
	if err := s.syncFile(); err != nil {
		return err
	}
	return s.replace()
}

// realPath resolves every symbolic link of path into an absolute path.
func realPath(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	return real, nil
}

// staged is a temporary file written beside its target, not yet renamed.
type staged struct {
	path        string // the path it was staged for
	target, tmp string
	dev         uint64
	exp         expect
	newSum      [sha256.Size]byte
	// uid, gid and mode are the owner and mode given to the temporary file,
	// the target's when it was staged.
	uid, gid uint32
	mode     uint32
	// leader, for a file staged again through another path (a link to
	// the same target), is the first staging, whose result it shares; it
	// has no temporary file of its own.
	leader *staged
	// err is the result of Commit, once it handled this staging.
	err error
}

// stage writes data to a temporary file beside path's target (its real,
// absolute path) with the target's owner and mode. b (nil for
// WriteAtomic) confines and tracks the write. It refuses a target that is
// outside b's folders, that changed since it was read, that is read-only
// or not writable by this process, and one whose owner or mode (setuid,
// setgid and sticky included) the new file cannot keep.
func stage(b *Batch, path, target string, exp expect, data []byte) (*staged, error) {
	if b != nil && !b.allowed(target) {
		return nil, &OutsideError{Path: path, Real: target}
	}
	var st unix.Stat_t
	if err := unix.Lstat(target, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("%s: not a regular file; not writing", path)
	}
	if exp.id != nil {
		if what := exp.id.differs(idOf(&st)); what != "" {
			return nil, &ChangedError{Path: path, What: what}
		}
	}
	perm := st.Mode & 0o7777
	if perm&0o222 == 0 {
		return nil, fmt.Errorf("%s: file is read-only (mode %04o); not writing", path, perm)
	}
	if err := unix.Faccessat(unix.AT_FDCWD, target, unix.W_OK, unix.AT_EACCESS); err != nil {
		return nil, fmt.Errorf("%s: not writable by this user (uid %d; the file is owned by uid %d, gid %d, mode %04o): %w; not writing", path, os.Geteuid(), st.Uid, st.Gid, perm, err)
	}
	dir, base := filepath.Dir(target), filepath.Base(target)
	var tmp *os.File
	var err error
	if b != nil {
		tmp, err = b.createTemp(dir, base)
	} else {
		tmp, err = os.CreateTemp(dir, "."+base+".oamfix-*")
	}
	if err != nil {
		if errors.Is(err, ErrInterrupted) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("%s: cannot create a temporary file next to it: %w", path, err)
	}
	s := &staged{path: path, target: target, tmp: tmp.Name(), dev: st.Dev, exp: exp,
		newSum: sha256.Sum256(data), uid: st.Uid, gid: st.Gid, mode: perm}
	fail := func(err error) (*staged, error) {
		tmp.Close()
		s.remove(b)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := keepOwnerAndMode(tmp, &st); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		s.remove(b)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// keepOwnerAndMode gives the temporary file the owner and the whole mode
// (setuid, setgid and sticky included) of the file it replaces, then
// checks that it got them: the owner changes only for root, the group
// only to one of the user's groups, and the kernel drops setgid on a file
// of a group the user is not in. Anything it could not keep is an error.
func keepOwnerAndMode(tmp *os.File, orig *unix.Stat_t) error {
	fd := int(tmp.Fd())
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Uid != orig.Uid || st.Gid != orig.Gid {
		// Before the chmod: a chown clears setuid and setgid.
		if err := unix.Fchown(fd, int(orig.Uid), int(orig.Gid)); err != nil {
			return fmt.Errorf("cannot keep its owner (uid %d, gid %d) on the new file (%w); not writing", orig.Uid, orig.Gid, err)
		}
	}
	perm := orig.Mode & 0o7777
	if err := unix.Fchmod(fd, perm); err != nil {
		return fmt.Errorf("cannot keep its mode %04o on the new file (%w); not writing", perm, err)
	}
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Uid != orig.Uid || st.Gid != orig.Gid {
		return fmt.Errorf("cannot keep its owner (uid %d, gid %d; the new file got uid %d, gid %d); not writing", orig.Uid, orig.Gid, st.Uid, st.Gid)
	}
	if got := st.Mode & 0o7777; got != perm {
		return fmt.Errorf("cannot keep its mode %04o (the new file got %04o: setuid, setgid or sticky was dropped); not writing", perm, got)
	}
	return nil
}

// remove deletes the temporary file (and forgets it in b).
func (s *staged) remove(b *Batch) {
	os.Remove(s.tmp)
	if b != nil {
		b.forget(s.tmp)
	}
}

// writeStep is a test seam and nil in production: when set, it is called
// just before each step that makes a write durable or visible, in the
// order the steps happen, with op "fsync" (path: the temporary file),
// "syncfs" (path: a folder on the file system flushed), "check" (path:
// the temporary file, whose target is about to be locked and compared
// with what was read) or "rename" (path: the temporary file, renamed over
// its target; the target is locked and was found unchanged). An error it
// returns makes that step fail as if the system call had. Tests use it to
// check that data reaches the disk before any rename, the fallbacks, and
// to pause a run between staging and renaming.
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

// lockWait bounds how long replace waits for another process's lock on a
// target before giving up on that file.
const lockWait = 30 * time.Second

// replace renames the temporary file over its target, provided the target
// is still the file that was read: it opens and locks the target (an
// exclusive flock, which concurrent oamfix runs take too, so that two
// runs never both pass the check before either renames), compares it with
// what was read (identity, size, times when known, owner, mode, content)
// and renames while holding the lock. A target that changed keeps its
// content and the temporary file is removed.
func (s *staged) replace() error {
	err := step("check", s.tmp)
	if err == nil {
		err = s.checkAndRename()
	}
	if err != nil {
		os.Remove(s.tmp)
		var ce *ChangedError
		if errors.As(err, &ce) {
			return err
		}
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return nil
}

// checkAndRename locks the target, checks it and renames over it.
func (s *staged) checkAndRename() error {
	f, err := os.OpenFile(s.target, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ELOOP) {
			return &ChangedError{Path: s.path, What: "it was removed or replaced by a link"}
		}
		return unwrapPathError(err)
	}
	defer f.Close() // releases the lock, after the rename
	if err := lock(f); err != nil {
		return err
	}
	var fst, pst unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &fst); err != nil {
		return err
	}
	if err := unix.Lstat(s.target, &pst); err != nil || pst.Dev != fst.Dev || pst.Ino != fst.Ino {
		// Replaced while this run waited for the lock.
		return &ChangedError{Path: s.path, What: "it was replaced by another file"}
	}
	now := idOf(&fst)
	what := ""
	switch {
	case s.exp.id != nil:
		what = s.exp.id.differs(now)
	case now.size != s.exp.size:
		what = fmt.Sprintf("its size went from %d to %d bytes", s.exp.size, now.size)
	}
	if what == "" && (fst.Uid != s.uid || fst.Gid != s.gid || fst.Mode&0o7777 != s.mode) {
		what = "its mode or owner changed"
	}
	if what == "" {
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		if [sha256.Size]byte(h.Sum(nil)) != s.exp.sum {
			what = "its content differs"
		}
	}
	if what != "" {
		return &ChangedError{Path: s.path, What: what}
	}
	if err := step("rename", s.tmp); err != nil {
		return err
	}
	return os.Rename(s.tmp, s.target)
}

// lock takes an exclusive flock on f, waiting up to lockWait for another
// holder. File systems without flock support are written unlocked.
func lock(f *os.File) error {
	deadline := time.Now().Add(lockWait)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case !errors.Is(err, unix.EWOULDBLOCK):
			return nil // no locking here (ENOLCK, EOPNOTSUPP, EINVAL)
		case time.Now().After(deadline):
			return fmt.Errorf("locked by another process (another oamfix run?) for over %v", lockWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Batch writes many files atomically with one disk sync per batch instead
// of one per file. Stage writes each file to a temporary file beside it;
// Commit flushes every staged file to disk (one syncfs per file system)
// and only then renames each over its target, when the target is still
// what was read (see WriteAtomic). A crash at any point leaves every file
// either original or complete: renames happen only after the data is on
// disk. Abort abandons the batch and removes its temporary files. Stage
// and Abort are safe for concurrent use; one Commit runs at a time.
type Batch struct {
	// Within, when not nil, confines the batch to these files and
	// folders: a file whose real location (every symbolic link resolved)
	// is not one of them or inside one is refused with an *OutsideError.
	Within []string

	mu      sync.Mutex
	pending []*staged
	// targets maps each target staged so far to its staging, so that a
	// file reached twice (a link and its target) is written once.
	targets map[string]*staged
	// temps are the temporary files that exist now.
	temps   map[string]bool
	roots   []string // Within, resolved
	rooted  bool
	aborted atomic.Bool
}

// allowed reports whether target (a real, absolute path) is within b's
// confinement.
func (b *Batch) allowed(target string) bool {
	if b.Within == nil {
		return true
	}
	b.mu.Lock()
	if !b.rooted {
		b.rooted = true
		for _, p := range b.Within {
			if real, err := realPath(p); err == nil {
				b.roots = append(b.roots, real)
			}
		}
	}
	roots := b.roots
	b.mu.Unlock()
	for _, r := range roots {
		if within(target, r) {
			return true
		}
	}
	return false
}

// within reports whether the real path real is root (a real path) or lies
// inside it.
func within(real, root string) bool {
	sep := string(filepath.Separator)
	return real == root || strings.HasPrefix(real, strings.TrimSuffix(root, sep)+sep)
}

// Inside resolves every symbolic link of path and of root and reports
// whether path's real location is root's or lies inside it; it returns
// path's real location.
func Inside(root, path string) (string, bool, error) {
	r, err := realPath(root)
	if err != nil {
		return "", false, err
	}
	p, err := realPath(path)
	if err != nil {
		return "", false, err
	}
	return p, within(p, r), nil
}

// createTemp creates and records a temporary file beside base in dir,
// unless the batch was aborted. Holding the lock while creating means
// Abort never misses a file being created.
func (b *Batch) createTemp(dir, base string) (*os.File, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.aborted.Load() {
		return nil, ErrInterrupted
	}
	tmp, err := os.CreateTemp(dir, "."+base+".oamfix-*")
	if err != nil {
		return nil, err
	}
	if b.temps == nil {
		b.temps = map[string]bool{}
	}
	b.temps[tmp.Name()] = true
	return tmp, nil
}

// forget drops a temporary file that no longer exists from the record.
func (b *Batch) forget(tmp string) {
	b.mu.Lock()
	delete(b.temps, tmp)
	b.mu.Unlock()
}

// Stage writes data, the fixed version of f, to a temporary file beside
// f.Path (nothing is visible yet). At Commit the file must still be what
// f was read from, else it is not written. A file staged again through
// another path (a symbolic link to it) with the same content is written
// once: the second staging shares the first one's result.
func (b *Batch) Stage(f *File, data []byte) error {
	exp := expectContent(f.Orig)
	exp.id = f.disk
	target, err := realPath(f.Path)
	if err != nil {
		return err
	}
	b.mu.Lock()
	if first := b.targets[target]; first != nil && first.exp.sum == exp.sum && first.newSum == sha256.Sum256(data) {
		// Committed in staging order: first is settled before this one.
		b.pending = append(b.pending, &staged{path: f.Path, target: target, leader: first})
		b.mu.Unlock()
		return nil
	}
	b.mu.Unlock()
	s, err := stage(b, f.Path, target, exp, data)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.aborted.Load() {
		os.Remove(s.tmp)
		delete(b.temps, s.tmp)
		return fmt.Errorf("%s: %w", f.Path, ErrInterrupted)
	}
	if b.targets == nil {
		b.targets = map[string]*staged{}
	}
	b.targets[target] = s
	b.pending = append(b.pending, s)
	return nil
}

// Abort abandons the batch: every temporary file is removed now, what is
// staged is never renamed, and Stage and Commit write nothing more (their
// files get ErrInterrupted). A rename under way completes. Safe to call
// from any goroutine, more than once.
func (b *Batch) Abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.aborted.Store(true)
	for tmp := range b.temps {
		os.Remove(tmp)
	}
	clear(b.temps)
}

// Aborted reports whether Abort was called.
func (b *Batch) Aborted() bool { return b.aborted.Load() }

// Commit syncs and renames every file staged so far, in staging order. It
// returns the errors by path (every path a file was staged for); a path
// not in the map was written.
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
		if synced[s.dev] || b.aborted.Load() {
			continue
		}
		if syncFS(filepath.Dir(s.tmp)) == nil {
			synced[s.dev] = true
		}
	}
	for _, s := range pending {
		switch {
		case s.leader == nil:
			s.err = b.commitOne(s, synced[s.dev])
			b.forget(s.tmp)
		case s.leader.err != nil:
			s.err = fmt.Errorf("%s (the same file as %s): %w", s.path, s.leader.path, s.leader.err)
		}
		if s.err != nil {
			errs[s.path] = s.err
		}
	}
	return errs
}

// commitOne syncs (unless its file system was) and replaces one file.
func (b *Batch) commitOne(s *staged, synced bool) error {
	if b.aborted.Load() {
		os.Remove(s.tmp)
		return fmt.Errorf("%s: %w", s.path, ErrInterrupted)
	}
	if !synced {
		// No syncfs here: sync this file on its own.
		if err := s.syncFile(); err != nil {
			return err
		}
	}
	err := s.replace()
	if err != nil && b.aborted.Load() {
		// Abort removed the temporary file under the rename.
		return fmt.Errorf("%s: %w", s.path, ErrInterrupted)
	}
	return err
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
