package fixers

import (
	"fmt"
	"strings"

	"github.com/oamfix/oamfix/oam"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// CORS replaces CORS origins that allow every site with the configured list.
var CORS = &Rule{
	ID: "cors",
	Doc: `Replace CORS origins open to "*" with the configured origin list.

Looks in component env vars (env lists and environment maps; names in
spec.cors.envVars), ingress-nginx annotations on any trait
(nginx.ingress.kubernetes.io/cors-allow-origin: "*", or enable-cors: "true"
without an allow-origin), Istio corsPolicy allowOrigins / allowOrigin, and
component flags such as enableCors: true with no origins, in components and in
override policies. The replacement keeps the value's quoting and line
comment. Origins come only from spec.cors.allowedOrigins: without them the
finding is reported with high severity and nothing is edited. Keys that
merely look similar (an allowedOrigins list of namespaces in a security
policy, say) are not CORS and stay untouched.`,
	Severity: High,
	Area:     "Security",
	Commit:   "restrict CORS origins",
	Fixable:  true,
	Run:      runCORS,
}

const (
	nginxAllowOrigin = "nginx.ingress.kubernetes.io/cors-allow-origin"
	nginxEnableCORS  = "nginx.ingress.kubernetes.io/enable-cors"
)

// corsScope is one place components live: the spec, or an override policy.
type corsScope struct {
	comp   *oam.Component // nil for override entries
	name   string
	props  *yaml.Node
	traits []*oam.Trait
}

func runCORS(p *Pass) {
	var scopes []corsScope
	for _, c := range p.App.Components {
		scopes = append(scopes, corsScope{comp: c, name: c.Name, props: c.Properties, traits: c.Traits})
	}
	for _, pol := range p.App.PoliciesOfType("override") {
		for _, o := range pol.Overrides() {
			scopes = append(scopes, corsScope{name: o.Name, props: o.Properties, traits: o.Traits})
		}
	}
	for _, s := range scopes {
		checkCORSEnv(p, s)
		checkCORSFlags(p, s)
		for _, t := range s.traits {
			checkCORSTrait(p, s, t)
		}
	}
}

// origins is the configured replacement, or nil.
func (p *Pass) origins() []string { return p.Config.Spec.CORS.AllowedOrigins }

// restrictOrigins replaces the "*" of a comma-separated origin list with
// the configured origins, keeping the origins it already lists ("*,
// https://x.example.com" keeps x.example.com).
func restrictOrigins(value string, origins []string, sep string) string {
	var out []string
	seen := map[string]bool{}
	add := func(o string) {
		if o != "" && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
		if part != "*" {
			add(part)
		}
	}
	for _, o := range origins {
		add(o)
	}
	if strings.Contains(value, ", ") {
		sep = ", " // the list's own separator
	}
	return strings.Join(out, sep)
}

// wildcard reports whether an origin value allows every site.
func wildcard(v string) bool {
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		if part == "*" {
			return true
		}
	}
	return false
}

// reportWildcard reports one open-to-all origin value; fix replaces it.
func (p *Pass) reportWildcard(s corsScope, t *oam.Trait, node *yaml.Node, what string, fix *Fix) {
	f := Finding{
		CurrentValue: node.Value,
		Remediation:  "set spec.cors.allowedOrigins in the oamfix config to the sites that may call this API",
	}
	if len(p.origins()) == 0 {
		f.Message = fmt.Sprintf("%s in %q allows every origin (%q); set spec.cors.allowedOrigins so oamfix can restrict it", what, s.name, node.Value)
		fix = nil
	} else {
		f.Message = fmt.Sprintf("%s in %q allows every origin (%q)", what, s.name, node.Value)
		f.Assumptions = []string{"origins come from spec.cors.allowedOrigins"}
		fix.Action = "restrict it to the configured origins"
	}
	p.Report(Where{Component: s.comp, Trait: t, Node: node}, f, fix)
}

// checkCORSEnv looks at CORS env vars in list and map form.
func checkCORSEnv(p *Pass, s corsScope) {
	names := map[string]bool{}
	for _, n := range p.Config.Spec.CORS.EnvVars {
		names[strings.ToUpper(n)] = true
	}
	vars := envVars(p.Config, s.props)
	for _, t := range s.traits {
		if t.Type == "env" {
			// KubeVela's env trait: properties.env is a map of name to value.
			oam.Pairs(oam.Get(t.Properties, "env"), func(k, v *yaml.Node) {
				if v.Kind == yaml.ScalarNode {
					vars = append(vars, envVar{Name: k.Value, Value: v})
				}
			})
		}
	}
	for _, v := range vars {
		if !names[strings.ToUpper(v.Name)] || !wildcard(v.Value.Value) {
			continue
		}
		p.reportWildcard(s, nil, v.Value, "env var "+v.Name, Edits(SetScalar(v.Value, restrictOrigins(v.Value.Value, p.origins(), ","))))
	}
}

// checkCORSFlags reports flags such as enableCors: true with no origins
// beside them. The right origin key is platform-specific, so it is never guessed.
func checkCORSFlags(p *Pass, s corsScope) {
	for _, key := range p.Config.Spec.CORS.FlagKeys {
		flag := oam.GetPath(s.props, key)
		if on, ok := oam.Bool(flag); !ok || !on {
			continue
		}
		parent := s.props
		if i := strings.LastIndex(key, "."); i >= 0 {
			parent = oam.GetPath(s.props, key[:i])
		}
		hasOrigins := false
		oam.Pairs(parent, func(k, _ *yaml.Node) {
			if strings.Contains(strings.ToLower(k.Value), "origin") {
				hasOrigins = true
			}
		})
		if hasOrigins {
			continue
		}
		p.Report(Where{Component: s.comp, Node: flag}, Finding{
			Message:      fmt.Sprintf("%s: %s is on in %q with no allowed origins beside it, which usually means every origin", key, flag.Value, s.name),
			CurrentValue: flag.Value,
			Remediation:  "add the component's own origin setting next to " + key + " with the sites that may call it",
		}, nil)
	}
}

