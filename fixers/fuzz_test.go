package fixers_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
)

// FuzzFixers runs every rule over fuzzed input: no panic (a rule's panic
// would surface as an "internal error"), any fixed output re-parses, and a
// second run over it changes nothing.
func FuzzFixers(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*", "input.yaml"))
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*", "*.yaml"))
	for i := 0; i < len(corpus); i += 25 {
		inputs = append(inputs, corpus[i])
	}
	for _, p := range inputs {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	cfg := config.Default()
	cfg.Spec.CORS.AllowedOrigins = []string{"https://app.example.com"}
	opts := engine.Options{Config: cfg, Rules: fixers.All()}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := kio.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		res, err := engine.Process(file, opts)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("rule panicked: %v", err)
			}
			return // refused cleanly
		}
		if !res.Changed() {
			return
		}
		again, err := kio.Parse("fuzz.yaml", res.After)
		if err != nil {
			t.Fatalf("fixed output does not parse: %v\n%s", err, res.After)
		}
		res2, err := engine.Process(again, opts)
		if err != nil {
			t.Fatalf("second run failed: %v", err)
		}
		if !bytes.Equal(res2.After, res.After) {
			d, _ := kio.UnifiedDiff("fuzz.yaml", res.After, res2.After)
			t.Fatalf("second run changed the output:\n%s", d)
		}
	})
}
