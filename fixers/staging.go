package fixers

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode"

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

// --- topology + override + deploy steps -------------------------------

// stagingForTopologies adds a staging topology, staging overrides and a
// deploy step to an app with dev and prod topologies.
func stagingForTopologies(p *Pass) {
	cfg, app := p.Config, p.App
	devTops, prodTops := topologiesByEnv(cfg, app)
	wf := app.Workflow
	if wf != nil && wf.Ref != "" {
		p.Report(Where{Node: oam.Get(wf.Node, "ref")}, Finding{
			Severity:    Info,
			Message:     fmt.Sprintf("the app has dev (%s) and prod (%s) topologies but no staging; its steps live in the external Workflow %q (workflow.ref), so oamfix does not add one", policyNames(devTops), policyNames(prodTops), wf.Ref),
			Path:        "spec.workflow.ref",
			Remediation: fmt.Sprintf("add a topology policy for staging and a deploy step for it, between dev and prod, in Workflow %s", wf.Ref),
		}, nil)
		return
	}
	explicit := wf != nil && len(wf.Steps) > 0
	if explicit && strings.EqualFold(oam.Str(oam.GetPath(wf.Node, "mode.steps")), "DAG") {
		p.Report(Where{Node: wf.Node}, Finding{
			Message:     "the app has dev and prod topologies but no staging; its workflow runs in DAG mode, so where a staging step belongs depends on dependsOn and oamfix does not add one",
			Path:        "spec.workflow",
			Remediation: "add a staging topology and a deploy step that dev's step precedes and prod's step depends on",
		}, nil)
		return
	}
	isDev := policySet(devTops)
	isProd := policySet(prodTops)

	// The prod deploy step (explicit or implicit) and the policies it uses.
	var prodStep, devStep *oam.Step
	var prodList []string
	overrides := app.PoliciesOfType("override")
	if explicit {
		for _, s := range wf.Steps {
			if s.Type != "deploy" {
				continue
			}
			names := stepPolicies(s)
			if prodStep == nil && anyIn(names, isProd) {
				prodStep, prodList = s, names
			}
			if prodStep == nil && anyIn(names, isDev) {
				devStep = s
			}
		}
		if prodStep == nil {
			p.Report(Where{Node: wf.StepsNode}, Finding{
				Message:     fmt.Sprintf("the app has dev (%s) and prod (%s) topologies but no staging, and no top-level deploy step uses the prod topology, so oamfix cannot tell where staging goes", policyNames(devTops), policyNames(prodTops)),
				Path:        "spec.workflow.steps",
				Remediation: "add a staging topology and a deploy step for it between the dev and prod deploy steps",
			}, nil)
			return
		}
		if anyIn(prodList, isDev) {
			p.Report(Where{Node: prodStep.Node}, Finding{
				Message:     fmt.Sprintf("the app has dev and prod topologies but no staging, and step %q deploys dev and prod together, so there is no place for staging between them", prodStep.Name),
				Path:        fmt.Sprintf("spec.workflow.steps[%s]", prodStep.Name),
				Remediation: "split the step into dev and prod deploy steps, then add a staging topology and deploy step between them",
			}, nil)
			return
		}
	} else {
		prodList = []string{prodTops[0].Name}
		for _, o := range overrides {
			prodList = append(prodList, o.Name)
		}
	}
	prodTop := prodTops[0]
find:
	for _, n := range prodList {
		for _, tp := range prodTops {
			if tp.Name == n {
				prodTop = tp
				break find
			}
		}
	}

	// Overrides that only prod uses get a staging copy; shared ones are
	// listed as they are.
	mirrored := map[*oam.Policy]bool{}
	for _, n := range prodList {
		ov := app.Policy(n)
		if ov == nil || ov.Type != "override" {
			continue
		}
		if explicit {
			mirrored[ov] = !usedOutsideProd(app, ov.Name, isProd)
		} else {
			mirrored[ov] = cfg.EnvironmentOf(ov.Name) == config.EnvProd
		}
	}

	policyNamesTaken := map[string]bool{}
	for _, pol := range app.Policies {
		policyNamesTaken[pol.Name] = true
	}
	word := stagingWord(cfg)

	// 1. The staging topology.
	topName := uniqueName(stagingName(cfg, prodTop.Name, config.EnvProd, word, prodTop.Name+"-"+word), policyNamesTaken)
	topNode, topAssumptions := stagingTopologyNode(cfg, app, prodTop, devTops, topName)
	lastDev := devTops[len(devTops)-1]
	p.Report(Where{Node: prodTop.Node}, Finding{
		Message: fmt.Sprintf("the app has dev (%s) and prod (%s) topologies but no staging; adding topology policy %s after %s",
			policyNames(devTops), policyNames(prodTops), topName, lastDev.Name),
		Assumptions: topAssumptions,
		Remediation: "add a topology policy for staging between dev and prod, or exempt the app with the annotation " + oam.SkipAnnotation + ": staging",
	}, Edits(InsertAfter(oam.Get(app.Spec, "policies"), lastDev.Node, topNode)))

	// 2. A staging copy of each override only prod uses.
	stagingOf := map[string]string{}
	for _, n := range prodList {
		ov := app.Policy(n)
		if ov == nil || !mirrored[ov] || stagingOf[ov.Name] != "" {
			continue
		}
		name := uniqueName(stagingName(cfg, ov.Name, config.EnvProd, word, ov.Name+"-"+word), policyNamesTaken)
		stagingOf[ov.Name] = name
		node := renamedCopy(ov.Node, name)
		scaled := scaleComponents(cfg, oam.Get(oam.Get(node, "properties"), "components"), "")
		why := "which only the prod deploy step uses"
		if !explicit {
			why = "named for prod"
		}
		assumptions := []string{fmt.Sprintf("%s copies %s, %s", name, ov.Name, why)}
		if len(scaled) > 0 {
			assumptions = append(assumptions, fmt.Sprintf("replica counts scaled by spec.staging.replicaFactor %g: %s", cfg.Spec.Staging.ReplicaFactor, strings.Join(scaled, ", ")))
		}
		p.Report(Where{Node: ov.Node}, Finding{
			Message:     fmt.Sprintf("prod's override %s has no staging counterpart; adding override policy %s (a copy at staging scale) before it", ov.Name, name),
			Assumptions: assumptions,
			Remediation: "add an override policy for staging, or exempt the app with the annotation " + oam.SkipAnnotation + ": staging",
		}, Edits(InsertBefore(oam.Get(app.Spec, "policies"), ov.Node, node)))
	}

	// The staging step's policies: prod's, with staging counterparts.
	var stagingList []string
	seen := map[string]bool{}
	for _, n := range prodList {
		m := n
		if anyIn([]string{n}, isProd) {
			m = topName
		} else if s := stagingOf[n]; s != "" {
			m = s
		}
		if !seen[m] {
			seen[m] = true
			stagingList = append(stagingList, m)
		}
	}

	// 3. The deploy step.
	if explicit {
		stepNames := map[string]bool{}
		for _, s := range wf.Steps {
			stepNames[s.Name] = true
			for _, sub := range oam.Items(oam.Get(s.Node, "subSteps")) {
				stepNames[oam.Str(oam.Get(sub, "name"))] = true
			}
		}
		stepName := uniqueName(stagingName(cfg, prodStep.Name, config.EnvProd, word, "deploy-"+word), stepNames)
		stepNode := stepLike(prodStep.Node, stepName, "deploy", oam.Pair{Key: "policies", Value: listLike(oam.Get(prodStep.Properties, "policies"), stagingList)})
		before := approvalStart(wf, prodStep, devStep)
		where := "before " + before.Name
		if devStep != nil {
			where = fmt.Sprintf("after %s and %s", devStep.Name, where)
		}
		p.Report(Where{Node: prodStep.Node}, Finding{
			Message:     fmt.Sprintf("adding deploy step %s for staging %s", stepName, where),
			Remediation: "add a deploy step for staging between the dev and prod deploy steps",
		}, Edits(InsertBefore(wf.StepsNode, before.Node, stepNode)))
		if cfg.Spec.Staging.RequireApproval && before == prodStep && !autoFalse(prodStep) {
			stepNames[stepName] = true
			approval := approvalStep(prodStep.Node, uniqueName("approve-"+prodWordOf(cfg, prodStep.Name), stepNames))
			p.Report(Where{Node: prodStep.Node}, Finding{
				Message:     fmt.Sprintf("spec.staging.requireApproval is set and prod has no approval; adding suspend step %s before %s", oam.Str(oam.Get(approval, "name")), prodStep.Name),
				Remediation: "add a suspend step before the prod deploy step",
			}, Edits(InsertBefore(wf.StepsNode, prodStep.Node, approval)))
		}
		return
	}

	// No workflow: KubeVela deploys every topology in parallel with every
	// override. Write those steps out, in order, with staging between.
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
		taken[name] = true
		stepNames = append(stepNames, name)
		list := oam.FlowSeq(anyStrings(ps.names)...)
		for _, item := range list.Content {
			item.Style = quote
		}
		if cfg.Spec.Staging.RequireApproval && ps.rank == rank[config.EnvProd] {
			aname := uniqueName("approve-"+ps.topo, taken)
			taken[aname] = true
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
	p.Report(Where{Node: app.Spec}, Finding{
		Message: fmt.Sprintf("the app has topologies but no workflow, so KubeVela deploys them all in parallel with every override; the implicit parallel workflow became an explicit sequential one (%s) so that staging deploys between dev and prod with its own policies",
			strings.Join(stepNames, ", ")),
		Assumptions: assumptions,
		Remediation: "add an explicit workflow with a deploy step per topology, staging between dev and prod",
	}, Edits(Append(app.Spec, "workflow.steps", steps...)))
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
		appendPair(props, "clusters", listLike(model, st.Clusters))
	}
	oam.Pairs(prodTop.Properties, func(k, v *yaml.Node) {
		switch k.Value {
		case "clusters", "clusterLabelSelector", "clusterSelector":
			if len(st.Clusters) > 0 {
				addClusters()
				return
			}
			appendPair(props, k.Value, oam.CleanCopy(v))
		case "namespace":
			appendPair(props, k.Value, scalarLike(v, ns))
		default:
			appendPair(props, k.Value, oam.CleanCopy(v))
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
		appendPair(props, "namespace", oam.Scalar(ns))
	}
	return policyLike(prodTop.Node, name, "topology", props), assumptions
}

// stagingNamespace derives the staging namespace: prod's with its env word
// replaced, else dev's, else the app name plus spec.staging.namespaceSuffix.
func stagingNamespace(cfg *config.Config, app *oam.App, prodNS, devNS string) (string, string) {
	word := namespaceWord(cfg)
	suffix := cfg.Spec.Staging.NamespaceSuffix
	if prodNS != "" {
		if s, ok := replaceEnv(cfg, prodNS, config.EnvProd, word); ok {
			return s, fmt.Sprintf("staging namespace %s derived from the prod namespace %s", s, prodNS)
		}
		s := prodNS + suffix
		return s, fmt.Sprintf("staging namespace %s is the prod namespace %s plus spec.staging.namespaceSuffix (%s)", s, prodNS, suffix)
	}
	if devNS != "" {
		if s, ok := replaceEnv(cfg, devNS, config.EnvDev, word); ok {
			return s, fmt.Sprintf("staging namespace %s derived from the dev namespace %s (prod sets none)", s, devNS)
		}
	}
	base := app.Name
	if base == "" {
		base = "app"
	}
	if s, ok := replaceEnv(cfg, base, config.EnvProd, word); ok {
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

// --- legacy env-binding -------------------------------------------------

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
			Path:        "spec.workflow.ref",
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
				Path:        "spec.workflow.steps",
				Remediation: "add a staging env and a deploy2env step for it between the dev and prod steps",
			}, nil)
			return
		}
	}
	word := stagingWord(cfg)
	envName := stagingName(cfg, prodName, config.EnvProd, word, word)
	envNode, assumptions := stagingEnvNode(cfg, app, devEnv, prodEnv, envName)
	if !explicit {
		assumptions = append(assumptions, "the app has no workflow: staging is deployed the way KubeVela deploys the other envs")
	}
	pos, insert := "after "+devName, InsertAfter(envs, devEnv, envNode)
	if devIdx[len(devIdx)-1] < prodIdx[0] {
		pos, insert = "before "+prodName, InsertBefore(envs, prodEnv, envNode)
	}
	p.Report(Where{Node: prodEnv}, Finding{
		Message:     fmt.Sprintf("env-binding policy %s has dev (%s) and prod (%s) envs but no staging; adding env %s %s", pol.Name, devName, prodName, envName, pos),
		Assumptions: assumptions,
		Remediation: "add a staging env between dev and prod, or exempt the app with the annotation " + oam.SkipAnnotation + ": staging",
	}, Edits(insert))
	if !explicit {
		return // the implicit workflow deploys every env
	}
	stepNames := map[string]bool{}
	for _, s := range wf.Steps {
		stepNames[s.Name] = true
	}
	stepName := uniqueName(stagingName(cfg, prodStep.Name, config.EnvProd, word, "deploy-"+word), stepNames)
	stepNode := stepLike(prodStep.Node, stepName, "deploy2env",
		oam.Pair{Key: "policy", Value: scalarLike(oam.Get(prodStep.Properties, "policy"), pol.Name)},
		oam.Pair{Key: "env", Value: scalarLike(oam.Get(prodStep.Properties, "env"), envName)})
	before := approvalStart(wf, prodStep, devStep)
	where := "before " + before.Name
	if devStep != nil {
		where = fmt.Sprintf("after %s and %s", devStep.Name, where)
	}
	p.Report(Where{Node: prodStep.Node}, Finding{
		Message:     fmt.Sprintf("adding deploy2env step %s for env %s %s", stepName, envName, where),
		Remediation: "add a deploy2env step for staging between the dev and prod steps",
	}, Edits(InsertBefore(wf.StepsNode, before.Node, stepNode)))
	if cfg.Spec.Staging.RequireApproval && before == prodStep {
		stepNames[stepName] = true
		approval := approvalStep(prodStep.Node, uniqueName("approve-"+prodWordOf(cfg, prodStep.Name), stepNames))
		p.Report(Where{Node: prodStep.Node}, Finding{
			Message:     fmt.Sprintf("spec.staging.requireApproval is set and prod has no approval; adding suspend step %s before %s", oam.Str(oam.Get(approval, "name")), prodStep.Name),
			Remediation: "add a suspend step before the prod deploy2env step",
		}, Edits(InsertBefore(wf.StepsNode, prodStep.Node, approval)))
	}
}

