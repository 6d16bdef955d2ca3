package verify

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"
	"unsafe"
)

// csvScanner reads CSV records exactly as encoding/csv's Reader does with
// Comma ',', no Comment, LazyQuotes and TrimLeadingSpace off,
// FieldsPerRecord -1 and ReuseRecord on: the same records, the same record
// lines and the same *csv.ParseError values (FuzzCSVScanner holds it to
// that). It is faster because most rows of an export hold no quote at all:
// such a row is split at its commas with bytes.IndexByte and converted to a
// string once, where encoding/csv copies it field by field into a record
// buffer first. Rows with a quote take the general path, a transcription of
// encoding/csv's.
//
// It also reads the "#Key=Value" lines before a VOSS CSV's header from the
// same buffer (peekByte, readRawLine), so one buffer serves the whole file.
//
// Like bufio.Reader under encoding/csv, it serves the bytes an underlying
// Read returned along with an error before it returns the error; it reads no
// further after an error (the readers it sits on repeat their error).
type csvScanner struct {
	r      io.Reader
	buf    []byte
	pooled *[]byte // the pool's buffer buf started as
	pos    int     // buf[pos:end] is read but not yet consumed
	end    int
	seen   int   // buf[pos:pos+seen] is known to hold no '\n'
	rerr   error // the underlying reader's error, once it returned one

	numLine  int   // physical lines consumed
	recLine  int   // the line the last record started on
	consumed int64 // bytes consumed

	recordBuffer []byte
	fieldIndexes []int
	record       []string
	// formula is set when a field of the last record may start like a
	// formula (never unset when one does).
	formula bool

	// maxRecord bounds a record whose quoted field spans lines (0: no
	// bound). Each line is bounded before it gets here, but a quote that
	// never closes would otherwise gather the rest of the file into one
	// record, in memory.
	maxRecord int

	// arena holds the text of recent lines, which their fields share.
	arena []byte
	// arenas, when set, supplies the arenas: a batch of records read
	// ahead owns the arenas of its lines and writes them again once the
	// batch is consumed (see csvAhead). Unset, each arena is allocated
	// and never written again, unless alternate is set.
	arenas *lineArenas
	// alternate, set once the header is read, makes a full arena change
	// places with spare, the one filled before it, which is written again:
	// a row's text then lasts while the next csvArenaSize*3/4 bytes of
	// lines are read (an arena less the longest line kept in one), longer
	// than the row after it, which is all a read ahead promises (see
	// csvAhead.next). A member read in place then takes two arenas, not
	// one per csvArenaSize bytes of its lines.
	alternate bool
	spare     []byte
}

// csvArenaSize is the size of a line arena: a line takes an allocation
// every csvArenaSize bytes of lines, not one of its own (a million short
// VOSS rows made a million allocations).
const csvArenaSize = 32 << 10

// intern returns the text of line as a string in the arena. Read in place,
// the string never changes, or with alternate set lasts while the next
// csvArenaSize*3/4 bytes of lines are read; read ahead, it lasts as long
// as its batch of records (see csvAhead.next).
func (s *csvScanner) intern(line []byte) string {
	switch {
	case len(line) == 0:
		return ""
	case len(line) > csvArenaSize/4:
		if s.arenas != nil {
			s.arenas.own = true
		}
		return string(line)
	case cap(s.arena)-len(s.arena) < len(line):
		switch {
		case s.arenas != nil:
			s.arena = s.arenas.next()
		case s.alternate && cap(s.spare) >= len(line):
			s.arena, s.spare = s.spare[:0], s.arena
		case s.alternate:
			s.arena, s.spare = make([]byte, 0, s.arenaSize(len(line))), s.arena
		default:
			s.arena = make([]byte, 0, s.arenaSize(len(line)))
		}
	}
	off := len(s.arena)
	s.arena = append(s.arena, line...)
	return unsafe.String(&s.arena[off], len(line))
}

// arenaSize is the size of a new arena for n bytes of text: csvArenaSize,
// or less once the rest of the input is in the buffer, which is all the
// text there is left to keep. A small CSV, read whole by the first fill,
// then takes an arena of its own size (500 small bundles made 36 MB of
// arenas, mostly unused, for 12 MB of CSV).
func (s *csvScanner) arenaSize(n int) int {
	if s.rerr != nil {
		return min(csvArenaSize, n+s.end-s.pos)
	}
	return csvArenaSize
}

