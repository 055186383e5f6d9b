package report

import (
	"io"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/oam"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// SARIFOptions configure the sarif format.
type SARIFOptions struct {
	// ToolVersion is recorded as tool.driver.version. Empty: the main
	// module's version from the build info, else "dev".
	ToolVersion string
	// Sources maps a finding's File to that file's bytes as the rules
	// read them (before any fix). With them, open findings of fixable
	// rules that replace one scalar value get a SARIF fix; without them,
	// no result has a fix.
	Sources map[string][]byte
	// Rules describe the rules in tool.driver.rules; nil: fixers.All().
	Rules []*fixers.Rule
}

// informationURI is where oamfix lives.
const informationURI = "https://github.com/oamfix/oamfix"

// fingerprintKey names the fingerprint in partialFingerprints.
const fingerprintKey = "oamfix/v1"

// SARIF prints a SARIF 2.1.0 log with one run of tool "oamfix":
//
//   - tool.driver.rules: every rule (opts.Rules and any other rule ID the
//     findings carry), sorted by ID, with the doc's first sentence as
//     shortDescription, the whole doc as fullDescription and help (plus
//     how to exempt a finding), and the rule severity as default level;
//   - results, in Sort order: level error for critical and high, warning
//     for medium, note for low and info; the message; the file (a
//     relative URI as given, or a file URI for an absolute path) with the
//     start line and column; partialFingerprints["oamfix/v1"] = Fingerprint;
//     the finding's details as properties;
//   - a suppressed finding has an inSource suppression with the exemption
//     as justification; a fixed finding (written by --fix) is a result of
//     kind pass with level none, since the problem is gone from the file;
//   - fixes: an open finding of a fixable rule whose fix sets one scalar
//     (CurrentValue to ProposedValue) gets a fix replacing that token, when
//     opts.Sources holds the file and the token at the finding's line and
//     column reads CurrentValue; the replacement keeps the token's quoting.
//     Fixes that add or move whole blocks are not expressed in SARIF.
//
// Columns are counted in Unicode code points (run.columnKind).
func SARIF(w io.Writer, fs []fixers.Finding, opts SARIFOptions) error {
	fs = sorted(fs)
	rules := newRuleSet(opts.Rules, fs)
	run := sarif.NewRunWithInformationURI("oamfix", informationURI)
	run.Tool.Driver.WithVersion(toolVersion(opts.ToolVersion)).WithOrganization("oamfix")
	run.WithColumnKind("unicodeCodePoints")
	for _, id := range rules.ids() {
		r := rules[id]
		exempt := "To exempt a finding, put the comment `# oamfix:ignore " + id + " -- <reason>` on the component or trait, or list " +
			id + " in the `" + oam.SkipAnnotation + "` annotation of the Application."
		help := sarif.NewMultiformatMessageString().WithText(r.Doc + "\n\n" + exempt).WithMarkdown(escapeLines(r.Doc) + "\n\n" + exempt)
		props := sarif.NewPropertyBag().Add("severity", string(r.Severity)).Add("fixable", r.Fixable).Add("area", areaOf(id))
		props.AddTag(strings.ToLower(areaOf(id)))
		run.AddRule(id).
			WithName(ruleName(id)).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(r.Summary())).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.Doc)).
			WithHelp(help).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(r.Severity))).
			WithProperties(props)
	}
	artifacts := addArtifacts(run, fs, opts.Sources)
	for _, f := range fs {
		res := run.CreateResultForRule(f.Rule).
			WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message)).
			WithPartialFingerprints(map[string]string{fingerprintKey: Fingerprint(f)}).
			WithProperties(resultProperties(f))
		res.AddLocation(location(f, artifacts[f.File]))
		switch f.Status {
		case fixers.Fixed:
			res.WithKind("pass").WithLevel(sarif.LevelNone)
		case fixers.Suppressed:
			res.AddSuppression(sarif.NewSuppression().WithKind("inSource").WithStatus("accepted").WithJustification(f.SuppressedBy))
		case fixers.Open:
			if r := rules[f.Rule]; r.Fixable {
				if fix := scalarFix(opts.Sources[f.File], f, artifacts[f.File]); fix != nil {
					res.AddFixe(fix)
				}
			}
		}
	}
	rep := sarif.NewReport()
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// level maps a severity to a SARIF level.
func level(s fixers.Severity) string {
	switch s {
	case fixers.Critical, fixers.High:
		return sarif.LevelError
	case fixers.Medium:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// toolVersion is the version to record: the given one, else the main
// module's version, else "dev".
func toolVersion(v string) string {
	if v != "" {
		return v
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// ruleName turns a rule ID into a SARIF rule name, which must differ
// from the ID: circuit-breaker → CircuitBreaker, backup → BackupCheck.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	if strings.EqualFold(b.String(), id) {
		b.WriteString("Check")
	}
	return b.String()
}

// artifactURI is a finding's file as a URI reference: a relative path as
// given (slash-separated, percent-encoded), or a file URI for an absolute one.
func artifactURI(file string) string {
	slashed := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(slashed, "/") {
		if !strings.HasPrefix(slashed, "/") {
			slashed = "/" + slashed // C:/x on Windows
		}
		return (&url.URL{Scheme: "file", Path: slashed}).String()
	}
	return (&url.URL{Path: slashed}).String()
}

// addArtifacts lists the findings' files in run.artifacts, sorted by
// path, with their length when sources has them, and returns each file's
// index.
func addArtifacts(run *sarif.Run, fs []fixers.Finding, sources map[string][]byte) map[string]int {
	index := map[string]int{}
	var files []string
	for _, f := range fs {
		if _, ok := index[f.File]; !ok {
			index[f.File] = 0
			files = append(files, f.File)
		}
	}
	sort.Strings(files)
	for i, file := range files {
		index[file] = i
		a := sarif.NewArtifact().WithLocation(artifactLocation(file, i)).WithSourceLanguage("yaml")
		if src, ok := sources[file]; ok {
			a.WithLength(len(src))
		}
		run.AddArtifact(a)
	}
	return index
}

// artifactLocation points at the file with the given artifacts index.
func artifactLocation(file string, index int) *sarif.ArtifactLocation {
	return sarif.NewArtifactLocation().WithURI(artifactURI(file)).WithIndex(index)
}

// location is a finding's physical location.
func location(f fixers.Finding, index int) *sarif.Location {
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(artifactLocation(f.File, index))
	if f.Line > 0 {
		region := sarif.NewRegion().WithStartLine(f.Line)
		if f.Column > 0 {
			region.WithStartColumn(f.Column)
		}
		phys.WithRegion(region)
	}
	return sarif.NewLocationWithPhysicalLocation(phys)
}

// resultProperties carries a finding's details that SARIF has no field for.
func resultProperties(f fixers.Finding) *sarif.PropertyBag {
	p := sarif.NewPropertyBag().Add("status", string(f.Status)).Add("severity", string(f.Severity)).Add("document", f.Document)
	add := func(key, value string) {
		if value != "" {
			p.Add(key, value)
		}
	}
	add("application", f.Resource.Name)
	add("namespace", f.Resource.Namespace)
	add("component", f.Component)
	add("path", f.Path)
	add("fieldPath", f.FieldPath)
	add("currentValue", f.CurrentValue)
	add("proposedValue", f.ProposedValue)
	add("remediation", f.Remediation)
	add("suppressedBy", f.SuppressedBy)
	if len(f.Assumptions) > 0 {
		p.Add("assumptions", f.Assumptions)
	}
	return p
}
