package bundle

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// ProblemKind classifies what preflight found. Each kind maps to one rule.
type ProblemKind int

// Problem kinds, one per zip.* rule.
const (
	Unreadable ProblemKind = iota
	UnsafePath
	DuplicateEntry
	Symlink
	Encrypted
	UnsupportedMethod
	HeaderMismatch
	OverlappingEntries
	LimitExceeded
	NestedArchive
	JunkEntry
)

// Problem is one thing preflight found: about the archive as a whole
// (Whole), or else about the entry named Entry, a name that may be empty.
type Problem struct {
	Kind   ProblemKind
	Whole  bool
	Entry  string
	Detail string
}

func (a *Archive) problem(k ProblemKind, e *Entry, block bool, format string, args ...any) {
	p := Problem{Kind: k, Whole: e == nil, Detail: fmt.Sprintf(format, args...)}
	if e != nil {
		p.Entry = e.Name
		if block {
			e.Blocked = true
		}
	}
	a.Problems = append(a.Problems, p)
}

// preflight checks every entry's header before anything is inflated. An
// entry that fails a check that makes inflating it unsafe is Blocked; the
// others are still read so the rest of the bundle is reported.
func preflight(a *Archive, r io.ReaderAt, size int64) {
	lim := a.lim
	entries := a.Entries
	if lim.MaxEntries > 0 && len(entries) > lim.MaxEntries {
		// NewArchive refuses such an archive before parsing it; this is
		// the same limit for archives handed over already parsed.
		a.problem(LimitExceeded, nil, false, "holds %d entries; the limit is %d (limits.zip.max_entries)", len(entries), lim.MaxEntries)
		for _, e := range entries[lim.MaxEntries:] {
			e.Blocked = true
		}
		entries = entries[:lim.MaxEntries]
	}
	seen := map[string]string{}
	folded := make([]foldedEntry, 0, len(entries))
	var total int64
	for _, e := range entries {
		if why := UnsafeName(e.Name); why != "" {
			a.problem(UnsafePath, e, true, "%s", why)
		}
		key := foldName(e.Name)
		folded = append(folded, foldedEntry{key, e})
		if first, dup := seen[key]; dup {
			a.problem(DuplicateEntry, e, true, "%s", describeDuplicate(e.Name, first))
		} else {
			seen[key] = e.Name
		}
		f := e.file
		if f.Mode()&fs.ModeSymlink != 0 {
			a.problem(Symlink, e, true, "is a symbolic link")
		}
		if f.Flags&flagEncrypted != 0 {
			a.problem(Encrypted, e, true, "is encrypted")
		}
		if f.Method != 0 && f.Method != 8 {
			a.problem(UnsupportedMethod, e, true, "uses compression method %d (%s); only store (0) and deflate (8) are accepted", f.Method, methodName(f.Method))
		}
		if e.Size < 0 || e.CompressedSize < 0 {
			// A ZIP64 size beyond 2^63 bytes is no real file.
			a.problem(LimitExceeded, e, true, "declares an impossible size of %d uncompressed or %d compressed bytes", f.UncompressedSize64, f.CompressedSize64)
			continue
		}
		if e.Dir {
			if e.Size > 0 {
				a.problem(Unreadable, e, true, "is a directory but declares %d bytes of content", e.Size)
			}
			continue
		}
		if lim.MaxEntrySize > 0 && e.Size > lim.MaxEntrySize {
			a.problem(LimitExceeded, e, true, "declares %d uncompressed bytes; the per-entry limit is %d (limits.zip.max_entry_size)", e.Size, lim.MaxEntrySize)
		}
		if lim.MaxRatio > 0 && e.Size > ratioFloor && float64(e.Size) > lim.MaxRatio*float64(max(e.CompressedSize, 1)) {
			a.problem(LimitExceeded, e, true, "declares a compression ratio of %.0f:1; the limit is %.0f:1 (limits.zip.max_ratio)", float64(e.Size)/float64(max(e.CompressedSize, 1)), lim.MaxRatio)
		}
		total = addCapped(total, e.Size)
		if IsJunk(e.Name) {
			a.problem(JunkEntry, e, false, "is desktop metadata, not part of the export")
		} else if isArchiveName(e.Name) {
			a.problem(NestedArchive, e, false, "is an archive inside the bundle")
		}
	}
	if lim.MaxTotalSize > 0 && total > lim.MaxTotalSize {
		a.problem(LimitExceeded, nil, false, "declares %d uncompressed bytes in all; the limit is %d (limits.zip.max_total_size)", total, lim.MaxTotalSize)
	}
	checkPathConflicts(a, folded)
	checkLayout(a, r, size)
}

// ratioFloor is the size under which an entry's compression ratio is not
// judged: a small file of one repeated byte compresses beyond any limit and
// harms nobody.
const ratioFloor = 1 << 20

