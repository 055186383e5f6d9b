package workload

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Environments is the environments view of an Application: which
// environment each topology, override policy and env-binding env belongs
// to, by the words of spec.environments in its name (or namespace), or by
// the deploy steps that use it.
type Environments struct {
	app *oam.App
	cfg *config.Config
}

// newEnvironments builds the view.
func newEnvironments(app *oam.App, cfg *config.Config) *Environments {
	return &Environments{app: app, cfg: cfg}
}

// EnvironmentsOf returns the environments view of an Application.
func EnvironmentsOf(app *oam.App, cfg *config.Config) *Environments {
	return newEnvironments(app, cfg)
}

// OfApp classifies the Application itself by its name, then its namespace
// (shop-dev, namespace shop-staging): a file may hold one Application per
// environment.
func (e *Environments) OfApp() string {
	if env := e.cfg.EnvironmentOf(e.app.Name); env != "" {
		return env
	}
	return e.cfg.EnvironmentOf(e.app.Namespace)
}

// OfTopology classifies a topology policy by its name, then its namespace.
func (e *Environments) OfTopology(tp *oam.Policy) string { return TopologyEnvironment(e.cfg, tp) }

// TopologyEnvironment classifies a topology policy by its name, then its
// namespace.
func TopologyEnvironment(cfg *config.Config, tp *oam.Policy) string {
	if env := cfg.EnvironmentOf(tp.Name); env != "" {
		return env
	}
	return cfg.EnvironmentOf(oam.Str(oam.Get(tp.Properties, "namespace")))
}

// OfOverride classifies an override policy: by its name, else by the
// topologies of the deploy steps that use it (one environment only; an
// override deployed to several is ""). Without an explicit workflow
// KubeVela applies every override to every topology: "".
func (e *Environments) OfOverride(pol *oam.Policy) string {
	if env := e.cfg.EnvironmentOf(pol.Name); env != "" {
		return env
	}
	if e.app.Workflow == nil {
		return ""
	}
	envs := map[string]bool{}
	for _, s := range e.app.Workflow.Steps {
		if s.Type != "deploy" {
			continue
		}
		uses := false
		var stepEnvs []string
		for _, n := range oam.Items(oam.Get(s.Properties, "policies")) {
			name := oam.Str(n)
			if name == pol.Name {
				uses = true
			}
			if tp := e.app.Policy(name); tp != nil && tp.Type == "topology" {
				stepEnvs = append(stepEnvs, e.OfTopology(tp))
			}
		}
		if uses {
			for _, env := range stepEnvs {
				envs[env] = true
			}
		}
	}
	if len(envs) == 1 {
		for env := range envs {
			return env
		}
	}
	return ""
}

// OfEnvBinding classifies one env of an env-binding policy (its node in
// envs[]) by its name, then its namespace selector.
func (e *Environments) OfEnvBinding(env *yaml.Node) string {
	if n := e.cfg.EnvironmentOf(oam.Str(oam.Get(env, "name"))); n != "" {
		return n
	}
	return e.cfg.EnvironmentOf(oam.Str(oam.GetPath(env, "placement.namespaceSelector.name")))
}

// patchesOf lists the override entries and env-binding patches that
// reach a component, with their environment.
func (e *Environments) patchesOf(c *oam.Component) []Patch {
	var out []Patch
	for _, pol := range e.app.PoliciesOfType("override") {
		env := e.OfOverride(pol)
		for _, o := range pol.Overrides() {
			if o.Matches(c) {
				out = append(out, Patch{Env: env, Via: "override policy " + pol.Name, Policy: pol, Entry: o})
			}
		}
	}
	for _, pol := range e.app.PoliciesOfType("env-binding") {
		for _, env := range oam.Items(oam.Get(pol.Properties, "envs")) {
			name, envName := oam.Str(oam.Get(env, "name")), e.OfEnvBinding(env)
			patch := &oam.Policy{Name: pol.Name, Type: pol.Type, Node: env, Properties: oam.Get(env, "patch")}
			for _, o := range patch.Overrides() {
				if o.Matches(c) {
					out = append(out, Patch{Env: envName, Via: fmt.Sprintf("env %s of env-binding policy %s", name, pol.Name), Policy: pol, Entry: o})
				}
			}
		}
	}
	return out
}

// Envs lists the environments the Application deploys to, in the order
// dev, staging, prod: from its topologies, env-binding envs and its own
// name. Environments oamfix cannot name are left out.
func (e *Environments) Envs() []string {
	seen := map[string]bool{}
	if env := e.OfApp(); env != "" {
		seen[env] = true
	}
	for _, tp := range e.app.PoliciesOfType("topology") {
		seen[e.OfTopology(tp)] = true
	}
	for _, pol := range e.app.PoliciesOfType("env-binding") {
		for _, env := range oam.Items(oam.Get(pol.Properties, "envs")) {
			seen[e.OfEnvBinding(env)] = true
		}
	}
	var out []string
	for _, env := range []string{config.EnvDev, config.EnvStaging, config.EnvProd} {
		if seen[env] {
			out = append(out, env)
		}
	}
	return out
}
