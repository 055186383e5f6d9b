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

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options say how the function runs. The zero value runs every rule in the
// modes the functionConfig sets and, for rules in check mode, fails on
// findings of high severity or above.
type Options struct {
	// Rules selects rules like the CLI's --rules: "all" (or empty), "none"
	// or comma-separated rule IDs.
	Rules string
	// CheckOnly runs every rule in check mode, whatever the
	// functionConfig says: nothing is changed.
	CheckOnly bool
	// FailOn, when set, overrides the functionConfig's failOn: open
	// findings of rules in check mode at this severity or above are
	// error results, which fail the run.
	FailOn fixers.Severity
}

// DefaultFailOn is the failOn severity when neither the functionConfig
// nor Options set one.
const DefaultFailOn = fixers.High

// ErrNotResourceList is returned by Run when its input is not a
// ResourceList.
var ErrNotResourceList = errors.New("expected a ResourceList (kind ResourceList or List with items or functionConfig) on stdin")

// Run reads a ResourceList from in, processes it (see Process) and writes
// the resulting ResourceList, with its results, to out. A non-nil error
// means the run failed: a bad functionConfig or error results (then the
// error is the framework.Results, and the output has been written first),
// or unreadable input or options (then nothing is written).
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
	return framework.Execute(framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		// results are output only: drop any that came in, so they are
		// not echoed as if they were this run's.
		rw.Results = nil
		return Process(rl, opts)
	}), rw)
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

// Process runs the rules over the Application items of rl in place and
// appends one result per finding (see Result). Items that are not
// core.oam.dev Applications are never touched. File-level rules (one
// Application per environment) see the Applications grouped by their path
// annotation; a document such a rule adds becomes a new item right after
// the one it follows, with the path of its group and the next free index.
//
// It returns rl.Results when any result has severity error (a bad
// functionConfig, a duplicate key, or an open finding of a rule in check
// mode at or above failOn), so that the caller exits non-zero.
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
	checkOnly := opts.CheckOnly || set.CheckOnly
	failOn := DefaultFailOn
	if set.FailOn != "" {
		failOn = set.FailOn
	}
	if opts.FailOn != "" {
		failOn = opts.FailOn
	}

	var findings []fixers.Finding
	groups := map[string][]engine.Doc{}
	var paths []string
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
		if _, ok := groups[path]; !ok {
			paths = append(paths, path)
		}
		groups[path] = append(groups[path], engine.Doc{Node: item.YNode(), File: path, Index: i})
	}
	added := map[int][]*yaml.Node{}
	opts2 := engine.Options{Config: set.Config, Rules: rules, CheckOnly: checkOnly}
	if err := opts2.UseDefinitions(set.Config.Spec.Definitions, set.Config.Spec.Validate); err != nil {
		rl.Results = append(rl.Results, configResult(rl.FunctionConfig, err))
		return rl.Results
	}
	for _, path := range paths {
		docs := groups[path]
		out, err := engine.Run(docs, opts2)
		if err != nil {
			rl.Results = append(rl.Results, &framework.Result{Severity: framework.Error, Message: err.Error()})
			return rl.Results
		}
		findings = append(findings, out.Findings...)
		for _, a := range out.Added {
			after := docs[a.After].Index
			added[after] = append(added[after], a.Root)
		}
	}

	// Findings carry the position of their item in Document.
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Document < findings[j].Document })
	for _, f := range findings {
		check := checkOnly || set.Config.Mode(f.Rule) == config.ModeCheck
		rl.Results = append(rl.Results, Result(f, rl.Items[f.Document], check, failOn))
	}
	if len(added) > 0 {
		if rl.Items, err = insertItems(rl.Items, added); err != nil {
			return err
		}
	}
	if rl.Results.ExitCode() != 0 {
		return rl.Results
	}
	return nil
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
// Run: one line per error result (or the error itself), each ending in a
// newline, as orchestrators print stderr verbatim.
func ErrorText(err error) string {
	var results framework.Results
	if !errors.As(err, &results) {
		return fmt.Sprintf("oamfix: %v\n", err)
	}
	var b strings.Builder
	n := 0
	for _, r := range results {
		if r.Severity == framework.Error {
			n++
			fmt.Fprintf(&b, "oamfix: %s\n", r)
		}
	}
	if n == 0 {
		return fmt.Sprintf("oamfix: %v\n", err)
	}
	return b.String()
}
