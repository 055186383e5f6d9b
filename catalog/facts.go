package catalog

import (
	"iter"
	"slices"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// The facts of a definition come from two readings of its template:
//
//   - Evaluation. The template is evaluated with KubeVela's context filled
//     in for a recent cluster (renderContext) and the parameter left
//     abstract, as declared. What it renders then, for every property
//     set, is read from the values: the main output's apiVersion and kind,
//     and the outputs rendered unconditionally.
//   - Syntax. What depends on properties (a Service rendered only when a
//     port is exposed) is not rendered by an abstract parameter, so the
//     template's syntax is read too: the objects written under output and
//     outputs (in comprehensions too), and where parameter paths flow into
//     them. Identifiers are followed to the fields, lets and comprehension
//     variables they name, as the CUE parser resolved them.
//
// The attributes (workload, appliesToWorkloads, podDisruptive,
// conflictsWith) come from the definition's metadata.

// renderContext is the context the template is evaluated in: a component
// in an application on a Kubernetes 1.30 cluster. Templates that pick an
// API version by cluster version (cron-task, hpa, gateway) are read as on
// a current cluster.
const renderContext = `{
	name:           "component"
	appName:        "app"
	namespace:      "default"
	cluster:        "local"
	revision:       "component-v1"
	appRevision:    "app-v1"
	appRevisionNum: 1
	clusterVersion: {major: 1, minor: 30, gitVersion: "v1.30.0", platform: ""}
	...
}`

// autodetect is the workload type of definitions whose workload KubeVela
// takes from the rendered object.
const autodetect = "autodetects.core.oam.dev"

// maxDepth bounds how far references are followed in the syntax.
const maxDepth = 16

// parsed is a definition's template as the analysis reads it.
type parsed struct {
	// body is the template's declarations, identifiers resolved.
	body []ast.Decl
	// root is the compiled file, with the context and vela/* stubs at its
	// top; path leads from root to the template (empty for a template
	// stored in a YAML object).
	root cue.Value
	path cue.Path
}

// componentType derives a component type's facts.
func componentType(ctx *cue.Context, d Definition, h header, p *parsed) *ComponentType {
	t := &ComponentType{Definition: d, Autodetect: h.attrs.Workload.Type == autodetect}
	declared := GVK{h.attrs.Workload.Definition.APIVersion, h.attrs.Workload.Definition.Kind}
	if p == nil {
		t.Workload = declared
		return t
	}
	s := newSyntax(p.body)
	tmpl := evaluate(ctx, p)

	// The workload: as evaluated, else as written, else as declared.
	main := s.mainObjects()
	t.Workload = gvkOf(tmpl.LookupPath(cue.MakePath(cue.Str("output"))))
	for _, o := range main {
		if t.Workload == (GVK{}) && len(o.kinds) == 1 && len(o.apiVersions) == 1 {
			t.Workload = GVK{o.apiVersions[0], o.kinds[0]}
		}
	}
	if t.Workload == (GVK{}) {
		t.Workload = declared
	}
	t.Outputs = s.outputs(tmpl)

	var bodies [][]ast.Decl
	for _, o := range main {
		bodies = append(bodies, o.bodies...)
	}
	t.ReplicasField = first(s.flowsAll(s.at(bodies, "spec", "replicas")))
	path, containers := s.find(bodies, "containers")
	t.Containers = path
	var cs [][]ast.Decl
	for _, e := range s.elemsAll(containers) {
		cs = append(cs, s.structs(e.expr, 0)...)
	}
	for _, e := range s.elemsAll(values(cs, "ports")) {
		for _, port := range values(s.structs(e.expr, 0), "containerPort") {
			t.PortFields = appendNew(t.PortFields, s.flows(port, 0)...)
		}
	}
	for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
		t.ProbeFields = appendNew(t.ProbeFields, s.flowsAll(values(cs, probe))...)
	}
	t.EnvField = first(s.flowsAll(values(cs, "env")))
	t.CPUField = first(s.flowsAll(s.at(cs, "resources", "requests", "cpu")))

	// The parameter flag that puts a port into a rendered Service, or
	// renders the Service.
	for _, o := range s.outputObjects() {
		if !slices.Contains(o.kinds, "Service") {
			continue
		}
		var guards []ast.Expr
		for _, e := range s.elemsAll(s.at(o.bodies, "spec", "ports")) {
			guards = append(guards, e.guards...)
		}
		for _, g := range append(guards, o.guards...) {
			if f, ok := s.flag(g); ok && t.ExposeField == "" {
				t.ExposeField = f
			}
		}
	}
	return t
}

