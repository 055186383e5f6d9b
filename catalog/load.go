package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/oamfix/oamfix/defs"
)

// Template is a definition's compiled CUE template: the struct holding its
// parameter, output, outputs and patch. The definitions loaded together
// share one CUE context, and CUE values are not safe for concurrent
// evaluation, so every use goes through Use.
type Template struct {
	rt    *runtime
	value cue.Value
}

// Use calls f with the template's CUE context and value, holding the lock
// that serialises evaluation in that context. f must not keep either.
func (t *Template) Use(f func(ctx *cue.Context, template cue.Value)) {
	t.rt.mu.Lock()
	defer t.rt.mu.Unlock()
	f(t.rt.ctx, t.value)
}

// runtime is one CUE context and the lock that serialises its use.
type runtime struct {
	mu  sync.Mutex
	ctx *cue.Context
}

// yamlKinds maps a definition object's kind to its definition kind.
var yamlKinds = map[string]Kind{
	"ComponentDefinition":    KindComponent,
	"TraitDefinition":        KindTrait,
	"PolicyDefinition":       KindPolicy,
	"WorkflowStepDefinition": KindWorkflowStep,
}

// userPrefix marks the labels `vela def` copies from a CUE definition's
// labels into the object's metadata.labels.
const userPrefix = "custom.definition.oam.dev/"

// header is what a definition says about itself besides its template: a
// CUE file's metadata field, or a YAML object's metadata and spec (the
// same attributes under other names).
type header struct {
	labels map[string]string
	attrs  attributes
}

// attributes are the definition attributes the catalog reads: a CUE
// file's attributes field, a YAML object's spec.
type attributes struct {
	Workload struct {
		Definition struct {
			APIVersion string `json:"apiVersion" yaml:"apiVersion"`
			Kind       string `json:"kind" yaml:"kind"`
		} `json:"definition" yaml:"definition"`
		Type string `json:"type" yaml:"type"`
	} `json:"workload" yaml:"workload"`
	AppliesToWorkloads []string `json:"appliesToWorkloads" yaml:"appliesToWorkloads"`
	ConflictsWith      []string `json:"conflictsWith" yaml:"conflictsWith"`
	PodDisruptive      bool     `json:"podDisruptive" yaml:"podDisruptive"`
}

// evalLimit bounds the time one definition may take to compile and read.
// CUE cannot stop an evaluation, and one with a huge disjunction runs for
// ages; past the limit the definition is an error (and its evaluation is
// abandoned, still running, until the process exits).
const evalLimit = 30 * time.Second

// loader builds one catalog; its definitions share one CUE runtime.
type loader struct {
	rt    *runtime
	cat   *Catalog
	limit time.Duration
}

func newLoader(limit time.Duration) *loader {
	return &loader{rt: &runtime{ctx: cuecontext.New()}, cat: newCatalog(), limit: limit}
}

// guard runs the evaluation of one definition within the loader's time
// limit. After a timeout the loader must not be used again: the abandoned
// evaluation still holds its CUE runtime.
func (l *loader) guard(origin string, eval func() error) error {
	done := make(chan error, 1)
	go func() { done <- eval() }()
	timer := time.NewTimer(l.limit)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("%s: CUE evaluation did not finish within %v (a huge disjunction?)", origin, l.limit)
	}
}

// Load reads definitions from files and directories (walked recursively):
// *.cue files in KubeVela's definition format (a field naming the
// definition, with type, labels and attributes, next to a template field),
// and *.yaml/*.yml/*.json files holding ComponentDefinition,
// TraitDefinition, PolicyDefinition or WorkflowStepDefinition objects (as
// `vela def get` or `kubectl get -o yaml` export them, also inside a List).
// A definition that cannot be read is an error naming its file: CUE that
// does not parse or compile, a YAML or JSON file that does not parse and
// mentions a definition kind, a definition object without a name or with a
// malformed spec. Other YAML documents, unparsable YAML files that mention
// no definition kind, and .cue files that are not definitions (helpers)
// are skipped. Later files win when two define the same kind and name.
func Load(dirs ...string) (*Catalog, error) {
	return load(evalLimit, dirs...)
}

// load is Load with a time limit per definition.
func load(limit time.Duration, dirs ...string) (*Catalog, error) {
	l := newLoader(limit)
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			ext := strings.ToLower(filepath.Ext(path))
			if ext != ".cue" && ext != ".yaml" && ext != ".yml" && ext != ".json" {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if ext == ".cue" {
				return l.cueFile(path, src)
			}
			return l.yamlFile(path, src)
		})
		if err != nil {
			return nil, err
		}
	}
	return l.cat, nil
}

