package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Options changes how configuration is read. The zero value accepts the
// rules of RuleIDs only.
type Options struct {
	// KnownRules are rule IDs that spec.rules accepts besides RuleIDs, for
	// rules defined outside oamfix.
	KnownRules []string
}

// Parse reads an OAMFixConfig document with the zero Options.
func Parse(data []byte, source string) (*Config, error) {
	return Options{}.Parse(data, source)
}

// Load reads an OAMFixConfig file with the zero Options.
func Load(path string) (*Config, error) {
	return Options{}.Load(path)
}

// FromConfigMapData reads the data of a ConfigMap functionConfig with the
// zero Options.
func FromConfigMapData(data map[string]string) (*Config, error) {
	return Options{}.FromConfigMapData(data)
}

// Parse reads the OAMFixConfig document in data; source names data in
// errors, usually its file name. The result is Default overlaid with what
// the document sets: a key replaces the default value of that key, lists
// included, while spec.rules merges by rule ID and vocabulary lists extend
// the built-in ones (see Vocabulary). An empty document gives Default.
//
// Parse is strict: every error is an *Error naming the line and the field.
func (o Options) Parse(data []byte, source string) (*Config, error) {
	root, err := parseDocument(data, source)
	if err != nil {
		return nil, err
	}
	cfg := Default()
	if root == nil {
		return cfg, nil
	}
	d := o.newDecoder(source)
	if err := d.header(root); err != nil {
		return nil, err
	}
	if err := d.value(root, reflect.ValueOf(cfg).Elem(), "", nil); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Load reads the file at path and parses it, naming the path in errors.
func (o Options) Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading oamfix config: %w", err)
	}
	cfg, err := o.Parse(data, path)
	if err != nil {
		return nil, err
	}
	for i, d := range cfg.Spec.Definitions {
		if !filepath.IsAbs(d) {
			cfg.Spec.Definitions[i] = filepath.Join(filepath.Dir(path), d)
		}
	}
	return cfg, nil
}

// configMapSource is the Error.File of FromConfigMapData errors.
const configMapSource = "functionConfig"

// FromConfigMapData reads the data of a kpt ConfigMap functionConfig. Keys
// are spec paths without "spec." (target.concurrentUsers,
// rules.probes.mode); values are strings read according to the field's
// type: numbers, true/false, durations, comma-separated lists for lists of
// strings and YAML flow syntax for anything else
// (vocabulary.autoscalers=[{trait: keda, min: minReplicaCount, max: maxReplicaCount}]).
// Two shortcuts set several rules: mode=check (every rule) and
// rules=replicas,probes (these rules on, every other rule off; with mode,
// the listed rules get that mode). Keys under rules.* take precedence over
// both. Errors are *Error with File "functionConfig" and Field the key.
func (o Options) FromConfigMapData(data map[string]string) (*Config, error) {
	cfg := Default()
	d := o.newDecoder(configMapSource)
	if err := d.shortcuts(cfg, data); err != nil {
		return nil, err
	}
	var keys []string
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, key := range slices.Sorted(maps.Keys(data)) {
		if key == "mode" || key == "rules" {
			continue
		}
		segs := strings.Split(key, ".")
		t, msg := keyType(reflect.TypeFor[Spec](), segs)
		if msg != "" {
			return nil, &Error{File: configMapSource, Field: key, Msg: msg}
		}
		n, err := valueNode(t, data[key])
		if err != nil {
			return nil, &Error{File: configMapSource, Field: key, Msg: err.Error()}
		}
		if !insert(root, segs, n) {
			return nil, &Error{File: configMapSource, Field: key, Msg: "conflicts with another key"}
		}
		keys = append(keys, key)
	}
	if err := d.value(root, reflect.ValueOf(&cfg.Spec).Elem(), "", nil); err != nil {
		return nil, blameKey(err, keys)
	}
	return cfg, nil
}

