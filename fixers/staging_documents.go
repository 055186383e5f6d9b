package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// runStagingFile handles files holding one Application per environment
// (shop-dev, shop-prod) and reports apps where staging does not apply.
func runStagingFile(fp *FilePass) {
	cfg := fp.Config
	type group struct {
		dev, prod []*FileApp
		staging   bool
		done      bool
	}
	groups := map[string]*group{}
	kinds := map[*FileApp]stagingKind{}
	envs := map[*FileApp]string{}
	keys := map[*FileApp]string{}
	for _, a := range fp.Apps {
		kinds[a] = classifyStaging(cfg, a.App)
		env, key := documentEnvironment(cfg, a.App)
		envs[a], keys[a] = env, key
		if key == "" {
			continue
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
		}
		switch {
		case env == config.EnvStaging:
			g.staging = true
		case kinds[a] != stagingNone:
		case env == config.EnvDev:
			g.dev = append(g.dev, a)
		case env == config.EnvProd:
			g.prod = append(g.prod, a)
		}
	}
	for _, a := range fp.Apps {
		if kinds[a] != stagingNone || envs[a] == config.EnvStaging {
			continue
		}
		if g := groups[keys[a]]; g != nil {
			if g.staging {
				continue
			}
			if len(g.dev) > 0 && len(g.prod) > 0 {
				if !g.done && envs[a] == config.EnvProd {
					g.done = true
					stagingDocument(fp, g.dev[len(g.dev)-1], a)
				}
				continue
			}
		}
		fp.Report(a, Where{}, Finding{
			Severity:    Info,
			Message:     notApplicable(cfg, a.App, envs[a]),
			Remediation: "none needed; name environments with the words of spec.environments for oamfix to recognise them",
		}, nil)
	}
}

// renameProdPolicies renames the policies and workflow steps of a staging
// copy whose names say prod (production-overrides becomes
// staging-overrides), and the steps' references to them, so that no
// staging object is named for production.
func renameProdPolicies(cfg *config.Config, app *oam.App, word string) []string {
	renamed := map[string]string{}
	var out []string
	rename := func(n *yaml.Node, what string) {
		if n == nil || n.Kind != yaml.ScalarNode {
			return
		}
		if s, ok := cfg.ReplaceEnvironment(n.Value, config.EnvProd, word); ok {
			out = append(out, fmt.Sprintf("%s %s becomes %s", what, n.Value, s))
			renamed[n.Value] = s
			oam.SetString(n, s)
		}
	}
	for _, pol := range app.Policies {
		rename(oam.Get(pol.Node, "name"), "policy")
	}
	if app.Workflow == nil {
		return out
	}
	for _, st := range app.Workflow.Steps {
		rename(oam.Get(st.Node, "name"), "step")
		for _, ref := range oam.Items(oam.Get(st.Properties, "policies")) {
			if s, ok := renamed[oam.Str(ref)]; ok {
				oam.SetString(ref, s)
			}
		}
		if ref := oam.Get(st.Properties, "policy"); ref != nil {
			if s, ok := renamed[oam.Str(ref)]; ok {
				oam.SetString(ref, s)
			}
		}
	}
	return out
}

// documentEnvironment classifies a whole Application by its name, else its
// namespace, and returns a key shared by the documents of the other
// environments of the same app.
func documentEnvironment(cfg *config.Config, app *oam.App) (env, key string) {
	if env = cfg.EnvironmentOf(app.Name); env != "" {
		return env, "name:" + strings.ToLower(cfg.StripEnvironment(app.Name, env))
	}
	if env = cfg.EnvironmentOf(app.Namespace); env != "" {
		return env, "namespace:" + strings.ToLower(app.Name) + "/" + strings.ToLower(cfg.StripEnvironment(app.Namespace, env))
	}
	return "", ""
}

// notApplicable explains why an app gets no staging.
func notApplicable(cfg *config.Config, app *oam.App, docEnv string) string {
	dev, prod := docEnv == config.EnvDev, docEnv == config.EnvProd
	d, pr := topologiesByEnv(cfg, app)
	dev = dev || len(d) > 0
	prod = prod || len(pr) > 0
	for _, pol := range app.PoliciesOfType("env-binding") {
		de, pe := envBindingEnvs(cfg, pol)
		dev = dev || len(de) > 0
		prod = prod || len(pe) > 0
	}
	switch {
	case dev:
		return "only a dev environment, no prod: staging not applicable"
	case prod:
		return "only a prod environment, no dev: staging not applicable"
	}
	return "no dev/prod environments: staging not applicable"
}

