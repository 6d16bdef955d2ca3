package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/urfave/cli/v2"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/verify"
)

// rulesFormats are the formats of "licaudit rules".
var rulesFormats = []string{"table", "json", "markdown"}

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "list the rule catalogue: ids, default severities, descriptions and fix hints",
		Description: "Rule ids are stable: use them in the configuration (severities, ignores, waivers)\n" +
			"and with \"licaudit generate voss|flexnet --defect RULE\". The markdown format is docs/rules.md.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FORMAT`: " + strings.Join(rulesFormats, ", ")},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError("rules takes no arguments (got %s)", strings.Join(c.Args().Slice(), " "))
			}
			var buf bytes.Buffer
			var err error
			switch c.String("format") {
			case "table":
				err = rulesTable(&buf, catalogue())
			case "json":
				err = rulesJSON(&buf, catalogue())
			case "markdown", "md":
				err = rulesMarkdown(&buf, catalogue())
			default:
				return usageError("rules --format %q: want one of %s", c.String("format"), strings.Join(rulesFormats, ", "))
			}
			if err != nil {
				return cli.Exit("rules: "+err.Error(), exitUsage)
			}
			_, err = c.App.Writer.Write(buf.Bytes())
			return err
		},
	}
}

// ruleEntry is a rule of the catalogue as "licaudit rules" lists it: the
// rule and the generators that can write a bundle breaking it.
type ruleEntry struct {
	finding.Rule
	Family string `json:"family"`
	// Defects are the generate subcommands (voss, flexnet) whose --defect
	// accepts the rule.
	Defects []string `json:"defect_generators"`
}

