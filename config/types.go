// Package config reads the oamfix configuration file (kind OAMFixConfig).
//
// Every knob has a documented default (see Default and DefaultYAML). A file
// only lists what it changes: Parse starts from Default and overlays the keys
// the file sets. Loading is strict: unknown fields, wrongly typed values,
// unknown rule IDs and out-of-range numbers are reported as *Error, naming
// the file, the line and the dotted path of the offending field.
package config

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// APIVersion and Kind identify an oamfix configuration document.
const (
	APIVersion = "oamfix.dev/v1alpha1"
	Kind       = "OAMFixConfig"
)

// Config is an OAMFixConfig document.
type Config struct {
	// APIVersion is always oamfix.dev/v1alpha1.
	APIVersion string `json:"apiVersion" yaml:"apiVersion"`
	// Kind is always OAMFixConfig.
	Kind string `json:"kind" yaml:"kind"`
	// Metadata is accepted for KRM compatibility and otherwise ignored.
	Metadata Metadata `json:"metadata" yaml:"metadata"`
	// Spec holds every knob.
	Spec Spec `json:"spec" yaml:"spec"`
}

// Metadata is the usual Kubernetes object metadata; oamfix ignores it.
type Metadata struct {
	// Name names the configuration.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Labels are free-form labels.
	Labels map[string]string `json:"labels,omitempty" yaml:"labels,omitempty"`
	// Annotations are free-form annotations (e.g. config.kubernetes.io/local-config).
	Annotations map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
}

// Spec is the body of an OAMFixConfig.
type Spec struct {
	// Target is the load the platform must carry.
	Target Target `json:"target" yaml:"target"`
	// Environments tells dev, staging and prod apart by name.
	Environments Environments `json:"environments" yaml:"environments"`
	// CriticalComponents are component names or glob patterns (path.Match
	// syntax) that get the stricter critical settings.
	CriticalComponents []string `json:"criticalComponents" yaml:"criticalComponents" oamfix:"glob"`
	// Rules sets the mode of each rule, by rule ID (see RuleIDs).
	Rules map[string]RuleConfig `json:"rules" yaml:"rules" oamfix:"rule"`
	// Replicas configures the replicas rule.
	Replicas Replicas `json:"replicas" yaml:"replicas"`
	// Probes configures the probes rule.
	Probes Probes `json:"probes" yaml:"probes"`
	// CORS configures the cors rule.
	CORS CORS `json:"cors" yaml:"cors"`
	// CircuitBreaker configures the circuit-breaker rule.
	CircuitBreaker CircuitBreaker `json:"circuitBreaker" yaml:"circuitBreaker"`
	// NetworkPolicy configures the network-policy rule.
	NetworkPolicy NetworkPolicy `json:"networkPolicy" yaml:"networkPolicy"`
	// Staging configures the staging rule.
	Staging Staging `json:"staging" yaml:"staging"`
	// Checks holds the thresholds of the check-only rules.
	Checks Checks `json:"checks" yaml:"checks"`
	// Vocabulary names the component types, traits and properties the fixers
	// recognise and write.
	Vocabulary Vocabulary `json:"vocabulary" yaml:"vocabulary"`
	// Definitions are folders of the platform's ComponentDefinitions and
	// TraitDefinitions (YAML or .cue, as --definitions takes them), relative
	// to the config file: they tell oamfix what custom types run, for the
	// CLI, the KRM function and the PR bot alike.
	Definitions []string `json:"definitions" yaml:"definitions" oamfix:"nonempty"`
	// Validate checks every fixed Application against the Application CRD
	// and the known definitions, as --validate does; definitions imply it.
	Validate bool `json:"validate" yaml:"validate"`
}

// Target is the load the platform must carry.
type Target struct {
	// ConcurrentUsers is the peak number of users online at once. Default 50000.
	ConcurrentUsers int `json:"concurrentUsers" yaml:"concurrentUsers" oamfix:"positive"`
	// RequestsPerUserPerSecond is the request rate of one active user, in
	// requests per second. Default 1.
	RequestsPerUserPerSecond float64 `json:"requestsPerUserPerSecond" yaml:"requestsPerUserPerSecond" oamfix:"positive"`
	// PodCapacityRPS is the request rate one pod serves within the SLA, in
	// requests per second. Default 100.
	PodCapacityRPS float64 `json:"podCapacityRPS" yaml:"podCapacityRPS" oamfix:"positive"`
	// ResponseTimeSLA is the response time promised at peak load. Default 2s.
	ResponseTimeSLA Duration `json:"responseTimeSLA" yaml:"responseTimeSLA"`
}

