package report

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/oam"
)

// MarkdownOptions configure the markdown report.
type MarkdownOptions struct {
	// Title is the report's heading. Empty: "Infrastructure review: "
	// followed by the names of the applications with findings.
	Title string
	// Config, when set, adds the capacity model behind the scaling
	// recommendations: spec.target (users x requests per user / pod
	// capacity = pods at peak), the replica floors and CPU targets of
	// spec.replicas, the critical components and the spec.checks
	// thresholds. Without it the report still shows the arithmetic each
	// finding carries.
	Config *config.Config
	// Rules give each rule's rationale (the first sentence of its doc)
	// and whether oamfix fixes it; nil: fixers.All().
	Rules []*fixers.Rule
}

// severityOrder lists severities from the most urgent.
var severityOrder = []fixers.Severity{fixers.Critical, fixers.High, fixers.Medium, fixers.Low, fixers.Info}

// scalingRules are the rules whose findings carry scaling or sizing arithmetic.
var scalingRules = map[string]bool{"replicas": true, "critical-floors": true, "database-replicas": true, "storage": true}

// tally counts findings by status.
type tally map[fixers.Status]int

func (t tally) total() int { return t[fixers.Open] + t[fixers.Fixed] + t[fixers.Suppressed] }

// Markdown prints a review report in the shape of a human infrastructure
// review, for people and for pull request bodies:
//
//   - the title and the approval status: ❌ NOT APPROVED while critical or
//     high findings are open, ⚠️ APPROVED WITH CONDITIONS while only
//     medium or low ones are, ✅ APPROVED otherwise (info findings and
//     suppressed findings never block);
//   - counts by severity and status (open, fixed, suppressed);
//   - what oamfix fixed and what remains, by rule, with each rule's rationale;
//   - the scaling arithmetic: the capacity model of opts.Config and the
//     numbers behind each replica, floor and sizing recommendation;
//   - every finding, grouped by review area (Scalability, Reliability,
//     Security, Operations, Cost, Data) and rule, with its location,
//     remediation, assumptions and how to exempt it.
//
// The caller's slice is not reordered. The output depends on nothing but
// the arguments.
func Markdown(w io.Writer, fs []fixers.Finding, opts MarkdownOptions) error {
	fs = sorted(fs)
	rules := newRuleSet(opts.Rules, fs)
	byRule := map[string][]fixers.Finding{}
	bySeverity := map[fixers.Severity]tally{}
	all := tally{}
	for _, f := range fs {
		byRule[f.Rule] = append(byRule[f.Rule], f)
		if bySeverity[f.Severity] == nil {
			bySeverity[f.Severity] = tally{}
		}
		bySeverity[f.Severity][f.Status]++
		all[f.Status]++
	}
	m := &mdWriter{}
	m.title(opts.Title, fs)
	m.approval(bySeverity)
	m.scope(fs, all)
	m.severityTable(bySeverity, all)
	m.fixed(rules, byRule)
	m.remaining(rules, byRule)
	m.arithmetic(opts.Config, fs)
	m.areas(rules, byRule)
	m.exemptions()
	_, err := io.WriteString(w, m.String())
	return err
}

// mdWriter accumulates the report.
type mdWriter struct{ strings.Builder }

func (m *mdWriter) linef(format string, args ...any) {
	fmt.Fprintf(m, format, args...)
	m.WriteString("\n")
}

func (m *mdWriter) title(title string, fs []fixers.Finding) {
	if title == "" {
		title = "Infrastructure review"
		if apps := appNames(fs); len(apps) > 0 {
			title += ": " + strings.Join(apps, ", ")
		}
	}
	m.linef("# %s\n", escape(title))
}

// appNames lists the applications the findings are about, sorted.
func appNames(fs []fixers.Finding) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		if n := f.Resource.Name; n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func (m *mdWriter) approval(bySeverity map[fixers.Severity]tally) {
	open := func(sevs ...fixers.Severity) (n int, parts []string) {
		for _, s := range sevs {
			if c := bySeverity[s][fixers.Open]; c > 0 {
				n += c
				parts = append(parts, fmt.Sprintf("%d %s", c, s))
			}
		}
		return n, parts
	}
	if n, parts := open(fixers.Critical, fixers.High); n > 0 {
		m.linef("**Approval status:** ❌ **NOT APPROVED**: %s %s open.\n", joinAnd(parts), remain(n))
		return
	}
	if n, parts := open(fixers.Medium, fixers.Low); n > 0 {
		m.linef("**Approval status:** ⚠️ **APPROVED WITH CONDITIONS**: no critical or high findings are open; %s %s open.\n", joinAnd(parts), remain(n))
		return
	}
	m.linef("**Approval status:** ✅ **APPROVED**: no critical, high, medium or low findings are open.\n")
}