// stagingDocument adds a staging copy of the prod Application after the
// dev one.
func stagingDocument(fp *FilePass, dev, prod *FileApp) {
	cfg := fp.Config
	word := cfg.StagingWord()
	nsWord := cfg.StagingNamespaceWord()
	root := oam.CleanCopy(prod.App.Root)
	meta := oam.Get(root, "metadata")
	newName, newNS := prod.App.Name, prod.App.Namespace
	var assumptions []string
	if n := oam.Get(meta, "name"); n != nil && n.Kind == yaml.ScalarNode {
		if s, ok := cfg.ReplaceEnvironment(n.Value, config.EnvProd, word); ok {
			newName = s
			oam.SetString(n, s)
		}
	}
	if n := oam.Get(meta, "namespace"); n != nil && n.Kind == yaml.ScalarNode {
		if s, ok := cfg.ReplaceEnvironment(n.Value, config.EnvProd, nsWord); ok {
			assumptions = append(assumptions, fmt.Sprintf("staging namespace %s derived from %s", s, n.Value))
			newNS = s
			oam.SetString(n, s)
		}
	}
	if newName == prod.App.Name && newNS == prod.App.Namespace {
		return // nothing tells the copy from prod: leave it
	}
	oam.Pairs(oam.Get(meta, "labels"), func(k, v *yaml.Node) {
		if v.Kind == yaml.ScalarNode && cfg.EnvironmentOf(v.Value) == config.EnvProd && !strings.ContainsAny(v.Value, "-_.") {
			assumptions = append(assumptions, fmt.Sprintf("label %s: %s becomes %s", k.Value, v.Value, config.CaseLike(v.Value, word)))
			oam.SetString(v, config.CaseLike(v.Value, word))
		}
	})
	staged := oam.Load(root)
	assumptions = append(assumptions, renameProdPolicies(cfg, staged, word)...)
	for _, tp := range staged.PoliciesOfType("topology") {
		if n := oam.Get(tp.Properties, "namespace"); n != nil && n.Kind == yaml.ScalarNode {
			if s, ok := cfg.ReplaceEnvironment(n.Value, config.EnvProd, nsWord); ok {
				assumptions = append(assumptions, fmt.Sprintf("topology %s deploys to namespace %s instead of %s", tp.Name, s, n.Value))
				oam.SetString(n, s)
			}
		}
		if cl := cfg.Spec.Staging.Clusters; len(cl) > 0 && tp.Properties != nil {
			model := oam.Get(tp.Properties, "clusters")
			var kept []*yaml.Node
			for i := 0; i+1 < len(tp.Properties.Content); i += 2 {
				switch tp.Properties.Content[i].Value {
				case "clusters", "clusterLabelSelector", "clusterSelector":
					continue
				}
				kept = append(kept, tp.Properties.Content[i], tp.Properties.Content[i+1])
			}
			tp.Properties.Content = kept
			oam.PrependPair(tp.Properties, "clusters", oam.ListLike(model, cl))
		}
	}
	if len(cfg.Spec.Staging.Clusters) > 0 {
		assumptions = append(assumptions, "staging topologies use spec.staging.clusters: "+strings.Join(cfg.Spec.Staging.Clusters, ", "))
	} else if len(staged.PoliciesOfType("topology")) > 0 {
		assumptions = append(assumptions, "staging uses the same clusters as prod (set spec.staging.clusters to change)")
	}
	var scaled []string
	for _, c := range staged.Components {
		scaled = append(scaled, scaleComponent(cfg, c.Node, c.Name)...)
	}
	for _, ov := range staged.PoliciesOfType("override") {
		scaled = append(scaled, scaleComponents(cfg, oam.Get(ov.Properties, "components"), ov.Name+": ")...)
	}
	if len(scaled) > 0 {
		assumptions = append(assumptions, fmt.Sprintf("replica counts scaled by spec.staging.replicaFactor %g: %s", cfg.Spec.Staging.ReplicaFactor, strings.Join(scaled, ", ")))
	}
	label := func(name, ns string) string {
		if ns == "" || dev.App.Name != prod.App.Name {
			return name
		}
		return name + " (namespace " + ns + ")"
	}
	fp.Report(prod, Where{Node: oam.Get(oam.Get(prod.App.Root, "metadata"), "name")}, Finding{
		Message: fmt.Sprintf("the file has one Application per environment (%s, %s) but none for staging",
			label(dev.App.Name, dev.App.Namespace), label(prod.App.Name, prod.App.Namespace)),
		Assumptions: assumptions,
		Remediation: "add a staging Application between the dev and prod ones, or exempt the prod app with the annotation " + oam.SkipAnnotation + ": staging",
	}, Act(fmt.Sprintf("add Application %s, a copy of %s at staging scale, after %s", label(newName, newNS), label(prod.App.Name, prod.App.Namespace), label(dev.App.Name, dev.App.Namespace)),
		AddDocument(dev.App.Root, root)))
}
