package config

import (
	"fmt"
	"strings"
)

// Error is a configuration error. Its text names the file, the line and
// the dotted field path, e.g.
//
//	oamfix.yaml:7: spec.target.concurrentUsers: expected an integer, got "lots"
type Error struct {
	// File is the source given to Parse, the path given to Load, or
	// "functionConfig" for FromConfigMapData.
	File string
	// Line is the 1-based line in File, or 0 when unknown.
	Line int
	// Field is the dotted path of the field, list items written as [i]
	// (spec.vocabulary.autoscalers[2].trait); empty for syntax errors. For
	// FromConfigMapData it is the ConfigMap key.
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
