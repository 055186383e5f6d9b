package workload

import (
	"fmt"
	"path"
	"strings"

	"github.com/oamfix/oamfix/catalog"
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// classify sets the component's kind, workload and definition, trying
// the sources in order (see the package doc).
// voc is what the vocabulary says of the component's type.
func classify(f *Facts, voc config.TypeMatch, cat *catalog.Catalog) {
	c := f.Component
	if ct, ok := cat.Component(c.Type); ok {
		f.Definition = ct
	}
	if voc.Kind != "" && voc.User {
		f.Kind = Kind(voc.Kind)
		f.Labelled = f.Kind.HasPods()
		f.note("kind", SourceVocabulary, fmt.Sprintf("%s lists %q", voc.Field, voc.Pattern))
		if f.Definition != nil {
			f.Renders = f.Definition.Workload
		}
		return
	}
	if f.Definition != nil && fromDefinition(f, f.Definition) {
		return
	}
	if embedded(f) || chart(f) {
		return
	}
	if voc.Kind != "" {
		f.Kind = Kind(voc.Kind)
		// The built-in data store names are operator types (mongodb-cluster,
		// redis-failover): their pods are the operator's, labelled its way.
		f.Labelled = f.Kind.HasPods() && f.Kind != DataStore
		f.note("kind", SourceBuiltin, fmt.Sprintf("%s lists %q (oamfix's list of common platform and addon types)", voc.Field, voc.Pattern))
		return
	}
	shape(f)
}

// fromDefinition classifies by what the component's definition renders.
func fromDefinition(f *Facts, ct *catalog.ComponentType) bool {
	w := ct.Workload
	src := "definition " + ct.Name + " (" + ct.Source + ")"
	switch {
	case w == catalog.GVK{} && ct.Autodetect:
		return false // the embedded objects say
	case w == catalog.GVK{}:
		return false
	}
	f.Renders = w
	f.Labelled = ct.Containers != ""
	kind, why := kindOfObject(w, len(ct.PortFields) > 0)
	if kind == Unknown {
		return false
	}
	f.Kind = kind
	f.note("kind", SourceDefinition, src+" renders "+w.String()+why)
	return true
}

// kindOfObject says what a rendered workload object runs. hasPorts says
// whether its containers can have ports (a webservice can, a worker
// cannot).
func kindOfObject(w catalog.GVK, hasPorts bool) (Kind, string) {
	group, _, _ := strings.Cut(w.APIVersion, "/")
	if !strings.Contains(w.APIVersion, "/") {
		group = ""
	}
	switch {
	case w.Kind == "Deployment" || w.Kind == "CloneSet" || w.Kind == "ReplicaSet" || w.Kind == "Rollout" ||
		group == "serving.knative.dev" && w.Kind == "Service":
		if hasPorts {
			return Service, " with container ports"
		}
		return Worker, " without container ports"
	case w.Kind == "StatefulSet" || w.Kind == "AdvancedStatefulSet":
		return DataStore, " (stateful)"
	case w.Kind == "DaemonSet":
		return Daemon, ""
	case w.Kind == "Job" || w.Kind == "CronJob" || group == "batch.volcano.sh":
		return Job, ""
	case group == "terraform.core.oam.dev" || strings.HasSuffix(group, ".crossplane.io") || strings.HasSuffix(group, ".upbound.io") ||
		strings.HasSuffix(group, ".alibabacloud.com") || strings.HasSuffix(group, ".aws.upbound.io"):
		return Cloud, ", a managed cloud resource with no pods"
	case group == "helm.toolkit.fluxcd.io" || group == "kustomize.toolkit.fluxcd.io" || group == "source.toolkit.fluxcd.io":
		return Reference, ", which another controller expands"
	case w.Kind == "Pod":
		return Worker, ""
	}
	if isDataStoreName(w.Kind) {
		return DataStore, ", a data store that its operator runs"
	}
	if group != "" && group != "apps" && group != "batch" {
		return Reference, ", a custom resource that its operator acts on (no pods of the component's own)"
	}
	return Unknown, ""
}

// dataStoreNames are words that name a database, cache or broker.
var dataStoreNames = []string{
	"mongo", "redis", "postgres", "mysql", "mariadb", "clickhouse", "elasticsearch", "kafka", "zookeeper",
	"rabbitmq", "cassandra", "etcd", "memcached", "nats", "pulsar", "tidb", "cockroach", "minio", "influx",
	"opensearch", "couchdb", "neo4j", "valkey", "dragonfly", "scylla", "nacos",
}

// isDataStoreName reports whether a name (a kind, a chart) names a data store.
func isDataStoreName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range dataStoreNames {
		if strings.Contains(n, w) && !strings.Contains(n, "exporter") && !strings.Contains(n, "operator") {
			return true
		}
	}
	return false
}

