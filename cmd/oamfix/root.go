package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/report"
	"github.com/spf13/cobra"
)

// Exit codes of the CLI contract.
const (
	exitClean    = 0 // no findings left
	exitFindings = 1 // findings remain
	exitBadInput = 2 // usage error or bad input
)

// exitError carries an exit code out of a command.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// rootOptions are the flags of the main command.
type rootOptions struct {
	fix         bool
	diff        bool
	rules       string
	configPath  string
	format      string
	maxFileSize int64
	validate    bool
	definitions []string
	// followSymlinks lets --fix write through symbolic links that lead
	// out of the PATHs given.
	followSymlinks bool
}

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	o := &rootOptions{}
	cmd := &cobra.Command{
		Use:   "oamfix [flags] [PATH...]",
		Short: "Find and fix infrastructure-review gaps in KubeVela Application manifests",
		Long: `oamfix checks KubeVela (OAM) Application manifests for the gaps an infrastructure
review keeps flagging (too few replicas, missing probes, CORS open to *, no circuit
breaker, no network policy, no staging environment) and fixes them with minimal,
lossless edits: every line a fix does not touch stays byte-identical.

PATH is a file, a directory (searched recursively for *.yaml and *.yml, skipping
hidden folders) or - for standard input. The default is the current directory.

Exit codes: 0 no findings left, 1 findings remain (in check mode: any finding),
2 usage error or bad input.`,
		Example: `  # check every Application under the current directory
  oamfix

  # show what --fix would change, as a unified diff (nothing is written)
  oamfix --diff examples/

  # fix in place, only probes and replicas
  oamfix --fix --rules probes,replicas apps/

  # fix a stream: the fixed YAML goes to stdout
  cat app.yaml | oamfix --fix -`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRoot(o, args, stdin, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.fix, "fix", false, "write fixes in place")
	f.BoolVar(&o.diff, "diff", false, "print a unified diff of the fixes to stdout (alone: a dry run, nothing written)")
	f.StringVar(&o.rules, "rules", "all", "comma-separated rule IDs, or all, or none")
	f.StringVar(&o.configPath, "config", "", "oamfix config file (kind OAMFixConfig; see `oamfix config default`)")
	f.StringVar(&o.format, "format", "text", "findings output: "+strings.Join(report.Formats(), ", "))
	f.Int64Var(&o.maxFileSize, "max-file-size", kio.DefaultMaxFileSize, "largest input file in bytes")
	f.BoolVar(&o.validate, "validate", false, "validate every Application after fixing (CRD structure and known definitions)")
	f.StringSliceVar(&o.definitions, "definitions", nil, "folder of ComponentDefinition/TraitDefinition YAML or .cue files to validate against (implies --validate; repeatable)")
	f.BoolVar(&o.followSymlinks, "follow-symlinks", false, "with --fix, also write files that symbolic links lead to outside the PATHs given")
	cmd.AddCommand(
		newVersionCommand(stdout),
		newConfigCommand(stdout),
		newFnCommand(stdin, stdout, stderr),
		newDefsCommand(stdout),
		newPRCommand(stdout, stderr),
		newComponentsCommand(stdin, stdout, stderr),
	)
	// cobra's shell completion command, created now so it gets examples
	// too; it captures the output writer when created.
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.InitDefaultCompletionCmd()
	for _, sub := range cmd.Commands() {
		if sub.Name() == "completion" {
			sub.Example = "  oamfix completion bash > /etc/bash_completion.d/oamfix\n  oamfix completion zsh > \"${fpath[1]}/_oamfix\""
		}
	}
	return cmd
}

// fileOutcome is what became of one input: its findings, its diff (with
// --diff), the fixed stream (for - with --fix), or why it was skipped or failed.
type fileOutcome struct {
	findings []fixers.Finding
	diff     string
	stream   []byte
	// source is the file as read, kept for SARIF fixes.
	source []byte
	// path is the input; staged says its fix waits in the write batch.
	path   string
	staged bool
	err    error
	// skipped explains a file passed over without an error.
	skipped string
}

