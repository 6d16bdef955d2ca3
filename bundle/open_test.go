package bundle

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenFile: OpenFile reads what os.Open reads and fails as it fails,
// so callers can swap one for the other.
func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "member.csv")
	want := bytes.Repeat([]byte("PKID,Count\n"), 1000)
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}

	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("read %d bytes (%v), want the %d written", len(got), err, len(want))
	}
	if f.Name() != path {
		t.Errorf("Name() = %q, want %q", f.Name(), path)
	}
	if st, err := f.Stat(); err != nil || st.Size() != int64(len(want)) {
		t.Errorf("Stat: %v, %v; want the size %d", st, err, len(want))
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	missing := filepath.Join(dir, "absent.zip")
	_, err = OpenFile(missing)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "open" || pe.Path != missing || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want an open *fs.PathError for %s that is fs.ErrNotExist", err, missing)
	}
	if _, want := os.Open(missing); err.Error() != want.Error() {
		t.Errorf("missing file: %q, os.Open says %q", err, want)
	}

	d, err := OpenFile(dir)
	if err != nil {
		t.Fatalf("a directory: %v (os.Open opens one too)", err)
	}
	defer d.Close()
	if st, err := d.Stat(); err != nil || !st.IsDir() {
		t.Errorf("a directory: Stat %v, %v; want a directory", st, err)
	}
}

// BenchmarkOpenFile opens, reads and closes a small bundle-sized file
// with OpenFile and with os.Open: the difference is the system calls
// os.Open spends offering a regular file to the poller.
func BenchmarkOpenFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "small.zip")
	if err := os.WriteFile(path, bytes.Repeat([]byte{'x'}, 16<<10), 0o644); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	for _, bc := range []struct {
		name string
		open func(string) (*os.File, error)
	}{{"OpenFile", OpenFile}, {"os.Open", os.Open}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := bc.open(path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.Read(buf); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}
