package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
)

// ConfigFileName is the config file oamfix looks for when --config is not given.
const ConfigFileName = ".oamfix.yaml"

// runConfig is one config a run uses: its file ("" for the built-in
// defaults) and the engine options built from it, definitions included.
type runConfig struct {
	path string
	cfg  *config.Config
	opts engine.Options
}

// configs finds and loads the config of each input file: --config for
// every file when given, else the nearest .oamfix.yaml at or above the
// file's folder (the current folder for standard input). Lookups are
// cached per folder and each config file is loaded once, with its own
// spec.definitions.
type configs struct {
	override    string   // --config
	definitions []string // --definitions
	validate    bool     // --validate
	rules       []*fixers.Rule
	checkOnly   bool
	// nearest caches the config file of each folder looked at ("" for none).
	nearest map[string]string
	// loaded holds every config file loaded, by path as shown.
	loaded map[string]*runConfig
	// order lists the configs in the order first used.
	order []*runConfig
}

// forFile returns the config of input path p, loading it on first use.
func (c *configs) forFile(p string) (*runConfig, error) {
	name := c.override
	if name == "" {
		dir := "."
		if p != kio.Stdin {
			dir = filepath.Dir(p)
		}
		name = c.nearestTo(dir)
	}
	if rc, ok := c.loaded[name]; ok {
		return rc, nil
	}
	cfg := config.Default()
	if name != "" {
		var err error
		if cfg, err = config.Load(name); err != nil {
			return nil, err
		}
	}
	rc := &runConfig{path: name, cfg: cfg, opts: engine.Options{Config: cfg, Rules: c.rules, CheckOnly: c.checkOnly}}
	if err := rc.opts.UseDefinitions(append(cfg.Spec.Definitions, c.definitions...), c.validate || cfg.Spec.Validate); err != nil {
		return nil, err
	}
	if c.loaded == nil {
		c.loaded = map[string]*runConfig{}
	}
	c.loaded[name] = rc
	c.order = append(c.order, rc)
	return rc, nil
}

// nearestTo returns the nearest .oamfix.yaml in dir or a folder above it,
// as a path relative to the current folder when it is inside it, or ""
// when there is none.
func (c *configs) nearestTo(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	if c.nearest == nil {
		c.nearest = map[string]string{}
	}
	var walked []string
	found := ""
	for d := abs; ; d = filepath.Dir(d) {
		if cached, ok := c.nearest[d]; ok {
			found = cached
			break
		}
		walked = append(walked, d)
		candidate := filepath.Join(d, ConfigFileName)
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
			found = shortPath(candidate)
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	for _, d := range walked {
		c.nearest[d] = found
	}
	return found
}

// shortPath returns p relative to the current folder when it is inside
// it, else p.
func shortPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// used lists the configs of the input files, each once, in input order.
func (c *configs) used(perFile []*runConfig) []*runConfig {
	var out []*runConfig
	for _, rc := range perFile {
		if !slices.Contains(out, rc) {
			out = append(out, rc)
		}
	}
	return out
}

// forFiles says, when a run uses more than one config, how many files use rc.
func forFiles(used []*runConfig, rc *runConfig, perFile []*runConfig) string {
	if len(used) < 2 {
		return ""
	}
	n := 0
	for _, r := range perFile {
		if r == rc {
			n++
		}
	}
	return " for " + count(n, "file", "files")
}
