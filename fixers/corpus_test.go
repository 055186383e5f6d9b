package fixers_test

import (
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
	var changedFiles, unparsed, refused int
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
		res, err := engine.Process(f, opts)
		if err != nil {
			refused++
			t.Errorf("%v", err)
			continue
		}
		for _, fd := range res.Findings {
			found[fd.Rule]++
			if fd.Status == fixers.Fixed {
				fixed[fd.Rule]++
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
		b.WriteString("\n  " + r + ": " + itoa(found[r]) + " findings, " + itoa(fixed[r]) + " fixed")
	}
	t.Logf("corpus: %d files, %d changed, %d do not parse, %d refused%s", len(files), changedFiles, unparsed, refused, b.String())
	if changedFiles == 0 {
		t.Fatal("no corpus file was fixed")
	}
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
