package bundle

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// storedWithSizes writes one stored entry whose local header carries its
// CRC-32 and sizes (no data descriptor), so that every field preflight
// compares is in both headers. The local header is at offset 0.
func storedWithSizes(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(content)),
		CompressedSize64: uint64(len(content)), UncompressedSize64: uint64(len(content)),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHeaderMismatches edits the local header of an entry and checks that
// preflight blocks the entry, naming each field that disagrees with the
// central directory: unzip tools that trust one header or the other would
// unpack different content.
func TestHeaderMismatches(t *testing.T) {
	le := binary.LittleEndian
	const (
		flagsAt  = 6
		methodAt = 8
		crcAt    = 14
		csizeAt  = 18
		usizeAt  = 22
	)
	content := "Customer PKID,Count\nab12,3\n"
	n := uint32(len(content))
	crc := crc32.ChecksumIEEE([]byte(content))
	cases := []struct {
		name  string
		patch func(h []byte)
		want  string // the problem's detail
	}{
		{"the method", func(h []byte) { le.PutUint16(h[methodAt:], 8) },
			"has a local header that says compression method 8 where the central directory says 0"},
		{"the uncompressed size", func(h []byte) { le.PutUint32(h[usizeAt:], n+1) },
			"has a local header that declares 28 uncompressed bytes where the central directory declares 27"},
		{"the compressed size", func(h []byte) { le.PutUint32(h[csizeAt:], n-1) },
			"has a local header that declares 26 compressed bytes where the central directory declares 27"},
		{"the CRC-32", func(h []byte) { le.PutUint32(h[crcAt:], crc^1) },
			"has a local header that gives CRC-32"},
		{"encryption", func(h []byte) { le.PutUint16(h[flagsAt:], le.Uint16(h[flagsAt:])|flagEncrypted) },
			"has a local header that disagrees with the central directory on whether the entry is encrypted"},
		{"two fields", func(h []byte) { le.PutUint16(h[methodAt:], 8); le.PutUint32(h[crcAt:], crc^1) },
			"has a local header that says compression method 8 where the central directory says 0 and gives CRC-32"},
		{"three fields", func(h []byte) {
			le.PutUint16(h[methodAt:], 8)
			le.PutUint32(h[usizeAt:], n+1)
			le.PutUint32(h[crcAt:], crc^1)
		}, "says compression method 8 where the central directory says 0, declares 28 uncompressed bytes where the central directory declares 27 and gives CRC-32"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := storedWithSizes(t, "d/a.csv", content)
			if le.Uint32(b) != sigLocalHeader || le.Uint16(b[flagsAt:])&flagDataDescriptor != 0 {
				t.Fatal("the writer did not put the sizes in the local header")
			}
			c.patch(b)
			a := archiveOf(b, DefaultLimits())
			if len(a.Problems) != 1 || a.Problems[0].Kind != HeaderMismatch || !strings.Contains(a.Problems[0].Detail, c.want) {
				t.Fatalf("problems %v %v, want one header mismatch saying %q", kinds(a), a.Problems, c.want)
			}
			if len(a.Entries) != 1 || !a.Entries[0].Blocked {
				t.Errorf("the entry is not blocked")
			}
		})
	}
	// Unedited, the same archive has no problem: the cases above fail for
	// their edit alone.
	if a := archiveOf(storedWithSizes(t, "d/a.csv", content), DefaultLimits()); len(a.Problems) != 0 {
		t.Errorf("unedited: problems %v", kinds(a))
	}
}

// TestLocalHeaderLocation points an entry's central record at places
// where its local header is not: the entry is unreadable, and the problem
// says where it was looked for.
func TestLocalHeaderLocation(t *testing.T) {
	le := binary.LittleEndian
	const offsetAt = 42 // of the local header, in a central record
	cases := []struct {
		name   string
		offset uint32
		want   string
	}{
		{"inside the entry's data", 40, "has no valid local header at offset 40 where the central directory says it starts"},
		{"in the central directory", 80, "has its local header recorded at offset 80, outside the archive's data (which ends at"},
		{"past the end of the file", 1 << 30, "has its local header recorded at offset 1073741824, outside the archive's data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := storedWithSizes(t, "d/a.csv", "Customer PKID,Count\nab12,3\n")
			central := bytes.LastIndex(b, le.AppendUint32(nil, sigCentralHeader))
			if central < 0 {
				t.Fatal("no central record")
			}
			le.PutUint32(b[central+offsetAt:], c.offset)
			a := archiveOf(b, DefaultLimits())
			if len(a.Problems) != 1 || a.Problems[0].Kind != Unreadable || !strings.Contains(a.Problems[0].Detail, c.want) {
				t.Fatalf("problems %v %v, want one unreadable entry saying %q", kinds(a), a.Problems, c.want)
			}
			if !a.Entries[0].Blocked {
				t.Errorf("the entry is not blocked")
			}
		})
	}
}
