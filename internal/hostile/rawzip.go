package hostile

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"slices"
)

// rawFile is one entry written byte by byte, so that a case can make the
// archives no well-behaved writer makes: headers that disagree, sizes that
// lie, entries that share bytes.
type rawFile struct {
	name   string
	method uint16 // 0 store, 8 deflate, or anything a case wants
	flags  uint16
	crc    uint32
	// data is written as the entry's stored bytes (already compressed
	// when method is 8).
	data []byte
	// size is the declared uncompressed size.
	size uint64
	// mode, when not zero, is a Unix mode recorded in the external
	// attributes (symlinks).
	mode uint32
	// patchLocal and patchCentral edit the encoded headers before they
	// are written: the seam where a case breaks an archive on purpose.
	patchLocal   func(h []byte)
	patchCentral func(h []byte)
	// noLocal leaves the local header and data out: the central record
	// then points at whatever offset is set in at (overlap cases).
	noLocal bool
	at      uint64
	// comment is the entry's comment in the central directory.
	comment []byte
	// zip64 puts the entry's sizes and offset in ZIP64 extra fields even
	// though they fit in 32 bits, as Info-ZIP's zip -fz and the streaming
	// writers of Java and .NET do.
	zip64 bool
}

// deflated returns a rawFile holding content deflated, with its CRC-32 and
// size. Large content is deflated at the fastest level: the best one takes
// minutes over megabytes of random text, and the cases need no small files.
func deflated(name string, content []byte) rawFile {
	var b bytes.Buffer
	level := flate.BestCompression
	if len(content) > 1<<20 {
		level = flate.BestSpeed
	}
	w, _ := flate.NewWriter(&b, level)
	w.Write(content)
	w.Close()
	return rawFile{name: name, method: 8, crc: crc32.ChecksumIEEE(content), data: b.Bytes(), size: uint64(len(content))}
}

// stored returns a rawFile holding content uncompressed.
func stored(name string, content []byte) rawFile {
	return rawFile{name: name, method: 0, crc: crc32.ChecksumIEEE(content), data: content, size: uint64(len(content))}
}

// dosDate is 2026-11-01 in MS-DOS form; every entry carries it so that a
// case's bytes never depend on the clock.
const (
	dosDate = (2026-1980)<<9 | 11<<5 | 1
	dosTime = 3 << 11
)

func localHeader(f *rawFile) []byte {
	le := binary.LittleEndian
	var extra []byte
	csize, usize := uint32(len(f.data)), uint32(min(f.size, 0xffffffff))
	version := uint16(20)
	if f.size >= 0xffffffff || f.zip64 {
		version = 45
		// A local ZIP64 extra holds both sizes.
		extra = le.AppendUint16(extra, 0x0001)
		extra = le.AppendUint16(extra, 16)
		extra = le.AppendUint64(extra, f.size)
		extra = le.AppendUint64(extra, uint64(len(f.data)))
		csize, usize = 0xffffffff, 0xffffffff
	}
	h := make([]byte, 30, 30+len(f.name)+len(extra))
	le.PutUint32(h[0:], 0x04034b50)
	le.PutUint16(h[4:], version)
	le.PutUint16(h[6:], f.flags)
	le.PutUint16(h[8:], f.method)
	le.PutUint16(h[10:], dosTime)
	le.PutUint16(h[12:], dosDate)
	le.PutUint32(h[14:], f.crc)
	le.PutUint32(h[18:], csize)
	le.PutUint32(h[22:], usize)
	le.PutUint16(h[26:], uint16(len(f.name)))
	le.PutUint16(h[28:], uint16(len(extra)))
	h = append(h, f.name...)
	h = append(h, extra...)
	if f.patchLocal != nil {
		f.patchLocal(h)
	}
	return h
}

