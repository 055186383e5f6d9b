package fixers_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/validate"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kubevelaDefinitions loads KubeVela v1.10.9's built-in definitions from
// ../shared plus oamfix's own traits.
func kubevelaDefinitions(t *testing.T) *validate.Definitions {
	t.Helper()
	user, err := validate.LoadDefinitions(testenv.Shared(t, "definitions", "kubevela", "v1.10.9"))
	if err != nil {
		t.Fatal(err)
	}
	return validate.Embedded().Merge(user)
}

// TestFixedAppsValidate fixes every corpus file and every golden input with
// validation on: no fix may make an Application invalid (engine.Process
// refuses the file if one does). Apps that were already invalid are
// counted apart. A golden case with a definitions/ folder validates against
// those definitions on top of KubeVela's, as a platform that shadows
// built-in types would (--definitions). Any other error fails too, except
// a refusal the golden case expects (its want.err) and corpus files that
// do not parse; the counts must be the ones README.md quotes.
func TestFixedAppsValidate(t *testing.T) {
	defs := kubevelaDefinitions(t)
	cfg := config.Default()
	cfg.Spec.CORS.AllowedOrigins = []string{"https://app.example.com"}
	opts := engine.Options{Config: cfg, Rules: fixers.All(), Definitions: defs}
	files := testenv.CorpusFiles(t)
	golden, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "input.yaml"))
	files = append(files, golden...)
	var validated, unknownType, alreadyInvalid, causedByOamfix, unparsed int
	var invalidBefore []string
	for _, path := range files {
		golden := strings.HasSuffix(path, "input.yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := kio.Parse(path, data)
		if err != nil {
			if golden {
				t.Errorf("a golden input does not parse: %v", err)
			}
			unparsed++
			continue
		}
		caseOpts := opts
		if custom := filepath.Join(filepath.Dir(path), "definitions"); golden {
			if _, err := os.Stat(custom); err == nil {
				// The case's platform replaces built-in definitions with its own.
				user, err := validate.LoadDefinitions(custom)
				if err != nil {
					t.Fatal(err)
				}
				caseOpts.Definitions = defs.Merge(user)
				platform, err := catalog.Load(custom)
				if err != nil {
					t.Fatal(err)
				}
				caseOpts.Catalog = engine.DefaultCatalog().Merge(platform)
			}
		}
		res, err := engine.Process(f, caseOpts)
		if err != nil {
			switch {
			case strings.Contains(err.Error(), "make the Application invalid"):
				causedByOamfix++
				t.Errorf("%v", err)
			case golden && expectsRefusal(path, err):
				// The case is about this refusal (a shared anchor, say).
			default:
				t.Errorf("engine error (neither a validation failure nor a refusal the case expects): %v", err)
			}
			continue
		}
		apps := map[int]string{}
		for _, d := range f.Docs {
			if d.Node != nil && oam.IsApplication(d.Node.YNode()) {
				apps[d.Index] = "valid"
			}
		}
		for _, fd := range res.Findings {
			if fd.Rule != engine.ValidateRule {
				continue
			}
			switch {
			case fd.Severity != fixers.Info:
				if apps[fd.Document] != "invalid" {
					invalidBefore = append(invalidBefore, filepath.Base(path)+": "+fd.Message)
				}
				apps[fd.Document] = "invalid"
			case apps[fd.Document] == "valid":
				apps[fd.Document] = "unknown"
			}
		}
		for _, state := range apps {
			switch state {
			case "valid":
				validated++
			case "unknown":
				unknownType++
			case "invalid":
				alreadyInvalid++
			}
		}
	}
	sort.Strings(invalidBefore)
	if len(invalidBefore) > 10 {
		invalidBefore = append(invalidBefore[:10], "…")
	}
	t.Logf("fixed Applications: %d validated, %d with types that have no definition here (skipped, info), %d invalid before oamfix touched them, %d made invalid by oamfix\nalready invalid (first 10):\n  %s",
		validated, unknownType, alreadyInvalid, causedByOamfix, strings.Join(invalidBefore, "\n  "))
	if validated == 0 {
		t.Fatal("nothing validated")
	}
	if unparsed > 1 {
		t.Errorf("%d corpus files do not parse; one is known (a rollback example with a syntax error)", unparsed)
	}
	testenv.READMEFigures(t, `(\d+) fixed Applications validate, (\d+) use types with no definition here \(skipped\), (\d+) were invalid before oamfix touched them, and (\d+) were made invalid by oamfix`,
		validated, unknownType, alreadyInvalid, causedByOamfix)
}

