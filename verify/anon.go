package verify

import (
	"hash/maphash"
	"math"
	"math/bits"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

// Anonymity rules: the anonymous CSV must not identify a customer.
var (
	ruleAnonIdentifyingColumn = newRule("anon.identifying-column", finding.Error,
		"The anonymous CSV has a Provider, Reseller or Customer column, or a name-like variant.",
		"Send the anonymous CSV the exporter wrote, not the detailed one; it holds only Customer PKID and counts.")
	ruleAnonHierarchyPath = newRule("anon.hierarchy-path", finding.Error,
		"A cell holds a friendly hierarchy path such as `sys.hcs.CS-P.CS-NB.Acme`.",
		"Re-run the export; hierarchy paths name customers and must not be in the anonymous CSV.")
	ruleAnonPersonalData = newRule("anon.personal-data", finding.Error,
		"A data cell holds an e-mail address or a phone number.",
		"Re-run the export; personal data must not be in the anonymous CSV.")
	ruleAnonKnownIdentifier = newRule("anon.known-identifier", finding.Error,
		"A data cell holds a provider, reseller or customer name known from the detailed CSV or the bundle name.",
		"Re-run the export; customer names must not be in the anonymous CSV.")
	ruleAnonMetadata = newRule("anon.metadata", finding.Warning,
		"The `#Key=Value` block of the anonymous CSV is malformed or disagrees with the names (Date Time, hostname).",
		"Send the CSV of the same export as the ZIP name, unedited.")
	ruleAnonCustomerKey = newRule("anon.customer-key", finding.Error,
		"The Customer PKID column is missing, or a Customer PKID is empty or repeated.",
		"Re-run the export; each row is one customer, identified by its Customer PKID.")
	ruleAnonCount = newRule("anon.count", finding.Error,
		"A count cell is not a non-negative integer, or a column's counts add up past the largest total a report can hold (2^63-1).",
		"Re-run the export; license counts are whole numbers of zero or more, far below 2^63.")
)

// Reconciliation rules: the detailed and anonymous CSV of one export agree.
var (
	ruleReconCustomerSet = newRule("recon.customer-set", finding.Error,
		"Customer PKIDs differ between the detailed and the anonymous CSV.",
		"Send the detailed and anonymous CSV of the same export; re-run it if they disagree.")
	ruleReconCountMismatch = newRule("recon.count-mismatch", finding.Error,
		"A count differs for one customer between the detailed and the anonymous CSV.",
		"Re-run the export; both CSVs are written from the same audit and must agree.")
	ruleReconColumns = newRule("recon.columns", finding.Warning,
		"The count columns differ between the detailed and the anonymous CSV.",
		"Use the detailed and anonymous CSV of the same export and release.")
)

// identifyingColumns are the normalised header names (lower case, letters
// and digits only) of columns that name a customer or its hierarchy.
var identifyingColumns = map[string]bool{
	"provider": true, "reseller": true, "customer": true,
	"providername": true, "resellername": true, "customername": true,
	"hierarchy": true, "hierarchypath": true, "hierarchyname": true,
	"friendlyname": true, "customerfriendlyname": true, "name": true,
	"tenant": true, "tenantname": true, "site": true, "sitename": true,
	"company": true, "companyname": true, "organisation": true, "organization": true,
}

// idColumns are the opaque identifier columns of the VOSS CSVs: neither
// counts nor identifying.
const (
	colCustomerPKID = "Customer PKID"
	colProviderPKID = "Provider PKID"
)

func normaliseColumn(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isIdentifyingColumn tells a column that names customers, resellers or
// providers (Customer, Reseller Name, customer_friendly_name...) from the
// opaque PKID columns.
func isIdentifyingColumn(name string) bool {
	n := normaliseColumn(name)
	if identifyingColumns[n] {
		return true
	}
	if strings.HasSuffix(n, "pkid") || strings.HasSuffix(n, "id") {
		return false
	}
	for _, who := range []string{"provider", "reseller", "customer", "tenant"} {
		if strings.Contains(n, who) && strings.Contains(n, "name") {
			return true
		}
	}
	return false
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	phonePattern = regexp.MustCompile(`^\+?\(?[0-9]{1,4}\)?([ .\-/]?\(?[0-9]{1,5}\)?){2,6}$`)
	datePattern  = regexp.MustCompile(`^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$|^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}$`)
)

// isIPv4 reports a dotted quad of decimal octets.
func isIPv4(cell string) bool {
	a, err := netip.ParseAddr(cell)
	return err == nil && a.Is4()
}

// mixedSeparators reports a cell written with more than one of '.', '-'
// and '/'.
func mixedSeparators(cell string) bool {
	kinds := 0
	for _, sep := range ".-/" {
		if strings.ContainsRune(cell, sep) {
			kinds++
		}
	}
	return kinds > 1
}

// personalData says whether a cell is an e-mail address or a phone number,
// and which.
func personalData(cell string) string {
	if strings.IndexByte(cell, '@') >= 0 && emailPattern.MatchString(cell) {
		return "an e-mail address"
	}
	if looksLikePhone(cell) {
		return "a phone number"
	}
	return ""
}

// looksLikePhone accepts 7 to 15 digits written with a leading + or with
// separators, and refuses plain integers (counts), dates, decimals, IPv4
// addresses, and numbers that mix '.', '-' and '/': a phone number is
// written with one of them (and spaces and parentheses), a version such as
// 21.4.0-1634567 with several.
func looksLikePhone(cell string) bool {
	if len(cell) < 7 || len(cell) > 24 || !phoneAlphabet(cell) || !phonePattern.MatchString(cell) ||
		datePattern.MatchString(cell) || isIPv4(cell) || mixedSeparators(cell) {
		return false
	}
	digits, seps := 0, 0
	for _, r := range cell {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			seps++
			if cell[0] != '+' && strings.Count(cell, ".") == 1 {
				return false // a decimal number
			}
		default:
			seps++
		}
	}
	return digits >= 7 && digits <= 15 && (seps > 0 || cell[0] == '+')
}

// checkCSV reads a VOSS CSV member in its one pass.
func (v *vossBundle) checkCSV(m *vossMember, t *textScanner) {
	c := openCSV(v.s, m.entry.Name, t, true)
	v.splitBundleName(c.meta)
	switch {
	case m.name.Type == schema.TypeAnonymous && !m.name.Legacy:
		v.checkMetadata(m, c.meta)
		v.checkAnonymous(m, c)
	default:
		// The breakdown and legacy CSVs are customer-anonymous too, but
		// their columns are not published: only anonymity is checked.
		v.checkMetadata(m, c.meta)
		v.checkIdentifyingColumns(c)
		for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
			v.checkCells(c, rec, line, 0)
		}
	}
	c.finish()
}

