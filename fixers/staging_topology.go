package fixers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// topologyPlan is what stagingForTopologies works out before it reports:
// the dev and prod topologies, the prod deploy step (explicit or implicit)
// and the policies it deploys.
type topologyPlan struct {
	p                *Pass
	cfg              *config.Config
	app              *oam.App
	devTops          []*oam.Policy
	prodTops         []*oam.Policy
	isProd           map[*oam.Policy]bool
	explicit         bool      // the app has workflow steps
	prodStep         *oam.Step // the first deploy step using a prod topology (explicit only)
	devStep          *oam.Step // the last dev deploy step before it
	prodList         []string  // the policies prod deploys with
	prodTop          *oam.Policy
	word             string
	policyNamesTaken map[string]bool
}

// stagingForTopologies adds a staging topology, staging overrides and a
// deploy step to an app with dev and prod topologies.
func stagingForTopologies(p *Pass) {
	plan, ok := planTopologies(p)
	if !ok {
		return
	}
	topName := plan.addTopology()
	stagingOf := plan.addOverrideCopies()
	// The staging step's policies: prod's, with staging counterparts.
	var stagingList []string
	seen := map[string]bool{}
	for _, n := range plan.prodList {
		m := n
		if anyIn([]string{n}, plan.isProd) {
			m = topName
		} else if s := stagingOf[n]; s != "" {
			m = s
		}
		if !seen[m] {
			seen[m] = true
			stagingList = append(stagingList, m)
		}
	}
	if plan.explicit {
		plan.addDeployStep(stagingList)
	} else {
		plan.writeWorkflow(topName, stagingList)
	}
}

// planTopologies finds where staging goes, or reports why it cannot be
// added (an external workflow, DAG mode, no prod deploy step, or one step
// deploying dev and prod together).
func planTopologies(p *Pass) (*topologyPlan, bool) {
	cfg, app := p.Config, p.App
	devTops, prodTops := topologiesByEnv(cfg, app)
	wf := app.Workflow
	if wf != nil && wf.Ref != "" {
		p.Report(Where{Node: oam.Get(wf.Node, "ref")}, Finding{
			Severity:    Info,
			Message:     fmt.Sprintf("the app has dev (%s) and prod (%s) topologies but no staging; its steps live in the external Workflow %q (workflow.ref), so oamfix does not add one", policyNames(devTops), policyNames(prodTops), wf.Ref),
			Remediation: fmt.Sprintf("add a topology policy for staging and a deploy step for it, between dev and prod, in Workflow %s", wf.Ref),
		}, nil)
		return nil, false
	}
	plan := &topologyPlan{p: p, cfg: cfg, app: app, devTops: devTops, prodTops: prodTops,
		isProd: policySet(prodTops), explicit: wf != nil && len(wf.Steps) > 0, word: cfg.StagingWord(),
		policyNamesTaken: map[string]bool{}}
	for _, pol := range app.Policies {
		plan.policyNamesTaken[pol.Name] = true
	}
	if plan.explicit && strings.EqualFold(oam.Str(oam.GetPath(wf.Node, "mode.steps")), "DAG") {
		p.Report(Where{Node: wf.Node}, Finding{
			Message:     "the app has dev and prod topologies but no staging; its workflow runs in DAG mode, so where a staging step belongs depends on dependsOn and oamfix does not add one",
			Remediation: "add a staging topology and a deploy step that dev's step precedes and prod's step depends on",
		}, nil)
		return nil, false
	}
	if plan.explicit {
		isDev := policySet(devTops)
		for _, s := range wf.Steps {
			if s.Type != "deploy" {
				continue
			}
			names := stepPolicies(s)
			if plan.prodStep == nil && anyIn(names, plan.isProd) {
				plan.prodStep, plan.prodList = s, names
			}
			if plan.prodStep == nil && anyIn(names, isDev) {
				plan.devStep = s
			}
		}
		if plan.prodStep == nil {
			p.Report(Where{Node: wf.StepsNode}, Finding{
				Message:     fmt.Sprintf("the app has dev (%s) and prod (%s) topologies but no staging, and no top-level deploy step uses the prod topology, so oamfix cannot tell where staging goes", policyNames(devTops), policyNames(prodTops)),
				Remediation: "add a staging topology and a deploy step for it between the dev and prod deploy steps",
			}, nil)
			return nil, false
		}
		if anyIn(plan.prodList, isDev) {
			p.Report(Where{Node: plan.prodStep.Node}, Finding{
				Message:     fmt.Sprintf("the app has dev and prod topologies but no staging, and step %q deploys dev and prod together, so there is no place for staging between them", plan.prodStep.Name),
				Remediation: "split the step into dev and prod deploy steps, then add a staging topology and deploy step between them",
			}, nil)
			return nil, false
		}
	} else {
		plan.prodList = []string{prodTops[0].Name}
		for _, o := range app.PoliciesOfType("override") {
			plan.prodList = append(plan.prodList, o.Name)
		}
	}
	plan.prodTop = prodTops[0]
	for _, n := range plan.prodList {
		if tp := app.Policy(n); tp != nil && plan.isProd[tp] {
			plan.prodTop = tp
			break
		}
	}
	return plan, true
}

