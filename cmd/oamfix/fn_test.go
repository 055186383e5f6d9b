package main

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/krm"
)

// resourceList is the kpt-style ResourceList of testdata/krm, whose
// functionConfig sets cors.allowedOrigins.
func resourceList(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "krm", "resourcelist.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestFnExitCodes(t *testing.T) {
	rl := resourceList(t)
	badConfig := strings.Replace(rl, "  data:\n    cors.allowedOrigins: https://shop.example.com\n", "  data:\n    target.concurrentUsers: lots\n", 1)
	if badConfig == rl {
		t.Fatal("fixture changed: cannot build the bad functionConfig")
	}
	// The fixture is what kpt sends; without kpt's seqindent annotations it
	// is what kustomize sends, and kustomize shows only stderr.
	kustomizeRL := regexp.MustCompile(`(?m)^ *internal\.config\.kubernetes\.io/seqindent: .*\n`).ReplaceAllString(rl, "")
	if kustomizeRL == rl {
		t.Fatal("fixture changed: it has no seqindent annotation")
	}
	const kptSummary = "oamfix: failed on 1 error result(s), listed in the results; nothing was changed\n"
	tests := []struct {
		name      string
		stdin     string
		args      []string
		code      int
		stdout    []string // substrings of stdout
		stderr    []string // substrings of stderr
		onlyLine  bool     // stderr is the one line stderr[0], as under kpt
		noResults bool
	}{
		{name: "fix, failOn none", stdin: rl, args: []string{"fn", "--fail-on", "none"}, code: 0, stdout: []string{"kind: ResourceList", "severity: info", "status: fixed"}},
		// The fixture's Application has no monitoring: a high finding no fix clears.
		{name: "fix fails at the default failOn high", stdin: rl, args: []string{"fn"}, code: 1,
			stdout: []string{"kind: ResourceList", "severity: error", "rule: observability", "status: not-applied", "(not applied: the run failed, so nothing was changed)"},
			stderr: []string{kptSummary}, onlyLine: true},
		{name: "fix fails under kustomize", stdin: kustomizeRL, args: []string{"fn"}, code: 1,
			stdout: []string{"status: not-applied"},
			stderr: []string{"oamfix: [error] core.oam.dev/v1beta1/Application/shop/shop spec.components: application \"shop\" has no monitoring", "\noamfix: the run failed, so none of its 8 fix(es) was applied\n"}},
		{name: "check fails on high findings", stdin: kustomizeRL, args: []string{"fn", "--check"}, code: 1,
			stdout: []string{"kind: ResourceList", "severity: error", "status: open"},
			stderr: []string{"oamfix: [error] core.oam.dev/v1beta1/Application/shop/shop spec.components[0].traits[0].properties.min: "}},
		{name: "check passes below failOn", stdin: rl, args: []string{"fn", "--check", "--fail-on", "critical"}, code: 0, stdout: []string{"severity: warning"}},
		{name: "check one rule", stdin: kustomizeRL, args: []string{"fn", "--check", "--rules", "cors"}, code: 1, stdout: []string{"rule: cors"}, stderr: []string{"allows every origin"}},
		{name: "bad functionConfig under kpt", stdin: badConfig, args: []string{"fn"}, code: 1,
			stdout: []string{"kind: ResourceList", "severity: error", "path: data.target.concurrentUsers", `functionConfig: target.concurrentUsers: expected an integer, got "lots"`},
			stderr: []string{kptSummary}, onlyLine: true},
		{name: "bad --fail-on", stdin: rl, args: []string{"fn", "--fail-on", "urgent"}, code: 1, stderr: []string{`oamfix: --fail-on: expected critical, high, medium, low or none, got "urgent"`}, noResults: true},
		{name: "bad --rules", stdin: rl, args: []string{"fn", "--rules", "nope"}, code: 1, stderr: []string{`unknown rule "nope"`}, noResults: true},
		{name: "not a ResourceList", stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", args: []string{"fn"}, code: 1, stderr: []string{"expected a ResourceList"}, noResults: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := oamfix(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, tc.code, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tc.onlyLine && stderr != tc.stderr[0] {
				t.Errorf("stderr repeats what kpt prints of the results:\n%s", stderr)
			}
			if tc.code == 0 && stderr != "" {
				t.Errorf("stderr on success: %s", stderr)
			}
			if tc.code != 0 && !strings.HasSuffix(stderr, "\n") {
				t.Errorf("stderr does not end with a newline: %q", stderr)
			}
			if tc.noResults && stdout != "" {
				t.Errorf("stdout should be empty:\n%s", stdout)
			}
		})
	}
}

// stdinFile returns an open file holding data, as a redirected stdin.
func stdinFile(t *testing.T, data string) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// stdinPipe returns the read end of a pipe that yields data, as kustomize
// and kpt connect stdin.
func stdinPipe(t *testing.T, data string) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		io.WriteString(w, data)
		w.Close()
	}()
	t.Cleanup(func() { r.Close() })
	return r
}

func TestDetectFunction(t *testing.T) {
	rl := resourceList(t)
	plain := "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\n"
	tests := []struct {
		name     string
		args     []string
		stdin    func(t *testing.T) *os.File
		wantArgs []string
		wantData string // what the returned stdin yields
	}{
		{"ResourceList in a pipe", nil, func(t *testing.T) *os.File { return stdinPipe(t, rl) }, []string{"fn"}, rl},
		{"ResourceList in a file", nil, func(t *testing.T) *os.File { return stdinFile(t, rl) }, []string{"fn"}, rl},
		{"plain YAML is handed on", nil, func(t *testing.T) *os.File { return stdinPipe(t, plain) }, nil, plain},
		{"arguments: stdin not read", []string{"--diff", "."}, func(t *testing.T) *os.File { return stdinFile(t, rl) }, []string{"--diff", "."}, rl},
		{"/dev/null: not read", nil, func(t *testing.T) *os.File {
			f, err := os.Open(os.DevNull)
			if err != nil {
				testenv.Missing(t, "cannot open %s: %v", os.DevNull, err)
			}
			t.Cleanup(func() { f.Close() })
			return f
		}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.stdin(t)
			args, stdin, err := detectFunction(tc.args, in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(args, " ") != strings.Join(tc.wantArgs, " ") {
				t.Errorf("args = %q, want %q", args, tc.wantArgs)
			}
			if tc.args != nil || tc.wantData == "" {
				if stdin != io.Reader(in) {
					t.Errorf("stdin was replaced, want the original file untouched")
				}
			}
			data, err := io.ReadAll(stdin)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != tc.wantData {
				t.Errorf("stdin yields %q, want %q", data, tc.wantData)
			}
		})
	}

	// Bare oamfix with a ResourceList on stdin behaves as oamfix fn (which
	// fails on the fixture's open high finding, at the default failOn).
	args, stdin, err := detectFunction(nil, stdinPipe(t, rl))
	if err != nil {
		t.Fatal(err)
	}
	var out, errb strings.Builder
	if code := run(args, stdin, &out, &errb); code != 1 || !strings.Contains(out.String(), "kind: ResourceList") || !strings.Contains(out.String(), "status: not-applied") {
		t.Errorf("bare oamfix on a ResourceList: exit %d, stderr %q, stdout:\n%s", code, errb.String(), out.String())
	}
	if !krm.IsResourceList([]byte(out.String())) {
		t.Errorf("output is not a ResourceList:\n%s", out.String())
	}
}