// remain is "finding remains" or "findings remain".
func remain(n int) string {
	if n == 1 {
		return "finding remains"
	}
	return "findings remain"
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func (m *mdWriter) scope(fs []fixers.Finding, all tally) {
	files := map[string]bool{}
	for _, f := range fs {
		files[f.File] = true
	}
	apps := appNames(fs)
	quoted := make([]string, len(apps))
	for i, a := range apps {
		quoted[i] = code(a)
	}
	where := ""
	if len(apps) > 0 {
		where = fmt.Sprintf(" in %s (%s)", count(len(apps), "application"), strings.Join(quoted, ", "))
	}
	m.linef("%s%s across %s: %d fixed by oamfix, %d open, %d suppressed.\n",
		count(len(fs), "finding"), where, count(len(files), "file"), all[fixers.Fixed], all[fixers.Open], all[fixers.Suppressed])
}

// count formats "1 file" or "2 files".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func (m *mdWriter) severityTable(bySeverity map[fixers.Severity]tally, all tally) {
	m.linef("## Findings by severity\n")
	m.linef("| Severity | Open | Fixed | Suppressed | Total |")
	m.linef("| --- | ---: | ---: | ---: | ---: |")
	for _, s := range severityOrder {
		t := bySeverity[s]
		m.linef("| %s | %d | %d | %d | %d |", severityLabel(s), t[fixers.Open], t[fixers.Fixed], t[fixers.Suppressed], t.total())
	}
	m.linef("| **Total** | **%d** | **%d** | **%d** | **%d** |\n", all[fixers.Open], all[fixers.Fixed], all[fixers.Suppressed], all.total())
}

// severityLabel is a severity with its marker, e.g. "🔴 Critical".
func severityLabel(s fixers.Severity) string {
	marks := map[fixers.Severity]string{fixers.Critical: "🔴", fixers.High: "🟠", fixers.Medium: "🟡", fixers.Low: "🔵", fixers.Info: "⚪"}
	name := string(s)
	if name == "" {
		return "Unknown"
	}
	label := strings.ToUpper(name[:1]) + name[1:]
	if mark, ok := marks[s]; ok {
		return mark + " " + label
	}
	return label
}

// ruleOrder sorts rule IDs by severity (most urgent first), then ID.
func ruleOrder(rules ruleSet, ids []string) {
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := rules[ids[i]].Severity.Rank(), rules[ids[j]].Severity.Rank()
		if a != b {
			return a > b
		}
		return ids[i] < ids[j]
	})
}

// rulesWith returns the IDs of rules with findings of the given statuses, in ruleOrder.
func rulesWith(rules ruleSet, byRule map[string][]fixers.Finding, statuses ...fixers.Status) []string {
	var ids []string
	for id, fs := range byRule {
		for _, f := range fs {
			if containsStatus(statuses, f.Status) {
				ids = append(ids, id)
				break
			}
		}
	}
	ruleOrder(rules, ids)
	return ids
}

