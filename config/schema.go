package config

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:generate go run ./gen -src . -out oamfixconfig.schema.json

// SchemaFile is the JSON Schema of OAMFixConfig files, generated from the
// Go types by `go generate ./config` and committed at config/SchemaFile
// in the repository.
const SchemaFile = "oamfixconfig.schema.json"

//go:embed oamfixconfig.schema.json
var committedSchema []byte

// Schema returns the JSON Schema (draft-07) of OAMFixConfig files, as
// committed at config/oamfixconfig.schema.json: editors complete and check
// .oamfix.yaml with it.
func Schema() []byte { return bytes.Clone(committedSchema) }

// SchemaURL is the address of the schema in the repository at ref (a
// release tag, or main).
func SchemaURL(ref string) string {
	return "https://raw.githubusercontent.com/oamfix/oamfix/" + ref + "/config/" + SchemaFile
}

// GenerateSchema builds the JSON Schema of OAMFixConfig files from the Go
// types: their yaml names, the constraints of their oamfix tags (see
// checkString and checkNumber), required fields and rule IDs, with the
// defaults of Default. A field's description is its comment in
// DefaultYAML, else its Go doc comment from fieldDocs (keyed
// "Type.Field", as config/gen reads them from the source).
// `go generate ./config` writes it to SchemaFile; a test keeps that file,
// which Schema returns, equal to it.
func GenerateSchema(fieldDocs map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(defaultYAML), &doc); err != nil {
		return nil, err
	}
	data, err := json.Marshal(Default())
	if err != nil {
		return nil, err
	}
	var defaults any
	if err := json.Unmarshal(data, &defaults); err != nil {
		return nil, err
	}
	g := &schemaGen{docs: fieldDocs}
	props := g.object(reflect.TypeFor[Config](), doc.Content[0], defaults)[1].value.(obj)
	for i, f := range props {
		switch f.key {
		case "apiVersion":
			props[i].value = obj{{"description", "Format version of this file."}, {"const", APIVersion}}
		case "kind":
			props[i].value = obj{{"description", "Always " + Kind + "."}, {"const", Kind}}
		}
	}
	if g.err != nil {
		return nil, g.err
	}
	out, err := json.MarshalIndent(obj{
		{"$schema", "http://json-schema.org/draft-07/schema#"},
		{"$id", SchemaURL("main")},
		{"title", Kind},
		{"description", "oamfix configuration (.oamfix.yaml). A file lists only what it changes; `oamfix config default` prints every knob with its default."},
		{"type", "object"},
		{"properties", props},
		{"required", []string{"apiVersion", "kind"}},
		{"additionalProperties", false},
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// obj is a JSON object that keeps its keys in order.
type obj []field

// field is one key of an obj.
type field struct {
	key   string
	value any
}

// MarshalJSON implements json.Marshaler, keeping the key order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// schemaGen builds schemas from the field docs; err records the first
// type it cannot describe.
type schemaGen struct {
	docs map[string]string
	err  error
}

// object describes the struct type t: its first field is "type", its
// second "properties". doc is its mapping in DefaultYAML (nil when it has
// none) and def its default value, both read for its fields.
func (g *schemaGen) object(t reflect.Type, doc *yaml.Node, def any) obj {
	props := obj{}
	var required []string
	defs, _ := def.(map[string]any)
	for _, f := range fieldsOf(t) {
		sf := t.Field(f.index)
		key, value := mapEntry(doc, f.name)
		props = append(props, field{f.name, described(g.value(sf.Type, f.checks, value, defs[f.name]), key, g.docs[t.Name()+"."+sf.Name])})
		if f.required {
			required = append(required, f.name)
		}
	}
	if len(required) == 0 {
		// The decoder reads null (an empty value) as "keep the defaults".
		return obj{{"type", []string{"object", "null"}}, {"properties", props}, {"additionalProperties", false}}
	}
	return obj{{"type", "object"}, {"properties", props}, {"required", required}, {"additionalProperties", false}}
}

// value describes a value of type t with the checks of its oamfix tag.
// doc is its node in DefaultYAML and def its default, or nil.
func (g *schemaGen) value(t reflect.Type, checks []string, doc *yaml.Node, def any) obj {
	switch t {
	case reflect.TypeFor[Duration]():
		return withDefault(obj{{"anyOf", []obj{
			{{"type", "string"}, {"pattern", `^([0-9]+|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`}},
			{{"type", "integer"}, {"minimum", 1}},
		}}}, def)
	case reflect.TypeFor[Mode]():
		return withDefault(obj{{"enum", []Mode{ModeFix, ModeCheck, ModeOff}}}, def)
	}
	switch t.Kind() {
	case reflect.Struct:
		return g.object(t, doc, def)
	case reflect.Slice:
		var item *yaml.Node
		if doc != nil && doc.Kind == yaml.SequenceNode && len(doc.Content) > 0 {
			item = doc.Content[0]
		}
		// The decoder reads null as an empty list.
		return withDefault(obj{{"type", []string{"array", "null"}}, {"items", g.value(t.Elem(), checks, item, nil)}}, def)
	case reflect.Map:
		if slices.Contains(checks, "rule") {
			props := obj{}
			defs, _ := def.(map[string]any)
			for _, id := range RuleIDs {
				key, value := mapEntry(doc, id)
				props = append(props, field{id, described(g.value(t.Elem(), nil, value, defs[id]), key, "")})
			}
			return obj{{"type", []string{"object", "null"}}, {"properties", props}, {"additionalProperties", false}}
		}
		return withDefault(obj{{"type", []string{"object", "null"}}, {"additionalProperties", g.value(t.Elem(), nil, nil, nil)}}, def)
	case reflect.String:
		return withDefault(stringSchema(checks), def)
	case reflect.Int:
		return withDefault(append(obj{{"type", "integer"}}, numberBounds(checks)...), def)
	case reflect.Float64:
		return withDefault(append(obj{{"type", "number"}}, numberBounds(checks)...), def)
	case reflect.Bool:
		return withDefault(obj{{"type", "boolean"}}, def)
	}
	if g.err == nil {
		g.err = fmt.Errorf("config: no JSON Schema for %s", t)
	}
	return obj{}
}

// stringSchema describes a string with the string checks of an oamfix tag.
func stringSchema(checks []string) obj {
	s := obj{{"type", "string"}}
	for _, c := range checks {
		name, arg, _ := strings.Cut(c, "=")
		switch name {
		case "required", "nonempty", "glob":
			s = append(s, field{"minLength", 1})
		case "oneof":
			s = append(s, field{"enum", strings.Split(arg, "|")})
		case "dotted":
			s = append(s, field{"pattern", `^([^.]+(\.[^.]+)*)?$`})
		case "origin":
			s = append(s, field{"pattern", `^https?://[^/?#@\s]+$`}, field{"examples", []string{"https://app.example.com"}})
		case "quantity":
			s = append(s, field{"pattern", quantityRE.String()})
		case "label":
			s = append(s, field{"pattern", labelRE.String()})
		case "suffix":
			s = append(s, field{"pattern", suffixRE.String()})
		case "urlpath":
			s = append(s, field{"pattern", `^(/.*)?$`})
		}
	}
	return s
}

// numberBounds describes the number checks of an oamfix tag.
func numberBounds(checks []string) obj {
	var s obj
	for _, c := range checks {
		name, arg, _ := strings.Cut(c, "=")
		switch name {
		case "positive":
			s = append(s, field{"exclusiveMinimum", 0})
		case "nonneg":
			s = append(s, field{"minimum", 0})
		case "percent":
			s = append(s, field{"minimum", 1}, field{"maximum", 100})
		case "max":
			s = append(s, field{"maximum", json.Number(arg)})
		}
	}
	return s
}

// withDefault adds the default value def to s, unless it is nil.
func withDefault(s obj, def any) obj {
	if def == nil {
		return s
	}
	return append(s, field{"default", def})
}

// described puts first in s the description written above key in
// DefaultYAML, else goDoc, if any.
func described(s obj, key *yaml.Node, goDoc string) obj {
	text := goDoc
	if key != nil && key.HeadComment != "" {
		var lines []string
		for l := range strings.SplitSeq(key.HeadComment, "\n") {
			lines = append(lines, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "#")))
		}
		text = strings.Join(lines, " ")
	}
	if text == "" {
		return s
	}
	return append(obj{{"description", text}}, s...)
}

// mapEntry returns the key and value nodes of key in the mapping m, or nils.
func mapEntry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}
