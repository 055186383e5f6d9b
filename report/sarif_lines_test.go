package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/report"
)

// TestSARIFFixAfterLineSeparators (issue item 8): in a file whose comments
// hold NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (line breaks to
// yaml.v3, not to the file), the SARIF fix replaces the token it names:
// its region is counted in the file's own lines.
func TestSARIFFixAfterLineSeparators(t *testing.T) {
	const name = "testdata/report/line-separators.yaml"
	fs, src := runFile(t, filepath.Join("..", name), name, config.Default(), true)
	var out bytes.Buffer
	if err := report.SARIF(&out, fs, report.SARIFOptions{ToolVersion: "dev", Sources: map[string][]byte{name: src}}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string
				Fixes  []struct {
					ArtifactChanges []struct {
						Replacements []struct {
							DeletedRegion   struct{ StartLine, StartColumn, EndColumn int }
							InsertedContent struct{ Text string }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	// min: 1 and max: 4 of the hpa trait, as the file numbers its lines.
	want := map[int][2]string{17: {"1", "3"}, 18: {"4", "100"}}
	lines := strings.Split(string(src), "\n")
	fixes := 0
	for _, r := range log.Runs[0].Results {
		for _, fix := range r.Fixes {
			for _, c := range fix.ArtifactChanges {
				for _, rep := range c.Replacements {
					fixes++
					reg := rep.DeletedRegion
					token := ""
					if reg.StartLine >= 1 && reg.StartLine <= len(lines) {
						line := []rune(lines[reg.StartLine-1])
						if reg.StartColumn >= 1 && reg.StartColumn <= reg.EndColumn && reg.EndColumn-1 <= len(line) {
							token = string(line[reg.StartColumn-1 : reg.EndColumn-1])
						}
					}
					if w := want[reg.StartLine]; token != w[0] || rep.InsertedContent.Text != w[1] {
						t.Errorf("%s fix replaces %q at %d:%d with %q; want the values of lines 17 (min) and 18 (max)", r.RuleID, token, reg.StartLine, reg.StartColumn, rep.InsertedContent.Text)
					}
				}
			}
		}
	}
	if fixes != len(want) {
		t.Errorf("%d SARIF fixes, want %d", fixes, len(want))
	}
}
