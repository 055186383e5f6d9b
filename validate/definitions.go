package validate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	cuejson "cuelang.org/go/encoding/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/oamfix/oamfix/catalog"
)

// Definition kinds, as written in the type field of a CUE definition file.
const (
	kindComponent = string(catalog.KindComponent)
	kindTrait     = string(catalog.KindTrait)
	kindPolicy    = string(catalog.KindPolicy)
	kindStep      = string(catalog.KindWorkflowStep)
)

// Definitions is a set of KubeVela X-Definitions whose CUE parameter
// schemas check the properties of components, traits, policies and
// workflow steps. It is safe for concurrent use.
type Definitions struct {
	byKey map[defKey]*definition
}

type defKey struct{ kind, name string }

// definition is one definition's parameter schema.
type definition struct {
	kind, name string
	// tmpl is the compiled template; its lock serialises every use of
	// param, which lives in the same CUE context.
	tmpl *catalog.Template
	// param is the template's parameter, closed when it is a struct.
	param cue.Value
}

// issue is one CUE error about properties: the path below properties
// and the message.
type issue struct {
	path []string
	msg  string
}

// FromCatalog compiles the parameter schemas of a catalog's definitions.
// Definitions without a CUE template (the built-in table of package
// catalog, Helm or kube schematics) are left out: their types are reported
// as having no definition.
func FromCatalog(c *catalog.Catalog) (*Definitions, error) {
	d := &Definitions{byKey: map[defKey]*definition{}}
	for _, cd := range c.Definitions() {
		if cd.Template == nil {
			continue
		}
		def, err := newDefinition(cd)
		if err != nil {
			return nil, err
		}
		d.byKey[defKey{def.kind, def.name}] = def
	}
	return d, nil
}

// LoadDefinitions reads definitions from files and directories with
// catalog.Load (which says what is read, skipped or an error) and
// compiles their parameter schemas.
func LoadDefinitions(dirs ...string) (*Definitions, error) {
	c, err := catalog.Load(dirs...)
	if err != nil {
		return nil, err
	}
	return FromCatalog(c)
}

var embedded = sync.OnceValue(func() *Definitions {
	d, err := FromCatalog(catalog.Oamfix())
	if err != nil {
		// The embedded templates are compiled by the defs tests.
		panic("validate: " + err.Error())
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
	var names []string
	var err error
	def.tmpl.Use(func(*cue.Context, cue.Value) {
		var it *cue.Iterator
		if it, err = def.param.Fields(cue.Optional(true)); err != nil {
			return
		}
		for it.Next() {
			names = append(names, it.Selector().Unquoted())
		}
	})
	if err != nil {
		return nil, fmt.Errorf("trait %q: parameter: %v", traitType, err)
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

// goParameters declares properties that KubeVela's Go code reads for a
// built-in type although its CUE parameter lacks them; they are unified into
// the parameter (embedded next to it) before it is closed.
var goParameters = map[defKey]string{
	// GarbageCollectPolicySpec.Order (docs: end-user/policies/gc).
	{kindPolicy, "garbage-collect"}: `order?: "dependency"`,
}

// newDefinition takes the parameter of a definition's template. A struct
// parameter is closed (close()), so that unknown properties, which
// KubeVela silently ignores, fail. A disjunction is left alone: its
// alternatives are usually closed definitions, and closing the disjunction
// itself changes how optional fields validate. A template without
// parameter accepts no properties; an empty open parameter
// (`parameter: {}`, the raw component) accepts any.
func newDefinition(d *catalog.Definition) (*definition, error) {
	def := &definition{kind: string(d.Kind), name: d.Name, tmpl: d.Template}
	var err error
	d.Template.Use(func(ctx *cue.Context, tmpl cue.Value) {
		p := tmpl.LookupPath(cue.ParsePath("parameter"))
		expr := "parameter"
		if !p.Exists() {
			expr = "{}"
		}
		if extra, ok := goParameters[defKey{def.kind, def.name}]; ok {
			expr = "{" + expr + ", " + extra + "}"
		}
		if op, _ := p.Expr(); op != cue.OrOp && !openEmpty(p) {
			expr = "close(" + expr + ")"
		}
		def.param = ctx.CompileString(expr, cue.Scope(tmpl), cue.Filename(d.Source))
		if e := def.param.Err(); e != nil {
			err = fmt.Errorf("%s: parameter: %v", d.Source, cueerrors.Details(e, nil))
		}
	})
	if err != nil {
		return nil, err
	}
	return def, nil
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
	def.tmpl.Use(func(ctx *cue.Context, _ cue.Value) {
		err = def.param.Unify(ctx.BuildExpr(expr)).Validate(cue.Concrete(true))
	})
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
				msg = got + " is not one of " + listSome(want, 10)
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

// listSome joins at most n values, saying how many there are in all when
// it leaves some out: a huge disjunction makes a readable message.
func listSome(values []string, n int) string {
	if len(values) <= n {
		return strings.Join(values, ", ")
	}
	return fmt.Sprintf("%s, ... (%d values in all)", strings.Join(values[:n], ", "), len(values))
}