// expectsRefusal reports whether the golden case of input expects the
// engine to refuse it with err: its want.err (kio's write-back cases)
// names the same refusal.
func expectsRefusal(input string, err error) bool {
	_, msg, ok := strings.Cut(err.Error(), "refusing to write fixes")
	if !ok {
		return false
	}
	want, rerr := os.ReadFile(filepath.Join(filepath.Dir(input), "want.err"))
	return rerr == nil && strings.Contains(string(want), strings.TrimSpace(msg))
}

// brokenCircuitBreaker is a deliberately wrong fixer: it writes a string
// where the circuit-breaker definition wants an int.
var brokenCircuitBreaker = &fixers.Rule{
	ID: "broken", Doc: "Writes an invalid trait.", Severity: fixers.High, Fixable: true,
	Run: func(p *fixers.Pass) {
		for _, c := range p.App.Components {
			comp := c
			p.Report(fixers.Where{Component: comp}, fixers.Finding{Message: "adds a broken trait"}, fixers.Edits(
				fixers.Append(comp.Node, "traits", oam.Map(oam.P("type", "circuit-breaker"),
					oam.Pair{Key: "properties", Value: oam.Map(oam.P("failureThreshold", "five"))}))))
		}
	},
}

// TestValidationCatchesBrokenFixer: a fix the definitions refuse is
// undone, not written; its finding stays open naming the rule and the
// field, and the file is otherwise processed.
func TestValidationCatchesBrokenFixer(t *testing.T) {
	cfg := config.Default()
	cfg.Spec.Rules["broken"] = config.RuleConfig{Mode: config.ModeFix}
	src := "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n  components:\n    - name: api\n      type: webservice\n      properties:\n        image: nginx\n"
	f, err := kio.Parse("app.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Process(f, engine.Options{Config: cfg, Rules: []*fixers.Rule{brokenCircuitBreaker}, Definitions: validate.Embedded()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("the refused fix was written:\n%s", res.After)
	}
	var broken []fixers.Finding
	for _, fd := range res.Findings {
		if fd.Rule == "broken" {
			broken = append(broken, fd)
		}
	}
	if len(broken) != 1 || broken[0].Status != fixers.Open || len(broken[0].Unmet) != 1 {
		t.Fatalf("want one open finding with one unmet precondition, got %+v", broken)
	}
	for _, want := range []string{"rule broken", "failureThreshold", "spec.rules.broken.mode: check"} {
		if u := broken[0].Unmet[0]; !strings.Contains(u.Reason+u.Remedy, want) {
			t.Errorf("unmet precondition %+v does not mention %q", u, want)
		}
	}
}

// TestTraitDefinitionsMatchFixers: the parameters of oamfix's shipped
// TraitDefinitions are exactly what the fixers write, plus the documented
// optional tuning knobs of the circuit breaker; a drift either way fails.
func TestTraitDefinitionsMatchFixers(t *testing.T) {
	cfg := config.Default()
	f, err := kio.Parse("app.yaml", []byte(needsAll))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Process(f, engine.Options{Config: cfg, Rules: []*fixers.Rule{fixers.CircuitBreaker, fixers.NetworkPolicy}, Definitions: validate.Embedded()}); err != nil {
		t.Fatal(err)
	}
	app := oam.Load(f.Docs[0].Node.YNode())
	optional := map[string][]string{
		"circuit-breaker": {"interval", "maxEjectionPercent", "maxConnections", "maxPendingRequests", "maxRequests"},
	}
	for _, typ := range []string{"circuit-breaker", "network-policy"} {
		tr := app.Components[0].Trait(typ)
		if tr == nil {
			t.Fatalf("the fixers did not add %s", typ)
		}
		var written []string
		oam.Pairs(tr.Properties, func(k, _ *yaml.Node) { written = append(written, k.Value) })
		params, err := validate.Embedded().ParameterFields(typ)
		if err != nil {
			t.Fatal(err)
		}
		want := append(append([]string{}, written...), optional[typ]...)
		sort.Strings(want)
		sort.Strings(params)
		if d := cmp.Diff(want, params); d != "" {
			t.Errorf("%s: definition parameters differ from what the fixer writes (+definition, -fixer):\n%s", typ, d)
		}
	}
}

const needsAll = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
spec:
  components:
    - name: api
      type: webservice
      properties:
        image: nginx
        ports:
          - port: 8080
            expose: true
`
