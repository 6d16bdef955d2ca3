package verify

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusSeeds returns the members of the checked-in corpora (hostile,
// VOSS, FlexNet) whose names end in ext, at most max of them and none over
// 64 KiB, so the fuzz targets start from real and broken files alike.
func corpusSeeds(tb testing.TB, ext string, max int) [][]byte {
	tb.Helper()
	var seeds [][]byte
	seen := map[string]bool{}
	add := func(b []byte) {
		if len(b) <= 64<<10 && !seen[string(b)] && len(seeds) < max {
			seen[string(b)] = true
			seeds = append(seeds, b)
		}
	}
	var paths []string
	filepath.WalkDir(filepath.Join("..", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	for _, p := range paths {
		switch {
		case strings.HasSuffix(p, ext):
			if b, err := readSmallFile(p); err == nil {
				add(b)
			}
		case strings.HasSuffix(p, ".zip"):
			zr, err := zip.OpenReader(p)
			if err != nil {
				continue
			}
			for _, f := range zr.File {
				if !strings.HasSuffix(f.Name, ext) || f.UncompressedSize64 > 64<<10 {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					continue
				}
				b, err := io.ReadAll(io.LimitReader(rc, 64<<10+1))
				rc.Close()
				if err == nil {
					add(b)
				}
			}
			zr.Close()
		}
	}
	return seeds
}

func readSmallFile(p string) ([]byte, error) {
	f, err := openFile(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10+1))
}

// FuzzHashLine: parseHashFile never panics, and what it accepts is
// consistent: a digest of its algorithm's length, a one-line name, and a
// line that reads back the same once written in its form again.
func FuzzHashLine(f *testing.F) {
	for _, b := range corpusSeeds(f, ".hash", 30) {
		f.Add(b)
	}
	sha := strings.Repeat("ab", 32)
	for _, s := range []string{
		sha, sha + "  f.csv\n", sha + " *f.csv\r\n", "SHA256 (f.csv) = " + sha, "sha-1 (a) = " + strings.Repeat("1", 40),
		"\ufeff" + sha, "SHA256 () = " + sha, "SHA256 (a) = (b) = " + sha, sha + "  \n", "MD5 (x) = ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseHashFile(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if digestLen[len(h.Digest)] != h.Algo {
			t.Fatalf("%q: %s digest of %d bytes", b, h.Algo, len(h.Digest))
		}
		if strings.ContainsAny(h.Name, "\r\n") {
			t.Fatalf("%q: name %q spans lines", b, h.Name)
		}
		var line string
		hexd := hex.EncodeToString(h.Digest)
		switch h.Form {
		case formBare:
			if h.Name != "" {
				t.Fatalf("%q: bare digest with name %q", b, h.Name)
			}
			line = hexd
		case formGNU:
			line = hexd + "  " + h.Name
		case formBSD:
			line = h.Algo + " (" + h.Name + ") = " + hexd
		default:
			t.Fatalf("%q: unknown form %q", b, h.Form)
		}
		again, err := parseHashFile([]byte(line + "\n"))
		if err != nil || again.Algo != h.Algo || again.Name != h.Name || !bytes.Equal(again.Digest, h.Digest) {
			t.Fatalf("%q parses as %+v, but its rewrite %q as %+v, %v", b, h, line, again, err)
		}
	})
}

// FuzzJSON checks readJSON against encoding/json: both accept the same
// documents, and the value readJSON builds is the one json.Unmarshal
// builds. Keys repeated or nesting beyond the limit are reported, never a
// reason for a panic or a disagreement about syntax.
func FuzzJSON(f *testing.F) {
	for _, b := range corpusSeeds(f, ".json", 40) {
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `[]`, `{"a": {"a": 1, "a": 2}}`, `[[[[[[[[]]]]]]]]`, `{"a":1} {"b":2}`, `{"a":`, "\ufeff{}",
		`"\ud800"`, `{"a": "caf` + "\xe9" + `"}`, `1e999`, `{"a":[1,2,{"b":null}],"c":true}`, ` `, `nul`,
	} {
		f.Add([]byte(s))
	}
	lim := JSONLimits{MaxBytes: 1 << 20, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, built, ok, rules := jsonFindings(data, lim)
		doc := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // the scanner strips a BOM; the member check reports it
		if bytes.Count(doc, []byte("["))+bytes.Count(doc, []byte("{")) > 9000 {
			return // encoding/json stops at 10 000 levels; readJSON has its own limit
		}
		for _, r := range rules {
			if r == "json.limit-exceeded" {
				return // parsing stopped at the limit: the rest is unjudged
			}
		}
		valid := json.Valid(doc)
		if ok != valid {
			t.Fatalf("readJSON ok=%v (findings %v) but json.Valid=%v for %q", ok, rules, valid, doc)
		}
		if !ok {
			if len(rules) == 0 {
				t.Fatalf("invalid JSON %q without a finding", doc)
			}
			return
		}
		if len(rules) > 0 || !built {
			return // duplicate keys or limits: the value is not built in full
		}
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("json.Decode: %v", err)
		}
		if !reflect.DeepEqual(v, want) {
			t.Fatalf("readJSON built %#v, json builds %#v", v, want)
		}
	})
}

