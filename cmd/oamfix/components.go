package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/oamfix/oamfix/kio"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
	"github.com/spf13/cobra"
)

// componentsOptions are the flags of oamfix components.
type componentsOptions struct {
	configPath  string
	format      string
	definitions []string
	maxFileSize int64
}

func newComponentsCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	o := &componentsOptions{}
	cmd := &cobra.Command{
		Use:   "components [PATH...]",
		Short: "Print what oamfix understands each component runs, and why",
		Long: `Print the workload model of every Application under PATH (default .): per
component its type, kind (service, worker, job, daemon, datastore, cloud,
reference or unknown), the workload it renders, its container ports (and
which a Service exposes), who reaches it from outside the app, what sets its
replica count (in its spec and per environment), its CPU request, and the
evidence for each fact: the vocabulary, its definition, embedded objects, a
chart, or an assumption from its shape. It answers "why did oamfix (not)
touch this component?". Nothing is changed.`,
		Example: `  oamfix components examples/
  oamfix components --definitions defs/ --format json apps/`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runComponents(o, args, stdin, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.configPath, "config", "", "oamfix config `FILE` for every input (default: the nearest .oamfix.yaml at or above each file)")
	f.StringVar(&o.format, "format", "text", "output `FORMAT`: text or json")
	f.StringSliceVar(&o.definitions, "definitions", nil, "`DIR` of ComponentDefinition/TraitDefinition YAML or .cue files (repeatable)")
	f.Int64Var(&o.maxFileSize, "max-file-size", kio.DefaultMaxFileSize, "largest input file in `BYTES`")
	return cmd
}

// componentsApp is one Application in the components output.
type componentsApp struct {
	File        string            `json:"file"`
	Document    int               `json:"document"`
	Application string            `json:"application"`
	Namespace   string            `json:"namespace,omitempty"`
	Components  []componentReport `json:"components"`
}

// componentReport is one component's facts as printed.
type componentReport struct {
	Name       string              `json:"name"`
	Type       string              `json:"type"`
	Kind       workload.Kind       `json:"kind"`
	Workload   string              `json:"workload,omitempty"`
	Definition string              `json:"definition,omitempty"`
	Ports      []workload.Port     `json:"ports,omitempty"`
	Exposure   []exposureReport    `json:"exposure,omitempty"`
	Replicas   []ownerReport       `json:"replicaOwners,omitempty"`
	Patches    []patchReport       `json:"patches,omitempty"`
	CPURequest string              `json:"cpuRequest,omitempty"`
	Assumed    bool                `json:"assumed,omitempty"`
	Evidence   []workload.Evidence `json:"evidence"`
}

type exposureReport struct {
	Via        string `json:"via"`
	Kind       string `json:"kind"`
	Controller string `json:"controller,omitempty"`
}

type ownerReport struct {
	Via        string `json:"via"`
	Autoscaler bool   `json:"autoscaler,omitempty"`
}

type patchReport struct {
	Env string `json:"env,omitempty"`
	Via string `json:"via"`
}

func runComponents(o *componentsOptions, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if o.format != "text" && o.format != "json" {
		fmt.Fprintf(stderr, "oamfix: unknown --format %q (want text or json)\n", o.format)
		return &exitError{exitBadInput}
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	paths, errs := kio.Expand(args)
	// Each file's config (and its definitions), as the main command uses it.
	cs := &configs{override: o.configPath, definitions: o.definitions}
	perFile := make([]*runConfig, len(paths))
	for i, p := range paths {
		var err error
		if perFile[i], err = cs.forFile(p); err != nil {
			fmt.Fprintf(stderr, "oamfix: %v\n", err)
			return &exitError{exitBadInput}
		}
	}
	code := exitClean
	for _, e := range errs {
		fmt.Fprintf(stderr, "oamfix: error: %v\n", e)
		code = exitBadInput
	}
	var apps []componentsApp
	var err error
	for i, path := range paths {
		var f *kio.File
		if path == kio.Stdin {
			f, err = kio.ReadStream(kio.Stdin, stdin, o.maxFileSize)
		} else {
			f, err = kio.ReadFile(path, o.maxFileSize)
		}
		if err != nil {
			fmt.Fprintf(stderr, "oamfix: error: %v\n", err)
			code = exitBadInput
			continue
		}
		for _, d := range f.Docs {
			if d.Node == nil || !oam.IsApplication(d.Node.YNode()) {
				continue
			}
			app := oam.Load(d.Node.YNode())
			rc := perFile[i]
			apps = append(apps, componentsOf(f.Path, d.Index, app, workload.Build(app, rc.cfg, rc.opts.Catalog)))
		}
	}
	if o.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if apps == nil {
			apps = []componentsApp{}
		}
		err = enc.Encode(apps)
	} else {
		err = printComponents(stdout, apps)
	}
	if err != nil {
		fmt.Fprintf(stderr, "oamfix: error: %v\n", err)
		return &exitError{exitBadInput}
	}
	if code != exitClean {
		return &exitError{code}
	}
	return nil
}