// RequiredPods is the number of pods needed at peak load:
// ConcurrentUsers * RequestsPerUserPerSecond / PodCapacityRPS, rounded up.
// The defaults give the review's 500 pods.
func (t Target) RequiredPods() int {
	// Round up, but not a binary floating-point error: 100 users x 1.1
	// req/s / 10 is 11 pods, not the 12 that 11.000000000000002 would give.
	pods := float64(t.ConcurrentUsers) * t.RequestsPerUserPerSecond / t.PodCapacityRPS
	if pods >= math.MaxInt32 {
		return math.MaxInt32 // far past any cap: saturate rather than overflow
	}
	return int(math.Ceil(pods - 1e-9*math.Max(1, pods)))
}

// Environments lists, per environment, the words that identify it. A name
// (policy, env, workflow step, namespace, application) belongs to an
// environment when one of its "-", "_" or "." separated tokens matches one
// of the words, ignoring case. Words may be glob patterns, and may span
// several tokens ("pre-prod").
type Environments struct {
	// Dev identifies development. Default dev, development.
	Dev []string `json:"dev" yaml:"dev" oamfix:"glob"`
	// Staging identifies staging. Default staging, stage.
	Staging []string `json:"staging" yaml:"staging" oamfix:"glob"`
	// Prod identifies production. Default prod, production.
	Prod []string `json:"prod" yaml:"prod" oamfix:"glob"`
}

// Environment names, as EnvironmentOf returns them.
const (
	EnvDev     = "dev"
	EnvStaging = "staging"
	EnvProd    = "prod"
)

// environment is the word list of one environment.
type environment struct {
	name  string // EnvDev, EnvStaging or EnvProd, also its YAML key
	words []string
}

// list returns the environments in the order dev, staging, prod.
func (e Environments) list() []environment {
	return []environment{{EnvDev, e.Dev}, {EnvStaging, e.Staging}, {EnvProd, e.Prod}}
}

// validate implements validator: a word may identify one environment only.
func (e Environments) validate() (field, msg string) {
	owner := map[string]string{}
	for _, env := range e.list() {
		for i, w := range env.words {
			key := strings.ToLower(w)
			if other, ok := owner[key]; ok && other != env.name {
				return fmt.Sprintf("%s[%d]", env.name, i), fmt.Sprintf("%q is also listed under %s", w, other)
			}
			owner[key] = env.name
		}
	}
	return "", ""
}

// Mode says what a rule does.
type Mode string

// Rule modes.
const (
	// ModeFix reports findings and edits the manifest (the default).
	// Check-only rules report only.
	ModeFix Mode = "fix"
	// ModeCheck reports findings without editing.
	ModeCheck Mode = "check"
	// ModeOff disables the rule.
	ModeOff Mode = "off"
)

// valid reports whether m is one of the rule modes.
func (m Mode) valid() bool {
	return m == ModeFix || m == ModeCheck || m == ModeOff
}

// RuleConfig configures one rule.
type RuleConfig struct {
	// Mode is fix (default), check or off.
	Mode Mode `json:"mode" yaml:"mode"`
	// Severity, when set, replaces the severity of the rule's findings
	// (critical, high, medium, low or info): unknown-type is info unless a
	// team raises it to fail CI on components oamfix cannot classify.
	Severity string `json:"severity,omitempty" yaml:"severity,omitempty" oamfix:"oneof=critical|high|medium|low|info"`
}

// RuleIDs are the IDs spec.rules accepts, in the order of the rules
// section of default.yaml (the fixing rules, then the check-only rules).
// They are read from that file, where each rule's config entry is
// documented, so the list is written once; a test keeps it equal to the
// rule registry. Treat it as read-only; use Options.KnownRules to accept
// more.
var RuleIDs = rulesOf(defaultYAML)