// addTopology reports the staging topology, after the last dev one, and
// returns its name.
func (pl *topologyPlan) addTopology() string {
	cfg, app := pl.cfg, pl.app
	name := uniqueName(stagingName(cfg, pl.prodTop.Name, pl.word, pl.prodTop.Name+"-"+pl.word), pl.policyNamesTaken)
	node, assumptions := stagingTopologyNode(cfg, app, pl.prodTop, pl.devTops, name)
	lastDev := pl.devTops[len(pl.devTops)-1]
	pl.p.Report(Where{Node: pl.prodTop.Node}, Finding{
		Message:     fmt.Sprintf("the app has dev (%s) and prod (%s) topologies but no staging", policyNames(pl.devTops), policyNames(pl.prodTops)),
		Assumptions: assumptions,
		Remediation: "add a topology policy for staging between dev and prod, or exempt the app with the annotation " + oam.SkipAnnotation + ": staging",
	}, Act(fmt.Sprintf("add topology policy %s after %s", name, lastDev.Name), InsertAfter(oam.Get(app.Spec, "policies"), lastDev.Node, node)))
	return name
}

// addOverrideCopies reports a staging copy of each override only prod
// uses (shared ones are listed as they are) and returns the copies' names
// by the name of the override they copy.
func (pl *topologyPlan) addOverrideCopies() map[string]string {
	cfg, app := pl.cfg, pl.app
	stagingOf := map[string]string{}
	for _, n := range pl.prodList {
		ov := app.Policy(n)
		if ov == nil || ov.Type != "override" || stagingOf[ov.Name] != "" {
			continue
		}
		why := "which only the prod deploy step uses"
		if pl.explicit && usedOutsideProd(app, ov.Name, pl.isProd) || !pl.explicit && cfg.EnvironmentOf(ov.Name) != config.EnvProd {
			continue
		}
		if !pl.explicit {
			why = "named for prod"
		}
		name := uniqueName(stagingName(cfg, ov.Name, pl.word, ov.Name+"-"+pl.word), pl.policyNamesTaken)
		stagingOf[ov.Name] = name
		node := oam.RenamedCopy(ov.Node, name)
		scaled := scaleComponents(cfg, oam.Get(oam.Get(node, "properties"), "components"), "")
		assumptions := []string{fmt.Sprintf("%s copies %s, %s", name, ov.Name, why)}
		if len(scaled) > 0 {
			assumptions = append(assumptions, fmt.Sprintf("replica counts scaled by spec.staging.replicaFactor %g: %s", cfg.Spec.Staging.ReplicaFactor, strings.Join(scaled, ", ")))
		}
		pl.p.Report(Where{Node: ov.Node}, Finding{
			Message:     fmt.Sprintf("prod's override %s has no staging counterpart", ov.Name),
			Assumptions: assumptions,
			Remediation: "add an override policy for staging, or exempt the app with the annotation " + oam.SkipAnnotation + ": staging",
		}, Act(fmt.Sprintf("add override policy %s (a copy at staging scale) before it", name), InsertBefore(oam.Get(app.Spec, "policies"), ov.Node, node)))
	}
	return stagingOf
}

