package verify

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

// CSV rules shared by every CSV member of either format.
var (
	ruleCSVEncoding = newRule("csv.encoding", finding.Error,
		"A CSV holds invalid UTF-8 or a NUL byte (a byte-order mark is reported as info).",
		"Export the CSV again as UTF-8; do not save it from a spreadsheet in another encoding.")
	ruleCSVSyntax = newRule("csv.syntax", finding.Error,
		"A CSV has an unterminated or stray quote, or a line beyond the row length limit.",
		"Re-run the export; a quote inside a field must be doubled and the field quoted.")
	ruleCSVHeader = newRule("csv.header", finding.Error,
		"The CSV header row is missing, or a column name is blank or repeated.",
		"Re-run the export; the first row after the metadata lines names every column once.")
	ruleCSVRaggedRow = newRule("csv.ragged-row", finding.Error,
		"A row has a different number of fields than the header.",
		"Re-run the export; quote fields that contain commas.")
	ruleCSVFormulaInjection = newRule("csv.formula-injection", finding.Warning,
		"A cell starts with `=`, `+`, `-`, `@`, tab or CR and is not a number: a spreadsheet would run it as a formula.",
		"Remove the leading character or prefix the value with a single quote before sending.")
	ruleCSVBOM = newRule("csv.bom", finding.Info,
		"A CSV starts with a UTF-8 byte-order mark.",
		"Nothing to fix; the byte-order mark is tolerated but not needed.")
	ruleCSVLineEndings = newRule("csv.line-endings", finding.Info,
		"A CSV mixes CRLF and LF line endings.",
		"Nothing to fix if the file came from the exporter; mixed endings suggest it was edited.")
)

// CSVLimits bound what a CSV member may make licaudit hold.
type CSVLimits struct {
	// MaxLineBytes is the longest physical line; a real row is a few KiB.
	MaxLineBytes int `yaml:"max_line_bytes"`
}

// DefaultCSVLimits allows lines far longer than any real row.
func DefaultCSVLimits() CSVLimits { return CSVLimits{MaxLineBytes: 1 << 20} }

// metaLine is a "#Key=Value" line before a VOSS CSV's header.
type metaLine struct {
	line       int
	raw        string
	key, value string
	ok         bool // has a '='
}

// csvFile reads a CSV member record by record, in the same pass as its hash:
// optional "#Key=Value" metadata lines, the header row, then the rows.
type csvFile struct {
	s      *sink
	member string
	t      *textScanner
	sc     *csvScanner

	meta       []metaLine
	header     []string
	headerLine int

	// spreadsheet enables csv.formula-injection: the file is one a
	// partner may open in a spreadsheet.
	spreadsheet bool
	// failed is set once reading cannot go on (ZIP layer, line limit).
	failed bool
	// ahead reads the rows on a goroutine of their own when the member is
	// large (see startAhead); nil when they are read in place.
	ahead *csvAhead
	// formula is the scanner's word on the record read last: whether a
	// cell may start like a formula, so that most rows skip the check.
	formula bool
}

