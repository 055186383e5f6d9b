package fixers

import (
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
)

func TestStagingNames(t *testing.T) {
	cfg := config.Default()
	for _, tc := range []struct {
		name, env, word, want string
		ok                    bool
	}{
		{"topology-prod", config.EnvProd, "staging", "topology-staging", true},
		{"shop-production", config.EnvProd, "staging", "shop-staging", true},
		{"prod", config.EnvProd, "staging", "staging", true},
		{"PROD_SHOP", config.EnvProd, "staging", "STAGING_SHOP", true},
		{"Prod.eu", config.EnvProd, "staging", "Staging.eu", true},
		{"deploy2prod", config.EnvProd, "staging", "deploy2staging", true},
		{"deploy2production", config.EnvProd, "staging", "deploy2staging", true},
		{"reprod", config.EnvProd, "staging", "reprod", false},
		{"product-api", config.EnvProd, "staging", "product-api", false},
		{"shop-dev", config.EnvDev, "stg", "shop-stg", true},
	} {
		got, ok := replaceEnv(cfg, tc.name, tc.env, tc.word)
		if got != tc.want || ok != tc.ok {
			t.Errorf("replaceEnv(%q, %s) = %q, %v; want %q, %v", tc.name, tc.env, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct{ name, env, want string }{
		{"shop-dev", config.EnvDev, "shop"},
		{"dev-shop", config.EnvDev, "shop"},
		{"shop-prod-eu", config.EnvProd, "shop-eu"},
		{"shop", config.EnvProd, "shop"},
	} {
		if got := stripEnv(cfg, tc.name, tc.env); got != tc.want {
			t.Errorf("stripEnv(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

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
