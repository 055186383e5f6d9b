package bench

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oamfix/oamfix/internal/testenv"
)

// TestBenchmarkTable prints the tables of BENCHMARKS.md (and writes them
// there with OAMFIX_BENCH_WRITE=1). It runs only under make bench
// (OAMFIX_BENCH=1): tests never assert on time.
//
// Every figure is the median of several rounds in which the modes
// alternate (floor, check, fix, floor, ...), so that a busy spell of the
// machine falls on all of them alike. CPU time (user + system, of this
// process in process, of the child for a whole process) is what the ratios
// compare: it moves less with the machine's load than wall time.
func TestBenchmarkTable(t *testing.T) {
	if os.Getenv("OAMFIX_BENCH") == "" {
		testenv.Skip(t, "measures only under make bench (OAMFIX_BENCH=1)")
	}
	load := loadAverage()
	inProc := inProcessTable(t)
	t.Log("\n" + inProc)
	whole, corpusFix := wholeProcessTable(t)
	t.Log("\n" + whole)
	yq := yqTable(t, corpusFix)
	t.Log("\n" + yq)
	machine := fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	if cpu := cpuModel(); cpu != "" {
		machine += ", " + cpu
	}
	table := "In process, one file at a time (median CPU time per file over alternating rounds):\n\n" + inProc +
		"\n\nWhole process (the `oamfix` binary, and `bench/floor` for the floor, over a directory with a worker pool sized to the CPUs; median of alternating rounds; peak RSS of the child; the files are on the disk's file system, except in the (tmpfs) row, where they are in memory under /dev/shm):\n\n" + whole +
		"\n\n" + yq +
		"\n\nMachine: " + machine + "; load average " + load + " at the start, " + loadAverage() + " at the end.\n"
	fmt.Println(table)
	if os.Getenv("OAMFIX_BENCH_WRITE") != "" {
		if err := writeBenchmarks(table); err != nil {
			t.Fatal(err)
		}
	}
}

// rounds is how many alternating rounds measure a set of this many files.
func rounds(files int) int {
	switch {
	case files >= 10000:
		return 3
	case files >= 1000:
		return 5
	}
	return 7
}

// inProcessTable measures the three modes in this process.
func inProcessTable(t *testing.T) string {
	rows := []string{"| set | files | rounds | floor ms/file | check ms/file | fix ms/file | check / floor | fix / floor |",
		"|---|---:|---:|---:|---:|---:|---:|---:|"}
	for _, s := range sets(t) {
		n := rounds(len(s.files))
		cpu := map[string][]time.Duration{}
		for r := 0; r < n; r++ {
			for _, m := range modes {
				runtime.GC()
				start := cpuTime()
				for _, f := range s.files {
					_ = m.run(f)
				}
				cpu[m.name] = append(cpu[m.name], cpuTime()-start)
			}
		}
		perFile := func(mode string) float64 {
			return float64(median(cpu[mode])) / 1e6 / float64(len(s.files))
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %d | %.3f | %.3f | %.3f | %.2f× | %.2f× |",
			s.name, len(s.files), n, perFile("floor"), perFile("check"), perFile("fix"),
			perFile("check")/perFile("floor"), perFile("fix")/perFile("floor")))
	}
	return strings.Join(rows, "\n")
}

// run is one whole-process run.
type run struct {
	wall, cpu time.Duration
	rss       int64 // peak resident set, KiB
}

// medianRun takes the median wall and CPU time and the largest peak RSS.
func medianRun(runs []run) run {
	var walls, cpus []time.Duration
	var rss int64
	for _, r := range runs {
		walls = append(walls, r.wall)
		cpus = append(cpus, r.cpu)
		rss = max(rss, r.rss)
	}
	return run{median(walls), median(cpus), rss}
}