// checkMetadata compares the "#Key=Value" block with the names.
func (v *vossBundle) checkMetadata(m *vossMember, meta []metaLine) {
	member := m.entry.Name
	values := map[string]metaLine{}
	for _, ml := range meta {
		if !ml.ok || ml.key == "" {
			v.s.add(ruleAnonMetadata, at{file: member, line: ml.line}, "the metadata line %q is not #Key=Value", truncate(ml.raw, 60))
			continue
		}
		values[strings.ToLower(ml.key)] = ml
	}
	if dt, ok := values["date time"]; ok && !v.when.IsZero() {
		t, err := parseMetaDatetime(dt.value)
		switch {
		case err != nil:
			v.s.add(ruleAnonMetadata, at{file: member, line: dt.line, location: "Date Time"}, "#Date Time=%s is not a date and time (YYYY-MM-DD HH:MM)", truncate(dt.value, 40))
		case absDuration(t.Sub(v.when)) > v.opts.DatetimeTolerance:
			v.s.add(ruleAnonMetadata, at{file: member, line: dt.line, location: "Date Time"}, "#Date Time=%s is far from the names' timestamp %s; the CSV may belong to another export", dt.value, v.when.Format("2006-01-02 15:04"))
		}
	}
	host, hasHost := values["hostname"]
	prov, hasProv := values["provider name"]
	if v.stem == "" {
		return
	}
	switch {
	case hasHost && hasProv && host.value != "" && prov.value != "" && prov.value+"_"+host.value != v.stem:
		v.s.add(ruleAnonMetadata, at{file: member, line: host.line, location: "hostname"}, "#Provider Name=%s and #hostname=%s do not make the names' provider and host %q; the CSV may belong to another export", prov.value, host.value, v.stem)
	case hasHost && host.value != "" && !strings.HasSuffix(v.stem, "_"+host.value):
		v.s.add(ruleAnonMetadata, at{file: member, line: host.line, location: "hostname"}, "#hostname=%s is not the host in the names (%q); the CSV may belong to another export", host.value, v.stem)
	case hasProv && prov.value != "" && !strings.HasPrefix(v.stem, prov.value+"_"):
		v.s.add(ruleAnonMetadata, at{file: member, line: prov.line, location: "Provider Name"}, "#Provider Name=%s is not the provider in the names (%q); the CSV may belong to another export", prov.value, v.stem)
	}
}

