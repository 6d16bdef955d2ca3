package verify

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unsafe"
)

// errBroken stands for an error of the ZIP layer met in the middle of a
// member.
var errBroken = errors.New("broken member")

// stickyErrReader returns the first n bytes of data, then err for ever, as
// the member reader does after an error.
type stickyErrReader struct {
	data []byte
	err  error
}

func (r *stickyErrReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	if len(r.data) == 0 {
		return n, r.err
	}
	return n, nil
}

// csvReading is everything a reader of a CSV tells its caller: metadata
// lines, then each record with its line or its error.
type csvReading struct {
	meta  []string
	steps []string
}

// readingOf reads data the way openCSV did before csvScanner: bufio for
// the "#" lines, then encoding/csv.
func referenceReading(r io.Reader, meta bool) csvReading {
	var out csvReading
	br := bufio.NewReaderSize(r, 16) // small, so lines overflow it
	base := 0
	if meta {
		for {
			b, err := br.Peek(1)
			if err != nil || len(b) == 0 || b[0] != '#' {
				break
			}
			raw, err := br.ReadString('\n')
			base++
			out.meta = append(out.meta, fmt.Sprintf("%d %q %v", base, raw, err))
			if err != nil {
				break
			}
		}
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	errorsLeft := 3 // a reader's error repeats: look at a few
	for i := 0; i < 1000; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			out.steps = append(out.steps, "EOF")
			break
		}
		var pe *csv.ParseError
		switch {
		case err == nil:
			line, _ := cr.FieldPos(0)
			out.steps = append(out.steps, fmt.Sprintf("%d %q", base+line, rec))
		case errors.As(err, &pe):
			out.steps = append(out.steps, fmt.Sprintf("parse %d %d %d %v %q", base+pe.StartLine, base+pe.Line, pe.Column, pe.Err, rec))
		default:
			out.steps = append(out.steps, fmt.Sprintf("error %v %q", err, rec))
			if errorsLeft--; errorsLeft == 0 {
				return out
			}
		}
	}
	return out
}

func scannerReading(r io.Reader, meta bool) csvReading {
	var out csvReading
	sc := newCSVScanner(r)
	if meta {
		for {
			b, err := sc.peekByte()
			if err != nil || b != '#' {
				break
			}
			raw, err := sc.readRawLine()
			out.meta = append(out.meta, fmt.Sprintf("%d %q %v", sc.numLine, raw, err))
			if err != nil {
				break
			}
		}
	}
	// Rows are read as a member read in place reads them, in two arenas
	// used in turn (each record is formatted before the next is read).
	sc.alternate = true
	errorsLeft := 3 // a reader's error repeats: look at a few
	for i := 0; i < 1000; i++ {
		rec, err := sc.Read()
		if err == io.EOF {
			out.steps = append(out.steps, "EOF")
			break
		}
		var pe *csv.ParseError
		switch {
		case err == nil:
			out.steps = append(out.steps, fmt.Sprintf("%d %q", sc.line(), rec))
			for _, f := range rec {
				if !sc.formula && f != "" && formulaStart[f[0]] {
					out.steps = append(out.steps, fmt.Sprintf("the scanner missed the formula-like cell %q", f))
				}
			}
		case errors.As(err, &pe):
			out.steps = append(out.steps, fmt.Sprintf("parse %d %d %d %v %q", pe.StartLine, pe.Line, pe.Column, pe.Err, rec))
		default:
			out.steps = append(out.steps, fmt.Sprintf("error %v %q", err, rec))
			if errorsLeft--; errorsLeft == 0 {
				return out
			}
		}
	}
	return out
}

// readers serve the same bytes in the ways a member reader may: whole,
// a byte at a time, in halves, and cut off by an error.
func readers(data []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":   func() io.Reader { return bytes.NewReader(data) },
		"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"half":    func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"broken": func() io.Reader {
			return &stickyErrReader{data: append([]byte(nil), data[:len(data)*2/3]...), err: errBroken}
		},
	}
}

