package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	cuejson "cuelang.org/go/encoding/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/oamfix/oamfix/defs"
)

// Definition kinds, as written in the type field of a CUE definition file.
const (
	kindComponent = "component"
	kindTrait     = "trait"
	kindPolicy    = "policy"
	kindStep      = "workflow-step"
)

// yamlKinds maps a definition object's kind to its definition kind.
var yamlKinds = map[string]string{
	"ComponentDefinition":    kindComponent,
	"TraitDefinition":        kindTrait,
	"PolicyDefinition":       kindPolicy,
	"WorkflowStepDefinition": kindStep,
}

// Definitions is a set of KubeVela X-Definitions whose CUE parameter
// schemas check the properties of components, traits, policies and
// workflow steps. It is safe for concurrent use.
type Definitions struct {
	byKey map[defKey]*definition
}

type defKey struct{ kind, name string }

// runtime is one CUE context and the lock that serialises its use: CUE
// values are not safe for concurrent evaluation.
type runtime struct {
	mu  sync.Mutex
	ctx *cue.Context
}

// definition is one compiled definition.
type definition struct {
	kind, name string
	rt         *runtime
	// param is the template's parameter, closed when it is a struct.
	param cue.Value
}

// issue is one CUE error about properties: the path below properties
// and the message.
type issue struct {
	path []string
	msg  string
}

// LoadDefinitions reads definitions from files and directories (walked
// recursively): *.cue files in KubeVela's definition format (a field naming
// the definition, with type, description and attributes, next to a template
// field), and *.yaml/*.yml/*.json files holding ComponentDefinition,
// TraitDefinition, PolicyDefinition or WorkflowStepDefinition objects with
// a spec.schematic.cue.template (as `vela def get` or `kubectl get -o yaml`
// export them, also inside a List). Other YAML documents, definitions without
// a CUE schematic, .cue files that are not definitions and unparsable YAML
// files that do not mention a definition kind are skipped. Later files win
// when two define the same kind and name.
func LoadDefinitions(dirs ...string) (*Definitions, error) {
	d := &Definitions{byKey: map[defKey]*definition{}}
	rt := &runtime{ctx: cuecontext.New()}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".cue":
				src, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				def, err := compileCUEFile(rt, path, src)
				if err != nil || def == nil {
					return err
				}
				d.byKey[defKey{def.kind, def.name}] = def
			case ".yaml", ".yml", ".json":
				src, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				return loadYAML(d, rt, path, src)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// definitionKind finds a definition object in YAML text.
var definitionKind = regexp.MustCompile(`(?m)^\s*(- )?kind:\s*["']?(Component|Trait|Policy|WorkflowStep)Definition\b`)

// loadYAML adds the definition objects of a YAML stream.
func loadYAML(d *Definitions, rt *runtime, path string, src []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// Definitions dirs may hold other YAML (Helm templates, say);
			// only a file that declares definitions must parse.
			if definitionKind.Match(src) {
				return fmt.Errorf("%s: %v", path, err)
			}
			return nil
		}
		objs := []*yaml.Node{deref(&doc)}
		if items := deref(lookup(objs[0], "items").value); items != nil && items.Kind == yaml.SequenceNode {
			objs = items.Content
		}
		for _, o := range objs {
			kind, ok := yamlKinds[stringField(o, "kind")]
			if !ok {
				continue
			}
			name := stringField(lookup(o, "metadata").value, "name")
			cueNode := lookup(lookup(lookup(o, "spec").value, "schematic").value, "cue").value
			tmpl := stringField(cueNode, "template")
			if name == "" || tmpl == "" {
				continue
			}
			def, err := compileTemplate(rt, fmt.Sprintf("%s:%d", path, deref(o).Line), kind, name, []byte(tmpl))
			if err != nil {
				return err
			}
			d.byKey[defKey{kind, name}] = def
		}
	}
}

var embedded = sync.OnceValue(func() *Definitions {
	d := &Definitions{byKey: map[defKey]*definition{}}
	rt := &runtime{ctx: cuecontext.New()}
	for name, tmpl := range defs.Templates() {
		def, err := compileTemplate(rt, "oamfix defs: "+name, kindTrait, name, []byte(tmpl))
		if err != nil {
			// The embedded templates are compiled by the defs tests.
			panic("validate: " + err.Error())
		}
		d.byKey[defKey{kindTrait, name}] = def
	}
	return d
})

