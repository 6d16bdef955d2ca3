package report

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/licaudit/licaudit/finding"
)

// totals writes the customer count and the per-column sums of the
// anonymous and the detailed CSV side by side, marking the rows that
// differ, so a partner sees at a glance that the two agree.
func (t Table) totals(buf *bytes.Buffer, d *tableDrawer, tot *finding.Totals) error {
	buf.WriteString("\n" + pad(memberIndent) + t.paint("Totals", sgrBold) + "\n")
	both := tot.Anonymous != nil && tot.Detailed != nil
	row := func(name string, nameW int, anon, det string, ok bool) []string {
		cells := []string{strings.Join(wrap(cleanLine(name), nameW), "\n"), anon, det}
		if both {
			mark := ""
			if !ok {
				mark = t.paint("differs", sgrRed)
			}
			cells = append(cells, mark)
		}
		return cells
	}
	customers := func(c *finding.CSVTotals) string {
		if c == nil {
			return "-"
		}
		return strconv.Itoa(c.Customers)
	}
	type line struct {
		name, anon, det string
		ok              bool
	}
	lines := []line{{"customers", customers(tot.Anonymous), customers(tot.Detailed),
		!both || tot.Anonymous.Customers == tot.Detailed.Customers}}
	for _, col := range totalsColumns(tot) {
		a, aok := sum(tot.Anonymous, col)
		d, dok := sum(tot.Detailed, col)
		lines = append(lines, line{col, a, d, !both || (aok && dok && a == d)})
	}
	// The numbers keep their width; the column names get what is left.
	anonW, detW := len("ANONYMOUS"), len("DETAILED")
	for _, l := range lines {
		anonW, detW = max(anonW, len(l.anon)), max(detW, len(l.det))
	}
	nameW := t.width() - rowIndent - anonW - detW - 2*columnGap
	if both {
		nameW -= len("differs") + columnGap
	}
	nameW = max(nameW-columnGap, minMsgWidth)
	rows := make([][]string, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, row(l.name, nameW, l.anon, l.det, l.ok))
	}
	header := []string{"COLUMN", "ANONYMOUS", "DETAILED"}
	align := []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight}
	if both {
		header = append(header, "")
		align = append(align, tw.AlignLeft)
	}
	return d.draw(buf, rowIndent, header, rows, nil, align)
}

// totalsColumns is the count columns in the anonymous CSV's order, then any
// column only one CSV has, sorted, so a missing column shows as "-".
func totalsColumns(tot *finding.Totals) []string {
	seen := map[string]bool{}
	cols := append([]string(nil), tot.Columns...)
	for _, c := range cols {
		seen[c] = true
	}
	var extra []string
	for _, t := range []*finding.CSVTotals{tot.Anonymous, tot.Detailed} {
		if t == nil {
			continue
		}
		for c := range t.Sums {
			if !seen[c] {
				seen[c] = true
				extra = append(extra, c)
			}
		}
	}
	slices.Sort(extra)
	return append(cols, extra...)
}

func sum(t *finding.CSVTotals, col string) (string, bool) {
	if t == nil {
		return "-", false
	}
	v, ok := t.Sums[col]
	if !ok {
		return "-", false
	}
	return strconv.FormatInt(v, 10), true
}
