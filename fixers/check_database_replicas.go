package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DatabaseReplicas reports data stores running more replicas than HA needs.
var DatabaseReplicas = &Rule{
	ID: "database-replicas",
	Doc: `Report data stores that run more replicas than high availability needs (a cost finding).

The infrastructure review finds 5 MongoDB replicas excessive: 3 keep a
majority when one member fails, for 40% fewer pods. Data stores are the
components whose type matches spec.checks.statefulTypes (satellites such as
exporters, topics and connectors excepted, as for the backup rule); their replica count
is read from the properties replicas, replicaCount, members or instances and
from fixed-scaler traits of the vocabulary (scaler), in the component and in
override policies that apply to it. Counts above spec.checks.databaseReplicas
(default 3) are reported with the saving. Components listed in
spec.criticalComponents are skipped: extra replicas there are deliberate.
Check only: keep the larger count when you need to survive two failures at
once or need the read capacity, and exempt the component.`,
	Severity: Medium,
	Area:     "Cost",
	Run:      runDatabaseReplicas,
}

// replicaKeys are the data store properties that hold a member count.
var replicaKeys = []string{"replicas", "replicaCount", "members", "instances"}

func runDatabaseReplicas(p *Pass) {
	want := p.Config.Spec.Checks.DatabaseReplicas
	for _, c := range p.App.Components {
		if p.Workload(c).Kind != workload.DataStore || p.Config.IsCritical(c.Name) {
			continue
		}
		check := func(props *yaml.Node, t *oam.Trait, path, field string) {
			node := oam.GetPath(props, field)
			n, ok := oam.Int(node)
			if !ok || n <= want {
				return
			}
			why := fmt.Sprintf("spec.checks.databaseReplicas asks for %d", want)
			if tolerated := (want - 1) / 2; tolerated > 0 {
				why = fmt.Sprintf("%d keep a quorum through %s (spec.checks.databaseReplicas)", want, plural(tolerated, "failure"))
			}
			p.Report(Where{Component: c, Trait: t, Node: node}, Finding{
				Message: fmt.Sprintf("data store %q (%s) runs %d replicas; %s: %d → %d is %s, %d%% less compute and storage for this data store",
					c.Name, c.Type, n, why, n, want, plural(n-want, "fewer pod"), percentLess(float64(n), float64(want))),
				CurrentValue:  node.Value,
				ProposedValue: fmt.Sprint(want),
				Assumptions:   []string{"the recommended count comes from spec.checks.databaseReplicas"},
				Remediation:   fmt.Sprintf("lower it to %d unless the data store must survive two failures at once or needs the read capacity; then exempt it with # oamfix:ignore database-replicas -- reason", want),
			}, nil)
		}
		scan := func(props *yaml.Node, traits []*oam.Trait, path string) {
			for _, key := range replicaKeys {
				check(props, nil, path+".properties", key)
			}
			if sc, voc, ok := fixedScalerOf(p.Config, traits); ok {
				check(sc.Properties, sc, fmt.Sprintf("%s.traits[%s].properties", path, sc.Type), voc.Field)
			}
		}
		scan(c.Properties, c.Traits, compPath(c))
		for _, pol := range p.App.PoliciesOfType("override") {
			for _, o := range pol.Overrides() {
				if o.Matches(c) {
					scan(o.Properties, o.Traits, fmt.Sprintf("spec.policies[%s].properties.components[%s]", pol.Name, o.Name))
				}
			}
		}
	}
}
