package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

func init() {
	renderers["github"] = func(Options) Renderer { return GitHub{} }
}

// GitHub renders findings as GitHub Actions workflow commands, one line
// each, which the runner turns into annotations on the run and, for files
// in the diff, on the pull request:
//
//	::error file=in/x.zip,title=hash.mismatch::member.csv: the digest ...
//
// error, warning and info map to ::error, ::warning and ::notice. file is
// the bundle path (the member is named at the start of the message), its
// control characters and invalid UTF-8 escaped as in every report for
// people: a name that came with a bundle must not reach the job log raw.
// line= is only given when it is a line of that very file, i.e. for a
// detailed CSV verified on its own, or reconciled beside a ZIP (file= is
// then that CSV); a member's line is not a line of the
// ZIP and would point the annotation at the wrong place. Waived findings
// are left out: they are accepted, and GitHub shows only the first few
// annotations of each kind per step.
type GitHub struct{}

// Render implements Renderer.
func (GitHub) Render(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, bd := range r.Bundles {
		for _, f := range bd.Findings {
			if f.Waived != "" {
				continue
			}
			b.WriteString(githubCommand(bd, f) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// githubCommand is the workflow command of one finding of bundle bd. A
// finding about the detailed CSV beside a ZIP is placed on that file, at
// its line.
func githubCommand(bd Bundle, f finding.Finding) string {
	path, ownLine := bd.fileOf(f)
	cmd := "notice"
	switch f.Severity {
	case finding.Error:
		cmd = "error"
	case finding.Warning:
		cmd = "warning"
	}
	props := "file=" + githubProperty(cleanLine(path))
	if ownLine && f.Line > 0 {
		props += ",line=" + strconv.Itoa(f.Line)
	}
	props += ",title=" + githubProperty(f.Rule)
	return "::" + cmd + " " + props + "::" + githubData(cleanText(describe(f)))
}

// githubData escapes a command's message as the runner expects
// (actions/toolkit, escapeData): % first, then CR and LF, which would end
// the command and let the rest of a hostile message issue commands.
func githubData(s string) string { return githubDataEscaper.Replace(s) }

// githubProperty escapes a property value (escapeProperty): as data, plus
// ":" and "," which separate the command's properties.
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }

// The escapers are made once: a strings.Replacer builds its lookup tables
// on first use, and made for each call they were 20 KB a finding
// (BenchmarkRender/github, 500 bundles: 31.7 MB and 36 ms before, 3.5 MB
// and 4.5 ms after).
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