// Replicas configures replica floors and autoscaler bounds.
type Replicas struct {
	// MinReplicas is the least replicas of a service. Default 3.
	MinReplicas int `json:"minReplicas" yaml:"minReplicas" oamfix:"positive"`
	// CriticalMinReplicas is the least replicas of a critical component. Default 5.
	CriticalMinReplicas int `json:"criticalMinReplicas" yaml:"criticalMinReplicas" oamfix:"positive"`
	// MaxReplicasCap is the most replicas the rule ever sets as an autoscaler
	// maximum. Default 100.
	MaxReplicasCap int `json:"maxReplicasCap" yaml:"maxReplicasCap" oamfix:"positive"`
	// TargetCPU is the autoscaler CPU utilisation target, in percent. Default 70.
	TargetCPU int `json:"targetCPU" yaml:"targetCPU" oamfix:"percent"`
	// CriticalTargetCPU is the CPU target of critical components, in percent.
	// Default 60.
	CriticalTargetCPU int `json:"criticalTargetCPU" yaml:"criticalTargetCPU" oamfix:"percent"`
}

// validate implements validator.
func (r Replicas) validate() (field, msg string) {
	switch {
	case r.MaxReplicasCap < r.MinReplicas:
		return "maxReplicasCap", fmt.Sprintf("%d is below minReplicas (%d)", r.MaxReplicasCap, r.MinReplicas)
	case r.MaxReplicasCap < r.CriticalMinReplicas:
		return "maxReplicasCap", fmt.Sprintf("%d is below criticalMinReplicas (%d)", r.MaxReplicasCap, r.CriticalMinReplicas)
	}
	return "", ""
}

// Probe is one HTTP probe. Zero numbers are not written, leaving the
// platform default.
type Probe struct {
	// Path is the HTTP path probed. Empty (the default): oamfix cannot know
	// a path the service answers, so it probes the container port over TCP
	// (or reuses the path of a probe the component already has).
	Path string `json:"path" yaml:"path" oamfix:"urlpath"`
	// InitialDelaySeconds is the wait before the first probe, in seconds.
	InitialDelaySeconds int `json:"initialDelaySeconds" yaml:"initialDelaySeconds" oamfix:"nonneg"`
	// PeriodSeconds is the interval between probes, in seconds.
	PeriodSeconds int `json:"periodSeconds" yaml:"periodSeconds" oamfix:"nonneg"`
	// TimeoutSeconds is how long one probe may take, in seconds.
	TimeoutSeconds int `json:"timeoutSeconds" yaml:"timeoutSeconds" oamfix:"nonneg"`
	// FailureThreshold is the number of failed probes that count as failure.
	FailureThreshold int `json:"failureThreshold" yaml:"failureThreshold" oamfix:"nonneg"`
}

// Probes are the probes the probes rule adds.
type Probes struct {
	// Startup defaults to every 10s, 30 failures allowed.
	Startup Probe `json:"startup" yaml:"startup"`
	// Liveness defaults to after 30s, every 10s, 5s timeout.
	Liveness Probe `json:"liveness" yaml:"liveness"`
	// Readiness defaults to after 5s, every 5s, 3s timeout.
	Readiness Probe `json:"readiness" yaml:"readiness"`
}

// CORS configures the cors rule, which replaces wildcard origins.
type CORS struct {
	// AllowedOrigins replace a "*" origin, e.g. https://app.example.com.
	// Default empty: wildcards are reported but not replaced.
	AllowedOrigins []string `json:"allowedOrigins" yaml:"allowedOrigins" oamfix:"origin"`
	// EnvVars are the environment variables holding allowed origins.
	EnvVars []string `json:"envVars" yaml:"envVars" oamfix:"nonempty"`
	// FlagKeys are property paths of booleans that switch CORS on.
	FlagKeys []string `json:"flagKeys" yaml:"flagKeys" oamfix:"dotted"`
}