// traitType derives a trait type's facts.
func traitType(ctx *cue.Context, d Definition, h header, p *parsed) *TraitType {
	t := &TraitType{
		Definition:         d,
		AppliesToWorkloads: h.attrs.AppliesToWorkloads,
		PodDisruptive:      h.attrs.PodDisruptive,
		ConflictsWith:      h.attrs.ConflictsWith,
	}
	if p == nil {
		return t
	}
	s := newSyntax(p.body)
	t.Outputs = s.outputs(evaluate(ctx, p))
	var patch [][]ast.Decl
	for _, v := range values([][]ast.Decl{s.body}, "patch") {
		patch = append(patch, s.structs(v, 0)...)
	}
	replicas := s.at(patch, "spec", "replicas")
	t.PatchesReplicas = len(replicas) > 0
	t.ReplicasField = first(s.flowsAll(replicas))
	return t
}

// evaluate returns the template evaluated in renderContext.
func evaluate(ctx *cue.Context, p *parsed) cue.Value {
	c := ctx.CompileString(renderContext)
	return p.root.FillPath(cue.MakePath(cue.Str("context")), c).LookupPath(p.path)
}

// gvkOf reads an evaluated object's apiVersion and kind; zero unless both
// are concrete strings.
func gvkOf(v cue.Value) GVK {
	av, err := v.LookupPath(cue.MakePath(cue.Str("apiVersion"))).String()
	if err != nil {
		return GVK{}
	}
	kind, err := v.LookupPath(cue.MakePath(cue.Str("kind"))).String()
	if err != nil {
		return GVK{}
	}
	return GVK{av, kind}
}

// outputs lists the objects the template renders under outputs, in
// template order: each object written there, its version taken from the
// evaluation when the syntax leaves a choice (hpa picks autoscaling/v2 on
// a current cluster), then objects only the evaluation shows.
func (s *syntax) outputs(tmpl cue.Value) []GVK {
	var evaluated []GVK
	if it, err := tmpl.LookupPath(cue.MakePath(cue.Str("outputs"))).Fields(); err == nil {
		for it.Next() {
			if g := gvkOf(it.Value()); g != (GVK{}) {
				evaluated = append(evaluated, g)
			}
		}
	}
	var out []GVK
	for _, o := range s.outputObjects() {
		if len(o.kinds) != 1 {
			continue
		}
		kind := o.kinds[0]
		i := slices.IndexFunc(evaluated, func(g GVK) bool {
			return g.Kind == kind && (len(o.apiVersions) == 0 || slices.Contains(o.apiVersions, g.APIVersion))
		})
		switch {
		case i >= 0:
			out = appendNew(out, evaluated[i])
		case len(o.apiVersions) == 0:
			out = appendNew(out, GVK{Kind: kind})
		default:
			for _, av := range o.apiVersions {
				out = appendNew(out, GVK{av, kind})
			}
		}
	}
	return appendNew(out, evaluated...)
}

// syntax reads a template's declarations.
type syntax struct {
	body []ast.Decl
	// params holds the values of the template's parameter fields, which
	// references to parameter resolve to.
	params map[ast.Node]bool
}

func newSyntax(body []ast.Decl) *syntax {
	s := &syntax{body: body, params: map[ast.Node]bool{}}
	for f := range fields(body) {
		if name, _, err := ast.LabelName(f.Label); err == nil && name == "parameter" {
			s.params[f.Value] = true
		}
	}
	return s
}

// guardedFields yields the fields of a struct body, with those declared
// inside comprehensions (if, for) and embedded struct literals, and the
// conditions of the if clauses they are declared under.
func guardedFields(body []ast.Decl) iter.Seq2[*ast.Field, []ast.Expr] {
	return func(yield func(*ast.Field, []ast.Expr) bool) {
		var walk func([]ast.Decl, []ast.Expr) bool
		walk = func(decls []ast.Decl, guards []ast.Expr) bool {
			for _, d := range decls {
				switch x := d.(type) {
				case *ast.Field:
					if !yield(x, guards) {
						return false
					}
				case *ast.Comprehension:
					st, ok := x.Value.(*ast.StructLit)
					if ok && !walk(st.Elts, append(slices.Clip(guards), conditions(x)...)) {
						return false
					}
				case *ast.EmbedDecl:
					if st, ok := x.Expr.(*ast.StructLit); ok && !walk(st.Elts, guards) {
						return false
					}
				}
			}
			return true
		}
		walk(body, nil)
	}
}