// Embedded returns the trait definitions oamfix ships (package defs):
// circuit-breaker and network-policy.
func Embedded() *Definitions { return embedded() }

// Merge returns a new set holding d's definitions and then others', later
// sets winning when two define the same kind and name. Nil sets are skipped.
func (d *Definitions) Merge(others ...*Definitions) *Definitions {
	out := &Definitions{byKey: map[defKey]*definition{}}
	for _, s := range append([]*Definitions{d}, others...) {
		if s == nil {
			continue
		}
		for k, v := range s.byKey {
			out.byKey[k] = v
		}
	}
	return out
}

// ParameterFields returns the top-level field names of a trait
// definition's parameter, optional ones included, in declaration order.
func (d *Definitions) ParameterFields(traitType string) ([]string, error) {
	def := d.lookup(kindTrait, traitType)
	if def == nil {
		return nil, fmt.Errorf("no trait definition %q", traitType)
	}
	def.rt.mu.Lock()
	defer def.rt.mu.Unlock()
	it, err := def.param.Fields(cue.Optional(true))
	if err != nil {
		return nil, fmt.Errorf("trait %q: parameter: %v", traitType, err)
	}
	var names []string
	for it.Next() {
		names = append(names, it.Selector().Unquoted())
	}
	return names, nil
}

// lookup finds a definition by kind and type name; a version suffix
// ("webservice@v1") is ignored.
func (d *Definitions) lookup(kind, typ string) *definition {
	if d == nil {
		return nil
	}
	if i := strings.IndexByte(typ, '@'); i >= 0 {
		typ = typ[:i]
	}
	return d.byKey[defKey{kind, typ}]
}

