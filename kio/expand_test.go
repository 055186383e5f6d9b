package kio

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree creates files (empty unless given) and symlinks ("name -> target")
// under a temp dir and returns it.
func tree(t *testing.T, entries ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, e := range entries {
		name, target, link := strings.Cut(e, " -> ")
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case link:
			err = os.Symlink(target, p)
		case strings.HasSuffix(name, "/"):
			err = os.MkdirAll(p, 0o755)
		default:
			err = os.WriteFile(p, []byte("kind: ConfigMap\n"), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// rel turns Expand's paths back into slash paths relative to dir.
func rel(t *testing.T, dir string, paths []string) []string {
	t.Helper()
	var out []string
	for _, p := range paths {
		r, err := filepath.Rel(dir, p)
		if err != nil || strings.HasPrefix(r, "..") {
			out = append(out, p)
			continue
		}
		out = append(out, filepath.ToSlash(r))
	}
	return out
}

// TestExpandDirectory: a directory run reads *.yaml and *.yml (any case)
// at any depth, in sorted order; never hidden files or anything under a
// hidden folder (.git, .github, the .NAME.oamfix-* temporary files a
// killed --fix leaves behind, .oamfix.yaml); symlinked files are inputs
// under their own name, symlinked folders are not followed.
func TestExpandDirectory(t *testing.T) {
	dir := tree(t,
		"app.yaml", "api.yml", "LEGACY.YAML", "notes.txt", "yaml", "app.yaml.bak",
		".oamfix.yaml", ".hidden.yaml", ".app.yaml.oamfix-2913476", ".api.yml.oamfix-88",
		".git/config.yaml", ".github/workflows/ci.yml", ".tools/npm/package.yaml",
		"team/b.yaml", "team/deeper/c.yml", "team/.cache/d.yaml", "team/.c.yml.oamfix-1",
		"charts.yaml/values.yaml",
		"link.yaml -> app.yaml", "linked-team -> team", "dangling.yaml -> missing.yaml",
		"empty/",
	)
	files, errs := Expand([]string{dir})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []string{
		"LEGACY.YAML", "api.yml", "app.yaml", "charts.yaml/values.yaml", "dangling.yaml",
		"link.yaml", "team/b.yaml", "team/deeper/c.yml",
	}
	if got := rel(t, dir, files); !slices.Equal(got, want) {
		t.Errorf("Expand(dir) =\n  %q\nwant\n  %q", got, want)
	}
}

// TestExpandArguments: files are taken as given (hidden or not, any
// extension), "-" stays "-", arguments keep their order, a file named
// twice is read once, and a missing path is an error that does not stop
// the others.
func TestExpandArguments(t *testing.T) {
	dir := tree(t, "a.yaml", "team/b.yaml", "team/c.yaml", ".hidden.yaml", "app.json")
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	files, errs := Expand([]string{p("team"), p("a.yaml"), "-", p(".hidden.yaml"), p("app.json"), p("team/b.yaml"), p("nope.yaml")})
	want := []string{"team/b.yaml", "team/c.yaml", "a.yaml", "-", ".hidden.yaml", "app.json"}
	if got := rel(t, dir, files); !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "nope.yaml: no such file or directory") {
		t.Errorf("errors %v, want one naming nope.yaml", errs)
	}
}

// TestExpandHiddenRoot: a hidden folder named on the command line is
// searched (only folders found inside a run are skipped).
func TestExpandHiddenRoot(t *testing.T) {
	dir := tree(t, ".config/app.yaml", ".config/.git/x.yaml")
	files, errs := Expand([]string{filepath.Join(dir, ".config")})
	if got := rel(t, dir, files); len(errs) != 0 || !slices.Equal(got, []string{".config/app.yaml"}) {
		t.Errorf("files %q, errors %v", got, errs)
	}
}