func checkSameReading(t *testing.T, data []byte) {
	t.Helper()
	for name, open := range readers(data) {
		for _, meta := range []bool{false, true} {
			want := referenceReading(open(), meta)
			got := scannerReading(open(), meta)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s reader, meta %v, input %q:\ncsvScanner:   %q %q\nencoding/csv: %q %q", name, meta, data, got.meta, got.steps, want.meta, want.steps)
			}
		}
	}
}

var csvScanSeeds = []string{
	"",
	"\n",
	"\r\n\r\n",
	"a,b,c\n1,2,3\n",
	"a,b,c\r\n1,2,3\r\n",
	"a,b\n1,2",
	"a,b\n1,2\r",
	"a,b\r",
	"\r",
	"a,,b,\n,,\n",
	"#Date Time=2026-11-01 03:00\n#hostname=h\r\nCustomer PKID,One\nx,1\n",
	"#only\n#meta",
	"#\n\n#x\na\n",
	`a,"b,c",d` + "\n",
	`"a""b",c` + "\n",
	`"multi` + "\n" + `line",x` + "\n",
	`"multi` + "\r\n" + `line",x` + "\r\n",
	`a,b"c,d` + "\n" + "next,row\n",
	`"a"b,c` + "\n" + "next,row\n",
	`"unterminated` + "\n" + "more\n",
	`"unterminated`,
	`"x"` + "\n" + `"y",` + "\n",
	`"",""` + "\n",
	`"a"` + "\r",
	"a\r\r\nb\n",
	"\"\r\n\"\n",
	"x,\"\n\n\",y\n",
	"é,ü\n\xff,\x00\n",
	"=SUM(A1),+1,-2,@x\n",
}

// csvScanLongSeeds have lines longer than the scanner's first buffer; they
// are too slow for the fuzzer to mutate.
var csvScanLongSeeds = []string{
	strings.Repeat("long,", 5000) + "end\n",
	"a," + strings.Repeat("x", 70000) + "\n" + `"q` + strings.Repeat("y", 70000) + "\"\n",
}

// TestCSVScannerMatchesEncodingCSV runs the seeds of FuzzCSVScanner as a
// table: each must read the same under both readers.
func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	for _, s := range append(csvScanSeeds, csvScanLongSeeds...) {
		checkSameReading(t, []byte(s))
	}
}

// FuzzCSVScanner is the differential test of csvScanner against
// encoding/csv: for any input and any way of serving it, both give the same
// metadata lines, records, record lines and errors.
func FuzzCSVScanner(f *testing.F) {
	for _, s := range csvScanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameReading(t, data)
	})
}

// bigCSV is a CSV of several pipeline blocks with, at the given rows, a
// bare quote, a ragged row, a quoted field over two lines and a formula.
func bigCSV(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("#Date Time=2026-11-01 03:00\nCustomer PKID,Name,Count\n")
	for i := 0; i < rows; i++ {
		switch i % 5000 {
		case 17:
			fmt.Fprintf(&b, "pk%d,bare\"quote,1\n", i)
		case 99:
			fmt.Fprintf(&b, "pk%d,ragged\n", i)
		case 250:
			fmt.Fprintf(&b, "pk%d,\"two\nlines\",2\n", i)
		case 333:
			fmt.Fprintf(&b, "pk%d,=HYPERLINK(x),3\n", i)
		default:
			fmt.Fprintf(&b, "pk%d,\"Name, %d\",%d\n", i, i, i%7)
		}
	}
	return b.Bytes()
}

type aheadRun struct {
	rows     []string
	failed   bool
	findings []string
}

