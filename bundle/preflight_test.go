package bundle

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/internal/hostile"
)

// zipOf writes a ZIP with the standard writer (data descriptors on deflated
// entries, as most tools write them).
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func archiveOf(b []byte, lim Limits) *Archive {
	return NewArchive(bytes.NewReader(b), int64(len(b)), lim)
}

// kinds lists the problems as "kind entry" strings for comparison.
func kinds(a *Archive) []string {
	var out []string
	for _, p := range a.Problems {
		out = append(out, kindName[p.Kind]+" "+p.Entry)
	}
	sort.Strings(out)
	return out
}

var kindName = map[ProblemKind]string{
	Unreadable: "unreadable", UnsafePath: "unsafe-path", DuplicateEntry: "duplicate",
	Symlink: "symlink", Encrypted: "encrypted", UnsupportedMethod: "method",
	HeaderMismatch: "header-mismatch", OverlappingEntries: "overlap",
	LimitExceeded: "limit", NestedArchive: "nested", JunkEntry: "junk",
}

func hasKind(a *Archive, k ProblemKind) bool {
	for _, p := range a.Problems {
		if p.Kind == k {
			return true
		}
	}
	return false
}

func TestPreflightAcceptsWellFormedArchives(t *testing.T) {
	plain := zipOf(t, map[string]string{"d/a.csv": "a,b\n1,2\n", "d/b.json": `{"x": 1}`, "d/": ""})
	var storedBuf bytes.Buffer
	zw := zip.NewWriter(&storedBuf)
	for _, n := range []string{"s/one.txt", "s/two.txt"} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		io.WriteString(w, "stored content of "+n)
	}
	zw.Close()
	cases := []struct {
		name string
		data []byte
	}{
		{"deflate with data descriptors", plain},
		{"stored", storedBuf.Bytes()},
		// A self-extractor stub before the archive shifts every offset;
		// archive/zip and preflight must agree on the shift.
		{"prepended stub", append([]byte("MZ\x90\x00 a self-extractor stub "+strings.Repeat("x", 100)), plain...)},
		{"valid export", mustCase(t, "valid")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := archiveOf(c.data, DefaultLimits())
			for _, p := range a.Problems {
				t.Errorf("unexpected problem %s %q: %s", kindName[p.Kind], p.Entry, p.Detail)
			}
			for _, e := range a.Entries {
				if e.Blocked {
					continue
				}
				rc, err := a.Open(e)
				if err != nil {
					t.Fatalf("%s: %v", e.Name, err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					t.Errorf("%s: %v", e.Name, err)
				}
				rc.Close()
			}
		})
	}
}