// fields yields the fields of a struct body as guardedFields does,
// without the conditions.
func fields(body []ast.Decl) iter.Seq[*ast.Field] {
	return func(yield func(*ast.Field) bool) {
		for f := range guardedFields(body) {
			if !yield(f) {
				return
			}
		}
	}
}

// conditions returns the conditions of a comprehension's if clauses.
func conditions(c *ast.Comprehension) []ast.Expr {
	var out []ast.Expr
	for _, cl := range c.Clauses {
		if ic, ok := cl.(*ast.IfClause); ok {
			out = append(out, ic.Condition)
		}
	}
	return out
}

// sources returns what a comprehension's for clauses range over.
func sources(c *ast.Comprehension) []ast.Expr {
	var out []ast.Expr
	for _, cl := range c.Clauses {
		if fc, ok := cl.(*ast.ForClause); ok {
			out = append(out, fc.Source)
		}
	}
	return out
}

// values returns the values of the fields named name in the bodies.
func values(bodies [][]ast.Decl, name string) []ast.Expr {
	var out []ast.Expr
	for _, b := range bodies {
		for f := range fields(b) {
			if l, _, err := ast.LabelName(f.Label); err == nil && l == name {
				out = append(out, f.Value)
			}
		}
	}
	return out
}

// at follows a path of field names through struct literals.
func (s *syntax) at(bodies [][]ast.Decl, path ...string) []ast.Expr {
	var vals []ast.Expr
	for i, name := range path {
		vals = values(bodies, name)
		if i == len(path)-1 {
			break
		}
		bodies = nil
		for _, v := range vals {
			bodies = append(bodies, s.structs(v, 0)...)
		}
	}
	return vals
}

// find searches the bodies, depth first, for the first field named name
// and returns its path and values.
func (s *syntax) find(bodies [][]ast.Decl, name string) (string, []ast.Expr) {
	var search func(bodies [][]ast.Decl, prefix string, depth int) (string, []ast.Expr)
	search = func(bodies [][]ast.Decl, prefix string, depth int) (string, []ast.Expr) {
		if vals := values(bodies, name); len(vals) > 0 {
			return prefix + name, vals
		}
		if depth == maxDepth {
			return "", nil
		}
		var labels []string
		children := map[string][][]ast.Decl{}
		for _, b := range bodies {
			for f := range fields(b) {
				l, _, err := ast.LabelName(f.Label)
				if err != nil {
					continue
				}
				if _, seen := children[l]; !seen {
					labels = append(labels, l)
				}
				children[l] = append(children[l], s.structs(f.Value, 0)...)
			}
		}
		for _, l := range labels {
			if path, vals := search(children[l], prefix+l+".", depth+1); vals != nil {
				return path, vals
			}
		}
		return "", nil
	}
	return search(bodies, "", 0)
}

// target returns what an identifier names: a field's value or a let's
// expression. It returns nil for the parameter, comprehension variables,
// imports and unresolved names.
func (s *syntax) target(x *ast.Ident) ast.Expr {
	switch sc := x.Scope.(type) {
	case *ast.ForClause:
		return nil
	case *ast.LetClause:
		return sc.Expr
	}
	switch n := x.Node.(type) {
	case *ast.LetClause:
		return n.Expr
	case ast.Expr:
		if s.params[n] {
			return nil
		}
		return n
	}
	return nil
}

// structs returns the bodies of the struct literals e denotes, following
// references, unifications, disjunctions and embeddings.
func (s *syntax) structs(e ast.Expr, depth int) [][]ast.Decl {
	if depth > maxDepth {
		return nil
	}
	switch x := e.(type) {
	case *ast.StructLit:
		out := [][]ast.Decl{x.Elts}
		for _, d := range x.Elts {
			if em, ok := d.(*ast.EmbedDecl); ok {
				if _, lit := em.Expr.(*ast.StructLit); !lit {
					out = append(out, s.structs(em.Expr, depth+1)...)
				}
			}
		}
		return out
	}
	var out [][]ast.Decl
	for _, o := range s.operands(e, token.AND, token.OR) {
		out = append(out, s.structs(o, depth+1)...)
	}
	return out
}