// addDeployStep reports the staging deploy step of an explicit workflow,
// before prod's approval or deploy step, and the approval
// spec.staging.requireApproval asks for.
func (pl *topologyPlan) addDeployStep(stagingList []string) {
	cfg, wf, prodStep := pl.cfg, pl.app.Workflow, pl.prodStep
	stepNames := map[string]bool{}
	for _, s := range wf.Steps {
		stepNames[s.Name] = true
		for _, sub := range oam.Items(oam.Get(s.Node, "subSteps")) {
			stepNames[oam.Str(oam.Get(sub, "name"))] = true
		}
	}
	stepName := uniqueName(stagingName(cfg, prodStep.Name, pl.word, "deploy-"+pl.word), stepNames)
	stepNode := stepLike(prodStep.Node, stepName, "deploy", oam.Pair{Key: "policies", Value: oam.ListLike(oam.Get(prodStep.Properties, "policies"), stagingList)})
	before := approvalStart(wf, prodStep, pl.devStep)
	where := "before " + before.Name
	if pl.devStep != nil {
		where = fmt.Sprintf("after %s and %s", pl.devStep.Name, where)
	}
	pl.p.Report(Where{Node: prodStep.Node}, Finding{
		Remediation: "add a deploy step for staging between the dev and prod deploy steps",
	}, Act(fmt.Sprintf("add deploy step %s for staging %s", stepName, where), InsertBefore(wf.StepsNode, before.Node, stepNode)))
	if cfg.Spec.Staging.RequireApproval && before == prodStep && !autoFalse(prodStep) {
		stepNames[stepName] = true
		approval := approvalStep(prodStep.Node, uniqueName("approve-"+cfg.EnvironmentWord(prodStep.Name, config.EnvProd), stepNames))
		pl.p.Report(Where{Node: prodStep.Node}, Finding{
			Message:     "spec.staging.requireApproval is set and prod has no approval",
			Remediation: "add a suspend step before the prod deploy step",
		}, Act(fmt.Sprintf("add suspend step %s before %s", oam.Str(oam.Get(approval, "name")), prodStep.Name), InsertBefore(wf.StepsNode, prodStep.Node, approval)))
	}
}

