package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// checkArgs refuses command lines whose meaning is not what the user
// probably meant, before anything is read: a misspelt subcommand, --fix
// with data waiting on standard input but no PATH, and standard input
// combined with outputs that would share stdout.
func checkArgs(cmd *cobra.Command, o *rootOptions, args []string, stdin io.Reader) error {
	if len(args) > 0 && args[0] != kio.Stdin && !strings.ContainsAny(args[0], `./\`) {
		if _, err := os.Lstat(args[0]); errors.Is(err, fs.ErrNotExist) {
			msg := fmt.Sprintf("unknown command %q, and there is no file or folder of that name", args[0])
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf("; did you mean %q?", s[0])
			}
			return fmt.Errorf("%s (run 'oamfix --help' for usage)", msg)
		}
	}
	if o.fix && len(args) == 0 && stdinHasData(stdin) {
		return errors.New("--fix without a PATH while standard input is a pipe or a file: pass - to fix standard input (the fixed YAML goes to stdout), or . to fix the files under the current folder in place")
	}
	if o.fix && slices.Contains(args, kio.Stdin) {
		if len(args) > 1 {
			return errors.New("with --fix, - (standard input) must be the only PATH: its fixed YAML goes to stdout and cannot be told apart from other output; run files and standard input separately")
		}
		if o.diff {
			return errors.New("--fix - writes the fixed YAML to stdout and --diff writes a diff there: use one of them")
		}
	}
	return nil
}

// stdinHasData reports whether standard input may hold data the user
// meant oamfix to read: a pipe or a regular file. A terminal or a device
// such as /dev/null does not; a reader that is no file (in tests) does.
func stdinHasData(stdin io.Reader) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return true
	}
	if term.IsTerminal(int(f.Fd())) {
		return false
	}
	info, err := f.Stat()
	return err == nil && (info.Mode()&os.ModeNamedPipe != 0 || info.Mode().IsRegular())
}

// knownOAMKinds are the kinds of KubeVela's core.oam.dev group besides
// Application: documents oamfix does not check, on purpose.
var knownOAMKinds = []string{
	"ApplicationRevision", "ComponentDefinition", "TraitDefinition", "PolicyDefinition",
	"WorkflowStepDefinition", "WorkloadDefinition", "ScopeDefinition", "DefinitionRevision",
	"ResourceTracker", "Policy", "Workflow", "HealthScope", "Component", "ApplicationConfiguration",
	"ContainerizedWorkload", "ManualScalerTrait", "AppDeployment", "AppRollout", "EnvBinding",
	"Initializer",
}

// nearMisses names the documents of f that look like Applications oamfix
// was meant to check but does not: a core.oam.dev document of a kind
// KubeVela does not have, a kind a typo away from Application, or an
// Application whose API group is a typo away from core.oam.dev or names
// oam otherwise.
func nearMisses(f *kio.File) []string {
	var out []string
	for _, d := range f.Docs {
		if d.Node == nil {
			continue
		}
		root := d.Node.YNode()
		if oam.IsApplication(root) {
			continue
		}
		kindNode := oam.Get(root, "kind")
		kind, apiVersion := oam.Str(kindNode), oam.Str(oam.Get(root, "apiVersion"))
		group, _, _ := strings.Cut(apiVersion, "/")
		line := d.StartLine
		if kindNode != nil {
			line = d.Line(kindNode.Line)
		}
		var why string
		switch {
		case kind == "":
		case group == "core.oam.dev" && !slices.Contains(knownOAMKinds, kind):
			why = fmt.Sprintf("apiVersion %s with kind %q, which KubeVela does not have", apiVersion, kind)
			if near(kind, "Application") {
				why += `; did you mean "Application"?`
			}
		case kind != "Application" && near(kind, "Application") && (group == "core.oam.dev" || near(group, "core.oam.dev") || apiVersion == ""):
			why = fmt.Sprintf("kind %q; did you mean \"Application\"?", kind)
		case kind == "Application" && group != "core.oam.dev" && (near(group, "core.oam.dev") || strings.Contains(group, "oam")):
			why = fmt.Sprintf("kind Application with apiVersion %q; did you mean core.oam.dev/v1beta1?", apiVersion)
		case kind == "Application" && group == "core.oam.dev":
			why = fmt.Sprintf("kind Application with apiVersion %q, which has no version; did you mean core.oam.dev/v1beta1?", apiVersion)
		}
		if why != "" {
			out = append(out, fmt.Sprintf("%s:%d: not checked: %s", f.Path, line, why))
		}
	}
	return out
}

// near reports whether a is at most two edits from b, ignoring case.
func near(a, b string) bool {
	return config.EditDistance(strings.ToLower(a), strings.ToLower(b)) <= 2
}

// hiddenYAML counts the *.yaml and *.yml files in hidden folders under the
// folders among args, which a run skips, and returns the first such folder.
func hiddenYAML(args []string) (int, string) {
	n, first := 0, ""
	for _, a := range args {
		if info, err := os.Stat(a); err != nil || !info.IsDir() {
			continue
		}
		filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case d.IsDir():
				if d.Name() == ".git" {
					return fs.SkipDir
				}
				return nil
			}
			if ext := strings.ToLower(filepath.Ext(p)); ext != ".yaml" && ext != ".yml" {
				return nil
			}
			rel, _ := filepath.Rel(a, p)
			parts := strings.Split(filepath.ToSlash(rel), "/")
			for i, part := range parts[:len(parts)-1] {
				if strings.HasPrefix(part, ".") {
					n++
					if first == "" {
						first = filepath.Join(a, filepath.FromSlash(strings.Join(parts[:i+1], "/")))
					}
					break
				}
			}
			return nil
		})
	}
	return n, first
}