// lineArenas are the arenas of one batch of records, kept with the batch
// and written again when the batch, consumed, is filled anew (see
// csvAhead): reading ahead then allocates
// nothing per line, so a large member does not keep the collector busy
// (630 collections for a 1.1 GB member, a third of its time, when each
// arena was new).
type lineArenas struct {
	bufs [][]byte
	used int // bufs[:used] hold text of the batch
	// own says a line of the batch is a string of its own, too long for
	// an arena (see csvScanner.intern).
	own bool
}

// next returns an empty arena for the batch.
func (a *lineArenas) next() []byte {
	if a.used == len(a.bufs) {
		a.bufs = append(a.bufs, newArena())
	}
	a.used++
	return a.bufs[a.used-1][:0]
}

// retire ends the life of the batch's text under the arenacheck build tag
// (see arenaCheck): its arenas become unreadable and are not used again.
func (a *lineArenas) retire() {
	if arenaCheck {
		retireArenas(a.bufs[:a.used])
		a.bufs, a.used = nil, 0
	}
}

// errRecordTooLong stops reading at a record beyond maxRecord.
type errRecordTooLong struct{ line, limit int }

func (e *errRecordTooLong) Error() string {
	return fmt.Sprintf("the record starting at line %d is longer than %d bytes", e.line, e.limit)
}

// csvScanBufferSize is the initial buffer; a line longer than it grows the
// buffer (textScanner bounds the line length before bytes get here).
const csvScanBufferSize = 64 << 10

// maxEmptyReads is how many (0, nil) reads in a row mean a broken reader,
// as in bufio.
const maxEmptyReads = 100

// csvScanBuffers are the scanners' initial buffers: a directory of small
// bundles opens thousands of CSVs.
var csvScanBuffers = sync.Pool{New: func() any {
	b := make([]byte, csvScanBufferSize)
	return &b
}}

func newCSVScanner(r io.Reader) *csvScanner {
	pooled := csvScanBuffers.Get().(*[]byte)
	return &csvScanner{r: r, buf: *pooled, pooled: pooled}
}

// errScannerReleased is what a scanner reads after release.
var errScannerReleased = errors.New("CSV scanner used after release")

// release gives the scanner's buffer back to the pool; the scanner reads
// nothing more.
func (s *csvScanner) release() {
	if s.pooled != nil {
		// Grown, buf is a copy: the pooled buffer is intact all the same.
		csvScanBuffers.Put(s.pooled)
	}
	s.pooled, s.buf = nil, nil
	s.pos, s.end, s.seen = 0, 0, 0
	s.rerr = errScannerReleased
}