// stagingEnvNode builds the staging env from prod's: placement copied
// (namespace renamed), selector copied, patch copied at staging scale.
func stagingEnvNode(cfg *config.Config, app *oam.App, devEnv, prodEnv *yaml.Node, name string) (*yaml.Node, []string) {
	env := oam.CleanCopy(prodEnv)
	if n := oam.Get(env, "name"); n != nil && n.Kind == yaml.ScalarNode {
		oam.SetString(n, name)
	} else {
		prependPair(env, "name", oam.Scalar(name))
	}
	var assumptions []string
	placement := oam.Get(env, "placement")
	if placement == nil || placement.Kind != yaml.MappingNode {
		placement = oam.Map()
		setPair(env, "placement", placement)
	}
	prodNS := oam.Str(oam.GetPath(prodEnv, "placement.namespaceSelector.name"))
	devNS := oam.Str(oam.GetPath(devEnv, "placement.namespaceSelector.name"))
	ns, why := stagingNamespace(cfg, app, prodNS, devNS)
	assumptions = append(assumptions, why)
	if sel := oam.Get(placement, "namespaceSelector"); sel != nil && sel.Kind == yaml.MappingNode {
		if n := oam.Get(sel, "name"); n != nil && n.Kind == yaml.ScalarNode {
			oam.SetString(n, ns)
		} else {
			appendPair(sel, "name", oam.Scalar(ns))
		}
	} else {
		appendPair(placement, "namespaceSelector", oam.Map(oam.P("name", ns)))
	}
	if cl := cfg.Spec.Staging.Clusters; len(cl) > 0 {
		setPair(placement, "clusterSelector", oam.Map(oam.P("name", cl[0])))
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

// --- one Application per environment -----------------------------------

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
			Path:        "spec",
			Remediation: "none needed; name environments with the words of spec.environments for oamfix to recognise them",
		}, nil)
	}
}