// csvFileRun reads data as a CSV member and returns the rows next() gave with
// their lines, the header, and the rules reported.
func csvFileRun(data []byte, allowMeta bool, maxLine int) (header []string, rows [][]string, lines []int, rules []string) {
	s := newSink("b.zip", false)
	t := newTextScanner(bytes.NewReader(data), maxLine)
	c := openCSV(s, "m.csv", t, allowMeta)
	header = c.header
	for {
		rec, line, ok := c.next()
		if !ok {
			break
		}
		rows = append(rows, append([]string(nil), rec...))
		lines = append(lines, line)
	}
	c.finish()
	for _, f := range s.finish() {
		rules = append(rules, f.Rule)
	}
	return header, rows, lines, rules
}

// FuzzCSV checks the CSV reader never panics and numbers rows right: lines
// only grow and stay within the file, every row has the header's width,
// and for plain files (no quotes, no CR, no metadata) the rows and their
// lines equal a line-by-line split.
func FuzzCSV(f *testing.F) {
	for _, b := range corpusSeeds(f, ".csv", 40) {
		f.Add(b, true)
	}
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\n1,2,3\n4,5\n", "#k=v\n#x\na,b\n1,2", "a,a,\n", "\"a\nb\",c\n1,2\n", "a,\"b\nc,d\n",
		"a,b\r\n1,2\n", "\ufeffa,b\n=1+1,@x\n", "a\n\n\n1\n", "a,b\n1,2\n\x00\xff\n", "",
	} {
		f.Add([]byte(s), strings.HasPrefix(s, "#"))
	}
	f.Fuzz(func(t *testing.T, data []byte, allowMeta bool) {
		header, rows, lines, _ := csvFileRun(data, allowMeta, 1<<10)
		physical := bytes.Count(data, []byte("\n")) + 1
		for i, line := range lines {
			if line < 1 || line > physical || (i > 0 && line <= lines[i-1]) {
				t.Fatalf("row %d at line %d (previous %v, %d physical lines)", i, line, lines[:i], physical)
			}
			if header != nil && len(rows[i]) != len(header) {
				t.Fatalf("row at line %d has %d fields, header %d", line, len(rows[i]), len(header))
			}
		}
		doc := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if allowMeta || bytes.ContainsAny(doc, "\"\r") || bytes.HasPrefix(doc, []byte("\xef\xbb\xbf")) {
			return
		}
		for _, l := range bytes.Split(doc, []byte("\n")) {
			if len(l) > 1<<10 {
				return // the line limit stops the file early
			}
		}
		// The reference: every non-empty line is a record split at commas.
		var recs [][]string
		var recLines []int
		for i, l := range strings.Split(string(doc), "\n") {
			if l != "" {
				recs = append(recs, strings.Split(l, ","))
				recLines = append(recLines, i+1)
			}
		}
		if len(recs) == 0 {
			if header != nil || len(rows) != 0 {
				t.Fatalf("empty file gave header %q, rows %q", header, rows)
			}
			return
		}
		var wantRows [][]string
		var wantLines []int
		for i, r := range recs[1:] {
			if len(r) == len(recs[0]) {
				wantRows = append(wantRows, r)
				wantLines = append(wantLines, recLines[i+1])
			}
		}
		if len(rows) != len(wantRows) || (len(rows) > 0 && (!reflect.DeepEqual(rows, wantRows) || !reflect.DeepEqual(lines, wantLines))) {
			t.Fatalf("rows %q at %v, want %q at %v", rows, lines, wantRows, wantLines)
		}
	})
}