// writeWorkflow makes the implicit workflow of an app without one
// explicit: KubeVela deploys every topology in parallel with every
// override, so the steps are written out in order, with staging between
// dev and prod.
func (pl *topologyPlan) writeWorkflow(topName string, stagingList []string) {
	cfg, app := pl.cfg, pl.app
	overrides := app.PoliciesOfType("override")
	quote := flowQuoteStyle(app)
	type plannedStep struct {
		rank  int
		topo  string
		names []string
	}
	var planned []plannedStep
	var overrideNames []string
	for _, o := range overrides {
		overrideNames = append(overrideNames, o.Name)
	}
	rank := map[string]int{config.EnvDev: 0, "": 1, config.EnvStaging: 2, config.EnvProd: 3}
	for _, tp := range app.PoliciesOfType("topology") {
		planned = append(planned, plannedStep{rank[topologyEnvironment(cfg, tp)], tp.Name, append([]string{tp.Name}, overrideNames...)})
	}
	planned = append(planned, plannedStep{rank[config.EnvStaging], topName, stagingList})
	sort.SliceStable(planned, func(i, j int) bool { return planned[i].rank < planned[j].rank })
	var steps []*yaml.Node
	var stepNames []string
	taken := map[string]bool{}
	for _, ps := range planned {
		name := uniqueName("deploy-"+ps.topo, taken)
		stepNames = append(stepNames, name)
		list := oam.FlowSeq(anyStrings(ps.names)...)
		for _, item := range list.Content {
			item.Style = quote
		}
		if cfg.Spec.Staging.RequireApproval && ps.rank == rank[config.EnvProd] {
			aname := uniqueName("approve-"+ps.topo, taken)
			stepNames = append(stepNames, aname)
			steps = append(steps, approvalStep(nil, aname))
		}
		steps = append(steps, oam.Map(oam.P("name", name), oam.P("type", "deploy"),
			oam.Pair{Key: "properties", Value: oam.Map(oam.Pair{Key: "policies", Value: list})}))
	}
	assumptions := []string{"each step lists every existing override, as KubeVela's implicit workflow applies all overrides to every topology"}
	for _, o := range overrides {
		if env := cfg.EnvironmentOf(o.Name); env != "" && env != config.EnvDev {
			assumptions = append(assumptions, fmt.Sprintf("the dev step keeps %s, which the implicit workflow applied to dev too; drop it from the dev step if that was not intended", o.Name))
		}
	}
	if cfg.Spec.Staging.RequireApproval {
		assumptions = append(assumptions, "spec.staging.requireApproval adds a suspend step before each prod deploy step")
	}
	pl.p.Report(Where{Node: app.Spec}, Finding{
		Message:     "the app has topologies but no workflow, so KubeVela deploys them all in parallel with every override",
		Assumptions: assumptions,
		Remediation: "add an explicit workflow with a deploy step per topology, staging between dev and prod",
	}, Act(fmt.Sprintf("make the implicit parallel workflow an explicit sequential one (%s) so that staging deploys between dev and prod with its own policies", strings.Join(stepNames, ", ")),
		Append(app.Spec, "workflow.steps", steps...)))
}

// stagingTopologyNode builds the staging topology policy from prod's.
func stagingTopologyNode(cfg *config.Config, app *oam.App, prodTop *oam.Policy, devTops []*oam.Policy, name string) (*yaml.Node, []string) {
	var assumptions []string
	st := cfg.Spec.Staging
	props := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if prodTop.Properties != nil {
		props.Style = prodTop.Properties.Style & yaml.FlowStyle
	}
	prodNS := oam.Get(prodTop.Properties, "namespace")
	devNS := ""
	for _, d := range devTops {
		if ns := oam.Str(oam.Get(d.Properties, "namespace")); ns != "" {
			devNS = ns
			break
		}
	}
	ns, nsWhy := stagingNamespace(cfg, app, oam.Str(prodNS), devNS)
	assumptions = append(assumptions, nsWhy)
	clustersDone := false
	addClusters := func() {
		if clustersDone {
			return
		}
		clustersDone = true
		model := oam.Get(prodTop.Properties, "clusters")
		if model == nil {
			for _, d := range devTops {
				if model = oam.Get(d.Properties, "clusters"); model != nil {
					break
				}
			}
		}
		oam.AppendPair(props, "clusters", oam.ListLike(model, st.Clusters))
	}
	oam.Pairs(prodTop.Properties, func(k, v *yaml.Node) {
		switch k.Value {
		case "clusters", "clusterLabelSelector", "clusterSelector":
			if len(st.Clusters) > 0 {
				addClusters()
				return
			}
			oam.AppendPair(props, k.Value, oam.CleanCopy(v))
		case "namespace":
			oam.AppendPair(props, k.Value, oam.ScalarLike(v, ns))
		default:
			oam.AppendPair(props, k.Value, oam.CleanCopy(v))
		}
	})
	if len(st.Clusters) > 0 {
		addClusters()
		assumptions = append(assumptions, "staging uses the clusters of spec.staging.clusters: "+strings.Join(st.Clusters, ", "))
	} else if oam.Get(prodTop.Properties, "clusters") != nil || oam.Get(prodTop.Properties, "clusterLabelSelector") != nil {
		assumptions = append(assumptions, "staging uses the same clusters as prod (set spec.staging.clusters to change)")
	} else {
		assumptions = append(assumptions, "staging runs on the hub cluster, like prod (set spec.staging.clusters to change)")
	}
	if prodNS == nil {
		oam.AppendPair(props, "namespace", oam.Scalar(ns))
	}
	return policyLike(prodTop.Node, name, "topology", props), assumptions
}

