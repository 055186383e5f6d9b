package fixers_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestCorpusFixTwice runs every rule over every corpus file (in memory, as
// --fix would on a temp copy): the output re-parses, keeps every comment,
// and a second run changes nothing. Per-rule counts go to the test log.
func TestCorpusFixTwice(t *testing.T) {
	files := testenv.CorpusFiles(t)
	cfg := config.Default()
	cfg.Spec.CORS.AllowedOrigins = []string{"https://app.example.com"}
	opts := engine.Options{Config: cfg, Rules: fixers.All()}
	found := map[string]int{}
	fixed := map[string]int{}
	fixedMoved := map[string]int{} // fixes on components whose kind the model changed
	transitions := map[string]int{}
	unmet := map[string]map[string]int{} // rule -> precondition -> findings left open
	var changedFiles, unparsed, refused int
	var splicing kio.ProjectStats
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := kio.Parse(path, data)
		if err != nil {
			unparsed++
			continue
		}
		before := commentCount(f)
		moved := kindChanges(f, cfg, transitions)
		res, err := engine.Process(f, opts)
		splicing.Add(f.Stats)
		if err != nil {
			refused++
			t.Errorf("%v", err)
			continue
		}
		for _, fd := range res.Findings {
			found[fd.Rule]++
			for _, u := range fd.Unmet {
				if unmet[fd.Rule] == nil {
					unmet[fd.Rule] = map[string]int{}
				}
				unmet[fd.Rule][u.Precondition]++
			}
			if fd.Status == fixers.Fixed {
				fixed[fd.Rule]++
				if moved[fmt.Sprint(fd.Document, "/", fd.Component)] {
					fixedMoved[fd.Rule]++
				}
			}
		}
		if !res.Changed() {
			continue
		}
		changedFiles++
		out, err := kio.Parse(path, res.After)
		if err != nil {
			t.Errorf("%s: output does not re-parse: %v", path, err)
			continue
		}
		if after := commentCount(out); after < before {
			t.Errorf("%s: comments dropped from %d to %d", path, before, after)
		}
		again, err := engine.Process(out, opts)
		if err != nil {
			t.Errorf("%s: second run: %v", path, err)
			continue
		}
		if again.Changed() {
			d, _ := kio.UnifiedDiff(path, again.Before, again.After)
			t.Errorf("%s: second run changed the file:\n%s", path, d)
		}
	}
	var rules []string
	for r := range found {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	var b strings.Builder
	for _, r := range rules {
		b.WriteString("\n  " + r + ": " + itoa(found[r]) + " findings, " + itoa(fixed[r]) + " fixed (" + itoa(fixedMoved[r]) + " of them on components the workload model classifies differently from the old type globs)")
		if before, ok := fixedBeforeSafety[r]; ok {
			b.WriteString(fmt.Sprintf("; before the safety preconditions: %d fixed", before))
		}
		if len(unmet[r]) > 0 {
			var reasons []string
			for name, n := range unmet[r] {
				reasons = append(reasons, fmt.Sprintf("%s %d", name, n))
			}
			sort.Strings(reasons)
			b.WriteString("; left open by unmet precondition: " + strings.Join(reasons, ", "))
		}
	}
	var moves []string
	for tr, n := range transitions {
		moves = append(moves, fmt.Sprintf("%s %d", tr, n))
	}
	sort.Strings(moves)
	b.WriteString("\n  kinds that moved (old type globs -> workload model): " + strings.Join(moves, ", "))
	t.Logf("corpus: %d files, %d changed, %d do not parse, %d refused%s\n  edits written: %s", len(files), changedFiles, unparsed, refused, b.String(), splicing)
	if len(splicing.Fallbacks) > 0 {
		t.Errorf("edits fell back to the whole-document rendering:\n%s", strings.Join(splicing.Fallbacks, "\n"))
	}
	if changedFiles == 0 {
		t.Fatal("no corpus file was fixed")
	}
}

// fixedBeforeSafety are the per-rule fixed counts over the corpus measured
// on oamfix before the workload model and the safety preconditions (the
// issue that introduced them quotes them), kept so the log shows how many
// fixes became open findings, and why.
var fixedBeforeSafety = map[string]int{
	"circuit-breaker": 474, "network-policy": 635, "probes": 848, "replicas": 468, "staging": 3,
}

// legacyTypes are the type globs oamfix classified components by before
// the workload model (its default vocabulary then), kept here so the log
// shows which fixes moved because a kind changed.
var legacyTypes = []struct {
	kind     workload.Kind
	patterns []string
}{
	{workload.Service, []string{"webservice", "webservice@*", "webserver", "stateless", "microservice", "base-service", "proxy-service", "java-war", "replica-webservice", "cloneset-service", "clonesetservice"}},
	{workload.Worker, []string{"worker", "worker@*", "myworker", "kube-worker", "task", "cron-task", "job-like-component", "daemon"}},
	{workload.DataStore, []string{"mongodb*", "redis*", "clickhouse*", "postgres*", "mysql*", "mariadb*", "*-rds*", "elasticsearch*", "kafka*", "zookeeper*", "rabbitmq*"}},
}

// legacyKind is a component type's kind under the old type globs.
func legacyKind(typ string) workload.Kind {
	for _, t := range []string{typ, strings.Split(typ, "@")[0]} {
		for _, l := range legacyTypes {
			if config.MatchAny(l.patterns, t) {
				return l.kind
			}
		}
	}
	return workload.Unknown
}

// kindChanges marks the components of a file whose kind differs between
// the old type globs and the workload model ("document/component"), and
// counts each transition.
func kindChanges(f *kio.File, cfg *config.Config, transitions map[string]int) map[string]bool {
	out := map[string]bool{}
	for _, d := range f.Docs {
		if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
			continue
		}
		app := oam.Load(d.Node.YNode())
		for _, fc := range workload.Build(app, cfg, engine.DefaultCatalog()).Facts {
			if old := legacyKind(fc.Component.Type); old != fc.Kind {
				out[fmt.Sprint(d.Index, "/", fc.Component.Name)] = true
				transitions[string(old)+"->"+string(fc.Kind)]++
			}
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// commentCount counts comment lines in every document of a file.
func commentCount(f *kio.File) int {
	n := 0
	for _, d := range f.Docs {
		if d.Node == nil {
			continue
		}
		var walk func(*yaml.Node)
		walk = func(y *yaml.Node) {
			for _, c := range []string{y.HeadComment, y.LineComment, y.FootComment} {
				if c != "" {
					n += strings.Count(c, "\n") + 1
				}
			}
			for _, ch := range y.Content {
				walk(ch)
			}
		}
		walk(d.Node.Document())
	}
	return n
}
