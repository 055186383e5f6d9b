package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/report"
	"github.com/spf13/cobra"
)

// Exit codes of the CLI contract.
const (
	exitClean    = 0 // no open finding at or above --fail-on
	exitFindings = 1 // open findings at or above --fail-on
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
	failOn      string
	failOnEmpty bool
	verbose     bool
	quiet       bool
	summary     bool
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
Each file uses the nearest .oamfix.yaml at or above its folder, unless --config
names one for all.

Output: one line per finding that is fixed or open at low severity or above
(-v: every finding, with its assumptions), then one summary line. With --diff,
or with --fix -, stdout carries the diff or the fixed YAML and the findings go
to stderr.

Rules (--rules):
` + ruleList() + `
Exit codes: 0 nothing open at or above --fail-on, 1 open findings at or above
--fail-on (default low: info findings never fail), 2 usage error or bad input
(and, with --fail-on-empty, no Application found).`,
		Example: `  # check every Application under the current directory
  oamfix

  # show what --fix would change, as a unified diff (nothing is written)
  oamfix --diff examples/

  # fix in place, only probes and replicas
  oamfix --fix --rules probes,replicas apps/

  # a CI gate: fail on open critical or high findings, and when no Application is found
  oamfix --fail-on high --fail-on-empty --quiet apps/

  # fix a stream: the fixed YAML goes to stdout
  cat app.yaml | oamfix --fix -`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRoot(cmd, o, args, stdin, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.fix, "fix", false, "write fixes in place")
	f.BoolVar(&o.diff, "diff", false, "print a unified diff of the fixes to stdout (alone: a dry run, nothing written)")
	f.StringVar(&o.rules, "rules", "all", "comma-separated `LIST` of rule IDs, or all, or none")
	f.StringVar(&o.configPath, "config", "", "config `FILE` for every input (default: the nearest .oamfix.yaml at or above each file; see oamfix config default)")
	f.StringVar(&o.format, "format", "text", "findings output `FORMAT`: "+strings.Join(report.Formats(), ", "))
	f.Int64Var(&o.maxFileSize, "max-file-size", kio.DefaultMaxFileSize, "largest input file (or standard input) in `BYTES`")
	f.BoolVar(&o.validate, "validate", false, "validate every Application after fixing (CRD structure and known definitions)")
	f.StringSliceVar(&o.definitions, "definitions", nil, "`DIR` of ComponentDefinition/TraitDefinition YAML or .cue files to validate against (implies --validate; repeatable)")
	f.BoolVar(&o.followSymlinks, "follow-symlinks", false, "with --fix, also write files that symbolic links lead to outside the PATHs given")
	f.StringVar(&o.failOn, "fail-on", string(fixers.Low), "exit 1 when a finding of this `SEVERITY` or above stays open: critical, high, medium, low, info, or none")
	f.BoolVar(&o.failOnEmpty, "fail-on-empty", false, "exit 2 when no Application is found")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "text output: also info and suppressed findings, assumptions and why a fix was not written")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print only errors and the summary line")
	f.BoolVar(&o.summary, "summary", false, "text output: counts per rule and severity instead of findings")
	cmd.MarkFlagsMutuallyExclusive("verbose", "quiet", "summary")
	cmd.SuggestionsMinimumDistance = 2
	cmd.AddCommand(
		newVersionCommand(stdout),
		newConfigCommand(stdout, stderr),
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

// ruleList lists the rules for --help: ID, severity, whether it fixes or
// only checks, and summary.
func ruleList() string {
	var b strings.Builder
	for _, r := range fixers.All() {
		what := "check"
		if r.Fixable {
			what = "fix"
		}
		fmt.Fprintf(&b, "  %-18s %-9s %-6s %s\n", r.ID, r.Severity, what, r.Summary())
	}
	return b.String()
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
	// config is the config the file was checked with.
	config *runConfig
	// apps counts its Applications; nearMisses names documents that look
	// like Applications oamfix does not check.
	apps       int
	nearMisses []string
}

func runRoot(cmd *cobra.Command, o *rootOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "oamfix: "+format+"\n", a...)
		return &exitError{exitBadInput}
	}
	if !report.Known(o.format) {
		return usage("unknown --format %q (want one of %s)", o.format, strings.Join(report.Formats(), ", "))
	}
	if o.format != "text" && (o.verbose || o.summary) {
		return usage("-v and --summary choose what the text format prints; --format %s prints every finding", o.format)
	}
	rules, err := fixers.Select(o.rules)
	if err != nil {
		return usage("%v", err)
	}
	failOn := fixers.Severity("")
	if !strings.EqualFold(strings.TrimSpace(o.failOn), "none") {
		if failOn, err = fixers.ParseSeverity(o.failOn); err != nil {
			return usage("--fail-on: %v, or none", err)
		}
	}
	if err := checkArgs(cmd, o, args, stdin); err != nil {
		return usage("%v", err)
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
	cs := &configs{override: o.configPath, definitions: o.definitions, validate: o.validate, rules: rules, checkOnly: !o.fix && !o.diff}
	paths, expandErrs := kio.Expand(args)
	perFile := make([]*runConfig, len(paths))
	for i, p := range paths {
		if perFile[i], err = cs.forFile(p); err != nil {
			return usage("%v", err)
		}
	}
	if len(paths) == 0 && o.configPath != "" {
		if _, err := cs.forFile(kio.Stdin); err != nil { // --config is checked even with no file
			return usage("%v", err)
		}
	}
	// A progress line on a terminal is cleared before any other output.
	prog := newProgress(stderr, terminal(stderr), len(paths))
	if prog != nil {
		if terminal(stdout) {
			stdout = clearing{stdout, prog}
		}
		stderr = clearing{stderr, prog}
	}
	notes := stderr // warnings and notes; --quiet leaves errors and the summary
	if o.quiet {
		notes = io.Discard
	}
	used := cs.used(perFile)
	if o.configPath == "" {
		for _, rc := range used {
			if rc.path != "" {
				fmt.Fprintf(notes, "oamfix: using config %s%s\n", rc.path, forFiles(used, rc, perFile))
			}
		}
	}
	// With --diff or a fixed stream on stdout, findings go to stderr.
	findingsOut := stdout
	streamFix := o.fix && len(paths) == 1 && paths[0] == kio.Stdin
	findingsOnStderr := o.diff || streamFix
	if findingsOnStderr {
		findingsOut = stderr
	}
	level := o.textLevel()
	// Text and JSON findings stream file by file, so memory stays flat on
	// big runs; sarif and markdown need every finding first.
	var stream interface {
		Write([]fixers.Finding) error
		SetConfig(string)
		SetRun(report.Run)
		Close() error
	}
	switch o.format {
	case "text":
		stream = report.NewTextWriterLevel(findingsOut, level)
	case "json":
		stream = report.NewJSONWriter(findingsOut)
	}
	var all []fixers.Finding
	sources := map[string][]byte{}
	var run report.Run
	var tally report.Tally
	var errs []string
	failing := 0
	// Errors show as they happen, except in --summary and --quiet runs,
	// and at the end (see endOfRun).
	inline := level != report.TextCounts && !o.quiet
	fail := func(err error) {
		errs = append(errs, err.Error())
		if inline {
			fmt.Fprintf(stderr, "oamfix: error: %v\n", err)
		}
	}
	for _, e := range expandErrs {
		fail(e)
	}
	show := func(oc fileOutcome) {
		run.Files++
		run.Applications += oc.apps
		for _, m := range oc.nearMisses {
			fmt.Fprintf(notes, "oamfix: warning: %s\n", m)
		}
		if oc.skipped != "" {
			fmt.Fprintf(notes, "oamfix: warning: %s\n", oc.skipped)
			return
		}
		tally.Add(oc.findings...)
		for _, f := range oc.findings {
			if f.Status == fixers.Open && f.Severity.AtLeast(failOn) {
				failing++
			}
		}
		if stream != nil {
			if len(used) > 1 && oc.config != nil {
				stream.SetConfig(oc.config.path)
			}
			stream.Write(oc.findings)
		} else {
			all = append(all, oc.findings...)
		}
		if oc.source != nil && len(oc.findings) > 0 {
			sources[oc.findings[0].File] = oc.source
		}
		if oc.err != nil {
			fail(oc.err)
			return
		}
		io.WriteString(stdout, oc.diff)
		stdout.Write(oc.stream)
	}
	// Fixed files are staged and committed in groups (one disk sync per
	// group); their findings are shown once their write is final. One
	// goroutine commits the groups in order and shows their findings
	// while the workers go on with the next files.
	// A commit takes every file staged so far, some of which belong to
	// later groups (workers run ahead): their errors wait in failed.
	failed := map[string]error{}
	groups := make(chan []fileOutcome, 1)
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		for group := range groups {
			maps.Copy(failed, batch.Commit())
			for _, oc := range group {
				if err := failed[oc.path]; oc.staged && err != nil {
					reopen(oc.findings)
					oc.err = err
					delete(failed, oc.path)
				}
				if sig.settle(oc) {
					show(oc)
				}
			}
		}
	}()
	var held []fileOutcome
	processAll(paths, o, perFile, stdin, batch, prog.add, func(oc fileOutcome) {
		held = append(held, oc)
		if len(held) >= commitEvery {
			groups <- held
			held = nil
		}
	})
	groups <- held
	close(groups)
	<-committed
	prog.clear()
	run.Errors = len(errs)
	endOfRun(notes, stderr, args, run, tally, errs, inline, o.format == "text" && level == report.TextDefault)
	var err2 error
	if stream != nil {
		stream.SetRun(run)
		err2 = stream.Close()
	} else {
		ropts := report.Options{SARIF: report.SARIFOptions{ToolVersion: versionString(), Sources: sources}}
		if len(used) == 1 { // the capacity model of the run's one config
			ropts.Markdown.Config = used[0].cfg
		}
		err2 = report.WriteWith(findingsOut, o.format, all, ropts)
	}
	if err2 != nil {
		return usage("error: %v", err2)
	}
	if o.format != "text" && !findingsOnStderr { // else the report carries its own summary
		fmt.Fprintln(stderr, tally.Line(run))
	}
	if c := sig.finish(); c != 0 {
		return &exitError{c}
	}
	switch {
	case len(errs) > 0:
		return &exitError{exitBadInput}
	case o.failOnEmpty && run.Applications == 0:
		return &exitError{exitBadInput}
	case failing > 0:
		return &exitError{exitFindings}
	}
	return nil
}

// textLevel is what the text format prints, from -v, --summary and --quiet.
func (o *rootOptions) textLevel() report.TextLevel {
	switch {
	case o.verbose:
		return report.TextVerbose
	case o.summary:
		return report.TextCounts
	case o.quiet:
		return report.TextQuiet
	}
	return report.TextDefault
}

// commitEvery is how many files a write batch holds before it is synced
// and renamed into place.
const commitEvery = 256

// processAll processes files on a bounded worker pool sized to the CPUs.
// Each worker writes its file as soon as it is fixed (so an interrupted run
// leaves every file either original or complete). emit gets the outcomes
// one at a time, in input order, so output is deterministic and an outcome
// is released as soon as it is printed.
func processAll(paths []string, o *rootOptions, cfgs []*runConfig, stdin io.Reader, batch *kio.Batch, progress func(), emit func(fileOutcome)) {
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
				done <- indexed{i, processOne(paths[i], o, cfgs[i], stdin, batch)}
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
// file's new bytes in the write batch, with the file's config.
func processOne(path string, o *rootOptions, rc *runConfig, stdin io.Reader, batch *kio.Batch) fileOutcome {
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
	apps := 0
	for _, d := range f.Docs {
		if d.Node != nil && oam.IsApplication(d.Node.YNode()) {
			apps++
		}
	}
	res, err := engine.Process(f, rc.opts)
	if err != nil {
		return fileOutcome{err: err, config: rc, apps: apps}
	}
	oc := fileOutcome{findings: res.Findings, path: path, config: rc, apps: apps, nearMisses: nearMisses(f)}
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
