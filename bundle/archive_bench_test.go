package bundle

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchZIP is a bundle-like archive: n small members and one CSV of about
// csvBytes, deflated.
func benchZIP(b *testing.B, n, csvBytes int) []byte {
	b.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		w, err := zw.Create(fmt.Sprintf("2026-11-01_0300_license/member-%04d.json", i))
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(w, `{"meta": {}, "resources": [%d]}`, i)
	}
	w, err := zw.Create("2026-11-01_0300_license/data.csv")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i*40 < csvBytes; i++ {
		fmt.Fprintf(w, "%024x,%d,%d,%d\n", uint64(i)*2654435761, i%17, i%5, i%31)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkPreflight opens an archive: the central directory, the local
// headers and every check before anything is inflated. Ten members is the
// common case of an intake directory; 500 a bundle with a large directory.
func BenchmarkPreflight(b *testing.B) {
	for _, members := range []int{10, 500} {
		b.Run(fmt.Sprintf("entries=%d", members+1), func(b *testing.B) {
			data := benchZIP(b, members, 0)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				a := NewArchive(bytes.NewReader(data), int64(len(data)), DefaultLimits())
				if len(a.Entries) != members+1 {
					b.Fatalf("%d entries", len(a.Entries))
				}
			}
		})
	}
}

// BenchmarkInflateMembers reads every member of a bundle of ten small
// members and a CSV of 4 MB: the pooled inflaters make the small members
// nearly free of allocations.
func BenchmarkInflateMembers(b *testing.B) {
	data := benchZIP(b, 10, 4<<20)
	a := NewArchive(bytes.NewReader(data), int64(len(data)), DefaultLimits())
	var total int64
	for _, e := range a.Entries {
		total += e.Size
	}
	buf := make([]byte, 256<<10)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range a.Entries {
			rc, err := a.Open(e)
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := rc.Read(buf); err != nil {
					if err != io.EOF {
						b.Fatal(err)
					}
					break
				}
			}
			rc.Close()
		}
	}
}
