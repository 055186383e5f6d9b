package engine_test

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/kio"
)

// bigApp is one Application with n components (services with ports, env
// vars, probes and autoscalers, workers and data stores, comments and
// blank lines) and dev/prod environments, so that every rule has work.
func bigApp(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: big\nspec:\n  components:\n")
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0, 1:
			fmt.Fprintf(&b, "    # service %d\n    - name: svc-%d\n      type: webservice\n      properties:\n        image: registry.example.com/svc:%d\n        ports:\n          - port: %d\n            expose: true\n        env:\n          - name: CORS_ORIGINS\n            value: \"*\"\n", i, i, i, 8000+i%100)
			if i%4 == 0 {
				fmt.Fprintf(&b, "        livenessProbe:\n          httpGet:\n            path: /healthz\n            port: %d\n      traits:\n        - type: hpa\n          properties:\n            min: 1\n            max: 4\n", 8000+i%100)
			}
		case 2:
			fmt.Fprintf(&b, "    - name: worker-%d\n      type: worker\n      properties:\n        image: registry.example.com/worker:%d\n", i, i)
		case 3:
			fmt.Fprintf(&b, "    - name: cache-%d\n      type: redis-failover\n      properties:\n        replicas: 1\n", i)
		}
		b.WriteString("\n")
	}
	b.WriteString(`  policies:
    - name: topology-dev
      type: topology
      properties:
        clusters: ["local"]
        namespace: big-dev
    - name: topology-prod
      type: topology
      properties:
        clusterLabelSelector:
          env: prod
        namespace: big-prod
  workflow:
    steps:
      - name: deploy-dev
        type: deploy
        properties:
          policies: ["topology-dev"]
      - name: deploy-prod
        type: deploy
        properties:
          policies: ["topology-prod"]
`)
	return []byte(b.String())
}

// fix parses and fixes data with every rule; it fails the test unless the
// fixes were spliced.
func fix(t *testing.T, data []byte) {
	f, err := kio.Parse("big.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Process(f, allRules())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed() || f.Stats.Spliced != 1 {
		t.Fatalf("the big Application was not fixed by splicing: %s", f.Stats)
	}
}

// allocated is how many bytes fixing data allocates.
func allocated(t *testing.T, data []byte) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fix(t, data)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// cpuTime is the CPU time (user + system) of the test process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bestCPU is the least CPU time of three fixes of data.
func bestCPU(t *testing.T, data []byte) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		runtime.GC()
		start := cpuTime()
		fix(t, data)
		best = min(best, cpuTime()-start)
	}
	return best
}

// TestFixScalesLinearly fixes one Application of 500 and one of 2,000
// components (4×): what fixing costs must grow less than 6× (a quadratic
// step would make it 16×), in bytes allocated (deterministic) and in the
// best of three CPU times (measured again, up to three times, before a
// busy machine can fail it). It is a ratio, never a time: --fix on 2,000
// components once took 10-15 s while check mode took under one.
func TestFixScalesLinearly(t *testing.T) {
	small, large := bigApp(500), bigApp(2000)
	fix(t, small) // load the catalog and warm up
	const limit = 6.0
	bytes := float64(allocated(t, large)) / float64(allocated(t, small))
	t.Logf("2,000 vs 500 components: %.2f× the bytes allocated", bytes)
	if bytes >= limit {
		t.Errorf("fixing 4× the components allocates %.2f× the bytes (limit %.0f×): something is quadratic", bytes, limit)
	}
	var ratio float64
	for attempt := 1; attempt <= 3; attempt++ {
		s, l := bestCPU(t, small), bestCPU(t, large)
		ratio = float64(l) / float64(s)
		t.Logf("attempt %d: best CPU time %v for 500 components, %v for 2,000: %.2f×", attempt, s, l, ratio)
		if ratio < limit {
			return
		}
	}
	t.Errorf("fixing 4× the components takes %.2f× the CPU time (limit %.0f×): something is quadratic", ratio, limit)
}