// shortcuts applies the mode and rules keys of a ConfigMap.
func (d *decoder) shortcuts(cfg *Config, data map[string]string) error {
	modeText, hasMode := data["mode"]
	list, hasRules := data["rules"]
	if !hasMode && !hasRules {
		return nil
	}
	mode := ModeFix
	if hasMode {
		mode = Mode(strings.TrimSpace(modeText))
		if !mode.valid() {
			return &Error{File: d.file, Field: "mode", Msg: fmt.Sprintf("expected fix, check or off, got %q", modeText)}
		}
	}
	on := d.rules
	if hasRules {
		on = splitList(list)
		for _, id := range on {
			if !slices.Contains(d.rules, id) {
				return &Error{File: d.file, Field: "rules", Msg: unknown("rule", id, d.rules)}
			}
		}
	}
	for _, id := range d.rules {
		m := ModeOff
		if slices.Contains(on, id) {
			m = mode
		}
		cfg.Spec.Rules[id] = RuleConfig{Mode: m}
	}
	return nil
}

// keyType is the type of the Spec field that the dotted ConfigMap key segs
// names, or a message saying why there is none.
func keyType(t reflect.Type, segs []string) (reflect.Type, string) {
	for _, s := range segs {
		switch {
		case t.Kind() == reflect.Map:
			t = t.Elem()
		case t.Kind() == reflect.Struct && t != reflect.TypeFor[Duration]():
			fields := fieldsOf(t)
			i := slices.IndexFunc(fields, func(f fieldSpec) bool { return f.name == s })
			if i < 0 {
				return nil, unknown("field", s, fieldNames(fields))
			}
			t = t.Field(fields[i].index).Type
		default:
			return nil, fmt.Sprintf("unknown field %q", s)
		}
	}
	return t, ""
}

// valueNode turns the ConfigMap value s into a YAML node for a field of
// type t. Values that do not parse become strings, so that the decoder
// reports them with its usual messages.
func valueNode(t reflect.Type, s string) (*yaml.Node, error) {
	scalar := func(tag, value string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
	}
	s = strings.TrimSpace(s)
	switch {
	case t == reflect.TypeFor[Duration]() || t.Kind() == reflect.String:
		return scalar(yaml.NodeTagString, s), nil
	case t.Kind() == reflect.Int:
		if _, err := strconv.Atoi(s); err == nil {
			return scalar(yaml.NodeTagInt, s), nil
		}
	case t.Kind() == reflect.Float64:
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return scalar(yaml.NodeTagFloat, s), nil
		}
	case t.Kind() == reflect.Bool:
		if b, err := strconv.ParseBool(s); err == nil {
			return scalar(yaml.NodeTagBool, strconv.FormatBool(b)), nil
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		for _, item := range splitList(s) {
			seq.Content = append(seq.Content, scalar(yaml.NodeTagString, item))
		}
		return seq, nil
	default:
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
			return nil, errors.New(syntaxError("", err).Msg)
		}
		if len(doc.Content) == 0 {
			return scalar(yaml.NodeTagNull, ""), nil
		}
		clearPositions(doc.Content[0])
		return doc.Content[0], nil
	}
	return scalar(yaml.NodeTagString, s), nil
}

// clearPositions zeroes the line and column of n and its descendants:
// lines inside a ConfigMap value mean nothing to the user.
func clearPositions(n *yaml.Node) {
	n.Line, n.Column = 0, 0
	for _, c := range n.Content {
		clearPositions(c)
	}
}

// insert adds val under the dotted path segs of the mapping root, creating
// intermediate mappings. It reports false if segs is already taken.
func insert(root *yaml.Node, segs []string, val *yaml.Node) bool {
	cur := root
	for i, s := range segs {
		var next *yaml.Node
		for j := 0; j+1 < len(cur.Content); j += 2 {
			if cur.Content[j].Value == s {
				next = cur.Content[j+1]
			}
		}
		last := i == len(segs)-1
		switch {
		case next != nil && (last || next.Kind != yaml.MappingNode):
			return false
		case next == nil && last:
			next = val
		case next == nil:
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
		default:
			cur = next
			continue
		}
		cur.Content = append(cur.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}, next)
		cur = next
	}
	return true
}