var oamfixCatalog = sync.OnceValue(func() *Catalog {
	l := newLoader(evalLimit)
	for _, d := range defs.All() {
		var h header
		h.attrs.AppliesToWorkloads = d.AppliesToWorkloads
		h.attrs.PodDisruptive = d.PodDisruptive
		if err := l.template("oamfix defs: "+d.Name, KindTrait, d.Name, h, []byte(d.Template)); err != nil {
			// The embedded definitions are compiled by the tests.
			panic("catalog: " + err.Error())
		}
	}
	return l.cat
})

// Oamfix returns the trait definitions oamfix ships (package defs):
// circuit-breaker and network-policy.
func Oamfix() *Catalog { return oamfixCatalog() }

// mentionsDefinition reports whether a file names a definition kind
// anywhere, in any YAML or JSON style.
func mentionsDefinition(src []byte) bool {
	for kind := range yamlKinds {
		if bytes.Contains(src, []byte(kind)) {
			return true
		}
	}
	return false
}

// object is the part of a definition object the catalog reads.
type object struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec struct {
		attributes `yaml:",inline"`
		Schematic  struct {
			CUE *struct {
				Template string `yaml:"template"`
			} `yaml:"cue"`
		} `yaml:"schematic"`
	} `yaml:"spec"`
}

// yamlFile adds the definition objects of a YAML (or JSON) stream.
func (l *loader) yamlFile(path string, src []byte) error {
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
			if mentionsDefinition(src) {
				return fmt.Errorf("%s: %v", path, err)
			}
			return nil
		}
		objs := []*yaml.Node{mappingValue(&doc, "")}
		if items := mappingValue(objs[0], "items"); items != nil && items.Kind == yaml.SequenceNode {
			objs = items.Content
		}
		for _, o := range objs {
			var head struct {
				Kind string `yaml:"kind"`
			}
			if o == nil || o.Decode(&head) != nil {
				continue
			}
			kind, ok := yamlKinds[head.Kind]
			if !ok {
				continue
			}
			origin := fmt.Sprintf("%s:%d", path, o.Line)
			var obj object
			if err := o.Decode(&obj); err != nil {
				return fmt.Errorf("%s: %s: %v", origin, head.Kind, err)
			}
			if obj.Metadata.Name == "" {
				return fmt.Errorf("%s: %s without metadata.name", origin, head.Kind)
			}
			h := header{labels: map[string]string{}, attrs: obj.Spec.attributes}
			for k, v := range obj.Metadata.Labels {
				if name, ok := strings.CutPrefix(k, userPrefix); ok {
					h.labels[name] = v
				}
			}
			if obj.Spec.Schematic.CUE == nil || obj.Spec.Schematic.CUE.Template == "" {
				// A Helm or kube schematic: no CUE to read.
				l.define(Definition{Kind: kind, Name: obj.Metadata.Name, Source: origin}, h, nil)
				continue
			}
			if err := l.template(origin, kind, obj.Metadata.Name, h, []byte(obj.Spec.Schematic.CUE.Template)); err != nil {
				return err
			}
		}
	}
}

// mappingValue returns the value of key in the mapping n, aliases and
// documents unwrapped; n itself, unwrapped, for the empty key. It returns
// nil when there is no such value.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) == 1 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	if key == "" || n == nil {
		return n
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return mappingValue(n.Content[i+1], "")
		}
	}
	return nil
}

// cueFile adds the definition of a file in KubeVela's CUE format: a
// template field next to a field, named after the definition, whose type
// is component, trait, policy or workflow-step. A file without both is
// not a definition and is skipped.
func (l *loader) cueFile(path string, src []byte) error {
	f, err := parser.ParseFile(path, src, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("%s: %v", path, cueerrors.Details(err, nil))
	}
	var candidates []string
	var body []ast.Decl
	hasTemplate := false
	for _, decl := range f.Decls {
		field, ok := decl.(*ast.Field)
		if !ok {
			continue
		}
		label, isIdent, err := ast.LabelName(field.Label)
		if err != nil || isIdent && (strings.HasPrefix(label, "#") || strings.HasPrefix(label, "_")) {
			continue
		}
		s, isStruct := field.Value.(*ast.StructLit)
		switch {
		case label == "template":
			// A template given by reference is evaluated, not read.
			hasTemplate = true
			if isStruct {
				body = append(body, s.Elts...)
			}
		case isStruct:
			candidates = append(candidates, label)
		}
	}
	if !hasTemplate || len(candidates) == 0 {
		return nil
	}
	return l.guard(path, func() error { return l.cueDefinition(path, f, body, candidates) })
}

