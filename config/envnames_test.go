package config

import "testing"

// TestEnvironmentNames: the staging rule renames prod names with these.
func TestEnvironmentNames(t *testing.T) {
	cfg := Default()
	for _, tc := range []struct {
		name, env, word, want string
		ok                    bool
	}{
		{"topology-prod", EnvProd, "staging", "topology-staging", true},
		{"shop-production", EnvProd, "staging", "shop-staging", true},
		{"prod", EnvProd, "staging", "staging", true},
		{"PROD_SHOP", EnvProd, "staging", "STAGING_SHOP", true},
		{"Prod.eu", EnvProd, "staging", "Staging.eu", true},
		{"deploy2prod", EnvProd, "staging", "deploy2staging", true},
		{"deploy2production", EnvProd, "staging", "deploy2staging", true},
		{"reprod", EnvProd, "staging", "reprod", false},
		{"product-api", EnvProd, "staging", "product-api", false},
		{"shop-dev", EnvDev, "stg", "shop-stg", true},
	} {
		got, ok := cfg.ReplaceEnvironment(tc.name, tc.env, tc.word)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ReplaceEnvironment(%q, %s) = %q, %v; want %q, %v", tc.name, tc.env, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct{ name, env, want string }{
		{"shop-dev", EnvDev, "shop"},
		{"dev-shop", EnvDev, "shop"},
		{"shop-prod-eu", EnvProd, "shop-eu"},
		{"shop", EnvProd, "shop"},
	} {
		if got := cfg.StripEnvironment(tc.name, tc.env); got != tc.want {
			t.Errorf("StripEnvironment(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
