package bundle

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"iter"
)

// The few raw ZIP records preflight reads itself (APPNOTE.TXT 4.3), because
// archive/zip does not expose where each entry's local header is.
const (
	sigLocalHeader   = 0x04034b50
	sigCentralHeader = 0x02014b50
	sigDirectoryEnd  = 0x06054b50
	sigDirectory64   = 0x06064b50
	sigDirectory64At = 0x07064b50

	localHeaderLen   = 30 // + name + extra
	centralHeaderLen = 46 // + name + extra + comment
	directoryEndLen  = 22 // + comment
	directory64AtLen = 20
	directory64Len   = 56

	zip64ExtraID = 0x0001
	max32        = 0xffffffff

	// flagEncrypted and flagDataDescriptor are general-purpose flag bits.
	flagEncrypted      = 0x1
	flagDataDescriptor = 0x8
)

// errRawFormat is a record whose signature or length is wrong.
var errRawFormat = errors.New("malformed ZIP record")

// directoryEnd is where the central directory is, as archive/zip computes
// it: the end record (or its ZIP64 form) gives the directory's offset and
// size, and base is the length of anything prepended to the archive (a
// self-extractor stub), by which every recorded offset is shifted.
type directoryEnd struct {
	records uint64 // entry count the end record declares
	size    uint64 // declared size of the central directory
	offset  uint64 // declared offset of the central directory
	base    int64
}

// start is the file offset of the first central header.
func (d directoryEnd) start() int64 { return d.base + int64(d.offset) }

// readDirectoryEnd finds the end of central directory record the way
// archive/zip does (last 1 KiB, then last 65 KiB; the ZIP64 locator just
// before it; the same correction of a bogus prepended length), so that the
// offsets preflight checks are the offsets archive/zip will read.
func readDirectoryEnd(r io.ReaderAt, size int64) (directoryEnd, error) {
	var d directoryEnd
	var buf []byte
	var endOffset int64
	for i, n := range []int64{1024, 65 * 1024} {
		n = min(n, size)
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return d, err
		}
		if p := findDirectoryEnd(buf); p >= 0 {
			buf = buf[p:]
			endOffset = size - n + int64(p)
			break
		}
		if i == 1 || n == size {
			return d, errRawFormat
		}
	}
	if len(buf) < directoryEndLen {
		return d, errRawFormat
	}
	le := binary.LittleEndian
	d.records = uint64(le.Uint16(buf[10:]))
	d.size = uint64(le.Uint32(buf[12:]))
	d.offset = uint64(le.Uint32(buf[16:]))
	if d.records == 0xffff || d.size == 0xffff || d.offset == max32 {
		p, err := findDirectory64(r, endOffset)
		if err != nil {
			return d, err
		}
		if p >= 0 {
			endOffset = p
			if err := readDirectory64(r, p, &d); err != nil {
				return d, err
			}
		}
	}
	const maxInt64 = 1<<63 - 1
	if d.size > maxInt64 || d.offset > maxInt64 {
		return d, errRawFormat
	}
	d.base = endOffset - int64(d.size) - int64(d.offset)
	if o := d.base + int64(d.offset); o < 0 || o >= size {
		return d, errRawFormat
	}
	// Some writers record a wrong prepended length; archive/zip then
	// trusts a central header found at the recorded offset itself.
	if d.base > 0 {
		off := int64(d.offset)
		if _, err := readCentralHeader(bufio.NewReader(io.NewSectionReader(r, off, size-off))); err == nil {
			d.base = 0
		}
	}
	return d, nil
}

// findDirectoryEnd returns the position of the last end record in b whose
// comment fits, or -1.
func findDirectoryEnd(b []byte) int {
	for i := len(b) - directoryEndLen; i >= 0; i-- {
		if binary.LittleEndian.Uint32(b[i:]) == sigDirectoryEnd {
			n := int(binary.LittleEndian.Uint16(b[i+directoryEndLen-2:]))
			if n+directoryEndLen+i > len(b) {
				return -1
			}
			return i
		}
	}
	return -1
}

