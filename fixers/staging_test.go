package fixers

import (
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
)

func TestStagingNamespace(t *testing.T) {
	cfg := config.Default()
	for _, tc := range []struct{ prod, dev, want string }{
		{"shop-prod", "shop-dev", "shop-staging"},
		{"shop", "shop-dev", "shop-staging"},
		{"", "shop-development", "shop-staging"},
		{"", "default", "cart-staging"},
		{"", "", "cart-staging"},
	} {
		got, _ := stagingNamespace(cfg, appNamed("cart"), tc.prod, tc.dev)
		if got != tc.want {
			t.Errorf("stagingNamespace(%q, %q) = %q, want %q", tc.prod, tc.dev, got, tc.want)
		}
	}
}

func TestStagingReplicas(t *testing.T) {
	cfg := config.Default()
	for prod, want := range map[int]int{1: 1, 2: 1, 3: 2, 5: 3, 20: 10} {
		if got := cfg.Spec.Staging.ReplicasFor(prod); got != want {
			t.Errorf("ReplicasFor(%d) = %d, want %d", prod, got, want)
		}
	}
}

func appNamed(name string) *oam.App { return &oam.App{Name: name} }