// chunkReader returns data in chunks of the sizes given (cycled), so that
// the scanner sees lines, CRLFs and UTF-8 sequences cut at every place.
type chunkReader struct {
	data  []byte
	sizes []byte
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := 1 + int(c.sizes[c.i%len(c.sizes)])%16
	if c.i == 0 {
		n = max(n, 3) // a BOM is only recognised whole in the first read
	}
	c.i++
	n = min(n, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// textReference computes what textScanner must find, on the whole input at
// once.
type textReference struct {
	bom                                 bool
	lines, crlf, lf, firstCRLF, firstLF int
	nulLine, badUTF8Line                int
	longLine                            int
	body                                []byte
}

func referenceText(data []byte, maxLine int) textReference {
	var r textReference
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		r.bom = true
		data = data[3:]
	}
	r.body = data
	lineOf := func(i int) int { return 1 + bytes.Count(data[:i], []byte("\n")) }
	r.lines = lineOf(len(data))
	if i := bytes.IndexByte(data, 0); i >= 0 {
		r.nulLine = lineOf(i)
	}
	for i := 0; i < len(data); {
		c, size := utf8.DecodeRune(data[i:])
		if c == utf8.RuneError && size <= 1 {
			r.badUTF8Line = lineOf(i)
			break
		}
		i += size
	}
	start := 0
	for i, b := range data {
		if b != '\n' {
			continue
		}
		line := lineOf(i)
		if i > 0 && data[i-1] == '\r' {
			r.crlf++
			if r.firstCRLF == 0 {
				r.firstCRLF = line
			}
		} else {
			r.lf++
			if r.firstLF == 0 {
				r.firstLF = line
			}
		}
		if maxLine > 0 && r.longLine == 0 && i-start > maxLine {
			r.longLine = line
		}
		start = i + 1
	}
	if maxLine > 0 && r.longLine == 0 && len(data)-start > maxLine {
		r.longLine = r.lines
	}
	return r
}

// FuzzTextScanner is a differential test of textScanner's one-pass,
// chunk-by-chunk accounting against referenceText's whole-input reading:
// lines, line endings, the first NUL, the first invalid UTF-8, the first
// over-long line, lineAt, and the nearest bytes that are not white space
// (nonSpaceFrom and nonSpaceBefore) where the scanner still holds them.
func FuzzTextScanner(f *testing.F) {
	for _, b := range corpusSeeds(f, ".csv", 10) {
		f.Add(b, []byte{3, 7, 1}, uint16(0))
	}
	for _, s := range []string{
		"a\r\nb\nc", "\ufeffx\n", "\xe2\x82\xac\n\xe2\x82", "ab\xff\n", "\n\n\x00", "\xf0\x9f\x98\x80x\r\n\r\n",
		"\xed\xa0\x80", "\xe0\x80\x80", "long line here\nshort\n", "\r", "\ufeff", "\xef\xbb",
	} {
		f.Add([]byte(s), []byte{0, 1, 2}, uint16(4))
	}
	f.Fuzz(func(t *testing.T, data []byte, sizes []byte, maxLine uint16) {
		if len(sizes) == 0 {
			sizes = []byte{15}
		}
		want := referenceText(data, 0)
		ts := newTextScanner(&chunkReader{data: data, sizes: sizes}, 0)
		ts.keepRecent()
		got, err := io.ReadAll(ts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.body) {
			t.Fatalf("scanner passed on %q, want %q", got, want.body)
		}
		g := textReference{bom: ts.bom, lines: ts.line, crlf: ts.crlf, lf: ts.lf, firstCRLF: ts.firstCRLF, firstLF: ts.firstLF,
			nulLine: ts.nulLine, badUTF8Line: ts.badUTF8Line, body: want.body}
		if !reflect.DeepEqual(g, want) {
			t.Fatalf("input %q in chunks %v:\n got %+v\nwant %+v", data, sizes, g, want)
		}
		if ts.offset != int64(len(want.body)) {
			t.Fatalf("offset %d, want %d", ts.offset, len(want.body))
		}
		for back := int64(0); back < 8 && back <= ts.offset; back++ {
			off := ts.offset - back
			if line, ok := ts.lineAt(off); ok && line != 1+bytes.Count(want.body[:off], []byte("\n")) {
				t.Fatalf("lineAt(%d) = %d, want %d", off, line, 1+bytes.Count(want.body[:off], []byte("\n")))
			}
			if b, ok := ts.nonSpaceFrom(off); ok {
				if rest := bytes.TrimLeft(want.body[off:], jsonSpace); len(rest) == 0 || rest[0] != b {
					t.Fatalf("nonSpaceFrom(%d) = %q in %q", off, b, want.body)
				}
			}
			if b, ok := ts.nonSpaceBefore(off); ok {
				if head := bytes.TrimRight(want.body[:off], jsonSpace); len(head) == 0 || head[len(head)-1] != b {
					t.Fatalf("nonSpaceBefore(%d) = %q in %q", off, b, want.body)
				}
			}
		}
		if maxLine == 0 {
			return
		}
		limit := int(maxLine)
		long := referenceText(data, limit).longLine
		lt := newTextScanner(&chunkReader{data: data, sizes: sizes}, limit)
		_, err = io.ReadAll(lt)
		var tooLong *errLineTooLong
		switch {
		case long == 0 && err != nil:
			t.Fatalf("no line over %d bytes, yet %v", limit, err)
		case long != 0 && (!errors.As(err, &tooLong) || tooLong.line != long):
			t.Fatalf("line %d is over %d bytes, got %v", long, limit, err)
		}
	})
}
