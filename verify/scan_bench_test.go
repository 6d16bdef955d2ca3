package verify

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/schema"
)

// Benchmarks of the reading machinery: the CSV scanner against
// encoding/csv, the CSV checks, the text scanner, the member pipeline (the
// hash path) and the identifier set. Inputs are generated once per run.
// bench/run.sh measures whole commands; these isolate the parts.

var benchInputs struct {
	once              sync.Once
	err               error
	flexnet, vossAnon []byte // CSV texts
	flexnetZIP        string // an extract on disk
}

// benchCSV returns a FlexNet entitlement CSV of about 30,000 line items
// and a VOSS anonymous CSV of 100,000 customers.
func benchCSV(b *testing.B) (flexnet, vossAnon []byte, flexnetZIP string) {
	b.Helper()
	in := &benchInputs
	in.once.Do(func() {
		dir, err := os.MkdirTemp("", "licaudit-bench")
		if err != nil {
			in.err = err
			return
		}
		o := generate.DefaultFlexNetOptions()
		o.Entitlements, o.MaxLineItems = 15000, 3
		paths, err := generate.WriteFlexNet(dir, o, true)
		if err != nil {
			in.err = err
			return
		}
		in.flexnetZIP = paths[0]
		if in.flexnet, in.err = zipMember(paths[0], schemaPrefixEntitlements); in.err != nil {
			return
		}
		paths, err = generate.WriteVOSS(dir, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 100000, Seed: 1}, true)
		if err != nil {
			in.err = err
			return
		}
		for _, p := range paths {
			if strings.HasSuffix(p, ".zip") {
				in.vossAnon, in.err = zipMember(p, "_anonymous_")
			}
		}
	})
	if in.err != nil {
		b.Fatal(in.err)
	}
	return in.flexnet, in.vossAnon, in.flexnetZIP
}

const schemaPrefixEntitlements = "EntitlementsExtract-"

// zipMember returns the content of the first member whose name holds part.
func zipMember(path, part string) ([]byte, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, part) && !strings.HasSuffix(f.Name, ".hash") {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, fmt.Errorf("%s holds no member named like %q", filepath.Base(path), part)
}

func benchCSVInputs(b *testing.B) map[string][]byte {
	fne, anon, _ := benchCSV(b)
	return map[string][]byte{"flexnet": fne, "voss-anonymous": anon}
}

// BenchmarkCSVRead compares reading records with csvScanner and with
// encoding/csv configured as csvScanner mimics it.
func BenchmarkCSVRead(b *testing.B) {
	for name, data := range benchCSVInputs(b) {
		b.Run("scanner/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				sc := newCSVScanner(bytes.NewReader(data))
				for {
					if _, err := sc.Read(); err != nil {
						break
					}
				}
			}
		})
		b.Run("encoding-csv/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				cr := csv.NewReader(bytes.NewReader(data))
				cr.ReuseRecord, cr.FieldsPerRecord = true, -1
				for {
					if _, err := cr.Read(); err != nil {
						break
					}
				}
			}
		})
	}
}

// BenchmarkCSVChecks reads a CSV through everything every CSV member goes
// through: the text scanner (encoding, line endings, line limit), the
// scanner, the header and row checks (ragged rows, formula injection).
func BenchmarkCSVChecks(b *testing.B) {
	for name, data := range benchCSVInputs(b) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				s := newSink("bench", false)
				t := newTextScanner(bytes.NewReader(data), DefaultCSVLimits().MaxLineBytes)
				c := openCSV(s, "bench.csv", t, true)
				for _, _, ok := c.next(); ok; _, _, ok = c.next() {
				}
				c.finish()
			}
		})
	}
}

// BenchmarkTextScanner measures the byte checks alone.
func BenchmarkTextScanner(b *testing.B) {
	data, _, _ := benchCSV(b)
	buf := make([]byte, 64<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		t := newTextScanner(bytes.NewReader(data), DefaultCSVLimits().MaxLineBytes)
		for {
			if _, err := t.Read(buf); err != nil {
				break
			}
		}
	}
}

// BenchmarkMemberReader measures the hash path: the member pipeline with
// SHA-256, over bytes in memory and over a member inflated from a ZIP.
func BenchmarkMemberReader(b *testing.B) {
	data, _, zipPath := benchCSV(b)
	buf := make([]byte, 64<<10)
	b.Run("memory-sha256", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			m := newMemberReader(io.NopCloser(bytes.NewReader(data)), "SHA256")
			for {
				if _, err := m.Read(buf); err != nil {
					break
				}
			}
			m.finish()
		}
	})
	b.Run("zip-inflate-sha256", func(b *testing.B) {
		a, err := bundle.Open(zipPath, bundle.DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		var e *bundle.Entry
		for _, x := range a.Entries {
			if strings.HasPrefix(x.Name, schemaPrefixEntitlements) {
				e = x
			}
		}
		b.SetBytes(e.Size)
		b.ReportAllocs()
		for b.Loop() {
			rc, err := a.Open(e)
			if err != nil {
				b.Fatal(err)
			}
			m := newMemberReader(rc, "SHA256")
			for {
				if _, err := m.Read(buf); err != nil {
					break
				}
			}
			m.finish()
			if m.err != nil {
				b.Fatal(m.err)
			}
		}
	})
}

// BenchmarkAnonymousChecks measures all an anonymous CSV goes through
// once inflated, as checkMember streams it: SHA-256, the scanner (on a
// goroutine of its own) and every check of its rows (counts and totals,
// anonymity of each cell, repeated Customer PKIDs). Run it with -cpu 1 for
// the CPU time: with more, hashing, splitting and checking overlap and
// ns/op is the longest of the three.
func BenchmarkAnonymousChecks(b *testing.B) {
	_, data, _ := benchCSV(b)
	const stem = "CS-P_VOSS-UN-1"
	member := &vossMember{
		entry: &bundle.Entry{Name: "2026-11-01_0300_license/vlf_" + stem + "_anonymous_2026-11-01_0300.csv"},
		name:  schema.VOSSName{Type: schema.TypeAnonymous, Ext: "csv"},
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		v := &vossBundle{res: &Result{}, s: newSink("bench", false), opts: DefaultOptions(), stem: stem, identity: newIdentity()}
		v.identity.addBundleNames(stem)
		mr := newMemberReader(io.NopCloser(bytes.NewReader(data)), "SHA256")
		v.checkCSV(member, newTextScanner(mr, v.opts.CSV.MaxLineBytes))
		mr.finish()
		if len(v.s.findings) != 0 || v.res.Totals.Anonymous.Customers != 100000 {
			b.Fatalf("findings %v, totals %+v", v.s.findings, v.res.Totals.Anonymous)
		}
	}
}
