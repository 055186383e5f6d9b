package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Backup reports stateful components without backup configuration.
var Backup = &Rule{
	ID: "backup",
	Doc: `Report stateful components (databases, caches, brokers) that have no backup configuration.

The infrastructure review rates a missing backup of MongoDB or Redis as the
one critical risk: a failure loses the data for good. A component is
stateful when the workload model says it holds data: a data store (by its
definition, a StatefulSet, its chart, or spec.vocabulary.dataStoreTypes), or
a managed cloud database; satellites that hold no data (exporters, Kafka
topics and connectors, search and APM front ends) are not. It counts as
backed up when
the component has a trait whose type contains "backup", a property key
anywhere in its properties that contains "backup" (an operator's
backup: or backupSchedule: setting) that is not switched off, or when the
app has a policy or workflow step whose type contains "backup" (a Velero
schedule, say). A managed cloud database (a cloud resource such as
alibaba-rds or tf-aws-dynamodb-table) has the provider's automated backups,
so it is a medium finding asking to set the retention explicitly. Check only:
oamfix cannot know where backups should go.`,
	Severity: Critical,
	Area:     "Data",
	Run:      runBackup,
}

func runBackup(p *Pass) {
	if appHasBackup(p.App) {
		return
	}
	for _, c := range p.App.Components {
		if !p.Workload(c).HoldsData() {
			continue
		}
		if off, node := backupSwitchedOff(c); off != "" {
			p.Report(Where{Component: c, Node: node}, Finding{
				Message:     fmt.Sprintf("stateful component %q (%s) has its backup switched off (%s): a failure of its volumes loses the data", c.Name, c.Type, off),
				Remediation: backupRemediation(c),
			}, nil)
			continue
		}
		if componentHasBackup(c) {
			continue
		}
		if p.Workload(c).Kind == workload.Cloud {
			p.Report(Where{Component: c}, Finding{
				Severity:    Medium,
				Message:     fmt.Sprintf("managed database %q (%s) sets no backup retention: its backups follow the provider's defaults, which may keep only days of history and no copy in another region", c.Name, c.Type),
				Remediation: fmt.Sprintf("set the backup retention, window and cross-region copy of %s explicitly in its properties, or exempt it with # oamfix:ignore backup -- reason", c.Name),
			}, nil)
			continue
		}
		p.Report(Where{Component: c}, Finding{
			Message:     fmt.Sprintf("stateful component %q (%s) has no backup configuration: a failure of its volumes loses the data", c.Name, c.Type),
			Remediation: backupRemediation(c),
		}, nil)
	}
}

// backupRemediation is the advice for one component.
func backupRemediation(c *oam.Component) string {
	return fmt.Sprintf("configure automated backups for %s (the operator's backup settings, or a backup trait or policy such as a Velero schedule), with a retention and a tested restore that meet your RPO/RTO; or exempt it with # oamfix:ignore backup -- reason", c.Name)
}

// appHasBackup reports whether a policy or workflow step of the app is about backups.
func appHasBackup(app *oam.App) bool {
	for _, pol := range app.Policies {
		if strings.Contains(strings.ToLower(pol.Type), "backup") {
			return true
		}
	}
	if app.Workflow != nil {
		for _, s := range app.Workflow.Steps {
			if strings.Contains(strings.ToLower(s.Type), "backup") {
				return true
			}
		}
	}
	return false
}

// componentHasBackup reports whether a component has a backup trait or
// backup settings in its properties.
func componentHasBackup(c *oam.Component) bool {
	for _, t := range c.Traits {
		if strings.Contains(strings.ToLower(t.Type), "backup") {
			return true
		}
	}
	return hasKeyContaining(c.Properties, "backup")
}

// backupSwitchedOff returns the dotted property path and node of a
// top-level backup setting that is explicitly off (backup: false,
// backup.enabled: false), or "".
func backupSwitchedOff(c *oam.Component) (string, *yaml.Node) {
	off, at := "", (*yaml.Node)(nil)
	oam.Pairs(c.Properties, func(k, v *yaml.Node) {
		if off != "" || !strings.Contains(strings.ToLower(k.Value), "backup") {
			return
		}
		if b, ok := oam.Bool(v); ok && !b {
			off, at = k.Value, v
			return
		}
		if e := oam.Get(v, "enabled"); e != nil {
			if b, ok := oam.Bool(e); ok && !b {
				off, at = k.Value+".enabled", e
			}
		}
	})
	return off, at
}
