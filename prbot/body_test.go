package prbot

import (
	"strings"
	"testing"
)

func TestTruncateBody(t *testing.T) {
	short := "# report\n\nall good\n"
	if got := truncateBody(short); got != short {
		t.Errorf("a short body changed: %q", got)
	}
	long := strings.Repeat("- a finding line of the report\n", 4000)
	got := truncateBody(long)
	if len(got) > maxBody {
		t.Errorf("truncated body is %d bytes, over %d", len(got), maxBody)
	}
	kept, note, ok := strings.Cut(got, "\n\n_The report was truncated")
	if !ok || !strings.HasPrefix(long, kept+"\n") || !strings.HasSuffix(note, "all findings._\n") {
		t.Errorf("the body was not cut at a line break with a note:\n...%s", got[len(got)-200:])
	}
}
