package krm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Settings is what a functionConfig says: the oamfix configuration plus
// the two KRM-only knobs, check-only mode and the failing severity.
type Settings struct {
	// Config is the oamfix configuration (config.Default when the
	// functionConfig is absent).
	Config *config.Config
	// CheckOnly is set by mode: check (spec.mode in an OAMFixConfig).
	CheckOnly bool
	// FailOn is the failOn value, empty when the functionConfig sets none.
	FailOn fixers.Severity
}

// Field names of the KRM-only settings: ConfigMap data keys, and the same
// keys under spec in an OAMFixConfig.
const (
	modeKey   = "mode"
	failOnKey = "failOn"
)

// ConfigError is a functionConfig that oamfix cannot use. Field is the
// offending field as a path in the functionConfig object
// (spec.target.concurrentUsers, data.target.concurrentUsers).
type ConfigError struct {
	Field string
	Err   error
}

// Error implements error.
func (e *ConfigError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error (a *config.Error, usually).
func (e *ConfigError) Unwrap() error { return e.Err }

// LoadFunctionConfig reads a functionConfig:
//
//   - nil or an empty object gives the defaults;
//   - a ConfigMap's data goes through config.FromConfigMapData, after the
//     KRM-only key failOn is taken out (mode is one of its shortcuts);
//   - an OAMFixConfig is read by config.Parse, after the KRM-only keys
//     spec.mode and spec.failOn, metadata.namespace and the orchestrators'
//     annotations (config.kubernetes.io/*, internal.config.kubernetes.io/*,
//     kustomize.config.k8s.io/*, config.k8s.io/*) are taken out;
//   - any other kind is an error.
//
// fc itself is never modified. Errors are *ConfigError.
func LoadFunctionConfig(fc *yaml.RNode) (*Settings, error) {
	if fc == nil || fc.IsNilOrEmpty() {
		return &Settings{Config: config.Default()}, nil
	}
	if fc.YNode().Kind != yaml.MappingNode {
		return nil, &ConfigError{Err: errors.New("functionConfig: expected an object")}
	}
	switch kind := fc.GetKind(); kind {
	case "ConfigMap":
		return fromConfigMap(fc)
	case config.Kind:
		return fromOAMFixConfig(fc.Copy())
	default:
		return nil, &ConfigError{Field: "kind", Err: fmt.Errorf("functionConfig: kind: expected %s (%s) or ConfigMap, got %q", config.Kind, config.APIVersion, kind)}
	}
}

// fromConfigMap reads a ConfigMap functionConfig (what kpt makes of a
// Kptfile configMap: or of `kpt fn eval -- key=value`).
func fromConfigMap(fc *yaml.RNode) (*Settings, error) {
	data := map[string]string{}
	if d := fc.Field("data"); d != nil && !yaml.IsMissingOrNull(d.Value) {
		if d.Value.YNode().Kind != yaml.MappingNode {
			return nil, &ConfigError{Field: "data", Err: errors.New("functionConfig: data: expected a map of strings")}
		}
		content := d.Value.YNode().Content
		for i := 0; i+1 < len(content); i += 2 {
			k, v := content[i].Value, content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, &ConfigError{Field: "data." + k, Err: fmt.Errorf("functionConfig: %s: expected a string", k)}
			}
			data[k] = v.Value
		}
	}
	s := &Settings{}
	if text, ok := data[failOnKey]; ok {
		sev, err := ParseFailOn(text)
		if err != nil {
			return nil, &ConfigError{Field: "data." + failOnKey, Err: fmt.Errorf("functionConfig: %s: %v", failOnKey, err)}
		}
		s.FailOn = sev
		delete(data, failOnKey)
	}
	cfg, err := config.FromConfigMapData(data)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) && ce.Field != "" {
			return nil, &ConfigError{Field: "data." + ce.Field, Err: err}
		}
		return nil, &ConfigError{Field: "data", Err: err}
	}
	s.Config = cfg
	return s, nil
}

