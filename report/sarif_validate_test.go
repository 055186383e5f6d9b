package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/report"
)

// multitoolVersion is the official SARIF validator the tests run.
const multitoolVersion = "5.7.0"

// TestSARIFValidates runs Microsoft's SARIF multitool (`sarif-multitool
// validate`) over the SARIF golden of the example and over logs with
// fixed, suppressed and fix-carrying results: 0 errors are allowed.
//
// The multitool is installed with npm into .tools/npm at the repository
// root (gitignored) on first use and reused afterwards; set
// OAMFIX_SARIF_MULTITOOL to a Sarif.Multitool binary to use another. The
// test is skipped, saying why in the default output, only when npm is not
// installed, and fails then under CI (testenv.Missing).
func TestSARIFValidates(t *testing.T) {
	if testing.Short() {
		testenv.Skip(t, "-short: not running the SARIF multitool")
	}
	tool := multitool(t)
	dir := t.TempDir()
	logs := []string{filepath.Join("..", "testdata", "report", "examples.sarif")}
	write := func(name string, fs []fixers.Finding, opts report.SARIFOptions) {
		var out bytes.Buffer
		if err := report.SARIF(&out, fs, opts); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		logs = append(logs, path)
	}
	fixView, src := runExample(t, false)
	write("fix-view.sarif", fixView, report.SARIFOptions{Sources: map[string][]byte{examplePath: src}})

	// Suppressed findings, from the golden cases that exempt.
	var suppressed []fixers.Finding
	for _, c := range []string{"backup/switched-off-and-managed", "replicas/exempt-comment", "observability/exempt-annotation"} {
		cfg := config.Default()
		fs, _ := runFile(t, filepath.Join("..", "testdata", c, "input.yaml"), "testdata/"+c+"/input.yaml", cfg, true)
		suppressed = append(suppressed, fs...)
	}
	write("suppressed.sarif", suppressed, report.SARIFOptions{})
	write("empty.sarif", nil, report.SARIFOptions{})

	errs, warnings := validateSARIF(t, tool, dir, logs)
	if warnings > 0 {
		t.Logf("sarif-multitool: %d warnings (allowed)", warnings)
	}
	for _, e := range errs {
		t.Error(e)
	}
}

// multitool returns the Sarif.Multitool binary, installing
// @microsoft/sarif-multitool with npm into <repo>/.tools/npm if needed.
func multitool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("OAMFIX_SARIF_MULTITOOL"); p != "" {
		return p
	}
	platform := map[string]string{"linux": "linux", "darwin": "darwin", "windows": "win32"}[runtime.GOOS]
	if platform == "" {
		testenv.Missing(t, "the SARIF multitool has no build for %s", runtime.GOOS)
	}
	exe := "Sarif.Multitool"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	root, err := filepath.Abs(filepath.Join("..", ".tools", "npm"))
	if err != nil {
		t.Fatal(err)
	}
	pkgDir := filepath.Join(root, "node_modules", "@microsoft", "sarif-multitool-"+platform)
	bin := filepath.Join(pkgDir, exe)
	if installedVersion(pkgDir) != multitoolVersion {
		npm, err := exec.LookPath("npm")
		if err != nil {
			testenv.Missing(t, "npm is not installed: cannot install @microsoft/sarif-multitool@%s to validate the SARIF output; install Node.js and npm", multitoolVersion)
		}
		installMultitool(t, npm, root)
	}
	// npm may skip the package's postinstall (chmod u+x) under an
	// install-scripts policy: make sure the binary can run.
	if info, err := os.Stat(bin); err != nil {
		t.Fatalf("the SARIF multitool is not at %s after npm install: %v", bin, err)
	} else if runtime.GOOS != "windows" && info.Mode()&0o100 == 0 {
		if err := os.Chmod(bin, info.Mode()|0o100); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// installedVersion reads the version of an installed npm package, or "".
func installedVersion(pkgDir string) string {
	data, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		return ""
	}
	var pkg struct{ Version string }
	if json.Unmarshal(data, &pkg) != nil {
		return ""
	}
	return pkg.Version
}

// installMultitool installs the pinned multitool (and, through overrides,
// its platform package at the same version) into root: in a temporary
// folder beside it first, renamed into place, so that an interrupted or
// concurrent install never leaves a half-installed tree behind.
func installMultitool(t *testing.T, npm, root string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(root), "npm-install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	manifest := `{
  "name": "oamfix-test-tools",
  "private": true,
  "dependencies": {"@microsoft/sarif-multitool": "` + multitoolVersion + `"},
  "overrides": {
    "@microsoft/sarif-multitool-darwin": "` + multitoolVersion + `",
    "@microsoft/sarif-multitool-linux": "` + multitoolVersion + `",
    "@microsoft/sarif-multitool-win32": "` + multitoolVersion + `"
  }
}
`
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("installing @microsoft/sarif-multitool@%s into %s", multitoolVersion, root)
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install @microsoft/sarif-multitool@%s: %v\n%s", multitoolVersion, err, out)
	}
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, root); err != nil {
		t.Fatal(err)
	}
}

// validateSARIF runs `Sarif.Multitool validate` over logs and returns the
// errors it reports and the number of warnings. The multitool exits 0 even
// when a log is invalid, so its own SARIF output is read instead.
func validateSARIF(t *testing.T, tool, dir string, logs []string) (errs []string, warnings int) {
	t.Helper()
	out := filepath.Join(dir, "validation.sarif")
	args := append(append([]string{"validate"}, logs...), "--output", out)
	cmd := exec.Command(tool, args...)
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sarif-multitool validate: %v\n%s", err, console)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("sarif-multitool wrote no results: %v\n%s", err, console)
	}
	var res struct {
		Runs []struct {
			Results []struct {
				RuleID  string
				Level   string
				Message struct{ Text, ID string }
			}
		}
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	for _, run := range res.Runs {
		for _, r := range run.Results {
			switch r.Level {
			case "error":
				errs = append(errs, r.RuleID+": "+r.Message.Text+r.Message.ID)
			case "", "warning":
				warnings++
			}
		}
	}
	if len(errs) > 0 {
		t.Logf("sarif-multitool output:\n%s", strings.TrimSpace(string(console)))
	}
	return errs, warnings
}