// operands returns the expressions e stands for when it is a
// parenthesis, a default (*x), a reference, or a binary expression with
// one of ops (unification, disjunction, concatenation); nil otherwise.
// The walkers that collect what an expression may be (struct bodies, list
// elements, string literals) recurse through them.
func (s *syntax) operands(e ast.Expr, ops ...token.Token) []ast.Expr {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return []ast.Expr{x.X}
	case *ast.UnaryExpr:
		if x.Op == token.MUL {
			return []ast.Expr{x.X}
		}
	case *ast.BinaryExpr:
		if slices.Contains(ops, x.Op) {
			return []ast.Expr{x.X, x.Y}
		}
	case *ast.Ident:
		if t := s.target(x); t != nil {
			return []ast.Expr{t}
		}
	}
	return nil
}

// ref returns the parameter path e refers to: parameter.a.b is "a.b";
// v.x, with v bound by `for v in parameter.ports`, is "ports[].x". ok is
// false when e is not a reference into the parameter.
func (s *syntax) ref(e ast.Expr, depth int) (string, bool) {
	if depth > maxDepth {
		return "", false
	}
	switch x := e.(type) {
	case *ast.Ident:
		if fc, ok := x.Scope.(*ast.ForClause); ok {
			if x.Node != fc.Value {
				return "", false // a key or index
			}
			p, ok := s.ref(fc.Source, depth+1)
			return p + "[]", ok
		}
		if x.Name == "parameter" && s.params[x.Node] {
			return "", true
		}
		if t := s.target(x); t != nil {
			return s.ref(t, depth+1)
		}
	case *ast.SelectorExpr:
		name, _, err := ast.LabelName(x.Sel)
		if p, ok := s.ref(x.X, depth+1); ok && err == nil {
			return join(p, name), true
		}
	case *ast.IndexExpr:
		p, ok := s.ref(x.X, depth+1)
		lit, isLit := x.Index.(*ast.BasicLit)
		switch {
		case !ok || !isLit:
		case lit.Kind == token.STRING:
			if name, err := literal.Unquote(lit.Value); err == nil {
				return join(p, name), true
			}
		case lit.Kind == token.INT:
			return p + "[]", true
		}
	case *ast.ParenExpr:
		return s.ref(x.X, depth+1)
	}
	return "", false
}

// join appends a field name to a parameter path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// flows returns the parameter paths whose values may become e's value,
// in template order: through references, embeddings, list elements,
// what comprehensions range over, operators and function arguments, but
// not through the conditions that guard them. The whole parameter is not
// a path.
func (s *syntax) flows(e ast.Expr, depth int) []string {
	if depth > maxDepth {
		return nil
	}
	if p, ok := s.ref(e, depth); ok {
		if p == "" {
			return nil
		}
		return []string{p}
	}
	var out []string
	add := func(es ...ast.Expr) {
		for _, e := range es {
			out = appendNew(out, s.flows(e, depth+1)...)
		}
	}
	switch x := e.(type) {
	case *ast.StructLit:
		for _, d := range x.Elts {
			switch d := d.(type) {
			case *ast.EmbedDecl:
				add(d.Expr)
			case *ast.Comprehension:
				add(sources(d)...)
				add(d.Value)
			}
		}
	case *ast.ListLit:
		for _, el := range x.Elts {
			if c, ok := el.(*ast.Comprehension); ok {
				add(sources(c)...)
				add(c.Value)
			} else {
				add(el)
			}
		}
	case *ast.BinaryExpr:
		add(x.X, x.Y)
	case *ast.UnaryExpr:
		add(x.X)
	case *ast.ParenExpr:
		add(x.X)
	case *ast.CallExpr:
		add(x.Args...)
	case *ast.Interpolation:
		add(x.Elts...)
	case *ast.SelectorExpr:
		add(x.X)
	case *ast.IndexExpr:
		add(x.X)
	case *ast.Ident:
		if t := s.target(x); t != nil {
			add(t)
		}
	}
	return out
}

// flowsAll is flows over several expressions.
func (s *syntax) flowsAll(es []ast.Expr) []string {
	var out []string
	for _, e := range es {
		out = appendNew(out, s.flows(e, 0)...)
	}
	return out
}