// openCSV reads the metadata lines (when allowMeta) and the header row. A
// CSV without a header gets csv.header and a nil header.
func openCSV(s *sink, member string, t *textScanner, allowMeta bool) *csvFile {
	c := &csvFile{s: s, member: member, t: t, sc: newCSVScanner(t), spreadsheet: true}
	c.sc.maxRecord = t.maxLine
	if allowMeta {
		for {
			b, err := c.sc.peekByte()
			if err != nil || b != '#' {
				break
			}
			raw, err := c.sc.readRawLine()
			line := strings.TrimRight(raw, "\r\n")
			m := metaLine{line: c.sc.numLine, raw: line}
			m.key, m.value, m.ok = strings.Cut(strings.TrimPrefix(line, "#"), "=")
			m.key = strings.TrimSpace(m.key)
			m.value = strings.TrimSpace(m.value)
			c.meta = append(c.meta, m)
			if err != nil {
				c.checkReadError(err)
				break
			}
		}
	}
	if c.failed {
		return c
	}
	metaLines := c.sc.numLine
	rec, line, ok := c.read()
	if !ok {
		if !c.failed {
			c.s.add(ruleCSVHeader, at{file: member, line: metaLines + 1}, "the CSV has no header row; re-run the export")
		}
		return c
	}
	c.header = make([]string, len(rec))
	c.headerLine = line
	seen := map[string]int{}
	for i, name := range rec {
		// A copy: the header is kept (in the totals of the report, too),
		// and its row's text shares an arena with the rows after it.
		c.header[i] = strings.Clone(strings.TrimSpace(name))
		switch {
		case c.header[i] == "":
			c.s.add(ruleCSVHeader, at{file: member, line: line, location: fmt.Sprintf("column %d", i+1)}, "column %d of the header has no name; every column needs one", i+1)
		case seen[c.header[i]] > 0:
			c.s.add(ruleCSVHeader, at{file: member, line: line, location: c.header[i]}, "the column %q appears twice in the header (columns %d and %d); each column is named once", c.header[i], seen[c.header[i]], i+1)
		default:
			seen[c.header[i]] = i + 1
		}
	}
	// A member of more than one pipeline block is worth a goroutine of
	// its own for splitting rows; the member reader's finish stops it, so
	// no caller can leave it running. A member in one block is read in
	// place, with two arenas in turn: its rows keep the lifetime the read
	// ahead gives them, which the arenacheck build holds the checks to
	// (there every member is read ahead).
	if mr, ok := t.r.(*memberReader); ok {
		if arenaCheck || !mr.lastBlock() {
			c.ahead = startAhead(c.sc)
			mr.onFinish = c.ahead.stopAhead
		} else {
			c.sc.alternate = true
		}
	}
	return c
}

// read returns the next record and its physical line, reporting syntax
// errors and going on after them; it returns false at the end or when
// reading cannot go on.
func (c *csvFile) read() ([]string, int, bool) {
	for !c.failed {
		var rec []string
		var line int
		var err error
		if c.ahead != nil {
			rec, line, c.formula, err = c.ahead.next()
		} else {
			rec, err = c.sc.Read()
			line, c.formula = c.sc.line(), c.sc.formula
		}
		if err == nil {
			return rec, line, true
		}
		if err == io.EOF {
			return nil, 0, false
		}
		if isSyntaxError(err) {
			var pe *csv.ParseError
			errors.As(err, &pe)
			if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine < pe.Line {
				// A quoted field opened on StartLine ran on to Line: a
				// quote left open shows only where reading gave up (the
				// end of the file, say), so the finding stands where the
				// record starts and names both lines.
				c.s.add(ruleCSVSyntax, at{file: c.member, line: pe.StartLine, subject: fmt.Sprint(pe.StartLine)},
					"the record on line %d has a quoted field that runs on to line %d and is not closed, or has text after its closing quote (line %d, column %d); double quotes inside a field and close every quoted field", pe.StartLine, pe.Line, pe.Line, pe.Column)
				continue
			}
			what := "a quote in an unquoted field"
			if errors.Is(pe.Err, csv.ErrQuote) {
				what = "a quoted field that is not closed, or text after its closing quote"
			}
			c.s.add(ruleCSVSyntax, at{file: c.member, line: pe.Line, subject: fmt.Sprint(pe.StartLine)},
				"line %d has %s (column %d); double quotes inside a field and quote the whole field", pe.Line, what, pe.Column)
			continue
		}
		c.checkReadError(err)
	}
	return nil, 0, false
}

