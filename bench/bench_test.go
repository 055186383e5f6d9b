package bench

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/internal/testenv"
	kio "github.com/oamfix/oamfix/kio"
	kyamlkio "sigs.k8s.io/kustomize/kyaml/kio"
)

// set is a named list of files held in memory.
type set struct {
	name  string
	files [][]byte
}

func sets(tb testing.TB) []set {
	var out []set
	if dir := os.Getenv("OAMFIX_SHARED"); dir != "" || sharedPresent() {
		var corpus [][]byte
		for _, p := range testenv.CorpusFiles(tb) {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			corpus = append(corpus, data)
		}
		out = append(out, set{"corpus", corpus})
	}
	for _, n := range []int{100, 1000, 10000} {
		out = append(out, set{fmt.Sprintf("gen-%d", n), Generate(n, 42)})
	}
	return out
}

func sharedPresent() bool {
	_, err := os.Stat(filepath.Join("..", "..", "shared", "corpus"))
	return err == nil
}

// floor is a bare kyaml parse and serialize of one file, as kustomize and
// kpt functions do it.
func floor(data []byte) error {
	r := &kyamlkio.ByteReader{Reader: bytes.NewReader(data), PreserveSeqIndent: true, WrapBareSeqNode: true}
	nodes, err := r.Read()
	if err != nil {
		return err
	}
	return kyamlkio.ByteWriter{Writer: io.Discard}.Write(nodes)
}

func options(checkOnly bool) engine.Options {
	cfg := config.Default()
	cfg.Spec.CORS.AllowedOrigins = []string{"https://app.example.com"}
	return engine.Options{Config: cfg, Rules: fixers.All(), CheckOnly: checkOnly}
}

// oamfix processes one file in memory: check mode, or fix with projection
// and verification (nothing is written).
func oamfix(data []byte, opts engine.Options) error {
	f, err := kio.Parse("bench.yaml", data)
	if err != nil {
		return err
	}
	_, err = engine.Process(f, opts)
	return err
}

// modes are the three measured paths.
var modes = []struct {
	name string
	run  func([]byte) error
}{
	{"floor", floor},
	{"check", func(d []byte) error { return oamfix(d, options(true)) }},
	{"fix", func(d []byte) error { return oamfix(d, options(false)) }},
}

// BenchmarkOamfix runs every mode over every set; one op is one pass over
// the whole set.
func BenchmarkOamfix(b *testing.B) {
	for _, s := range sets(b) {
		for _, m := range modes {
			b.Run(s.name+"/"+m.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					for _, f := range s.files {
						_ = m.run(f)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(s.files)), "ms/file")
			})
		}
	}
}
