package oam

import (
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Get returns the value of key in mapping m, or nil. It reads the way
// YAML (and oamfix's validator) does: aliases are followed, and a key
// missing from the mapping is looked up in the mappings merged into it with
// "<<" (the first merged mapping that has it wins).
func Get(m *yaml.Node, key string) *yaml.Node {
	if k, v := lookup(m, key); k != nil {
		return v
	}
	return nil
}

// lookup returns the key and value nodes of key in mapping m (merge keys
// and aliases followed), or nils.
func lookup(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMerge(k) {
			merges = true
			continue
		}
		if k.Value == key {
			return k, m.Content[i+1]
		}
	}
	if !merges {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMerge(m.Content[i]) {
			continue
		}
		for _, src := range mergeSources(m.Content[i+1]) {
			if k, v := lookup(src, key); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// isMerge reports whether a mapping key is the YAML merge key "<<".
func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "" && k.Style == 0)
}

// mergeSources are the mappings a merge key's value brings in: one
// mapping (usually an alias) or a sequence of them, in priority order.
func mergeSources(v *yaml.Node) []*yaml.Node {
	v = deref(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

// Entry is one key/value pair of a mapping as Entries lists it.
type Entry struct {
	Key, Value *yaml.Node
}

// Entries lists a mapping's pairs with merge keys ("<<") expanded: keys
// written in the mapping first, then merged keys it does not override, in
// merge order. Aliases are followed. It returns nil for a non-mapping.
func Entries(m *yaml.Node) []Entry {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var own []Entry
	var merged []Entry
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !isMerge(k) {
			own = append(own, Entry{k, v})
			continue
		}
		for _, src := range mergeSources(v) {
			merged = append(merged, Entries(src)...)
		}
	}
	if len(merged) == 0 {
		return own
	}
	seen := make(map[string]bool, len(own)+len(merged))
	out := make([]Entry, 0, len(own)+len(merged))
	for _, e := range own {
		seen[e.Key.Value] = true
		out = append(out, e)
	}
	for _, e := range merged {
		if !seen[e.Key.Value] {
			seen[e.Key.Value] = true
			out = append(out, e)
		}
	}
	return out
}

// GetPath follows a dotted path of mapping keys ("cpu.value").
func GetPath(m *yaml.Node, path string) *yaml.Node {
	for _, k := range strings.Split(path, ".") {
		m = Get(m, k)
	}
	return m
}

// KeyNode returns the key node of key in mapping m, or nil (merge keys
// and aliases followed, as in Get).
func KeyNode(m *yaml.Node, key string) *yaml.Node {
	k, _ := lookup(m, key)
	return k
}

// deref follows an alias to its anchor.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Str returns a scalar's value, or "".
func Str(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// Int returns a scalar's integer value (quoted integers too).
func Int(n *yaml.Node) (int, bool) {
	s := Str(n)
	if s == "" {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// Bool returns a scalar's boolean value (quoted booleans too).
func Bool(n *yaml.Node) (bool, bool) {
	v, err := strconv.ParseBool(Str(n))
	return v, err == nil
}

// Items returns a sequence's items, or nil.
func Items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// Pairs calls fn for each key/value pair of a mapping, merged pairs
// included (see Entries).
func Pairs(m *yaml.Node, fn func(k, v *yaml.Node)) {
	for _, e := range Entries(m) {
		fn(e.Key, e.Value)
	}
}

// SetInt changes a scalar to an integer in place, so its comments stay. A
// quoted value stays a quoted string.
func SetInt(n *yaml.Node, v int) {
	n.Value = strconv.Itoa(v)
	if n.Tag != "!!str" {
		n.Tag = "!!int"
	}
}

// SetString changes a scalar's text in place, keeping its quote style
// (and quoting it if the new text would otherwise read as another type).
func SetString(n *yaml.Node, v string) {
	n.Value = v
	n.Tag = "!!str"
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && needsQuotes(v) {
		n.Style = yaml.DoubleQuotedStyle
	}
}

// yaml11Literals are plain words YAML 1.1 reads as booleans or null.
var yaml11Literals = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true, "~": true,
}

// yaml11Number matches YAML 1.1 integers and floats (binary, octal, hex,
// underscores, sexagesimal, leading-dot floats).
var yaml11Number = regexp.MustCompile(`^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(:[0-5]?[0-9])*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9_]+([eE][-+]?[0-9]+)?|\.(inf|Inf|INF|nan|NaN|NAN))$`)

// needsQuotes reports whether a plain scalar with this text would read as
// something other than a string (in YAML 1.2 or 1.1), or is not valid plain.
func needsQuotes(s string) bool {
	if s == "" || yaml11Literals[s] {
		return true
	}
	probe := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	if probe.ShortTag() != "!!str" {
		return true
	}
	// YAML 1.1 numbers yaml.v3 reads as strings: 0755, 1_000, 1:30, .5
	if yaml11Number.MatchString(s) {
		return true
	}
	if strings.ContainsAny(s[:1], "*&!|>'\"%@`#,[]{}-?: ") || strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || strings.HasSuffix(s, " ") {
		return true
	}
	return false
}

// SetField sets key in mapping m: an existing scalar value is changed in
// place (keeping its comments); otherwise the pair is appended.
func SetField(m *yaml.Node, key string, value *yaml.Node) {
	blockify(m, value)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			if old.Kind == yaml.ScalarNode && value.Kind == yaml.ScalarNode {
				old.Value, old.Tag = value.Value, value.Tag
				if value.Style != 0 || needsQuotes(value.Value) && value.Tag == "!!str" {
					if old.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
						old.Style = value.Style
					}
				}
				return
			}
			m.Content[i+1] = value
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, value)
}

// Ensure returns the value of key in mapping m, creating it with the given
// kind when absent. A present value of another kind is returned as is.
func Ensure(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	if v := deref(Get(m, key)); v != nil {
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			// "traits:" with no value, or "traits: null": fill it.
			v.Kind, v.Tag, v.Value = kind, tagOf(kind), ""
		}
		return v
	}
	v := &yaml.Node{Kind: kind, Tag: tagOf(kind)}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}

func tagOf(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "!!map"
	case yaml.SequenceNode:
		return "!!seq"
	}
	return "!!str"
}

// Append adds an item to a sequence. In a flow sequence, scalar items copy
// the quote style of their siblings.
func Append(seq *yaml.Node, item *yaml.Node) {
	blockify(seq, item)
	if seq.Style&yaml.FlowStyle != 0 && item.Kind == yaml.ScalarNode && len(seq.Content) > 0 {
		if sib := seq.Content[len(seq.Content)-1]; sib.Kind == yaml.ScalarNode && item.Tag == sib.Tag {
			item.Style = sib.Style
		}
	}
	seq.Content = append(seq.Content, item)
}

// blockify turns a flow collection ({...} or [...]) into a block one when a
// block mapping or sequence is added to it, so the addition reads as lines
// of its own instead of one long flow line. Existing children keep their
// own style.
func blockify(parent, child *yaml.Node) {
	if parent.Style&yaml.FlowStyle != 0 && (child.Kind == yaml.MappingNode || child.Kind == yaml.SequenceNode) && child.Style&yaml.FlowStyle == 0 {
		parent.Style &^= yaml.FlowStyle
	}
}

// FlowText renders a node on one line for finding summaries.
func FlowText(n *yaml.Node) string {
	c := CleanCopy(n)
	var flow func(*yaml.Node)
	flow = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			n.Style |= yaml.FlowStyle
		}
		for _, ch := range n.Content {
			flow(ch)
		}
	}
	flow(c)
	out, err := yaml.Marshal(c)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
