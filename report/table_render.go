package report

import (
	"bytes"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// renderTable draws rows with tablewriter in the table format's style: no
// borders, columns separated by blanks, an ASCII rule under the header (box
// drawing characters are double width in East Asian terminals). The lines
// are indented and stripped of trailing blanks. widths, when set, fixes
// each column's width including its gap; the cells are pre-wrapped to fit.
func renderTable(buf *bytes.Buffer, indent int, header []string, rows [][]string, widths tw.Mapper[int, int], align []tw.Align) error {
	var out bytes.Buffer
	opts := []tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: pad(columnGap), Overwrite: true}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	}
	if widths != nil {
		opts = append(opts, tablewriter.WithColumnWidths(widths))
	}
	if align != nil {
		opts = append(opts,
			tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
			tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}))
	}
	table := tablewriter.NewTable(&out, opts...)
	if header != nil {
		table.Header(header)
	}
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	// The header rule spans the trailing gap of the last column too; cut it
	// to the widest row so it does not stick out (or past the screen).
	widest := 0
	for i, l := range lines {
		lines[i] = trimRight(l)
		if !isRule(lines[i]) {
			widest = max(widest, width(lines[i]))
		}
	}
	for _, l := range lines {
		if isRule(l) && len(l) > widest {
			l = l[:widest]
		}
		if l != "" {
			l = pad(indent) + l
		}
		buf.WriteString(l + "\n")
	}
	return nil
}

// trimRight drops the blanks at the end of a line, also where tablewriter
// put them before or between closing colour sequences (which are kept).
func trimRight(l string) string {
	var tail []string
	for {
		switch t := strings.TrimRight(l, " "); {
		case t != l:
			l = t
		case strings.HasSuffix(l, "m") && strings.LastIndex(l, "\x1b[") >= 0 && sgrOnly(l[strings.LastIndex(l, "\x1b["):]):
			i := strings.LastIndex(l, "\x1b[")
			tail = append(tail, l[i:])
			l = l[:i]
		default:
			for i := len(tail) - 1; i >= 0; i-- {
				l += tail[i]
			}
			return l
		}
	}
}

// sgrOnly reports whether s is exactly one SGR sequence, ESC [ digits ; m.
func sgrOnly(s string) bool {
	if !strings.HasPrefix(s, "\x1b[") || !strings.HasSuffix(s, "m") {
		return false
	}
	return strings.Trim(s[2:len(s)-1], "0123456789;") == ""
}

// isRule reports whether l is the ASCII rule tablewriter draws under a
// header.
func isRule(l string) bool { return l != "" && strings.Trim(l, "-") == "" }
