package verify

import (
	"io"
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
