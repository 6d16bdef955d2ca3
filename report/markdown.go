package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

func init() {
	renderers["markdown"] = func(Options) Renderer { return Markdown{} }
}

// Markdown renders a compact GitHub-flavoured summary for PR comments and
// CI job summaries: one table row per bundle, then the findings of each
// failing bundle. Passing bundles list no findings; the table, JSON and
// SARIF formats have them all.
type Markdown struct{}

// MarkdownMaxFindings bounds the findings listed per bundle: a PR comment
// holds at most 65536 characters, and a defect that repeats on every row
// would otherwise crowd out the other bundles.
const MarkdownMaxFindings = 50

// Render implements Renderer.
func (Markdown) Render(w io.Writer, r *Report) error {
	var b strings.Builder
	title := "licaudit"
	if r.Tool.Version != "" {
		title += " " + mdText(r.Tool.Version)
	}
	fmt.Fprintf(&b, "### %s: %s\n\n", title, summaryText(r.Summary))
	if len(r.Bundles) > 0 {
		b.WriteString("| Bundle | Kind | Verdict | Errors | Warnings | Info |\n")
		b.WriteString("|---|---|---|--:|--:|--:|\n")
		for _, bd := range r.Bundles {
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d |\n",
				mdCode(baseName(bd.Path)), mdText(bd.Kind), mdVerdict(bd.Verdict),
				bd.Counts.Error, bd.Counts.Warning, bd.Counts.Info)
		}
	}
	for _, bd := range r.Bundles {
		if bd.Verdict != Fail {
			continue
		}
		fmt.Fprintf(&b, "\n#### %s %s\n\n", mdVerdict(bd.Verdict), mdCode(baseName(bd.Path)))
		fmt.Fprintf(&b, "%s, %s\n\n", mdCode(bd.Path), countsText(bd.Counts, waivedCount(bd)))
		if len(bd.Findings) == 0 {
			continue
		}
		b.WriteString("| Severity | Rule | Where | Message |\n")
		b.WriteString("|---|---|---|---|\n")
		for i, f := range bd.Findings {
			if i == MarkdownMaxFindings {
				fmt.Fprintf(&b, "\n…and %s; the JSON or SARIF report lists them all.\n",
					plural(len(bd.Findings)-i, "more finding"))
				break
			}
			b.WriteString(mdFinding(f) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdFinding is the table row of one finding.
func mdFinding(f finding.Finding) string {
	sev := f.Severity.String()
	msg := mdText(f.Message)
	if f.Waived != "" {
		sev = "waived " + sev
		msg += "<br>*waived: " + mdText(f.Waived) + "*"
	}
	place := "(bundle)"
	if w := where(f); w != "" {
		place = mdCode(w)
	}
	if f.Location != "" {
		place += "<br>" + mdCode(f.Location)
	}
	return "| " + sev + " | " + mdCode(f.Rule) + " | " + place + " | " + msg + " |"
}

func mdVerdict(v string) string {
	switch v {
	case Pass:
		return "✅ pass"
	case Fail:
		return "❌ fail"
	}
	return mdText(v)
}

// mdText escapes text for a table cell: the characters Markdown or HTML
// would interpret (a message may quote a hostile cell value) are
// backslash-escaped, "|" so that it does not end the cell, and line breaks
// become <br> since a cell is one line; then mdNoLinks.
func mdText(s string) string {
	return mdNoLinks(mdEscape(s))
}

func mdEscape(s string) string {
	s = cleanText(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString("<br>")
		case strings.ContainsRune("\\`*_[]<>|~&#!", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// zeroWidthSpace is invisible where GitHub shows a comment but breaks a
// word it would link.
const zeroWidthSpace = "&#8203;"

// mdNoLinks breaks what GitHub turns into a link or a notification in text
// that a bundle chose (a member's name, say, in a report posted as a pull
// request comment): @mentions and e-mail addresses, GH-123 references,
// www. and scheme:// autolinks. A zero-width space goes inside each, as
// bots that post such text do; "#123" is already escaped as "\#123".
// Code spans (mdCode) need none of it: GitHub links nothing in them.
func mdNoLinks(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case rest[0] == '@':
			b.WriteString("@" + zeroWidthSpace)
			i++
		case len(rest) >= 4 && strings.EqualFold(rest[:4], "www."):
			b.WriteString(rest[:3] + zeroWidthSpace + ".")
			i += 4
		case len(rest) >= 3 && strings.EqualFold(rest[:3], "gh-"):
			b.WriteString(rest[:2] + zeroWidthSpace + "-")
			i += 3
		case strings.HasPrefix(rest, "://"):
			b.WriteString(":" + zeroWidthSpace + "//")
			i += 3
		default:
			b.WriteByte(rest[0])
			i++
		}
	}
	return b.String()
}

// mdCode shows s as inline code, with a fence longer than any run of
// backticks inside it. Only "|" needs escaping there: GFM splits table
// cells before it parses code spans, and "\|" is shown as "|".
func mdCode(s string) string {
	s = strings.ReplaceAll(cleanLine(s), "|", `\|`)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
