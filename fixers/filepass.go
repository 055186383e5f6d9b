package fixers

import (
	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/oam"
	"github.com/oamfix/oamfix/workload"
)

// FileApp is one Application document of a file, as a file-level rule sees it.
type FileApp struct {
	App   *oam.App
	Model *workload.Model
	// Index is the document's position among the file's Applications.
	Index int
}

// FileReported is one finding of a file-level pass and the Application it is about.
type FileReported struct {
	App *FileApp
	Reported
}

// FilePass is one rule's run over all Applications of one file, for rules
// that reason across documents (one Application per environment, say).
type FilePass struct {
	Rule   *Rule
	Config *config.Config
	Mode   config.Mode
	Apps   []*FileApp

	reported []FileReported
}

// Report records a finding about one of the file's Applications; see Pass.Report.
func (fp *FilePass) Report(app *FileApp, w Where, f Finding, fix *Fix) {
	fp.reported = append(fp.reported, FileReported{App: app, Reported: Reported{Where: w, Finding: f, Fix: fix}})
}

// Reported returns what the pass reported, in order.
func (fp *FilePass) Reported() []FileReported { return fp.reported }