func (v *vossBundle) checkIdentifyingColumns(c *csvFile) {
	for _, h := range c.header {
		if isIdentifyingColumn(h) {
			v.s.add(ruleAnonIdentifyingColumn, at{file: c.member, line: c.headerLine, location: h}, "the anonymous CSV has the identifying column %q; send the anonymous CSV the exporter wrote, which holds only Customer PKID and counts", h)
		}
	}
}

// splitBundleName tells the identity how the bundle name's stem splits
// into provider and host, from a CSV's "#Provider Name=" and "#hostname="
// lines (read before the rows). Once split, the split stays for the
// bundle's other CSVs, which may have no metadata.
func (v *vossBundle) splitBundleName(meta []metaLine) {
	var provider, host string
	for _, ml := range meta {
		switch strings.ToLower(ml.key) {
		case "provider name":
			provider = ml.value
		case "hostname":
			host = ml.value
		}
	}
	if provider != "" || host != "" {
		v.identity.useBundleMetadata(v.stem, provider, host)
	}
}

// checkCells looks for customer identity in every data cell of a row
// (see checkCell). Bit i of counted marks column i as a count already read
// as plain digits, which holds no name and no personal data: in an
// anonymous CSV that leaves the PKID cells of a row, so the cells left are
// found from the mask rather than by looking at each.
func (v *vossBundle) checkCells(c *csvFile, rec []string, line int, counted uint64) {
	left := ^counted
	if len(rec) < 64 {
		left &= 1<<len(rec) - 1
	}
	for ; left != 0; left &= left - 1 {
		i := bits.TrailingZeros64(left)
		v.checkCell(c, rec[i], i, line)
	}
	for i := 64; i < len(rec); i++ {
		v.checkCell(c, rec[i], i, line)
	}
}

// checkCell looks for customer identity in the data cell of column i:
// a hierarchy path or a known name (one finding, a hierarchy path first),
// and personal data. Messages quote cells and names through the sink,
// redacted by default.
func (v *vossBundle) checkCell(c *csvFile, cell string, i, line int) {
	if cell == "" || isDigits(cell) {
		return
	}
	// Letters and digits only, so no path, no e-mail address and no
	// phone number (it has a letter: it is not digits only); and no name
	// has its length. Most cells left are such PKIDs.
	oneWord := isASCIIWord(cell)
	if oneWord && !v.identity.mayHoldWord(len(cell)) {
		return
	}
	col := c.header[i]
	where := at{file: c.member, line: line, location: col}
	switch r := v.identity.inspect(cell, oneWord); {
	case r.hierarchy == hierarchyRoot:
		v.s.add(ruleAnonHierarchyPath, where, "the cell %s is a friendly hierarchy path (it holds the root sys.hcs), which names customers; re-run the export", v.s.value(cell))
	case r.hierarchy == hierarchyKnown:
		v.s.add(ruleAnonHierarchyPath, where, "the cell %s is a friendly hierarchy path: its component %s is %s; re-run the export", v.s.value(cell), v.s.value(r.name), r.kinds)
	case r.hierarchy == hierarchyShape:
		v.s.add(ruleAnonHierarchyPath, where, "the cell %s looks like a friendly hierarchy path (%d name-like components); re-run the export, or waive this finding if the value names no one", v.s.value(cell), r.parts)
	case r.exact:
		v.s.add(ruleAnonKnownIdentifier, where, "the cell %s is %s; customer names must not be in the anonymous CSV", v.s.value(cell), r.kinds)
	case r.kinds != 0:
		v.s.add(ruleAnonKnownIdentifier, where, "the cell %s contains %s, %s; customer names must not be in the anonymous CSV", v.s.value(cell), v.s.value(r.name), r.kinds)
	}
	if what := personalData(cell); what != "" {
		v.s.add(ruleAnonPersonalData, where, "the cell %s is %s; personal data must not be in the anonymous CSV", v.s.value(cell), what)
	}
}