// readCSV reads data as a member of a bundle would be read (through a
// member reader, which makes csvFile read ahead when the member is large)
// or in place (through a plain reader), with the member ending in end.
func readCSV(t *testing.T, data []byte, end error, throughMember bool, maxLine int) aheadRun {
	t.Helper()
	s := newSink("bundle.zip", true)
	var ts *textScanner
	var mr *memberReader
	if throughMember {
		mr = newMemberReader(&endingReader{data: data, err: end}, "SHA256")
		ts = newTextScanner(mr, maxLine)
	} else {
		ts = newTextScanner(&stickyErrReader{data: data, err: end}, maxLine)
	}
	c := openCSV(s, "m.csv", ts, true)
	if throughMember && len(data) > 2*memberBlockSize && c.ahead == nil {
		t.Fatal("a member of several blocks is read in place, not ahead")
	}
	var run aheadRun
	for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
		run.rows = append(run.rows, fmt.Sprintf("%d %q", line, rec))
	}
	c.finish()
	if mr != nil {
		mr.finish()
	}
	run.failed = c.failed
	for _, f := range s.finish() {
		run.findings = append(run.findings, fmt.Sprintf("%s %d %s", f.Rule, f.Line, f.Message))
	}
	return run
}

// TestCSVReadAheadMatchesInPlace holds csvAhead to reading exactly what
// csvFile reads in place: rows, lines, findings and failure, for a member
// that ends normally, on a line over the limit, and on an error of the ZIP
// layer.
func TestCSVReadAheadMatchesInPlace(t *testing.T) {
	data := bigCSV(60000)
	long := append(append(bigCSV(30000), strings.Repeat("x", 5000)...), bigCSV(100)...)
	tests := []struct {
		name    string
		data    []byte
		end     error
		maxLine int
	}{
		{"whole", data, io.EOF, 1 << 20},
		{"line over the limit", long, io.EOF, 4096},
		{"ZIP layer error", data[:len(data)/2], errBroken, 1 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := readCSV(t, tc.data, tc.end, false, tc.maxLine)
			got := readCSV(t, tc.data, tc.end, true, tc.maxLine)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("read ahead: %d rows, failed %v, findings %q\nin place: %d rows, failed %v, findings %q",
					len(got.rows), got.failed, got.findings, len(want.rows), want.failed, want.findings)
			}
			if len(want.findings) == 0 {
				t.Fatal("the input should give findings")
			}
		})
	}
}

// TestCSVReadAheadAbandoned stops reading a large member after a few rows
// without csvFile.finish, as a caller that gives up may: the member
// reader's finish must stop the goroutine and still hash every byte.
func TestCSVReadAheadAbandoned(t *testing.T) {
	data := bigCSV(60000)
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		mr := newMemberReader(&endingReader{data: data, err: io.EOF}, "SHA256")
		c := openCSV(newSink("b.zip", false), "m.csv", newTextScanner(mr, 1<<20), true)
		for k := 0; k < 3; k++ {
			c.next()
		}
		mr.finish()
		if want := sha256.Sum256(data); !bytes.Equal(mr.sum(0), want[:]) || mr.n != int64(len(data)) {
			t.Fatalf("after abandoning, %d bytes hashed of %d", mr.n, len(data))
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines before, %d after abandoning 20 members", before, n)
	}
}

// TestCSVSyntaxFindingLines checks where csv.syntax stands: at the line of
// a quote in an unquoted field, and at the start of a record whose quoted
// field runs on and is never closed (not at the end of the file, where
// reading gave up).
func TestCSVSyntaxFindingLines(t *testing.T) {
	cases := []struct {
		name, data string
		line       int
		says       string
	}{
		{"bare quote", "a,b\n1,2\n3,x\"y\n", 3, "line 3 has a quote in an unquoted field"},
		{"text after the closing quote", "a,b\n\"1\"x,2\n", 2, "line 2 has a quoted field that is not closed, or text after its closing quote"},
		{"quote left open to the end", "a,b\n1,2\n\"x,3\nmore\nlast\n", 3, "the record on line 3 has a quoted field that runs on to line 5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSink("b.zip", false)
			c := openCSV(s, "m.csv", newTextScanner(strings.NewReader(tc.data), 0), false)
			for _, _, ok := c.next(); ok; _, _, ok = c.next() {
			}
			fs := s.finish()
			if len(fs) != 1 || fs[0].Rule != "csv.syntax" || fs[0].Line != tc.line || !strings.Contains(fs[0].Message, tc.says) {
				t.Fatalf("findings %+v; want csv.syntax at line %d saying %q", fs, tc.line, tc.says)
			}
		})
	}
}

