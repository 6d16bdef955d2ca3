package verify

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRowSorter sorts buckets' rows as sealing does, against slices.SortFunc
// with the same order: small and large buckets, hashes spread as seeded
// hashes are, and buckets where many rows share a PKID (a repeated
// customer, or a hostile file's one PKID on every row) or a slot.
func TestRowSorter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const bucket = uint64(0x5a) << (64 - idBucketBits)
	row := func(pk uint64, line int) customerRow {
		return testRow(bucket|pk&(1<<(64-idBucketBits)-1), line, line*3)
	}
	var s rowSorter
	for _, tc := range []struct {
		name string
		n    int
		pk   func(i int) uint64
	}{
		{"empty", 0, func(int) uint64 { return rng.Uint64() }},
		{"small", 20, func(int) uint64 { return rng.Uint64() }},
		{"at the counting threshold", 2 * sortSlotMax, func(int) uint64 { return rng.Uint64() }},
		{"a bucket of a million customers", 4000, func(int) uint64 { return rng.Uint64() }},
		{"repeats", 4000, func(i int) uint64 { return uint64(i%1000) * 0x9e3779b97f4a7c15 }},
		{"one PKID on every row", 5000, func(int) uint64 { return 42 }},
		{"one slot, many PKIDs", 3000, func(i int) uint64 { return uint64(i) }},
	} {
		rows := make([]customerRow, tc.n)
		for i := range rows {
			rows[i] = row(tc.pk(i), tc.n-i) // lines descending, so ties need ordering
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, compareRows)
		s.sort(rows)
		if !slices.Equal(rows, want) {
			t.Errorf("%s: %d rows not in the order of compareRows", tc.name, tc.n)
		}
	}
}

// FuzzRowSorter sorts rows made from the input (each two bytes a row: a
// PKID hash from one byte spread over the hash's bits, so that rows
// share PKIDs and slots, and a line from the other) against
// slices.SortFunc.
func FuzzRowSorter(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{7, 1}, 40))
	f.Add([]byte("the quick brown fox jumps over the lazy dog, 0123456789 times over"))
	var s rowSorter
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := make([]customerRow, 0, len(data)/2)
		for i := 0; i+1 < len(data); i += 2 {
			rows = append(rows, testRow(uint64(data[i])*0x0101010101010101>>idBucketBits, int(data[i+1]), i))
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, compareRows)
		s.sort(rows)
		// Rows equal under compareRows may come in either order; they
		// differ only in off, which sealing does not order by.
		for i := range rows {
			if compareRows(rows[i], want[i]) != 0 {
				t.Fatalf("row %d is %+v, want %+v", i, rows[i], want[i])
			}
		}
	})
}

// testRow is a customer table row of PKID hash pk at line, its counts at
// off.
func testRow(pk uint64, line, off int) customerRow {
	return customerRow{pkHi: uint32(pk >> 32), pkLo: uint32(pk), line: uint32(line), off: uint32(off)}
}
