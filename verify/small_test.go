package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

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

			streamed := checkedBy(in, opts, func(res *Result, s *sink) { verifyZIPInput(res, in, s, opts) })
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

// checkedBy is the result of one of Verify's paths over in: check fills
// res and reports to s, as Verify has them.
func checkedBy(in Input, opts Options, check func(res *Result, s *sink)) Result {
	res := Result{Path: in.Path, Kind: bundle.KindOf(in.Path)}
	s := newSink(filepath.Base(in.Path), opts.ShowValues)
	check(&res, s)
	res.Findings = s.finish()
	return res
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

// fakeFile is an open file of a given Stat whose reads and rewinding a
// test decides.
type fakeFile struct {
	info    fs.FileInfo
	r       io.Reader
	seekErr error
	rewound bool
}

func (f *fakeFile) Read(p []byte) (int, error) { return f.r.Read(p) }

func (f *fakeFile) Seek(off int64, whence int) (int64, error) {
	if f.seekErr != nil {
		return 0, f.seekErr
	}
	f.rewound = off == 0 && whence == io.SeekStart
	return 0, nil
}

func (f *fakeFile) Stat() (fs.FileInfo, error) { return f.info, nil }

// TestReadSmallChangingFile holds what readSmall does when the file is
// not what Stat said: a file that shrank is what was read, and a read that
// fails leaves the file, rewound, to the streamed path.
func TestReadSmallChangingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(p, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	errIO := errors.New("input/output error")
	for _, tc := range []struct {
		name    string
		file    *fakeFile
		whole   bool
		size    int
		err     error
		rewound bool
	}{
		{"shrank", &fakeFile{info: info, r: bytes.NewReader(make([]byte, 60))}, true, 60, nil, false},
		{"shrank to nothing", &fakeFile{info: info, r: bytes.NewReader(nil)}, true, 0, nil, false},
		{"grew", &fakeFile{info: info, r: bytes.NewReader(make([]byte, 150))}, true, 100, nil, false},
		{"read fails", &fakeFile{info: info, r: io.MultiReader(bytes.NewReader(make([]byte, 10)), iotest.ErrReader(errIO))}, false, 0, nil, true},
		{"read fails, no rewinding", &fakeFile{info: info, r: iotest.ErrReader(errIO), seekErr: errors.New("no seek")}, true, 0, errIO, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small, ok := readSmall(tc.file)
			if ok != tc.whole || tc.file.rewound != tc.rewound {
				t.Fatalf("read whole: %v, rewound: %v; want %v, %v", ok, tc.file.rewound, tc.whole, tc.rewound)
			}
			if ok && (len(small.data) != tc.size || !errors.Is(small.err, tc.err) || (tc.err == nil) != (small.err == nil)) {
				t.Fatalf("read %d bytes, error %v; want %d, %v", len(small.data), small.err, tc.size, tc.err)
			}
		})
	}
}

// TestSmallZIPReadFailures checks the findings of the small path's two
// failures against those of the streamed path: a ZIP that shrank to
// nothing is an empty ZIP, and one whose read failed still has its
// detailed CSV checked.
func TestSmallZIPReadFailures(t *testing.T) {
	opts := DefaultOptions()
	opts.Schemas = builtinSchemas()
	dir := t.TempDir()
	empty := filepath.Join(dir, "vlf_P_H_license_2026-11-01_0300.zip")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(in Input, small smallFile) Result {
		return checkedBy(in, opts, func(res *Result, s *sink) { verifySmallZIP(res, in, s, opts, small) })
	}
	want := Verify(Input{Path: empty}, opts) // streamed: the file is empty
	got := run(Input{Path: empty}, smallFile{data: []byte{}})
	if !reflect.DeepEqual(got.Findings, want.Findings) || got.SHA256 != want.SHA256 {
		t.Errorf("shrank to nothing:\n got %+v %s\nwant %+v %s", got.Findings, got.SHA256, want.Findings, want.SHA256)
	}

	detailed, _ := filepath.Glob("../testdata/recon/customer-dropped/*_detailed_*.csv")
	if len(detailed) != 1 {
		t.Fatalf("the recon corpus has no customer-dropped detailed CSV: %v", detailed)
	}
	in := Input{Path: empty, Detailed: detailed[0]}
	got = run(in, smallFile{err: errors.New("input/output error")})
	alone := checkedBy(in, opts, func(res *Result, s *sink) {
		verifyDetailed(res, in.Detailed, s, opts, false)
	})
	if len(got.Findings) != len(alone.Findings)+1 || got.Findings[0].Rule != ruleZipUnreadable.ID {
		t.Fatalf("read failed: findings %+v; want zip.unreadable and the detailed CSV's own %+v", got.Findings, alone.Findings)
	}
	if got.Totals == nil || !reflect.DeepEqual(got.Totals.Detailed, alone.Totals.Detailed) {
		t.Fatalf("read failed: the detailed CSV was not read (totals %+v, want %+v)", got.Totals, alone.Totals)
	}
}