// CircuitBreaker configures the circuit-breaker rule.
type CircuitBreaker struct {
	// TraitType is the trait added. Default circuit-breaker.
	TraitType string `json:"traitType" yaml:"traitType" oamfix:"nonempty"`
	// FailureThreshold is the number of failures that open the circuit. Default 5.
	FailureThreshold int `json:"failureThreshold" yaml:"failureThreshold" oamfix:"positive"`
	// RecoveryTimeout is how long the circuit stays open. Default 30s.
	RecoveryTimeout Duration `json:"recoveryTimeout" yaml:"recoveryTimeout"`
	// HalfOpenMaxCalls is the number of trial calls while half open. Default 3.
	HalfOpenMaxCalls int `json:"halfOpenMaxCalls" yaml:"halfOpenMaxCalls" oamfix:"positive"`
}

// NetworkPolicy configures the network-policy rule.
type NetworkPolicy struct {
	// TraitType is the trait added. Default network-policy.
	TraitType string `json:"traitType" yaml:"traitType" oamfix:"nonempty"`
	// AllowedNamespaces may reach the component besides its own namespace.
	// Default monitoring, istio-system.
	AllowedNamespaces []string `json:"allowedNamespaces" yaml:"allowedNamespaces" oamfix:"label"`
	// IngressNamespaces are where the ingress controllers that forward
	// outside traffic run, by ingress class or controller (nginx, traefik,
	// istio, knative, ...; "default" for an Ingress with no class,
	// "gateway-api" for Gateway API routes). A component exposed through a
	// controller listed here also admits that namespace; through one not
	// listed, it gets no policy (it would cut off its own traffic).
	IngressNamespaces map[string][]string `json:"ingressNamespaces" yaml:"ingressNamespaces"`
}

// Staging configures the staging rule, which adds a staging environment
// between dev and prod.
type Staging struct {
	// Clusters are the staging clusters. Default empty: the prod clusters.
	Clusters []string `json:"clusters" yaml:"clusters" oamfix:"nonempty"`
	// NamespaceSuffix is appended to the application's base namespace (its
	// prod namespace without the prod word) to name the staging namespace:
	// shop-prod becomes shop-staging. Default -staging.
	NamespaceSuffix string `json:"namespaceSuffix" yaml:"namespaceSuffix" oamfix:"suffix"`
	// ReplicaFactor scales prod replica counts for staging. Default 0.5.
	ReplicaFactor float64 `json:"replicaFactor" yaml:"replicaFactor" oamfix:"positive,max=1"`
	// RequireApproval adds a manual approval between staging and prod.
	// Default false.
	RequireApproval bool `json:"requireApproval" yaml:"requireApproval"`
}

// ReplicasFor is the staging replica count for prodReplicas:
// prodReplicas * ReplicaFactor rounded up, at least 1.
func (s Staging) ReplicasFor(prodReplicas int) int {
	return max(1, int(math.Ceil(float64(prodReplicas)*s.ReplicaFactor)))
}

// Checks holds the thresholds of the check-only rules.
type Checks struct {
	// MaxStorage is the largest volume the storage rule accepts. Default 100Gi.
	MaxStorage string `json:"maxStorage" yaml:"maxStorage" oamfix:"quantity"`
	// DatabaseReplicas is the replica count the database-replicas rule
	// recommends. Default 3.
	DatabaseReplicas int `json:"databaseReplicas" yaml:"databaseReplicas" oamfix:"positive"`
	// CriticalCPU is the smallest CPU request the critical-floors rule
	// accepts for a critical component. Default 500m.
	CriticalCPU string `json:"criticalCPU" yaml:"criticalCPU" oamfix:"quantity"`
	// CriticalMemory is the same for the memory request. Default 512Mi.
	CriticalMemory string `json:"criticalMemory" yaml:"criticalMemory" oamfix:"quantity"`
	// ObservabilityTypes are the component, trait, policy and workflow step
	// types (globs, lower case, without a "@vN" suffix) that count as
	// monitoring or tracing for the observability rule.
	ObservabilityTypes []string `json:"observabilityTypes" yaml:"observabilityTypes" oamfix:"glob"`
}

