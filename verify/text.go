package verify

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// textScanner watches the raw bytes of a text member on their way to its
// parser, in the same pass: it numbers lines, finds the first NUL and the
// first invalid UTF-8, counts CRLF and LF endings, strips a leading UTF-8
// byte-order mark, and stops a line longer than maxLine before a parser
// buffers it.
type textScanner struct {
	r       io.Reader
	maxLine int

	line     int   // line of the next byte, 1-based
	lineLen  int   // bytes of the current line so far
	offset   int64 // bytes seen
	lastByte byte

	bom         bool
	crlf, lf    int
	firstCRLF   int
	firstLF     int
	nulLine     int
	badUTF8Line int
	pending     []byte // an incomplete UTF-8 sequence at the end of a chunk
	pendingLine int
	started     bool
	tooLongLine int

	// recent keeps the last chunks read, to map a parser's byte offset
	// back to its line (JSON syntax errors) without a second pass.
	recent []chunk
}

type chunk struct {
	offset int64
	line   int
	data   []byte
}

// recentChunks bounds what lineAt remembers; decoders read at most a few
// buffers ahead of the position they report.
const recentChunks = 4

// errLineTooLong stops a parser at a line beyond the row length limit.
type errLineTooLong struct{ line, limit int }

func (e *errLineTooLong) Error() string {
	return fmt.Sprintf("line %d is longer than the limit of %d bytes", e.line, e.limit)
}

func newTextScanner(r io.Reader, maxLine int) *textScanner {
	return &textScanner{r: r, maxLine: maxLine, line: 1}
}

func (t *textScanner) Read(p []byte) (int, error) {
	if t.tooLongLine != 0 {
		return 0, &errLineTooLong{t.tooLongLine, t.maxLine}
	}
	n, err := t.r.Read(p)
	if !t.started && n > 0 {
		// A reader may return fewer than three bytes first; a BOM split
		// over reads is not worth the code: real files start with it whole.
		t.started = true
		if bytes.HasPrefix(p[:n], []byte("\xef\xbb\xbf")) {
			t.bom = true
			copy(p, p[3:n])
			n -= 3
		}
	}
	if n > 0 {
		if e := t.scan(p[:n]); e != nil {
			return n, e
		}
	}
	if err == io.EOF && len(t.pending) > 0 && t.badUTF8Line == 0 {
		t.badUTF8Line = t.pendingLine
	}
	return n, err
}

func (t *textScanner) scan(b []byte) error {
	startLine := t.line
	if t.recent != nil {
		if len(t.recent) == recentChunks {
			copy(t.recent, t.recent[1:])
			t.recent = t.recent[:recentChunks-1]
		}
		t.recent = append(t.recent, chunk{offset: t.offset, line: startLine, data: append([]byte(nil), b...)})
	}
	if t.nulLine == 0 {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			t.nulLine = startLine + bytes.Count(b[:i], []byte{'\n'})
		}
	}
	t.checkUTF8(b, startLine)
	if t.countLines(b) {
		t.lastByte = b[len(b)-1]
		t.offset += int64(len(b))
		return nil
	}
	rest := b
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			t.lineLen += len(rest)
			break
		}
		t.lineLen += i
		// The byte before this '\n': in the chunk, or at the end of the
		// chunk before when the '\n' opens this one ("\n\n" after a
		// chunk ending in '\r' is one CRLF and one LF).
		prev := t.lastByte
		if at := len(b) - len(rest) + i; at > 0 {
			prev = b[at-1]
		}
		if prev == '\r' {
			t.crlf++
			if t.firstCRLF == 0 {
				t.firstCRLF = t.line
			}
		} else {
			t.lf++
			if t.firstLF == 0 {
				t.firstLF = t.line
			}
		}
		if t.maxLine > 0 && t.lineLen > t.maxLine && t.tooLongLine == 0 {
			t.tooLongLine = t.line // the first over-long line of the chunk
		}
		t.line++
		t.lineLen = 0
		rest = rest[i+1:]
	}
	t.lastByte = b[len(b)-1]
	t.offset += int64(len(b))
	if t.maxLine > 0 && t.lineLen > t.maxLine && t.tooLongLine == 0 {
		t.tooLongLine = t.line
	}
	if t.tooLongLine != 0 {
		return &errLineTooLong{t.tooLongLine, t.maxLine}
	}
	return nil
}