// checkAnonymous checks the anonymous CSV's header and rows, totals its
// counts, and reconciles each row with the detailed CSV when there is one.
func (v *vossBundle) checkAnonymous(m *vossMember, c *csvFile) {
	if c.header == nil {
		return
	}
	v.checkIdentifyingColumns(c)
	pk := c.column(colCustomerPKID)
	if pk < 0 {
		v.s.add(ruleAnonCustomerKey, at{file: c.member, line: c.headerLine, location: colCustomerPKID}, "the anonymous CSV has no %q column; each row must carry its customer's PKID", colCustomerPKID)
	}
	counts := countColumns(c.header)
	totals := newCSVTotals(c.header, counts)
	var recon *reconRun
	if pk >= 0 {
		recon = v.startRecon(c, counts)
	}
	// Reconciliation finds repeated PKIDs itself (reconRun.row: those of
	// the detailed CSV's customers by the table, the others by a log of
	// its own); this log is for a CSV with nothing to reconcile with.
	var ids *idLog
	if recon == nil && pk >= 0 {
		ids = newIDLog(maphash.MakeSeed())
	}
	for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
		values, counted := totals.addRow(v.s, c, rec, line)
		v.checkCells(c, rec, line, counted)
		if pk < 0 {
			continue
		}
		id := strings.TrimSpace(rec[pk])
		if id == "" {
			v.s.add(ruleAnonCustomerKey, at{file: c.member, line: line, location: colCustomerPKID}, "line %d has an empty Customer PKID", line)
			continue
		}
		if recon != nil {
			recon.row(id, line, values)
		} else {
			ids.add(id, line)
		}
	}
	switch {
	case recon != nil:
		recon.finish()
	case ids != nil:
		reps, _ := ids.finish(false)
		for _, rep := range reps {
			v.repeatedPKID(c.member, rep.line, rep.first)
		}
	}
	if v.res.Totals == nil {
		v.res.Totals = &finding.Totals{}
	}
	v.res.Totals.Columns = totals.columns
	v.res.Totals.Anonymous = totals.result()
}

// repeatedPKID reports an anonymous CSV's row whose Customer PKID is that
// of an earlier row.
func (v *vossBundle) repeatedPKID(member string, line, first uint32) {
	v.s.add(ruleAnonCustomerKey, at{file: member, line: int(line), location: colCustomerPKID}, "the Customer PKID on line %d repeats line %d; each customer has one row", line, first)
}

// countColumns are the indexes of the count columns: every column but the
// identifiers and identifying columns.
func countColumns(header []string) []int {
	var out []int
	for i, h := range header {
		if h == colCustomerPKID || h == colProviderPKID || isIdentifyingColumn(h) {
			continue
		}
		out = append(out, i)
	}
	return out
}

// invalidCount marks a count cell that did not parse.
const invalidCount = -1

// csvTotals reads the count cells of a CSV's rows and accumulates
// customers and per-column sums.
type csvTotals struct {
	columns   []string
	counts    []int // the count columns' indexes
	customers int
	sums      []int64
	values    []int64 // the last row's counts, reused from row to row
	// overflowed marks the columns whose sum went past math.MaxInt64:
	// reported once, at the row where it did, and then held there
	// rather than wrapped to a negative or, worse, a plausible total.
	overflowed []bool
}

func newCSVTotals(header []string, counts []int) *csvTotals {
	t := &csvTotals{counts: counts, sums: make([]int64, len(counts)), values: make([]int64, len(counts)), overflowed: make([]bool, len(counts))}
	for _, i := range counts {
		t.columns = append(t.columns, header[i])
	}
	return t
}

