package verify

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"os"
	"slices"
	"sort"
	"strings"
)

// customerTable holds the detailed CSV's customers compactly for
// reconciliation: per customer a 64-bit hash of its PKID, its line, and its
// counts as varints in one shared buffer (about 20 bytes a customer for
// eight small counts), not the strings.
type customerTable struct {
	path, member string
	columns      []string
	seed         maphash.Seed
	rows         []customerRow
	data         []byte
	matched      []bool
}

type customerRow struct {
	pk   uint64
	off  uint32
	line uint32
}

func newCustomerTable(path, member string, columns []string) *customerTable {
	return &customerTable{path: path, member: member, columns: columns, seed: maphash.MakeSeed()}
}

func (t *customerTable) add(pkid string, line int, values []int64) {
	t.rows = append(t.rows, customerRow{pk: maphash.String(t.seed, pkid), off: uint32(len(t.data)), line: uint32(line)})
	for _, v := range values {
		t.data = binary.AppendVarint(t.data, v)
	}
}

// seal sorts the rows for lookup once the file is read, and keeps the
// first row of a repeated PKID (anon.customer-key reports the others).
func (t *customerTable) seal() {
	slices.SortFunc(t.rows, func(a, b customerRow) int {
		if c := cmp.Compare(a.pk, b.pk); c != 0 {
			return c
		}
		return cmp.Compare(a.line, b.line)
	})
	t.rows = slices.CompactFunc(t.rows, func(a, b customerRow) bool { return a.pk == b.pk })
	t.matched = make([]bool, len(t.rows))
}

func (t *customerTable) pkAt(i int) uint64 { return t.rows[i].pk }

// find returns the index of the row of pkid, or -1.
func (t *customerTable) find(pkid string) int {
	h := maphash.String(t.seed, pkid)
	i := searchUniform(len(t.rows), h, t.pkAt)
	if i < len(t.rows) && t.rows[i].pk == h {
		return i
	}
	return -1
}

// values decodes the counts of row i into out (reused between rows).
func (t *customerTable) values(i int, out []int64) []int64 {
	out = append(out[:0], make([]int64, len(t.columns))...)
	b := t.data[t.rows[i].off:]
	for k := range out {
		v, n := binary.Varint(b)
		out[k] = v
		b = b[n:]
	}
	return out
}

// maxListed caps the PKIDs a recon.customer-set finding lists.
const maxListed = 20

// reconRun reconciles the anonymous CSV with the detailed one row by row as
// the anonymous CSV streams by. Its messages quote PKIDs through the sink
// (redacted by default, like every cell value) beside their line numbers,
// which locate the rows either way.
type reconRun struct {
	v            *vossBundle
	c            *csvFile
	columns      []string // anonymous count columns
	toDet        []int    // anonymous count column -> detailed column, or -1
	missing      []string // PKIDs in the anonymous CSV only (first maxListed)
	missingLines []int    // and their lines
	// absent logs every such row's PKID, so that a PKID on several rows
	// is counted once.
	absent *idLog
	det    []int64 // scratch: the detailed row's counts
}

// startRecon compares the count columns and prepares the row comparison;
// it returns nil when there is no detailed CSV to reconcile with. The
// anonymous CSV must have its Customer PKID column (anon.customer-key says
// when it has not).
func (v *vossBundle) startRecon(c *csvFile, counts []int) *reconRun {
	t := v.detailed
	if t == nil {
		return nil
	}
	r := &reconRun{v: v, c: c, absent: newIDLog(t.seed)}
	det := map[string]int{}
	for i, col := range t.columns {
		det[strings.TrimSpace(col)] = i
	}
	anon := map[string]bool{}
	for _, i := range counts {
		col := strings.TrimSpace(c.header[i])
		r.columns = append(r.columns, col)
		anon[col] = true
		if j, ok := det[col]; ok {
			r.toDet = append(r.toDet, j)
		} else {
			r.toDet = append(r.toDet, -1)
		}
	}
	var onlyAnon, onlyDet []string
	for _, col := range r.columns {
		if _, ok := det[col]; !ok {
			onlyAnon = append(onlyAnon, col)
		}
	}
	for _, col := range t.columns {
		if !anon[strings.TrimSpace(col)] {
			onlyDet = append(onlyDet, col)
		}
	}
	if len(onlyAnon)+len(onlyDet) > 0 {
		v.s.add(ruleReconColumns, at{file: c.member, line: c.headerLine, subject: strings.Join(append(onlyAnon, onlyDet...), "|")},
			"the count columns differ: only in the anonymous CSV %s; only in the detailed CSV %s; counts are compared on the columns both have", listOrNone(onlyAnon), listOrNone(onlyDet))
	}
	return r
}

