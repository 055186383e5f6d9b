package krm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/fixers"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fixture reads a ResourceList from testdata/krm.
func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "krm", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// withFunctionConfig returns the ResourceList rl with its functionConfig
// replaced by fc (removed when fc is empty).
func withFunctionConfig(t *testing.T, rl, fc string) string {
	t.Helper()
	node, err := yaml.Parse(rl)
	if err != nil {
		t.Fatal(err)
	}
	if fc == "" {
		if err := node.PipeE(yaml.Clear("functionConfig")); err != nil {
			t.Fatal(err)
		}
	} else if err := node.PipeE(yaml.SetField("functionConfig", yaml.MustParse(fc))); err != nil {
		t.Fatal(err)
	}
	return node.MustString()
}

// output is a parsed output ResourceList.
type output struct {
	text           string
	items          []*yaml.RNode
	functionConfig string
	results        framework.Results
}

// itemText is the serialization of the item with the given kind.
func (o *output) itemText(t *testing.T, kind string) string {
	t.Helper()
	for _, it := range o.items {
		if it.GetKind() == kind {
			return it.MustString()
		}
	}
	t.Fatalf("no %s item in the output:\n%s", kind, o.text)
	return ""
}

// byRule returns the results tagged with the rule, failing when there are none.
func (o *output) byRule(t *testing.T, rule string) []*framework.Result {
	t.Helper()
	var out []*framework.Result
	for _, r := range o.results {
		if r.Tags["rule"] == rule {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no result for rule %s in:\n%s", rule, o.text)
	}
	return out
}

// parse reads a ResourceList.
func parse(t *testing.T, text string) *output {
	t.Helper()
	node, err := yaml.Parse(text)
	if err != nil {
		t.Fatalf("output is not YAML: %v\n%s", err, text)
	}
	if node.GetKind() != "ResourceList" || node.GetApiVersion() != "config.kubernetes.io/v1" {
		t.Fatalf("output is not a config.kubernetes.io/v1 ResourceList:\n%s", text)
	}
	o := &output{text: text}
	items, err := node.Pipe(yaml.Lookup("items"))
	if err != nil {
		t.Fatal(err)
	}
	if o.items, err = items.Elements(); err != nil {
		t.Fatal(err)
	}
	if fc := node.Field("functionConfig"); fc != nil {
		o.functionConfig = fc.Value.MustString()
	}
	if res := node.Field("results"); res != nil {
		if err := yaml.Unmarshal([]byte(res.Value.MustString()), &o.results); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// run runs the function on a ResourceList.
func run(t *testing.T, input string, opts Options) (*output, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(strings.NewReader(input), &out, opts)
	if errors.Is(err, ErrNotResourceList) {
		t.Fatal(err)
	}
	return parse(t, out.String()), err
}

// failed reports whether err carries error results, as Run returns them.
func failed(err error) bool {
	var results framework.Results
	return errors.As(err, &results) && results.ExitCode() == 1
}

// fixAll runs every rule and keeps what it fixes whatever stays open:
// the fixture's Application has no monitoring (a high finding no fix
// clears), which fails a run at the default failOn.
var fixAll = Options{FailOn: FailNone}

func TestFixResults(t *testing.T) {
	in := fixture(t, "resourcelist.yaml")
	out, err := run(t, in, fixAll)
	if err != nil {
		t.Fatalf("fix run failed: %v\n%s", err, out.text)
	}
	for _, r := range out.results {
		if r.Severity == "" || r.Message == "" || r.ResourceRef == nil || r.Tags["rule"] == "" || r.Tags["status"] == "" {
			t.Errorf("result lacks severity, message, resourceRef or tags: %+v", r)
		}
		if r.Severity == framework.Error {
			t.Errorf("fix mode produced an error result: %s", r)
		}
		if r.Tags["status"] == string(fixers.Fixed) && (r.Severity != framework.Info || !strings.HasPrefix(r.Message, "fixed: ")) {
			t.Errorf("fixed finding not reported as info with what was changed: %s", r)
		}
	}

	// The hpa floor: every field of the result.
	var min *framework.Result
	for _, r := range out.byRule(t, "replicas") {
		if r.Field != nil && r.Field.Path == "spec.components[0].traits[0].properties.min" {
			min = r
		}
	}
	if min == nil {
		t.Fatalf("no replicas result about the hpa min:\n%s", out.text)
	}
	if min.Severity != framework.Info || !strings.HasPrefix(min.Message, `fixed: hpa min of "api" is 1; raising it to 3`) {
		t.Errorf("hpa min result: severity %q, message %q", min.Severity, min.Message)
	}
	wantRef := yaml.ResourceIdentifier{TypeMeta: yaml.TypeMeta{APIVersion: "core.oam.dev/v1beta1", Kind: "Application"}, NameMeta: yaml.NameMeta{Name: "shop", Namespace: "shop"}}
	if *min.ResourceRef != wantRef {
		t.Errorf("resourceRef = %+v, want %+v", *min.ResourceRef, wantRef)
	}
	if min.Field.CurrentValue != "1" || min.Field.ProposedValue != "3" {
		t.Errorf("field = %+v, want current 1, proposed 3", *min.Field)
	}
	if min.File == nil || *min.File != (framework.File{Path: "app.yaml", Index: 0}) {
		t.Errorf("file = %+v, want app.yaml index 0", min.File)
	}
	if min.Tags["rule"] != "replicas" || min.Tags["status"] != "fixed" || min.Tags["severity"] != "high" {
		t.Errorf("tags = %v", min.Tags)
	}

	// The CORS wildcard, replaced from the ConfigMap's cors.allowedOrigins.
	cors := out.byRule(t, "cors")[0]
	if cors.Field == nil || cors.Field.CurrentValue != "*" || cors.Field.ProposedValue != "https://shop.example.com" {
		t.Errorf("cors field = %+v", cors.Field)
	}
	app := out.itemText(t, "Application")
	if !strings.Contains(app, `value: "https://shop.example.com" # open for now`) {
		t.Errorf("the CORS fix (with its comment) is missing from the Application:\n%s", app)
	}
	for _, want := range []string{"# The public API.", "owner: team-shop # who to ask", "type: circuit-breaker", "type: network-policy", "readinessProbe:"} {
		if !strings.Contains(app, want) {
			t.Errorf("Application lacks %q:\n%s", want, app)
		}
	}
}

func TestPassThrough(t *testing.T) {
	in := fixture(t, "resourcelist.yaml")
	before := parse(t, in)
	after, err := run(t, in, fixAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.items) != len(before.items) {
		t.Fatalf("%d items in, %d out", len(before.items), len(after.items))
	}
	for i, it := range before.items {
		if it.GetKind() == "Application" {
			// Fixed, but every annotation kept, in order, with its style.
			annos := func(n *yaml.RNode) string {
				return yaml.GetValue(n.Field("metadata").Value.Field("annotations").Value)
			}
			if got, want := annos(after.items[i]), annos(it); got != want {
				t.Errorf("Application annotations changed:\n--- before\n%s\n--- after\n%s", want, got)
			}
			continue
		}
		if got, want := after.items[i].MustString(), it.MustString(); got != want {
			t.Errorf("%s item changed:\n--- before\n%s\n--- after\n%s", it.GetKind(), want, got)
		}
	}
	if after.functionConfig != before.functionConfig {
		t.Errorf("functionConfig changed:\n--- before\n%s\n--- after\n%s", before.functionConfig, after.functionConfig)
	}
	for _, r := range after.results {
		if r.ResourceRef.Kind != "Application" {
			t.Errorf("result about a %s: %s", r.ResourceRef.Kind, r)
		}
	}
}

func TestIdempotent(t *testing.T) {
	first, err := run(t, fixture(t, "resourcelist.yaml"), fixAll)
	if err != nil {
		t.Fatal(err)
	}
	second, err := run(t, first.text, fixAll)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.items) != len(first.items) {
		t.Fatalf("%d items, then %d", len(first.items), len(second.items))
	}
	for i := range first.items {
		if got, want := second.items[i].MustString(), first.items[i].MustString(); got != want {
			t.Errorf("second run changed the %s item:\n--- first\n%s\n--- second\n%s", first.items[i].GetKind(), want, got)
		}
	}
	for _, r := range second.results {
		if r.Tags["status"] == string(fixers.Fixed) {
			t.Errorf("second run fixed something (or echoed the first run's results): %s", r)
		}
		// Only info results, except the standing findings of check-only
		// rules, which no run can fix.
		if r.Severity != framework.Info && fixers.Lookup(r.Tags["rule"]).Fixable {
			t.Errorf("second run left a %s result of a fixing rule: %s", r.Severity, r)
		}
	}
}

// TestFailOn: every open finding at or above failOn fails the run, in fix
// and check mode alike, and a failed run changes nothing. After its fixes,
// the fixture's Application still has an open high finding (no monitoring)
// and a medium one (no rollout strategy); before them, high ones of every
// fixing rule.
func TestFailOn(t *testing.T) {
	in := fixture(t, "resourcelist.yaml")
	configMap := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata: {cors.allowedOrigins: 'https://shop.example.com', " + data + "}\n"
	}
	tests := []struct {
		name    string
		fc      string
		opts    Options
		fail    bool
		changed bool
		errors  []string // the rules of the error results
	}{
		{name: "fix, default failOn high", fc: configMap(""), fail: true, errors: []string{"observability"}},
		{name: "fix, failOn critical", fc: configMap("failOn: critical"), changed: true},
		{name: "fix, failOn medium", fc: configMap("failOn: medium"), fail: true, errors: []string{"observability", "rollout"}},
		{name: "fix, failOn none", fc: configMap("failOn: none"), changed: true},
		{name: "fix, flag --fail-on none overrides failOn", fc: configMap("failOn: low"), opts: Options{FailOn: FailNone}, changed: true},
		{name: "ConfigMap mode=check", fc: configMap("mode: check"), fail: true, errors: []string{"replicas", "probes", "cors", "circuit-breaker", "network-policy", "observability"}},
		{name: "--check flag", fc: configMap(""), opts: Options{CheckOnly: true}, fail: true, errors: []string{"replicas", "probes", "cors", "circuit-breaker", "network-policy", "observability"}},
		{name: "check, failOn critical", fc: configMap("mode: check, failOn: critical")},
		{name: "check, flag --fail-on critical overrides failOn", fc: configMap("mode: check, failOn: low"), opts: Options{FailOn: fixers.Critical}},
		{name: "OAMFixConfig spec.mode check, spec.failOn none", fc: "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nspec: {mode: check, failOn: none}\n"},
		{name: "one rule in check mode", fc: configMap("rules.replicas.mode: check, failOn: high, rules.observability.mode: off"), fail: true, errors: []string{"replicas"}},
		{name: "check only the rules selected", fc: configMap("mode: check"), opts: Options{Rules: "cors"}, fail: true, errors: []string{"cors"}},
	}
	before := parse(t, in)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, withFunctionConfig(t, in, tc.fc), tc.opts)
			if failed(err) != tc.fail {
				t.Fatalf("failed = %v, want %v (err %v)\n%s", failed(err), tc.fail, err, out.text)
			}
			if err != nil && !tc.fail {
				t.Fatalf("unexpected error: %v", err)
			}
			if changed := out.itemText(t, "Application") != before.itemText(t, "Application"); changed != tc.changed {
				t.Errorf("Application changed = %v, want %v", changed, tc.changed)
			}
			failing := map[string]bool{}
			for _, r := range out.results {
				status := r.Tags["status"]
				if r.Severity == framework.Error {
					failing[r.Tags["rule"]] = true
					if status != string(fixers.Open) {
						t.Errorf("error result for a %s finding: %s", status, r)
					}
				}
				if tc.fail && (status == string(fixers.Fixed) || strings.HasPrefix(r.Message, "fixed")) {
					t.Errorf("a failed run reports a fix: %s", r)
				}
				if status == NotApplied && (!tc.fail || !strings.HasSuffix(r.Message, "(not applied: the run failed, so nothing was changed)")) {
					t.Errorf("not-applied result in a run that failed = %v: %s", tc.fail, r)
				}
				if tc.opts.Rules == "cors" && r.Tags["rule"] != "cors" {
					t.Errorf("result of an unselected rule: %s", r)
				}
			}
			var got []string
			for _, rule := range fixers.All() {
				if failing[rule.ID] {
					got = append(got, rule.ID)
				}
			}
			want := append([]string(nil), tc.errors...)
			sort.Slice(want, func(i, j int) bool { return ruleIndex(want[i]) < ruleIndex(want[j]) })
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("error results of rules %v, want %v\n%s", got, want, out.text)
			}
		})
	}
}