// TestAheadBatchBytes reads lines as long as the limit allows ahead: a
// batch closes once it holds csvBatchBytes of them, so the batches in
// flight stay a few MiB however many such lines a file has.
func TestAheadBatchBytes(t *testing.T) {
	if arenaCheck {
		t.Skip("under arenacheck a batch closes at two records whatever its bytes")
	}
	line := strings.Repeat("7", 600_000) + ",1\n"
	sc := newCSVScanner(strings.NewReader(strings.Repeat(line, 20)))
	a := startAhead(sc)
	defer a.stopAhead()
	b, ok := <-a.batches
	if !ok {
		t.Fatal("no batch")
	}
	if n := len(b.items); n != 2 {
		t.Errorf("the first batch holds %d lines of 600 KB; it should close at the second, past %d bytes", n, csvBatchBytes)
	}
	if b.consumed > csvBatchBytes+int64(len(line)) {
		t.Errorf("the first batch holds %d bytes of lines", b.consumed)
	}
}

// TestAheadReleasesLongLines checks that a batch used again lets go of
// the lines of its last use that were strings of their own (longer than an
// arena takes), so they are not kept alive for the rest of the member, and
// that it still reads its new rows right. The long line ends the first
// batch, and the rows after it have fewer fields, so that the second use
// of the batch does not write over where its fields were.
func TestAheadReleasesLongLines(t *testing.T) {
	long := strings.Repeat("x", csvArenaSize/4+1)
	text := strings.Repeat("ab,2\n", batchRecords()-1) + long + ",1\n" + strings.Repeat("ab\n", 20*batchRecords())
	a := startAhead(newCSVScanner(strings.NewReader(text)))
	defer a.stopAhead()
	if _, _, _, err := a.next(); err != nil {
		t.Fatal(err)
	}
	first, left := a.cur, false
	if n := len(first.items); n != batchRecords() || first.fields[len(first.fields)-2] != long {
		t.Fatalf("the first batch holds %d records, the last not the long line; want %d", n, batchRecords())
	}
	for rows := 1; ; rows++ {
		rec, _, _, err := a.next()
		if err == io.EOF {
			t.Fatalf("the batch of the long line was not used again in %d rows", rows)
		}
		if err != nil {
			t.Fatal(err)
		}
		if a.cur != first {
			left = true
		} else if left {
			if len(rec) != 1 || rec[0] != "ab" {
				t.Fatalf("row %d is %q, want [ab]", rows+1, rec)
			}
			break // its rows are those of its second use
		}
	}
	for i, f := range first.fields[:cap(first.fields)] {
		if len(f) > csvArenaSize/4 {
			t.Fatalf("field %d of the batch used again still holds a line of %d bytes from its last use", i, len(f))
		}
	}
}

// TestSmallCSVArena checks that a CSV the scanner holds whole keeps its
// text in one arena of its own size, not in one of csvArenaSize: 500 small
// bundles made 36 MB of arenas, mostly unused.
func TestSmallCSVArena(t *testing.T) {
	var text strings.Builder
	text.WriteString("Customer PKID,Phones\n")
	for i := range 100 {
		fmt.Fprintf(&text, "%024x,%d\n", i*7919, i%13)
	}
	m := newMemberReader(&endingReader{data: []byte(text.String()), err: io.EOF})
	defer m.finish()
	sc := newCSVScanner(m)
	defer sc.release()
	rows := 0
	for {
		_, err := sc.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows++
	}
	if rows != 101 {
		t.Fatalf("read %d records, want 101", rows)
	}
	if c := cap(sc.arena); c > text.Len() || c < len(sc.arena) || len(sc.arena) == 0 {
		t.Fatalf("the arena holds %d bytes in %d, want one arena of at most the CSV's %d bytes", len(sc.arena), c, text.Len())
	}
}