// mustCase returns a hostile case's bytes.
func mustCase(t testing.TB, name string) []byte {
	t.Helper()
	c, ok := hostile.Lookup(name)
	if !ok {
		t.Fatalf("no hostile case %q", name)
	}
	b, err := c.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPreflightHostileCases checks the container-level cases of the
// hostile corpus: the problem kinds found, and that the entries at fault
// are blocked while the export's own members stay readable.
func TestPreflightHostileCases(t *testing.T) {
	cases := []struct {
		name    string
		want    ProblemKind
		blocked []string // entries that must be blocked (suffixes)
		open    []string // entries that must stay readable (suffixes)
	}{
		{"overlapped-bomb", OverlappingEntries, []string{"bomb_00.csv", "bomb_07.csv", "bomb_15.csv"}, nil},
		{"nested-zip-bomb", NestedArchive, nil, []string{"archive.zip", "_anonymous_2026-11-01_0300.csv"}},
		{"disguised-nested-zip", NestedArchive, nil, []string{"notes.csv"}},
		{"zip-slip", UnsafePath, []string{"licaudit-zip-slip.sh", "../../evil.csv"}, []string{"_license_2026-11-01_0300.json"}},
		{"absolute-path", UnsafePath, []string{"/etc/cron.d/licaudit", "evil.dll", "evil.bat"}, []string{"_patch_2026-11-01_0300.json"}},
		{"symlink", Symlink, []string{"/passwd"}, []string{"_anonymous_2026-11-01_0300.csv"}},
		{"encrypted-entry", Encrypted, []string{"_anonymous_2026-11-01_0300.csv"}, []string{"_license_2026-11-01_0300.json"}},
		{"truncated", Unreadable, nil, nil},
		{"header-mismatch", HeaderMismatch, []string{"_patch_2026-11-01_0300.json", "_anonymous_2026-11-01_0300.csv"}, []string{"_license_2026-11-01_0300.json"}},
		{"data-past-directory", Unreadable, []string{"_anonymous_2026-11-01_0300.csv"}, []string{"_license_2026-11-01_0300.json"}},
		{"declared-huge", LimitExceeded, []string{"anonymous_breakdown_2026-11-01_0300.csv"}, []string{"_anonymous_2026-11-01_0300.csv"}},
		{"duplicate-entry", DuplicateEntry, []string{"VLF_P_H_ANONYMOUS_2026-11-01_0300.CSV", "license/notes"}, []string{"notes/inner.txt"}},
		{"unsupported-method", UnsupportedMethod, []string{"_anonymous_2026-11-01_0300.csv"}, []string{"_anonymous_2026-11-01_0300.csv.hash"}},
		{"empty-file", Unreadable, nil, nil},
		{"not-a-zip", Unreadable, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := archiveOf(mustCase(t, c.name), DefaultLimits())
			if !hasKind(a, c.want) {
				t.Fatalf("no %s problem; got %v", kindName[c.want], kinds(a))
			}
			for _, suffix := range c.blocked {
				e := entryBySuffix(t, a, suffix)
				if !e.Blocked {
					t.Errorf("%s is not blocked", e.Name)
				}
				if _, err := a.Open(e); !errors.Is(err, ErrBlocked) {
					t.Errorf("Open(%s) = %v, want ErrBlocked", e.Name, err)
				}
			}
			for _, suffix := range c.open {
				e := entryBySuffix(t, a, suffix)
				if e.Blocked {
					t.Errorf("%s is blocked, though nothing is wrong with it", e.Name)
				}
			}
		})
	}
}

func entryBySuffix(t *testing.T, a *Archive, suffix string) *Entry {
	t.Helper()
	var found *Entry
	for _, e := range a.Entries {
		if strings.HasSuffix(e.Name, suffix) {
			if found != nil && found.Name != e.Name {
				t.Fatalf("suffix %q matches %s and %s", suffix, found.Name, e.Name)
			}
			if found == nil {
				found = e
			}
		}
	}
	if found == nil {
		t.Fatalf("no entry ends with %q", suffix)
	}
	return found
}

// TestOverlappedBombEveryEntryBlocked: no entry of the overlapped bomb may
// be inflated, since each one's data is the next one's plus the kernel.
func TestOverlappedBombEveryEntryBlocked(t *testing.T) {
	a := archiveOf(mustCase(t, "overlapped-bomb"), DefaultLimits())
	if len(a.Entries) != 16 {
		t.Fatalf("%d entries, want 16", len(a.Entries))
	}
	overlaps := 0
	for _, p := range a.Problems {
		if p.Kind == OverlappingEntries {
			overlaps++
		}
	}
	if overlaps != 16 {
		t.Errorf("%d overlap problems, want one per entry (16)", overlaps)
	}
	// Even with every other limit off, the overlap alone blocks them.
	a = archiveOf(mustCase(t, "overlapped-bomb"), Limits{})
	for _, e := range a.Entries {
		if !e.Blocked {
			t.Errorf("%s is not blocked with limits off", e.Name)
		}
	}
}

