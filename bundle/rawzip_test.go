package bundle

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
)

// zip64Entry is one stored entry of zip64Of.
type zip64Entry struct {
	name, content string
	// shortCentral leaves the offset out of the central ZIP64 extra
	// although the record's offset field is saturated.
	shortCentral bool
}

// zip64Of writes stored entries as writers that always use ZIP64 do
// (Info-ZIP's zip -fz, and Java and .NET when they stream): each 32-bit size
// and offset saturated, the values in ZIP64 extra fields of both headers,
// and ZIP64 end records. A vendor tool is free to write a small bundle so.
func zip64Of(entries []zip64Entry) []byte {
	le := binary.LittleEndian
	var b, dir []byte
	for _, e := range entries {
		size := uint64(len(e.content))
		crc := crc32.ChecksumIEEE([]byte(e.content))
		offset := uint64(len(b))

		b = le.AppendUint32(b, sigLocalHeader)
		b = le.AppendUint16(b, 45) // version needed: ZIP64
		b = le.AppendUint16(b, 0)  // flags
		b = le.AppendUint16(b, 0)  // stored
		b = le.AppendUint32(b, 0)  // time and date
		b = le.AppendUint32(b, crc)
		b = le.AppendUint32(b, max32) // compressed size
		b = le.AppendUint32(b, max32) // uncompressed size
		b = le.AppendUint16(b, uint16(len(e.name)))
		b = le.AppendUint16(b, 4+16)
		b = append(b, e.name...)
		b = le.AppendUint16(b, zip64ExtraID)
		b = le.AppendUint16(b, 16)
		b = le.AppendUint64(b, size) // uncompressed first
		b = le.AppendUint64(b, size)
		b = append(b, e.content...)

		extra := le.AppendUint64(nil, size) // uncompressed, compressed, offset
		extra = le.AppendUint64(extra, size)
		if !e.shortCentral {
			extra = le.AppendUint64(extra, offset)
		}
		dir = le.AppendUint32(dir, sigCentralHeader)
		dir = le.AppendUint16(dir, 45) // made by
		dir = le.AppendUint16(dir, 45) // needed
		dir = le.AppendUint16(dir, 0)  // flags
		dir = le.AppendUint16(dir, 0)  // stored
		dir = le.AppendUint32(dir, 0)  // time and date
		dir = le.AppendUint32(dir, crc)
		dir = le.AppendUint32(dir, max32)
		dir = le.AppendUint32(dir, max32)
		dir = le.AppendUint16(dir, uint16(len(e.name)))
		dir = le.AppendUint16(dir, uint16(4+len(extra)))
		dir = le.AppendUint16(dir, 0)     // comment
		dir = le.AppendUint16(dir, 0)     // disk
		dir = le.AppendUint16(dir, 0)     // internal attributes
		dir = le.AppendUint32(dir, 0)     // external attributes
		dir = le.AppendUint32(dir, max32) // local header offset
		dir = append(dir, e.name...)
		dir = le.AppendUint16(dir, zip64ExtraID)
		dir = le.AppendUint16(dir, uint16(len(extra)))
		dir = append(dir, extra...)
	}
	dirStart, n := uint64(len(b)), uint64(len(entries))
	b = append(b, dir...)
	end64 := uint64(len(b))
	b = le.AppendUint32(b, sigDirectory64)
	b = le.AppendUint64(b, 44) // the size of the rest of the record
	b = le.AppendUint16(b, 45)
	b = le.AppendUint16(b, 45)
	b = le.AppendUint32(b, 0) // this disk
	b = le.AppendUint32(b, 0) // the directory's disk
	b = le.AppendUint64(b, n)
	b = le.AppendUint64(b, n)
	b = le.AppendUint64(b, uint64(len(dir)))
	b = le.AppendUint64(b, dirStart)
	b = le.AppendUint32(b, sigDirectory64At)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint64(b, end64)
	b = le.AppendUint32(b, 1) // disks
	b = le.AppendUint32(b, sigDirectoryEnd)
	b = le.AppendUint32(b, 0) // disks
	b = le.AppendUint16(b, 0xffff)
	b = le.AppendUint16(b, 0xffff)
	b = le.AppendUint32(b, max32)
	b = le.AppendUint32(b, max32)
	return le.AppendUint16(b, 0) // comment
}

// TestZip64HeadersAccepted: preflight reads the local and central headers
// itself, so it must take sizes and offsets from their ZIP64 extras where
// the 32-bit fields are saturated. Read from the fields, the headers of a
// good archive would disagree (4294967295 bytes against a few) and its
// entries be blocked.
func TestZip64HeadersAccepted(t *testing.T) {
	entries := []zip64Entry{
		{name: "d/a.json", content: `{"datetime": "2026-11-01"}`},
		{name: "d/b.csv", content: "Customer PKID,Count\nab12,3\n"},
		{name: "d/c.txt", content: "third, so that two entries start past offset 0\n"},
	}
	a := archiveOf(zip64Of(entries), DefaultLimits())
	for _, p := range a.Problems {
		t.Errorf("unexpected problem %s %q: %s", kindName[p.Kind], p.Entry, p.Detail)
	}
	if len(a.Entries) != len(entries) {
		t.Fatalf("%d entries, want %d", len(a.Entries), len(entries))
	}
	for i, e := range a.Entries {
		if e.Name != entries[i].name || e.Size != int64(len(entries[i].content)) {
			t.Errorf("entry %d: %q of %d bytes, want %q of %d", i, e.Name, e.Size, entries[i].name, len(entries[i].content))
		}
		rc, err := a.Open(e)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != entries[i].content {
			t.Errorf("%s: read %q, %v; want %q", e.Name, got, err, entries[i].content)
		}
	}
}

// TestZip64ShortCentralExtra: a central record whose offset field is
// saturated but whose ZIP64 extra stops before the offset cannot be
// located. archive/zip refuses the archive with ErrFormat, as it does a
// missing end record; the problem must say which record is broken.
func TestZip64ShortCentralExtra(t *testing.T) {
	a := archiveOf(zip64Of([]zip64Entry{
		{name: "d/a.txt", content: "a"},
		{name: "d/b.txt", content: "b", shortCentral: true},
	}), DefaultLimits())
	if len(a.Problems) != 1 || a.Problems[0].Kind != Unreadable {
		t.Fatalf("problems %v, want the archive unreadable", kinds(a))
	}
	const want = "record 2 of the 2 its end record declares cannot be read"
	if d := a.Problems[0].Detail; !strings.Contains(d, want) {
		t.Errorf("detail %q, want it to contain %q", d, want)
	}
}

// TestDirectoryCountMismatch: an end record declaring more or fewer
// central records than there are makes archive/zip fail (with
// ErrUnexpectedEOF here); the problem says which of the two it is.
func TestDirectoryCountMismatch(t *testing.T) {
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
	// field, must not yield again.
	n := 0
	for range extraFields(two) {
		if n++; n == 1 {
			break
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times after break", n)
	}
}