func containsStatus(list []fixers.Status, s fixers.Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tallyOf counts a rule's findings by status.
func tallyOf(fs []fixers.Finding) tally {
	t := tally{}
	for _, f := range fs {
		t[f.Status]++
	}
	return t
}

func (m *mdWriter) fixed(rules ruleSet, byRule map[string][]fixers.Finding) {
	m.linef("## What oamfix fixed\n")
	ids := rulesWith(rules, byRule, fixers.Fixed)
	if len(ids) == 0 {
		fixable := 0
		for id, fs := range byRule {
			if rules[id].Fixable {
				fixable += tallyOf(fs)[fixers.Open]
			}
		}
		if fixable > 0 {
			m.linef("Nothing was written yet: `oamfix --fix` applies the fixes for the %s of fixable rules (`oamfix --diff` shows them first).\n", count(fixable, "open finding"))
		} else {
			m.linef("Nothing needed fixing.\n")
		}
		return
	}
	m.linef("| Rule | Area | Fixed | Why |")
	m.linef("| --- | --- | ---: | --- |")
	for _, id := range ids {
		m.linef("| %s | %s | %d | %s |", codeCell(id), areaOf(id), tallyOf(byRule[id])[fixers.Fixed], escape(summaryOf(rules[id])))
	}
	m.linef("")
}

func (m *mdWriter) remaining(rules ruleSet, byRule map[string][]fixers.Finding) {
	m.linef("## What remains\n")
	ids := rulesWith(rules, byRule, fixers.Open, fixers.Suppressed)
	if len(ids) == 0 {
		m.linef("Nothing: every finding was fixed.\n")
		return
	}
	m.linef("| Rule | Area | Severity | Open | Suppressed | oamfix | Why |")
	m.linef("| --- | --- | --- | ---: | ---: | --- | --- |")
	for _, id := range ids {
		r := rules[id]
		kind := "check only"
		if r.Fixable {
			kind = "fixes"
		}
		t := tallyOf(byRule[id])
		m.linef("| %s | %s | %s | %d | %d | %s | %s |", codeCell(id), areaOf(id), escape(severityLabel(r.Severity)), t[fixers.Open], t[fixers.Suppressed], kind, escape(summaryOf(r)))
	}
	m.linef("")
}

func (m *mdWriter) arithmetic(cfg *config.Config, fs []fixers.Finding) {
	var scaling []fixers.Finding
	for _, f := range fs {
		if scalingRules[f.Rule] && f.Status != fixers.Suppressed {
			scaling = append(scaling, f)
		}
	}
	if cfg == nil && len(scaling) == 0 {
		return
	}
	m.linef("## Scaling arithmetic\n")
	if cfg != nil {
		t, r, c := cfg.Spec.Target, cfg.Spec.Replicas, cfg.Spec.Checks
		m.linef("The capacity model of the oamfix configuration:\n")
		m.linef("- Peak load: %s concurrent users × %s request/s per user ÷ %s requests/s per pod = **%s pods at peak**, each answering within %s (`spec.target`).",
			thousands(t.ConcurrentUsers), num(t.RequestsPerUserPerSecond), num(t.PodCapacityRPS), thousands(t.RequiredPods()), t.ResponseTimeSLA)
		critical := "none configured"
		if len(cfg.Spec.CriticalComponents) > 0 {
			quoted := make([]string, len(cfg.Spec.CriticalComponents))
			for i, name := range cfg.Spec.CriticalComponents {
				quoted[i] = code(name)
			}
			critical = strings.Join(quoted, ", ")
		}
		m.linef("- Replica floors: %d per service, %d for critical components (%s); autoscaler CPU target %d%% (critical %d%%); autoscaler maximum capped at %d (`spec.replicas`).",
			r.MinReplicas, r.CriticalMinReplicas, critical, r.TargetCPU, r.CriticalTargetCPU, r.MaxReplicasCap)
		m.linef("- Data stores: %d replicas; volumes up to %s (`spec.checks`).\n", c.DatabaseReplicas, escape(c.MaxStorage))
	}
	if len(scaling) == 0 {
		return
	}
	m.linef("The numbers behind each recommendation:\n")
	for _, f := range scaling {
		m.linef("- %s %s %s: %s", statusMark(f.Status), code(f.Rule), where(f), escape(f.Message))
	}
	m.linef("")
}

// thousands formats 50000 as 50,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// num formats a float without trailing zeros.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (m *mdWriter) areas(rules ruleSet, byRule map[string][]fixers.Finding) {
	m.linef("## Findings by area\n")
	byArea := map[string][]string{}
	for id := range byRule {
		byArea[areaOf(id)] = append(byArea[areaOf(id)], id)
	}
	order := fixers.Areas
	if len(byArea[otherArea]) > 0 {
		order = append(append([]string{}, fixers.Areas...), otherArea)
	}
	for _, area := range order {
		m.linef("### %s\n", area)
		ids := byArea[area]
		if len(ids) == 0 {
			m.linef("No findings.\n")
			continue
		}
		ruleOrder(rules, ids)
		for _, id := range ids {
			m.rule(rules[id], byRule[id])
		}
	}
}

