// Package bundle is the container layer: it opens a received ZIP safely
// (preflight of every header against limits before anything is inflated),
// streams its members, tells which kind of bundle a file is, and writes
// files atomically.
//
// It knows nothing of rules: what it finds is a Problem with a Kind, which
// the verify package turns into findings.
package bundle

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

// Limits bound what a received ZIP may make licaudit do. They are checked on
// the declared sizes during preflight and again on the bytes actually
// inflated, since declared sizes are the sender's word.
type Limits struct {
	// MaxEntries is the most entries an archive may have.
	MaxEntries int `yaml:"max_entries"`
	// MaxEntrySize is the most uncompressed bytes of one entry.
	MaxEntrySize int64 `yaml:"max_entry_size"`
	// MaxTotalSize is the most uncompressed bytes of all entries together.
	MaxTotalSize int64 `yaml:"max_total_size"`
	// MaxRatio is the highest uncompressed:compressed ratio of one entry.
	// Real CSV exports compress about 10:1; deflate cannot exceed 1032:1.
	MaxRatio float64 `yaml:"max_ratio"`
}

// DefaultLimits suit real bundles with room to spare: a VOSS bundle has ten
// members, a FlexNet extract two, and the largest seen are a few GiB of CSV.
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:   1000,
		MaxEntrySize: 16 << 30,
		MaxTotalSize: 32 << 30,
		MaxRatio:     200,
	}
}

// Entry is one member of an archive as its central directory declares it.
type Entry struct {
	// Name is the entry's name exactly as stored.
	Name string
	// Size and CompressedSize are the declared sizes.
	Size           int64
	CompressedSize int64
	Method         uint16
	// Dir is true for a directory entry (name ending in "/").
	Dir bool
	// Blocked is true when preflight found a reason not to inflate the
	// entry (unsafe name, symlink, encryption, method, limits, overlap).
	Blocked bool

	file *zip.File
}

// Archive is an opened ZIP whose headers passed through preflight.
type Archive struct {
	// Entries in central-directory order.
	Entries []*Entry
	// Problems found by preflight, in entry order.
	Problems []Problem

	lim      Limits
	closer   io.Closer
	inflated atomic.Int64
}

// Open opens the ZIP at path and runs preflight. An error is returned only
// when the file itself cannot be read; a file that is not a usable ZIP gives
// an Archive with an Unreadable problem and no entries.
func Open(path string, lim Limits) (*Archive, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory", path)
	}
	a := NewArchive(f, st.Size(), lim)
	a.closer = f
	return a, nil
}