// catalogue returns every rule, by family in the catalogue's order, then
// by id.
func catalogue() []ruleEntry {
	voss, flexnet := generate.VOSSDefects(), generate.FlexNetDefects()
	var out []ruleEntry
	for _, r := range verify.Rules() {
		e := ruleEntry{Rule: r, Family: r.Family(), Defects: []string{}}
		if slices.Contains(voss, r.ID) {
			e.Defects = append(e.Defects, "voss")
		}
		if slices.Contains(flexnet, r.ID) {
			e.Defects = append(e.Defects, "flexnet")
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b ruleEntry) int {
		if d := familyRank(a.Family) - familyRank(b.Family); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// families are the rule families in the order a bundle is checked, with the
// heading each gets in docs/rules.md.
var families = []struct{ id, title, intro string }{
	{"zip", "ZIP container", "The archive itself, checked before anything is inflated: a hostile or broken ZIP stops here."},
	{"name", "File names", "The names of the bundle and of its members against the documented grammars."},
	{"member", "Bundle layout", "Which members a VOSS license bundle holds, and where."},
	{"hash", "Hash sidecars", "The `.hash` file beside each JSON and CSV member, and the digest it records."},
	{"json", "JSON members", "Syntax, duplicate keys, limits and the JSON Schemas of the license JSON, patch log and adaptation log."},
	{"meta", "License JSON metadata", "The `meta` block of the license JSON: when, which export, which pipeline."},
	{"csv", "CSV structure", "Encoding, quoting, header and row shape of every CSV."},
	{"anon", "Customer anonymity", "The anonymous CSV must not identify a provider, reseller or customer."},
	{"recon", "Reconciliation", "The anonymous CSV against the detailed CSV beside the ZIP: same customers, same counts."},
	{"fne", "FlexNet Operations extracts", "Entitlement extracts: names, columns, identifiers and line-item structure."},
	{"form", "Pinned forms", "Values written in another form than the one the configuration's `forms` section pins (each form is accepted by default)."},
	{"config", "Configuration", "Findings about the configuration file itself, reported against its own path and the waiver's line."},
}

func familyRank(id string) int {
	for i, f := range families {
		if f.id == id {
			return i
		}
	}
	return len(families)
}

func rulesJSON(w io.Writer, rules []ruleEntry) error {
	b, err := json.MarshalIndent(rules, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// rulesTableWidth is the width the table is laid out for, whatever the
// terminal: long descriptions wrap instead of being cut.
const rulesTableWidth = 100

// rulesTable writes the catalogue as a plain-text table: rule, severity,
// and a text column holding the description, the fix and the generators
// that can write a defect bundle for the rule.
func rulesTable(w io.Writer, rules []ruleEntry) error {
	const gap, sevWidth = 2, len("warning")
	idWidth := 0
	for _, r := range rules {
		idWidth = max(idWidth, utf8.RuneCountInString(r.ID))
	}
	textWidth := rulesTableWidth - idWidth - sevWidth - 2*gap
	rows := make([][]string, 0, len(rules))
	for _, r := range rules {
		lines := wrapText(r.Summary, textWidth)
		lines = append(lines, wrapText("Fix: "+r.Hint, textWidth)...)
		if len(r.Defects) > 0 {
			lines = append(lines, wrapText("Defect bundle: licaudit generate "+strings.Join(r.Defects, "|")+" --defect RULE", textWidth)...)
		}
		rows = append(rows, []string{r.ID, r.Severity.String(), strings.Join(lines, "\n")})
	}
	var out bytes.Buffer
	table := tablewriter.NewTable(&out,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.On},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: strings.Repeat(" ", gap), Overwrite: true}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	table.Header([]string{"RULE", "DEFAULT", "DESCRIPTION"})
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	// The renderer pads every cell, the last column included; trailing
	// blanks only make the output differ from what a reader sees.
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		l = strings.TrimRight(l, " ")
		if isRuleLine(l) {
			l = strings.Repeat(string(l[0]), min(len(l), rulesTableWidth))
		}
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

// isRuleLine reports whether l is a horizontal line of the table.
func isRuleLine(l string) bool {
	return l != "" && strings.Trim(l, "-") == ""
}

// wrapText breaks s into lines of at most width runes at spaces; a word
// longer than width is cut.
func wrapText(s string, width int) []string {
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		wr := []rune(word)
		switch {
		case len(cur) == 0:
		case len(cur)+1+len(wr) <= width:
			cur = append(cur, ' ')
		default:
			lines = append(lines, string(cur))
			cur = nil
		}
		for len(cur)+len(wr) > width {
			n := width - len(cur)
			lines = append(lines, string(append(cur, wr[:n]...)))
			cur, wr = nil, wr[n:]
		}
		cur = append(cur, wr...)
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// rulesMarkdown writes the catalogue as docs/rules.md: a title, how to use
// the ids, then a table per family.
func rulesMarkdown(w io.Writer, rules []ruleEntry) error {
	var b strings.Builder
	b.WriteString(`# licaudit rules

<!-- Generated by "licaudit rules --format markdown" (make docs); do not edit.
     A test fails when this file differs from what the code generates. -->

Every finding licaudit reports names the rule it breaks. Rule ids are stable:
a rule may be added, its wording improved, but an id is never renamed or
reused, so you can rely on them in configurations, waivers and CI scripts.
` + "`licaudit rules`" + ` prints this catalogue (` + "`--format json`" + ` for scripts).

## Changing severities and waiving findings

The configuration file (` + "`.licaudit.yaml`" + ` in the working directory, or
` + "`--config FILE`" + `; ` + "`licaudit config init`" + ` writes a commented starter) changes
how rules are applied:

` + "```yaml" + `
rules:
  severity:
    hash.weak-algorithm: error   # error, warning, info or off
    "anon.*": warning            # a glob over rule ids
  ignore: [zip.junk-entry]       # drop a rule's findings
waivers:
  - rule: hash.weak-algorithm    # or: fingerprint: <from the JSON report>
    bundle: "vlf_CS-P_*.zip"
    member: "*.hash"
    reason: "SHA-1 sidecars until the exporter's release 24.2"
    expires: 2027-06-30
` + "```" + `

A waived finding stays in the report with its reason but is not counted and
does not fail the run. A waiver past its expiry date no longer applies and
gives a ` + "`config.waiver-expired`" + ` warning; one that matched nothing gives a
` + "`config.waiver-unused`" + ` info.

## Reproducing a finding

The "Defect bundle" column says which generator writes a bundle that breaks
exactly that rule, to test a CI gate or an importer against it:

` + "```sh" + `
licaudit generate voss --defect hash.mismatch --out defects/hash.mismatch
licaudit verify defects/hash.mismatch    # exit status 1: hash.mismatch
` + "```" + `

## Families

`)
	byFamily := map[string][]ruleEntry{}
	var order []string
	for _, r := range rules {
		if _, seen := byFamily[r.Family]; !seen {
			order = append(order, r.Family)
		}
		byFamily[r.Family] = append(byFamily[r.Family], r)
	}
	for _, fam := range order {
		title, _ := familyText(fam)
		fmt.Fprintf(&b, "- [%s](#%s) (%d)\n", title, anchor(fam+": "+title), len(byFamily[fam]))
	}
	for _, fam := range order {
		title, intro := familyText(fam)
		fmt.Fprintf(&b, "\n## %s: %s\n\n", fam, title)
		if intro != "" {
			b.WriteString(intro + "\n\n")
		}
		b.WriteString("| Rule | Default | What it finds | How to fix | Defect bundle |\n")
		b.WriteString("|---|---|---|---|---|\n")
		for _, r := range byFamily[fam] {
			defects := "-"
			if len(r.Defects) > 0 {
				defects = strings.Join(r.Defects, ", ")
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, r.Severity, mdCell(r.Summary), mdCell(r.Hint), defects)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// familyText is the heading and introduction of a family; a family added
// without an entry in families gets its id as heading.
func familyText(id string) (title, intro string) {
	for _, f := range families {
		if f.id == id {
			return f.title, f.intro
		}
	}
	return id, ""
}

// anchor is the fragment GitHub gives a heading: lower case, spaces to
// hyphens, punctuation other than hyphens and underscores dropped.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCell makes text safe inside a markdown table cell.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
