// Package krm runs the oamfix rules as a KRM function: a
// config.kubernetes.io/v1 ResourceList in, the same list out, with the
// core.oam.dev Application items fixed in place (kyaml keeps their comments)
// and one result per finding. Every other item, the functionConfig and all
// config.kubernetes.io/* and internal.config.kubernetes.io/* annotations
// pass through untouched. See the "Use with kustomize" and "Use with kpt"
// sections of the README.
package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options say how the function runs. The zero value runs every rule in the
// modes the functionConfig sets and fails on the open findings at or above
// the functionConfig's failOn (DefaultFailOn when it sets none).
type Options struct {
	// Rules selects rules like the CLI's --rules: "all" (or empty), "none"
	// or comma-separated rule IDs.
	Rules string
	// CheckOnly runs every rule in check mode, whatever the
	// functionConfig says: nothing is changed.
	CheckOnly bool
	// FailOn, when set, overrides the functionConfig's failOn: every open
	// finding at this severity or above, in any mode, is an error result
	// and fails the run (FailNone: none does).
	FailOn fixers.Severity
}

// ErrNotResourceList is returned by Run when its input is not a
// ResourceList.
var ErrNotResourceList = errors.New("expected a ResourceList (kind ResourceList or List with items or functionConfig) on stdin")

// Failure is the error Run returns when the function failed after writing
// its ResourceList: Results are the run's results (the error ones say why).
type Failure struct {
	Results framework.Results
	// Shown says the orchestrator prints the results itself: kpt does, and
	// marks every item it reads with internal.config.kubernetes.io/seqindent.
	// kustomize prints only the function's stderr.
	Shown bool
}

// Error implements error.
func (f *Failure) Error() string { return f.Results.Error() }

// Unwrap returns the results, a framework.Results.
func (f *Failure) Unwrap() error { return f.Results }

// Run reads a ResourceList from in, processes it (see Process) and writes
// the resulting ResourceList, with its results, to out. A non-nil error
// means the run failed: a *Failure when the output has been written (error
// results), or unreadable input or options (then nothing is written).
func Run(in io.Reader, out io.Writer, opts Options) error {
	if _, err := fixers.Select(opts.Rules); err != nil {
		return err
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	if !IsResourceList(data) {
		return ErrNotResourceList
	}
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: out, KeepReaderAnnotations: true}
	shown := false
	err = framework.Execute(framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		// results are output only: drop any that came in, so they are
		// not echoed as if they were this run's.
		rw.Results = nil
		shown = markedByKpt(rl.Items)
		return Process(rl, opts)
	}), rw)
	var results framework.Results
	if errors.As(err, &results) {
		return &Failure{Results: results, Shown: shown}
	}
	return err
}

// markedByKpt reports whether kpt read the items: its reader marks each
// with internal.config.kubernetes.io/seqindent; kustomize's readers do not.
func markedByKpt(items []*yaml.RNode) bool {
	for _, item := range items {
		if _, ok := item.GetAnnotations()[kioutil.SeqIndentAnnotation]; ok {
			return true
		}
	}
	return false
}

