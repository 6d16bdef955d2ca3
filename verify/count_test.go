package verify

import (
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

// TestParseCountsMatchesParseCount checks parseCounts, which reads cells
// of one or two characters itself, against parseCount cell by cell: the
// value (invalidCount for a cell that is no count), the plain-digits bit
// and a finding for each cell that is no count.
func TestParseCountsMatchesParseCount(t *testing.T) {
	cells := []string{"0", "9", "10", "99", "07", "/", ":", "9/", "/9", ":0", "0:", "a", "-", " 1", "1 ", "-1", "+1",
		"", " ", "100", "1e3", "١", "12a"}
	counts := make([]int, len(cells))
	for i := range counts {
		counts[i] = i
	}
	s := newSink("t", false)
	c := &csvFile{s: s, member: "t.csv", header: make([]string, len(cells))}
	values, plain := parseCounts(s, c, cells, 2, counts, nil)
	bad := 0
	for i, cell := range cells {
		n, digits, ok := parseCount(cell)
		want := n
		if !ok {
			want = invalidCount
			bad++
		}
		if values[i] != want {
			t.Errorf("%q: value %d, want %d", cell, values[i], want)
		}
		if got := plain&(1<<i) != 0; got != digits {
			t.Errorf("%q: plain digits %v, want %v", cell, got, digits)
		}
	}
	if got := len(s.finish()); got != bad {
		t.Errorf("%d findings, want %d (one per cell that is no count)", got, bad)
	}
}