// rule prints one rule's findings.
func (m *mdWriter) rule(r *fixers.Rule, fs []fixers.Finding) {
	kind := "check only"
	if r.Fixable {
		kind = "fixed by oamfix"
	}
	t := tallyOf(fs)
	m.linef("#### %s: %s\n", code(r.ID), escape(summaryOf(r)))
	m.linef("%s · %s · %d open, %d fixed, %d suppressed\n", severityLabel(r.Severity), kind, t[fixers.Open], t[fixers.Fixed], t[fixers.Suppressed])
	for _, f := range fs {
		sev := ""
		if f.Severity != r.Severity {
			sev = " (" + string(f.Severity) + ")"
		}
		m.linef("- %s%s %s: %s", statusMark(f.Status), sev, where(f), escape(f.Message))
		switch f.Status {
		case fixers.Open:
			if f.Remediation != "" {
				m.linef("  - Remediation: %s", escape(f.Remediation))
			}
		case fixers.Suppressed:
			m.linef("  - Suppressed by %s", escape(f.SuppressedBy))
		}
		for _, a := range f.Assumptions {
			m.linef("  - Assumption: %s", escape(a))
		}
		if f.Status != fixers.Suppressed {
			m.linef("  - Exempt: %s", exemption(f))
		}
	}
	m.linef("")
}

// statusMark renders a status: ✅ fixed, ❗ open, 🔕 suppressed.
func statusMark(s fixers.Status) string {
	switch s {
	case fixers.Fixed:
		return "✅ **fixed**"
	case fixers.Suppressed:
		return "🔕 **suppressed**"
	}
	return "❗ **open**"
}

// where is a finding's location: file:line and the component.
func where(f fixers.Finding) string {
	loc := f.File
	if f.Line > 0 {
		loc += ":" + strconv.Itoa(f.Line)
	}
	s := code(loc)
	if f.Component != "" {
		s += " " + code(f.Component)
	} else if f.Resource.Name != "" {
		s += " " + code(f.Resource.Name)
	}
	return s
}

func (m *mdWriter) exemptions() {
	m.linef("## How to exempt a finding\n")
	m.linef("An exempted finding is reported as suppressed and never fixed:\n")
	m.linef("- on a component or trait: the comment `# oamfix:ignore <rule> -- <reason>` on its line or the line above;")
	m.linef("- on a whole Application: the annotation `%s: \"<rule>,<rule>\"` (or `all`).", oam.SkipAnnotation)
}

// code renders s as an inline code span that nothing in s can end or
// break out of: the fence is one backtick longer than the longest run of
// backticks in s (with a space inside when s starts or ends with one),
// and line breaks and other control characters, which a code span cannot
// hold, are shown as escapes (\n, \t, \x1b, \u2028). Mentions and
// issue references are not linked inside code.
func code(s string) string {
	s = visible(s)
	longest, run := 0, 0
	for _, r := range s {
		if r != '`' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "" {
		s = " " + s + " " // markdown strips one space on each side
	}
	fence := strings.Repeat("`", longest+1)
	return fence + s + fence
}

// codeCell is code for a table cell, which ends at any unescaped "|",
// even inside a code span.
func codeCell(s string) string {
	return strings.ReplaceAll(code(s), "|", `\|`)
}

// visible shows control characters (line breaks included) and the
// Unicode line and paragraph separators as Go escapes.
func visible(s string) string {
	if strings.IndexFunc(s, invisible) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if invisible(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// invisible reports whether r is a control character or a Unicode line or
// paragraph separator.
func invisible(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// mdSpecial escapes the characters markdown would read as markup.
var mdSpecial = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`, `&`, `\&`,
)

// What GitHub links in text: an @mention (which notifies the user or
// team) and an issue reference (#123, owner/repo#123).
var (
	mention  = regexp.MustCompile(`(^|[^0-9A-Za-z_])@([0-9A-Za-z])`)
	issueRef = regexp.MustCompile(`#([0-9])`)
)

// unlink puts a zero-width space after the "@" of a mention and the "#"
// of an issue reference, so GitHub neither notifies nor references
// anyone; the text reads the same.
func unlink(s string) string {
	s = mention.ReplaceAllString(s, "$1@\u200b$2")
	return issueRef.ReplaceAllString(s, "#\u200b$1")
}

// escapeLines escapes markup in multi-line text, keeping its lines
// (paragraphs and "- " lists stay as they are).
func escapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = unlink(mdSpecial.Replace(visible(l)))
	}
	return strings.Join(lines, "\n")
}

// escape makes free text (messages, docs, reasons, values) safe in
// markdown and tables: whitespace runs, line breaks included, become one
// space, so the text stays on its line and in its cell; other control
// characters are shown as escapes; markup characters are escaped; and
// mentions and issue references are unlinked.
func escape(s string) string {
	return unlink(mdSpecial.Replace(visible(strings.Join(strings.Fields(s), " "))))
}