// elem is an element of a list literal and the conditions of the list
// comprehension that yields it, if any.
type elem struct {
	expr   ast.Expr
	guards []ast.Expr
}

// elems returns the elements of the lists e denotes: list literals,
// through references, concatenations and defaults.
func (s *syntax) elems(e ast.Expr, depth int) []elem {
	if depth > maxDepth {
		return nil
	}
	switch x := e.(type) {
	case *ast.ListLit:
		var out []elem
		for _, el := range x.Elts {
			switch el := el.(type) {
			case *ast.Comprehension:
				out = append(out, elem{el.Value, conditions(el)})
			case *ast.Ellipsis:
			default:
				out = append(out, elem{expr: el})
			}
		}
		return out
	case *ast.SelectorExpr:
		name, _, err := ast.LabelName(x.Sel)
		if err != nil {
			return nil
		}
		var out []elem
		for _, v := range values(s.structs(x.X, depth+1), name) {
			out = append(out, s.elems(v, depth+1)...)
		}
		return out
	}
	var out []elem
	for _, o := range s.operands(e, token.ADD, token.AND, token.OR) {
		out = append(out, s.elems(o, depth+1)...)
	}
	return out
}

// elemsAll is elems over several expressions.
func (s *syntax) elemsAll(es []ast.Expr) []elem {
	var out []elem
	for _, e := range es {
		out = append(out, s.elems(e, 0)...)
	}
	return out
}

// flag returns the parameter path a condition tests as a flag: `v.expose
// == true` or `v.expose` tests "ports[].expose" when v ranges over
// parameter.ports. Tests of existence (`!= _|_`) are not flags.
func (s *syntax) flag(cond ast.Expr) (string, bool) {
	switch x := cond.(type) {
	case *ast.ParenExpr:
		return s.flag(x.X)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND:
			if p, ok := s.flag(x.X); ok {
				return p, true
			}
			return s.flag(x.Y)
		case token.EQL:
			if lit, ok := x.Y.(*ast.BasicLit); ok && lit.Kind == token.TRUE {
				return s.ref(x.X, 0)
			}
		}
	case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr:
		return s.ref(x, 0)
	}
	return "", false
}

// written is a Kubernetes object written in a template: the struct
// literals that make it up, the kinds and apiVersions written there
// (several when comprehensions choose) and the conditions under which the
// template renders it.
type written struct {
	bodies      [][]ast.Decl
	kinds       []string
	apiVersions []string
	guards      []ast.Expr
}

// object reads the object e denotes.
func (s *syntax) object(e ast.Expr) written {
	o := written{bodies: s.structs(e, 0)}
	for _, v := range values(o.bodies, "kind") {
		o.kinds = appendNew(o.kinds, s.literals(v, 0)...)
	}
	for _, v := range values(o.bodies, "apiVersion") {
		o.apiVersions = appendNew(o.apiVersions, s.literals(v, 0)...)
	}
	return o
}

// mainObjects reads the objects written under output.
func (s *syntax) mainObjects() []written {
	var out []written
	for _, v := range values([][]ast.Decl{s.body}, "output") {
		out = append(out, s.object(v))
	}
	return out
}

// outputObjects reads the objects written under outputs: each field of
// outputs is one.
func (s *syntax) outputObjects() []written {
	var out []written
	for outputs, outer := range guardedFields(s.body) {
		if name, _, err := ast.LabelName(outputs.Label); err != nil || name != "outputs" {
			continue
		}
		for _, b := range s.structs(outputs.Value, 0) {
			for f, inner := range guardedFields(b) {
				o := s.object(f.Value)
				o.guards = append(slices.Clip(outer), inner...)
				out = append(out, o)
			}
		}
	}
	return out
}

// literals returns the string literals e may be.
func (s *syntax) literals(e ast.Expr, depth int) []string {
	if depth > maxDepth {
		return nil
	}
	if x, ok := e.(*ast.BasicLit); ok {
		if x.Kind == token.STRING {
			if v, err := literal.Unquote(x.Value); err == nil {
				return []string{v}
			}
		}
		return nil
	}
	var out []string
	for _, o := range s.operands(e, token.OR, token.AND) {
		out = appendNew(out, s.literals(o, depth+1)...)
	}
	return out
}

// first returns the first element of a list, "" if empty.
func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// appendNew appends the values not yet in the list.
func appendNew[T comparable](list []T, vs ...T) []T {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
