package verify

import (
	"io"
	"strings"
	"testing"
)

// TestLineEndingsAcrossChunks counts CRLF and LF line ends where a chunk
// boundary falls inside or right after a CRLF: a '\n' that opens a chunk
// is a CRLF's only when the chunk before ended in '\r', and the '\n' after
// it is a LF of its own (csv.line-endings reported such a file as CRLF
// only, before the byte before a '\n' was looked up in the whole chunk).
func TestLineEndingsAcrossChunks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     string
		sizes    []byte // chunk sizes as chunkReader reads them: 1 + size%16, the first at least 3
		crlf, lf int
	}{
		{"CR ends a chunk, LF LF open the next", "ab\r\n\nc", []byte{2, 15}, 1, 1},
		{"CR ends a chunk, one LF opens the next", "ab\r\nc\n", []byte{2, 15}, 1, 1},
		{"LF ends a chunk, LF opens the next", "ab\n\nc", []byte{2, 15}, 0, 2},
		{"CRLF LF in one chunk", "ab\r\n\nc", []byte{15}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTextScanner(&chunkReader{data: []byte(tc.data), sizes: tc.sizes}, 0)
			if _, err := io.ReadAll(ts); err != nil {
				t.Fatal(err)
			}
			if ts.crlf != tc.crlf || ts.lf != tc.lf {
				t.Fatalf("%q: %d CRLF and %d LF line ends, want %d and %d", tc.data, ts.crlf, ts.lf, tc.crlf, tc.lf)
			}
		})
	}
}

// TestNonSpaceAcrossChunks reads in chunks of 3 bytes, so that the bytes
// around a comma lie in other chunks than the comma, and checks that
// nonSpaceFrom and nonSpaceBefore find them there, and say false for
// bytes the scanner has forgotten (it keeps recentChunks chunks) or not
// read yet.
func TestNonSpaceAcrossChunks(t *testing.T) {
	const doc = "[1,2,3   ,  \n\t]     "
	ts := newTextScanner(&chunkReader{data: []byte(doc), sizes: []byte{2}}, 0)
	ts.keepRecent()
	buf := make([]byte, 3)
	for ts.offset < 15 {
		if _, err := ts.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	// Remembered: "2,3" "   " ",  " "\n\t]" at offsets 3, 6, 9, 12.
	comma := int64(strings.LastIndexByte(doc, ','))
	for _, tc := range []struct {
		name   string
		got    func() (byte, bool)
		want   byte
		wantOK bool
	}{
		{"the comma itself", func() (byte, bool) { return ts.nonSpaceFrom(comma) }, ',', true},
		{"after the comma, a chunk on", func() (byte, bool) { return ts.nonSpaceFrom(comma + 1) }, ']', true},
		{"before the comma, past a blank chunk", func() (byte, bool) { return ts.nonSpaceBefore(comma) }, '3', true},
		{"before the first remembered byte", func() (byte, bool) { return ts.nonSpaceBefore(3) }, 0, false},
		{"forgotten", func() (byte, bool) { return ts.nonSpaceFrom(1) }, 0, false},
		{"not read yet, after", func() (byte, bool) { return ts.nonSpaceFrom(15) }, 0, false},
		{"not read yet, before", func() (byte, bool) { return ts.nonSpaceBefore(18) }, 0, false},
	} {
		b, ok := tc.got()
		if b != tc.want || ok != tc.wantOK {
			t.Errorf("%s: %q %v, want %q %v", tc.name, b, ok, tc.want, tc.wantOK)
		}
	}
}
