package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// CI reports whether the tests run in continuous integration: the CI
// environment variable is set to anything but the empty string (GitHub
// Actions, GitLab CI and most others set CI=true). There, every input and
// tool a test needs must be present: a missing one is a failure.
func CI() bool { return os.Getenv("CI") != "" }

// Missing stops a test that cannot run because an input (the shared
// corpus, say) or a tool (kustomize, npm, git) is absent. Under CI it
// fails the test: CI must run everything. Elsewhere it skips the test and
// also prints the reason where plain `go test ./...` shows it (see Skip).
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatalf("%s (CI is set: a missing input or tool is a failure, not a skip)", msg)
	}
	notice(t, msg)
	t.Skip(msg)
}

// Skip skips a test on purpose (-short, an opt-in benchmark) and says so
// in the default output too, not only under -v.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	notice(t, msg)
	t.Skip(msg)
}

// notice prints "SKIP TestName (file:line): msg" where a developer sees it.
// In package list mode (go test ./...) the go command discards everything
// a passing test binary prints, its stderr included, so the line goes to
// the go command's own standard error when that is a terminal or a pipe
// (on Linux, through /proc/PPID/fd/2). Otherwise (another OS, a -exec
// wrapper, a go command writing to a file, which a second writer would
// overwrite) it goes to the test binary's stderr, which go test shows in
// local directory mode and with -v. Under -v the skip message already
// shows, so nothing more is printed.
func notice(t testing.TB, msg string) {
	t.Helper()
	if testing.Verbose() {
		return
	}
	where := ""
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.File, "_test.go") {
			where = fmt.Sprintf(" (%s:%d)", relToModule(f.File), f.Line)
			break
		}
		if !more {
			break
		}
	}
	noticeOnce.Do(openNoticeWriter)
	noticeMu.Lock()
	defer noticeMu.Unlock()
	fmt.Fprintf(noticeOut, "SKIP %s%s: %s\n", t.Name(), where, msg)
}

var (
	noticeOnce sync.Once
	noticeMu   sync.Mutex
	noticeOut  *os.File
)

// openNoticeWriter picks where notices go (see notice).
func openNoticeWriter() {
	noticeOut = os.Stderr
	if runtime.GOOS != "linux" {
		return
	}
	ppid := os.Getppid()
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
	if err != nil || strings.TrimSpace(string(comm)) != "go" {
		return
	}
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/2", ppid), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	if info, err := f.Stat(); err != nil || info.Mode().IsRegular() {
		f.Close()
		return
	}
	noticeOut = f
}

// relToModule shortens a source path to its path in the module.
func relToModule(file string) string {
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if rel, err := filepath.Rel(dir, file); err == nil {
				return filepath.ToSlash(rel)
			}
			return file
		}
		if filepath.Dir(dir) == dir {
			return filepath.Base(file)
		}
	}
}