// fromOAMFixConfig reads an OAMFixConfig functionConfig; fc is a copy that
// may be edited.
func fromOAMFixConfig(fc *yaml.RNode) (*Settings, error) {
	s := &Settings{}
	if spec := fc.Field("spec"); spec != nil && spec.Value.YNode().Kind == yaml.MappingNode {
		if n := spec.Value.Field(modeKey); n != nil {
			switch strings.TrimSpace(n.Value.YNode().Value) {
			case string(config.ModeCheck):
				s.CheckOnly = true
			case string(config.ModeFix):
			default:
				return nil, &ConfigError{Field: "spec." + modeKey, Err: fmt.Errorf("functionConfig: spec.%s: expected fix or check, got %q", modeKey, n.Value.YNode().Value)}
			}
		}
		if n := spec.Value.Field(failOnKey); n != nil {
			sev, err := ParseFailOn(n.Value.YNode().Value)
			if err != nil {
				return nil, &ConfigError{Field: "spec." + failOnKey, Err: fmt.Errorf("functionConfig: spec.%s: %v", failOnKey, err)}
			}
			s.FailOn = sev
		}
		for _, k := range []string{modeKey, failOnKey} {
			if err := spec.Value.PipeE(yaml.Clear(k)); err != nil {
				return nil, &ConfigError{Field: "spec." + k, Err: err}
			}
		}
	}
	if meta := fc.Field("metadata"); meta != nil && meta.Value.YNode().Kind == yaml.MappingNode {
		if err := meta.Value.PipeE(yaml.Clear("namespace")); err != nil {
			return nil, &ConfigError{Field: "metadata.namespace", Err: err}
		}
		if err := stripOrchestratorAnnotations(meta.Value); err != nil {
			return nil, &ConfigError{Field: "metadata.annotations", Err: err}
		}
	}
	text, err := fc.String()
	if err != nil {
		return nil, &ConfigError{Err: fmt.Errorf("functionConfig: %w", err)}
	}
	cfg, err := config.Parse([]byte(text), "functionConfig")
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			// Lines of the re-serialized object mean nothing to the user.
			ce.Line = 0
			return nil, &ConfigError{Field: offendingField(ce), Err: ce}
		}
		return nil, &ConfigError{Err: err}
	}
	s.Config = cfg
	return s, nil
}

// stripOrchestratorAnnotations removes the annotations kustomize and kpt
// put on a functionConfig from metadata (a copy), and the annotations map
// when nothing else is left in it.
func stripOrchestratorAnnotations(meta *yaml.RNode) error {
	annos := meta.Field("annotations")
	if annos == nil || annos.Value.YNode().Kind != yaml.MappingNode {
		return nil
	}
	var drop []string
	content := annos.Value.YNode().Content
	for i := 0; i+1 < len(content); i += 2 {
		if isOrchestratorAnnotation(content[i].Value) {
			drop = append(drop, content[i].Value)
		}
	}
	for _, k := range drop {
		if err := annos.Value.PipeE(yaml.Clear(k)); err != nil {
			return err
		}
	}
	if len(annos.Value.YNode().Content) == 0 {
		return meta.PipeE(yaml.Clear("annotations"))
	}
	return nil
}

// isOrchestratorAnnotation reports whether an annotation belongs to
// kustomize, kpt or the KRM function machinery rather than to the user.
func isOrchestratorAnnotation(key string) bool {
	for _, prefix := range []string{"config.kubernetes.io/", "internal.config.kubernetes.io/", "kustomize.config.k8s.io/", "config.k8s.io/"} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// offendingField is the path of the field a config error is about. For an
// unknown field, config.Error names the object that holds it
// (spec.cors: unknown field "allowedOrigin"); the result points at the
// field itself (spec.cors.allowedOrigin).
func offendingField(ce *config.Error) string {
	rest, ok := strings.CutPrefix(ce.Msg, "unknown field ")
	if !ok {
		return ce.Field
	}
	quoted, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return ce.Field
	}
	key, _ := strconv.Unquote(quoted)
	if ce.Field == "" {
		return key
	}
	return ce.Field + "." + key
}