// TestManyEntriesRefusedBeforeParsing: an archive over the entry limit is
// refused from its central directory count, before archive/zip holds its
// records.
func TestManyEntriesRefusedBeforeParsing(t *testing.T) {
	c, _ := hostile.Lookup("many-entries")
	p, err := c.WriteTo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(p, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if len(a.Entries) != 0 || !hasKind(a, LimitExceeded) || len(a.Problems) != 1 {
		t.Fatalf("entries %d, problems %v; want no entries and one limit problem", len(a.Entries), kinds(a))
	}
	if !strings.Contains(a.Problems[0].Detail, "100009") {
		t.Errorf("the detail does not give the declared count: %s", a.Problems[0].Detail)
	}
	// With the limit raised, the same archive is parsed and checked whole.
	lim := DefaultLimits()
	lim.MaxEntries = 200_000
	b, err := Open(p, lim)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(b.Entries) != 100_009 || len(b.Problems) != 0 {
		t.Fatalf("entries %d, problems %d; want 100009 and none", len(b.Entries), len(b.Problems))
	}
}

// TestOversizedDirectoryRefused: a central directory of kilobyte comments
// is refused from its size before archive/zip holds it, and accepted once
// max_entries (which scales the allowance) is raised enough.
func TestOversizedDirectoryRefused(t *testing.T) {
	data := mustCase(t, "oversized-directory")
	a := archiveOf(data, DefaultLimits())
	if len(a.Entries) != 0 || len(a.Problems) != 1 || a.Problems[0].Kind != LimitExceeded || !strings.Contains(a.Problems[0].Detail, "central directory") {
		t.Fatalf("entries %d, problems %v; want none read and one limit problem about the directory", len(a.Entries), a.Problems)
	}
	lim := DefaultLimits()
	lim.MaxEntries = 10_000
	if b := archiveOf(data, lim); len(b.Entries) != 309 || len(b.Problems) != 0 {
		t.Fatalf("with max_entries 10000: entries %d, problems %v", len(b.Entries), kinds(b))
	}
}

func TestLimitsConfigurable(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<17) // 2 MiB, compresses far past 200:1
	data := zipOf(t, map[string]string{"a.csv": "a\n", "b.csv": "b\n", "c.csv": "c\n", "big.csv": big})
	cases := []struct {
		name    string
		lim     Limits
		blocked []string
		archive bool // an archive-level limit problem
	}{
		{"defaults", DefaultLimits(), []string{"big.csv"}, false},
		{"no limits", Limits{}, nil, false},
		{"entries", Limits{MaxEntries: 3}, nil, true},
		{"entry size", Limits{MaxEntrySize: 1 << 20}, []string{"big.csv"}, false},
		{"total", Limits{MaxTotalSize: 1 << 20}, nil, true},
		{"ratio", Limits{MaxRatio: 5000}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := archiveOf(data, c.lim)
			var blocked []string
			for _, e := range a.Entries {
				if e.Blocked {
					blocked = append(blocked, e.Name)
				}
			}
			if strings.Join(blocked, ",") != strings.Join(c.blocked, ",") {
				t.Errorf("blocked %v, want %v (problems %v)", blocked, c.blocked, kinds(a))
			}
			archive := false
			for _, p := range a.Problems {
				if p.Kind == LimitExceeded && p.Whole {
					archive = true
				}
			}
			if archive != c.archive {
				t.Errorf("archive-level limit problem %v, want %v (%v)", archive, c.archive, kinds(a))
			}
		})
	}
}

// TestLimitsOnInflatedBytes: declared sizes are the sender's word, so the
// limits hold on the bytes actually inflated too.
func TestLimitsOnInflatedBytes(t *testing.T) {
	t.Run("declared size lies", func(t *testing.T) {
		a := archiveOf(mustCase(t, "lying-size"), DefaultLimits())
		e := entryBySuffix(t, a, "_anonymous_2026-11-01_0300.csv")
		if e.Blocked || e.Size != 64 {
			t.Fatalf("blocked %v size %d; the lie is only seen while inflating", e.Blocked, e.Size)
		}
		rc, err := a.Open(e)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		var lim *LimitError
		if !errors.As(err, &lim) || lim.What != "declared size" || !errors.Is(err, ErrLimit) {
			t.Fatalf("err = %v, want a declared-size LimitError", err)
		}
		if n > 64 {
			t.Errorf("%d bytes delivered past a declared size of 64", n)
		}
	})
	t.Run("total across entries", func(t *testing.T) {
		data := zipOf(t, map[string]string{"a": strings.Repeat("a", 600), "b": strings.Repeat("b", 600)})
		a := archiveOf(data, Limits{})
		a.lim.MaxTotalSize = 1000 // as if the declared total had been under it
		var got error
		var total int64
		for _, e := range a.Entries {
			rc, _ := a.Open(e)
			n, err := io.Copy(io.Discard, rc)
			total += n
			if err != nil {
				got = err
			}
		}
		var lim *LimitError
		if !errors.As(got, &lim) || lim.What != "total size" {
			t.Fatalf("err = %v, want a total-size LimitError", got)
		}
	})
}