func runRoot(o *rootOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if !report.Known(o.format) {
		fmt.Fprintf(stderr, "oamfix: unknown --format %q (want one of %s)\n", o.format, strings.Join(report.Formats(), ", "))
		return &exitError{exitBadInput}
	}
	rules, err := fixers.Select(o.rules)
	if err != nil {
		fmt.Fprintf(stderr, "oamfix: %v\n", err)
		return &exitError{exitBadInput}
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	// Only files whose real location is inside a PATH are written; a
	// signal abandons the writes under way cleanly (signals.go).
	batch := &kio.Batch{Within: args}
	if o.followSymlinks {
		batch.Within = nil
	}
	sig := watchSignals(batch, stderr)
	defer sig.stop()
	stdout = sig.output(stdout)
	cfg := config.Default()
	if o.configPath == "" {
		if o.configPath = discoverConfig(args); o.configPath != "" {
			fmt.Fprintf(stderr, "oamfix: using config %s\n", o.configPath)
		}
	}
	if o.configPath != "" {
		if cfg, err = config.Load(o.configPath); err != nil {
			fmt.Fprintf(stderr, "oamfix: %v\n", err)
			return &exitError{exitBadInput}
		}
	}
	paths, errs := kio.Expand(args)
	code := exitClean
	for _, e := range errs {
		fmt.Fprintf(stderr, "oamfix: error: %v\n", e)
		code = exitBadInput
	}
	opts := engine.Options{Config: cfg, Rules: rules, CheckOnly: !o.fix && !o.diff}
	if err := opts.UseDefinitions(append(cfg.Spec.Definitions, o.definitions...), o.validate || cfg.Spec.Validate); err != nil {
		fmt.Fprintf(stderr, "oamfix: %v\n", err)
		return &exitError{exitBadInput}
	}
	// With --diff or a fixed stream on stdout, findings go to stderr.
	findingsOut := stdout
	streamFix := o.fix && len(paths) == 1 && paths[0] == kio.Stdin
	if o.diff || streamFix {
		findingsOut = stderr
	}
	// Text and JSON findings stream file by file, so memory stays flat on
	// big runs; sarif and markdown need every finding first.
	var stream interface {
		Write([]fixers.Finding) error
		Close() error
	}
	switch o.format {
	case "text":
		stream = report.NewTextWriter(findingsOut)
	case "json":
		stream = report.NewJSONWriter(findingsOut)
	}
	var all []fixers.Finding
	sources := map[string][]byte{}
	open := 0
	show := func(oc fileOutcome) {
		if oc.skipped != "" {
			fmt.Fprintf(stderr, "oamfix: warning: %s\n", oc.skipped)
			return
		}
		open += remaining(oc.findings)
		if stream != nil {
			stream.Write(oc.findings)
		} else {
			all = append(all, oc.findings...)
		}
		if oc.source != nil && len(oc.findings) > 0 {
			sources[oc.findings[0].File] = oc.source
		}
		if oc.err != nil {
			fmt.Fprintf(stderr, "oamfix: error: %v\n", oc.err)
			code = exitBadInput
			return
		}
		io.WriteString(stdout, oc.diff)
		stdout.Write(oc.stream)
	}
	// Fixed files are staged and committed in groups (one disk sync per
	// group); their findings are shown once their write is final.
	var held []fileOutcome
	// A commit takes every file staged so far, some of which belong to
	// later groups (workers run ahead): their errors wait here.
	failed := map[string]error{}
	commit := func() {
		maps.Copy(failed, batch.Commit())
		for _, oc := range held {
			if err := failed[oc.path]; oc.staged && err != nil {
				reopen(oc.findings)
				oc.err = err
				delete(failed, oc.path)
			}
			if sig.settle(oc) {
				show(oc)
			}
		}
		held = held[:0]
	}
	processAll(paths, o, opts, stdin, batch, newProgress(stderr, len(paths)), func(oc fileOutcome) {
		held = append(held, oc)
		if len(held) >= commitEvery {
			commit()
		}
	})
	commit()
	var err2 error
	if stream != nil {
		err2 = stream.Close()
	} else {
		ropts := report.Options{
			SARIF:    report.SARIFOptions{ToolVersion: versionString(), Sources: sources},
			Markdown: report.MarkdownOptions{Config: cfg},
		}
		err2 = report.WriteWith(findingsOut, o.format, all, ropts)
	}
	if err2 != nil {
		fmt.Fprintf(stderr, "oamfix: error: %v\n", err2)
		return &exitError{exitBadInput}
	}
	if c := sig.finish(); c != 0 {
		return &exitError{c}
	}
	if code == exitClean && open > 0 {
		code = exitFindings
	}
	if code != exitClean {
		return &exitError{code}
	}
	return nil
}

// commitEvery is how many files a write batch holds before it is synced
// and renamed into place.
const commitEvery = 256

// ConfigFileName is the config file oamfix looks for when --config is not given.
const ConfigFileName = ".oamfix.yaml"

// discoverConfig finds the nearest .oamfix.yaml: in the first PATH (or its
// folder, for a file) or any folder above it. Returns "" when there is none.
func discoverConfig(args []string) string {
	start := args[0]
	if start == kio.Stdin {
		start = "."
	}
	if info, err := os.Stat(start); err == nil && !info.IsDir() {
		start = filepath.Dir(start)
	}
	abs, err := filepath.Abs(start)
	if err != nil {
		return ""
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, ConfigFileName)
		if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
			if rel, err := filepath.Rel(mustGetwd(), candidate); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
			return candidate
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

func mustGetwd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "/"
	}
	return wd
}