// addRow reads the count cells of a row, reports those that are not
// non-negative integers and adds the others to the sums. It returns the
// row's counts (invalidCount for a cell that is no count), valid until the
// next call, and sets bit i of plain when column i (of the first 64) is
// plain digits, which holds no name and no personal data.
//
// Reading, checking and summing are one loop, and plain tells checkCells
// which cells need no second look: counts are most of a VOSS CSV's cells.
func (t *csvTotals) addRow(s *sink, c *csvFile, rec []string, line int) (values []int64, plain uint64) {
	t.customers++
	values = t.values
	for k, i := range t.counts {
		// Most counts are one or two digits, in no order a branch
		// predictor could learn: read here, both lengths by the same
		// instructions (for one digit, hi and lo are the same byte and
		// hi is multiplied by 0), rather than in a call.
		var n int64
		var digits, ok bool
		cell := rec[i]
		if size := len(cell); uint(size-1) < 2 {
			hi, lo := cell[0]-'0', cell[size-1]-'0'
			if hi <= 9 && lo <= 9 {
				n, digits, ok = int64(lo)+int64(hi)*int64(10*(size-1)), true, true
			}
		}
		if !ok {
			n, digits, ok = parseCount(cell)
		}
		if !ok {
			values[k] = invalidCount
			s.add(ruleAnonCount, at{file: c.member, line: line, location: c.header[i]}, "the count %s in column %q is not a whole number of zero or more", s.value(strings.TrimSpace(rec[i])), c.header[i])
			continue
		}
		if digits && i < 64 {
			plain |= 1 << i
		}
		values[k] = n
		if n > math.MaxInt64-t.sums[k] {
			t.overflow(s, c, k, i, line)
			continue
		}
		t.sums[k] += n
	}
	return values, plain
}

// overflow holds column k's sum at math.MaxInt64, reporting the row where
// it went past (column i of the header) the first time.
func (t *csvTotals) overflow(s *sink, c *csvFile, k, i, line int) {
	t.sums[k] = math.MaxInt64
	if t.overflowed[k] {
		return
	}
	t.overflowed[k] = true
	s.add(ruleAnonCount, at{file: c.member, line: line, location: c.header[i]}, "the counts in column %q add up past %d at this row, more than a report can hold: a count at or before this row is far too large to count licences; re-run the export", c.header[i], int64(math.MaxInt64))
}

// parseCount reads a count: a whole number of zero or more, with white
// space around it allowed; digits says the cell is digits only. Counts are
// most of a CSV's cells, so plain digits are read here without strconv's
// generality.
func parseCount(cell string) (n int64, digits, ok bool) {
	if len(cell) > 0 && len(cell) <= 18 {
		for i := 0; i < len(cell); i++ {
			d := cell[i] - '0'
			if d > 9 {
				goto general
			}
			n = n*10 + int64(d)
		}
		return n, true, true
	}
general:
	n, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64)
	return n, false, err == nil && n >= 0
}

func (t *csvTotals) result() *finding.CSVTotals {
	r := &finding.CSVTotals{Customers: t.customers, Sums: map[string]int64{}}
	for k, c := range t.columns {
		r.Sums[c] = t.sums[k]
	}
	return r
}

// phoneAlphabet is the cheap test run before the phone pattern: only digits
// and the characters phone numbers are written with, and at least one that
// is not a digit (a plain integer is a count). Almost every cell of an
// anonymous CSV (hex PKIDs, counts) fails it at once.
func phoneAlphabet(cell string) bool {
	other := false
	for i := 0; i < len(cell); i++ {
		switch c := cell[i]; {
		case c >= '0' && c <= '9':
		case c == '+' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/' || c == ' ':
			other = true
		default:
			return false
		}
	}
	return other
}

// isDigits reports a non-empty cell of ASCII digits only: a count, which
// can hold no name, path or personal data.
func isDigits(cell string) bool {
	for i := 0; i < len(cell); i++ {
		if cell[i] < '0' || cell[i] > '9' {
			return false
		}
	}
	return cell != ""
}