// Vocabulary names the component types, traits and properties the fixers
// recognise and write, so that platforms with their own definitions can be
// supported. Lists set in a file are put in front of the built-in ones (a
// user entry replaces a built-in one with the same trait, field or name),
// unless ReplaceDefaults is true.
type Vocabulary struct {
	// ReplaceDefaults makes the lists set in the file replace the built-in
	// lists instead of extending them.
	ReplaceDefaults bool `json:"replaceDefaults" yaml:"replaceDefaults"`
	// ServiceTypes are component types (globs) that run pods serving HTTP
	// or TCP: replicas, probes and circuit breakers apply to them.
	ServiceTypes []string `json:"serviceTypes" yaml:"serviceTypes" oamfix:"glob"`
	// WorkerTypes are types that run pods without serving traffic.
	WorkerTypes []string `json:"workerTypes" yaml:"workerTypes" oamfix:"glob"`
	// JobTypes are types that run to completion (Jobs, CronJobs, batch).
	JobTypes []string `json:"jobTypes" yaml:"jobTypes" oamfix:"glob"`
	// DaemonTypes are types that run one pod per node.
	DaemonTypes []string `json:"daemonTypes" yaml:"daemonTypes" oamfix:"glob"`
	// DataStoreTypes are stateful data stores: databases, caches, brokers.
	DataStoreTypes []string `json:"dataStoreTypes" yaml:"dataStoreTypes" oamfix:"glob"`
	// CloudTypes are managed cloud resources (Terraform, Crossplane): no pods.
	CloudTypes []string `json:"cloudTypes" yaml:"cloudTypes" oamfix:"glob"`
	// ReferenceTypes pass objects through or refer to them (kustomize,
	// operator requests such as a Kafka topic): no pods of their own.
	ReferenceTypes []string `json:"referenceTypes" yaml:"referenceTypes" oamfix:"glob"`
	// Autoscalers are the traits that mean autoscaling.
	Autoscalers []Autoscaler `json:"autoscalers" yaml:"autoscalers"`
	// FixedScalers are the traits that pin a replica count.
	FixedScalers []FixedScaler `json:"fixedScalers" yaml:"fixedScalers"`
	// EnvFields are the component properties holding environment variables.
	EnvFields []EnvField `json:"envFields" yaml:"envFields"`
	// ProbeStyles are the places probes live.
	ProbeStyles []ProbeStyle `json:"probeStyles" yaml:"probeStyles"`
	// AddAutoscaler is the trait added to a component without autoscaling;
	// it must be one of Autoscalers. Empty: never add one. Default hpa.
	AddAutoscaler string `json:"addAutoscaler" yaml:"addAutoscaler"`

	// UserTypes are the type patterns the config file set itself, by kind:
	// they come before the user's definitions, the built-ins ahead of them.
	UserTypes []TypePattern `json:"-" yaml:"-"`
}

// validate implements validator.
func (v Vocabulary) validate() (field, msg string) {
	if v.AddAutoscaler == "" {
		return "", ""
	}
	var traits []string
	for _, a := range v.Autoscalers {
		if a.Trait == v.AddAutoscaler {
			return "", ""
		}
		traits = append(traits, a.Trait)
	}
	return "addAutoscaler", fmt.Sprintf("%q is not one of the autoscalers (%s)", v.AddAutoscaler, joinQuoted(traits))
}

// Autoscaler describes an autoscaling trait. Min, Max and CPU are dotted
// paths inside the trait's properties.
type Autoscaler struct {
	// Trait is the trait type.
	Trait string `json:"trait" yaml:"trait" oamfix:"required"`
	// Min is the property holding the minimum replica count.
	Min string `json:"min" yaml:"min" oamfix:"required,dotted"`
	// Max is the property holding the maximum replica count.
	Max string `json:"max" yaml:"max" oamfix:"required,dotted"`
	// CPU is the property holding the CPU utilisation target, if any.
	CPU string `json:"cpu" yaml:"cpu" oamfix:"dotted"`
}

// FixedScaler describes a trait that pins a replica count.
type FixedScaler struct {
	// Trait is the trait type.
	Trait string `json:"trait" yaml:"trait" oamfix:"required"`
	// Field is the dotted property path of the replica count.
	Field string `json:"field" yaml:"field" oamfix:"required,dotted"`
}

// Environment variable styles of EnvField.
const (
	// EnvList is a list of {name, value} items.
	EnvList = "list"
	// EnvMap is a map of name: value.
	EnvMap = "map"
)

