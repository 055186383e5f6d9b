// Package yamlnode answers questions about yaml.v3 node trees that both the
// byte layer (kio) and the Application view (oam, engine) ask.
package yamlnode

import "sigs.k8s.io/kustomize/kyaml/yaml"

// HasAnchors reports whether a node of the tree below n (n included)
// defines an anchor. Aliases are not followed.
func HasAnchors(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Anchor != "" {
		return true
	}
	if n.Kind == yaml.AliasNode {
		return false
	}
	for _, c := range n.Content {
		if HasAnchors(c) {
			return true
		}
	}
	return false
}