// blameKey makes a decoding error of FromConfigMapData name the ConfigMap
// key it came from; the rest of the path goes into the message.
func blameKey(err error, keys []string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	slices.SortStableFunc(keys, func(a, b string) int { return len(b) - len(a) })
	for _, k := range keys {
		switch {
		case e.Field == k:
		case strings.HasPrefix(e.Field, k) && strings.ContainsRune(".[", rune(e.Field[len(k)])):
			e.Msg = strings.TrimPrefix(e.Field[len(k):], ".") + ": " + e.Msg
		case strings.HasPrefix(k, e.Field+".") || strings.HasPrefix(k, e.Field+"["):
		default:
			continue
		}
		e.Field = k
		return e
	}
	return e
}

// parseDocument parses data as a single YAML document and returns its
// root node, or nil if the document is empty.
func parseDocument(data []byte, source string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, syntaxError(source, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(source, err)
	default:
		return nil, &Error{File: source, Line: next.Line, Msg: "expected a single YAML document, found a second one"}
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return nil, nil
	}
	return doc.Content[0], nil
}

// syntaxError turns a YAML parser error ("yaml: line 3: ...") into an *Error.
func syntaxError(source string, err error) *Error {
	e := &Error{File: source, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	if rest, ok := strings.CutPrefix(e.Msg, "line "); ok {
		if num, msg, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(num); err == nil {
				e.Line, e.Msg = line, msg
			}
		}
	}
	return e
}

// decoder overlays a YAML node tree onto Go values. The yaml struct tags
// name the fields; the oamfix struct tags constrain their values (see
// checkString and checkNumber); types implementing validator check
// themselves once decoded.
type decoder struct {
	file  string         // Error.File
	rules []string       // rule IDs spec.rules accepts
	lines map[string]int // line of every field path the input sets
}

// validator is implemented by types with constraints across fields.
// validate returns the offending field, relative to the value, and a
// message, or two empty strings.
type validator interface {
	validate() (field, msg string)
}

// newDecoder returns a decoder for the source file, accepting the rules of o.
func (o Options) newDecoder(file string) *decoder {
	rules := slices.Clone(RuleIDs)
	for _, id := range o.KnownRules {
		if !slices.Contains(rules, id) {
			rules = append(rules, id)
		}
	}
	return &decoder{file: file, rules: rules, lines: map[string]int{}}
}

// fail returns an *Error about the node n at path.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) *Error {
	return &Error{File: d.file, Line: n.Line, Field: path, Msg: fmt.Sprintf(format, args...)}
}

// header checks apiVersion and kind before anything else, so that a file
// of another kind is reported as such rather than by its first unknown field.
func (d *decoder) header(root *yaml.Node) error {
	if root.Kind != yaml.MappingNode {
		return d.fail(root, "", "expected an %s map, got %s", Kind, describe(root))
	}
	for _, want := range []struct{ key, value string }{{"apiVersion", APIVersion}, {"kind", Kind}} {
		var n *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == want.key {
				n = root.Content[i+1]
			}
		}
		switch {
		case n == nil:
			return d.fail(root, want.key, "missing, expected %q", want.value)
		case n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagString || n.Value != want.value:
			return d.fail(n, want.key, "expected %q, got %s", want.value, describe(n))
		}
	}
	return nil
}

// value decodes n into v, the value at path, applying checks (the oamfix
// tag of the field).
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string, checks []string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.lines[path] = n.Line
	switch v.Type() {
	case reflect.TypeFor[Duration]():
		return d.duration(n, v, path)
	case reflect.TypeFor[Mode]():
		return d.mode(n, v, path)
	}
	switch v.Kind() {
	case reflect.Struct:
		return d.structure(n, v, path)
	case reflect.Slice:
		return d.list(n, v, path, checks)
	case reflect.Map:
		return d.mapping(n, v, path, checks)
	case reflect.String:
		return d.str(n, v, path, checks)
	case reflect.Int:
		return d.integer(n, v, path, checks)
	case reflect.Float64:
		return d.float(n, v, path, checks)
	case reflect.Bool:
		return d.boolean(n, v, path)
	}
	panic("config: no decoder for " + v.Type().String())
}

