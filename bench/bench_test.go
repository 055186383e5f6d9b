package bench

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

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

// TestBenchmarkTable prints the side-by-side table of BENCHMARKS.md (and
// writes it there with OAMFIX_BENCH_WRITE=1). It runs only under make
// bench (OAMFIX_BENCH=1): tests never assert on time.
func TestBenchmarkTable(t *testing.T) {
	if os.Getenv("OAMFIX_BENCH") == "" {
		testenv.Skip(t, "measures only under make bench (OAMFIX_BENCH=1)")
	}
	var rows []string
	rows = append(rows, "| set | files | floor ms/file | check ms/file | fix ms/file | check / floor | fix / floor | fix files/s |",
		"|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range sets(t) {
		perFile := map[string]float64{}
		for _, m := range modes {
			res := testing.Benchmark(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					for _, f := range s.files {
						_ = m.run(f)
					}
				}
			})
			perFile[m.name] = float64(res.NsPerOp()) / 1e6 / float64(len(s.files))
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %.3f | %.3f | %.3f | %.2f× | %.2f× | %.0f |",
			s.name, len(s.files), perFile["floor"], perFile["check"], perFile["fix"],
			perFile["check"]/perFile["floor"], perFile["fix"]/perFile["floor"], 1000/perFile["fix"]))
	}

	t.Log("\n" + strings.Join(rows, "\n"))
	bin := filepath.Join(t.TempDir(), "oamfix")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/oamfix").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	proc := []string{"| set | files | mode | wall time | files/s | peak RSS |", "|---|---:|---|---:|---:|---:|"}
	for _, s := range sets(t) {
		if !strings.HasPrefix(s.name, "gen-") {
			continue
		}
		for _, mode := range []string{"check", "fix"} {
			dir := t.TempDir()
			for i, f := range s.files {
				sub := filepath.Join(dir, fmt.Sprintf("team-%02d", i%100))
				os.MkdirAll(sub, 0o755)
				os.WriteFile(filepath.Join(sub, fmt.Sprintf("app-%05d.yaml", i)), f, 0o644)
			}
			args := []string{dir}
			if mode == "fix" {
				args = []string{"--fix", dir}
			}
			wall, rss := measure(t, bin, args)
			proc = append(proc, fmt.Sprintf("| %s | %d | %s | %.2f s | %.0f | %.0f MB |",
				s.name, len(s.files), mode, wall.Seconds(), float64(len(s.files))/wall.Seconds(), float64(rss)/1024))
		}
	}
	machine := fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if cpu := cpuModel(); cpu != "" {
		machine += ", " + cpu
	}
	table := "In-process, one file at a time (Go benchmark harness):\n\n" + strings.Join(rows, "\n") +
		"\n\nWhole process (`oamfix` binary over a directory, worker pool sized to the CPUs; peak RSS from GNU time):\n\n" +
		strings.Join(proc, "\n") + "\n\nMachine: " + machine + "\n"
	fmt.Println(table)
	if os.Getenv("OAMFIX_BENCH_WRITE") != "" {
		if err := writeBenchmarks(table); err != nil {
			t.Fatal(err)
		}
	}
}

// measure runs the binary once and returns its wall time and peak RSS in
// KiB. GNU time reports the child's own peak; without it, getrusage of the
// waited-for child is used.
func measure(t *testing.T, bin string, args []string) (time.Duration, int64) {
	t.Helper()
	if gnuTime, err := exec.LookPath("/usr/bin/time"); err == nil {
		var stderr bytes.Buffer
		cmd := exec.Command(gnuTime, append([]string{"-f", "oamfix-peak-rss %M", bin}, args...)...)
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		start := time.Now()
		_ = cmd.Run() // exit 1: findings remain
		wall := time.Since(start)
		var rss int64
		if i := strings.LastIndex(stderr.String(), "oamfix-peak-rss "); i >= 0 {
			fmt.Sscanf(stderr.String()[i:], "oamfix-peak-rss %d", &rss)
		}
		return wall, rss
	}
	cmd := exec.Command(bin, args...)
	start := time.Now()
	_ = cmd.Run()
	wall := time.Since(start)
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return wall, rss
}

// cpuModel reads the CPU model name on Linux.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// writeBenchmarks replaces the generated section of ../BENCHMARKS.md.
func writeBenchmarks(table string) error {
	const begin, end = "<!-- begin generated -->", "<!-- end generated -->"
	path := filepath.Join("..", "BENCHMARKS.md")
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(data)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s lacks the %s / %s markers", path, begin, end)
	}
	return os.WriteFile(path, []byte(s[:i+len(begin)]+"\n"+table+s[j:]), 0o644)
}
