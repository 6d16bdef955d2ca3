package verify

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestParseCount checks the fast path of parseCount against what it
// stands for: strconv.ParseInt of the trimmed cell, zero or more.
func TestParseCount(t *testing.T) {
	cells := []string{
		"0", "7", "007", "42", " 5 ", "\t12", "+5", "-1", "-0", "", " ", "1e3", "1.0", "١٢", "12a",
		"123456789012345678", "1234567890123456789", "9223372036854775807", "9223372036854775808",
		"999999999999999999", "99999999999999999999",
	}
	for _, cell := range cells {
		n, digits, ok := parseCount(cell)
		want, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64)
		wantOK := err == nil && want >= 0
		if ok != wantOK || ok && n != want {
			t.Errorf("parseCount(%q) = %d, %v; want %d, %v", cell, n, ok, want, wantOK)
		}
		if digits && !(ok && isDigits(cell)) {
			t.Errorf("parseCount(%q) says digits only", cell)
		}
		// The fast path takes every plain count of up to 18 digits.
		if isDigits(cell) && len(cell) <= 18 && !digits {
			t.Errorf("parseCount(%q) does not say digits only", cell)
		}
	}
}

// TestAddRowMatchesParseCount checks csvTotals.addRow, which reads cells
// of one or two characters itself, against parseCount cell by cell: the
// value (invalidCount for a cell that is no count), the plain-digits bit,
// a finding for each cell that is no count, and sums of the valid counts
// only, over two rows.
func TestAddRowMatchesParseCount(t *testing.T) {
	cells := []string{"0", "9", "10", "99", "07", "/", ":", "9/", "/9", ":0", "0:", "a", "-", " 1", "1 ", "-1", "+1",
		"", " ", "100", "1e3", "١", "12a"}
	counts := make([]int, len(cells))
	for i := range counts {
		counts[i] = i
	}
	s := newSink("t", false)
	header := make([]string, len(cells))
	c := &csvFile{s: s, member: "t.csv", header: header}
	totals := newCSVTotals(header, counts)
	var values []int64
	var plain uint64
	for line := 2; line <= 3; line++ {
		values, plain = totals.addRow(s, c, cells, line)
	}
	bad := 0
	for i, cell := range cells {
		n, digits, ok := parseCount(cell)
		want, wantSum := n, 2*n
		if !ok {
			want, wantSum = invalidCount, 0
			bad++
		}
		if values[i] != want {
			t.Errorf("%q: value %d, want %d", cell, values[i], want)
		}
		if totals.sums[i] != wantSum {
			t.Errorf("%q: sum over two rows %d, want %d", cell, totals.sums[i], wantSum)
		}
		if got := plain&(1<<i) != 0; got != digits {
			t.Errorf("%q: plain digits %v, want %v", cell, got, digits)
		}
	}
	if totals.customers != 2 {
		t.Errorf("%d customers, want 2", totals.customers)
	}
	if got := len(s.finish()); got != 2*bad {
		t.Errorf("%d findings, want %d (one per cell that is no count, on each row)", got, 2*bad)
	}
}

// TestAddRowSumOverflow: counts that add up past math.MaxInt64 give one
// finding, at the row where they did, and a sum held at math.MaxInt64, not
// wrapped to a negative or to a plausible total; other columns add on.
func TestAddRowSumOverflow(t *testing.T) {
	s := newSink("t", false)
	header := []string{"Phones", "Seats"}
	c := &csvFile{s: s, member: "t.csv", header: header}
	totals := newCSVTotals(header, []int{0, 1})
	for line, row := range [][]string{{"9223372036854775807", "1"}, {"5", "2"}, {"9223372036854775807", "3"}, {"7", "4"}} {
		totals.addRow(s, c, row, line+2)
	}
	if got, want := totals.sums, []int64{math.MaxInt64, 10}; !slices.Equal(got, want) {
		t.Errorf("sums %v, want %v", got, want)
	}
	fs := s.finish()
	if len(fs) != 1 || fs[0].Rule != ruleAnonCount.ID || fs[0].Line != 3 || fs[0].Location != "Phones" ||
		!strings.Contains(fs[0].Message, "add up past 9223372036854775807") {
		t.Errorf("findings %+v, want one anon.count at line 3, column Phones", fs)
	}
}