// IsResourceList reports whether data is a single YAML (or JSON) document
// that kyaml reads as a ResourceList: kind ResourceList or List, with items
// or functionConfig.
func IsResourceList(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, next yaml.Node
	if dec.Decode(&doc) != nil || dec.Decode(&next) != io.EOF {
		return false
	}
	root := oam.Unwrap(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	kind := oam.Str(oam.Get(root, "kind"))
	return (kind == kio.ResourceListKind || kind == "List") &&
		(oam.Get(root, "items") != nil || oam.Get(root, "functionConfig") != nil)
}

// Process runs the rules over the Application items of rl and appends one
// result per finding (see Result). Items that are not core.oam.dev
// Applications are never touched. File-level rules (one Application per
// environment) see the Applications grouped by their path annotation; a
// document such a rule adds becomes a new item right after the one it
// follows, with the path of its group and the next free index (so kpt
// writes it at the end of that file, which its result says).
//
// The run fails when any result is an error: a bad functionConfig, a
// duplicate key, an item whose path leaves the package, a rule error, or
// an open finding at or above failOn, in fix and check mode alike (see
// fails). A failed run changes no item: the rules work on copies that
// replace the items only when the run passes. Its results describe the
// items as they are, as check mode sees them: the findings a fix would
// have cleared are NotApplied, the others open. Process then returns
// rl.Results, so that the caller exits non-zero.
func Process(rl *framework.ResourceList, opts Options) error {
	rules, err := fixers.Select(opts.Rules)
	if err != nil {
		return err
	}
	set, err := LoadFunctionConfig(rl.FunctionConfig)
	if err != nil {
		rl.Results = append(rl.Results, configResult(rl.FunctionConfig, err))
		return rl.Results
	}
	failOn := DefaultFailOn
	if set.FailOn != "" {
		failOn = set.FailOn
	}
	if opts.FailOn != "" {
		failOn = opts.FailOn
	}
	eopts := engine.Options{Config: set.Config, Rules: rules, CheckOnly: opts.CheckOnly || set.CheckOnly}
	if err := eopts.UseDefinitions(set.Config.Spec.Definitions, set.Config.Spec.Validate); err != nil {
		rl.Results = append(rl.Results, configResult(rl.FunctionConfig, err))
		return rl.Results
	}

	var groups []group
	byPath := map[string]int{}
	for i, item := range rl.Items {
		rl.Results = append(rl.Results, duplicateKeyResults(item)...)
		if !oam.IsApplication(item.YNode()) {
			continue
		}
		path, _ := fileOf(item)
		if escapes(path) {
			// Containment: the orchestrator writes items back to their
			// path; oamfix never edits one that would land outside the package.
			rl.Results = append(rl.Results, errorResult(item, fmt.Errorf("path annotation %q is absolute or leaves the package (..); refusing to edit this item", path)))
			continue
		}
		g, ok := byPath[path]
		if !ok {
			g = len(groups)
			byPath[path] = g
			groups = append(groups, group{path: path})
		}
		groups[g].items = append(groups[g].items, i)
	}

	run := runRules(rl.Items, groups, eopts)
	failed := rl.Results.ExitCode() != 0 || len(run.errors) > 0
	for _, f := range run.findings {
		failed = failed || f.Status == fixers.Open && fails(f.Severity, failOn)
	}
	rl.Results = append(rl.Results, run.errors...)
	if !failed {
		for _, f := range run.findings {
			rl.Results = append(rl.Results, Result(f, rl.Items[f.Document], failOn))
		}
		for i, w := range run.work {
			rl.Items[i] = w
		}
		if len(run.added) > 0 {
			if rl.Items, err = insertItems(rl.Items, run.added); err != nil {
				return err
			}
		}
		return nil
	}

	// Failed: report the items as they are, which is what check mode sees.
	view := run
	if !eopts.CheckOnly {
		check := eopts
		check.CheckOnly = true
		view = runRules(rl.Items, groups, check)
	}
	made := map[string]int{} // the fixes the run made, which it does not keep
	for _, f := range run.findings {
		if f.Status == fixers.Fixed {
			made[fixKey(f)]++
		}
	}
	for _, f := range view.findings {
		if k := fixKey(f); f.Status == fixers.Open && made[k] > 0 {
			made[k]--
			rl.Results = append(rl.Results, notAppliedResult(f, rl.Items[f.Document]))
			continue
		}
		rl.Results = append(rl.Results, Result(f, rl.Items[f.Document], failOn))
	}
	if rl.Results.ExitCode() == 0 {
		// What failed the run arose from its fixes: report it as found.
		for _, f := range run.findings {
			if f.Status == fixers.Open && fails(f.Severity, failOn) {
				rl.Results = append(rl.Results, Result(f, rl.Items[f.Document], failOn))
			}
		}
	}
	return rl.Results
}

// group is the Application items of one path: rl.Items indexes.
type group struct {
	path  string
	items []int
}

// ruleRun is what one engine run made of the Application items.
type ruleRun struct {
	// findings, in the order of the items they are about.
	findings []fixers.Finding
	// work holds the edited copy of each Application item, by item index.
	work map[int]*yaml.RNode
	// added holds the documents fixes added after each item.
	added map[int][]*yaml.Node
	// errors holds one error result per group a rule failed on.
	errors framework.Results
}

// runRules runs the engine, one group at a time, over copies of the items;
// items itself is not changed.
func runRules(items []*yaml.RNode, groups []group, opts engine.Options) *ruleRun {
	run := &ruleRun{work: map[int]*yaml.RNode{}, added: map[int][]*yaml.Node{}}
	for _, g := range groups {
		docs := make([]engine.Doc, len(g.items))
		for j, i := range g.items {
			run.work[i] = items[i].Copy()
			docs[j] = engine.Doc{Node: run.work[i].YNode(), File: g.path, Index: i}
		}
		out, err := engine.Run(docs, opts)
		if err != nil {
			run.errors = append(run.errors, errorResult(items[g.items[0]], err))
			continue
		}
		for _, f := range out.Findings {
			placeAtEnd(&f, g.path)
			run.findings = append(run.findings, f)
		}
		for _, a := range out.Added {
			after := docs[a.After].Index
			run.added[after] = append(run.added[after], a.Root)
		}
	}
	// Findings carry the position of their item in Document.
	sort.SliceStable(run.findings, func(i, j int) bool { return run.findings[i].Document < run.findings[j].Document })
	return run
}

// fixKey identifies a finding's fix across a fix-mode and a check-mode run
// of the same items: the rule, the item, the component and what the fix
// does. Its paths are no key: the fixes of earlier rules move indexes.
func fixKey(f fixers.Finding) string {
	return strings.Join([]string{f.Rule, strconv.Itoa(f.Document), f.Component, f.Action}, "\x00")
}

// placeAtEnd makes a finding whose fix adds a document say where kpt puts
// it. Only file-level rules add documents ("add Application shop-staging,
// ..., after shop-dev"); a new item gets the next free index of its file,
// so kpt writes it at the end of the file. Without a path (kustomize
// build) the item does follow that document in the output, and the
// finding stays as it is.
func placeAtEnd(f *fixers.Finding, path string) {
	r := fixers.Lookup(f.Rule)
	i := strings.LastIndex(f.Action, ", after ")
	if path == "" || r == nil || r.RunFile == nil || i < 0 {
		return
	}
	action := f.Action[:i] + ", at the end of " + path
	for old, repl := range map[string]string{fixers.Done(f.Action): fixers.Done(action), "fix: " + f.Action: "fix: " + action} {
		if problem, ok := strings.CutSuffix(f.Message, old); ok {
			f.Message = problem + repl
			break
		}
	}
	f.Action = action
}

// escapes reports whether a path annotation is absolute or climbs out of
// the package with "..".
func escapes(path string) bool {
	path = strings.ReplaceAll(path, "\\", "/")
	if strings.HasPrefix(path, "/") || len(path) > 1 && path[1] == ':' {
		return true
	}
	for _, part := range strings.Split(path, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// fileOf returns an item's path and index annotations (internal form
// first, then legacy); the index is 0 when absent or not a number.
func fileOf(item *yaml.RNode) (string, int) {
	path, index, _ := kioutil.GetFileAnnotations(item)
	i, _ := strconv.Atoi(index)
	return path, i
}

// identityAnnotations are the annotations by which orchestrators know an
// item and its place in its file. A document copied from another item by a
// fix must not carry the original's.
var identityAnnotations = []string{
	kioutil.PathAnnotation, kioutil.LegacyPathAnnotation,
	kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation,
	kioutil.IdAnnotation, kioutil.LegacyIdAnnotation,
	kioutil.InternalAnnotationsMigrationResourceIDAnnotation,
	"kustomize.config.k8s.io/id",
}

// insertItems returns items with the documents of added inserted right
// after the item at each key. A new item gets the path of the item it
// follows and the next free index of that path, both in the internal and
// the legacy form, and none of the identity annotations it was copied with.
func insertItems(items []*yaml.RNode, added map[int][]*yaml.Node) ([]*yaml.RNode, error) {
	out := make([]*yaml.RNode, 0, len(items))
	next := map[string]int{}
	for _, item := range items {
		path, index := fileOf(item)
		next[path] = max(next[path], index+1)
	}
	for i, item := range items {
		out = append(out, item)
		path, _ := fileOf(item)
		for _, root := range added[i] {
			n := yaml.NewRNode(oam.Unwrap(root))
			for _, a := range identityAnnotations {
				if err := n.PipeE(yaml.ClearAnnotation(a)); err != nil {
					return nil, err
				}
			}
			index := strconv.Itoa(next[path])
			next[path]++
			set := [][2]string{{kioutil.IndexAnnotation, index}, {kioutil.LegacyIndexAnnotation, index}}
			if path != "" {
				set = append(set, [2]string{kioutil.PathAnnotation, path}, [2]string{kioutil.LegacyPathAnnotation, path})
			}
			for _, kv := range set {
				if err := n.PipeE(yaml.SetAnnotation(kv[0], kv[1])); err != nil {
					return nil, err
				}
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// ErrorText is what the function prints on stderr for an error returned by
// Run, each line ending in a newline, as orchestrators print stderr
// verbatim. For a Failure whose results the orchestrator shows (kpt), it is
// one line that counts the error results, so that they are not printed
// twice; otherwise (kustomize, which shows only stderr) it is one line per
// error result, and one that counts the fixes not applied. Any other error
// is one line.
func ErrorText(err error) string {
	var failure *Failure
	if !errors.As(err, &failure) {
		return fmt.Sprintf("oamfix: %v\n", err)
	}
	var b strings.Builder
	errs, notApplied := 0, 0
	for _, r := range failure.Results {
		switch {
		case r.Severity == framework.Error:
			errs++
			fmt.Fprintf(&b, "oamfix: %s\n", r)
		case r.Tags["status"] == NotApplied:
			notApplied++
		}
	}
	switch {
	case errs == 0:
		return fmt.Sprintf("oamfix: %v\n", err)
	case failure.Shown:
		return fmt.Sprintf("oamfix: failed on %d error result(s), listed in the results; nothing was changed\n", errs)
	case notApplied > 0:
		fmt.Fprintf(&b, "oamfix: the run failed, so none of its %d fix(es) was applied\n", notApplied)
	}
	return b.String()
}