// cueDefinition compiles a CUE definition file and adds the definition
// named by the first candidate whose type is a definition kind.
func (l *loader) cueDefinition(path string, f *ast.File, body []ast.Decl, candidates []string) error {
	root, err := l.build(path, f)
	if err != nil {
		return err
	}
	for _, name := range candidates {
		meta := root.LookupPath(cue.MakePath(cue.Str(name)))
		typ, err := meta.LookupPath(cue.MakePath(cue.Str("type"))).String()
		if err != nil {
			continue
		}
		kind := Kind(typ)
		if _, ok := kindOrder[kind]; !ok {
			return fmt.Errorf("%s: %s.type: unknown definition type %q", path, name, typ)
		}
		h, err := cueHeader(meta)
		if err != nil {
			return fmt.Errorf("%s: %s: %v", path, name, err)
		}
		p := &parsed{body: body, root: root, path: cue.MakePath(cue.Str("template"))}
		l.define(Definition{Kind: kind, Name: name, Source: path}, h, p)
		return nil
	}
	return nil
}

// cueHeader reads the labels and attributes of a CUE definition's
// metadata field.
func cueHeader(meta cue.Value) (header, error) {
	h := header{labels: map[string]string{}}
	for _, f := range []struct {
		path string
		into any
	}{
		{"labels", &h.labels},
		{"attributes.workload", &h.attrs.Workload},
		{"attributes.appliesToWorkloads", &h.attrs.AppliesToWorkloads},
		{"attributes.conflictsWith", &h.attrs.ConflictsWith},
		{"attributes.podDisruptive", &h.attrs.PodDisruptive},
	} {
		v := meta.LookupPath(cue.ParsePath(f.path))
		if !v.Exists() {
			continue
		}
		if err := v.Decode(f.into); err != nil {
			return h, fmt.Errorf("%s: %v", f.path, err)
		}
	}
	return h, nil
}

// template compiles a template body, as stored in
// spec.schematic.cue.template, and adds its definition.
func (l *loader) template(origin string, kind Kind, name string, h header, src []byte) error {
	f, err := parser.ParseFile(origin, src, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("%s: %v", origin, cueerrors.Details(err, nil))
	}
	var body []ast.Decl
	for _, d := range f.Decls {
		if _, ok := d.(*ast.ImportDecl); !ok {
			body = append(body, d)
		}
	}
	return l.guard(origin, func() error {
		root, err := l.build(origin, f)
		if err != nil {
			return err
		}
		l.define(Definition{Kind: kind, Name: name, Source: origin}, h, &parsed{body: body, root: root})
		return nil
	})
}

// define derives the facts of a definition and adds it.
func (l *loader) define(d Definition, h header, p *parsed) {
	d.Deprecated = h.labels["deprecated"] == "true"
	if p != nil {
		d.Template = &Template{rt: l.rt, value: p.root.LookupPath(p.path)}
	}
	switch d.Kind {
	case KindComponent:
		l.cat.addComponent(componentType(l.rt.ctx, d, h, p))
	case KindTrait:
		l.cat.addTrait(traitType(l.rt.ctx, d, h, p))
	default:
		l.cat.addOther(&d)
	}
}

// build compiles a definition file after replacing KubeVela's vela/*
// packages (which exist only inside the controller) and the context
// KubeVela injects by top values. The syntax is compiled as parsed, so
// errors point into the file, and its identifiers stay resolved for the
// analysis of the template.
func (l *loader) build(origin string, f *ast.File) (cue.Value, error) {
	stubs := []string{"context"}
	removed := map[ast.Node]bool{}
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
			removed[spec] = true
			if spec.Name != nil {
				stubs = append(stubs, spec.Name.Name)
			} else {
				stubs = append(stubs, p[strings.LastIndexByte(p, '/')+1:])
			}
		}
		if len(keep) > 0 {
			decls = append(decls, &ast.ImportDecl{Import: imp.Import, Lparen: imp.Lparen, Specs: keep, Rparen: imp.Rparen})
		}
	}
	for _, s := range stubs {
		decls = append(decls, &ast.Field{Label: ast.NewIdent(s), Value: ast.NewIdent("_")})
	}
	// References to a removed package now name its stub, a field of the
	// file.
	ast.Walk(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && removed[id.Node] {
			id.Node, id.Scope = nil, nil
		}
		return true
	}, nil)
	v := l.rt.ctx.BuildFile(&ast.File{Filename: f.Filename, Decls: decls})
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("%s: %v", origin, cueerrors.Details(err, nil))
	}
	return v, nil
}
