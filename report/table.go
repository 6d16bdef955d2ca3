package report

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/licaudit/licaudit/finding"
)

func init() {
	renderers["table"] = func(o Options) Renderer { return Table{Color: o.Color, Width: o.Width} }
	// tablewriter memoises text widths in a process-wide LRU cache behind
	// a lock; for the short ASCII cells of a report, looking a width up
	// cost more than measuring it (BenchmarkRender/table: a quarter of
	// the time, and most of it once two goroutines lay out at once).
	twwidth.SetCacheCapacity(0)
}

// Table renders the report for people at a terminal: per bundle its
// verdict and counts, its findings grouped by member, the totals of its
// CSVs side by side, and at the end the run summary. Every line fits in
// its width; long messages and paths wrap instead of being cut.
type Table struct {
	// Color enables ANSI colour. The caller decides (a terminal, no
	// NO_COLOR); without it the output holds no escape sequence at all.
	Color bool
	// Width is the width to lay the table out for, in columns: 0 for
	// TableWidth, and within MinTableWidth and MaxTableWidth otherwise.
	// The caller sets a terminal's width when it writes to one.
	Width int
}

// TableWidth is the width of a table written anywhere but to a terminal
// (a file, a pipe, a CI log): fixed, so that the output of a run does not
// depend on the window it ran in (and golden files stay stable).
const TableWidth = 80

// The widths a terminal's width is brought within: the table needs
// TableWidth for its longest rule ids, line labels and counts beside a
// readable message, and past MaxTableWidth lines are hard to follow.
const (
	MinTableWidth = TableWidth
	MaxTableWidth = 160
)

// width is the width the table is laid out for.
func (t Table) width() int {
	if t.Width == 0 {
		return TableWidth
	}
	return min(max(t.Width, MinTableWidth), MaxTableWidth)
}

// Layout of the table: bundle headings start at column 0 with the verdict,
// member headings are indented by memberIndent, their findings by rowIndent.
const (
	verdictIndent = 6 // "FAIL  "
	memberIndent  = 2
	rowIndent     = 4
	columnGap     = 2
	levelWidth    = 7  // "warning"
	maxRuleWidth  = 24 // longer rule ids wrap
	minMsgWidth   = 20
)

// Render implements Renderer. tablewriter takes about a fifth of a
// millisecond to lay out a bundle's tables (BenchmarkRender), so a report
// of many bundles is laid out on several goroutines (see layOutWorkers).
func (t Table) Render(w io.Writer, r *Report) error {
	return t.render(w, r, layOutWorkers(len(r.Bundles), runtime.GOMAXPROCS(0)))
}

// render lays out the bundles on workers goroutines, tableBatch bundles
// at a time, each batch into a buffer of its own, and writes the buffers
// in the bundles' order: the output is the same for any number of workers.
func (t Table) render(w io.Writer, r *Report, workers int) error {
	batches := (len(r.Bundles) + tableBatch - 1) / tableBatch
	parts := make([]bytes.Buffer, batches)
	errs := make([]error, batches)
	var next atomic.Int64
	layOut := func() {
		var d tableDrawer
		for {
			k := int(next.Add(1) - 1)
			if k >= batches {
				return
			}
			for _, b := range r.Bundles[k*tableBatch : min((k+1)*tableBatch, len(r.Bundles))] {
				if err := t.bundle(&parts[k], &d, b); err != nil {
					errs[k] = err
					break
				}
				parts[k].WriteByte('\n')
			}
		}
	}
	var wg sync.WaitGroup
	for range min(workers, batches) - 1 {
		wg.Go(layOut)
	}
	layOut()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Written batch by batch rather than joined first, so that a large
	// report is not held twice.
	for i := range parts {
		if _, err := w.Write(parts[i].Bytes()); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, t.summary(r.Summary)+"\n")
	return err
}

// Laying out a report on several goroutines (see Table.render).
const (
	// tableBatch is how many bundles a goroutine takes at a time: few
	// enough that a run of bundles with many findings spreads over the
	// goroutines.
	tableBatch = 8
	// maxTableWorkers bounds the goroutines: each keeps tablewriter tables
	// of its own, and tablewriter measures text widths under one lock for
	// the whole process, so two goroutines lay out 500 bundles only 1.2 to
	// 1.35 times as fast as one.
	maxTableWorkers = 4
)

// layOutWorkers is how many goroutines lay out a table of n bundles on
// cpus cores: one for fewer than two batches (a CI gate's report of a
// bundle or two is not worth starting any), else a goroutine per core up
// to maxTableWorkers.
func layOutWorkers(n, cpus int) int {
	if n < 2*tableBatch {
		return 1
	}
	return max(1, min(cpus, maxTableWorkers))
}