// wholeProcessTable runs the floor tool, oamfix and oamfix --fix over the
// corpus and generated sets; it returns the table and the corpus --fix run.
func wholeProcessTable(t *testing.T) (string, run) {
	dir := t.TempDir()
	oamfixBin := build(t, dir, "../cmd/oamfix")
	floorBin := build(t, dir, "./floor")
	rows := []string{"| set | files | rounds | floor CPU | check CPU | fix CPU | fix / floor CPU | floor wall | fix wall | fix / floor wall | fix peak RSS |",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"}
	var corpusFix run
	for _, s := range sets(t) {
		if s.name == "gen-100" {
			continue
		}
		row, fix := measureSet(t, dir, s.name, s, oamfixBin, floorBin)
		rows = append(rows, row)
		if s.name == "corpus" {
			corpusFix = fix
		}
		// The same apps in memory (tmpfs), when the machine has one: what
		// the run costs without the disk's file system (see "Why fix
		// still costs more than the floor").
		if s.name == "gen-10000" {
			if shm, err := os.MkdirTemp("/dev/shm", "oamfix-bench-"); err == nil {
				defer os.RemoveAll(shm)
				row, _ := measureSet(t, shm, s.name+" (tmpfs)", s, oamfixBin, floorBin)
				rows = append(rows, row)
			}
		}
	}
	return strings.Join(rows, "\n"), corpusFix
}

// measureSet times the floor, check and fix over the files of s written
// under dir, in alternating rounds, and returns the table row (labelled
// name) and the median fix run. Each fix round works on a fresh copy.
func measureSet(t *testing.T, dir, name string, s set, oamfixBin, floorBin string) (string, run) {
	src := filepath.Join(dir, s.name)
	writeSet(t, src, s)
	defer os.RemoveAll(src)
	n := rounds(len(s.files))
	runs := map[string][]run{}
	for r := 0; r < n; r++ {
		runs["floor"] = append(runs["floor"], runChild(t, floorBin, src))
		runs["check"] = append(runs["check"], runChild(t, oamfixBin, src))
		work := filepath.Join(dir, "work")
		copyTree(t, src, work)
		runs["fix"] = append(runs["fix"], runChild(t, oamfixBin, "--fix", work))
		os.RemoveAll(work)
	}
	floor, check, fix := medianRun(runs["floor"]), medianRun(runs["check"]), medianRun(runs["fix"])
	return fmt.Sprintf("| %s | %d | %d | %.2f s | %.2f s | %.2f s | %.2f× | %.2f s | %.2f s | %.2f× | %.0f MB |",
		name, len(s.files), n, floor.cpu.Seconds(), check.cpu.Seconds(), fix.cpu.Seconds(), fix.cpu.Seconds()/floor.cpu.Seconds(),
		floor.wall.Seconds(), fix.wall.Seconds(), fix.wall.Seconds()/floor.wall.Seconds(), float64(fix.rss)/1024), fix
}

// yqEdit is the one edit the hand-written alternative makes: append a
// trait to every webservice component of every Application.
const yqEdit = `(select(.kind == "Application") | .spec.components[] | select(.type == "webservice") | .traits) += [{"type": "circuit-breaker", "properties": {"failureThreshold": 5}}]`

// yqTable times the loop a user would script instead of oamfix: yq v4 in
// place, one process per file, over a copy of the corpus, against oamfix
// --fix making every fix over the same files.
func yqTable(t *testing.T, oamfixRun run) string {
	yq := os.Getenv("OAMFIX_YQ")
	if yq == "" {
		yq, _ = exec.LookPath("yq")
	}
	if yq == "" {
		return "The yq comparison did not run: set OAMFIX_YQ (make bench installs yq into .tools/bin)."
	}
	version := "yq"
	if out, err := exec.Command(yq, "--version").Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) > 0 {
			version = "yq " + f[len(f)-1]
		}
	}
	if oamfixRun.wall == 0 {
		return "The yq comparison did not run: no corpus."
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "corpus")
	for _, s := range sets(t) {
		if s.name == "corpus" {
			writeSet(t, src, s)
		}
	}
	var runs []run
	for r := 0; r < 3; r++ {
		work := filepath.Join(dir, "work")
		copyTree(t, src, work)
		var total run
		start := time.Now()
		filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				one := runChild(t, yq, "-i", yqEdit, p)
				total.cpu += one.cpu
				total.rss = max(total.rss, one.rss)
			}
			return nil
		})
		total.wall = time.Since(start)
		runs = append(runs, total)
		os.RemoveAll(work)
	}
	y := medianRun(runs)
	return fmt.Sprintf("The hand-written alternative (%s, `yq -i` once per file making one edit: append a trait to every webservice component) against `oamfix --fix` making every fix, over the same copy of the corpus (median of 3 rounds for yq):\n\n"+
		"| tool | files | wall | CPU | peak RSS |\n|---|---:|---:|---:|---:|\n"+
		"| yq loop | %d | %.2f s | %.2f s | %.0f MB |\n| oamfix --fix | %d | %.2f s | %.2f s | %.0f MB |\n\n"+
		"oamfix is **%.1f×** faster in wall time (%.1f× in CPU time).",
		version, corpusSize(t), y.wall.Seconds(), y.cpu.Seconds(), float64(y.rss)/1024,
		corpusSize(t), oamfixRun.wall.Seconds(), oamfixRun.cpu.Seconds(), float64(oamfixRun.rss)/1024,
		y.wall.Seconds()/oamfixRun.wall.Seconds(), y.cpu.Seconds()/oamfixRun.cpu.Seconds())
}

func corpusSize(t *testing.T) int {
	for _, s := range sets(t) {
		if s.name == "corpus" {
			return len(s.files)
		}
	}
	return 0
}

// build builds a command into dir.
func build(t *testing.T, dir, pkg string) string {
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// writeSet writes a set's files under dir, 100 folders of files.
func writeSet(t *testing.T, dir string, s set) {
	for i, f := range s.files {
		sub := filepath.Join(dir, fmt.Sprintf("team-%02d", i%100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("app-%05d.yaml", i)), f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyTree copies the files of src into dst.
func copyTree(t *testing.T, src, dst string) {
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// runChild runs a command to its end (its exit status is not judged:
// oamfix exits 1 when findings remain) and returns its wall time, its CPU
// time (from the rusage of the waited-for child) and its peak RSS. The
// peak RSS comes from GNU time when it is there (-1 otherwise): Go starts
// children with vfork, so the rusage of a direct child counts this test
// process's memory too.
func runChild(t *testing.T, bin string, args ...string) run {
	var rssFile string
	if gnuTime, err := exec.LookPath("/usr/bin/time"); err == nil {
		rssFile = filepath.Join(t.TempDir(), "rss")
		args = append([]string{"-o", rssFile, "-f", "%M", bin}, args...)
		bin = gnuTime
	}
	cmd := exec.Command(bin, args...)
	start := time.Now()
	_ = cmd.Run()
	r := run{wall: time.Since(start), rss: -1}
	if cmd.ProcessState == nil {
		t.Fatalf("%s did not run", bin)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if data, err := os.ReadFile(rssFile); err == nil {
		lines := strings.Fields(string(data))
		if len(lines) > 0 {
			fmt.Sscanf(lines[len(lines)-1], "%d", &r.rss)
		}
	}
	return r
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// loadAverage is the 1-minute load average, or "unknown".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(data))[0]
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
