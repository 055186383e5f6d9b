package krm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/fixers"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// NotApplied is the status tag of a finding whose fix a failed run made
// but did not keep: the function returned its items unchanged.
const NotApplied = "not-applied"

// Result renders one finding about item as a KRM result, for a run whose
// threshold is failOn:
//
//   - severity: error for an open finding that fails the run (see fails);
//     info for a fixed or suppressed finding; otherwise warning for
//     critical, high and medium, info for low and info;
//   - message: a fixed finding's says "fixed: " and what was changed; an
//     open one's adds the remediation, a suppressed one's the exemption;
//   - resourceRef: the Application;
//   - field: the numeric field path (the named path when there is none),
//     with the current and proposed values;
//   - file: path and index, from the item's annotations;
//   - tags: rule, status (fixed, open, suppressed), severity (the rule's),
//     and assumptions (the values the fix took from configuration
//     defaults), when there are any.
func Result(f fixers.Finding, item *yaml.RNode, failOn fixers.Severity) *framework.Result {
	r := &framework.Result{
		Severity: framework.Info,
		ResourceRef: &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: f.Resource.APIVersion, Kind: f.Resource.Kind},
			NameMeta: yaml.NameMeta{Name: f.Resource.Name, Namespace: f.Resource.Namespace},
		},
		Tags: map[string]string{"rule": f.Rule, "status": string(f.Status), "severity": string(f.Severity)},
	}
	switch f.Status {
	case fixers.Fixed:
		r.Message = "fixed: " + f.Message
	case fixers.Suppressed:
		r.Message = f.Message + " (suppressed: " + f.SuppressedBy + ")"
	default:
		r.Message = f.Message
		if f.Remediation != "" {
			r.Message += "; to resolve: " + f.Remediation
		}
		r.Severity = quiet(f.Severity)
		if fails(f.Severity, failOn) {
			r.Severity = framework.Error
		}
	}
	if len(f.Assumptions) > 0 {
		r.Tags["assumptions"] = strings.Join(f.Assumptions, "; ")
	}
	path := f.FieldPath
	if path == "" {
		path = f.Path
	}
	if path != "" {
		r.Field = &framework.Field{Path: path}
		if f.CurrentValue != "" {
			r.Field.CurrentValue = f.CurrentValue
		}
		if f.ProposedValue != "" {
			r.Field.ProposedValue = f.ProposedValue
		}
	}
	r.File = fileResult(item)
	return r
}

// notAppliedResult renders an open finding, as check mode reports it
// ("...; fix: add X"), whose fix a failed run made but did not keep: its
// message says so, its status tag is NotApplied, and its severity is
// warning (critical, high, medium) or info, never error: the fix would
// have cleared it, so it is not why the run failed.
func notAppliedResult(f fixers.Finding, item *yaml.RNode) *framework.Result {
	r := Result(f, item, FailNone)
	r.Message = f.Message + " (not applied: the run failed, so nothing was changed)"
	r.Tags["status"] = NotApplied
	return r
}

// quiet is the result severity of an open finding that does not fail the
// run: warning for critical, high and medium, info below.
func quiet(sev fixers.Severity) framework.Severity {
	if sev.Rank() >= fixers.Medium.Rank() {
		return framework.Warning
	}
	return framework.Info
}

// fileResult is the file an item came from, from its path and index
// annotations, or nil when it has no path (under kustomize build, where the
// index is a position in the build, not in a file).
func fileResult(item *yaml.RNode) *framework.File {
	path, index := fileOf(item)
	if path == "" {
		return nil
	}
	return &framework.File{Path: path, Index: index}
}

// refOf identifies a KRM object.
func refOf(n *yaml.RNode) *yaml.ResourceIdentifier {
	if n == nil || n.YNode().Kind != yaml.MappingNode {
		return nil
	}
	return &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: n.GetApiVersion(), Kind: n.GetKind()},
		NameMeta: yaml.NameMeta{Name: n.GetName(), Namespace: n.GetNamespace()},
	}
}

// configResult is the error result of a functionConfig oamfix cannot use.
func configResult(fc *yaml.RNode, err error) *framework.Result {
	r := &framework.Result{Severity: framework.Error, Message: err.Error(), ResourceRef: refOf(fc)}
	var ce *ConfigError
	if errors.As(err, &ce) && ce.Field != "" {
		r.Field = &framework.Field{Path: ce.Field}
	}
	return r
}

// errorResult is the error result of a rule that failed on an item.
func errorResult(item *yaml.RNode, err error) *framework.Result {
	return &framework.Result{Severity: framework.Error, Message: err.Error(), ResourceRef: refOf(item), File: fileResult(item)}
}

// duplicateKeyResults reports every mapping key an item repeats, as an
// error: kpt's write-back turns such keys into two copies of the first
// value, silently losing the second.
func duplicateKeyResults(item *yaml.RNode) []*framework.Result {
	var out []*framework.Result
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			seen := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				p := k
				if path != "" {
					p = path + "." + k
				}
				if seen[k] {
					out = append(out, &framework.Result{
						Severity:    framework.Error,
						Message:     fmt.Sprintf("duplicate key %q: kpt would write the first value twice and lose the second; remove one of them", k),
						ResourceRef: refOf(item),
						Field:       &framework.Field{Path: p},
						File:        fileResult(item),
					})
				}
				seen[k] = true
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(item.YNode(), "")
	return out
}