// EnvField describes a component property holding environment variables.
type EnvField struct {
	// Field is the dotted property path.
	Field string `json:"field" yaml:"field" oamfix:"required,dotted"`
	// Style is EnvList or EnvMap.
	Style string `json:"style" yaml:"style" oamfix:"required,oneof=list|map"`
}

// Probe location styles of ProbeStyle.
const (
	// ProbeProperties: Liveness and Readiness name component properties,
	// StartupTrait names a trait type.
	ProbeProperties = "properties"
	// ProbeMap: Field names a component property holding a map whose keys
	// are Liveness, Readiness and Startup.
	ProbeMap = "map"
)

// ProbeStyle describes where a component type keeps its probes.
type ProbeStyle struct {
	// Name identifies the style, e.g. kubevela or probes-map.
	Name string `json:"name" yaml:"name" oamfix:"required"`
	// Style is ProbeProperties or ProbeMap.
	Style string `json:"style" yaml:"style" oamfix:"required,oneof=properties|map"`
	// Field is the property holding the probe map (style map).
	Field string `json:"field,omitempty" yaml:"field,omitempty" oamfix:"dotted"`
	// Liveness is the property (style properties) or map key (style map)
	// of the liveness probe.
	Liveness string `json:"liveness,omitempty" yaml:"liveness,omitempty" oamfix:"dotted"`
	// Readiness is the property or map key of the readiness probe.
	Readiness string `json:"readiness,omitempty" yaml:"readiness,omitempty" oamfix:"dotted"`
	// Startup is the map key of the startup probe (style map).
	Startup string `json:"startup,omitempty" yaml:"startup,omitempty" oamfix:"dotted"`
	// StartupTrait is the trait type that adds a startup probe (style
	// properties).
	StartupTrait string `json:"startupTrait,omitempty" yaml:"startupTrait,omitempty"`
}

// validate implements validator.
func (p ProbeStyle) validate() (field, msg string) {
	switch {
	case p.Style == ProbeMap && p.Field == "":
		return "field", `required when style is "map"`
	case p.Style == ProbeProperties && p.Liveness == "" && p.Readiness == "" && p.StartupTrait == "":
		return "liveness", `style "properties" needs at least one of liveness, readiness and startupTrait`
	}
	return "", ""
}

