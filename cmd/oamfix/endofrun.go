package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/oamfix/oamfix/report"
)

// endOfRun prints, before the summary line, what a run did not check and
// its errors, so that neither scrolls away: on notes, when no Application
// was found (and YAML in hidden folders it skipped); with hint, how many
// open findings have a fix oamfix will not write; on stderr, every error,
// again when shown already (shown) and the run had several inputs.
func endOfRun(notes, stderr io.Writer, args []string, run report.Run, tally report.Tally, errs []string, shown, hint bool) {
	if run.Applications == 0 {
		msg := fmt.Sprintf("no KubeVela Application found in %s read (oamfix checks documents with apiVersion core.oam.dev/v1beta1 and kind Application)", count(run.Files, "file", "files"))
		if n, dir := hiddenYAML(args); n > 0 {
			msg += fmt.Sprintf("; %s in hidden folders such as %s (skipped): pass such a folder as PATH to check it", count(n, "YAML file", "YAML files"), dir)
		}
		fmt.Fprintf(notes, "oamfix: %s\n", msg)
	}
	if hint && tally.Unwritten > 0 {
		fmt.Fprintf(notes, "oamfix: %s a fix that oamfix will not write (a precondition is unmet); -v shows why\n", count(tally.Unwritten, "open finding has", "open findings have"))
	}
	if len(errs) > 0 && (!shown || len(errs) > 1 || run.Files > 1) {
		fmt.Fprintf(stderr, "oamfix: %s:\n", count(len(errs), "error", "errors"))
		for _, e := range errs {
			fmt.Fprintf(stderr, "  %s\n", e)
		}
	}
}

// count writes n and the noun in its singular (n is 1) or plural form.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
