package bundle

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestPooledInflaters reads members through inflaters taken from and given
// back to the pool, in an order that reuses them, and checks that a reader
// closed twice or read after Close cannot reach an inflater another member
// now uses.
func TestPooledInflaters(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	want := map[string]string{}
	for i := 0; i < 6; i++ {
		name := fmt.Sprintf("m%d.csv", i)
		want[name] = strings.Repeat(fmt.Sprintf("row %d,%d\n", i, i*i), 5000+i*1000)
		w, _ := zw.Create(name)
		io.WriteString(w, want[name])
	}
	zw.Close()
	a := NewArchive(bytes.NewReader(buf.Bytes()), int64(buf.Len()), DefaultLimits())
	if len(a.Problems) != 0 {
		t.Fatalf("problems: %v", a.Problems)
	}
	for round := 0; round < 3; round++ {
		for _, e := range a.Entries {
			rc, err := a.Open(e)
			if err != nil {
				t.Fatal(err)
			}
			if round == 1 {
				// Read a little, close twice, read after close.
				part := make([]byte, 100)
				if _, err := io.ReadFull(rc, part); err != nil || string(part) != want[e.Name][:100] {
					t.Fatalf("%s: first bytes %q (%v)", e.Name, part, err)
				}
				rc.Close()
				rc.Close()
				if n, err := rc.Read(part); n != 0 || err == nil {
					t.Fatalf("%s: read after close gave %d bytes, %v", e.Name, n, err)
				}
				continue
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || string(got) != want[e.Name] {
				t.Fatalf("round %d, %s: %d bytes (%v), want %d", round, e.Name, len(got), err, len(want[e.Name]))
			}
		}
	}
}