// componentsOf turns one Application's model into its report.
func componentsOf(file string, doc int, app *oam.App, m *workload.Model) componentsApp {
	out := componentsApp{File: file, Document: doc, Application: app.Name, Namespace: app.Namespace, Components: []componentReport{}}
	for _, f := range m.Facts {
		r := componentReport{
			Name: f.Component.Name, Type: f.Component.Type, Kind: f.Kind, Workload: f.Renders.String(),
			Ports: f.Ports, CPURequest: f.CPURequest, Assumed: f.Assumed, Evidence: f.Evidence,
		}
		if f.Definition != nil {
			r.Definition = f.Definition.Source
		}
		for _, e := range f.Exposure {
			r.Exposure = append(r.Exposure, exposureReport{Via: e.Via, Kind: e.Kind, Controller: e.Controller})
		}
		for _, o := range f.Replicas {
			r.Replicas = append(r.Replicas, ownerReport{Via: o.Via, Autoscaler: o.Autoscaler})
		}
		for _, p := range f.Patches {
			r.Patches = append(r.Patches, patchReport{Env: p.Env, Via: p.Via})
		}
		if r.Evidence == nil {
			r.Evidence = []workload.Evidence{}
		}
		out.Components = append(out.Components, r)
	}
	return out
}

// printComponents writes the text form: one block per Application, one
// per component, the evidence last.
func printComponents(w io.Writer, apps []componentsApp) error {
	var b strings.Builder
	for i, a := range apps {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: Application %s", a.File, a.Application)
		if a.Namespace != "" {
			fmt.Fprintf(&b, " (namespace %s)", a.Namespace)
		}
		b.WriteString("\n")
		for _, c := range a.Components {
			fmt.Fprintf(&b, "  %s (%s): %s", c.Name, c.Type, c.Kind)
			if c.Workload != "" {
				fmt.Fprintf(&b, ", renders %s", c.Workload)
			}
			if c.Assumed {
				b.WriteString(" (assumed)")
			}
			b.WriteString("\n")
			if len(c.Ports) > 0 {
				var ps []string
				for _, p := range c.Ports {
					s := p.String()
					if p.Exposed {
						s += " exposed"
					}
					ps = append(ps, s)
				}
				fmt.Fprintf(&b, "    ports: %s\n", strings.Join(ps, ", "))
			}
			for _, e := range c.Exposure {
				fmt.Fprintf(&b, "    reached from outside through %s", e.Via)
				if e.Controller != "" {
					fmt.Fprintf(&b, " (controller %s)", e.Controller)
				}
				b.WriteString("\n")
			}
			for _, r := range c.Replicas {
				what := "sets the replica count"
				if r.Autoscaler {
					what = "autoscales"
				}
				fmt.Fprintf(&b, "    replicas: %s %s\n", r.Via, what)
			}
			for _, p := range c.Patches {
				env := p.Env
				if env == "" {
					env = "every or an unnamed environment"
				}
				fmt.Fprintf(&b, "    patched in %s by %s\n", env, p.Via)
			}
			if c.CPURequest != "" {
				fmt.Fprintf(&b, "    cpu request: %s\n", c.CPURequest)
			}
			for _, e := range c.Evidence {
				fmt.Fprintf(&b, "    because (%s, %s): %s\n", e.Fact, e.Source, e.Detail)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