// ruleIndex is a rule's position in fixers.All.
func ruleIndex(id string) int {
	for i, r := range fixers.All() {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// TestFailedRunChangesNothing: when the run fails, every item comes back
// as it came in, nothing is added, and each fix the rules made is reported
// as not applied, in the words check mode uses for it.
func TestFailedRunChangesNothing(t *testing.T) {
	for _, name := range []string{"resourcelist.yaml", "per-env.yaml"} {
		t.Run(name, func(t *testing.T) {
			in := fixture(t, name)
			before := parse(t, in)
			// No monitoring in either fixture: a high finding fails the run.
			out, err := run(t, in, Options{})
			if !failed(err) {
				t.Fatalf("err = %v, want error results\n%s", err, out.text)
			}
			if len(out.items) != len(before.items) {
				t.Fatalf("%d items in, %d out", len(before.items), len(out.items))
			}
			for i, it := range before.items {
				if got, want := out.items[i].MustString(), it.MustString(); got != want {
					t.Errorf("a failed run changed the %s item:\n--- before\n%s\n--- after\n%s", it.GetKind(), want, got)
				}
			}
			check, err := run(t, in, Options{CheckOnly: true, FailOn: FailNone})
			if err != nil {
				t.Fatal(err)
			}
			checkMsg := map[string]string{}
			for _, r := range check.results {
				checkMsg[resultKey(r)] = r.Message
			}
			n := 0
			for _, r := range out.results {
				if r.Tags["status"] != NotApplied {
					continue
				}
				n++
				if r.Severity == framework.Error {
					t.Errorf("a fix not applied is an error result: %s", r)
				}
				want := checkMsg[resultKey(r)]
				want, _ = strings.CutSuffix(want, "; to resolve: "+remediation(check.results, r))
				if want == "" || r.Message != want+" (not applied: the run failed, so nothing was changed)" {
					t.Errorf("not applied: %q\nwant check mode's words: %q", r.Message, want)
				}
			}
			if n == 0 {
				t.Errorf("no result says a fix was not applied:\n%s", out.text)
			}
		})
	}
}

// resultKey identifies a result by rule and field path.
func resultKey(r *framework.Result) string {
	if r.Field == nil {
		return r.Tags["rule"]
	}
	return r.Tags["rule"] + " " + r.Field.Path
}

// remediation returns the "to resolve" part of the check-mode result
// about the same rule and field as r.
func remediation(results framework.Results, r *framework.Result) string {
	for _, c := range results {
		if resultKey(c) == resultKey(r) {
			if _, rem, ok := strings.Cut(c.Message, "; to resolve: "); ok {
				return rem
			}
		}
	}
	return ""
}

func TestResultSeverity(t *testing.T) {
	item := yaml.MustParse("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: a\n  annotations:\n    internal.config.kubernetes.io/path: apps/a.yaml\n    internal.config.kubernetes.io/index: '2'\n")
	tests := []struct {
		status fixers.Status
		sev    fixers.Severity
		failOn fixers.Severity
		want   framework.Severity
	}{
		{fixers.Fixed, fixers.Critical, fixers.High, framework.Info},
		{fixers.Suppressed, fixers.Critical, fixers.Low, framework.Info},
		{fixers.Open, fixers.Critical, fixers.High, framework.Error},
		{fixers.Open, fixers.High, fixers.High, framework.Error},
		{fixers.Open, fixers.Medium, fixers.High, framework.Warning},
		{fixers.Open, fixers.Medium, fixers.Medium, framework.Error},
		{fixers.Open, fixers.Low, fixers.High, framework.Info},
		{fixers.Open, fixers.Low, fixers.Low, framework.Error},
		{fixers.Open, fixers.Info, fixers.Low, framework.Info},
		{fixers.Open, fixers.Critical, FailNone, framework.Warning},
		{fixers.Open, fixers.Low, FailNone, framework.Info},
	}
	for _, tc := range tests {
		f := fixers.Finding{Rule: "probes", Severity: tc.sev, Status: tc.status, Message: "m", Remediation: "do this", SuppressedBy: "why", Path: "spec.components[api]", FieldPath: "spec.components[0]"}
		r := Result(f, item, tc.failOn)
		if r.Severity != tc.want {
			t.Errorf("%s %s finding, failOn %s: severity %s, want %s", tc.status, tc.sev, tc.failOn, r.Severity, tc.want)
		}
		wantMsg := map[fixers.Status]string{fixers.Fixed: "fixed: m", fixers.Open: "m; to resolve: do this", fixers.Suppressed: "m (suppressed: why)"}[tc.status]
		if r.Message != wantMsg {
			t.Errorf("message %q, want %q", r.Message, wantMsg)
		}
		if r.Field == nil || r.Field.Path != "spec.components[0]" || r.Field.CurrentValue != nil || r.Field.ProposedValue != nil {
			t.Errorf("field = %+v, want the numeric path and no values", r.Field)
		}
		if r.File == nil || *r.File != (framework.File{Path: "apps/a.yaml", Index: 2}) {
			t.Errorf("file = %+v, want apps/a.yaml index 2", r.File)
		}
		if r.Tags["status"] != string(tc.status) || r.Tags["rule"] != "probes" {
			t.Errorf("tags = %v", r.Tags)
		}
	}

	// A fix a failed run made but did not keep: never an error.
	for sev, want := range map[fixers.Severity]framework.Severity{fixers.Critical: framework.Warning, fixers.Medium: framework.Warning, fixers.Low: framework.Info} {
		f := fixers.Finding{Rule: "probes", Severity: sev, Status: fixers.Open, Message: "m; fix: add x", Action: "add x", Remediation: "do this"}
		r := notAppliedResult(f, item)
		if r.Severity != want || r.Tags["status"] != NotApplied || r.Message != "m; fix: add x (not applied: the run failed, so nothing was changed)" {
			t.Errorf("%s fix not applied: severity %s (want %s), status %s, message %q", sev, r.Severity, want, r.Tags["status"], r.Message)
		}
	}
}

func TestOAMFixConfigFunctionConfig(t *testing.T) {
	in := fixture(t, "resourcelist.yaml")
	// As kustomize passes it: with the function annotation and local-config.
	fc := `apiVersion: oamfix.dev/v1alpha1
kind: OAMFixConfig
metadata:
  name: oamfix
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ./oamfix
    config.kubernetes.io/local-config: 'true'
spec:
  criticalComponents: [api]
  cors:
    allowedOrigins: [https://a.example.com, https://b.example.com]
`
	out, err := run(t, withFunctionConfig(t, in, fc), fixAll)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.text)
	}
	app := out.itemText(t, "Application")
	for _, want := range []string{`value: "https://a.example.com,https://b.example.com"`, "min: 5"} {
		if !strings.Contains(app, want) {
			t.Errorf("Application lacks %q (config not applied):\n%s", want, app)
		}
	}
	if !strings.Contains(out.functionConfig, "config.kubernetes.io/local-config: 'true'") {
		t.Errorf("functionConfig annotations were not passed through:\n%s", out.functionConfig)
	}

	// No functionConfig: the defaults, which have no allowed origins, so
	// the wildcard stays (a warning) and the rest is fixed.
	out, err = run(t, withFunctionConfig(t, in, ""), fixAll)
	if err != nil {
		t.Fatal(err)
	}
	if cors := out.byRule(t, "cors")[0]; cors.Tags["status"] != "open" || cors.Severity != framework.Warning {
		t.Errorf("without allowed origins the CORS finding should be an open warning: %s", cors)
	}
}