// checkCORSTrait looks at ingress annotations and Istio corsPolicy in a trait.
func checkCORSTrait(p *Pass, s corsScope, t *oam.Trait) {
	if ann := oam.Get(t.Properties, "annotations"); ann != nil && ann.Kind == yaml.MappingNode {
		allow := oam.Get(ann, nginxAllowOrigin)
		joined := strings.Join(p.origins(), ", ")
		switch {
		case allow != nil && wildcard(allow.Value):
			p.reportWildcard(s, t, allow, "annotation "+nginxAllowOrigin, Edits(SetScalar(allow, restrictOrigins(allow.Value, p.origins(), ", "))))
		case allow == nil && strings.EqualFold(oam.Str(oam.Get(ann, nginxEnableCORS)), "true"):
			enable := oam.Get(ann, nginxEnableCORS)
			f := Finding{
				CurrentValue: "(unset: ingress-nginx then allows every origin, with credentials)",
				Remediation:  "set spec.cors.allowedOrigins in the oamfix config, or add " + nginxAllowOrigin + " by hand",
			}
			var fix *Fix
			if len(p.origins()) == 0 {
				f.Message = fmt.Sprintf("%s is on in %q without %s, so every origin is allowed; set spec.cors.allowedOrigins so oamfix can restrict it", nginxEnableCORS, s.name, nginxAllowOrigin)
			} else {
				f.Message = fmt.Sprintf("%s is on in %q without %s, so every origin is allowed", nginxEnableCORS, s.name, nginxAllowOrigin)
				f.Assumptions = []string{"origins come from spec.cors.allowedOrigins"}
				v := oam.Scalar(joined)
				if enable.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
					v.Style = enable.Style // quote like the annotation beside it
				}
				fix = Act("add it with the configured origins", SetField(ann, nginxAllowOrigin, v))
			}
			p.Report(Where{Component: s.comp, Trait: t, Node: enable}, f, fix)
		}
	}
	walkCorsPolicies(t.Properties, func(policy *yaml.Node) {
		for _, key := range []string{"allowOrigins", "allowOrigin"} {
			list := oam.Get(policy, key)
			items := oam.Items(list)
			open := false
			for _, it := range items {
				if openOrigin(it) {
					open = true
				}
			}
			if !open {
				continue
			}
			p.reportWildcard(s, t, &yaml.Node{Kind: yaml.ScalarNode, Value: "*", Line: list.Line, Column: list.Column},
				"Istio corsPolicy."+key, Edits(ReplaceItems(list, originItems(list, p.origins(), key == "allowOrigins"))))
		}
	})
}

// walkCorsPolicies finds corsPolicy mappings at any depth below n.
func walkCorsPolicies(n *yaml.Node, fn func(policy *yaml.Node)) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		oam.Pairs(n, func(k, v *yaml.Node) {
			if k.Value == "corsPolicy" && v.Kind == yaml.MappingNode {
				fn(v)
				return
			}
			walkCorsPolicies(v, fn)
		})
	case yaml.SequenceNode:
		for _, it := range n.Content {
			walkCorsPolicies(it, fn)
		}
	}
}

// originItems are the items of an open origin list with its wildcard
// items replaced by the configured origins: the origins already listed
// stay as written, the replacements take the place (and the comments) of
// the first wildcard, in its style: {exact: o} items for allowOrigins,
// plain strings for the deprecated allowOrigin.
func originItems(list *yaml.Node, origins []string, exact bool) []*yaml.Node {
	listed := map[string]bool{}
	for _, it := range list.Content {
		if !openOrigin(it) {
			listed[oam.Str(it)] = true
			listed[oam.Str(oam.Get(it, "exact"))] = true
		}
	}
	var items []*yaml.Node
	replaced := false
	for _, it := range list.Content {
		if !openOrigin(it) {
			items = append(items, it)
			continue
		}
		if replaced {
			continue
		}
		replaced = true
		style := it.Style
		if it.Kind == yaml.MappingNode && len(it.Content) == 2 {
			style = it.Content[1].Style
		}
		first := true
		for _, o := range origins {
			if listed[o] {
				continue
			}
			v := oam.Scalar(o)
			if style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				v.Style = style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle)
			}
			item := v
			if exact {
				item = oam.Map(oam.Pair{Key: "exact", Value: v})
				item.Style = it.Style & yaml.FlowStyle
			}
			if first {
				// The wildcard's comments now describe its replacement.
				item.HeadComment, item.LineComment, item.FootComment = it.HeadComment, it.LineComment, it.FootComment
				if it.Kind == yaml.MappingNode && len(it.Content) == 2 && item.Kind == yaml.MappingNode {
					item.Content[1].LineComment = it.Content[1].LineComment
				}
				first = false
			}
			items = append(items, item)
		}
	}
	return items
}

// openOrigin reports whether an origin list item allows every origin.
func openOrigin(it *yaml.Node) bool {
	return oam.Str(it) == "*" || oam.Str(oam.Get(it, "exact")) == "*" || oam.Str(oam.Get(it, "regex")) == ".*"
}
