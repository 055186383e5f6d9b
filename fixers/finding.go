package fixers

import (
	"fmt"
	"slices"
	"strings"
)

// Severity ranks a finding the way the infrastructure review does.
type Severity string

// Severities, from the most to the least urgent.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Rank orders severities: critical is 4, info is 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Severities lists the severities from the most to the least urgent.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

// AtLeast reports whether s is threshold or more urgent (critical > high >
// medium > low > info). It is the one comparison behind the CLI's
// --fail-on and the KRM function's failOn: every open finding at or above
// the threshold fails a run, in any mode (check, fix, diff). A threshold
// that is not a severity ("" or "none") is reached by nothing.
func (s Severity) AtLeast(threshold Severity) bool {
	switch threshold {
	case Critical, High, Medium, Low, Info:
		return s.Rank() >= threshold.Rank()
	}
	return false
}

// ParseSeverity reads a severity name (critical, high, medium, low or
// info), ignoring case and surrounding spaces.
func ParseSeverity(text string) (Severity, error) {
	s := Severity(strings.ToLower(strings.TrimSpace(text)))
	if !slices.Contains(Severities(), s) {
		return "", fmt.Errorf("expected critical, high, medium, low or info, got %q", text)
	}
	return s, nil
}

// Status says what became of a finding.
type Status string

// Finding statuses.
const (
	// Open: the finding stands (check mode, a check-only rule, or a fix that could not be made).
	Open Status = "open"
	// Fixed: the fix was applied to the document.
	Fixed Status = "fixed"
	// Suppressed: an exemption (annotation or comment) covers the finding; it is never fixed.
	Suppressed Status = "suppressed"
)

// ResourceRef names the Kubernetes object a finding is about.
type ResourceRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
}

// Finding is one thing a rule has to say about one place in one document.
// The CLI, KRM results, SARIF and the PR body are renderings of a list of these.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Status   Status   `json:"status"`
	Message  string   `json:"message"`
	// Path is the node's path in the user's words,
	// e.g. spec.components[booking].traits[autoscaler].properties.minReplicas.
	Path string `json:"path,omitempty"`
	// FieldPath is the same place with numeric indexes, as KRM results want it,
	// e.g. spec.components[0].traits[1].properties.minReplicas.
	FieldPath     string `json:"fieldPath,omitempty"`
	CurrentValue  string `json:"currentValue,omitempty"`
	ProposedValue string `json:"proposedValue,omitempty"`
	// Assumptions lists every value the fix used that was not derived from the
	// document itself (config defaults), so a reviewer knows what to check.
	Assumptions []string `json:"assumptions,omitempty"`
	// Action is what the finding's fix does, in the imperative ("add a
	// circuit-breaker trait (...)"); Message ends with it, as done
	// ("adding ...") when the fix was written, as "fix: add ..." when not.
	Action string `json:"action,omitempty"`
	// Remediation tells a human what to do when the finding is not fixed automatically.
	Remediation string `json:"remediation,omitempty"`
	// SuppressedBy explains the exemption for suppressed findings.
	SuppressedBy string `json:"suppressedBy,omitempty"`
	// Unmet lists the preconditions that kept the fix from being written:
	// the finding stays open, and each says why and what to do.
	Unmet []Unmet `json:"unmet,omitempty"`

	File      string      `json:"file,omitempty"`
	Line      int         `json:"line,omitempty"`
	Column    int         `json:"column,omitempty"`
	Document  int         `json:"document"`
	Component string      `json:"component,omitempty"`
	Resource  ResourceRef `json:"resource"`
}

// Unmet is a precondition of a fix that did not hold.
type Unmet struct {
	Precondition string `json:"precondition"`
	Reason       string `json:"reason"`
	Remedy       string `json:"remedy,omitempty"`
}