func TestBadFunctionConfig(t *testing.T) {
	in := fixture(t, "resourcelist.yaml")
	oamfixConfig := func(spec string) string {
		return "apiVersion: oamfix.dev/v1alpha1\nkind: OAMFixConfig\nmetadata: {name: oamfix}\nspec:\n" + spec
	}
	configMap := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata:\n" + data
	}
	tests := []struct {
		name, fc, field, msg string
	}{
		{"OAMFixConfig bad value", oamfixConfig("  target: {concurrentUsers: lots}\n"), "spec.target.concurrentUsers", `functionConfig: spec.target.concurrentUsers: expected an integer, got "lots"`},
		{"OAMFixConfig unknown field", oamfixConfig("  cors: {allowedOrigin: [https://a.example.com]}\n"), "spec.cors.allowedOrigin", `unknown field "allowedOrigin"`},
		{"OAMFixConfig unknown top-level field", oamfixConfig("  cors: {}\nstatus: {}\n"), "status", `unknown field "status"`},
		{"OAMFixConfig bad mode", oamfixConfig("  mode: maybe\n"), "spec.mode", `spec.mode: expected fix or check, got "maybe"`},
		{"OAMFixConfig bad failOn", oamfixConfig("  failOn: urgent\n"), "spec.failOn", `spec.failOn: expected critical, high, medium, low or none, got "urgent"`},
		{"another kind", "apiVersion: example.com/v1\nkind: Frobnicator\nmetadata: {name: x}\n", "kind", `kind: expected OAMFixConfig (oamfix.dev/v1alpha1) or ConfigMap, got "Frobnicator"`},
		{"OAMFixConfig wrong apiVersion", "apiVersion: oamfix.dev/v1\nkind: OAMFixConfig\nmetadata: {name: x}\n", "apiVersion", `apiVersion: expected "oamfix.dev/v1alpha1", got "oamfix.dev/v1"`},
		{"ConfigMap bad value", configMap("  target.concurrentUsers: lots\n"), "data.target.concurrentUsers", `target.concurrentUsers: expected an integer, got "lots"`},
		{"ConfigMap unknown key", configMap("  cors.allowedOrigin: https://a.example.com\n"), "data.cors.allowedOrigin", `unknown field "allowedOrigin"`},
		{"ConfigMap bad mode", configMap("  mode: maybe\n"), "data.mode", `mode: expected fix, check or off, got "maybe"`},
		{"ConfigMap bad failOn", configMap("  failOn: urgent\n"), "data.failOn", `failOn: expected critical, high, medium, low or none, got "urgent"`},
	}
	before := parse(t, in)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, withFunctionConfig(t, in, tc.fc), Options{})
			if !failed(err) {
				t.Fatalf("err = %v, want error results", err)
			}
			if len(out.results) != 1 {
				t.Fatalf("want one result, got:\n%s", out.text)
			}
			r := out.results[0]
			if r.Severity != framework.Error || r.Field == nil || r.Field.Path != tc.field || !strings.Contains(r.Message, tc.msg) {
				t.Errorf("result = %s (field %+v), want an error on %s saying %q", r, r.Field, tc.field, tc.msg)
			}
			// The fixture is what kpt sends, and kpt prints the results:
			// stderr only counts them. kustomize prints only stderr.
			var failure *Failure
			if !errors.As(err, &failure) || !failure.Shown {
				t.Fatalf("err = %#v, want a *Failure whose results kpt shows", err)
			}
			if text := ErrorText(err); text != "oamfix: failed on 1 error result(s), listed in the results; nothing was changed\n" {
				t.Errorf("stderr text under kpt: %q", text)
			}
			failure.Shown = false
			if text := ErrorText(failure); !strings.Contains(text, tc.msg) || !strings.HasSuffix(text, "\n") {
				t.Errorf("stderr text %q does not name the problem or lacks the final newline", text)
			}
			for i := range before.items {
				if out.items[i].MustString() != before.items[i].MustString() {
					t.Errorf("a bad config changed the %s item", before.items[i].GetKind())
				}
			}
		})
	}
}

