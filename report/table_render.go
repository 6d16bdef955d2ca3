package report

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// tableDrawer draws the table format's tables with tablewriter. It keeps
// one tablewriter.Table for each set of options a table is drawn with and
// resets it between tables, because tablewriter.NewTable (v1.1.5) makes a
// cache of 10,240 entries: a new table for each bundle's totals and each
// member's findings allocated 200 MB for 500 bundles and took 3/4 of the
// table format's time (BenchmarkRender/table).
type tableDrawer struct {
	out    bytes.Buffer
	tables map[tableSetup]*tablewriter.Table
}

// tableSetup is what decides a table's options besides its header and rows:
// a table is only reused for tables with the same options, so every option
// it was given is set again, to the same value, when it is reused.
type tableSetup struct{ widths, align bool }

// draw draws rows in the table format's style: no borders, columns
// separated by blanks, an ASCII rule under the header (box drawing
// characters are double width in East Asian terminals). The lines are
// indented, stripped of trailing blanks and written to buf. widths, when
// set, fixes each column's width including its gap; the cells are
// pre-wrapped to fit.
func (d *tableDrawer) draw(buf *bytes.Buffer, indent int, header []string, rows [][]string, widths tw.Mapper[int, int], align []tw.Align) error {
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
		// Reset purges the stringer cache, and tablewriter's own cache
		// purges by allocating a new one; no stringer is set, so none is
		// needed.
		tablewriter.WithStringerCacheCustom(noStringerCache{}),
	}
	if widths != nil {
		opts = append(opts, tablewriter.WithColumnWidths(widths))
	}
	if align != nil {
		opts = append(opts,
			tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
			tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}))
	}
	setup := tableSetup{widths: widths != nil, align: align != nil}
	d.out.Reset()
	table := d.tables[setup]
	if table == nil {
		table = tablewriter.NewTable(&d.out, opts...)
		if d.tables == nil {
			d.tables = map[tableSetup]*tablewriter.Table{}
		}
		d.tables[setup] = table
	} else {
		table.Reset()
		table.Options(opts...)
	}
	if header != nil {
		table.Header(header)
	}
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	lines := strings.Split(strings.TrimRight(d.out.String(), "\n"), "\n")
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
			buf.WriteString(pad(indent))
			buf.WriteString(l)
		}
		buf.WriteByte('\n')
	}
	return nil
}

// noStringerCache is a tablewriter stringer cache that keeps nothing.
type noStringerCache struct{}

func (noStringerCache) Add(reflect.Type, reflect.Value) bool { return false }

func (noStringerCache) Get(reflect.Type) (reflect.Value, bool) { return reflect.Value{}, false }

func (noStringerCache) Purge() {}

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
