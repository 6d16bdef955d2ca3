package verify

import (
	"hash/maphash"
	"os"
	"path/filepath"
	"strings"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

// verifyDetailedFile checks a detailed CSV given on its own: its structure,
// keys and counts. With no ZIP to compare it with, it keeps neither names
// nor a customer table.
func verifyDetailedFile(res *Result, in Input, s *sink, opts Options) {
	n, _ := schema.ParseVOSSName(filepath.Base(in.Path))
	if _, err := n.Time(); err != nil {
		s.add(ruleNameTimestamp, at{subject: "bundle"}, "the timestamp %q in the name is not a real date and time (YYYY-MM-DD_HHMM)", n.Stamp)
	}
	readDetailed(res, in.Path, "", s, opts, false)
}

// verifyDetailed reads the partner's detailed CSV paired with a ZIP (a
// plain file beside it) in one pass: its CSV structure, its keys and
// counts, and with reconcile the names it holds (which the anonymous CSV
// must not) and a compact table of its customers' counts to reconcile the
// anonymous CSV with (nil when the CSV has no Customer PKID column to
// reconcile by). Its findings are the bundle's, named by the CSV's base
// name and marked Beside.
func verifyDetailed(res *Result, path string, s *sink, opts Options, reconcile bool) (*identity, *customerTable) {
	return readDetailed(res, path, filepath.Base(path), s.besideBundle(), opts, reconcile)
}

func readDetailed(res *Result, path, member string, s *sink, opts Options, paired bool) (*identity, *customerTable) {
	rc, err := openFile(path)
	if err != nil {
		s.add(ruleZipUnreadable, at{file: member}, "the detailed CSV cannot be read: %v", err)
		return nil, nil
	}
	mr := newMemberReader(rc)
	t := newTextScanner(mr, opts.CSV.MaxLineBytes)
	c := openCSV(s, member, t, true)
	var id *identity
	if paired {
		id = newIdentity()
	}
	var table *customerTable
	if c.header != nil {
		// The size sizes the names and the table ahead, which only a
		// paired CSV makes.
		var size int64
		if f, ok := rc.(*os.File); ok && paired {
			if st, err := f.Stat(); err == nil {
				size = st.Size()
			}
		}
		table = readDetailedRows(res, c, s, id, path, member, paired, size)
	}
	c.finish()
	mr.finish()
	if mr.err != nil {
		s.add(ruleZipUnreadable, at{file: member}, "the detailed CSV could not be read to the end: %v", mr.err)
	}
	if mr.n == 0 && mr.err == nil {
		s.add(ruleMemberEmpty, at{file: member}, "the detailed CSV is empty (0 bytes); re-run the export")
	}
	if c.failed {
		// A table of part of the customers would report the rest as
		// missing from the anonymous CSV.
		table = nil
	}
	return id, table
}

// The set of the detailed CSV's names and its customer table are sized
// ahead at rows 4096, 65536 and so on (see reserveAhead).
const (
	reserveFirst = 1 << 12
	reserveStep  = 16
)

// reserveAhead sizes the set of names that names feeds and the customer
// table (either may be nil) for the customers the whole file holds,
// estimated from the bytes its first rows took: one name per customer, the
// few provider and reseller names being repeats. The estimate is held to
// reserveStep times the rows read, so that a file whose first rows are
// short cannot make it reserve much more than it goes on to use.
func reserveAhead(names *nameFeed, table *customerTable, c *csvFile, rows int, size int64) {
	read := c.consumed()
	if size <= 0 || read <= 0 {
		return
	}
	est := int(min(float64(rows)*float64(size)/float64(read), float64(rows*reserveStep)))
	if names != nil {
		names.reserve(est + est/50)
	}
	if table != nil {
		// A detailed CSV this large is part of a large input, which
		// Run verifies alone.
		table.reserve(est, size >= largeInput)
	}
}

// detailedNames are the identifying columns the detailed CSV leads with,
// and what their cells are.
var detailedNames = []struct {
	column string
	kind   nameKind
}{{"Provider", kindProvider}, {"Reseller", kindReseller}, {"Customer", kindCustomer}}

// readDetailedRows reads the rows: names into id (when not nil), counts
// into the totals and, when the CSV is paired with a ZIP and has a
// Customer PKID column, into the customer table it returns. size is the
// file's size in bytes, 0 when unknown.
func readDetailedRows(res *Result, c *csvFile, s *sink, id *identity, path, member string, paired bool, size int64) *customerTable {
	for _, n := range detailedNames {
		if c.column(n.column) < 0 {
			s.add(ruleCSVHeader, at{file: member, line: c.headerLine, location: n.column}, "the detailed CSV has no %q column; it leads with Provider, Reseller, Customer and Customer PKID", n.column)
		}
	}
	if c.column(colCustomerPKID) < 0 {
		s.add(ruleCSVHeader, at{file: member, line: c.headerLine, location: colCustomerPKID}, "the detailed CSV has no %q column; it leads with Provider, Reseller, Customer and Customer PKID, and is reconciled with the anonymous CSV by it", colCustomerPKID)
	}
	pk := c.column(colCustomerPKID)
	type nameColumn struct {
		index int
		kind  nameKind
	}
	var nameCols []nameColumn
	for _, n := range detailedNames {
		if i := c.column(n.column); i >= 0 {
			nameCols = append(nameCols, nameColumn{i, n.kind})
		}
	}
	counts := countColumns(c.header)
	totals := newCSVTotals(c.header, counts)
	var table *customerTable
	if pk >= 0 && paired {
		table = newCustomerTable(path, member, totals.columns)
	}
	// Repeated PKIDs: the customer table finds them when it is sealed; the
	// log is for a CSV without one.
	var ids *idLog
	if table == nil && pk >= 0 {
		ids = newIDLog(maphash.MakeSeed())
	}
	var names *nameFeed
	if id != nil && len(nameCols) > 0 {
		names = startNameFeed(id)
		defer names.finish()
	}
	rows, reserveAt := 0, reserveFirst
	for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
		if rows++; rows == reserveAt {
			reserveAt *= reserveStep
			reserveAhead(names, table, c, rows, size)
		}
		if names != nil {
			for _, nc := range nameCols {
				names.add(rec[nc.index], nc.kind)
			}
		}
		values, _ := totals.addRow(s, c, rec, line)
		if pk < 0 {
			continue
		}
		key := strings.TrimSpace(rec[pk])
		if key == "" {
			s.add(ruleAnonCustomerKey, at{file: member, line: line, location: colCustomerPKID}, "line %d of the detailed CSV has an empty Customer PKID", line)
			continue
		}
		if table != nil {
			table.add(key, line, values)
		} else {
			ids.add(key, line)
		}
	}
	var reps []idRepeat
	switch {
	case table != nil:
		reps = table.seal()
	case ids != nil:
		reps, _ = ids.finish(false)
	}
	for _, rep := range reps {
		s.add(ruleAnonCustomerKey, at{file: member, line: int(rep.line), location: colCustomerPKID}, "the Customer PKID on line %d of the detailed CSV repeats line %d", rep.line, rep.first)
	}
	if res.Totals == nil {
		res.Totals = &finding.Totals{Columns: totals.columns}
	}
	res.Totals.Detailed = totals.result()
	return table
}