// findDirectory64 returns the offset of the ZIP64 end record named by the
// locator just before the end record, or -1 when there is none.
func findDirectory64(r io.ReaderAt, endOffset int64) (int64, error) {
	at := endOffset - directory64AtLen
	if at < 0 {
		return -1, nil
	}
	var b [directory64AtLen]byte
	if _, err := r.ReadAt(b[:], at); err != nil {
		return -1, err
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != sigDirectory64At || le.Uint32(b[4:]) != 0 || le.Uint32(b[16:]) != 1 {
		return -1, nil
	}
	return int64(le.Uint64(b[8:])), nil
}

func readDirectory64(r io.ReaderAt, at int64, d *directoryEnd) error {
	var b [directory64Len]byte
	if _, err := r.ReadAt(b[:], at); err != nil {
		return err
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != sigDirectory64 {
		return errRawFormat
	}
	d.records = le.Uint64(b[32:])
	d.size = le.Uint64(b[40:])
	d.offset = le.Uint64(b[48:])
	return nil
}

// centralHeader is what preflight needs of one central directory record.
type centralHeader struct {
	name []byte
	// localOffset is the recorded offset of the local header, before the
	// prepended length is added; it may be anything a sender wrote.
	localOffset uint64
	// recordLen is the record's length in the directory.
	recordLen int64
}

// readCentralHeader reads one central directory record. Like archive/zip
// it returns errRawFormat at a record without the central signature (the
// end of the directory) and io.ErrUnexpectedEOF at a cut-off record.
func readCentralHeader(br *bufio.Reader) (centralHeader, error) {
	var h centralHeader
	var b [centralHeaderLen]byte
	if _, err := io.ReadFull(br, b[:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, err
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != sigCentralHeader {
		return h, errRawFormat
	}
	csize := le.Uint32(b[20:])
	usize := le.Uint32(b[24:])
	nameLen := int(le.Uint16(b[28:]))
	extraLen := int(le.Uint16(b[30:]))
	commentLen := int(le.Uint16(b[32:]))
	h.localOffset = uint64(le.Uint32(b[42:]))
	rest := make([]byte, nameLen+extraLen)
	if _, err := io.ReadFull(br, rest); err != nil {
		return h, io.ErrUnexpectedEOF
	}
	if _, err := br.Discard(commentLen); err != nil {
		return h, io.ErrUnexpectedEOF
	}
	h.name = rest[:nameLen]
	h.recordLen = int64(centralHeaderLen + nameLen + extraLen + commentLen)
	// The ZIP64 extra holds, in this order, only the values whose 32-bit
	// field is saturated: uncompressed size, compressed size, offset.
	needU, needC, needOff := usize == max32, csize == max32, h.localOffset == max32
	for tag, field := range extraFields(rest[nameLen:]) {
		if tag != zip64ExtraID {
			continue
		}
		for _, need := range []*bool{&needU, &needC, &needOff} {
			if !*need {
				continue
			}
			*need = false
			if len(field) < 8 {
				return h, errRawFormat
			}
			if need == &needOff {
				h.localOffset = le.Uint64(field)
			}
			field = field[8:]
		}
	}
	if needC || needOff {
		return h, errRawFormat
	}
	return h, nil
}

// centralDirectory streams the central directory's records in order.
type centralDirectory struct {
	br *bufio.Reader
}

func openCentralDirectory(r io.ReaderAt, size int64, d directoryEnd) centralDirectory {
	start := d.start()
	// The buffer need not outsize the directory: a small bundle's is
	// about a kilobyte, and preflight reads it twice a bundle.
	return centralDirectory{br: bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), int(min(32<<10, max(0, size-start))))}
}

// next returns the next record, or false at the directory's end.
func (c centralDirectory) next() (centralHeader, bool) {
	h, err := readCentralHeader(c.br)
	return h, err == nil
}

// localHeader is what preflight compares of an entry's local header.
type localHeader struct {
	flags          uint16
	method         uint16
	crc32          uint32
	compressedSize uint64
	size           uint64
	name           []byte
	// dataOffset is where the entry's (compressed) data starts.
	dataOffset int64
}

// readLocalHeader reads the local header at offset off, resolving ZIP64
// sizes from its extra field.
func readLocalHeader(r io.ReaderAt, off, fileSize int64) (localHeader, error) {
	var h localHeader
	if off < 0 || off > fileSize-localHeaderLen {
		return h, errRawFormat
	}
	var b [localHeaderLen]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return h, err
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != sigLocalHeader {
		return h, errRawFormat
	}
	h.flags = le.Uint16(b[6:])
	h.method = le.Uint16(b[8:])
	h.crc32 = le.Uint32(b[14:])
	csize := le.Uint32(b[18:])
	usize := le.Uint32(b[22:])
	h.compressedSize, h.size = uint64(csize), uint64(usize)
	nameLen := int64(le.Uint16(b[26:]))
	extraLen := int64(le.Uint16(b[28:]))
	h.dataOffset = off + localHeaderLen + nameLen + extraLen
	if h.dataOffset > fileSize {
		return h, io.ErrUnexpectedEOF
	}
	rest := make([]byte, nameLen+extraLen)
	if _, err := r.ReadAt(rest, off+localHeaderLen); err != nil {
		return h, err
	}
	h.name = rest[:nameLen]
	if usize != max32 && csize != max32 {
		return h, nil
	}
	// A local ZIP64 extra holds both sizes, uncompressed first.
	for tag, field := range extraFields(rest[nameLen:]) {
		if tag == zip64ExtraID && len(field) >= 16 {
			h.size = le.Uint64(field)
			h.compressedSize = le.Uint64(field[8:])
			break
		}
	}
	return h, nil
}

// extraFields yields the tag and data of each field of a header's extra
// block, in order, and stops at a field that claims more bytes than are
// left (what follows it cannot be framed).
func extraFields(extra []byte) iter.Seq2[uint16, []byte] {
	le := binary.LittleEndian
	return func(yield func(uint16, []byte) bool) {
		for b := extra; len(b) >= 4; {
			tag, n := le.Uint16(b), int(le.Uint16(b[2:]))
			b = b[4:]
			if len(b) < n || !yield(tag, b[:n]) {
				return
			}
			b = b[n:]
		}
	}
}

// centralRecordBudget is the central directory bytes allowed per entry of
// limits.zip.max_entries. A real record is 46 bytes plus a name and a few
// extra fields, a few hundred bytes in all; archive/zip keeps every name,
// extra field and comment in memory, and each may be 64 KiB.
const centralRecordBudget = 4 << 10

// centralCount is what countCentralRecords finds of a central directory.
type centralCount struct {
	records int   // records read (complete unless the limit stopped it)
	bytes   int64 // their size
	end     directoryEnd
	found   bool // the end record was found; if not, archive/zip says why
}

// countCentralRecords counts the central directory's records and their
// bytes until more than limit records or more than limit times
// centralRecordBudget bytes, without keeping them, so that an archive of a
// million entries (or of a thousand entries of 192 KiB each) is refused
// before archive/zip holds it. With limit 0 it counts every record that
// can be read. Short of the limit, the count is every record that can be
// read: what describeDirectoryError needs when archive/zip refuses the
// directory.
func countCentralRecords(r io.ReaderAt, size int64, limit int) (c centralCount) {
	d, err := readDirectoryEnd(r, size)
	if err != nil {
		return c
	}
	c.end, c.found = d, true
	cd := openCentralDirectory(r, size, d)
	maxBytes := int64(limit) * centralRecordBudget
	for limit <= 0 || c.records <= limit && c.bytes <= maxBytes {
		h, more := cd.next()
		if !more {
			break
		}
		c.records++
		c.bytes += h.recordLen
	}
	return c
}
