package fixers

import (
	"strings"

	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Fix is what a rule proposes for one finding, as data: the edits that
// resolve it. A rule never applies a fix; the engine does, after checking
// exemptions, the rule's mode and the fix's preconditions, and it derives
// the finding's paths and proposed value from the edits.
type Fix struct {
	// Action says what the fix does, in the imperative ("add a
	// circuit-breaker trait (...)"). The engine appends it to the finding's
	// message: as done ("adding ...") when the fix is written, as a
	// proposal ("fix: add ...") when it is not.
	Action string
	Edits  []Edit
	// Requires lists the conditions under which the fix is safe to write.
	// When one does not hold, the finding stays open with its reason and
	// nothing is written.
	Requires []Precondition
}

// Precondition is one named condition a fix needs, already evaluated on
// what the Application and its definitions say (see the workload model).
type Precondition struct {
	// Name identifies the condition in reports and tests (has-pods,
	// sole-replica-owner, ...).
	Name string
	// Holds is whether the condition is met.
	Holds bool
	// Reason says, in the user's words, why the condition does not hold.
	Reason string
	// Remedy says what the user can do so that it holds.
	Remedy string
}

// Unmet returns the fix's preconditions that do not hold.
func (f *Fix) Unmet() []Precondition {
	var out []Precondition
	for _, p := range f.Requires {
		if !p.Holds {
			out = append(out, p)
		}
	}
	return out
}

// Require adds preconditions to the fix and returns it.
func (f *Fix) Require(ps ...Precondition) *Fix {
	f.Requires = append(f.Requires, ps...)
	return f
}

// Edits makes a fix of edits.
func Edits(edits ...Edit) *Fix { return &Fix{Edits: edits} }

// Act makes a fix that does action (in the imperative) with edits.
func Act(action string, edits ...Edit) *Fix { return &Fix{Action: action, Edits: edits} }

// Done is the fix's action as done, for the message of a fixed finding:
// its first word in the -ing form (add a trait: adding a trait).
func (f *Fix) Done() string { return Done(f.Action) }

// Done turns an action in the imperative into the -ing form used in the
// message of a fixed finding.
func Done(action string) string {
	verb, rest, _ := strings.Cut(action, " ")
	switch {
	case strings.HasSuffix(verb, "ee"):
	case strings.HasSuffix(verb, "e"):
		verb = strings.TrimSuffix(verb, "e")
	case verb == "set" || verb == "put" || verb == "cut":
		verb += verb[len(verb)-1:]
	}
	if rest == "" {
		return verb + "ing"
	}
	return verb + "ing " + rest
}

// Op is the kind of an Edit.
type Op int

// Edit operations.
const (
	// OpSetScalar changes the scalar At to Value's text and tag in place,
	// keeping its style and comments.
	OpSetScalar Op = iota
	// OpSet sets the mapping field reached from At through Keys (the last
	// key is the field) to Value; missing mappings on the way are created.
	OpSet
	// OpAppend appends Items to the sequence reached from At through Keys,
	// creating it (and mappings on the way) when missing.
	OpAppend
	// OpInsertBefore and OpInsertAfter put Items next to the item Sibling
	// of the sequence At.
	OpInsertBefore
	OpInsertAfter
	// OpReplaceItems replaces the items of the sequence At with Items.
	OpReplaceItems
	// OpAddDocument adds Value as a new document after the document whose
	// root is At.
	OpAddDocument
)

// Edit is one change to a document tree. It names the node it starts from
// (At) and what it writes, so the engine can apply it and say where it
// landed.
type Edit struct {
	Op      Op
	At      *yaml.Node
	Keys    []string
	Value   *yaml.Node
	Items   []*yaml.Node
	Sibling *yaml.Node
}

// SetScalar replaces the text of an existing scalar.
func SetScalar(n *yaml.Node, v any) Edit {
	return Edit{Op: OpSetScalar, At: n, Value: oam.Scalar(v)}
}

// Set sets a field below the mapping at: keys is a dotted path whose last
// key is the field ("properties.min").
func Set(at *yaml.Node, keys string, v any) Edit {
	return Edit{Op: OpSet, At: at, Keys: strings.Split(keys, "."), Value: oam.Scalar(v)}
}

// SetField sets one field of the mapping at; key is taken as written
// (annotation keys contain dots).
func SetField(at *yaml.Node, key string, v any) Edit {
	return Edit{Op: OpSet, At: at, Keys: []string{key}, Value: oam.Scalar(v)}
}

// Append appends items to the sequence at the dotted path keys below the
// mapping at ("traits").
func Append(at *yaml.Node, keys string, items ...*yaml.Node) Edit {
	return Edit{Op: OpAppend, At: at, Keys: strings.Split(keys, "."), Items: items}
}

// InsertBefore puts item before sibling in the sequence seq.
func InsertBefore(seq, sibling, item *yaml.Node) Edit {
	return Edit{Op: OpInsertBefore, At: seq, Sibling: sibling, Items: []*yaml.Node{item}}
}

// InsertAfter puts item after sibling in the sequence seq.
func InsertAfter(seq, sibling, item *yaml.Node) Edit {
	return Edit{Op: OpInsertAfter, At: seq, Sibling: sibling, Items: []*yaml.Node{item}}
}

// ReplaceItems replaces the items of the sequence seq.
func ReplaceItems(seq *yaml.Node, items []*yaml.Node) Edit {
	return Edit{Op: OpReplaceItems, At: seq, Items: items}
}

// AddDocument adds root as a new document after the document whose root
// mapping is after.
func AddDocument(after, root *yaml.Node) Edit {
	return Edit{Op: OpAddDocument, At: after, Value: root}
}

// Apply makes the edit. addDocument receives OpAddDocument edits.
func (e Edit) Apply(addDocument func(after, root *yaml.Node)) {
	switch e.Op {
	case OpSetScalar:
		n := e.At
		n.Value = e.Value.Value
		if e.Value.Tag == "!!str" {
			oam.SetString(n, e.Value.Value)
		} else if n.Tag != "!!str" {
			n.Tag = e.Value.Tag
		}
	case OpSet:
		chain := ensureChain(e.At, e.Keys[:len(e.Keys)-1])
		parent := chain[len(chain)-1]
		oam.SetField(parent, e.Keys[len(e.Keys)-1], e.Value)
		blockifyChain(chain)
	case OpAppend:
		chain := ensureChain(e.At, e.Keys[:len(e.Keys)-1])
		parent := chain[len(chain)-1]
		seq := oam.Ensure(parent, e.Keys[len(e.Keys)-1], yaml.SequenceNode)
		chain = append(chain, seq)
		for _, it := range e.Items {
			oam.Append(seq, it)
		}
		blockifyChain(chain)
	case OpInsertBefore, OpInsertAfter:
		at := len(e.At.Content)
		for i, it := range e.At.Content {
			if it == e.Sibling {
				at = i
				if e.Op == OpInsertAfter {
					at++
				}
				break
			}
		}
		content := append([]*yaml.Node{}, e.At.Content[:at]...)
		content = append(content, e.Items...)
		e.At.Content = append(content, e.At.Content[at:]...)
	case OpReplaceItems:
		e.At.Content = e.Items
	case OpAddDocument:
		addDocument(e.At, e.Value)
	}
}

// Targets returns the existing nodes Apply changes in place: the scalar
// it sets, the sequence it adds items to or replaces them in, and for Set
// and Append every node on the way from At through Keys (each may gain a
// field, turn from empty into a collection, or change style). A caller
// that records edits (kio.Document.Touch) records these before Apply.
func (e Edit) Targets() []*yaml.Node {
	switch e.Op {
	case OpSetScalar, OpInsertBefore, OpInsertAfter, OpReplaceItems:
		return []*yaml.Node{e.At}
	case OpSet, OpAppend:
		out := []*yaml.Node{e.At}
		n := e.At
		for _, k := range e.Keys {
			n = oam.Get(n, k)
			for n != nil && n.Kind == yaml.AliasNode {
				n = n.Alias
			}
			if n == nil {
				break
			}
			out = append(out, n)
		}
		return out
	}
	return nil
}

// ensureChain follows keys from the mapping at, creating block mappings
// where they are missing, and returns every mapping on the way (at first).
func ensureChain(at *yaml.Node, keys []string) []*yaml.Node {
	chain := []*yaml.Node{at}
	for _, k := range keys {
		at = oam.Ensure(at, k, yaml.MappingNode)
		chain = append(chain, at)
	}
	return chain
}

// blockifyChain turns a flow mapping on the chain into a block one when
// its only entry is a collection that became a non-empty block
// (workflow: {} or workflow: {steps: []} receiving steps), so the new
// lines read as lines of their own. Flow collections with other entries
// keep their style.
func blockifyChain(chain []*yaml.Node) {
	for i := len(chain) - 1; i > 0; i-- {
		child, parent := chain[i], chain[i-1]
		if child.Style&yaml.FlowStyle == 0 && len(child.Content) > 0 && parent.Style&yaml.FlowStyle != 0 && len(parent.Content) == 2 {
			parent.Style &^= yaml.FlowStyle
		}
	}
}