// structure decodes a mapping into the struct v, checks that it sets the
// required fields, and validates v.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) error {
	fields := fieldsOf(v.Type())
	if isNull(n) && !slices.ContainsFunc(fields, func(f fieldSpec) bool { return f.required }) {
		return nil
	}
	if v.Type() == reflect.TypeFor[Vocabulary]() {
		return d.vocabulary(n, v, path)
	}
	set, err := d.fields(n, v, path)
	if err != nil {
		return err
	}
	for _, f := range fields {
		if f.required && !set[f.name] {
			return d.fail(n, path, "missing field %q", f.name)
		}
	}
	return d.validate(n, v, path)
}

// fields decodes the mapping n into the fields of the struct v and returns
// the names of the fields it sets.
func (d *decoder) fields(n *yaml.Node, v reflect.Value, path string) (map[string]bool, error) {
	if n.Kind != yaml.MappingNode {
		return nil, d.fail(n, path, "expected a map, got %s", describe(n))
	}
	fields := fieldsOf(v.Type())
	set := map[string]bool{}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, err := d.key(n.Content[i], path, first)
		if err != nil {
			return nil, err
		}
		j := slices.IndexFunc(fields, func(f fieldSpec) bool { return f.name == name })
		if j < 0 {
			return nil, d.fail(n.Content[i], path, "%s", unknown("field", name, fieldNames(fields)))
		}
		if err := d.value(n.Content[i+1], v.Field(fields[j].index), join(path, name), fields[j].checks); err != nil {
			return nil, err
		}
		set[name] = true
	}
	return set, nil
}

// key returns the mapping key k, rejecting keys that are not strings and
// keys already seen (first holds the line of each key seen).
func (d *decoder) key(k *yaml.Node, path string, first map[string]int) (string, error) {
	if k.Kind != yaml.ScalarNode || k.ShortTag() != yaml.NodeTagString {
		return "", d.fail(k, path, "expected a string key, got %s", describe(k))
	}
	if line, dup := first[k.Value]; dup {
		if line > 0 {
			return "", d.fail(k, path, "duplicate key %q (first at line %d)", k.Value, line)
		}
		return "", d.fail(k, path, "duplicate key %q", k.Value)
	}
	first[k.Value] = k.Line
	return k.Value, nil
}

// validate runs the validator of v, if any.
func (d *decoder) validate(n *yaml.Node, v reflect.Value, path string) error {
	val, ok := v.Interface().(validator)
	if !ok {
		return nil
	}
	field, msg := val.validate()
	if msg == "" {
		return nil
	}
	p := join(path, field)
	line, ok := d.lines[p]
	if !ok {
		line = n.Line
	}
	return &Error{File: d.file, Line: line, Field: p, Msg: msg}
}

// vocabulary decodes spec.vocabulary on its own and overlays it on the
// vocabulary in v, as the Vocabulary documentation describes.
func (d *decoder) vocabulary(n *yaml.Node, v reflect.Value, path string) error {
	var user Vocabulary
	set, err := d.fields(n, reflect.ValueOf(&user).Elem(), path)
	if err != nil {
		return err
	}
	for _, dup := range []dup{
		duplicate("autoscalers", "trait", user.Autoscalers, func(a Autoscaler) string { return a.Trait }),
		duplicate("fixedScalers", "trait", user.FixedScalers, func(f FixedScaler) string { return f.Trait }),
		duplicate("envFields", "field", user.EnvFields, func(e EnvField) string { return e.Field }),
		duplicate("probeStyles", "name", user.ProbeStyles, func(p ProbeStyle) string { return p.Name }),
	} {
		if dup.j >= 0 {
			p := fmt.Sprintf("%s.%s[%d].%s", path, dup.list, dup.j, dup.key)
			return &Error{File: d.file, Line: d.lines[p], Field: p, Msg: fmt.Sprintf("duplicate %s, also at [%d]", dup.key, dup.i)}
		}
	}
	v.Set(reflect.ValueOf(v.Interface().(Vocabulary).overlay(user, set)))
	return d.validate(n, v, path)
}

// dup locates two items of a vocabulary list with the same key field:
// items i < j, or none if j is -1.
type dup struct {
	list, key string
	i, j      int
}