// NewArchive runs preflight over a ZIP held by r. The caller keeps r open
// while the archive is used.
func NewArchive(r io.ReaderAt, size int64, lim Limits) *Archive {
	a := &Archive{lim: lim}
	if size == 0 {
		a.Problems = append(a.Problems, Problem{Kind: Unreadable, Whole: true, Detail: "is empty (0 bytes): the transfer did not complete; send the bundle again"})
		return a
	}
	// One count of the central directory serves the entry limit and, when
	// archive/zip refuses the directory, the message saying where it breaks.
	dir := countCentralRecords(r, size, a.lim.MaxEntries)
	if tooManyEntries(a, dir) {
		return a
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		a.Problems = append(a.Problems, Problem{Kind: Unreadable, Whole: true, Detail: describeDirectoryError(dir, err)})
		return a
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	for _, f := range zr.File {
		a.Entries = append(a.Entries, &Entry{
			Name:           f.Name,
			Size:           int64(f.UncompressedSize64),
			CompressedSize: int64(f.CompressedSize64),
			Method:         f.Method,
			Dir:            len(f.Name) > 0 && f.Name[len(f.Name)-1] == '/',
			file:           f,
		})
	}
	preflight(a, r, size)
	return a
}

// Close releases the file behind the archive.
func (a *Archive) Close() error {
	if a.closer != nil {
		return a.closer.Close()
	}
	return nil
}

// newInflater uses klauspost's inflate, about 1.4x the standard library's.
// Inflaters are pooled: one holds some 50 KiB of window and tables, and an
// intake run opens thousands of members. The compressed bytes reach it
// through a pooled bufio.Reader, which also gives klauspost its fast path
// (a *bufio.Reader source) and reads the file in 64 KiB requests.
func newInflater(r io.Reader) io.ReadCloser {
	st, _ := inflaters.Get().(*inflaterState)
	if st == nil {
		br := bufio.NewReaderSize(r, inflaterReadSize)
		return &inflater{st: &inflaterState{br: br, fr: flate.NewReader(br)}}
	}
	st.br.Reset(r)
	if err := st.fr.(flate.Resetter).Reset(st.br, nil); err != nil {
		// Reset without a dictionary does not fail; a fresh
		// inflater is the safe answer if it ever does.
		br := bufio.NewReaderSize(r, inflaterReadSize)
		st = &inflaterState{br: br, fr: flate.NewReader(br)}
	}
	return &inflater{st: st}
}

const inflaterReadSize = 64 << 10

var inflaters sync.Pool // of *inflaterState

// inflaterState is what a pooled inflater reuses.
type inflaterState struct {
	br *bufio.Reader
	fr io.ReadCloser // a klauspost flate reader, a flate.Resetter
}

// inflater is one use of a pooled inflaterState: after Close it gives the
// state back and fails further reads, so that a reader closed twice or
// read after Close can never reach a state another member now uses.
type inflater struct{ st *inflaterState }

var errInflaterClosed = errors.New("read after close")

func (f *inflater) Read(p []byte) (int, error) {
	if f.st == nil {
		return 0, errInflaterClosed
	}
	return f.st.fr.Read(p)
}

func (f *inflater) Close() error {
	st := f.st
	if st == nil {
		return nil
	}
	f.st = nil
	err := st.fr.Close()
	st.br.Reset(nil) // drop the member's section reader
	inflaters.Put(st)
	return err
}

// Errors of reading an entry's content.
var (
	// ErrBlocked: the entry failed preflight and is not inflated.
	ErrBlocked = errors.New("entry blocked by preflight")
	// ErrChecksum: the content does not match the entry's CRC-32.
	ErrChecksum = errors.New("content does not match its CRC-32")
	// ErrLimit: inflating went beyond a limit (see LimitError).
	ErrLimit = errors.New("limit exceeded while inflating")
	// ErrCorrupt: the compressed data cannot be inflated.
	ErrCorrupt = errors.New("corrupt compressed data")
)

// LimitError says which limit inflating an entry ran into.
type LimitError struct {
	What  string // "entry size", "total size", "declared size"
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("inflated more than the %s limit of %d bytes", e.What, e.Limit)
}

// Is lets errors.Is(err, ErrLimit) match.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// Open returns the inflated content of e. Reading it fails with ErrChecksum
// on a CRC mismatch, a *LimitError when the inflated bytes exceed the entry
// or archive limits (or the declared size), and another error when the
// compressed data is corrupt.
func (a *Archive) Open(e *Entry) (io.ReadCloser, error) {
	if e.Blocked {
		return nil, ErrBlocked
	}
	rc, err := e.file.Open()
	if err != nil {
		return nil, err
	}
	return &guardedReader{rc: rc, a: a, e: e}, nil
}

// guardedReader enforces the limits on bytes actually inflated and
// translates archive/zip's errors into this package's.
type guardedReader struct {
	rc io.ReadCloser
	a  *Archive
	e  *Entry
	n  int64
}

func (g *guardedReader) Read(p []byte) (int, error) {
	n, err := g.rc.Read(p)
	g.n += int64(n)
	total := g.a.inflated.Add(int64(n))
	switch {
	case g.a.lim.MaxEntrySize > 0 && g.n > g.a.lim.MaxEntrySize:
		return n, &LimitError{What: "entry size", Limit: g.a.lim.MaxEntrySize}
	case g.a.lim.MaxTotalSize > 0 && total > g.a.lim.MaxTotalSize:
		return n, &LimitError{What: "total size", Limit: g.a.lim.MaxTotalSize}
	case g.n > g.e.Size:
		return n, &LimitError{What: "declared size", Limit: g.e.Size}
	}
	if err != nil && err != io.EOF {
		if errors.Is(err, zip.ErrChecksum) {
			return n, ErrChecksum
		}
		// archive/zip stops an entry that inflates to more than its
		// declared size with ErrFormat (and drops the excess bytes).
		if errors.Is(err, zip.ErrFormat) {
			return n, &LimitError{What: "declared size", Limit: g.e.Size}
		}
		return n, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return n, err
}

func (g *guardedReader) Close() error { return g.rc.Close() }

// describeDirectoryError says what is wrong with a ZIP whose central
// directory archive/zip refuses. Its ErrFormat and ErrUnexpectedEOF say
// little: archive/zip reads central records until one fails, then finds
// fewer than declared. Counted with preflight's own reader (dir, complete
// since the entry limit let the archive through), the problem is placed:
// the end record, a central record, or the count between them.
func describeDirectoryError(dir centralCount, err error) string {
	if !dir.found || !errors.Is(err, zip.ErrFormat) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return describeZipError(err)
	}
	if uint64(dir.records) < dir.end.records {
		return fmt.Sprintf("has a damaged central directory: record %d of the %d its end record declares cannot be read (truncated or corrupted transfer, or a broken writer); no entry was read, send the bundle again", dir.records+1, dir.end.records)
	}
	return fmt.Sprintf("has a central directory that does not hold the %d records its end record declares (a corrupted transfer or a broken writer); no entry was read, send the bundle again", dir.end.records)
}

func describeZipError(err error) string {
	switch {
	case errors.Is(err, zip.ErrFormat):
		return "is not a ZIP archive, or its end of central directory is missing or damaged (truncated transfer?)"
	case errors.Is(err, zip.ErrAlgorithm):
		return "uses an unsupported compression method"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "ends in the middle of its central directory (truncated transfer?)"
	}
	return "cannot be read as a ZIP archive: " + err.Error()
}