// Default returns the built-in configuration. Every call returns a new
// value that shares nothing with earlier ones.
func Default() *Config {
	return &Config{
		APIVersion: APIVersion,
		Kind:       Kind,
		Spec: Spec{
			Target: Target{
				ConcurrentUsers:          50000,
				RequestsPerUserPerSecond: 1,
				PodCapacityRPS:           100,
				ResponseTimeSLA:          Duration{2 * time.Second},
			},
			Environments: Environments{
				Dev:     []string{"dev", "development"},
				Staging: []string{"staging", "stage"},
				Prod:    []string{"prod", "production"},
			},
			CriticalComponents: []string{},
			Rules:              defaultRules(),
			Replicas: Replicas{
				MinReplicas:         3,
				CriticalMinReplicas: 5,
				MaxReplicasCap:      100,
				TargetCPU:           70,
				CriticalTargetCPU:   60,
			},
			Probes: Probes{
				Startup:   Probe{PeriodSeconds: 10, FailureThreshold: 30},
				Liveness:  Probe{InitialDelaySeconds: 30, PeriodSeconds: 10, TimeoutSeconds: 5},
				Readiness: Probe{InitialDelaySeconds: 5, PeriodSeconds: 5, TimeoutSeconds: 3},
			},
			CORS: CORS{
				AllowedOrigins: []string{},
				EnvVars:        []string{"CORS_ORIGINS", "CORS_ALLOWED_ORIGINS", "ALLOWED_ORIGINS", "CORS_ORIGIN", "ACCESS_CONTROL_ALLOW_ORIGIN"},
				FlagKeys:       []string{"enableCors", "corsEnabled", "cors.enabled"},
			},
			CircuitBreaker: CircuitBreaker{
				TraitType:        "circuit-breaker",
				FailureThreshold: 5,
				RecoveryTimeout:  Duration{30 * time.Second},
				HalfOpenMaxCalls: 3,
			},
			NetworkPolicy: NetworkPolicy{
				TraitType:         "network-policy",
				AllowedNamespaces: []string{"monitoring", "istio-system"},
				IngressNamespaces: map[string][]string{
					"nginx":   {"ingress-nginx"},
					"traefik": {"traefik", "kube-system"},
					"istio":   {"istio-system", "istio-ingress"},
					"knative": {"knative-serving", "kourier-system"},
					"haproxy": {"haproxy-controller"},
					"contour": {"projectcontour"},
					"kong":    {"kong"},
					"apisix":  {"apisix"},
				},
			},
			Staging: Staging{
				Clusters:        []string{},
				NamespaceSuffix: "-staging",
				ReplicaFactor:   0.5,
			},
			Checks: Checks{
				MaxStorage:       "100Gi",
				DatabaseReplicas: 3,
				CriticalCPU:      "500m",
				CriticalMemory:   "512Mi",
				ObservabilityTypes: []string{
					"*prometheus*", "*grafana*", "*jaeger*", "*zipkin*", "*opentelemetry*", "otel*", "*tempo*",
					"*monitor*", "*tracing*", "*metrics*", "*exporter*", "*apm*", "*pyroscope*",
					"datadog*", "*newrelic*", "*new-relic*", "*dynatrace*", "*signoz*", "*skywalking*",
				},
			},
			Definitions: []string{},
			Vocabulary: Vocabulary{
				ServiceTypes: []string{
					"webserver", "stateless", "microservice", "base-service", "proxy-service", "java-war",
					"replica-webservice", "cloneset-service", "clonesetservice", "model-serving", "*-exporter-server",
				},
				WorkerTypes:    []string{"myworker", "kube-worker"},
				JobTypes:       []string{"job-like-component", "*-job", "model-training", "spark-workload"},
				DaemonTypes:    []string{},
				DataStoreTypes: dataStoreTypes(),
				CloudTypes: []string{
					"alibaba-*", "aliyun-*", "aws-*", "azure-*", "gcp-*", "google-*", "tencent-*", "baidu-*",
					"huawei-*", "tf-*", "terraform-*", "crossplane-*", "vsphere-*", "elastic-ec-*",
				},
				ReferenceTypes: []string{
					"kustomize", "*-topic", "*-rebalance", "*-connector", "*-connect", "*-bridge", "*-user",
					"*-apm-server", "*-enterprise-search", "grafana-dashboard", "grafana-datasource", "grafana-access",
					"volcano-queue", "volcano-pod-group", "koordinator-*", "config-*", "*-config", "secretconsumer",
				},
				Autoscalers: []Autoscaler{
					{Trait: "hpa", Min: "min", Max: "max", CPU: "cpu.value"},
					{Trait: "cpuscaler", Min: "min", Max: "max", CPU: "cpuUtil"},
					{Trait: "autoscaler", Min: "minReplicas", Max: "maxReplicas", CPU: "targetCPU"},
				},
				FixedScalers: []FixedScaler{{Trait: "scaler", Field: "replicas"}},
				EnvFields:    []EnvField{{Field: "env", Style: EnvList}, {Field: "environment", Style: EnvMap}},
				ProbeStyles: []ProbeStyle{
					{Name: "kubevela", Style: ProbeProperties, Liveness: "livenessProbe", Readiness: "readinessProbe", StartupTrait: "startup-probe"},
					{Name: "probes-map", Style: ProbeMap, Field: "probes", Liveness: "liveness", Readiness: "readiness", Startup: "startup"},
				},
				AddAutoscaler: "hpa",
			},
		},
	}
}

// defaultRules sets every rule of RuleIDs to ModeFix.
func defaultRules() map[string]RuleConfig {
	rules := make(map[string]RuleConfig, len(RuleIDs))
	for _, id := range RuleIDs {
		rules[id] = RuleConfig{Mode: ModeFix}
	}
	return rules
}

// dataStoreTypes are the built-in data store component types: the name of
// a database, cache or broker anywhere in the type (mongodb-cluster,
// redis-failover, postgres-cluster).
func dataStoreTypes() []string {
	return []string{
		"*mongodb*", "*redis*", "*clickhouse*", "*postgres*", "*mysql*", "*mariadb*", "*elasticsearch*",
		"kafka", "kafka-cluster", "*zookeeper*", "*rabbitmq*", "nacos-cluster", "*stateful*",
	}
}
