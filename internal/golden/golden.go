// Package golden reads a golden case folder (testdata/<rule>/<case>/)
// the way the tests that run golden cases fix it.
package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/validate"
)

// Options are the engine options of the case in dir with rules: its
// config.yaml (else the defaults) and, when it has a definitions folder,
// the case's platform, whose definitions shadow KubeVela's and validate
// the fixes, as --definitions does.
func Options(t testing.TB, dir string, rules []*fixers.Rule) engine.Options {
	t.Helper()
	cfg := config.Default()
	if _, err := os.Stat(filepath.Join(dir, "config.yaml")); err == nil {
		var err error
		if cfg, err = config.Load(filepath.Join(dir, "config.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	opts := engine.Options{Config: cfg, Rules: rules}
	defs := filepath.Join(dir, "definitions")
	if info, err := os.Stat(defs); err != nil || !info.IsDir() {
		return opts
	}
	user, err := catalog.Load(defs)
	if err != nil {
		t.Fatal(err)
	}
	opts.Catalog = engine.DefaultCatalog().Merge(user)
	vdefs, err := validate.LoadDefinitions(defs)
	if err != nil {
		t.Fatal(err)
	}
	opts.Definitions = validate.Embedded().Merge(vdefs)
	return opts
}
