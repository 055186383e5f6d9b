package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// badCase is one row of the bad-input matrix: a file (or several) that
// must give a clear message naming it, exit 2 and no modification, while a
// good sibling in the same directory run is still fixed.
type badCase struct {
	name  string
	setup func(t *testing.T, dir string) string // returns the bad path
	args  []string
	want  string // text the error must contain (besides the file name)
}

const aliasBomb = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: bomb
spec:
  components:
    - name: api
      type: webservice
      properties:
        image: nginx
        ports: [{port: 8080, expose: true}]
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func writeFile(t *testing.T, path, text string, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

var badCases = []badCase{
	{"malformed-yaml", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: x\n   bad: indent\n", 0o644)
	}, nil, "invalid YAML"},
	{"duplicate-key", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), "apiVersion: core.oam.dev/v1beta1\nkind: Application\nkind: Application\n", 0o644)
	}, nil, `:3: duplicate key "kind"`},
	{"alias-bomb", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), aliasBomb, 0o644)
	}, nil, "alias bomb"},
	{"over-size-limit", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), needsFixes+strings.Repeat("# padding\n", 2000), 0o644)
	}, []string{"--max-file-size", "10000"}, "over the 10000-byte limit (raise it with --max-file-size)"},
	{"binary", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), "\x7fELF\x02\x01\x01\x00\x00", 0o644)
	}, nil, "binary file"},
	{"non-utf8", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: caf\xe9\n", 0o644)
	}, nil, ":4: invalid UTF-8"},
	{"symlink-loop", func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "bad.yaml")
		if err := os.Symlink(filepath.Join(dir, "other.yaml"), p); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(dir, "other.yaml")); err != nil {
			t.Fatal(err)
		}
		return p
	}, nil, "too many levels of symbolic links"},
	{"unreadable", func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "bad.yaml")
		if os.Geteuid() != 0 {
			writeFile(t, p, needsFixes, 0o000)
			return p
		}
		// root reads any file: a named pipe is the unreadable file here.
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}, nil, "bad.yaml"},
	{"read-only-with-fix", func(t *testing.T, dir string) string {
		return writeFile(t, filepath.Join(dir, "bad.yaml"), needsFixes, 0o444)
	}, nil, "read-only"},
}

func TestBadInputMatrix(t *testing.T) {
	for _, bc := range badCases {
		t.Run(bc.name, func(t *testing.T) {
			dir := t.TempDir()
			good := writeFile(t, filepath.Join(dir, "good.yaml"), needsFixes, 0o644)
			bad := bc.setup(t, dir)
			before := snapshot(t, dir)
			args := append([]string{"--fix"}, bc.args...)
			code, _, errOut := oamfix(t, "", append(args, dir)...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, errOut)
			}
			if !strings.Contains(errOut, filepath.Base(bad)) || !strings.Contains(errOut, bc.want) {
				t.Errorf("stderr does not name %s with %q:\n%s", filepath.Base(bad), bc.want, errOut)
			}
			after := snapshot(t, dir)
			for p, data := range before {
				if p != good && after[p] != data {
					t.Errorf("%s was modified", p)
				}
			}
			if after[good] == before[good] {
				t.Errorf("the good file beside the bad one was not fixed")
			}
			for p := range after {
				if _, ok := before[p]; !ok {
					t.Errorf("a file was left behind: %s", p)
				}
			}
		})
	}
}

// TestTenThousandFiles checks a directory of 10,000 Applications: every
// file is processed and reported, in a stable order.
func TestTenThousandFiles(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "-short: not running 10,000 files")
	}
	const files = 10000
	testenv.READMEFigures(t, `A directory of ([\d,]+) files is processed in a stable order`, files)
	dir := t.TempDir()
	for i := 0; i < files; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("team-%02d", i%100))
		os.MkdirAll(sub, 0o755)
		writeFile(t, filepath.Join(sub, fmt.Sprintf("app-%05d.yaml", i)), needsFixes, 0o644)
	}
	code, out, errOut := oamfix(t, "", "--rules", "circuit-breaker", dir)
	if code != 1 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	if n := strings.Count(out, "[circuit-breaker]"); n != files {
		t.Fatalf("%d findings, want %d", n, files)
	}
	code2, out2, _ := oamfix(t, "", "--rules", "circuit-breaker", dir)
	if code2 != code || out2 != out {
		t.Fatal("output is not deterministic across runs")
	}
}
