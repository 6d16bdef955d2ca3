package report

import (
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

// cells splits a GFM table row at its unescaped pipes, as GitHub does.
func cells(row string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i])
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(out, cur.String())
}

// TestMarkdownCells: every table row has exactly its columns although
// messages contain | and line breaks, and the failing bundles' findings
// are listed while the passing bundle's are not.
func TestMarkdownCells(t *testing.T) {
	r := fixture()
	r.Bundles[1].Findings[0].Message += "\nsecond line | with a pipe"
	out := string(render(t, "markdown", Options{}, r))
	for i, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "|") {
			continue
		}
		// 6 columns in the summary, 4 in the findings: n columns give n+2
		// pieces (empty ones before the first and after the last pipe).
		if n := len(cells(l)); n != 8 && n != 6 {
			t.Errorf("line %d has %d cells: %q", i+1, n-2, l)
		}
	}
	for _, want := range []string{
		`=HYPERLINK("http:&#8203;//x.test"\|"click")`,
		`<br>second line \| with a pipe`,
		"| " + mdCode(hostileMember) + " |",
		"| `zip.unreadable` | (bundle) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// The passing bundle's member is only named by its findings.
	if strings.Contains(out, "vlf_CS-P_VOSS-UN-1_anonymous_2026-11-01_0300.csv") {
		t.Errorf("the passing bundle's findings are listed")
	}
	if !strings.Contains(out, "#### ❌ fail `"+baseName(detailedPath)+"`") {
		t.Errorf("a failing bundle has no section")
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Errorf("raw ESC in markdown")
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":                `a\|b`,
		"line\nbreak":        "line<br>break",
		"<script>x</script>": `\<script\>x\</script\>`,
		"*not bold*":         `\*not bold\*`,
		"[link](http://x)":   `\[link\](http:&#8203;//x)`,
		// Nothing a bundle names may ping a user or link an issue.
		"@octocat GH-1 gh-2 www.example.com WWW.x a@b.example": `@&#8203;octocat GH&#8203;-1 gh&#8203;-2 www&#8203;.example.com WWW&#8203;.x a@&#8203;b.example`,
		"https://evil.example/x #12":                           `https:&#8203;//evil.example/x \#12`,
		"café @ GH":                                            "café @&#8203; GH",
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"a.csv":   "`a.csv`",
		"a|b.csv": "`a\\|b.csv`",
		"x`y":     "``x`y``",
		"`start":  "`` `start ``",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkdownCap: a bundle with more findings than fit a PR comment lists
// MarkdownMaxFindings and says how many more there are.
func TestMarkdownCap(t *testing.T) {
	b := Bundle{Path: "a.zip", Kind: "voss-license"}
	for i := range MarkdownMaxFindings + 7 {
		b.Findings = append(b.Findings, finding.Finding{Rule: "csv.ragged-row", Severity: finding.Error, File: "a.csv", Line: i + 1, Message: "ragged"})
	}
	r := &Report{FailOn: finding.Error, Bundles: []Bundle{b}}
	r.Finalize()
	out := string(render(t, "markdown", Options{}, r))
	if n := strings.Count(out, "`csv.ragged-row`"); n != MarkdownMaxFindings {
		t.Errorf("%d findings listed, want %d", n, MarkdownMaxFindings)
	}
	if !strings.Contains(out, "…and 7 more findings;") {
		t.Errorf("no note of the findings left out:\n%s", out[len(out)-200:])
	}
}
