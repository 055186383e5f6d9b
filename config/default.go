package config

import (
	_ "embed"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:embed default.yaml
var defaultYAML string

// DefaultYAML returns the default configuration as an OAMFixConfig
// document with a comment on every knob, as `oamfix config default` prints
// it. Parsing it gives Default.
func DefaultYAML() []byte {
	return []byte(defaultYAML)
}

// rulesOf lists the keys of spec.rules in a config document, in order.
func rulesOf(doc string) []string {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		panic("config: default.yaml does not parse: " + err.Error())
	}
	var ids []string
	rules := mapValue(mapValue(root.Content[0], "spec"), "rules")
	for i := 0; rules != nil && i+1 < len(rules.Content); i += 2 {
		ids = append(ids, rules.Content[i].Value)
	}
	if len(ids) == 0 {
		panic("config: default.yaml has no spec.rules")
	}
	return ids
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
