package fixers

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Helpers shared by the check-only rules (check_*.go).

// plural formats "1 pod" or "2 pods"; the noun's last word takes the s.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// typeMatchesFold reports whether a component, trait, policy or step type
// matches one of the glob patterns, ignoring case and a "@vN" suffix.
func typeMatchesFold(patterns []string, typ string) bool {
	t, _, _ := strings.Cut(strings.ToLower(typ), "@")
	if t == "" {
		return false
	}
	return config.MatchAny(patterns, t)
}

// scalarVisit is one scalar met by walkScalars: its mapping key ("" for a
// sequence item), the node and its path in the user's words.
type scalarVisit struct {
	Key  string
	Node *yaml.Node
	Path string
}

// walkScalars calls fn for every scalar under n, depth first in document
// order, with its dotted path from prefix. Aliases are not followed, so a
// value shared by an anchor is visited once, where it is written.
func walkScalars(n *yaml.Node, prefix string, fn func(scalarVisit)) {
	walkScalarsKey(n, "", prefix, fn)
}

func walkScalarsKey(n *yaml.Node, key, at string, fn func(scalarVisit)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		fn(scalarVisit{Key: key, Node: n, Path: at})
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			walkScalarsKey(n.Content[i+1], k, at+"."+k, fn)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			label := fmt.Sprint(i)
			if name := oam.Str(oam.Get(item, "name")); name != "" {
				label = name
			}
			walkScalarsKey(item, "", fmt.Sprintf("%s[%s]", at, label), fn)
		}
	}
}

// hasKeyContaining reports whether any mapping key under n contains word
// (lower case), ignoring case.
func hasKeyContaining(n *yaml.Node, word string) bool {
	if n == nil {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if strings.Contains(strings.ToLower(n.Content[i].Value), word) || hasKeyContaining(n.Content[i+1], word) {
				return true
			}
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if hasKeyContaining(item, word) {
				return true
			}
		}
	}
	return false
}

// quantityRE splits a Kubernetes quantity into its number and suffix.
var quantityRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][0-9]+)?$`)

// quantitySuffixes are the multipliers of the Kubernetes quantity suffixes.
var quantitySuffixes = map[string]float64{
	"": 1, "m": 1e-3,
	"k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50, "Ei": 1 << 60,
}

// parseQuantity reads a Kubernetes quantity ("500Gi", "350m", "0.5",
// "1e3") as a number of base units (bytes, cores). unit is false when the
// quantity has no suffix.
func parseQuantity(s string) (v float64, unit bool, ok bool) {
	m := quantityRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false, false
	}
	suffix := m[2]
	if mult, known := quantitySuffixes[suffix]; known {
		return n * mult, suffix != "", true
	}
	exp, _ := strconv.Atoi(suffix[1:])
	return n * math.Pow10(exp), true, true
}

// percentLess is how much smaller want is than have, in whole percent.
func percentLess(have, want float64) int {
	if have <= 0 {
		return 0
	}
	return int(math.Round((have - want) / have * 100))
}

// ratio formats have/want as "5x" or "2.5x".
func ratio(have, want float64) string {
	return strconv.FormatFloat(math.Round(have/want*10)/10, 'f', -1, 64) + "x"
}