func (c *csvFile) checkReadError(err error) {
	if err == io.EOF {
		return // the end of the file is no failure: the next read says so
	}
	var tooLong *errLineTooLong
	var tooLongRecord *errRecordTooLong
	switch {
	case errors.As(err, &tooLong):
		c.s.add(ruleCSVSyntax, at{file: c.member, line: tooLong.line, subject: "line-limit"},
			"line %d is longer than %d bytes (limits.csv.max_line_bytes); the rest of the file was not checked", tooLong.line, tooLong.limit)
	case errors.As(err, &tooLongRecord):
		c.s.add(ruleCSVSyntax, at{file: c.member, line: tooLongRecord.line, subject: "record-limit"},
			"the row starting at line %d runs on for more than %d bytes (limits.csv.max_line_bytes): a quoted field there is never closed; the rest of the file was not checked", tooLongRecord.line, tooLongRecord.limit)
	case isZipLayer(err):
		// judged by the member reader
	default:
		c.s.add(ruleCSVSyntax, at{file: c.member, line: c.t.line}, "the CSV cannot be read past line %d: %v", c.t.line, err)
	}
	c.failed = true
}

// next returns the next data row. Rows whose field count differs from the
// header's get csv.ragged-row and are skipped, so that checks of columns do
// not misfire on shifted fields.
func (c *csvFile) next() ([]string, int, bool) {
	for {
		rec, line, ok := c.read()
		if !ok {
			return nil, 0, false
		}
		if c.header != nil && len(rec) != len(c.header) {
			c.s.add(ruleCSVRaggedRow, at{file: c.member, line: line},
				"line %d has %d fields but the header has %d; quote fields that contain commas", line, len(rec), len(c.header))
			continue
		}
		if c.spreadsheet && c.formula {
			c.checkFormulas(rec, line)
		}
		return rec, line, true
	}
}

func (c *csvFile) checkFormulas(rec []string, line int) {
	for i, v := range rec {
		if v == "" {
			continue
		}
		switch v[0] {
		case '=', '+', '-', '@', '\t', '\r':
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				continue
			}
			col := fmt.Sprintf("column %d", i+1)
			if i < len(c.header) {
				col = c.header[i]
			}
			c.s.add(ruleCSVFormulaInjection, at{file: c.member, line: line, location: col},
				"the cell %s starts with %q and a spreadsheet would run it as a formula; remove the leading character", c.s.value(v), v[:1])
		}
	}
}

// consumed is about how many bytes of the file have been read up to the
// last record: exactly when it is read in place, to the end of its batch
// when read ahead. It is for estimates (see reserveAhead).
func (c *csvFile) consumed() int64 {
	if c.ahead != nil && c.ahead.cur != nil {
		return c.ahead.cur.consumed
	}
	return c.sc.consumed
}

// finish reports what the byte scanner saw over the whole member.
func (c *csvFile) finish() {
	if c.ahead != nil {
		c.ahead.stopAhead()
	}
	c.sc.release()
	reportEncoding(c.s, c.member, c.t, ruleCSVEncoding)
	if c.t.bom {
		c.s.add(ruleCSVBOM, at{file: c.member, line: 1}, "the CSV starts with a UTF-8 byte-order mark; it is tolerated")
	}
	if c.t.mixedEndings() {
		c.s.add(ruleCSVLineEndings, at{file: c.member, line: max(c.t.firstCRLF, c.t.firstLF)},
			"the CSV mixes CRLF (%d lines, first at line %d) and LF (%d lines, first at line %d) endings: it was probably edited after export", c.t.crlf, c.t.firstCRLF, c.t.lf, c.t.firstLF)
	}
}

// reportEncoding reports a NUL byte and invalid UTF-8 under rule r.
func reportEncoding(s *sink, member string, t *textScanner, r *finding.Rule) {
	if t.nulLine != 0 {
		s.add(r, at{file: member, line: t.nulLine, subject: "nul"}, "line %d holds a NUL byte; the file is binary or damaged: export it again as UTF-8 text", t.nulLine)
	}
	if t.badUTF8Line != 0 {
		s.add(r, at{file: member, line: t.badUTF8Line, subject: "utf8"}, "line %d is not valid UTF-8 (first bad byte there); export the file again as UTF-8, not from a spreadsheet in another encoding", t.badUTF8Line)
	}
}

// column returns the index of a header column, or -1.
func (c *csvFile) column(name string) int {
	for i, h := range c.header {
		if h == name {
			return i
		}
	}
	return -1
}