// compileCUEFile compiles a definition file in KubeVela's CUE format: a
// template field next to a field, named after the definition, whose type
// is component, trait, policy or workflow-step. It returns nil, nil for a
// file that is not a definition.
func compileCUEFile(rt *runtime, path string, src []byte) (*definition, error) {
	f, err := parser.ParseFile(path, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var candidates []string
	var hasTemplate bool
	for _, decl := range f.Decls {
		field, ok := decl.(*ast.Field)
		if !ok {
			continue
		}
		label, isIdent, err := ast.LabelName(field.Label)
		if err != nil || isIdent && (strings.HasPrefix(label, "#") || strings.HasPrefix(label, "_")) {
			continue
		}
		if label == "template" {
			hasTemplate = true
		} else if _, ok := field.Value.(*ast.StructLit); ok {
			candidates = append(candidates, label)
		}
	}
	if !hasTemplate || len(candidates) == 0 {
		return nil, nil
	}
	root, err := build(rt, path, f)
	if err != nil {
		return nil, err
	}
	for _, name := range candidates {
		kind, err := root.LookupPath(cue.MakePath(cue.Str(name), cue.Str("type"))).String()
		if err != nil {
			continue
		}
		switch kind {
		case kindComponent, kindTrait, kindPolicy, kindStep:
			return newDefinition(rt, path, kind, name, root, "template.parameter")
		}
		return nil, fmt.Errorf("%s: %s.type: unknown definition type %q", path, name, kind)
	}
	return nil, nil
}

// compileTemplate compiles a template body, as stored in
// spec.schematic.cue.template.
func compileTemplate(rt *runtime, origin, kind, name string, src []byte) (*definition, error) {
	f, err := parser.ParseFile(origin, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", origin, err)
	}
	root, err := build(rt, origin, f)
	if err != nil {
		return nil, err
	}
	return newDefinition(rt, origin, kind, name, root, "parameter")
}

// build compiles a definition file after replacing KubeVela's vela/*
// packages (which exist only inside the controller) and the context
// KubeVela injects by top values. Only the parameter is needed offline.
func build(rt *runtime, origin string, f *ast.File) (cue.Value, error) {
	stubs := []string{"context"}
	var decls []ast.Decl
	for _, decl := range f.Decls {
		imp, ok := decl.(*ast.ImportDecl)
		if !ok {
			decls = append(decls, decl)
			continue
		}
		var keep []*ast.ImportSpec
		for _, spec := range imp.Specs {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil || !strings.HasPrefix(p, "vela/") {
				keep = append(keep, spec)
				continue
			}
			if spec.Name != nil {
				stubs = append(stubs, spec.Name.Name)
			} else {
				stubs = append(stubs, p[strings.LastIndexByte(p, '/')+1:])
			}
		}
		if len(keep) > 0 {
			imp.Specs = keep
			decls = append(decls, imp)
		}
	}
	for _, s := range stubs {
		decls = append(decls, &ast.Field{Label: ast.NewIdent(s), Value: ast.NewIdent("_")})
	}
	f.Decls = decls
	// Format and compile the text: the parser's resolution of references
	// still points at the removed imports.
	src, err := format.Node(f)
	if err != nil {
		return cue.Value{}, fmt.Errorf("%s: %v", origin, err)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	v := rt.ctx.CompileBytes(src, cue.Filename(origin))
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("%s: %v", origin, cueerrors.Details(err, nil))
	}
	return v, nil
}

// goParameters declares properties that KubeVela's Go code reads for a
// built-in type although its CUE parameter lacks them; they are unified into
// the parameter (embedded next to it) before it is closed.
var goParameters = map[defKey]string{
	// GarbageCollectPolicySpec.Order (docs: end-user/policies/gc).
	{kindPolicy, "garbage-collect"}: `order?: "dependency"`,
}

// newDefinition takes the parameter at path in root. A struct parameter is
// closed (close()), so that unknown properties, which KubeVela silently
// ignores, fail. A disjunction is left alone: its alternatives are
// usually closed definitions, and closing the disjunction itself changes
// how optional fields validate. A template without parameter accepts no
// properties; an empty open parameter (`parameter: {}`, the raw
// component) accepts any.
func newDefinition(rt *runtime, origin, kind, name string, root cue.Value, path string) (*definition, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	expr := path
	if p := root.LookupPath(cue.ParsePath(path)); !p.Exists() {
		expr = "{}"
	}
	if extra, ok := goParameters[defKey{kind, name}]; ok {
		expr = "{" + expr + ", " + extra + "}"
	}
	if op, _ := root.LookupPath(cue.ParsePath(path)).Expr(); op != cue.OrOp && !openEmpty(root.LookupPath(cue.ParsePath(path))) {
		expr = "close(" + expr + ")"
	}
	param := rt.ctx.CompileString(expr, cue.Scope(root), cue.Filename(origin))
	if err := param.Err(); err != nil {
		return nil, fmt.Errorf("%s: parameter: %v", origin, cueerrors.Details(err, nil))
	}
	return &definition{kind: kind, name: name, rt: rt, param: param}, nil
}

// openEmpty reports whether a parameter is an open struct declaring no
// field at all (`parameter: {}`): the raw component takes any object as
// its properties, so closing it would reject every property.
func openEmpty(p cue.Value) bool {
	if !p.Exists() || p.IncompleteKind() != cue.StructKind || p.IsClosed() {
		return false
	}
	it, err := p.Fields(cue.Optional(true), cue.Definitions(true))
	return err == nil && !it.Next()
}

// maxPasses bounds check's re-validation rounds.
const maxPasses = 8

// check unifies the definition's parameter with properties (nil when the
// Application gives none) and reports what does not fit. CUE drops
// "incomplete value" errors (missing required fields) when there are
// conflicts, so check removes the offending properties and validates again
// until no new errors turn up.
func (def *definition) check(props *yaml.Node) []issue {
	v, err := toValue(props)
	if err != nil {
		return []issue{{msg: err.Error()}}
	}
	if v == nil {
		v = map[string]any{}
	}
	var out []issue
	for pass := 0; pass < maxPasses; pass++ {
		found, err := def.validate(v)
		if err != nil {
			return append(out, issue{msg: err.Error()})
		}
		var fresh []issue
		for _, is := range found {
			if !related(is.path, out) {
				fresh = append(fresh, is)
			}
		}
		if len(fresh) == 0 {
			break
		}
		out = append(out, fresh...)
		removed := false
		for _, is := range fresh {
			removed = remove(v, is.path) || removed
		}
		if !removed {
			break
		}
	}
	return out
}

// validate unifies the parameter with the properties value v (JSON types).
func (def *definition) validate(v any) ([]issue, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	expr, err := cuejson.Extract("properties", data)
	if err != nil {
		return nil, err
	}
	def.rt.mu.Lock()
	defer def.rt.mu.Unlock()
	err = def.param.Unify(def.rt.ctx.BuildExpr(expr)).Validate(cue.Concrete(true))
	return issues(cueerrors.Errors(err)), nil
}

// emptyDisjunction matches the header CUE puts before the errors of the
// alternatives of a disjunction.
var emptyDisjunction = regexp.MustCompile(`^(\d+) errors? in empty disjunction:?$`)

// issues turns CUE errors into issues. The errors of a disjunction's
// alternatives (`*5 | int & >0`) are grouped: conflicts with a literal
// alternative, usually the default, are dropped when another alternative
// says more (`conflicting values "five" and int`); when all alternatives are
// literals they are joined into one message.
func issues(errs []cueerrors.Error) []issue {
	var out []issue
	seen := map[string]bool{}
	add := func(is issue) {
		k := strings.Join(is.path, "\x00") + "\x00" + is.msg
		if !seen[k] {
			seen[k] = true
			out = append(out, is)
		}
	}
	for i := 0; i < len(errs); i++ {
		format, args := errs[i].Msg()
		path, msg := errs[i].Path(), fmt.Sprintf(format, args...)
		m := emptyDisjunction.FindStringSubmatch(msg)
		if m == nil {
			add(issue{path: path, msg: msg})
			continue
		}
		n, _ := strconv.Atoi(m[1])
		var alts []issue
		var literals [][2]string // the two values of each literal conflict
		var msgs []string
		for ; n > 0 && i+1 < len(errs) && hasPrefix(errs[i+1].Path(), path); n-- {
			i++
			f, a := errs[i].Msg()
			is := issue{path: errs[i].Path(), msg: fmt.Sprintf(f, a...)}
			if literalConflict(f, a) {
				msgs = append(msgs, is.msg)
				if len(a) >= 2 {
					literals = append(literals, [2]string{fmt.Sprint(a[0]), fmt.Sprint(a[1])})
				}
			} else {
				alts = append(alts, is)
			}
		}
		if len(alts) == 0 && len(msgs) > 0 {
			msg := "matches no alternative: " + strings.Join(msgs, "; ")
			if got, want := oneOf(literals); len(literals) == len(msgs) && got != "" {
				msg = got + " is not one of " + strings.Join(want, ", ")
			}
			alts = []issue{{path: path, msg: msg}}
		}
		for _, is := range alts {
			add(is)
		}
	}
	return out
}

// oneOf finds the value common to all literal conflicts (the one given)
// and returns it with the others (the allowed values).
func oneOf(pairs [][2]string) (string, []string) {
	if len(pairs) == 0 {
		return "", nil
	}
	for _, given := range pairs[0] {
		var want []string
		for _, p := range pairs {
			switch given {
			case p[0]:
				want = append(want, p[1])
			case p[1]:
				want = append(want, p[0])
			}
		}
		if len(want) == len(pairs) {
			return given, want
		}
	}
	return "", nil
}

// literalConflict tells a conflict between two concrete values (or list
// lengths), as against a type or bound.
func literalConflict(format string, args []any) bool {
	if strings.HasPrefix(format, "incompatible list lengths") {
		return true
	}
	if !strings.HasPrefix(format, "conflicting values %s and %s") || len(args) < 2 {
		return false
	}
	for _, a := range args[:2] {
		s := fmt.Sprint(a)
		if _, err := strconv.ParseFloat(s, 64); err != nil && !strings.HasPrefix(s, `"`) &&
			s != "true" && s != "false" && s != "null" && !strings.HasPrefix(s, "[") && !strings.HasPrefix(s, "{") {
			return false
		}
	}
	return true
}

func hasPrefix(path, prefix []string) bool {
	if len(path) < len(prefix) {
		return false
	}
	for i, p := range prefix {
		if path[i] != p {
			return false
		}
	}
	return true
}

// related reports whether path is at, above or below a path already in out.
func related(path []string, out []issue) bool {
	for _, is := range out {
		if hasPrefix(path, is.path) || hasPrefix(is.path, path) {
			return true
		}
	}
	return false
}

// remove deletes the value at path from v (maps and lists of JSON types).
// An element of a list takes the whole list with it, keeping the indexes
// of other errors meaningful. It reports whether anything was removed.
func remove(v any, path []string) bool {
	if len(path) == 0 {
		return false
	}
	parent, ok := v.(map[string]any)
	if !ok {
		return false
	}
	key := unquote(path[0])
	child, ok := parent[key]
	if !ok {
		return false
	}
	if len(path) == 1 {
		delete(parent, key)
		return true
	}
	if _, isList := child.([]any); isList {
		delete(parent, key)
		return true
	}
	return remove(child, path[1:])
}

// unquote turns a quoted CUE label ("app.oam.dev/name") into the name.
func unquote(label string) string {
	if u, err := strconv.Unquote(label); err == nil {
		return u
	}
	return label
}
