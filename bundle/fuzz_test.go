package bundle

import (
	"archive/zip"
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/licaudit/licaudit/internal/hostile"
)

// fuzzLimits are small so that each fuzz input is bounded in work too.
var fuzzLimits = Limits{MaxEntries: 64, MaxEntrySize: 256 << 10, MaxTotalSize: 1 << 20, MaxRatio: 200}

// FuzzPreflight runs preflight over arbitrary bytes and reads every entry it
// lets through. It must not panic; what it lets through must be safe to
// unpack (a local name, no two entries colliding); and the bytes delivered
// must stay within the limits whatever the headers declare.
func FuzzPreflight(f *testing.F) {
	for _, c := range append(hostile.Cases(), hostile.Controls()...) {
		if c.Large {
			continue
		}
		b, err := c.Bytes()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("a/b.csv")
	io.WriteString(w, "x,y\n1,2\n")
	zw.Close()
	f.Add(b.Bytes())
	f.Add([]byte{})
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x2e\x00\x00\x00\x00\x00\x00\x00\x00\x00"))

	f.Fuzz(func(t *testing.T, data []byte) {
		a := NewArchive(bytes.NewReader(data), int64(len(data)), fuzzLimits)
		if len(a.Entries) > fuzzLimits.MaxEntries {
			t.Fatalf("%d entries passed an entry limit of %d", len(a.Entries), fuzzLimits.MaxEntries)
		}
		seen := map[string]string{}
		var total int64
		for _, e := range a.Entries {
			if e.Blocked {
				if _, err := a.Open(e); err != ErrBlocked {
					t.Fatalf("Open of blocked %q: %v", e.Name, err)
				}
				continue
			}
			if why := UnsafeName(e.Name); why != "" {
				t.Fatalf("unsafe name %q (%s) not blocked", e.Name, why)
			}
			key := foldName(e.Name)
			if other, dup := seen[key]; dup {
				t.Fatalf("%q and %q collide and neither is blocked", other, e.Name)
			}
			seen[key] = e.Name
			rc, err := a.Open(e)
			if err != nil {
				continue
			}
			n, _ := io.Copy(io.Discard, rc)
			rc.Close()
			if n > fuzzLimits.MaxEntrySize+64<<10 {
				t.Fatalf("%q delivered %d bytes past the entry limit %d", e.Name, n, fuzzLimits.MaxEntrySize)
			}
			total += n
		}
		if total > fuzzLimits.MaxTotalSize+64<<10 {
			t.Fatalf("%d bytes delivered past the total limit %d", total, fuzzLimits.MaxTotalSize)
		}
	})
}

// FuzzUnsafeName: a name UnsafeName accepts stays inside the directory it
// is unpacked into, on any system, and holds no control character.
func FuzzUnsafeName(f *testing.F) {
	for _, s := range []string{
		"2026-11-01_0300_license/vlf_P_H_license_2026-11-01_0300.json", "a/", "../x", "/abs", `a\b`,
		"C:x", "a/./b", "a/../b", ".", "..", "...", "a\x00", "\u202e.csv", "a//b", "\xc0\xaf",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if UnsafeName(name) != "" {
			return
		}
		if !utf8.ValidString(name) {
			t.Fatalf("%q: invalid UTF-8 accepted", name)
		}
		for _, r := range name {
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\\' {
				t.Fatalf("%q: %U accepted", name, r)
			}
		}
		if !filepath.IsLocal(name) {
			t.Fatalf("%q is not local", name)
		}
		base := filepath.FromSlash("/unpack/here")
		joined := filepath.Join(base, filepath.FromSlash(name))
		if joined != base && !strings.HasPrefix(joined, base+string(filepath.Separator)) {
			t.Fatalf("%q unpacks to %q, outside %q", name, joined, base)
		}
		for _, part := range strings.Split(name, "/") {
			if part == ".." {
				t.Fatalf("%q climbs with ..", name)
			}
		}
	})
}