// duplicate finds the first two items of list with the same key.
func duplicate[T any](list, keyField string, items []T, key func(T) string) dup {
	first := map[string]int{}
	for j, item := range items {
		if i, ok := first[key(item)]; ok {
			return dup{list, keyField, i, j}
		}
		first[key(item)] = j
	}
	return dup{list, keyField, 0, -1}
}

// overlay returns v with the lists of user set in front of its own, or
// replacing them if user.ReplaceDefaults; set names the fields the user
// set. A type pattern the user lists under one kind is dropped from the
// other kinds' lists of v.
func (v Vocabulary) overlay(user Vocabulary, set map[string]bool) Vocabulary {
	var userTypes []TypePattern
	builtin := v.kindLists()
	for _, p := range user.kindLists() {
		if set[listField[p.Kind]] && !slices.Contains(builtin, p) {
			userTypes = append(userTypes, p)
		}
	}
	types := func(kind string, mine, base []string) []string {
		base = slices.DeleteFunc(slices.Clone(base), func(t string) bool {
			return slices.ContainsFunc(userTypes, func(u TypePattern) bool { return u.Pattern == t })
		})
		return combine(set[listField[kind]], user.ReplaceDefaults, mine, base, func(s string) string { return s })
	}
	out := v
	out.UserTypes = append(slices.Clone(v.UserTypes), userTypes...)
	out.ServiceTypes = types(ServiceKind, user.ServiceTypes, v.ServiceTypes)
	out.WorkerTypes = types(WorkerKind, user.WorkerTypes, v.WorkerTypes)
	out.JobTypes = types(JobKind, user.JobTypes, v.JobTypes)
	out.DaemonTypes = types(DaemonKind, user.DaemonTypes, v.DaemonTypes)
	out.DataStoreTypes = types(DataStoreKind, user.DataStoreTypes, v.DataStoreTypes)
	out.CloudTypes = types(CloudKind, user.CloudTypes, v.CloudTypes)
	out.ReferenceTypes = types(ReferenceKind, user.ReferenceTypes, v.ReferenceTypes)
	out.Autoscalers = combine(set["autoscalers"], user.ReplaceDefaults, user.Autoscalers, v.Autoscalers, func(a Autoscaler) string { return a.Trait })
	out.FixedScalers = combine(set["fixedScalers"], user.ReplaceDefaults, user.FixedScalers, v.FixedScalers, func(f FixedScaler) string { return f.Trait })
	out.EnvFields = combine(set["envFields"], user.ReplaceDefaults, user.EnvFields, v.EnvFields, func(e EnvField) string { return e.Field })
	out.ProbeStyles = combine(set["probeStyles"], user.ReplaceDefaults, user.ProbeStyles, v.ProbeStyles, func(p ProbeStyle) string { return p.Name })
	if set["addAutoscaler"] {
		out.AddAutoscaler = user.AddAutoscaler
	}
	if set["replaceDefaults"] {
		out.ReplaceDefaults = user.ReplaceDefaults
	}
	return out
}

// combine returns base if the user did not set the list, mine if replace,
// and otherwise mine followed by the items of base whose key is not taken.
func combine[T any](set, replace bool, mine, base []T, key func(T) string) []T {
	switch {
	case !set:
		return slices.Clone(base)
	case replace:
		return mine
	}
	out := make([]T, 0, len(mine)+len(base))
	seen := map[string]bool{}
	for _, item := range slices.Concat(mine, base) {
		if !seen[key(item)] {
			seen[key(item)] = true
			out = append(out, item)
		}
	}
	return out
}

// list decodes a sequence into the slice v; checks apply to each item.
// Null gives an empty list.
func (d *decoder) list(n *yaml.Node, v reflect.Value, path string, checks []string) error {
	if isNull(n) {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return d.fail(n, path, "expected a list, got %s", describe(n))
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		if err := d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), checks); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// mapping decodes a mapping into the map v, merging with the entries v has.
// The check "rule" restricts keys to known rule IDs.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string, checks []string) error {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.fail(n, path, "expected a map, got %s", describe(n))
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, err := d.key(n.Content[i], path, first)
		if err != nil {
			return err
		}
		if slices.Contains(checks, "rule") && !slices.Contains(d.rules, key) {
			return d.fail(n.Content[i], path, "%s", unknown("rule", key, d.rules))
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if old := v.MapIndex(reflect.ValueOf(key)); old.IsValid() {
			elem.Set(old)
		}
		if err := d.value(n.Content[i+1], elem, mapPath(path, key), nil); err != nil {
			return err
		}
		v.SetMapIndex(reflect.ValueOf(key), elem)
	}
	return nil
}

