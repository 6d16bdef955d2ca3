package report

import (
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

// TestGitHubCommands checks the exact workflow commands, including the
// escaping the runner needs: % CR LF in the message; also : and , in
// properties, which would otherwise end the file name or split it.
func TestGitHubCommands(t *testing.T) {
	r := &Report{FailOn: finding.Error, Bundles: []Bundle{
		{Path: "drop/ACME, Inc: 2026/a.zip", Kind: "voss-license", Findings: []finding.Finding{
			{Rule: "hash.mismatch", Severity: finding.Error, File: "d/a.csv", Message: "100% wrong\r\n::error::injected"},
			{Rule: "csv.formula-injection", Severity: finding.Warning, File: "d/a.csv", Line: 7, Location: "Notes", Message: "=1+1"},
			{Rule: "csv.encoding", Severity: finding.Info, File: "d/a.csv", Line: 1, Message: "BOM"},
			{Rule: "member.unexpected", Severity: finding.Warning, File: "d/x.txt", Message: "unknown", Waived: "known"},
		}},
		{Path: "in/d.csv", Kind: "voss-detailed", Findings: []finding.Finding{
			{Rule: "csv.ragged-row", Severity: finding.Error, Line: 5, Message: "7 fields"},
		}},
		// A path on disk is the receiver's, but its name came with the
		// bundle: an ESC sequence or invalid UTF-8 must not reach the log.
		{Path: "in/\x1b[31mred\xff.zip", Kind: "voss-license", Findings: []finding.Finding{
			{Rule: "zip.unreadable", Severity: finding.Error, Message: "not a ZIP"},
		}},
	}}
	r.Finalize()
	got := strings.Split(strings.TrimSuffix(string(render(t, "github", Options{}, r)), "\n"), "\n")
	want := []string{
		"::error file=drop/ACME%2C Inc%3A 2026/a.zip,title=hash.mismatch::d/a.csv: 100%25 wrong%0A::error::injected",
		"::notice file=drop/ACME%2C Inc%3A 2026/a.zip,title=csv.encoding::d/a.csv:1: BOM",
		"::warning file=drop/ACME%2C Inc%3A 2026/a.zip,title=csv.formula-injection::d/a.csv:7 [Notes]: =1+1",
		"::error file=in/d.csv,line=5,title=csv.ragged-row::line 5: 7 fields",
		`::error file=in/\x1b[31mred\xff.zip,title=zip.unreadable::not a ZIP`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range got {
		if !strings.HasPrefix(l, "::") {
			t.Errorf("a line that is not a command: %q (a newline escaped the message)", l)
		}
	}
}

// TestGitHubFixture: one command per unwaived finding of the fixture, the
// member never given as line= of the ZIP, the detailed CSV beside a ZIP
// annotated as itself, at its line.
func TestGitHubFixture(t *testing.T) {
	r := fixture()
	lines := strings.Split(strings.TrimSuffix(string(render(t, "github", Options{}, r)), "\n"), "\n")
	n := 0
	for _, b := range r.Bundles {
		for _, f := range b.Findings {
			if f.Waived == "" {
				n++
			}
		}
	}
	if len(lines) != n {
		t.Errorf("%d commands, want %d", len(lines), n)
	}
	beside := "::error file=" + githubProperty(besidePath) + ",line=9,title=csv.ragged-row::"
	besideSeen := false
	for _, l := range lines {
		besideSeen = besideSeen || strings.HasPrefix(l, beside)
		if strings.Contains(l, ",line=") && !strings.HasPrefix(l, "::error file="+detailedPath+",line=5,") && !strings.HasPrefix(l, beside) {
			t.Errorf("line= given for a ZIP member: %q", l)
		}
		if strings.ContainsRune(l, 0x1b) {
			t.Errorf("raw ESC in a command: %q", l)
		}
	}
	if !besideSeen {
		t.Errorf("no command %q... for the detailed CSV beside the ZIP", beside)
	}
}
