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
