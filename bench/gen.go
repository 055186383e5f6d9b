// Package bench measures oamfix against the floor (a bare kyaml parse and
// serialize of the same files) and generates realistic Applications for it.
package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generate returns n realistic Application manifests, the same for the same
// seed: a few components of common types with ports, env vars, traits,
// comments and blank lines, and for about half of them dev/prod topologies,
// overrides and a workflow.
func Generate(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(generateApp(r, i))
	}
	return out
}

var (
	serviceNames = []string{"api", "web", "booking", "search", "users", "payments", "gateway", "catalog", "orders"}
	workerNames  = []string{"mailer", "indexer", "importer", "reporter"}
	storeTypes   = []string{"redis-failover", "mongodb-cluster", "postgres-cluster"}
)

func generateApp(r *rand.Rand, i int) string {
	var b strings.Builder
	name := fmt.Sprintf("app-%05d", i)
	fmt.Fprintf(&b, "# %s: generated for benchmarks\napiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: %s\n  namespace: team-%d\n", name, name, r.IntN(40))
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "  annotations:\n    owner: team-%d@example.com\n", r.IntN(40))
	}
	b.WriteString("spec:\n  components:\n")
	services := 1 + r.IntN(4)
	for s := 0; s < services; s++ {
		port := 8000 + r.IntN(100)
		fmt.Fprintf(&b, "    # service %d\n    - name: %s-%d\n      type: webservice\n      properties:\n        image: registry.example.com/%s:%d.%d\n",
			s, serviceNames[r.IntN(len(serviceNames))], s, name, r.IntN(5), r.IntN(20))
		fmt.Fprintf(&b, "        ports:\n          - port: %d\n            expose: true\n", port)
		fmt.Fprintf(&b, "        cpu: \"%dm\"\n        memory: \"%dMi\"\n", 100*(1+r.IntN(8)), 128*(1+r.IntN(8)))
		b.WriteString("        env:\n          - name: LOG_LEVEL\n            value: info\n")
		if r.IntN(4) == 0 {
			b.WriteString("          - name: CORS_ORIGINS\n            value: \"*\" # open for now\n")
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "        livenessProbe:\n          httpGet:\n            path: /healthz\n            port: %d\n", port)
		}
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "      traits:\n        - type: scaler\n          properties:\n            replicas: %d\n", 1+r.IntN(3))
		case 1:
			fmt.Fprintf(&b, "      traits:\n        - type: hpa\n          properties:\n            min: %d\n            max: %d\n", 1+r.IntN(3), 5+r.IntN(20))
		}
		b.WriteString("\n")
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "    - name: %s\n      type: worker\n      properties:\n        image: registry.example.com/%s-worker:1.0\n\n", workerNames[r.IntN(len(workerNames))], name)
	}
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, "    - name: cache\n      type: %s\n      properties:\n        replicas: %d\n\n", storeTypes[r.IntN(len(storeTypes))], 1+r.IntN(5))
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, `  policies:
    - name: topology-dev
      type: topology
      properties:
        clusters: ["local"]
        namespace: %[1]s-dev
    - name: topology-prod
      type: topology
      properties:
        clusterLabelSelector:
          env: prod
        namespace: %[1]s-prod
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
`, name)
	}
	return b.String()
}
