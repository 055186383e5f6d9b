package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
)

// TestYAMLTestSuite runs `oamfix --fix` on every case of the official YAML
// test suite. No case is an OAM document, so valid cases must come back
// byte-identical with exit 0, whether or not the YAML libraries can parse
// them; error cases must give a clean error (exit 2) or pass through
// untouched (exit 0). Never a panic, never a rewritten file.
func TestYAMLTestSuite(t *testing.T) {
	root := testenv.Shared(t, "yaml-test-suite")
	cases, err := filepath.Glob(filepath.Join(root, "*", "in.yaml"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases under %s", root)
	}
	dir := t.TempDir()
	var valid, validOK, validSkipped, invalid, invalidErr, invalidPass int
	for _, in := range cases {
		id := filepath.Base(filepath.Dir(in))
		_, statErr := os.Stat(filepath.Join(filepath.Dir(in), "error"))
		isError := statErr == nil
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, id+".yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := oamfix(t, "", "--fix", path)
		got, _ := os.ReadFile(path)
		if !bytes.Equal(got, data) {
			t.Errorf("%s: the file was rewritten", id)
		}
		if isError {
			invalid++
			switch code {
			case 2:
				invalidErr++
			case 0:
				invalidPass++
			default:
				t.Errorf("%s (error case): exit %d, want 0 or 2; stderr: %s", id, code, errOut)
			}
			continue
		}
		valid++
		if code != 0 {
			t.Errorf("%s (valid case): exit %d, want 0; stderr: %s", id, code, errOut)
			continue
		}
		validOK++
		if strings.Contains(errOut, "skipped") {
			validSkipped++
		}
	}
	t.Logf("YAML test suite: %d/%d valid cases untouched with exit 0 (%d of them not parseable by yaml.v3, passed through with a warning); %d error cases: %d clean errors (exit 2), %d untouched pass-throughs (exit 0)",
		validOK, valid, validSkipped, invalid, invalidErr, invalidPass)
	// README.md quotes these figures and says that all error cases pass through.
	testenv.READMEFigures(t, `(\d+) of (\d+) valid cases come back byte-identical with exit 0 \(none is an OAM document; the (\d+) that yaml\.v3 cannot parse are passed through untouched with a warning\)\. All (\d+) error cases are left untouched with exit 0`,
		validOK, valid, validSkipped, invalid)
	if invalidPass != invalid {
		t.Errorf("%d of %d error cases passed through with exit 0; README.md says all of them do", invalidPass, invalid)
	}
}
