package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Staging adds a staging environment between dev and prod.
var Staging = &Rule{
	ID: "staging",
	Doc: `Add a staging environment between dev and prod, in the style the app already uses.

Environments are recognised by the words of spec.environments in policy,
topology namespace, env, workflow step and application names. An app with
dev and prod but no staging gets one, built from prod at reduced scale
(replica counts, fixed scaler fields and autoscaler min/max of the
vocabulary times spec.staging.replicaFactor, rounded up) and placed between
dev and prod:

- topology and override policies with deploy steps: a staging topology
  (prod's clusters unless spec.staging.clusters is set, and a namespace
  derived from prod's: shop-prod becomes shop-staging), a staging copy of
  each override only prod uses, and a deploy step before prod's approval or
  deploy step. An app with topologies but no workflow deploys every
  topology in parallel with all overrides, so the implicit steps are first
  written out as an explicit sequential workflow; a workflow.ref is only
  reported;
- a legacy env-binding policy: a staging env copied from prod and a
  deploy2env step;
- one Application per environment in a file (shop-dev, shop-prod): a new
  shop-staging document copied from prod, right after the dev one.

spec.staging.requireApproval adds a suspend step before prod when prod has
no approval yet. Existing policies and steps are never changed. Apps without
both dev and prod get one info finding.`,
	Severity: Medium,
	Area:     "Operations",
	Commit:   "add a staging environment",
	Fixable:  true,
	Run:      runStaging,
	RunFile:  runStagingFile,
}

// stagingKind is how an app organises its environments.
type stagingKind int

const (
	// stagingNone: no dev+prod pair inside the document (maybe one
	// document per environment, which RunFile handles).
	stagingNone stagingKind = iota
	// stagingPresent: the app already has a staging environment.
	stagingPresent
	// stagingTopology: dev and prod topology policies.
	stagingTopology
	// stagingEnvBinding: an env-binding policy with dev and prod envs.
	stagingEnvBinding
)

// classifyStaging says how the app holds its environments.
func classifyStaging(cfg *config.Config, app *oam.App) stagingKind {
	if hasInternalStaging(cfg, app) {
		return stagingPresent
	}
	for _, pol := range app.PoliciesOfType("env-binding") {
		if dev, prod := envBindingEnvs(cfg, pol); len(dev) > 0 && len(prod) > 0 {
			return stagingEnvBinding
		}
	}
	dev, prod := topologiesByEnv(cfg, app)
	if len(dev) > 0 && len(prod) > 0 {
		return stagingTopology
	}
	return stagingNone
}

// hasInternalStaging reports whether a policy, topology namespace,
// env-binding env or workflow step of the app names staging.
func hasInternalStaging(cfg *config.Config, app *oam.App) bool {
	is := func(s string) bool { return s != "" && cfg.EnvironmentOf(s) == config.EnvStaging }
	for _, pol := range app.Policies {
		if is(pol.Name) || pol.Type == "topology" && is(oam.Str(oam.Get(pol.Properties, "namespace"))) {
			return true
		}
		if pol.Type == "env-binding" {
			for _, env := range oam.Items(oam.Get(pol.Properties, "envs")) {
				if is(oam.Str(oam.Get(env, "name"))) || is(oam.Str(oam.GetPath(env, "placement.namespaceSelector.name"))) {
					return true
				}
			}
		}
	}
	if app.Workflow != nil {
		for _, s := range app.Workflow.Steps {
			if is(s.Name) {
				return true
			}
			for _, sub := range oam.Items(oam.Get(s.Node, "subSteps")) {
				if is(oam.Str(oam.Get(sub, "name"))) {
					return true
				}
			}
		}
	}
	return false
}

// topologiesByEnv returns the app's dev and prod topology policies.
func topologiesByEnv(cfg *config.Config, app *oam.App) (dev, prod []*oam.Policy) {
	for _, tp := range app.PoliciesOfType("topology") {
		switch topologyEnvironment(cfg, tp) {
		case config.EnvDev:
			dev = append(dev, tp)
		case config.EnvProd:
			prod = append(prod, tp)
		}
	}
	return dev, prod
}

// envBindingEnvs returns the indexes of an env-binding policy's dev and
// prod envs (by env name, then namespace).
func envBindingEnvs(cfg *config.Config, pol *oam.Policy) (dev, prod []int) {
	for i, env := range oam.Items(oam.Get(pol.Properties, "envs")) {
		switch envBindingEnvironment(cfg, env) {
		case config.EnvDev:
			dev = append(dev, i)
		case config.EnvProd:
			prod = append(prod, i)
		}
	}
	return dev, prod
}

// envBindingEnvironment classifies one env of an env-binding policy.
func envBindingEnvironment(cfg *config.Config, env *yaml.Node) string {
	if e := cfg.EnvironmentOf(oam.Str(oam.Get(env, "name"))); e != "" {
		return e
	}
	return cfg.EnvironmentOf(oam.Str(oam.GetPath(env, "placement.namespaceSelector.name")))
}

