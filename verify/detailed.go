package verify

import (
	"path/filepath"
	"strings"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

// detailedColumns are the identifying columns the detailed CSV leads with.
var detailedColumns = []string{"Provider", "Reseller", "Customer"}

// verifyDetailedFile checks a detailed CSV given on its own.
func verifyDetailedFile(res *Result, in Input, s *sink, opts Options) {
	n, _ := schema.ParseVOSSName(filepath.Base(in.Path))
	if _, err := n.Time(); err != nil {
		s.add(ruleNameTimestamp, at{subject: "bundle"}, "the timestamp %q in the name is not a real date and time (YYYY-MM-DD_HHMM)", n.Stamp)
	}
	verifyDetailed(res, in.Path, "", s, opts)
}

// verifyDetailed reads the partner's detailed CSV (a plain file beside the
// ZIP) in one pass: its CSV structure, its keys and counts, the names it
// holds (which the anonymous CSV must not), and a compact table of its
// customers' counts to reconcile the anonymous CSV with. member is how
// findings name the file: "" when it is the bundle itself, its base name
// when it is paired with a ZIP.
func verifyDetailed(res *Result, path, member string, s *sink, opts Options) (*identity, *customerTable) {
	rc, err := openFile(path)
	if err != nil {
		s.add(ruleZipUnreadable, at{file: member}, "the detailed CSV cannot be read: %v", err)
		return nil, nil
	}
	mr := newMemberReader(rc)
	t := newTextScanner(mr, opts.CSV.MaxLineBytes)
	c := openCSV(s, member, t, true)
	id := newIdentity()
	var table *customerTable
	if c.header != nil {
		table = readDetailedRows(res, c, s, id, path, member)
	}
	c.finish()
	mr.finish()
	if mr.err != nil {
		s.add(ruleZipUnreadable, at{file: member}, "the detailed CSV could not be read to the end: %v", mr.err)
	}
	if mr.n == 0 && mr.err == nil {
		s.add(ruleMemberEmpty, at{file: member}, "the detailed CSV is empty (0 bytes); re-run the export")
	}
	return id, table
}

func readDetailedRows(res *Result, c *csvFile, s *sink, id *identity, path, member string) *customerTable {
	for _, col := range append(detailedColumns, colCustomerPKID) {
		if c.column(col) < 0 {
			s.add(ruleCSVHeader, at{file: member, line: c.headerLine, location: col}, "the detailed CSV has no %q column; it leads with Provider, Reseller, Customer and Customer PKID", col)
		}
	}
	pk := c.column(colCustomerPKID)
	var nameCols []int
	for _, col := range detailedColumns {
		if i := c.column(col); i >= 0 {
			nameCols = append(nameCols, i)
		}
	}
	counts := countColumns(c.header)
	totals := newCSVTotals(c.header, counts)
	table := newCustomerTable(path, member, totals.columns)
	ids := newIDSet()
	for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
		for _, i := range nameCols {
			id.add(rec[i], strings.ToLower(c.header[i])+" name")
		}
		values := parseCounts(s, c, rec, line, counts)
		totals.add(counts, values)
		if pk < 0 {
			continue
		}
		key := strings.TrimSpace(rec[pk])
		if key == "" {
			s.add(ruleAnonCustomerKey, at{file: member, line: line, location: colCustomerPKID}, "line %d of the detailed CSV has an empty Customer PKID", line)
			continue
		}
		if first, dup := ids.add(key, line); dup {
			s.add(ruleAnonCustomerKey, at{file: member, line: line, location: colCustomerPKID}, "the Customer PKID on line %d of the detailed CSV repeats line %d", line, first)
			continue
		}
		table.add(key, line, values)
	}
	table.seal()
	if res.Totals == nil {
		res.Totals = &finding.Totals{Columns: totals.columns}
	}
	res.Totals.Detailed = totals.result()
	return table
}
