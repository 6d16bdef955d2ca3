package report

import (
	"bytes"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

// extremeReport stresses the table layout: a rule id and a member path far
// wider than any column, a huge line number, a long location, a base name
// longer than the screen, double-width text, numbers of 19 digits and a
// column name of 100 characters.
func extremeReport() *Report {
	longName := strings.Repeat("vlf_CS-P_VOSS-UN-1-", 8) + "license_2026-11-01_0300.zip"
	r := &Report{
		FailOn: finding.Warning,
		Bundles: []Bundle{{
			Path: "in/" + longName, Kind: "voss-license",
			Findings: []finding.Finding{
				{Rule: "recon.a-rule-id-much-longer-than-the-column-allows", Severity: finding.Error,
					File: strings.Repeat("deep-directory-name/", 8) + strings.Repeat("x", 90) + ".csv", Line: 1234567,
					Location: strings.Repeat("/very/long/json/pointer", 5), Message: longMessage + " " + longMessage},
				{Rule: "anon.personal-data", Severity: finding.Warning, File: "a.csv", Line: 2,
					Message: "氏名 山田太郎 と電話番号が匿名化されていない列に含まれています。氏名と電話番号を削除してください。"},
				{Rule: "zip.junk-entry", Severity: finding.Info, File: "__MACOSX/._x", Message: strings.Repeat("y", 150)},
			},
			Totals: &finding.Totals{
				Columns:   []string{strings.Repeat("Number of Subscribers ", 5), "B"},
				Anonymous: &finding.CSVTotals{Customers: 1, Sums: map[string]int64{"B": math.MaxInt64}},
				Detailed:  &finding.CSVTotals{Customers: 2, Sums: map[string]int64{"B": math.MinInt64, strings.Repeat("Z", 120): 1}},
			},
		}},
	}
	r.Finalize()
	return r
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTableFitsTerminal renders reports with long messages and paths, with
// and without colour, at the default width and at terminal widths, and
// checks that no line is wider than the width it was laid out for (colour
// sequences take no room; a width out of bounds is brought within them).
func TestTableFitsTerminal(t *testing.T) {
	for name, r := range map[string]*Report{"fixture": fixture(), "extreme": extremeReport()} {
		for _, color := range []bool{false, true} {
			for _, tc := range []struct{ asked, fits int }{
				{0, TableWidth}, {40, MinTableWidth}, {100, 100}, {132, 132}, {400, MaxTableWidth},
			} {
				out := render(t, "table", Options{Color: color, Width: tc.asked}, r)
				widest := 0
				for i, l := range strings.Split(string(out), "\n") {
					w := width(ansi.ReplaceAllString(l, ""))
					widest = max(widest, w)
					if w > tc.fits {
						t.Errorf("%s (color %v, width %d) line %d is %d columns wide: %q", name, color, tc.asked, i+1, w, l)
					}
				}
				// A wide terminal is used: the extreme report has long
				// messages that fill whatever width they get.
				if name == "extreme" && widest < tc.fits-10 {
					t.Errorf("%s at width %d: the widest line is %d columns; the width is not used", name, tc.asked, widest)
				}
			}
		}
	}
}

// tableRow is one finding as read back from the table: the cells with
// their wrapped lines joined.
type tableRow struct{ level, rule, line, msg string }

// readFindings parses the findings of a one-bundle table back into cells,
// cutting each line at the column offsets. A row's continuation lines have
// an empty level cell. The bundle heading, member headings (indent 2) and
// totals are skipped.
func readFindings(t *testing.T, out string, fs []finding.Finding) []tableRow {
	t.Helper()
	c := layout(fs, TableWidth)
	starts := []int{rowIndent, rowIndent + levelWidth + columnGap, rowIndent + levelWidth + c.rule + 2*columnGap}
	msgStart := starts[2]
	if c.line > 0 {
		msgStart += c.line + columnGap
	}
	cell := func(l string, from, to int) string {
		if from >= len(l) {
			return ""
		}
		return strings.TrimSpace(l[from:min(to, len(l))])
	}
	var rows []tableRow
	inFindings := false
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == "Totals" {
			break
		}
		if strings.HasPrefix(l, pad(memberIndent)) && l[memberIndent] != ' ' {
			inFindings = true // a member heading
		}
		if !inFindings || !strings.HasPrefix(l, pad(rowIndent)) {
			continue
		}
		level := cell(l, starts[0], starts[1])
		if level != "" {
			rows = append(rows, tableRow{level: level})
		}
		if len(rows) == 0 {
			t.Fatalf("continuation line before any row: %q", l)
		}
		r := &rows[len(rows)-1]
		r.rule += cell(l, starts[1], starts[2])
		if c.line > 0 {
			r.line += cell(l, starts[2], msgStart)
		}
		if m := cell(l, msgStart, len(l)); m != "" {
			r.msg = strings.TrimSpace(r.msg + " " + m)
		}
	}
	return rows
}

// TestTableNothingLost checks that wrapping cuts nothing: read back by
// column, every rule id, line, location and message is whole.
func TestTableNothingLost(t *testing.T) {
	r := extremeReport()
	out := string(render(t, "table", Options{}, r))
	fs := r.Bundles[0].Findings
	rows := readFindings(t, out, fs)
	if len(rows) != len(fs) {
		t.Fatalf("read %d rows back, want %d:\n%s", len(rows), len(fs), out)
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for i, f := range fs {
		got := rows[i]
		if got.rule != f.Rule {
			t.Errorf("row %d rule = %q, want %q", i, got.rule, f.Rule)
		}
		if f.Line > 0 && got.line != lineLabel(f.Line) {
			t.Errorf("row %d line = %q, want %q", i, got.line, lineLabel(f.Line))
		}
		want := f.Message
		if f.Location != "" {
			want = "[" + f.Location + "] " + want
		}
		if squash(got.msg) != squash(want) {
			t.Errorf("row %d message = %q, want %q", i, got.msg, want)
		}
	}
	for _, want := range []string{"9223372036854775807", "-9223372036854775808"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lost %q", want)
		}
	}
}

// TestTableNoColor: without Color there is no escape sequence at all, not
// even the one a hostile member name in the fixture carries.
func TestTableNoColor(t *testing.T) {
	out := render(t, "table", Options{}, nil)
	if i := bytes.IndexByte(out, 0x1b); i >= 0 {
		t.Fatalf("ESC at byte %d of the table without colour: %q", i, out[max(0, i-20):min(len(out), i+20)])
	}
	if !bytes.Contains(out, []byte(`\x1b[31mred.txt`)) {
		t.Errorf("the hostile member name is not shown escaped")
	}
}

// TestTableColor: with Color the verdicts and severities are coloured, and
// the colour changes nothing else (the layout is the same once the
// sequences are removed).
func TestTableColor(t *testing.T) {
	plain := render(t, "table", Options{}, nil)
	color := render(t, "table", Options{Color: true}, nil)
	for _, want := range []string{"\x1b[31;1mFAIL\x1b[0m", "\x1b[32;1mPASS\x1b[0m", "\x1b[31merror\x1b[0m", "\x1b[33mwarning\x1b[0m", "\x1b[2mwaived\x1b[0m"} {
		if !bytes.Contains(color, []byte(want)) {
			t.Errorf("coloured table lacks %q", want)
		}
	}
	if got := ansi.ReplaceAllString(string(color), ""); got != string(plain) {
		t.Errorf("colour changed the layout:\n%s\n---\n%s", got, plain)
	}
}

// TestTableWaived: a waived finding is shown as waived, with its reason
// and original severity, and is counted apart.
func TestTableWaived(t *testing.T) {
	out := string(render(t, "table", Options{}, nil))
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "anon.metadata") {
			row = l
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(row), "waived ") {
		t.Errorf("waived finding row = %q, want it to start with waived", row)
	}
	for _, want := range []string{"(waived warning: host renamed on 2026-10-12,", "0 warnings, 1 info; 1 waived"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

// TestTableTotals: the anonymous and detailed sums are side by side and
// exactly the rows that disagree are marked.
func TestTableTotals(t *testing.T) {
	out := string(render(t, "table", Options{}, nil))
	type total struct {
		anon, det string
		differs   bool
	}
	rows := map[string][]total{} // by column name; both bundles' totals
	inTotals := false
	for _, l := range strings.Split(out, "\n") {
		fields := strings.Fields(l)
		switch {
		case len(fields) == 1 && fields[0] == "Totals":
			inTotals = true
		case len(fields) == 0:
			inTotals = false
		case inTotals && fields[0] != "COLUMN" && !isRule(fields[0]):
			var r total
			if r.differs = fields[len(fields)-1] == "differs"; r.differs {
				fields = fields[:len(fields)-1]
			}
			if len(fields) < 3 {
				t.Fatalf("totals line %q has too few cells", l)
			}
			n := len(fields)
			r.anon, r.det = fields[n-2], fields[n-1]
			name := strings.Join(fields[:n-2], " ")
			rows[name] = append(rows[name], r)
		}
	}
	want := map[string][]total{
		"customers":                            {{"3", "3", false}, {"4", "4", false}},
		"Subscribers":                          {{"120", "120", false}, {"310", "310", false}},
		"Voicemail":                            {{"45", "45", false}},
		"Number of Subscribers with Voicemail": {{"98", "100", true}},
		"Fax Lines":                            {{"-", "7", true}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("totals read back as %v, want %v\n%s", rows, want, out)
	}
}

// TestTableSummary: the run summary closes the output.
func TestTableSummary(t *testing.T) {
	out := strings.TrimRight(string(render(t, "table", Options{}, nil)), "\n")
	last := out[strings.LastIndexByte(out, '\n')+1:]
	if want := "4 bundles: 1 passed, 3 failed; 8 errors, 2 warnings, 2 info"; last != want {
		t.Errorf("last line = %q, want %q", last, want)
	}
}

// TestTableBundlesDrawnAlone: a bundle reads the same whichever bundles
// come before it. The table format reuses its tablewriter tables from one
// bundle to the next, and nothing of one table (widths, alignment, header,
// rows) may carry over into the next: the bundles' part of a whole run,
// in either order and with totals of three and of four columns, must be
// the bundles drawn one by one.
func TestTableBundlesDrawnAlone(t *testing.T) {
	base := fixture()
	anonOnly := base.Bundles[0]
	anonOnly.Path = "in/vlf_CS-P_VOSS-UN-2_license_2026-11-01_0300.zip"
	anonOnly.Totals = &finding.Totals{Columns: []string{"Subscribers"},
		Anonymous: &finding.CSVTotals{Customers: 1, Sums: map[string]int64{"Subscribers": 7}}}
	bundles := append(base.Bundles, anonOnly)
	for _, order := range []string{"forward", "reversed"} {
		t.Run(order, func(t *testing.T) {
			bs := slices.Clone(bundles)
			if order == "reversed" {
				slices.Reverse(bs)
			}
			var want []string
			for _, b := range bs {
				one := *base
				one.Bundles = []Bundle{b}
				want = append(want, bundlesPart(t, render(t, "table", Options{}, &one)))
			}
			all := *base
			all.Bundles = bs
			if got := bundlesPart(t, render(t, "table", Options{}, &all)); got != strings.Join(want, "\n") {
				t.Errorf("the bundles drawn in one run differ from the bundles drawn alone:\n%s\nalone:\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
}

// bundlesPart is a table's output without its closing summary line and the
// blank line before it.
func bundlesPart(t *testing.T, out []byte) string {
	t.Helper()
	s := strings.TrimSuffix(string(out), "\n")
	i := strings.LastIndex(s, "\n\n")
	if i < 0 {
		t.Fatalf("no summary line after a blank line in\n%s", out)
	}
	return s[:i+1]
}

// TestTableLayOutWorkers lays out reports of 0 to 500 bundles on one to
// seven goroutines. Every layout must be byte for byte the one-goroutine
// layout, and that must be each bundle's own table (the bundle as a report
// of its own, without its summary), in the bundles' order, then the
// summary.
func TestTableLayOutWorkers(t *testing.T) {
	table := Table{}
	for _, n := range []int{0, 1, 7, 8, 9, 16, 17, 500} {
		r := manyBundles(n)
		var want bytes.Buffer
		for _, b := range r.Bundles {
			single := &Report{Bundles: []Bundle{b}, FailOn: r.FailOn}
			single.Finalize()
			var one bytes.Buffer
			if err := table.render(&one, single, 1); err != nil {
				t.Fatal(err)
			}
			part, ok := strings.CutSuffix(one.String(), table.summary(single.Summary)+"\n")
			if !ok {
				t.Fatalf("a one-bundle table does not end in its summary:\n%s", one.String())
			}
			want.WriteString(part)
		}
		want.WriteString(table.summary(r.Summary) + "\n")
		for _, workers := range []int{1, 2, 3, 4, 7} {
			var got bytes.Buffer
			if err := table.render(&got, r, workers); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				gl, wl := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
				i := 0
				for i < min(len(gl), len(wl)) && gl[i] == wl[i] {
					i++
				}
				t.Errorf("%d bundles on %d goroutines: line %d differs (got %d lines, want %d):\n got %q\nwant %q",
					n, workers, i+1, len(gl), len(wl), lineAt(gl, i), lineAt(wl, i))
			}
		}
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(no line)"
}

func TestLayOutWorkers(t *testing.T) {
	for _, tc := range []struct{ bundles, cpus, want int }{
		{0, 8, 1}, {1, 8, 1}, {2*tableBatch - 1, 8, 1},
		{2 * tableBatch, 1, 1}, {2 * tableBatch, 2, 2}, {500, 3, 3},
		{500, 64, maxTableWorkers}, {500, 0, 1},
	} {
		if got := layOutWorkers(tc.bundles, tc.cpus); got != tc.want {
			t.Errorf("layOutWorkers(%d bundles, %d CPUs) = %d, want %d", tc.bundles, tc.cpus, got, tc.want)
		}
	}
}
