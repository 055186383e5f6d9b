package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// stagingForEnvBinding adds a staging env and a deploy2env step to an
// env-binding policy with dev and prod envs.
func stagingForEnvBinding(p *Pass, pol *oam.Policy, devIdx, prodIdx []int) {
	cfg, app := p.Config, p.App
	envs := oam.Get(pol.Properties, "envs")
	items := oam.Items(envs)
	devEnv, prodEnv := items[devIdx[len(devIdx)-1]], items[prodIdx[0]]
	devName, prodName := oam.Str(oam.Get(devEnv, "name")), oam.Str(oam.Get(prodEnv, "name"))
	wf := app.Workflow
	if wf != nil && wf.Ref != "" {
		p.Report(Where{Node: oam.Get(wf.Node, "ref")}, Finding{
			Severity:    Info,
			Message:     fmt.Sprintf("env-binding policy %s has dev (%s) and prod (%s) envs but no staging; its steps live in the external Workflow %q (workflow.ref), so oamfix does not add one", pol.Name, devName, prodName, wf.Ref),
			Remediation: fmt.Sprintf("add a staging env to %s and a deploy2env step for it in Workflow %s", pol.Name, wf.Ref),
		}, nil)
		return
	}
	explicit := wf != nil && len(wf.Steps) > 0
	var devStep, prodStep *oam.Step
	if explicit {
		for _, s := range wf.Steps {
			if s.Type != "deploy2env" || oam.Str(oam.Get(s.Properties, "policy")) != pol.Name {
				continue
			}
			env := oam.Str(oam.Get(s.Properties, "env"))
			if env == prodName && prodStep == nil {
				prodStep = s
			}
			if env == devName && prodStep == nil {
				devStep = s
			}
		}
		if prodStep == nil {
			p.Report(Where{Node: wf.StepsNode}, Finding{
				Message:     fmt.Sprintf("env-binding policy %s has dev and prod envs but no staging, and no top-level deploy2env step deploys %s, so oamfix cannot tell where staging goes", pol.Name, prodName),
				Remediation: "add a staging env and a deploy2env step for it between the dev and prod steps",
			}, nil)
			return
		}
	}
	word := cfg.StagingWord()
	envName := stagingName(cfg, prodName, word, word)
	envNode, assumptions := stagingEnvNode(cfg, app, devEnv, prodEnv, envName)
	placeable := hold("placeable-on-target-version")
	if labels := oam.GetPath(envNode, "placement.clusterSelector.labels"); labels != nil {
		placeable = fail("placeable-on-target-version", fmt.Sprintf("prod's env %s places by cluster labels (placement.clusterSelector.labels), which KubeVela 1.10's deploy2env refuses, so a staging copy would not deploy", prodName),
			"set spec.staging.clusters to the staging cluster's name, or add the staging env by hand")
	}
	if !explicit {
		assumptions = append(assumptions, "the app has no workflow: staging is deployed the way KubeVela deploys the other envs")
	}
	pos, insert := "after "+devName, InsertAfter(envs, devEnv, envNode)
	if devIdx[len(devIdx)-1] < prodIdx[0] {
		pos, insert = "before "+prodName, InsertBefore(envs, prodEnv, envNode)
	}
	p.Report(Where{Node: prodEnv}, Finding{
		Message:     fmt.Sprintf("env-binding policy %s has dev (%s) and prod (%s) envs but no staging", pol.Name, devName, prodName),
		Assumptions: assumptions,
		Remediation: "add a staging env between dev and prod, or exempt the app with the annotation " + oam.SkipAnnotation + ": staging",
	}, Act(fmt.Sprintf("add env %s %s", envName, pos), insert).Require(placeable))
	if !explicit {
		return // the implicit workflow deploys every env
	}
	stepNames := map[string]bool{}
	for _, s := range wf.Steps {
		stepNames[s.Name] = true
	}
	stepName := uniqueName(stagingName(cfg, prodStep.Name, word, "deploy-"+word), stepNames)
	stepNode := stepLike(prodStep.Node, stepName, "deploy2env",
		oam.Pair{Key: "policy", Value: oam.ScalarLike(oam.Get(prodStep.Properties, "policy"), pol.Name)},
		oam.Pair{Key: "env", Value: oam.ScalarLike(oam.Get(prodStep.Properties, "env"), envName)})
	before := approvalStart(wf, prodStep, devStep)
	where := "before " + before.Name
	if devStep != nil {
		where = fmt.Sprintf("after %s and %s", devStep.Name, where)
	}
	p.Report(Where{Node: prodStep.Node}, Finding{

		Remediation: "add a deploy2env step for staging between the dev and prod steps",
	}, Act(fmt.Sprintf("add deploy2env step %s for env %s %s", stepName, envName, where), InsertBefore(wf.StepsNode, before.Node, stepNode)).Require(placeable))
	if cfg.Spec.Staging.RequireApproval && before == prodStep {
		stepNames[stepName] = true
		approval := approvalStep(prodStep.Node, uniqueName("approve-"+cfg.EnvironmentWord(prodStep.Name, config.EnvProd), stepNames))
		p.Report(Where{Node: prodStep.Node}, Finding{
			Message:     "spec.staging.requireApproval is set and prod has no approval",
			Remediation: "add a suspend step before the prod deploy2env step",
		}, Act(fmt.Sprintf("add suspend step %s before %s", oam.Str(oam.Get(approval, "name")), prodStep.Name), InsertBefore(wf.StepsNode, prodStep.Node, approval)))
	}
}

