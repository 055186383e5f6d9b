package testenv

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errors  []string
	fatal   bool
	skipped string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Name() string { return "TestSomething" }

// run calls f with the recorder on a goroutine of its own, as Fatalf and
// Skip end the calling goroutine.
func (r *recorder) run(f func(testing.TB)) *recorder {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// check runs checkFigures on a recorder and returns what it reported.
func check(text, pattern string, got ...any) *recorder {
	return (&recorder{}).run(func(t testing.TB) { checkFigures(t, "README.md", text, pattern, got...) })
}

const fakeREADME = `# title

Over the corpus: 410 fixed Applications validate,
403 use types with no
definition here, and a test kills it over 3,000 files.
`

func TestCheckFigures(t *testing.T) {
	pattern := `(\d+) fixed Applications validate, (\d+) use types with no definition here`
	if r := check(fakeREADME, pattern, 410, 403); len(r.errors) != 0 {
		t.Errorf("matching figures reported: %v", r.errors)
	}
	if r := check(fakeREADME, `over ([\d,]+) files`, 3000); len(r.errors) != 0 {
		t.Errorf("3,000 vs 3000 reported: %v", r.errors)
	}

	// A figure that drifted names the README line that quotes it.
	r := check(fakeREADME, pattern, 410, 406)
	if len(r.errors) != 1 || r.fatal || !strings.Contains(r.errors[0], "README.md:4 quotes 403 where this test measured 406") {
		t.Errorf("drifted figure: %v (fatal %v)", r.errors, r.fatal)
	}

	// A sentence that is gone, or ambiguous, stops the test.
	if r := check(fakeREADME, `(\d+) apps were eaten`, 1); !r.fatal || !strings.Contains(r.errors[0], "no longer matches") {
		t.Errorf("missing sentence: %v", r.errors)
	}
	if r := check(fakeREADME+"\n410 fixed Applications validate, 403 use types with no definition here\n", pattern, 410, 403); !r.fatal || !strings.Contains(r.errors[0], "2 times (lines 3 and 7)") {
		t.Errorf("ambiguous sentence: %v", r.errors)
	}
}

func TestFoldSpace(t *testing.T) {
	text, lines := foldSpace("a  b\n\n  c\r\nd")
	if text != "a b c d" {
		t.Errorf("folded %q", text)
	}
	if want := []int{1, 1, 1, 1, 3, 3, 4}; fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}
