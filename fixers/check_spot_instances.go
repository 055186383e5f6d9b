package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// SpotInstances reports non-critical workers that could run on spot capacity.
var SpotInstances = &Rule{
	ID: "spot-instances",
	Doc: `Report non-critical workers that do not run on spot or preemptible capacity (a cost finding).

The infrastructure review counts missing spot configuration for non-critical
workloads as the largest saving. A worker or a job (pods that serve no
traffic, or run to completion, as the workload model says) that is not in
spec.criticalComponents is reported unless it has a trait whose type mentions spot or preemptible, or
its properties or traits already choose a capacity type through a
well-known node label (karpenter.sh/capacity-type,
eks.amazonaws.com/capacityType, cloud.google.com/gke-spot,
cloud.google.com/gke-preemptible, kubernetes.azure.com/scalesetpriority,
node.kubernetes.io/lifecycle). Check only: spot capacity needs node pools
and a workload that tolerates interruption.`,
	Severity: Low,
	Area:     "Cost",
	Run:      runSpotInstances,
}

// capacityLabels are node labels that select spot or on-demand capacity.
var capacityLabels = []string{
	"karpenter.sh/capacity-type", "eks.amazonaws.com/capacitytype", "cloud.google.com/gke-spot",
	"cloud.google.com/gke-preemptible", "kubernetes.azure.com/scalesetpriority", "node.kubernetes.io/lifecycle",
}

func runSpotInstances(p *Pass) {
	for _, c := range p.App.Components {
		if k := p.Workload(c).Kind; k != workload.Worker && k != workload.Job || p.Config.IsCritical(c.Name) || onChosenCapacity(c) {
			continue
		}
		p.Report(Where{Component: c}, Finding{
			Message:     fmt.Sprintf("worker %q is not critical but runs on on-demand capacity: spot or preemptible nodes cost a fraction of on-demand for work that can be retried", c.Name),
			Assumptions: []string{"workers not listed in spec.criticalComponents are taken to tolerate interruption"},
			Remediation: "schedule it on spot capacity (a spot-instances trait from your platform, or a node selector such as karpenter.sh/capacity-type: spot with the matching toleration) with a fallback to on-demand; or exempt it with # oamfix:ignore spot-instances -- reason",
		}, nil)
	}
}

// onChosenCapacity reports whether a component already picks spot (or
// deliberately on-demand) capacity.
func onChosenCapacity(c *oam.Component) bool {
	for _, t := range c.Traits {
		if typeMatchesFold([]string{"*spot*", "*preemptible*"}, t.Type) || mentionsCapacityLabel(t.Properties) {
			return true
		}
	}
	return mentionsCapacityLabel(c.Properties)
}

// mentionsCapacityLabel reports whether a capacity label appears under n,
// as a mapping key or as a scalar (a match expression's key).
func mentionsCapacityLabel(n *yaml.Node) bool {
	found := false
	var visit func(*yaml.Node)
	visit = func(n *yaml.Node) {
		if n == nil || found {
			return
		}
		if n.Kind == yaml.ScalarNode {
			for _, l := range capacityLabels {
				if strings.EqualFold(n.Value, l) {
					found = true
				}
			}
		}
		for _, child := range n.Content {
			visit(child)
		}
	}
	visit(n)
	return found
}