func TestNewDocumentItem(t *testing.T) {
	for _, tc := range []struct {
		name, fixture, path, index string
		where                      string // where the staging result says the new document goes
	}{
		// kpt: shop-dev and shop-prod in shop.yaml, a ConfigMap in other.yaml;
		// kpt writes the new item, index 2, at the end of shop.yaml.
		{"kpt", "per-env.yaml", "shop.yaml", "2", ", at the end of shop.yaml"},
		// kustomize: no path; indexes count the whole build, whose output
		// has the new item right after shop-dev.
		{"kustomize", "per-env-kustomize.yaml", "", "3", ", after shop-dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, fixture(t, tc.fixture), Options{Rules: "staging"})
			if err != nil {
				t.Fatalf("%v\n%s", err, out.text)
			}
			var names []string
			for _, it := range out.items {
				names = append(names, it.GetName())
			}
			if got := strings.Join(names, " "); got != "shop-dev shop-staging shop-prod settings" {
				t.Fatalf("items = %s, want the staging Application right after dev", got)
			}
			annos := out.items[1].GetAnnotations()
			want := map[string]string{
				kioutil.IndexAnnotation: tc.index, kioutil.LegacyIndexAnnotation: tc.index,
			}
			if tc.path != "" {
				want[kioutil.PathAnnotation] = tc.path
				want[kioutil.LegacyPathAnnotation] = tc.path
			}
			for k, v := range want {
				if annos[k] != v {
					t.Errorf("new item: %s = %q, want %q", k, annos[k], v)
				}
			}
			for _, k := range []string{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation, "kustomize.config.k8s.io/id", kioutil.InternalAnnotationsMigrationResourceIDAnnotation} {
				if v, ok := annos[k]; ok {
					t.Errorf("new item carries %s: %q (copied from prod)", k, v)
				}
			}
			if annos["team"] != "shop" {
				t.Errorf("new item lost prod's own annotation: %v", annos)
			}
			r := out.byRule(t, "staging")[0]
			if r.Tags["status"] != "fixed" || r.ResourceRef.Name != "shop-prod" {
				t.Errorf("staging result = %s", r)
			}
			if want := "adding Application shop-staging, a copy of shop-prod at staging scale" + tc.where; !strings.HasSuffix(r.Message, want) {
				t.Errorf("staging result message %q, want it to end %q", r.Message, want)
			}

			// Check mode says the same of the fix it would make.
			check, err := run(t, fixture(t, tc.fixture), Options{Rules: "staging", CheckOnly: true, FailOn: FailNone})
			if err != nil {
				t.Fatal(err)
			}
			if want := "fix: add Application shop-staging, a copy of shop-prod at staging scale" + tc.where + ";"; !strings.Contains(check.byRule(t, "staging")[0].Message, want) {
				t.Errorf("check-mode staging message %q, want it to say %q", check.byRule(t, "staging")[0].Message, want)
			}
		})
	}
}

