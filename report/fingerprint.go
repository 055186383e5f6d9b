package report

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/oamfix/oamfix/fixers"
)

// Fingerprint identifies a finding across runs: the first 32 hex digits of
// a SHA-256 over the rule ID, the file path (slash-separated, as given),
// the document index, the resource (kind, namespace, name), the component,
// the finding's semantic path (spec.components[api].traits[hpa]...) and
// its message key (the message without the fix's action). The line and column are left out, so unrelated edits
// that move the finding do not change it; so are the numbers in the
// message, so a value that changes (a replica count raised from 2 to 3
// but still below the floor) keeps the same fingerprint.
func Fingerprint(f fixers.Finding) string {
	h := sha256.New()
	for _, part := range []string{
		"oamfix/v1", f.Rule, filepath.ToSlash(f.File), strconv.Itoa(f.Document),
		f.Resource.Kind, f.Resource.Namespace, f.Resource.Name, f.Component, f.Path, messageKey(problem(f)),
	} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// problem is a finding's message without its fix's action, so that a
// finding keeps its fingerprint whether its fix was written or not.
func problem(f fixers.Finding) string {
	if f.Action == "" {
		return f.Message
	}
	for _, suffix := range []string{"; fix: " + f.Action, "; " + fixers.Done(f.Action), "fix: " + f.Action, fixers.Done(f.Action)} {
		if m, ok := strings.CutSuffix(f.Message, suffix); ok {
			return m
		}
	}
	return f.Message
}

// numberRE matches the numbers in a message, with a unit suffix
// (12, 0.5, 500Gi, 350m, 40%).
var numberRE = regexp.MustCompile(`[0-9]+(?:[.,][0-9]+)*[A-Za-z%]*`)

// messageKey normalizes a message for Fingerprint: lower case, numbers
// (with their units) replaced by "#", runs of white space collapsed.
func messageKey(msg string) string {
	msg = numberRE.ReplaceAllString(strings.ToLower(msg), "#")
	return strings.Join(strings.Fields(msg), " ")
}
