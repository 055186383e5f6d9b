package config

import _ "embed"

//go:embed default.yaml
var defaultYAML string

// DefaultYAML returns the default configuration as an OAMFixConfig
// document with a comment on every knob, as `oamfix config default` prints
// it. Parsing it gives Default.
func DefaultYAML() []byte {
	return []byte(defaultYAML)
}
