package verify

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
	"time"

	"github.com/licaudit/licaudit/bundle"
)

// endingReader serves data in uneven reads, then ends with err (io.EOF,
// or an error of the ZIP layer delivered with the last bytes, as
// archive/zip delivers ErrChecksum).
type endingReader struct {
	data   []byte
	err    error
	step   int
	closed bool
}

func (r *endingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	r.step = r.step%7 + 1
	n := copy(p[:min(len(p), r.step*9000)], r.data)
	r.data = r.data[n:]
	if len(r.data) == 0 {
		return n, r.err
	}
	return n, nil
}

func (r *endingReader) Close() error { r.closed = true; return nil }

func memberData(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%23)
	}
	return b
}

func TestMemberReader(t *testing.T) {
	limit := &bundle.LimitError{What: "entry size", Limit: 10}
	tests := []struct {
		name    string
		size    int
		end     error
		readTo  int // bytes the parser reads before finish; -1 for all
		wantErr error
	}{
		{"empty", 0, io.EOF, -1, nil},
		{"small read whole", 1000, io.EOF, -1, nil},
		{"several blocks read whole", 3*memberBlockSize + 17, io.EOF, -1, nil},
		{"parser stops early", 5*memberBlockSize + 3, io.EOF, 100, nil},
		{"parser reads nothing", 2*memberBlockSize + 1, io.EOF, 0, nil},
		{"checksum error after the last byte", memberBlockSize + 5, bundle.ErrChecksum, -1, bundle.ErrChecksum},
		{"limit error, parser stops early", 4 * memberBlockSize, limit, 10, limit},
		{"corrupt data at once", 0, bundle.ErrCorrupt, -1, bundle.ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := memberData(tc.size)
			src := &endingReader{data: data, err: tc.end}
			m := newMemberReader(src, "SHA256", "MD5")
			var got []byte
			var readErr error
			if tc.readTo < 0 {
				got, readErr = io.ReadAll(m)
			} else {
				got = make([]byte, tc.readTo)
				_, readErr = io.ReadFull(m, got)
			}
			m.finish()
			if tc.readTo < 0 {
				if !bytes.Equal(got, data) {
					t.Fatalf("the parser read %d bytes, want the member's %d", len(got), len(data))
				}
				if !errors.Is(readErr, tc.wantErr) {
					t.Fatalf("the parser's read error is %v, want %v", readErr, tc.wantErr)
				}
			} else if readErr != nil || !bytes.Equal(got, data[:tc.readTo]) {
				t.Fatalf("the parser read %q (%v), want the member's first %d bytes", got, readErr, tc.readTo)
			}
			if !errors.Is(m.err, tc.wantErr) || (tc.wantErr == nil) != (m.err == nil) {
				t.Fatalf("err = %v, want %v", m.err, tc.wantErr)
			}
			if m.n != int64(len(data)) {
				t.Fatalf("n = %d, want %d", m.n, len(data))
			}
			if want := sha256.Sum256(data); !bytes.Equal(m.sum(0), want[:]) {
				t.Fatalf("the digest does not cover the whole member")
			}
			if !src.closed {
				t.Fatal("finish did not close the member")
			}
			if pipelined := m.inflated != nil; pipelined != (tc.size >= memberBlockSize) {
				t.Fatalf("a member of %d bytes ran as a pipeline: %v; only members beyond one block of %d should", tc.size, pipelined, memberBlockSize)
			}
		})
	}
}

// TestMemberReaderEOFWithLastBytes checks that the read which returns a
// member's last bytes also returns io.EOF, small member or pipelined, and
// that reading on gives io.EOF again.
func TestMemberReaderEOFWithLastBytes(t *testing.T) {
	for _, size := range []int{1000, memberBlockSize + 5} {
		data := memberData(size)
		m := newMemberReader(&endingReader{data: data, err: io.EOF}, "SHA256")
		buf := make([]byte, 2*memberBlockSize)
		var got []byte
		var err error
		for err == nil {
			var n int
			n, err = m.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF && n == 0 {
				t.Fatalf("%d bytes: io.EOF came after the last bytes, not with them", size)
			}
		}
		if err != io.EOF || !bytes.Equal(got, data) {
			t.Fatalf("%d bytes: read %d bytes, ending with %v; want the member and io.EOF", size, len(got), err)
		}
		if n, err := m.Read(buf); n != 0 || err != io.EOF {
			t.Fatalf("%d bytes: a read after the end gave %d bytes, %v; want 0, io.EOF", size, n, err)
		}
		m.finish()
		if want := sha256.Sum256(data); !bytes.Equal(m.sum(0), want[:]) {
			t.Fatalf("%d bytes: the digest does not cover the whole member", size)
		}
	}
}

// TestMemberReaderOneByteReads checks the pipeline against a source that
// returns one byte at a time, the worst case for filling blocks.
func TestMemberReaderOneByteReads(t *testing.T) {
	data := memberData(memberBlockSize/3 + 11)
	m := newMemberReader(io.NopCloser(iotest.OneByteReader(bytes.NewReader(data))), "SHA256")
	got, err := io.ReadAll(iotest.HalfReader(m))
	m.finish()
	if err != nil || !bytes.Equal(got, data) || m.err != nil {
		t.Fatalf("read %d bytes (%v, %v), want %d", len(got), err, m.err, len(data))
	}
}

// TestMemberReaderStops checks that finish leaves no goroutine behind, so
// that thousands of members do not pile up.
func TestMemberReaderStops(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 50; i++ {
		m := newMemberReader(&endingReader{data: memberData(memberBlockSize * 2), err: io.EOF}, "SHA256")
		m.Read(make([]byte, 10))
		m.finish()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines before, %d after finishing 50 members", before, n)
	}
}