// embedded classifies a k8s-objects or raw component by the objects its
// properties hold, and a ref-objects component as a reference.
func embedded(f *Facts) bool {
	c := f.Component
	switch c.BaseType() {
	case "ref-objects":
		f.Kind = Reference
		f.note("kind", SourceDefinition, "ref-objects refers to existing objects; it runs nothing of its own")
		return true
	case "k8s-objects", "raw":
	default:
		return false
	}
	objects := oam.Items(oam.Get(c.Properties, "objects"))
	if c.BaseType() == "raw" {
		objects = []*yaml.Node{c.Properties}
	}
	var kinds []string
	best, bestObj := Unknown, (*yaml.Node)(nil)
	rank := map[Kind]int{Unknown: 0, Reference: 1, Cloud: 2, Job: 3, Worker: 4, Daemon: 5, DataStore: 6, Service: 7}
	for _, o := range objects {
		kind := oam.Str(oam.Get(o, "kind"))
		if kind == "" {
			continue
		}
		kinds = append(kinds, kind)
		w := catalog.GVK{APIVersion: oam.Str(oam.Get(o, "apiVersion")), Kind: kind}
		k, _ := kindOfObject(w, len(containerPorts(o)) > 0)
		if k == Worker && hasServiceFor(objects, o) {
			k = Service
		}
		if k == Unknown {
			k = Reference // ConfigMap, Secret, Namespace, RBAC: no pods
		}
		if rank[k] > rank[best] {
			best, bestObj = k, o
		}
	}
	if best == Unknown {
		f.Kind = Unknown
		f.note("kind", SourceEmbedded, c.BaseType()+" holds no object with a kind")
		return true
	}
	f.Kind = best
	if bestObj != nil && best.HasPods() {
		f.Renders = catalog.GVK{APIVersion: oam.Str(oam.Get(bestObj, "apiVersion")), Kind: oam.Str(oam.Get(bestObj, "kind"))}
		f.Labelled = podLabelled(bestObj)
	}
	f.note("kind", SourceEmbedded, fmt.Sprintf("%s holds %s", c.BaseType(), strings.Join(kinds, ", ")))
	return true
}

// podTemplate returns the pod template of an embedded workload object.
func podTemplate(o *yaml.Node) *yaml.Node {
	switch oam.Str(oam.Get(o, "kind")) {
	case "CronJob":
		return oam.GetPath(o, "spec.jobTemplate.spec.template")
	case "Pod":
		return o
	}
	return oam.GetPath(o, "spec.template")
}

// containerPorts lists the container ports of an embedded workload object.
func containerPorts(o *yaml.Node) []int {
	var out []int
	for _, ctr := range oam.Items(oam.GetPath(podTemplate(o), "spec.containers")) {
		for _, p := range oam.Items(oam.Get(ctr, "ports")) {
			if n, ok := oam.Int(oam.Get(p, "containerPort")); ok && n > 0 {
				out = append(out, n)
			}
		}
	}
	return out
}

// podLabelled reports whether an embedded workload's pods carry the
// app.oam.dev/component label (KubeVela does not add it to embedded pod
// templates).
func podLabelled(o *yaml.Node) bool {
	return oam.Get(oam.GetPath(podTemplate(o), "metadata.labels"), "app.oam.dev/component") != nil
}

// hasServiceFor reports whether the objects include a Service (selecting
// anything: oamfix does not match selectors) next to a workload.
func hasServiceFor(objects []*yaml.Node, workload *yaml.Node) bool {
	for _, o := range objects {
		if o != workload && oam.Str(oam.Get(o, "kind")) == "Service" {
			return true
		}
	}
	return false
}

// chartTypes are component types that install a Helm chart.
var chartTypes = map[string]bool{"helm": true, "helmchart": true, "webapp-chart": true, "helm-release": true}

// chart classifies a helm component by its chart: a data store's chart
// (redis, mysql, ...) makes a data store, any other a reference whose
// workloads live in the chart.
func chart(f *Facts) bool {
	c := f.Component
	if !chartTypes[c.BaseType()] {
		return false
	}
	name := oam.Str(oam.Get(c.Properties, "chart"))
	if name == "" {
		name = oam.Str(oam.GetPath(c.Properties, "chart.name"))
	}
	if name == "" {
		name = oam.Str(oam.Get(c.Properties, "releaseName"))
	}
	base := path.Base(strings.TrimSuffix(name, "/"))
	if isDataStoreName(base) {
		f.Kind = DataStore
		f.note("kind", SourceChart, fmt.Sprintf("%s installs chart %q, a data store", c.BaseType(), name))
		return true
	}
	f.Kind = Reference
	detail := fmt.Sprintf("%s installs chart %q; what it runs is in the chart, which oamfix does not read", c.BaseType(), name)
	if name == "" {
		detail = c.BaseType() + " installs a chart oamfix cannot name"
	}
	f.note("kind", SourceChart, detail)
	return true
}

// shape classifies a component oamfix has no definition or vocabulary
// entry for by its properties: an image and a port make a service, an
// image alone a worker. It is an assumption, and the evidence says so.
func shape(f *Facts) {
	c := f.Component
	if oam.Str(oam.Get(c.Properties, "image")) == "" {
		return
	}
	f.Assumed = true
	f.Labelled = true
	if len(genericPorts(c.Properties)) > 0 {
		f.Kind = Service
		f.note("kind", SourceHeuristic, fmt.Sprintf("assumed: type %q is unknown, and its properties give an image and a port", c.Type))
		return
	}
	f.Kind = Worker
	f.note("kind", SourceHeuristic, fmt.Sprintf("assumed: type %q is unknown, and its properties give an image but no port", c.Type))
}