func centralHeader(f *rawFile) []byte {
	le := binary.LittleEndian
	var extra []byte
	usize, csize, at, version := f.size, uint64(len(f.data)), f.at, uint16(20)
	switch {
	case f.zip64:
		// All three, in the order the extra field requires.
		extra = le.AppendUint16(extra, 0x0001)
		extra = le.AppendUint16(extra, 24)
		extra = le.AppendUint64(extra, usize)
		extra = le.AppendUint64(extra, csize)
		extra = le.AppendUint64(extra, at)
		usize, csize, at, version = 0xffffffff, 0xffffffff, 0xffffffff, 45
	case usize >= 0xffffffff:
		extra = le.AppendUint16(extra, 0x0001)
		extra = le.AppendUint16(extra, 8)
		extra = le.AppendUint64(extra, usize)
		usize, version = 0xffffffff, 45
	}
	h := make([]byte, 46, 46+len(f.name)+len(extra))
	creator := uint16(20)
	if f.mode != 0 {
		creator |= 3 << 8 // Unix: the external attributes hold a mode
	}
	le.PutUint32(h[0:], 0x02014b50)
	le.PutUint16(h[4:], creator)
	le.PutUint16(h[6:], version)
	le.PutUint16(h[8:], f.flags)
	le.PutUint16(h[10:], f.method)
	le.PutUint16(h[12:], dosTime)
	le.PutUint16(h[14:], dosDate)
	le.PutUint32(h[16:], f.crc)
	le.PutUint32(h[20:], uint32(csize))
	le.PutUint32(h[24:], uint32(usize))
	le.PutUint16(h[28:], uint16(len(f.name)))
	le.PutUint16(h[30:], uint16(len(extra)))
	le.PutUint16(h[32:], uint16(len(f.comment)))
	le.PutUint32(h[38:], f.mode<<16)
	le.PutUint32(h[42:], uint32(at))
	h = append(h, f.name...)
	h = append(h, extra...)
	h = append(h, f.comment...)
	if f.patchCentral != nil {
		f.patchCentral(h)
	}
	return h
}

// countingWriter tracks the offset of what is written next.
type countingWriter struct {
	w   io.Writer
	n   uint64
	err error
}

func (c *countingWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.n += uint64(n)
	c.err = err
}

// writeRawZip writes files in order, then the central directory and its
// end record (in ZIP64 form past 65 535 entries or when an entry is in
// ZIP64 form), streaming: a case of a hundred thousand entries needs no
// more memory than their headers.
func writeRawZip(w io.Writer, files []rawFile) error {
	cw := &countingWriter{w: w}
	for i := range files {
		f := &files[i]
		if f.noLocal {
			continue
		}
		f.at = cw.n
		cw.write(localHeader(f))
		cw.write(f.data)
	}
	return finishRawZip(cw, files)
}

// finishRawZip writes the central directory of files (whose local headers
// are already written) and the end records.
func finishRawZip(cw *countingWriter, files []rawFile) error {
	dirStart := cw.n
	for i := range files {
		cw.write(centralHeader(&files[i]))
	}
	dirSize := cw.n - dirStart
	le := binary.LittleEndian
	count := uint64(len(files))
	forced := slices.ContainsFunc(files, func(f rawFile) bool { return f.zip64 })
	if count > 0xffff || forced {
		end64 := cw.n
		var b []byte
		b = le.AppendUint32(b, 0x06064b50)
		b = le.AppendUint64(b, 44)
		b = le.AppendUint16(b, 45)
		b = le.AppendUint16(b, 45)
		b = le.AppendUint32(b, 0)
		b = le.AppendUint32(b, 0)
		b = le.AppendUint64(b, count)
		b = le.AppendUint64(b, count)
		b = le.AppendUint64(b, dirSize)
		b = le.AppendUint64(b, dirStart)
		b = le.AppendUint32(b, 0x07064b50)
		b = le.AppendUint32(b, 0)
		b = le.AppendUint64(b, end64)
		b = le.AppendUint32(b, 1)
		cw.write(b)
		count = 0xffff
		if forced {
			// Every field defers to the ZIP64 record, so that a reader
			// must take them from it.
			dirSize, dirStart = 0xffffffff, 0xffffffff
		}
	}
	var e []byte
	e = le.AppendUint32(e, 0x06054b50)
	e = le.AppendUint16(e, 0)
	e = le.AppendUint16(e, 0)
	e = le.AppendUint16(e, uint16(count))
	e = le.AppendUint16(e, uint16(count))
	e = le.AppendUint32(e, uint32(min(dirSize, 0xffffffff)))
	e = le.AppendUint32(e, uint32(min(dirStart, 0xffffffff)))
	e = le.AppendUint16(e, 0)
	cw.write(e)
	return cw.err
}