// str decodes a string scalar.
func (d *decoder) str(n *yaml.Node, v reflect.Value, path string, checks []string) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagString {
		return d.fail(n, path, "expected a string, got %s", describe(n))
	}
	if msg := checkString(n.Value, checks); msg != "" {
		return d.fail(n, path, "%s", msg)
	}
	v.SetString(n.Value)
	return nil
}

// mode decodes a rule mode.
func (d *decoder) mode(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagString || !Mode(n.Value).valid() {
		return d.fail(n, path, "expected fix, check or off, got %s", describe(n))
	}
	v.SetString(n.Value)
	return nil
}

// duration decodes a positive Duration.
func (d *decoder) duration(n *yaml.Node, v reflect.Value, path string) error {
	var dur Duration
	if err := dur.UnmarshalYAML(n); err != nil {
		return d.fail(n, path, "%s", err)
	}
	if dur.Duration <= 0 {
		return d.fail(n, path, "must be greater than 0, got %s", dur)
	}
	v.Set(reflect.ValueOf(dur))
	return nil
}

// integer decodes an int.
func (d *decoder) integer(n *yaml.Node, v reflect.Value, path string, checks []string) error {
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagInt || n.Decode(&i) != nil {
		return d.fail(n, path, "expected an integer, got %s", describe(n))
	}
	if msg := checkNumber(float64(i), n.Value, checks); msg != "" {
		return d.fail(n, path, "%s", msg)
	}
	v.SetInt(int64(i))
	return nil
}

// float decodes a finite float64; integers are accepted.
func (d *decoder) float(n *yaml.Node, v reflect.Value, path string, checks []string) error {
	var f float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != yaml.NodeTagFloat && n.ShortTag() != yaml.NodeTagInt) ||
		n.Decode(&f) != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return d.fail(n, path, "expected a number, got %s", describe(n))
	}
	if msg := checkNumber(f, n.Value, checks); msg != "" {
		return d.fail(n, path, "%s", msg)
	}
	v.SetFloat(f)
	return nil
}

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, v reflect.Value, path string) error {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != yaml.NodeTagBool || n.Decode(&b) != nil {
		return d.fail(n, path, "expected true or false, got %s", describe(n))
	}
	v.SetBool(b)
	return nil
}

// fieldSpec is what the tags of a struct field say about it.
type fieldSpec struct {
	name     string   // YAML and JSON key
	index    int      // field index
	required bool     // the field must be set (list items)
	checks   []string // the oamfix tag: see checkString and checkNumber
}

// fieldsOf lists the fields of the struct type t that have a yaml tag.
func fieldsOf(t reflect.Type) []fieldSpec {
	var fields []fieldSpec
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		f := fieldSpec{name: name, index: i}
		if tag := sf.Tag.Get("oamfix"); tag != "" {
			f.checks = strings.Split(tag, ",")
			f.required = slices.Contains(f.checks, "required")
		}
		fields = append(fields, f)
	}
	return fields
}

// fieldNames returns the names of fields.
func fieldNames(fields []fieldSpec) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

// Patterns behind the string checks.
var (
	quantityRE = regexp.MustCompile(`^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$`)
	labelRE    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	suffixRE   = regexp.MustCompile(`^[-a-z0-9]+$`)
)