// bundle writes one bundle: heading, findings by member, totals.
func (t Table) bundle(buf *bytes.Buffer, d *tableDrawer, b Bundle) error {
	verdict := strings.ToUpper(b.Verdict)
	switch b.Verdict {
	case Pass:
		verdict = t.paint(verdict, sgrGreen+";"+sgrBold)
	case Fail:
		verdict = t.paint(verdict, sgrRed+";"+sgrBold)
	}
	name := wrap(cleanLine(baseName(b.Path)), t.width()-verdictIndent)
	for i, l := range name {
		if i == 0 {
			buf.WriteString(verdict + pad(verdictIndent-width(verdict)) + l + "\n")
		} else {
			buf.WriteString(pad(verdictIndent) + l + "\n")
		}
	}
	detail := cleanLine(b.Kind) + "; " + countsText(b.Counts, waivedCount(b))
	for _, l := range wrap(detail, t.width()-verdictIndent) {
		buf.WriteString(pad(verdictIndent) + l + "\n")
	}

	if len(b.Findings) > 0 {
		if err := t.findings(buf, d, b.Findings); err != nil {
			return err
		}
	}
	if b.Totals != nil {
		if err := t.totals(buf, d, b.Totals); err != nil {
			return err
		}
	}
	return nil
}

// findingCols are the column widths of one bundle's findings, shared by
// its member groups so that they line up.
type findingCols struct{ rule, line, msg int }

func layout(fs []finding.Finding, tableWidth int) findingCols {
	var c findingCols
	for _, f := range fs {
		c.rule = max(c.rule, width(cleanLine(f.Rule)))
		if f.Line > 0 {
			c.line = max(c.line, len(lineLabel(f.Line)))
		}
	}
	c.rule = min(c.rule, maxRuleWidth)
	used := rowIndent + levelWidth + columnGap + c.rule + columnGap
	if c.line > 0 {
		used += c.line + columnGap
	}
	c.msg = max(tableWidth-used, minMsgWidth)
	return c
}

// lineLabel shows a line under its member heading: ":12" reads as the
// member:line the user would type into an editor.
func lineLabel(n int) string { return ":" + strconv.Itoa(n) }

// findings writes a bundle's findings grouped by member (they arrive sorted
// by file): a heading with the member path, then one row per finding.
func (t Table) findings(buf *bytes.Buffer, d *tableDrawer, fs []finding.Finding) error {
	cols := layout(fs, t.width())
	buf.WriteByte('\n')
	for start := 0; start < len(fs); {
		end := start + 1
		for end < len(fs) && fs[end].File == fs[start].File {
			end++
		}
		member := "(bundle)"
		if fs[start].File != "" {
			member = cleanLine(fs[start].File)
		}
		for _, l := range wrap(member, t.width()-memberIndent) {
			buf.WriteString(pad(memberIndent) + t.paint(l, sgrBold) + "\n")
		}
		if err := t.group(buf, d, fs[start:end], cols); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// group writes the findings of one member as a headerless table.
func (t Table) group(buf *bytes.Buffer, d *tableDrawer, fs []finding.Finding, c findingCols) error {
	widths := tw.NewMapper[int, int]().Set(0, levelWidth+columnGap).Set(1, c.rule+columnGap)
	msgCol := 2
	if c.line > 0 {
		widths.Set(2, c.line+columnGap)
		msgCol = 3
	}
	widths.Set(msgCol, c.msg+columnGap)

	rows := make([][]string, 0, len(fs))
	for _, f := range fs {
		level := t.level(f)
		msg := cleanText(f.Message)
		if f.Location != "" {
			msg = "[" + cleanLine(f.Location) + "] " + msg
		}
		if f.Waived != "" {
			msg += "\n(waived " + f.Severity.String() + ": " + cleanText(f.Waived) + ")"
		}
		row := []string{level, strings.Join(wrap(cleanLine(f.Rule), c.rule), "\n")}
		if c.line > 0 {
			l := ""
			if f.Line > 0 {
				l = lineLabel(f.Line)
			}
			row = append(row, l)
		}
		row = append(row, strings.Join(wrap(msg, c.msg), "\n"))
		rows = append(rows, row)
	}
	return d.draw(buf, rowIndent, nil, rows, widths, nil)
}

// level is the severity cell of a finding: "waived" for a waived one, as it
// neither counts nor fails.
func (t Table) level(f finding.Finding) string {
	if f.Waived != "" {
		return t.paint("waived", sgrDim)
	}
	switch f.Severity {
	case finding.Error:
		return t.paint("error", sgrRed)
	case finding.Warning:
		return t.paint("warning", sgrYellow)
	}
	return t.paint(f.Severity.String(), sgrCyan)
}

// summary is the closing line of the run.
func (t Table) summary(s Summary) string {
	text := summaryText(s)
	switch {
	case s.Failed > 0:
		return t.paint(text, sgrRed+";"+sgrBold)
	case s.Bundles > 0:
		return t.paint(text, sgrGreen+";"+sgrBold)
	}
	return text
}

// SGR parameters of the few colours the table uses.
const (
	sgrBold   = "1"
	sgrDim    = "2"
	sgrRed    = "31"
	sgrGreen  = "32"
	sgrYellow = "33"
	sgrCyan   = "36"
)

// paint wraps s in an SGR sequence when colour is on. It is only applied to
// single-line text: a colour spanning a wrapped cell would bleed into the
// neighbouring columns.
func (t Table) paint(s, sgr string) string {
	if !t.Color || s == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}

func pad(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}