func runStaging(p *Pass) {
	switch classifyStaging(p.Config, p.App) {
	case stagingTopology:
		stagingForTopologies(p)
	case stagingEnvBinding:
		for _, pol := range p.App.PoliciesOfType("env-binding") {
			if dev, prod := envBindingEnvs(p.Config, pol); len(dev) > 0 && len(prod) > 0 {
				stagingForEnvBinding(p, pol, dev, prod)
				return
			}
		}
	}
	// Apps with no dev+prod pair inside are judged by runStagingFile,
	// which knows whether sibling documents hold the other environments.
}

// stagingName is name with its prod word replaced by word, or fallback.
func stagingName(cfg *config.Config, name, word, fallback string) string {
	if s, ok := cfg.ReplaceEnvironment(name, config.EnvProd, word); ok {
		return s
	}
	return fallback
}

// uniqueName returns name, or name-2, name-3... if it is taken.
func uniqueName(name string, taken map[string]bool) string {
	if !taken[name] {
		taken[name] = true
		return name
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s-%d", name, i); !taken[n] {
			taken[n] = true
			return n
		}
	}
}

// scaleComponents scales the replica-like numbers of override-style
// component entries and describes each change.
func scaleComponents(cfg *config.Config, comps *yaml.Node, prefix string) []string {
	var out []string
	for i, c := range oam.Items(comps) {
		name := oam.Str(oam.Get(c, "name"))
		if name == "" || name == "*" {
			if t := oam.Str(oam.Get(c, "type")); t != "" {
				name = "components of type " + t
			} else {
				name = fmt.Sprintf("components[%d]", i)
			}
		}
		out = append(out, scaleComponent(cfg, c, prefix+name)...)
	}
	return out
}

// scaleComponent scales a component's properties.replicas, its fixed
// scaler fields and its autoscaler min/max.
func scaleComponent(cfg *config.Config, c *yaml.Node, name string) []string {
	var out []string
	scale := func(n *yaml.Node, what string) {
		v, ok := oam.Int(n)
		if !ok || n.Kind != yaml.ScalarNode || v <= 0 {
			return
		}
		to := cfg.Spec.Staging.ReplicasFor(v)
		if to == v {
			return
		}
		oam.SetInt(n, to)
		out = append(out, fmt.Sprintf("%s %s %d → %d", name, what, v, to))
	}
	scale(oam.Get(oam.Get(c, "properties"), "replicas"), "replicas")
	for _, t := range oam.Items(oam.Get(c, "traits")) {
		typ := oam.Str(oam.Get(t, "type"))
		props := oam.Get(t, "properties")
		for _, fs := range cfg.Spec.Vocabulary.FixedScalers {
			if fs.Trait == typ {
				scale(oam.GetPath(props, fs.Field), typ+"."+fs.Field)
			}
		}
		for _, as := range cfg.Spec.Vocabulary.Autoscalers {
			if as.Trait == typ {
				scale(oam.GetPath(props, as.Min), typ+"."+as.Min)
				scale(oam.GetPath(props, as.Max), typ+"."+as.Max)
			}
		}
	}
	return out
}

// policyLike builds {name, type, properties} in the key order and style of
// a model policy.
func policyLike(model *yaml.Node, name, typ string, props *yaml.Node) *yaml.Node {
	return oam.MapLike(model, oam.Pair{Key: "name", Value: oam.ScalarLike(oam.Get(model, "name"), name)},
		oam.Pair{Key: "type", Value: oam.ScalarLike(oam.Get(model, "type"), typ)},
		oam.Pair{Key: "properties", Value: props})
}

// stepLike builds a workflow step {name, type, properties} in the key
// order and style of a model step.
func stepLike(model *yaml.Node, name, typ string, props ...oam.Pair) *yaml.Node {
	pm := oam.Map(props...)
	if mp := oam.Get(model, "properties"); mp != nil {
		pm = oam.MapLike(mp, props...)
	}
	return oam.MapLike(model, oam.Pair{Key: "name", Value: oam.ScalarLike(oam.Get(model, "name"), name)},
		oam.Pair{Key: "type", Value: oam.ScalarLike(oam.Get(model, "type"), typ)},
		oam.Pair{Key: "properties", Value: pm})
}

// approvalStep builds a suspend step in the style of a model step.
func approvalStep(model *yaml.Node, name string) *yaml.Node {
	props := oam.Pair{Key: "message", Value: oam.Scalar("staging verified?")}
	if model == nil {
		return oam.Map(oam.P("name", name), oam.P("type", "suspend"), oam.Pair{Key: "properties", Value: oam.Map(props)})
	}
	return stepLike(model, name, "suspend", props)
}

// flowQuoteStyle is the quote style of the items of the app's flow
// lists of names (["local"] gives double quotes), plain by default.
func flowQuoteStyle(app *oam.App) yaml.Style {
	var style yaml.Style
	found := false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || found {
			return
		}
		if n.Kind == yaml.SequenceNode && n.Style&yaml.FlowStyle != 0 && len(n.Content) > 0 && n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!str" {
			style, found = n.Content[0].Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle), true
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(oam.Get(app.Spec, "policies"))
	return style
}