// checkString applies the string checks of an oamfix tag to s and returns
// what is wrong, or "". The checks are:
//
//	required, nonempty  not empty
//	glob                a non-empty path.Match pattern
//	oneof=a|b           one of the listed words
//	dotted              empty or a dotted path without empty segments
//	origin              a CORS origin: scheme://host[:port]
//	quantity            a Kubernetes quantity such as 100Gi
//	label               a DNS label (namespace name)
//	suffix              lowercase letters, digits and '-'
//	urlpath             empty or starting with "/"
func checkString(s string, checks []string) string {
	for _, c := range checks {
		name, arg, _ := strings.Cut(c, "=")
		switch name {
		case "required", "nonempty":
			if s == "" {
				return "must not be empty"
			}
		case "glob":
			if s == "" {
				return "must not be empty"
			}
			if _, err := path.Match(s, ""); err != nil {
				return fmt.Sprintf("malformed glob pattern %q", s)
			}
		case "oneof":
			if words := strings.Split(arg, "|"); !slices.Contains(words, s) {
				return fmt.Sprintf("expected %s, got %q", strings.Join(words, " or "), s)
			}
		case "dotted":
			if s != "" && slices.Contains(strings.Split(s, "."), "") {
				return fmt.Sprintf("malformed dotted path %q", s)
			}
		case "origin":
			if s == "*" {
				return `"*" allows every origin; list the allowed origins instead`
			}
			if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
				u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
				return fmt.Sprintf("expected an origin such as https://app.example.com, got %q", s)
			}
		case "quantity":
			if !quantityRE.MatchString(s) {
				return fmt.Sprintf("expected a quantity such as 100Gi, got %q", s)
			}
		case "label":
			if !labelRE.MatchString(s) {
				return fmt.Sprintf("expected a namespace name (lowercase letters, digits and '-'), got %q", s)
			}
		case "suffix":
			if !suffixRE.MatchString(s) {
				return fmt.Sprintf("expected lowercase letters, digits and '-', got %q", s)
			}
		case "urlpath":
			if s != "" && !strings.HasPrefix(s, "/") {
				return fmt.Sprintf("expected a path starting with /, got %q", s)
			}
		}
	}
	return ""
}

// checkNumber applies the number checks of an oamfix tag to f, written as
// got in the input, and returns what is wrong, or "". The checks are:
//
//	positive  greater than 0
//	nonneg    0 or more
//	percent   1 to 100
//	max=N     at most N
func checkNumber(f float64, got string, checks []string) string {
	for _, c := range checks {
		name, arg, _ := strings.Cut(c, "=")
		switch name {
		case "positive":
			if f <= 0 {
				return "must be greater than 0, got " + got
			}
		case "nonneg":
			if f < 0 {
				return "must not be negative, got " + got
			}
		case "percent":
			if f < 1 || f > 100 {
				return "must be a percentage from 1 to 100, got " + got
			}
		case "max":
			if limit, _ := strconv.ParseFloat(arg, 64); f > limit {
				return fmt.Sprintf("must be at most %s, got %s", arg, got)
			}
		}
	}
	return ""
}

// unknown says that name is not one of known, suggesting the closest.
func unknown(what, name string, known []string) string {
	if guess := closest(name, known); guess != "" {
		return fmt.Sprintf("unknown %s %q, did you mean %q?", what, name, guess)
	}
	return fmt.Sprintf("unknown %s %q (known: %s)", what, name, strings.Join(known, ", "))
}

// closest returns the word of known nearest to name, ignoring case, if it
// is at most two edits away.
func closest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := EditDistance(strings.ToLower(name), strings.ToLower(k)); d < bestDist && d < len(name) {
			best, bestDist = k, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b (byte-wise):
// how "did you mean" suggestions for mistyped names are chosen.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// describe names the value of n for messages: a quoted string, a number
// or boolean as written, null, a map or a list.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case yaml.NodeTagNull:
		return "null"
	case yaml.NodeTagString:
		return strconv.Quote(n.Value)
	}
	return n.Value
}

// isNull reports whether n is a null scalar (including an empty value).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull
}

// join appends the field name to the dotted path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// mapPath appends a map key to path: dotted if the key is a plain word,
// else as ["key"].
func mapPath(path, key string) string {
	plain := key != "" && !strings.ContainsFunc(key, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	if plain {
		return join(path, key)
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// splitList splits a comma-separated list, trimming spaces and dropping
// empty items.
func splitList(s string) []string {
	items := []string{}
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// joinQuoted quotes each item and joins them with commas.
func joinQuoted(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = strconv.Quote(s)
	}
	return strings.Join(quoted, ", ")
}