// addCapped adds without overflowing past the largest int64.
func addCapped(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// tooManyEntries refuses, before archive/zip parses it, an archive whose
// central directory (counted as dir) has more records than lim.MaxEntries,
// or more than MaxEntries times centralRecordBudget bytes: parsing holds
// every record in memory, and a hostile archive can hold millions of
// records, or records of kilobyte names, extra fields and comments. It
// reports whether the archive was refused.
func tooManyEntries(a *Archive, dir centralCount) bool {
	switch {
	case a.lim.MaxEntries <= 0 || !dir.found:
		return false
	case dir.records > a.lim.MaxEntries:
		declared := ""
		if dir.end.records > uint64(a.lim.MaxEntries) {
			declared = fmt.Sprintf(" (its end record declares %d)", dir.end.records)
		}
		a.problem(LimitExceeded, nil, false, "holds more than %d entries%s, the limit (limits.zip.max_entries); no entry was read: a real export has a handful", a.lim.MaxEntries, declared)
	case dir.bytes > int64(a.lim.MaxEntries)*centralRecordBudget:
		a.problem(LimitExceeded, nil, false, "has a central directory of more than %d bytes within its first %d entries: names, extra fields or comments of kilobytes each, where %d bytes per entry of limits.zip.max_entries are allowed; no entry was read", int64(a.lim.MaxEntries)*centralRecordBudget, dir.records, centralRecordBudget)
	default:
		return false
	}
	return true
}

// foldedEntry is an entry under its folded name (see foldName).
type foldedEntry struct {
	key string
	e   *Entry
}

// checkPathConflicts finds a file whose name another entry uses as a
// directory ("a.csv" and "a.csv/b"): unpacking one clobbers or fails on the
// other. With the folded names sorted, the entries under a file's name
// follow it directly, so each file costs one binary search.
func checkPathConflicts(a *Archive, folded []foldedEntry) {
	sort.Slice(folded, func(i, j int) bool { return folded[i].key < folded[j].key })
	for _, f := range folded {
		if f.e.Dir || f.e.Blocked {
			continue
		}
		under := f.key + "/"
		i := sort.Search(len(folded), func(i int) bool { return folded[i].key >= under })
		if i < len(folded) && strings.HasPrefix(folded[i].key, under) {
			a.problem(DuplicateEntry, f.e, true, "is a file, yet %q uses the same name as a directory", folded[i].e.Name)
		}
	}
}

// UnsafeName says why an entry name could write outside the directory it is
// unpacked into, or "" when it is safe.
func UnsafeName(name string) string {
	switch {
	case name == "":
		return "has an empty name"
	case !utf8.ValidString(name):
		return "has a name that is not valid UTF-8"
	case strings.ContainsRune(name, '\\'):
		return "uses a backslash in its name; ZIP names use forward slashes"
	case strings.HasPrefix(name, "/"):
		return "has an absolute name"
	case len(name) >= 2 && name[1] == ':' && isLetter(name[0]):
		return "starts with a drive letter"
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Sprintf("holds the control character %U in its name", r)
		}
		if unicode.Is(unicode.Bidi_Control, r) {
			// "invoice‮vsc.exe" displays as "invoiceexe.csv".
			return fmt.Sprintf("holds the bidirectional control character %U, which makes its name display as another", r)
		}
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "climbs out of the archive with '..'"
		}
	}
	return ""
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

var folder = cases.Fold()

// foldName is the key under which two names count as the same file on a
// case-insensitive or normalising file system.
func foldName(name string) string { return folder.String(norm.NFC.String(name)) }

// describeDuplicate says how name repeats first, an earlier entry's name
// of the same fold. Names equal only after Unicode normalisation display
// alike ("café" composed and decomposed), so they are also written out in
// ASCII escapes, which tell them apart.
func describeDuplicate(name, first string) string {
	switch {
	case name == first:
		return "appears twice in the archive"
	case norm.NFC.String(name) == norm.NFC.String(first):
		return fmt.Sprintf("equals %q after Unicode normalisation: written out, this name is %+q and the other %+q", first, name, first)
	case strings.EqualFold(name, first):
		return fmt.Sprintf("equals %q but for case", first)
	}
	return fmt.Sprintf("equals %q after case folding and Unicode normalisation: written out, this name is %+q and the other %+q", first, name, first)
}

// IsJunk reports desktop metadata that archivers add by accident.
func IsJunk(name string) bool {
	if strings.HasPrefix(name, "__MACOSX/") || strings.Contains(name, "/__MACOSX/") {
		return true
	}
	switch strings.ToLower(path.Base(name)) {
	case ".ds_store", "thumbs.db", "desktop.ini":
		return true
	}
	return strings.HasPrefix(path.Base(name), "._")
}

var archiveExts = []string{".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst"}

func isArchiveName(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range archiveExts {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

func methodName(m uint16) string {
	switch m {
	case 12:
		return "bzip2"
	case 14:
		return "LZMA"
	case 93:
		return "Zstandard"
	case 95:
		return "XZ"
	case 99:
		return "AES encryption"
	}
	return "unknown"
}