// fill reads more bytes after buf[:end], first moving the unconsumed bytes
// to the front, and growing the buffer when they fill it. It returns false
// when there is nothing more to read (s.rerr is then set).
func (s *csvScanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	if s.pos > 0 {
		copy(s.buf, s.buf[s.pos:s.end])
		s.end -= s.pos
		s.pos = 0
	}
	if s.end == len(s.buf) {
		grown := make([]byte, 2*len(s.buf))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	for i := 0; i < maxEmptyReads; i++ {
		n, err := s.r.Read(s.buf[s.end:])
		if n < 0 || n > len(s.buf)-s.end {
			n, err = 0, io.ErrNoProgress
		}
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

// readSlice returns the bytes up to and including the next '\n', or the
// rest of the input with the reader's error when there is no further '\n'
// (as bufio.Reader.ReadSlice, without its buffer limit). The slice is valid
// until the next call.
func (s *csvScanner) readSlice() ([]byte, error) {
	for {
		if i := bytes.IndexByte(s.buf[s.pos+s.seen:s.end], '\n'); i >= 0 {
			line := s.buf[s.pos : s.pos+s.seen+i+1]
			s.pos += len(line)
			s.seen = 0
			s.consumed += int64(len(line))
			return line, nil
		}
		s.seen = s.end - s.pos
		if !s.fill() && s.rerr != nil {
			line := s.buf[s.pos:s.end]
			s.pos, s.seen = s.end, 0
			s.consumed += int64(len(line))
			return line, s.rerr
		}
	}
}

// readLine is encoding/csv's readLine: one physical line, "\r\n"
// normalised to "\n", a trailing '\r' at the end of input dropped.
func (s *csvScanner) readLine() ([]byte, error) {
	line, err := s.readSlice()
	n := len(line)
	if n > 0 && err == io.EOF {
		err = nil
		if line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	s.numLine++
	if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == '\n' {
		line[n-2] = '\n'
		line = line[:n-1]
	}
	return line, err
}

// peekByte returns the next unread byte without consuming it.
func (s *csvScanner) peekByte() (byte, error) {
	for s.pos == s.end {
		if !s.fill() {
			return 0, s.rerr
		}
	}
	return s.buf[s.pos], nil
}

// readRawLine consumes one physical line as it is, its '\n' included, as
// bufio.Reader.ReadString('\n') would: a last line without '\n' comes with
// the reader's error.
func (s *csvScanner) readRawLine() (string, error) {
	line, err := s.readSlice()
	s.numLine++
	return string(line), err
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}

// Read returns the next record. The slice is reused by the next call; its
// strings are not.
func (s *csvScanner) Read() ([]string, error) {
	rec, err := s.readAppend(s.record[:0])
	s.record = rec
	return rec, err
}

// readAppend appends the next record's fields to dst and returns dst, with
// the error Read would return. On an error, what it appended is not a
// record.
func (s *csvScanner) readAppend(dst []string) ([]string, error) {
	var line []byte
	var errRead error
	for errRead == nil {
		line, errRead = s.readLine()
		if errRead == nil && len(line) == lengthNL(line) {
			continue // an empty line
		}
		break
	}
	if errRead == io.EOF {
		return dst, errRead
	}
	s.recLine = s.numLine
	if rec, ok := s.splitLine(dst, line[:len(line)-lengthNL(line)]); ok {
		return rec, errRead
	}
	return s.readQuoted(dst, line, errRead)
}

// splitLine makes the record of a line that is a whole record by itself
// and needs no unescaping: unquoted fields without a quote, and quoted
// fields closed on the same line, without a doubled quote, and followed by
// a comma or the end of the line. Their text is sliced out of one string
// and appended to dst. It reports false for any other line: the general
// path then reads it, errors included.
//
// It finds the commas and quotes of the line eight bytes at a time (see
// commaBytes), so that its cost per field is a few instructions: exports
// have many short and empty fields.
func (s *csvScanner) splitLine(dst []string, line []byte) ([]string, bool) {
	if bytes.IndexByte(line, '"') < 0 {
		var rec []string
		rec, s.formula = splitPlain(dst, line, s.intern(line))
		return rec, true
	}
	// The string is made before the line is known to qualify: the lines
	// that do not are rare, and then it is only unused arena.
	str := s.intern(line)
	orig := len(dst)
	fail := func() ([]string, bool) {
		clear(dst[orig:])
		return dst[:orig], false
	}
	formula := false
	field := func(from, to int) {
		if from < to && formulaStart[line[from]] {
			formula = true
		}
		dst = append(dst, str[from:to])
	}
	fieldStart := 0
	quoted := false // the current field opened with a quote
	inQuote := false
	closedAt := -1 // the position of the current field's closing quote
	for i := 0; i < len(line); i += 8 {
		w := wordAt(line, i)
		x, y := w^commaBytes, w^quoteBytes
		m := ^((x&lowBits + lowBits) | x | lowBits) | ^((y&lowBits + lowBits) | y | lowBits)
		for ; m != 0; m &= m - 1 {
			p := i + bits.TrailingZeros64(m)/8
			if line[p] == '"' {
				switch {
				case inQuote:
					inQuote, closedAt = false, p
				case p == fieldStart && !quoted:
					inQuote, quoted = true, true
				default:
					return fail() // a doubled quote, or a quote inside an unquoted field
				}
				continue
			}
			if inQuote {
				continue // a comma inside a quoted field
			}
			if quoted {
				if closedAt != p-1 {
					return fail() // text after a closing quote
				}
				field(fieldStart+1, closedAt)
			} else {
				field(fieldStart, p)
			}
			fieldStart, quoted = p+1, false
		}
	}
	switch {
	case inQuote:
		return fail() // the field goes on to the next line, or never closes
	case quoted:
		if closedAt != len(line)-1 {
			return fail()
		}
		field(fieldStart+1, closedAt)
	default:
		field(fieldStart, len(line))
	}
	s.formula = formula
	return dst, true
}

// splitPlain appends to rec the fields of a line without quotes: the text
// between its commas, sliced out of str, the line as a string. It also
// reports whether a field starts like a formula (see formulaStart).
func splitPlain(rec []string, line []byte, str string) ([]string, bool) {
	start := 0
	formula := len(line) > 0 && formulaStart[line[0]]
	for i := 0; i < len(line); i += 8 {
		x := wordAt(line, i) ^ commaBytes
		for m := ^((x&lowBits + lowBits) | x | lowBits); m != 0; m &= m - 1 {
			p := i + bits.TrailingZeros64(m)/8
			rec = append(rec, str[start:p])
			start = p + 1
			if start < len(line) && formulaStart[line[start]] {
				formula = true
			}
		}
	}
	return append(rec, str[start:]), formula
}

// formulaStart are the first bytes of a cell a spreadsheet may run as a
// formula: csvFile checks the cells of a record only when one of its
// fields starts so, which the scanner notes on its way through the line.
var formulaStart = [256]bool{'=': true, '+': true, '-': true, '@': true, '\t': true, '\r': true}

// The search for commas and quotes looks at eight bytes at a time: for a
// word x, ^((x&lowBits + lowBits) | x | lowBits) sets bit 7 of each byte of
// x that is zero, exactly (the carry-free test of "Bit Twiddling Hacks"),
// so applied to a word XOR commaBytes it flags the word's commas.
const (
	commaBytes = 0x2c2c2c2c2c2c2c2c
	quoteBytes = 0x2222222222222222
	lowBits    = 0x7f7f7f7f7f7f7f7f
)

// wordAt returns the eight bytes of b from i as a little-endian word, with
// zeros (neither comma nor quote) past the end of b.
func wordAt(b []byte, i int) uint64 {
	if i+8 <= len(b) {
		return binary.LittleEndian.Uint64(b[i:])
	}
	return tailWord(b[i:])
}

func tailWord(b []byte) uint64 {
	var w [8]byte
	copy(w[:], b)
	return binary.LittleEndian.Uint64(w[:])
}

// readQuoted parses a record whose first line holds a quote, following
// encoding/csv's readRecord step by step (its field positions are not
// kept: only the record's first line is used).
func (s *csvScanner) readQuoted(dst []string, line []byte, errRead error) ([]string, error) {
	s.formula = true // not worth tracking on this rare path: csvFile looks
	var err error
	const quoteLen = len(`"`)
	const commaLen = len(",")
	recLine := s.numLine
	s.recordBuffer = s.recordBuffer[:0]
	s.fieldIndexes = s.fieldIndexes[:0]
	lineNo, col := s.numLine, 1
parseField:
	for {
		if len(line) == 0 || line[0] != '"' {
			// An unquoted field.
			i := bytes.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				err = &csv.ParseError{StartLine: recLine, Line: s.numLine, Column: col + j, Err: csv.ErrBareQuote}
				break parseField
			}
			s.recordBuffer = append(s.recordBuffer, field...)
			s.fieldIndexes = append(s.fieldIndexes, len(s.recordBuffer))
			if i >= 0 {
				line = line[i+commaLen:]
				col += i + commaLen
				continue parseField
			}
			break parseField
		}
		// A quoted field.
		line = line[quoteLen:]
		col += quoteLen
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				s.recordBuffer = append(s.recordBuffer, line[:i]...)
				line = line[i+quoteLen:]
				col += i + quoteLen
				switch {
				case len(line) > 0 && line[0] == '"':
					// `""`: a quote inside the field.
					s.recordBuffer = append(s.recordBuffer, '"')
					line = line[quoteLen:]
					col += quoteLen
				case len(line) > 0 && line[0] == ',':
					// `",`: the end of the field.
					line = line[commaLen:]
					col += commaLen
					s.fieldIndexes = append(s.fieldIndexes, len(s.recordBuffer))
					continue parseField
				case lengthNL(line) == len(line):
					// `"\n`: the end of the record.
					s.fieldIndexes = append(s.fieldIndexes, len(s.recordBuffer))
					break parseField
				default:
					// `"x`: a quote that neither doubles nor closes.
					err = &csv.ParseError{StartLine: recLine, Line: s.numLine, Column: col - quoteLen, Err: csv.ErrQuote}
					break parseField
				}
			case len(line) > 0:
				// The field goes on past the end of the line.
				s.recordBuffer = append(s.recordBuffer, line...)
				if errRead != nil {
					break parseField
				}
				if s.maxRecord > 0 && len(s.recordBuffer) > s.maxRecord {
					err = &errRecordTooLong{line: recLine, limit: s.maxRecord}
					break parseField
				}
				col += len(line)
				line, errRead = s.readLine()
				if len(line) > 0 {
					lineNo++
					col = 1
				}
				if errRead == io.EOF {
					errRead = nil
				}
			default:
				// The input ends inside the quoted field.
				if errRead == nil {
					err = &csv.ParseError{StartLine: recLine, Line: lineNo, Column: col, Err: csv.ErrQuote}
					break parseField
				}
				s.fieldIndexes = append(s.fieldIndexes, len(s.recordBuffer))
				break parseField
			}
		}
	}
	if err == nil {
		err = errRead
	}
	str := s.intern(s.recordBuffer)
	prev := 0
	for _, idx := range s.fieldIndexes {
		dst = append(dst, str[prev:idx])
		prev = idx
	}
	return dst, err
}

// line returns the line the last record started on.
func (s *csvScanner) line() int { return s.recLine }