func listOrNone(cols []string) string {
	if len(cols) == 0 {
		return "none"
	}
	return fmt.Sprintf("%q", cols)
}

// row compares one anonymous row with its detailed row. A row whose PKID
// was matched already repeats an earlier row: anon.customer-key reports it,
// and its counts are not compared again.
func (r *reconRun) row(pkid string, line int, values []int64) {
	t := r.v.detailed
	i := t.find(pkid)
	if i >= 0 && t.matched[i] {
		return
	}
	if i < 0 {
		r.absent.add(pkid, line)
		if len(r.missing) < maxListed && !slices.Contains(r.missing, pkid) {
			r.missing = append(r.missing, pkid)
			r.missingLines = append(r.missingLines, line)
		}
		return
	}
	t.matched[i] = true
	r.det = t.values(i, r.det)
	for k, j := range r.toDet {
		if j < 0 || values[k] == invalidCount || r.det[j] == invalidCount || values[k] == r.det[j] {
			continue
		}
		r.v.s.add(ruleReconCountMismatch, at{file: r.c.member, line: line, location: r.columns[k], subject: pkid},
			"Customer PKID %s (line %d here, line %d of the detailed CSV): %q is %d in the anonymous CSV but %d in the detailed CSV; re-run the export so both come from one audit",
			r.v.s.value(pkid), line, t.rows[i].line, r.columns[k], values[k], r.det[j])
	}
}

// finish reports the customers found in only one of the two CSVs. When the
// anonymous CSV could not be read to its end, the detailed customers past
// that point are not reported missing: csv.syntax or a zip rule already
// says why the rest was not read.
func (r *reconRun) finish() {
	t := r.v.detailed
	rows := r.absent.len()
	reps, _ := r.absent.finish(false)
	if n := rows - len(reps); n > 0 {
		r.v.s.add(ruleReconCustomerSet, at{file: r.c.member, subject: "anonymous-only"},
			"%d Customer PKID(s) are in the anonymous CSV but not in the detailed CSV: %s; send the detailed and anonymous CSV of one export",
			n, r.listPKIDs(r.missing, r.missingLines, n, "line"))
	}
	if r.c.failed {
		return
	}
	// The rows are in hash order, which changes between runs: list the
	// first lines of the file, so the report does not.
	var lines []int
	for i, ok := range t.matched {
		if !ok {
			lines = append(lines, int(t.rows[i].line))
		}
	}
	if n := len(lines); n > 0 {
		sort.Ints(lines)
		lines = lines[:min(n, maxListed)]
		r.v.s.add(ruleReconCustomerSet, at{file: r.c.member, subject: "detailed-only"},
			"%d Customer PKID(s) of the detailed CSV are missing from the anonymous CSV: %s; re-run the export, which writes every customer to both",
			n, r.listPKIDs(t.pkidsAt(lines), lines, n, "detailed CSV line"))
	}
}

// listPKIDs lists PKIDs (quoted through the sink) with their lines, and
// how many more there are than listed.
func (r *reconRun) listPKIDs(ids []string, lines []int, total int, where string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s (%s %d)", r.v.s.value(id), where, lines[i])
	}
	s := strings.Join(parts, ", ")
	if total > len(ids) {
		s += fmt.Sprintf(" and %d more", total-len(ids))
	}
	return s
}

// pkidsAt reads the detailed CSV again for the PKIDs on the given lines
// (ascending): the table keeps hashes, and the strings are needed only for
// a report, so a second read of the partner's local file (never of a ZIP
// member) is cheaper than holding every PKID.
func (t *customerTable) pkidsAt(lines []int) []string {
	want := map[int]bool{}
	for _, l := range lines {
		want[l] = true
	}
	f, err := os.Open(t.path)
	if err != nil {
		return make([]string, len(lines)) // the lines still say where
	}
	defer f.Close()
	scratch := newSink("", false)
	c := openCSV(scratch, t.member, newTextScanner(f, 0), true)
	c.spreadsheet = false
	pk := c.column(colCustomerPKID)
	byLine := map[int]string{}
	for rec, line, ok := c.next(); ok && pk >= 0; rec, line, ok = c.next() {
		if want[line] {
			byLine[line] = strings.TrimSpace(rec[pk])
		}
	}
	var out []string
	for _, l := range lines {
		out = append(out, byLine[l])
	}
	return out
}
