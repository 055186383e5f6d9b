package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Storage reports over-provisioned volumes and the gp2 storage class.
var Storage = &Rule{
	ID: "storage",
	Doc: `Report over-provisioned volumes (larger than spec.checks.maxStorage) and volumes on the gp2 storage class.

The infrastructure review finds 500Gi of production storage excessive for a
first deployment and recommends starting at 100Gi and expanding, on gp3
(about 20% cheaper per GiB than gp2 at the same baseline performance). The
rule reads every property named storage, size, capacity, storageSize,
diskSize or volumeSize whose value is a quantity with a unit (500Gi, 1T), in
component properties, trait properties and policy properties (overrides and
env-binding patches included); sizes above spec.checks.maxStorage (default
100Gi) are a medium cost finding. A storageClass or storageClassName of gp2
is a low one. Check only: shrinking a volume is not an edit to make blindly.`,
	Severity: Medium,
	Area:     "Cost",
	Run:      runStorage,
}

// storageSizeKeys are the property names (lower case) that hold a volume size.
var storageSizeKeys = map[string]bool{
	"storage": true, "size": true, "capacity": true, "storagesize": true, "disksize": true, "volumesize": true,
}

func runStorage(p *Pass) {
	maxBytes, _, ok := parseQuantity(p.Config.Spec.Checks.MaxStorage)
	if !ok || maxBytes <= 0 {
		return
	}
	check := func(c *oam.Component, t *oam.Trait, props *yaml.Node, prefix string) {
		walkScalars(props, prefix, func(v scalarVisit) {
			key := strings.ToLower(v.Key)
			switch {
			case storageSizeKeys[key]:
				size, unit, ok := parseQuantity(v.Node.Value)
				if !ok || !unit || size <= maxBytes {
					return
				}
				max := p.Config.Spec.Checks.MaxStorage
				p.Report(Where{Component: c, Trait: t, Node: v.Node}, Finding{
					Message: fmt.Sprintf("%s requests %s of storage, %s the %s threshold (spec.checks.maxStorage): start at %s and expand the volume when usage needs it, %d%% less provisioned storage to pay for",
						storageOwner(c, v.Path), v.Node.Value, ratio(size, maxBytes), max, max, percentLess(size, maxBytes)),
					CurrentValue:  v.Node.Value,
					ProposedValue: max,
					Assumptions:   []string{"the threshold comes from spec.checks.maxStorage; volume expansion needs allowVolumeExpansion on the storage class"},
					Remediation:   "request at most " + max + " and grow the volume from measured usage, or raise spec.checks.maxStorage, or exempt it with # oamfix:ignore storage -- reason",
				}, nil)
			case strings.Contains(key, "storageclass") && strings.EqualFold(v.Node.Value, "gp2"):
				p.Report(Where{Component: c, Trait: t, Node: v.Node}, Finding{
					Severity:      Low,
					Message:       fmt.Sprintf("%s uses the gp2 storage class: gp3 costs about 20%% less per GiB and gives 3,000 IOPS regardless of size", storageOwner(c, v.Path)),
					CurrentValue:  v.Node.Value,
					ProposedValue: "gp3",
					Remediation:   "use a gp3 storage class, or exempt it with # oamfix:ignore storage -- reason",
				}, nil)
			}
		})
	}
	for _, c := range p.App.Components {
		check(c, nil, c.Properties, compPath(c)+".properties")
		for _, t := range c.Traits {
			check(c, t, t.Properties, fmt.Sprintf("%s.traits[%s].properties", compPath(c), t.Type))
		}
	}
	for _, pol := range p.App.Policies {
		check(nil, nil, pol.Properties, fmt.Sprintf("spec.policies[%s].properties", pol.Name))
	}
}

// storageOwner names what a storage setting at path belongs to, for
// messages: the component, or the policy for settings in policies.
func storageOwner(c *oam.Component, path string) string {
	if c != nil {
		return fmt.Sprintf("component %q", c.Name)
	}
	name := strings.TrimPrefix(path, "spec.policies[")
	name, _, _ = strings.Cut(name, "]")
	return fmt.Sprintf("policy %q", name)
}