// countLines is scan's fast path over a chunk in which no line can exceed
// maxLine and whose first CRLF and first LF lines are already known (or
// do not occur in it): whole-chunk counts instead of a step per line. It
// reports false, having changed nothing, when the chunk needs the step per
// line.
func (t *textScanner) countLines(b []byte) bool {
	if t.maxLine > 0 && t.lineLen+len(b) > t.maxLine {
		return false
	}
	nl := bytes.Count(b, []byte{'\n'})
	if nl == 0 {
		t.lineLen += len(b)
		return true
	}
	crlf := bytes.Count(b, []byte("\r\n"))
	if b[0] == '\n' && t.lastByte == '\r' {
		crlf++
	}
	lf := nl - crlf
	if (crlf > 0 && t.firstCRLF == 0) || (lf > 0 && t.firstLF == 0) {
		return false
	}
	t.crlf += crlf
	t.lf += lf
	t.line += nl
	t.lineLen = len(b) - 1 - bytes.LastIndexByte(b, '\n')
	return true
}

// checkUTF8 validates b with any incomplete sequence carried from the
// previous chunk, and carries an incomplete sequence at b's end forward.
func (t *textScanner) checkUTF8(b []byte, startLine int) {
	if t.badUTF8Line != 0 {
		return
	}
	if len(t.pending) > 0 {
		// Complete the carried sequence with b's first bytes; a
		// sequence is at most utf8.UTFMax bytes.
		var joined [2 * utf8.UTFMax]byte
		n := copy(joined[:], t.pending)
		n += copy(joined[n:], b[:min(len(b), utf8.UTFMax)])
		if !utf8.FullRune(joined[:n]) {
			t.pending = append(t.pending[:0], joined[:n]...)
			return
		}
		r, size := utf8.DecodeRune(joined[:n])
		if r == utf8.RuneError && size <= 1 {
			t.badUTF8Line = t.pendingLine
			t.pending = t.pending[:0]
			return
		}
		b = b[size-len(t.pending):]
		t.pending = t.pending[:0]
	}
	tail := incompleteTail(b)
	body := b[:len(b)-tail]
	if !utf8.Valid(body) {
		i := firstInvalid(body)
		t.badUTF8Line = startLine + bytes.Count(body[:i], []byte{'\n'})
		return
	}
	if tail > 0 {
		t.pending = append(t.pending[:0], b[len(b)-tail:]...)
		t.pendingLine = startLine + bytes.Count(body, []byte{'\n'})
	}
}

// incompleteTail is the length of a UTF-8 sequence cut off at the end of b.
func incompleteTail(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a leading byte: is its sequence complete?
			if utf8.FullRune(b[len(b)-k:]) {
				return 0
			}
			return k
		}
	}
	return 0
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// mixedEndings reports whether both CRLF and LF endings were seen.
func (t *textScanner) mixedEndings() bool { return t.crlf > 0 && t.lf > 0 }

// keepRecent makes lineAt work (it costs a copy of each chunk).
func (t *textScanner) keepRecent() { t.recent = make([]chunk, 0, recentChunks) }

// lineAt returns the line of byte offset off (counted after a stripped
// byte-order mark), or the current line and false when that part of the
// stream is no longer remembered.
func (t *textScanner) lineAt(off int64) (int, bool) {
	for _, c := range t.recent {
		if off >= c.offset && off <= c.offset+int64(len(c.data)) {
			return c.line + bytes.Count(c.data[:off-c.offset], []byte{'\n'}), true
		}
	}
	return t.line, false
}

// jsonSpace is JSON's white space.
const jsonSpace = " \t\n\r"

// nonSpaceFrom returns the first byte at or after offset off that is not
// JSON white space, and false when the scanner no longer remembers that
// part of the stream or has not read it yet.
func (t *textScanner) nonSpaceFrom(off int64) (byte, bool) {
	for _, c := range t.recent {
		end := c.offset + int64(len(c.data))
		if off >= end {
			continue
		}
		if off < c.offset {
			return 0, false // forgotten already
		}
		if rest := bytes.TrimLeft(c.data[off-c.offset:], jsonSpace); len(rest) > 0 {
			return rest[0], true
		}
		off = end // the recent chunks are consecutive
	}
	return 0, false
}

// nonSpaceBefore returns the last byte before offset off that is not JSON
// white space, and false when the scanner no longer remembers it.
func (t *textScanner) nonSpaceBefore(off int64) (byte, bool) {
	for i := len(t.recent) - 1; i >= 0; i-- {
		c := t.recent[i]
		if off <= c.offset {
			continue
		}
		if end := c.offset + int64(len(c.data)); off > end {
			return 0, false // not read yet
		}
		if head := bytes.TrimRight(c.data[:off-c.offset], jsonSpace); len(head) > 0 {
			return head[len(head)-1], true
		}
		off = c.offset // the recent chunks are consecutive
	}
	return 0, false
}
