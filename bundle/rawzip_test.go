package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestZip64HeadersAccepted: preflight reads the local and central headers
// itself, so it must take sizes and offsets from their ZIP64 extras where
// the 32-bit fields are saturated, as in the hostile corpus's valid export
// in ZIP64 form (zip -fz). Read from the fields, the headers of a good
// archive would disagree (4294967295 bytes against a few) and its entries
// be blocked. Every entry must read as archive/zip reads the same export
// written plainly.
func TestZip64HeadersAccepted(t *testing.T) {
	plain := mustCase(t, "valid")
	zr, err := zip.NewReader(bytes.NewReader(plain), int64(len(plain)))
	if err != nil {
		t.Fatal(err)
	}
	a := archiveOf(mustCase(t, "valid-zip64"), DefaultLimits())
	for _, p := range a.Problems {
		t.Errorf("unexpected problem %s %q: %s", kindName[p.Kind], p.Entry, p.Detail)
	}
	if len(a.Entries) != len(zr.File) {
		t.Fatalf("%d entries, want %d", len(a.Entries), len(zr.File))
	}
	for i, e := range a.Entries {
		want := zr.File[i]
		if e.Name != want.Name || e.Size != int64(want.UncompressedSize64) {
			t.Errorf("entry %d: %q of %d bytes, want %q of %d", i, e.Name, e.Size, want.Name, want.UncompressedSize64)
		}
		if e.Dir {
			continue
		}
		got, err := readAll(func() (io.ReadCloser, error) { return a.Open(e) })
		wantContent, wantErr := readAll(want.Open)
		if err != nil || wantErr != nil || !bytes.Equal(got, wantContent) {
			t.Errorf("%s: read %q, %v; want %q, %v", e.Name, got, err, wantContent, wantErr)
		}
	}
}

// readAll returns the content of the reader open gives.
func readAll(open func() (io.ReadCloser, error)) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// TestZip64ShortCentralExtra: a central record whose offset field is
// saturated but whose ZIP64 extra stops before the offset cannot be
// located. archive/zip refuses the archive with ErrFormat, as it does a
// missing end record; the problem must say which record is broken.
func TestZip64ShortCentralExtra(t *testing.T) {
	a := archiveOf(mustCase(t, "zip64-offset-missing"), DefaultLimits())
	if len(a.Problems) != 1 || a.Problems[0].Kind != Unreadable {
		t.Fatalf("problems %v, want the archive unreadable", kinds(a))
	}
	const want = "record 3 of the 9 its end record declares cannot be read"
	if d := a.Problems[0].Detail; !strings.Contains(d, want) {
		t.Errorf("detail %q, want it to contain %q", d, want)
	}
}

// TestDirectoryCountMismatch: an end record declaring more or fewer
// central records than there are makes archive/zip fail (with
// ErrUnexpectedEOF here); the problem says which of the two it is, in the
// hostile corpus's case as in an archive edited here.
func TestDirectoryCountMismatch(t *testing.T) {
	a := archiveOf(mustCase(t, "directory-count"), DefaultLimits())
	const want = "record 10 of the 12 its end record declares cannot be read"
	if len(a.Problems) != 1 || a.Problems[0].Kind != Unreadable || !strings.Contains(a.Problems[0].Detail, want) {
		t.Errorf("directory-count: problems %v (%v), want one unreadable saying %q", kinds(a), a.Problems, want)
	}
	good := zipOf(t, map[string]string{"d/a.txt": "a", "d/b.txt": "b"})
	end := bytes.LastIndex(good, binary.LittleEndian.AppendUint32(nil, sigDirectoryEnd))
	for _, c := range []struct {
		declared uint16
		want     string
	}{
		{3, "record 3 of the 3 its end record declares cannot be read"},
		{1, "does not hold the 1 records its end record declares"},
	} {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint16(b[end+8:], c.declared)
		binary.LittleEndian.PutUint16(b[end+10:], c.declared)
		a := archiveOf(b, DefaultLimits())
		if len(a.Problems) != 1 || a.Problems[0].Kind != Unreadable || !strings.Contains(a.Problems[0].Detail, c.want) {
			t.Errorf("declaring %d records: problems %v (%v), want one unreadable saying %q", c.declared, kinds(a), a.Problems, c.want)
		}
	}
}

// TestExtraFields: the fields of an extra block in order, and none past a
// field that claims more bytes than are left.
func TestExtraFields(t *testing.T) {
	le := binary.LittleEndian
	field := func(b []byte, tag uint16, data string) []byte {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, uint16(len(data)))
		return append(b, data...)
	}
	type tagged struct {
		tag  uint16
		data string
	}
	two := field(field(nil, 0x5455, "UT-time"), zip64ExtraID, "12345678")
	cases := []struct {
		name  string
		extra []byte
		want  []tagged
	}{
		{"empty", nil, nil},
		{"two fields", two, []tagged{{0x5455, "UT-time"}, {zip64ExtraID, "12345678"}}},
		{"an empty field", field(nil, 0x7075, ""), []tagged{{0x7075, ""}}},
		{"a field longer than the block", le.AppendUint16(le.AppendUint16(nil, 0x0001), 9), nil},
		{"a valid field, then one too long", append(field(nil, 0x5455, "t"), 1, 0, 200, 0, 'x'), []tagged{{0x5455, "t"}}},
		{"three stray bytes after a field", append(slices.Clone(two), 1, 2, 3), []tagged{{0x5455, "UT-time"}, {zip64ExtraID, "12345678"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []tagged
			for tag, data := range extraFields(c.extra) {
				got = append(got, tagged{tag, string(data)})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	// Stopping early, as the local header's reading does at the ZIP64
	// field: an iterator that yielded again after the loop's break would
	// make the range statement panic.
	for range extraFields(two) {
		break
	}
}