func TestUnsafeName(t *testing.T) {
	cases := []struct {
		name string
		safe bool
	}{
		{"2026-11-01_0300_license/vlf_a_b_license_2026-11-01_0300.json", true},
		{"dir/", true},
		{"a..b/c", true},
		{"", false},
		{"/etc/passwd", false},
		{"../x", false},
		{"a/../../x", false},
		{"a/..", false},
		{`a\b`, false},
		{"C:/x", false},
		{"c:x", false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\u0085b", false},
		{"a\x7fb", false},
		{"\xff\xfe", false},
		{"invoice\u202evsc.exe", false},
		{"a\u2066b", false},
		{"café/naïve.csv", true},
	}
	for _, c := range cases {
		if got := UnsafeName(c.name) == ""; got != c.safe {
			t.Errorf("UnsafeName(%q) = %q, want safe=%v", c.name, UnsafeName(c.name), c.safe)
		}
	}
}

func TestArchiveMagic(t *testing.T) {
	cases := map[string]string{
		"PK\x03\x04rest":                   "ZIP",
		"\x1f\x8b\x08\x00":                 "gzip",
		"BZh91AY&SY":                       "bzip2",
		"BZh is how this CSV header start": "",
		"Customer PKID,One":                "",
		"\x1f\x8b":                         "",
	}
	for in, want := range cases {
		if got := archiveMagic([]byte(in)); got != want {
			t.Errorf("archiveMagic(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenRefusesDirectory: Open reports a path that is a directory as an
// error of the caller, not as a problem of a bundle.
func TestOpenRefusesDirectory(t *testing.T) {
	if _, err := Open(t.TempDir(), DefaultLimits()); err == nil {
		t.Fatal("Open of a directory succeeded")
	}
	if _, err := Open(t.TempDir()+"/missing.zip", DefaultLimits()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open of a missing file: %v", err)
	}
}

// TestProblemWhole: a problem of an entry whose name is empty is still the
// entry's, not the archive's; an empty file is the archive's.
func TestProblemWhole(t *testing.T) {
	a := archiveOf(zipOf(t, map[string]string{"": "x", "2026-11-01_0300_license/a.json": "{}"}), DefaultLimits())
	var entry, whole int
	for _, p := range a.Problems {
		switch {
		case p.Kind == UnsafePath && p.Entry == "" && !p.Whole:
			entry++
		case p.Whole:
			whole++
		}
	}
	if entry != 1 || whole != 0 {
		t.Errorf("problems %+v: want one unsafe-path of the entry named \"\" and none of the archive", a.Problems)
	}
	if a := archiveOf(nil, DefaultLimits()); len(a.Problems) != 1 || !a.Problems[0].Whole {
		t.Errorf("an empty file: problems %+v, want one of the archive", a.Problems)
	}
}

// TestDescribeDuplicate: a repeated name says how it repeats the other;
// names that display alike are also written out so that they can be told
// apart.
func TestDescribeDuplicate(t *testing.T) {
	for _, c := range []struct{ name, first, want string }{
		{"a.csv", "a.csv", "appears twice in the archive"},
		{"A.CSV", "a.csv", `equals "a.csv" but for case`},
		{"cafe\u0301.txt", "caf\u00e9.txt", `equals "café.txt" after Unicode normalisation: written out, this name is "cafe\u0301.txt" and the other "caf\u00e9.txt"`},
		{"CAFE\u0301.txt", "caf\u00e9.txt", `equals "café.txt" after case folding and Unicode normalisation: written out, this name is "CAFE\u0301.txt" and the other "caf\u00e9.txt"`},
	} {
		if got := describeDuplicate(c.name, c.first); got != c.want {
			t.Errorf("describeDuplicate(%+q, %+q) = %q, want %q", c.name, c.first, got, c.want)
		}
	}
}
