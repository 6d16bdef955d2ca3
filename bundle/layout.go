package bundle

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// checkLayout compares each entry's local header with the central directory
// and looks for entries that share bytes. It is the part of preflight that
// reads the raw archive rather than the parsed central directory.
//
// Unzip tools disagree on which header they trust: most read the central
// directory, streaming ones read the local headers. An archive whose two
// headers disagree unpacks differently depending on the tool, and one whose
// entries overlap (David Fifield's "A better zip bomb", 2019) inflates the
// same compressed bytes many times over. Both are refused here, per entry,
// before anything is inflated.
func checkLayout(a *Archive, r io.ReaderAt, size int64) {
	if len(a.Entries) == 0 {
		return
	}
	d, err := readDirectoryEnd(r, size)
	if err != nil {
		a.blockAll(Unreadable, "has a central directory that cannot be located a second time (%v); no entry was read", err)
		return
	}
	dirStart := d.start()
	cd := openCentralDirectory(r, size, d)
	spans := make([]span, 0, len(a.Entries))
	for i, e := range a.Entries {
		h, ok := cd.next()
		if !ok || string(h.name) != e.Name {
			// archive/zip read this very directory a moment ago; a
			// difference means the two readings cannot be trusted.
			a.blockAll(Unreadable, "has a central directory that reads differently on a second pass, at entry %d; no entry was read", i+1)
			return
		}
		if sp, ok := checkEntryLayout(a, r, size, dirStart, d.base, e, h); ok {
			sp.entry = i
			spans = append(spans, sp)
		}
	}
	checkOverlaps(a, spans)
}

// span is the byte range of an entry: from its local header to the end of
// its compressed data.
type span struct {
	start, end int64
	entry      int
}

// checkEntryLayout checks one entry's local header against its central
// record and returns the entry's span, or false when the entry's bytes
// cannot be located at all (then it is blocked as Unreadable).
func checkEntryLayout(a *Archive, r io.ReaderAt, size, dirStart, base int64, e *Entry, h centralHeader) (span, bool) {
	f := e.file
	if h.localOffset > 1<<62 {
		a.problem(Unreadable, e, true, "has its local header recorded at offset %d, beyond the end of the file", h.localOffset)
		return span{}, false
	}
	start := base + int64(h.localOffset)
	if start < 0 || start >= dirStart {
		a.problem(Unreadable, e, true, "has its local header recorded at offset %d, outside the archive's data (which ends at %d where the central directory starts)", start, dirStart)
		return span{}, false
	}
	lh, err := readLocalHeader(r, start, size)
	if err != nil {
		a.problem(Unreadable, e, true, "has no valid local header at offset %d where the central directory says it starts", start)
		return span{}, false
	}
	// archive/zip locates the data from its own reading of the offsets;
	// if it lands elsewhere, what is checked here is not what would be
	// inflated.
	if off, err := f.DataOffset(); err != nil || off != lh.dataOffset {
		a.problem(Unreadable, e, true, "has a local header that cannot be located consistently")
		return span{}, false
	}
	end := lh.dataOffset + e.CompressedSize
	if e.CompressedSize < 0 || end < lh.dataOffset || end > dirStart {
		a.problem(Unreadable, e, true, "declares %d compressed bytes starting at offset %d, which runs past the start of the central directory at %d (truncated or crafted archive)", f.CompressedSize64, lh.dataOffset, dirStart)
		return span{start, dirStart, 0}, true
	}
	compareHeaders(a, e, lh)
	if !e.Blocked && !e.Dir && f.Method == 0 && !isArchiveName(e.Name) && !IsJunk(e.Name) {
		var magic [8]byte
		n := min(int64(len(magic)), e.CompressedSize)
		if _, err := r.ReadAt(magic[:n], lh.dataOffset); err == nil {
			if what := archiveMagic(magic[:n]); what != "" {
				a.problem(NestedArchive, e, false, "is a %s archive inside the bundle, whatever its name says", what)
			}
		}
	}
	return span{start: start, end: end}, true
}