// documentEnvironment classifies a whole Application by its name, else its
// namespace, and returns a key shared by the documents of the other
// environments of the same app.
func documentEnvironment(cfg *config.Config, app *oam.App) (env, key string) {
	if env = cfg.EnvironmentOf(app.Name); env != "" {
		return env, "name:" + strings.ToLower(stripEnv(cfg, app.Name, env))
	}
	if env = cfg.EnvironmentOf(app.Namespace); env != "" {
		return env, "namespace:" + strings.ToLower(app.Name) + "/" + strings.ToLower(stripEnv(cfg, app.Namespace, env))
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
	word := stagingWord(cfg)
	nsWord := namespaceWord(cfg)
	root := oam.CleanCopy(prod.App.Root)
	meta := oam.Get(root, "metadata")
	newName, newNS := prod.App.Name, prod.App.Namespace
	var assumptions []string
	if n := oam.Get(meta, "name"); n != nil && n.Kind == yaml.ScalarNode {
		if s, ok := replaceEnv(cfg, n.Value, config.EnvProd, word); ok {
			newName = s
			oam.SetString(n, s)
		}
	}
	if n := oam.Get(meta, "namespace"); n != nil && n.Kind == yaml.ScalarNode {
		if s, ok := replaceEnv(cfg, n.Value, config.EnvProd, nsWord); ok {
			assumptions = append(assumptions, fmt.Sprintf("staging namespace %s derived from %s", s, n.Value))
			newNS = s
			oam.SetString(n, s)
		}
	}
	if newName == prod.App.Name && newNS == prod.App.Namespace {
		return // nothing tells the copy from prod: leave it
	}
	oam.Pairs(oam.Get(meta, "labels"), func(k, v *yaml.Node) {
		if v.Kind == yaml.ScalarNode && cfg.EnvironmentOf(v.Value) == config.EnvProd && len(tokensOf(v.Value)) == 1 {
			assumptions = append(assumptions, fmt.Sprintf("label %s: %s becomes %s", k.Value, v.Value, caseLike(v.Value, word)))
			oam.SetString(v, caseLike(v.Value, word))
		}
	})
	staged := oam.Load(root)
	for _, tp := range staged.PoliciesOfType("topology") {
		if n := oam.Get(tp.Properties, "namespace"); n != nil && n.Kind == yaml.ScalarNode {
			if s, ok := replaceEnv(cfg, n.Value, config.EnvProd, nsWord); ok {
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
			prependPair(tp.Properties, "clusters", listLike(model, cl))
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
		Message: fmt.Sprintf("the file has one Application per environment (%s, %s) but none for staging; adding Application %s, a copy of %s at staging scale, after %s",
			label(dev.App.Name, dev.App.Namespace), label(prod.App.Name, prod.App.Namespace), label(newName, newNS), label(prod.App.Name, prod.App.Namespace), label(dev.App.Name, dev.App.Namespace)),
		Assumptions: assumptions,
		Remediation: "add a staging Application between the dev and prod ones, or exempt the prod app with the annotation " + oam.SkipAnnotation + ": staging",
	}, Edits(AddDocument(dev.App.Root, root)))
}

// --- names --------------------------------------------------------------

// nameToken is one "-", "_" or "." separated token of a name.
type nameToken struct {
	lower      string
	start, end int
}

// tokensOf splits a name into tokens with their byte offsets.
func tokensOf(s string) []nameToken {
	var out []nameToken
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '-' || s[i] == '_' || s[i] == '.' {
			if start >= 0 {
				out = append(out, nameToken{strings.ToLower(s[start:i]), start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

// envWords are the configured words of one environment.
func envWords(cfg *config.Config, env string) []string {
	e := cfg.Spec.Environments
	switch env {
	case config.EnvDev:
		return e.Dev
	case config.EnvStaging:
		return e.Staging
	case config.EnvProd:
		return e.Prod
	}
	return nil
}

// envSpan finds the byte range of the tokens of name that match a word of
// env, choosing like Config.EnvironmentOf: the longest match, then the one
// nearest the end.
func envSpan(cfg *config.Config, name, env string) (int, int, bool) {
	toks := tokensOf(name)
	bestLen, bestEnd, a, b := 0, -1, 0, 0
	for _, w := range envWords(cfg, env) {
		var pattern []string
		for _, t := range tokensOf(w) {
			pattern = append(pattern, t.lower)
		}
		for start := 0; len(pattern) > 0 && start+len(pattern) <= len(toks); start++ {
			ok := true
			for i, pt := range pattern {
				if m, _ := path.Match(pt, toks[start+i].lower); !m {
					ok = false
					break
				}
			}
			end := start + len(pattern)
			if ok && (len(pattern) > bestLen || len(pattern) == bestLen && end > bestEnd) {
				bestLen, bestEnd = len(pattern), end
				a, b = toks[start].start, toks[end-1].end
			}
		}
	}
	return a, b, bestLen > 0
}

// replaceEnv replaces the env word in name with word (keeping its case):
// shop-prod becomes shop-staging. A name ending in the word without a
// separator (deploy2prod) works too.
func replaceEnv(cfg *config.Config, name, env, word string) (string, bool) {
	if a, b, ok := envSpan(cfg, name, env); ok {
		return name[:a] + caseLike(name[a:b], word) + name[b:], true
	}
	lower := strings.ToLower(name)
	for _, w := range envWords(cfg, env) {
		w = strings.ToLower(w)
		if strings.ContainsAny(w, "*?[-_.") || !strings.HasSuffix(lower, w) || len(lower) == len(w) {
			continue
		}
		i := len(name) - len(w)
		if r := rune(name[i-1]); unicode.IsLetter(r) {
			continue
		}
		return name[:i] + caseLike(name[i:], word) + name[i+len(w):], true
	}
	return name, false
}

// stagingName is name with its env word replaced, or fallback.
func stagingName(cfg *config.Config, name, env, word, fallback string) string {
	if s, ok := replaceEnv(cfg, name, env, word); ok {
		return s
	}
	return fallback
}

// stripEnv removes the env word (and one separator) from a name.
func stripEnv(cfg *config.Config, name, env string) string {
	a, b, ok := envSpan(cfg, name, env)
	if !ok {
		return name
	}
	switch {
	case a > 0:
		a--
	case b < len(name):
		b++
	}
	return name[:a] + name[b:]
}

// prodWordOf is the prod word a name uses ("prod" when it has none).
func prodWordOf(cfg *config.Config, name string) string {
	if a, b, ok := envSpan(cfg, name, config.EnvProd); ok {
		return name[a:b]
	}
	return "prod"
}

// caseLike writes word in the case of model (PROD gives STAGING).
func caseLike(model, word string) string {
	if model != "" && strings.ToUpper(model) == model && strings.ToLower(model) != model {
		return strings.ToUpper(word)
	}
	if r := []rune(model); len(r) > 0 && unicode.IsUpper(r[0]) {
		w := []rune(word)
		w[0] = unicode.ToUpper(w[0])
		return string(w)
	}
	return word
}

// stagingWord names staging in policy, env and step names: the first
// plain single-token word of spec.environments.staging.
func stagingWord(cfg *config.Config) string {
	for _, w := range cfg.Spec.Environments.Staging {
		if w != "" && !strings.ContainsAny(w, "*?[-_.") {
			return strings.ToLower(w)
		}
	}
	return "staging"
}

// namespaceWord names staging in namespaces: spec.staging.namespaceSuffix
// without its separator.
func namespaceWord(cfg *config.Config) string {
	if w := strings.TrimLeft(cfg.Spec.Staging.NamespaceSuffix, "-_."); w != "" {
		return w
	}
	return stagingWord(cfg)
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

// --- scaling ------------------------------------------------------------

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

// --- building nodes -----------------------------------------------------

// renamedCopy copies a policy (or step) with a new name.
func renamedCopy(model *yaml.Node, name string) *yaml.Node {
	n := oam.CleanCopy(model)
	if v := oam.Get(n, "name"); v != nil && v.Kind == yaml.ScalarNode {
		oam.SetString(v, name)
	} else {
		prependPair(n, "name", oam.Scalar(name))
	}
	return n
}

// scalarLike builds a string scalar in the quote style of model.
func scalarLike(model *yaml.Node, value string) *yaml.Node {
	n := oam.Scalar(value)
	if model != nil && model.Kind == yaml.ScalarNode && model.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		n.Style = model.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
	}
	return n
}

// listLike builds a list of strings in the style of model (flow or block,
// and the quote style of its items).
func listLike(model *yaml.Node, values []string) *yaml.Node {
	seq := oam.Seq()
	var item *yaml.Node
	if model != nil && model.Kind == yaml.SequenceNode {
		seq.Style = model.Style & yaml.FlowStyle
		if len(model.Content) > 0 {
			item = model.Content[0]
		}
	} else {
		seq.Style = yaml.FlowStyle
	}
	for _, v := range values {
		seq.Content = append(seq.Content, scalarLike(item, v))
	}
	return seq
}

// policyLike builds {name, type, properties} in the key order and style of
// a model policy.
func policyLike(model *yaml.Node, name, typ string, props *yaml.Node) *yaml.Node {
	return mapLike(model, oam.Pair{Key: "name", Value: scalarLike(oam.Get(model, "name"), name)},
		oam.Pair{Key: "type", Value: scalarLike(oam.Get(model, "type"), typ)},
		oam.Pair{Key: "properties", Value: props})
}

// stepLike builds a workflow step {name, type, properties} in the key
// order and style of a model step.
func stepLike(model *yaml.Node, name, typ string, props ...oam.Pair) *yaml.Node {
	pm := oam.Map(props...)
	if mp := oam.Get(model, "properties"); mp != nil {
		pm = mapLike(mp, props...)
	}
	return mapLike(model, oam.Pair{Key: "name", Value: scalarLike(oam.Get(model, "name"), name)},
		oam.Pair{Key: "type", Value: scalarLike(oam.Get(model, "type"), typ)},
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

// mapLike builds a mapping of pairs, in the flow/block style of model and
// with the keys model has in model's order (others after).
func mapLike(model *yaml.Node, pairs ...oam.Pair) *yaml.Node {
	m := oam.Map()
	if model == nil || model.Kind != yaml.MappingNode {
		return oam.Map(pairs...)
	}
	m.Style = model.Style & yaml.FlowStyle
	used := map[string]bool{}
	oam.Pairs(model, func(k, _ *yaml.Node) {
		for _, p := range pairs {
			if p.Key == k.Value && !used[p.Key] {
				used[p.Key] = true
				appendPair(m, p.Key, p.Value)
			}
		}
	})
	for _, p := range pairs {
		if !used[p.Key] {
			appendPair(m, p.Key, p.Value)
		}
	}
	return m
}

func appendPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

func prependPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append([]*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v}, m.Content...)
}

// setPair replaces the value of key, or appends the pair (on new nodes only).
func setPair(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	appendPair(m, key, v)
}

// insertBefore inserts item before the sequence item at (or after the
// end when it is missing).
func insertBefore(seq, at, item *yaml.Node) {
	for i, c := range seq.Content {
		if c == at {
			seq.Content = append(seq.Content[:i], append([]*yaml.Node{item}, seq.Content[i:]...)...)
			return
		}
	}
	seq.Content = append(seq.Content, item)
}

// insertAfter inserts item after the sequence item at.
func insertAfter(seq, at, item *yaml.Node) {
	for i, c := range seq.Content {
		if c == at {
			i++
			seq.Content = append(seq.Content[:i], append([]*yaml.Node{item}, seq.Content[i:]...)...)
			return
		}
	}
	seq.Content = append(seq.Content, item)
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
