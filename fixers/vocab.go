package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// envVar is one environment variable of a component, wherever it lives.
type envVar struct {
	Name  string
	Value *yaml.Node // the scalar to edit in place
}

// envVars lists a mapping's environment variables in every configured
// location: `env` lists of {name, value} and `environment` maps.
func envVars(cfg *config.Config, props *yaml.Node) []envVar {
	var out []envVar
	for _, ef := range cfg.Spec.Vocabulary.EnvFields {
		holder := oam.GetPath(props, ef.Field)
		switch ef.Style {
		case config.EnvList:
			for _, item := range oam.Items(holder) {
				v := oam.Get(item, "value")
				if v == nil || v.Kind != yaml.ScalarNode {
					continue
				}
				out = append(out, envVar{Name: oam.Str(oam.Get(item, "name")), Value: v})
			}
		case config.EnvMap:
			oam.Pairs(holder, func(k, v *yaml.Node) {
				if v.Kind == yaml.ScalarNode {
					out = append(out, envVar{Name: k.Value, Value: v})
				}
			})
		}
	}
	return out
}

// autoscalerOf returns the component's autoscaling trait and its vocabulary entry.
func autoscalerOf(cfg *config.Config, traits []*oam.Trait) (*oam.Trait, config.Autoscaler, bool) {
	for _, t := range traits {
		for _, a := range cfg.Spec.Vocabulary.Autoscalers {
			if t.Type == a.Trait {
				return t, a, true
			}
		}
	}
	return nil, config.Autoscaler{}, false
}

// fixedScalerOf returns the component's fixed-replica trait and its vocabulary entry.
func fixedScalerOf(cfg *config.Config, traits []*oam.Trait) (*oam.Trait, config.FixedScaler, bool) {
	for _, t := range traits {
		for _, s := range cfg.Spec.Vocabulary.FixedScalers {
			if t.Type == s.Trait {
				return t, s, true
			}
		}
	}
	return nil, config.FixedScaler{}, false
}

// compPath names a component in finding paths.
func compPath(c *oam.Component) string {
	name := c.Name
	if name == "" {
		name = fmt.Sprint(c.Index)
	}
	return fmt.Sprintf("spec.components[%s]", name)
}

// traitsOf returns the component's traits sequence, creating it when absent.
func traitsOf(c *oam.Component) *yaml.Node {
	return oam.Ensure(c.Node, "traits", yaml.SequenceNode)
}

// propertiesOf returns the component's properties mapping, creating it when absent.
func propertiesOf(c *oam.Component) *yaml.Node {
	if c.Properties == nil {
		c.Properties = oam.Ensure(c.Node, "properties", yaml.MappingNode)
	}
	return c.Properties
}

// addTrait appends a trait {type, properties} to a component.
func addTrait(c *oam.Component, typ string, props *yaml.Node) {
	oam.Append(traitsOf(c), oam.Map(oam.P("type", typ), oam.Pair{Key: "properties", Value: props}))
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// intList formats ints as "[8080, 9090]".
func intList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// anyInts converts ints for oam.FlowSeq.
func anyInts(ns []int) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}

// anyStrings converts strings for oam.FlowSeq.
func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
