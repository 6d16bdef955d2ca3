package verify

import (
	"hash/maphash"
	"slices"
	"sort"
)

// fneIDs collects the identifiers of one column of a FlexNet CSV (its
// ActivationIds, or the EntitlementID of each entitlement's first row)
// compactly: a 64-bit hash and a 32-bit line per occurrence, 12 bytes,
// never the strings. They are kept in fixed-size chunks, so that growing
// leaves no garbage behind (a doubling slice would leave as much again for
// the collector), and repeats are found by sorting once the file is read,
// in place. A hash map would need two to three times as much per row.
//
// Two different identifiers share a hash with a probability of about
// n²/2⁶⁵ (3·10⁻⁸ for a million rows); such a collision would be reported
// as a repeat, which a reader can check by eye.
type fneIDs struct {
	seed maphash.Seed
	// hashes and lines are allocated apart, so that the lines can be let
	// go while the hashes are kept as the set of identifiers.
	hashes []*[fneChunk]uint64
	lines  []*[fneChunk]uint32
	n      int
}

// fneChunkBits sizes a chunk: 4096 entries, 48 KiB.
const (
	fneChunkBits = 12
	fneChunk     = 1 << fneChunkBits
)

func newFNEIDs(seed maphash.Seed) *fneIDs { return &fneIDs{seed: seed} }

func (s *fneIDs) add(id string, line int) {
	c, i := s.n>>fneChunkBits, s.n&(fneChunk-1)
	if c == len(s.hashes) {
		s.hashes = append(s.hashes, new([fneChunk]uint64))
		s.lines = append(s.lines, new([fneChunk]uint32))
	}
	s.hashes[c][i] = maphash.String(s.seed, id)
	s.lines[c][i] = uint32(line)
	s.n++
}

func (s *fneIDs) hashAt(i int) *uint64 { return &s.hashes[i>>fneChunkBits][i&(fneChunk-1)] }

func (s *fneIDs) lineAt(i int) *uint32 { return &s.lines[i>>fneChunkBits][i&(fneChunk-1)] }

// Len, Less and Swap sort by hash, then line.
func (s *fneIDs) Len() int { return s.n }
func (s *fneIDs) Less(i, j int) bool {
	hi, hj := *s.hashAt(i), *s.hashAt(j)
	if hi != hj {
		return hi < hj
	}
	return *s.lineAt(i) < *s.lineAt(j)
}
func (s *fneIDs) Swap(i, j int) {
	hi, hj := s.hashAt(i), s.hashAt(j)
	*hi, *hj = *hj, *hi
	li, lj := s.lineAt(i), s.lineAt(j)
	*li, *lj = *lj, *li
}

// fneRepeat is an identifier's occurrence at line after its first at first.
type fneRepeat struct{ line, first uint32 }

// finish returns the repeats in line order and the set of the distinct
// identifiers. It consumes s.
func (s *fneIDs) finish() ([]fneRepeat, *fneIDSet) {
	sort.Sort(s)
	var reps []fneRepeat
	distinct := 0
	var first uint32 // the line of the current hash's first occurrence
	for i := 0; i < s.n; i++ {
		h := *s.hashAt(i)
		if i > 0 && h == *s.hashAt(i - 1) {
			reps = append(reps, fneRepeat{line: *s.lineAt(i), first: first})
			continue
		}
		first = *s.lineAt(i)
		*s.hashAt(distinct) = h
		distinct++
	}
	slices.SortFunc(reps, func(a, b fneRepeat) int { return int(a.line) - int(b.line) })
	// The set keeps the hashes only: 8 bytes per identifier.
	set := &fneIDSet{seed: s.seed, n: distinct, chunks: s.hashes[:(distinct+fneChunk-1)/fneChunk]}
	s.hashes, s.lines, s.n = nil, nil, 0
	return reps, set
}

// fneIDSet is a sorted set of identifier hashes: the entitlement CSV's
// ActivationIds, kept while the maintenance CSV's links are checked.
type fneIDSet struct {
	seed   maphash.Seed
	chunks []*[fneChunk]uint64
	n      int
}

func (s *fneIDSet) at(i int) uint64 { return s.chunks[i>>fneChunkBits][i&(fneChunk-1)] }

func (s *fneIDSet) has(id string) bool {
	h := maphash.String(s.seed, id)
	i := sort.Search(s.n, func(i int) bool { return s.at(i) >= h })
	return i < s.n && s.at(i) == h
}

// len is the number of distinct identifiers.
func (s *fneIDSet) len() int { return s.n }