func TestDuplicateKeys(t *testing.T) {
	in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: twice
    annotations:
      internal.config.kubernetes.io/path: cm.yaml
  data:
    a: "1"
    a: "2"
`
	out, err := run(t, in, Options{})
	if !failed(err) {
		t.Fatalf("err = %v, want error results", err)
	}
	if len(out.results) != 1 || out.results[0].Field == nil || out.results[0].Field.Path != "data.a" || out.results[0].File.Path != "cm.yaml" {
		t.Errorf("want one error about data.a in cm.yaml, got:\n%s", out.text)
	}
}

func TestIsResourceList(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", true},
		{"kind: ResourceList\nfunctionConfig: {}\n", true},
		{"apiVersion: v1\nkind: List\nitems: []\n", true},
		{`{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": []}`, true},
		{"kind: ResourceList\n", false},
		{"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\n", false},
		{"kind: ResourceList\nitems: []\n---\nkind: ResourceList\nitems: []\n", false},
		{"", false},
		{"key: [unclosed\n", false},
	}
	for _, tc := range tests {
		if got := IsResourceList([]byte(tc.in)); got != tc.want {
			t.Errorf("IsResourceList(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	var out bytes.Buffer
	if err := Run(strings.NewReader("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), &out, Options{}); !errors.Is(err, ErrNotResourceList) || out.Len() != 0 {
		t.Errorf("plain YAML: err %v, output %q; want ErrNotResourceList and no output", err, out.String())
	}
}

// TestContainment: an Application whose path annotation is absolute or
// leaves the package is not edited and gets an error result.
func TestContainment(t *testing.T) {
	for _, path := range []string{"../outside/app.yaml", "/etc/app.yaml", "apps/../../app.yaml"} {
		in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
  - apiVersion: core.oam.dev/v1beta1
    kind: Application
    metadata:
      name: shop
      annotations:
        internal.config.kubernetes.io/path: "` + path + `"
    spec:
      components:
        - name: api
          type: webservice
          properties:
            image: nginx
            ports: [{port: 8080, expose: true}]
`
		var out bytes.Buffer
		err := Run(strings.NewReader(in), &out, Options{Rules: "all"})
		if err == nil {
			t.Errorf("%s: no error", path)
		}
		if strings.Contains(out.String(), "circuit-breaker") && strings.Contains(out.String(), "type: circuit-breaker") {
			t.Errorf("%s: the item was edited", path)
		}
		if !strings.Contains(out.String(), "leaves the package") {
			t.Errorf("%s: no containment result:\n%s", path, out.String())
		}
	}
}

// TestDuplicateKeyFailsTheRun: a duplicate key fails the run whatever
// failOn says, so the fixes the rules made are not applied either.
func TestDuplicateKeyFailsTheRun(t *testing.T) {
	in := fixture(t, "resourcelist.yaml")
	dup := strings.Replace(in, "      owner: team-shop # who to ask\n", "      owner: team-shop # who to ask\n      owner: team-web\n", 1)
	if dup == in {
		t.Fatal("fixture changed: cannot add the duplicate key")
	}
	out, err := run(t, dup, fixAll)
	if !failed(err) {
		t.Fatalf("err = %v, want error results\n%s", err, out.text)
	}
	if got, want := out.itemText(t, "Application"), parse(t, dup).itemText(t, "Application"); got != want {
		t.Errorf("a failed run changed the Application:\n%s", got)
	}
	n := byStatusTag(out.results)
	if n["fixed"] != 0 || n[NotApplied] == 0 {
		t.Errorf("results by status %v, want no fix and some not applied", n)
	}
	if r := out.results[0]; r.Severity != framework.Error || r.Field == nil || r.Field.Path != "metadata.annotations.owner" {
		t.Errorf("first result = %s, want the duplicate key error", r)
	}
}

// byStatusTag counts results by their status tag.
func byStatusTag(results framework.Results) map[string]int {
	n := map[string]int{}
	for _, r := range results {
		n[r.Tags["status"]]++
	}
	return n
}