// remaining counts open findings that should fail a run: every open finding
// above info severity.
func remaining(fs []fixers.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Status == fixers.Open && f.Severity != fixers.Info {
			n++
		}
	}
	return n
}

// processAll processes files on a bounded worker pool sized to the CPUs.
// Each worker writes its file as soon as it is fixed (so an interrupted run
// leaves every file either original or complete). emit gets the outcomes
// one at a time, in input order, so output is deterministic and an outcome
// is released as soon as it is printed.
func processAll(paths []string, o *rootOptions, opts engine.Options, stdin io.Reader, batch *kio.Batch, progress func(), emit func(fileOutcome)) {
	type indexed struct {
		i  int
		oc fileOutcome
	}
	work := make(chan int)
	done := make(chan indexed)
	workers := min(runtime.GOMAXPROCS(0), len(paths))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				done <- indexed{i, processOne(paths[i], o, opts, stdin, batch)}
			}
		}()
	}
	go func() {
		for i := range paths {
			if batch.Aborted() {
				break // interrupted: start no new file
			}
			work <- i
		}
		close(work)
		wg.Wait()
		close(done)
	}()
	pending := map[int]fileOutcome{}
	next := 0
	for r := range done {
		progress()
		pending[r.i] = r.oc
		for {
			oc, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			emit(oc)
			next++
		}
	}
}

// processOne reads, fixes, projects, diffs and (with --fix) stages one
// file's new bytes in the write batch.
func processOne(path string, o *rootOptions, opts engine.Options, stdin io.Reader, batch *kio.Batch) fileOutcome {
	var f *kio.File
	var err error
	if path == kio.Stdin {
		f, err = kio.ReadStream(kio.Stdin, stdin, o.maxFileSize)
	} else {
		f, err = kio.ReadFile(path, o.maxFileSize)
	}
	if err != nil {
		var pe *kio.ParseError
		if errors.As(err, &pe) && pe.Syntax && path != kio.Stdin && !mentionsOAM(path, o.maxFileSize) {
			// Not YAML that oamfix understands, and no OAM in it (a Helm
			// template, say): leave it alone and say so.
			return fileOutcome{skipped: fmt.Sprintf("%v (skipped: the file mentions no core.oam.dev resource)", err)}
		}
		return fileOutcome{err: err}
	}
	res, err := engine.Process(f, opts)
	if err != nil {
		return fileOutcome{err: err}
	}
	oc := fileOutcome{findings: res.Findings, path: path}
	if o.format == "sarif" {
		oc.source = res.Before
	}
	if !o.fix {
		// Nothing is written: fixes shown by --diff still remain to be made.
		reopen(oc.findings)
	}
	if o.diff && res.Changed() {
		if oc.diff, err = kio.UnifiedDiff(res.Path, res.Before, res.After); err != nil {
			oc.err = fmt.Errorf("%s: %w", res.Path, err)
			return oc
		}
	}
	switch {
	case !o.fix:
	case path == kio.Stdin:
		oc.stream = res.After
	case res.Changed():
		if err := batch.Stage(f, res.After); err != nil {
			reopen(oc.findings)
			oc.err = err
		} else {
			oc.staged = true
		}
	}
	return oc
}

// reopen marks fixed findings open again: their fix was not written.
func reopen(fs []fixers.Finding) {
	for i := range fs {
		if fs[i].Status == fixers.Fixed {
			fs[i].Status = fixers.Open
		}
	}
}

// mentionsOAM reports whether a file's text names the core.oam.dev group.
func mentionsOAM(path string, maxSize int64) bool {
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) > maxSize {
		return true
	}
	return bytes.Contains(data, []byte("core.oam.dev"))
}