// stagingNamespace derives the staging namespace: prod's with its env word
// replaced, else dev's, else the app name plus spec.staging.namespaceSuffix.
func stagingNamespace(cfg *config.Config, app *oam.App, prodNS, devNS string) (string, string) {
	word := cfg.StagingNamespaceWord()
	suffix := cfg.Spec.Staging.NamespaceSuffix
	if prodNS != "" {
		if s, ok := cfg.ReplaceEnvironment(prodNS, config.EnvProd, word); ok {
			return s, fmt.Sprintf("staging namespace %s derived from the prod namespace %s", s, prodNS)
		}
		s := prodNS + suffix
		return s, fmt.Sprintf("staging namespace %s is the prod namespace %s plus spec.staging.namespaceSuffix (%s)", s, prodNS, suffix)
	}
	if devNS != "" {
		if s, ok := cfg.ReplaceEnvironment(devNS, config.EnvDev, word); ok {
			return s, fmt.Sprintf("staging namespace %s derived from the dev namespace %s (prod sets none)", s, devNS)
		}
	}
	base := app.Name
	if base == "" {
		base = "app"
	}
	if s, ok := cfg.ReplaceEnvironment(base, config.EnvProd, word); ok {
		return s, fmt.Sprintf("staging namespace %s derived from the app name %s (prod and dev set no usable namespace)", s, base)
	}
	s := base + suffix
	return s, fmt.Sprintf("staging namespace %s is the app name plus spec.staging.namespaceSuffix (prod and dev set no usable namespace); create it before deploying", s)
}

// usedOutsideProd reports whether a deploy step that deploys no prod
// topology lists the policy.
func usedOutsideProd(app *oam.App, name string, isProd map[*oam.Policy]bool) bool {
	for _, s := range app.Workflow.Steps {
		if s.Type != "deploy" {
			continue
		}
		names := stepPolicies(s)
		if anyIn(names, isProd) {
			continue
		}
		for _, n := range names {
			if n == name {
				return true
			}
		}
	}
	return false
}

// approvalStart is the step staging goes before: the run of suspend steps
// directly before the prod deploy step (after the dev step), or the prod
// deploy step itself.
func approvalStart(wf *oam.Workflow, prodStep, devStep *oam.Step) *oam.Step {
	byIndex := map[int]*oam.Step{}
	for _, s := range wf.Steps {
		byIndex[s.Index] = s
	}
	start := prodStep
	for i := prodStep.Index - 1; i >= 0; i-- {
		s := byIndex[i]
		if s == nil || s.Type != "suspend" || devStep != nil && s.Index <= devStep.Index {
			break
		}
		start = s
	}
	return start
}

// autoFalse reports whether a deploy step waits for approval (auto: false).
func autoFalse(s *oam.Step) bool {
	v, ok := oam.Bool(oam.Get(s.Properties, "auto"))
	return ok && !v
}

// stepPolicies lists the policy names a deploy step uses.
func stepPolicies(s *oam.Step) []string {
	var out []string
	for _, n := range oam.Items(oam.Get(s.Properties, "policies")) {
		out = append(out, oam.Str(n))
	}
	return out
}

func policySet(ps []*oam.Policy) map[*oam.Policy]bool {
	out := map[*oam.Policy]bool{}
	for _, p := range ps {
		out[p] = true
	}
	return out
}

// anyIn reports whether one of the names is a policy of the set.
func anyIn(names []string, set map[*oam.Policy]bool) bool {
	for p := range set {
		for _, n := range names {
			if p.Name == n {
				return true
			}
		}
	}
	return false
}

func policyNames(ps []*oam.Policy) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}
