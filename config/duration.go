package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Duration is a time.Duration that reads and writes as a Go duration string
// ("30s", "2m", "1h30m"). When read, a whole number is taken as seconds.
type Duration struct {
	time.Duration
}

// String formats d like time.Duration.String without zero trailing units:
// "2m" rather than "2m0s", "1h" rather than "1h0m0s".
func (d Duration) String() string {
	s := d.Duration.String()
	s = trimZeroUnit(s, "m0s")
	return trimZeroUnit(s, "h0m")
}

// trimZeroUnit drops the trailing "0s" or "0m" of s when s ends in suffix.
func trimZeroUnit(s, suffix string) string {
	if strings.HasSuffix(s, suffix) {
		return s[:len(s)-2]
	}
	return s
}

// MarshalText writes d as String does; JSON and YAML encoders use it.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalJSON reads a duration string or a whole number of seconds;
// null leaves d unchanged.
func (d *Duration) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		s = string(data) // not a string: a number of seconds, checked by parseDuration
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalYAML reads a duration string or a whole number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != yaml.NodeTagString && n.ShortTag() != yaml.NodeTagInt) {
		return fmt.Errorf("expected a duration such as 30s or 2m, got %s", describe(n))
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// parseDuration reads a Go duration string or a whole number of seconds.
func parseDuration(s string) (Duration, error) {
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		if secs > math.MaxInt64/int64(time.Second) || secs < math.MinInt64/int64(time.Second) {
			return Duration{}, fmt.Errorf("duration %s seconds is out of range", s)
		}
		return Duration{time.Duration(secs) * time.Second}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return Duration{}, errors.New("expected a duration such as 30s or 2m, got " + strconv.Quote(s))
	}
	return Duration{d}, nil
}
