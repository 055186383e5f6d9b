package fixers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
)

// TestCapacityTable pins the replicas rule's arithmetic: users x requests
// per user per second / pod capacity = pods at peak, spread over the
// stateless services and rounded up (a service short of one pod at peak
// is the failure the rule exists to prevent), capped by maxReplicasCap,
// never below the replica floor; critical components get the stricter
// floor and CPU target. Golden cases mostly hit the cap or divide evenly,
// so the uneven splits are here.
func TestCapacityTable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		users    int
		rps, pod float64 // requests per user per second, pod capacity
		cap      int     // maxReplicasCap (0: the default, 100)
		critical bool
		services int
		// want
		pods, each, floor, max, cpu int
	}{
		{name: "500 pods over 6 services: 83.3 rounds up", users: 50000, rps: 1, pod: 100, services: 6, pods: 500, each: 84, floor: 3, max: 84, cpu: 70},
		{name: "500 pods over 7 services: 71.4 rounds up", users: 50000, rps: 1, pod: 100, services: 7, pods: 500, each: 72, floor: 3, max: 72, cpu: 70},
		{name: "500 pods over 9 services: 55.6 rounds up", users: 50000, rps: 1, pod: 100, services: 9, pods: 500, each: 56, floor: 3, max: 56, cpu: 70},
		{name: "even split at the cap", users: 50000, rps: 1, pod: 100, services: 5, pods: 500, each: 100, floor: 3, max: 100, cpu: 70},
		{name: "one service: capped", users: 50000, rps: 1, pod: 100, services: 1, pods: 500, each: 500, floor: 3, max: 100, cpu: 70},
		{name: "500 pods over 3 services: 167 each, capped", users: 50000, rps: 1, pod: 100, services: 3, pods: 500, each: 167, floor: 3, max: 100, cpu: 70},
		{name: "configured cap", users: 50000, rps: 1, pod: 100, cap: 50, services: 6, pods: 500, each: 84, floor: 3, max: 50, cpu: 70},
		{name: "one pod each: the floor wins", users: 50000, rps: 1, pod: 100, services: 500, pods: 500, each: 1, floor: 3, max: 3, cpu: 70},
		{name: "less than a pod each rounds up to one", users: 50000, rps: 1, pod: 100, services: 501, pods: 500, each: 1, floor: 3, max: 3, cpu: 70},
		{name: "critical: stricter floor and CPU target", users: 50000, rps: 1, pod: 100, critical: true, services: 6, pods: 500, each: 84, floor: 5, max: 84, cpu: 60},
		{name: "critical floor above the per-service share", users: 50000, rps: 1, pod: 100, critical: true, services: 250, pods: 500, each: 2, floor: 5, max: 5, cpu: 60},
		{name: "fractional requests per user", users: 50000, rps: 0.3, pod: 100, services: 4, pods: 150, each: 38, floor: 3, max: 38, cpu: 70},
		{name: "fractional pods at peak round up", users: 1000, rps: 1.5, pod: 40, services: 3, pods: 38, each: 13, floor: 3, max: 13, cpu: 70},
		{name: "pod capacity that does not divide", users: 10000, rps: 1, pod: 30, services: 6, pods: 334, each: 56, floor: 3, max: 56, cpu: 70},
		{name: "a handful of users still needs a pod", users: 7, rps: 1, pod: 100, services: 2, pods: 1, each: 1, floor: 3, max: 3, cpu: 70},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Spec.Target.ConcurrentUsers = tc.users
			cfg.Spec.Target.RequestsPerUserPerSecond = tc.rps
			cfg.Spec.Target.PodCapacityRPS = tc.pod
			if tc.cap != 0 {
				cfg.Spec.Replicas.MaxReplicasCap = tc.cap
			}
			if tc.critical {
				cfg.Spec.CriticalComponents = []string{"booking-*"}
			}
			if got := cfg.Spec.Target.RequiredPods(); got != tc.pods {
				t.Errorf("RequiredPods() = %d, want %d", got, tc.pods)
			}
			got := targetFor(cfg, &oam.Component{Name: "booking-service"}, tc.services)
			if got.floor != tc.floor || got.max != tc.max || got.cpu != tc.cpu {
				t.Errorf("floor %d, max %d, cpu %d; want floor %d, max %d, cpu %d", got.floor, got.max, got.cpu, tc.floor, tc.max, tc.cpu)
			}
			// The finding shows the reviewer the same numbers.
			want := fmt.Sprintf("= %d pods at peak, over %d stateless service(s) = %d each, capped at %d", tc.pods, tc.services, tc.each, cfg.Spec.Replicas.MaxReplicasCap)
			if !strings.Contains(got.arithmetic, want) {
				t.Errorf("arithmetic %q does not say %q", got.arithmetic, want)
			}
		})
	}
}
