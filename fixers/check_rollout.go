package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Rollout reports applications with no progressive rollout or approval gate.
var Rollout = &Rule{
	ID: "rollout",
	Doc: `Report applications that deploy with no rollout or rollback strategy: no canary or rollout trait and no approval before deploying.

The infrastructure review flags missing rollback strategies and the absence
of blue-green or canary deployments. An app has a strategy when a trait,
policy or workflow step type mentions rollout, canary, blue-green, flagger,
analysis or check-metrics (rollout, kruise-rollout, canary-traffic,
canary-deploy, ...), or when its
workflow has a manual gate (a suspend step, or a step type mentioning
approval) before a later deploy or apply step, as a dev → approve → prod
workflow does. Only apps with a service component are checked;
apps whose name or namespace says dev, and apps whose workflow is an
external reference (workflow.ref), are skipped. Check only: the right
strategy depends on the platform's rollout controller.`,
	Severity: Medium,
	Area:     "Operations",
	Run:      runRollout,
}

// rolloutTypes are the type patterns (globs, lower case) of traits,
// policies and steps that roll out progressively.
// A metrics check or analysis step is the verification half of a canary.
var rolloutTypes = []string{"*rollout*", "*canary*", "*blue-green*", "*bluegreen*", "*flagger*", "*check-metrics*", "*analysis*"}

func runRollout(p *Pass) {
	app := p.App
	if devApp(p.Config, app) || app.Workflow != nil && app.Workflow.Ref != "" {
		return
	}
	serving := false
	for _, c := range app.Components {
		if p.Workload(c).Kind == workload.Service {
			serving = true
		}
		for _, t := range c.Traits {
			if typeMatchesFold(rolloutTypes, t.Type) {
				return
			}
		}
	}
	if !serving {
		return
	}
	for _, pol := range app.Policies {
		if typeMatchesFold(rolloutTypes, pol.Type) {
			return
		}
	}
	steps := workflowSteps(app.Workflow)
	gated := false
	for _, s := range steps {
		typ := strings.ToLower(oam.Str(oam.Get(s, "type")))
		if typeMatchesFold(rolloutTypes, typ) {
			return
		}
		if gated && (strings.Contains(typ, "deploy") || strings.HasPrefix(typ, "apply")) {
			return
		}
		if typ == "suspend" || strings.Contains(typ, "approv") {
			gated = true
		}
	}
	where, why := oam.KeyNode(app.Spec, "components"), "it has no workflow"
	if app.Workflow != nil {
		where, why = oam.KeyNode(app.Spec, "workflow"), "its workflow has no approval (suspend) step before a deploy step"
	}
	p.Report(Where{Node: where}, Finding{
		Message:     fmt.Sprintf("application %q has no rollout strategy: no canary or rollout trait, and %s, so a bad release reaches every user at once and is rolled back by hand", app.Name, why),
		Remediation: "add a progressive rollout (a kruise-rollout or rollout trait with canary batches on the services), or a suspend step before the production deploy step so a person approves it, and keep the previous revision to roll back to (vela workflow rollback); or exempt the app with the annotation oamfix.dev/skip: rollout",
	}, nil)
}

// workflowSteps lists a workflow's steps in order, each step-group's
// subSteps right after it.
func workflowSteps(wf *oam.Workflow) []*yaml.Node {
	if wf == nil {
		return nil
	}
	var out []*yaml.Node
	for _, s := range wf.Steps {
		out = append(out, s.Node)
		out = append(out, oam.Items(oam.Get(s.Node, "subSteps"))...)
	}
	return out
}
