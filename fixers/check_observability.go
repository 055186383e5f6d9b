package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
)

// Observability reports applications with no monitoring or tracing.
var Observability = &Rule{
	ID: "observability",
	Doc: `Report applications with no monitoring or tracing component, trait, policy or workflow step.

The infrastructure review asks for metrics, dashboards and tracing before
production (a Prometheus stack, Grafana, Jaeger). An app is observed when a
component, trait, policy or workflow step type matches spec.checks.observabilityTypes
(prometheus*, grafana*, jaeger*, opentelemetry*, otel*, *monitor*,
*tracing*, *metrics*, *exporter*, datadog*, ...), or when a key
anywhere in the app starts with prometheus.io/ (scrape annotations). Only
apps with at least one service, worker or data store component are
checked, and apps whose name or namespace says dev are skipped. Check only:
monitoring is a platform decision; if the cluster scrapes every pod
already, exempt the app with the oamfix.dev/skip annotation.`,
	Severity: High,
	Area:     "Operations",
	Run:      runObservability,
}

func runObservability(p *Pass) {
	if !hasWorkload(p) || devApp(p.Config, p.App) || observed(p.Config.Spec.Checks.ObservabilityTypes, p.App) {
		return
	}
	var names []string
	for _, c := range p.App.Components {
		if p.Workload(c).Kind.HasPods() {
			names = append(names, c.Name)
		}
	}
	p.Report(Where{Node: oam.KeyNode(p.App.Spec, "components")}, Finding{
		Message: fmt.Sprintf("application %q has no monitoring or tracing: no metrics, dashboards, alerts or traces for %s, so an SLA breach is seen by users first",
			p.App.Name, strings.Join(names, ", ")),
		Remediation: "add a monitoring component or trait (e.g. a prometheus-scrape trait on each service plus a Grafana dashboard and alert rules, and an OpenTelemetry/Jaeger tracing component); if the platform observes every workload already, exempt the app with the annotation oamfix.dev/skip: observability",
	}, nil)
}

// hasWorkload reports whether the app runs a service, worker or data store.
func hasWorkload(p *Pass) bool {
	for _, c := range p.App.Components {
		if p.Workload(c).Kind.HasPods() {
			return true
		}
	}
	return false
}

// devApp reports whether the app's name or namespace says development.
func devApp(cfg *config.Config, app *oam.App) bool {
	return cfg.EnvironmentOf(app.Name) == config.EnvDev || cfg.EnvironmentOf(app.Namespace) == config.EnvDev
}

// observed reports whether anything in the app provides monitoring or tracing.
func observed(types []string, app *oam.App) bool {
	for _, c := range app.Components {
		if typeMatchesFold(types, c.Type) {
			return true
		}
		for _, t := range c.Traits {
			if typeMatchesFold(types, t.Type) {
				return true
			}
		}
	}
	for _, pol := range app.Policies {
		if typeMatchesFold(types, pol.Type) {
			return true
		}
	}
	if app.Workflow != nil {
		for _, s := range app.Workflow.Steps {
			if typeMatchesFold(types, s.Type) {
				return true
			}
		}
	}
	return hasKeyContaining(app.Spec, "prometheus.io/")
}