// stagingEnvNode builds the staging env from prod's: placement copied
// (namespace renamed), selector copied, patch copied at staging scale.
func stagingEnvNode(cfg *config.Config, app *oam.App, devEnv, prodEnv *yaml.Node, name string) (*yaml.Node, []string) {
	env := oam.CleanCopy(prodEnv)
	if n := oam.Get(env, "name"); n != nil && n.Kind == yaml.ScalarNode {
		oam.SetString(n, name)
	} else {
		oam.PrependPair(env, "name", oam.Scalar(name))
	}
	var assumptions []string
	placement := oam.Get(env, "placement")
	if placement == nil || placement.Kind != yaml.MappingNode {
		placement = oam.Map()
		oam.SetPair(env, "placement", placement)
	}
	prodNS := oam.Str(oam.GetPath(prodEnv, "placement.namespaceSelector.name"))
	devNS := oam.Str(oam.GetPath(devEnv, "placement.namespaceSelector.name"))
	ns, why := stagingNamespace(cfg, app, prodNS, devNS)
	assumptions = append(assumptions, why)
	if sel := oam.Get(placement, "namespaceSelector"); sel != nil && sel.Kind == yaml.MappingNode {
		if n := oam.Get(sel, "name"); n != nil && n.Kind == yaml.ScalarNode {
			oam.SetString(n, ns)
		} else {
			oam.AppendPair(sel, "name", oam.Scalar(ns))
		}
	} else {
		oam.AppendPair(placement, "namespaceSelector", oam.Map(oam.P("name", ns)))
	}
	if cl := cfg.Spec.Staging.Clusters; len(cl) > 0 {
		oam.SetPair(placement, "clusterSelector", oam.Map(oam.P("name", cl[0])))
		a := "staging uses cluster " + cl[0] + " from spec.staging.clusters"
		if len(cl) > 1 {
			a += " (an env-binding env places on one cluster; the others are ignored)"
		}
		assumptions = append(assumptions, a)
	} else {
		assumptions = append(assumptions, "staging uses the same cluster as prod (set spec.staging.clusters to change)")
	}
	if scaled := scaleComponents(cfg, oam.GetPath(env, "patch.components"), ""); len(scaled) > 0 {
		assumptions = append(assumptions, fmt.Sprintf("replica counts of prod's patch scaled by spec.staging.replicaFactor %g: %s", cfg.Spec.Staging.ReplicaFactor, strings.Join(scaled, ", ")))
	}
	return env, assumptions
}
