package validate

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oamfix/oamfix/internal/testenv"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestCorpus validates every Application document of the shared corpus of
// real manifests. Corpus apps may well be invalid or use types without a
// definition here, so the test only fails if validation itself breaks
// (a panic, or Problems without a file, line or message); it logs counts
// and the first reasons.
func TestCorpus(t *testing.T) {
	dir := testenv.Shared(t, "corpus")
	start := time.Now()
	defs := builtins(t).Merge(Embedded())
	var files, parseErrors, apps, valid, unknownOnly, invalid int
	var reasons []string
	errorsByMessage := map[string]int{}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		files++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		dec := yaml.NewDecoder(bytes.NewReader(src))
		for {
			var doc yaml.Node
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				parseErrors++
				break
			}
			root := deref(&doc)
			if root == nil || root.Kind != yaml.MappingNode || stringField(root, "kind") != "Application" ||
				!strings.HasPrefix(stringField(root, "apiVersion"), "core.oam.dev/") {
				continue
			}
			apps++
			var errs, infos int
			for _, p := range Validate(yaml.NewRNode(&doc), rel, defs) {
				if p.File != rel || p.Line <= 0 || p.Message == "" || p.Field == "" {
					t.Errorf("malformed problem %#v", p)
				}
				switch p.Severity {
				case Error:
					errs++
					if errs == 1 && len(reasons) < 10 {
						reasons = append(reasons, p.String())
					}
					errorsByMessage[kindOf(p)]++
				case Info:
					infos++
				default:
					t.Errorf("unknown severity in %#v", p)
				}
			}
			switch {
			case errs > 0:
				invalid++
			case infos > 0:
				unknownOnly++
			default:
				valid++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d unparsable (skipped), %d Application documents: %d valid, %d valid but with types lacking a definition (not checked), %d invalid; %v",
		files, parseErrors, apps, valid, unknownOnly, invalid, time.Since(start).Round(time.Millisecond))
	for _, r := range reasons {
		t.Log("  first error of an invalid app: " + r)
	}
	type count struct {
		msg string
		n   int
	}
	var counts []count
	for m, n := range errorsByMessage {
		counts = append(counts, count{m, n})
	}
	sort.Slice(counts, func(i, j int) bool {
		if counts[i].n != counts[j].n {
			return counts[i].n > counts[j].n
		}
		return counts[i].msg < counts[j].msg
	})
	for i, c := range counts {
		if i == 10 {
			break
		}
		t.Logf("  %4d× %s", c.n, c.msg)
	}
	if apps == 0 {
		t.Error("no Application documents found in the corpus")
	}
}

// kindOf reduces a problem's message to its kind, dropping the place.
func kindOf(p Problem) string {
	msg := strings.TrimPrefix(p.Message, p.Field+": ")
	if p.Component != "" {
		msg = strings.TrimPrefix(p.Message, p.Component+": ")
		rel := strings.TrimPrefix(strings.TrimPrefix(p.Field, "spec.components["+p.Component+"]"), ".")
		msg = strings.TrimPrefix(msg, rel+": ")
	}
	if len(msg) > 80 {
		msg = msg[:80] + "…"
	}
	return msg
}