// TestAlternateArenas reads a CSV in place with alternating arenas: the
// records are encoding/csv's, each record's text stays intact while the
// next csvArenaSize*3/4 bytes of lines are read (an arena less the longest
// line kept in one), and the lines take two arenas, where without
// alternating they take one per csvArenaSize bytes.
func TestAlternateArenas(t *testing.T) {
	data := bigCSV(8000) // 174 KB: six arenas of lines
	type kept struct {
		rec, copy []string
		end       int64 // sc.consumed after the record
	}
	for _, alternate := range []bool{true, false} {
		t.Run(fmt.Sprint("alternate=", alternate), func(t *testing.T) {
			want := csv.NewReader(bytes.NewReader(data))
			want.FieldsPerRecord = -1
			sc := newCSVScanner(bytes.NewReader(data))
			defer sc.release()
			if _, err := sc.readRawLine(); err != nil { // the #Date line
				t.Fatal(err)
			}
			if _, err := want.Read(); err != nil {
				t.Fatal(err)
			}
			sc.alternate = alternate
			arenas := map[*byte]bool{}
			var window []kept
			for {
				rec, err := sc.readAppend(nil)
				wrec, werr := want.Read()
				if err == io.EOF && werr == io.EOF {
					break
				}
				if (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(rec, wrec) {
					t.Fatalf("line %d: got %q, %v; encoding/csv reads %q, %v", sc.line(), rec, err, wrec, werr)
				}
				for len(window) > 0 && sc.consumed-window[0].end >= csvArenaSize*3/4 {
					window = window[1:]
				}
				// A record changed while in the window is still in it when
				// it is the oldest, so checking the oldest (and the last,
				// for a quick failure) covers them all.
				if n := len(window); n > 0 {
					for _, k := range []kept{window[0], window[n-1]} {
						if !reflect.DeepEqual(k.rec, k.copy) {
							t.Fatalf("line %d: reading it changed a record %d bytes before it: %q, was %q", sc.line(), sc.consumed-k.end, k.rec, k.copy)
						}
					}
				}
				if cap(sc.arena) > 0 {
					arenas[unsafe.SliceData(sc.arena)] = true
				}
				if err == nil {
					k := kept{rec: rec, copy: make([]string, len(rec)), end: sc.consumed}
					for i, f := range rec {
						k.copy[i] = strings.Clone(f)
					}
					window = append(window, k)
				}
			}
			wantArenas := len(data)/csvArenaSize + 1
			if alternate {
				wantArenas = 2
			}
			if len(arenas) != wantArenas {
				t.Fatalf("the lines took %d arenas, want %d", len(arenas), wantArenas)
			}
		})
	}
}

// TestInPlaceMemberAlternates: a member of one pipeline block is read in
// place with alternating arenas, except under the arenacheck tag, which
// reads every member ahead so that the lifetime of rows is checked.
func TestInPlaceMemberAlternates(t *testing.T) {
	mr := newMemberReader(&endingReader{data: bigCSV(100), err: io.EOF}, "SHA256")
	defer mr.finish()
	c := openCSV(newSink("bundle.zip", true), "m.csv", newTextScanner(mr, 1<<20), true)
	defer c.finish()
	if arenaCheck {
		if c.ahead == nil {
			t.Fatal("under arenacheck a member is read in place")
		}
		return
	}
	if c.ahead != nil || !c.sc.alternate {
		t.Fatalf("a member of one block: read ahead %v, alternating arenas %v; want in place, alternating", c.ahead != nil, c.sc.alternate)
	}
}
