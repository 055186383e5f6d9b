package fixers

import (
	"fmt"

	"github.com/oamfix/oamfix/workload"
)

// UnknownType reports components oamfix cannot classify, so that no
// component goes unchecked silently.
var UnknownType = &Rule{
	ID: "unknown-type",
	Doc: `Report components whose type oamfix cannot classify: no rule checks them.

A component's kind comes from the vocabulary (spec.vocabulary.*Types), its
ComponentDefinition (KubeVela's built-ins, and the user's through
--definitions or spec.definitions), the objects a k8s-objects or raw
component embeds, the chart of a helm component, or its shape (an image,
with or without a port). When none of these says what it runs, no rule
looks at it; this finding says so and how to teach oamfix the type. It is
info by default; spec.rules.unknown-type.severity raises it, so that a team
can fail CI on unclassified components. Check only.`,
	Severity: Info,
	Area:     "Operations",
	Run:      runUnknownType,
}

func runUnknownType(p *Pass) {
	for _, c := range p.App.Components {
		if p.Workload(c).Kind != workload.Unknown {
			continue
		}
		p.Report(Where{Component: c}, Finding{
			Message: fmt.Sprintf("component %q has type %q, which oamfix cannot classify (no vocabulary entry, no definition, no image in its properties), so no rule checks it", c.Name, c.Type),
			Remediation: fmt.Sprintf("export its definition (vela def get %s > defs/%s.cue) and pass --definitions defs (or spec.definitions), or list the type under spec.vocabulary.serviceTypes, workerTypes, jobTypes, daemonTypes, dataStoreTypes, cloudTypes or referenceTypes",
				c.BaseType(), c.BaseType()),
		}, nil)
	}
}