// compareHeaders reports where the local header disagrees with the central
// directory. Sizes and CRC-32 in a local header are zero when the entry has
// a data descriptor (they were not known when the header was written); they
// are compared only when present.
func compareHeaders(a *Archive, e *Entry, lh localHeader) {
	f := e.file
	var diffs []string
	if !bytes.Equal(lh.name, []byte(e.Name)) {
		diffs = append(diffs, fmt.Sprintf("names it %q", sanitizeName(string(lh.name))))
	}
	if lh.method != f.Method {
		diffs = append(diffs, fmt.Sprintf("says compression method %d where the central directory says %d", lh.method, f.Method))
	}
	deferred := (lh.flags|f.Flags)&flagDataDescriptor != 0
	if !(deferred && lh.size == 0 && lh.compressedSize == 0) {
		if lh.size != f.UncompressedSize64 {
			diffs = append(diffs, fmt.Sprintf("declares %d uncompressed bytes where the central directory declares %d", lh.size, f.UncompressedSize64))
		}
		if lh.compressedSize != f.CompressedSize64 {
			diffs = append(diffs, fmt.Sprintf("declares %d compressed bytes where the central directory declares %d", lh.compressedSize, f.CompressedSize64))
		}
	}
	if !(deferred && lh.crc32 == 0) && lh.crc32 != f.CRC32 {
		diffs = append(diffs, fmt.Sprintf("gives CRC-32 %08x where the central directory gives %08x", lh.crc32, f.CRC32))
	}
	if (lh.flags^f.Flags)&flagEncrypted != 0 {
		diffs = append(diffs, "disagrees with the central directory on whether the entry is encrypted")
	}
	if len(diffs) == 0 {
		return
	}
	msg := "has a local header that " + diffs[0]
	for i, d := range diffs[1:] {
		if i == len(diffs)-2 {
			msg += " and " + d
		} else {
			msg += ", " + d
		}
	}
	a.problem(HeaderMismatch, e, true, "%s; unzip tools would disagree on its content", msg)
}

// checkOverlaps reports every entry whose span shares bytes with another's.
// A sweep over the spans sorted by start finds each overlapping entry once,
// together with the entry it runs into, in O(n log n) however many entries
// overlap one another; both are blocked, since either could be the bomb.
func checkOverlaps(a *Archive, spans []span) {
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	reported := map[int]bool{}
	report := func(i, other int) {
		if reported[i] {
			return
		}
		reported[i] = true
		a.problem(OverlappingEntries, a.Entries[i], true, "shares bytes of the archive with the entry %q (an overlapped zip bomb, or a crafted archive)", sanitizeName(a.Entries[other].Name))
	}
	var reach int64 = -1 // furthest end seen so far
	owner := -1          // the entry that reaches there
	for _, s := range spans {
		if s.start < reach {
			report(s.entry, owner)
			report(owner, s.entry)
		}
		if s.end > reach {
			reach, owner = s.end, s.entry
		}
	}
}

// blockAll records an archive-level problem and blocks every entry: used
// when the raw layout cannot be read, so no entry can be vouched for.
func (a *Archive) blockAll(k ProblemKind, format string, args ...any) {
	a.problem(k, nil, false, format, args...)
	for _, e := range a.Entries {
		e.Blocked = true
	}
}

// archiveMagic names the archive format whose signature starts b, or "".
func archiveMagic(b []byte) string {
	for _, m := range archiveMagics {
		if bytes.HasPrefix(b, m.magic) {
			return m.name
		}
	}
	if isBzip2(b) {
		return "bzip2"
	}
	return ""
}

var archiveMagics = []struct {
	magic []byte
	name  string
}{
	{[]byte("PK\x03\x04"), "ZIP"},
	{[]byte("PK\x05\x06"), "ZIP"},
	{[]byte{0x1f, 0x8b, 0x08}, "gzip"},
	{[]byte("7z\xbc\xaf\x27\x1c"), "7-Zip"},
	{[]byte("Rar!\x1a\x07"), "RAR"},
	{[]byte("\xfd7zXZ\x00"), "XZ"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "Zstandard"},
}

// isBzip2 matches "BZh", a block size digit and the first block's magic,
// since "BZh" alone could start a line of text.
func isBzip2(b []byte) bool {
	return len(b) >= 8 && bytes.HasPrefix(b, []byte("BZh")) && b[3] >= '1' && b[3] <= '9' && bytes.HasPrefix(b[4:], []byte("1AY&"))
}

// sanitizeName makes a name from the archive safe to quote in a message.
func sanitizeName(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
