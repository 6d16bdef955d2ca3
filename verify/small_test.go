package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/bundle"
)

// TestSmallZIPMatchesStreamed verifies every ZIP of the corpora both ways:
// read whole into memory (Verify, for a ZIP of at most smallFileMax bytes)
// and streamed from the file (verifyZIPInput, the path of larger ZIPs).
// Both must give the same kind, findings and digest.
func TestSmallZIPMatchesStreamed(t *testing.T) {
	inputs, err := Collect([]string{"../testdata"}, "")
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Schemas = builtinSchemas() // as Verify sets it
	zips := 0
	for _, in := range inputs {
		if !strings.HasSuffix(strings.ToLower(in.Path), ".zip") {
			continue
		}
		st, err := os.Stat(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() == 0 || st.Size() > smallFileMax {
			continue // streamed by Verify too
		}
		zips++
		t.Run(filepath.ToSlash(in.Path), func(t *testing.T) {
			whole := Verify(in, opts)

			streamed := Result{Path: in.Path, Kind: bundle.KindOf(in.Path)}
			s := newSink(filepath.Base(in.Path), opts.ShowValues)
			verifyZIPInput(&streamed, in, s, opts)
			streamed.Findings = s.finish()
			data, err := os.ReadFile(in.Path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			streamed.SHA256 = hex.EncodeToString(sum[:])

			if whole.Kind != streamed.Kind || whole.SHA256 != streamed.SHA256 {
				t.Errorf("read whole: kind %v, digest %s; streamed: kind %v, digest %s", whole.Kind, whole.SHA256, streamed.Kind, streamed.SHA256)
			}
			if !reflect.DeepEqual(whole.Findings, streamed.Findings) {
				t.Errorf("findings differ\nread whole: %+v\nstreamed:   %+v", whole.Findings, streamed.Findings)
			}
		})
	}
	if zips < 50 {
		t.Fatalf("compared %d ZIPs of the corpora; expected the whole corpus (over 50)", zips)
	}
}

// TestReadSmall holds the choice of path: a regular file up to
// smallFileMax is read whole, and anything else is left to be streamed,
// unread.
func TestReadSmall(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		path  string
		whole bool
	}{
		{"one byte", write("one.zip", 1), true},
		{"at the bound", write("at.zip", smallFileMax), true},
		{"past the bound", write("past.zip", smallFileMax+1), false},
		{"empty", write("empty.zip", 0), false},
		{"a directory", dir, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			small, ok := readSmall(f)
			if ok != tc.whole {
				t.Fatalf("read whole: %v, want %v", ok, tc.whole)
			}
			if !ok {
				if off, _ := f.Seek(0, 1); off != 0 {
					t.Fatalf("left to be streamed, but %d bytes were read", off)
				}
				return
			}
			want, _ := os.ReadFile(tc.path)
			if small.err != nil || string(small.data) != string(want) {
				t.Fatalf("read %d bytes (error %v), want the file's %d", len(small.data), small.err, len(want))
			}
		})
	}
}
