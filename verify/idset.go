package verify

import (
	"hash/maphash"
	"math/bits"
)

// idSet remembers which identifiers (Customer PKIDs) a file has used,
// compactly: it keeps a 64-bit hash and the first line of each, not the
// string, in an open-addressing table (linear probing) of two flat arrays,
// 12 bytes a slot. The table grows by a quarter when it is 80% full, so it
// is 64% to 80% full and a file needs 15 to 19 bytes a row (BenchmarkIDSet:
// 15.5 at a million rows, 18 at ten million, 180 MB, where a
// map[uint64]uint32 holds 38 and 30). The arrays hold no pointers, so the
// garbage collector does not scan them.
//
// Two different identifiers share a hash with probability about n²/2⁶⁵
// (3·10⁻⁸ for a million rows); such a collision would be reported as a
// repeat at both lines, which a reader can check by eye.
type idSet struct {
	seed  maphash.Seed
	keys  []uint64 // 0 marks a free slot; a hash of 0 is stored as 1
	lines []uint32
	count int
}

const (
	idSetInitialSlots = 1 << 10
	// A slot search at 80% load looks at about a dozen adjacent keys
	// when the identifier is new, two when it is not.
	idSetMaxLoadPercent = 80
	idSetGrowPercent    = 125
)

func newIDSet() *idSet {
	return &idSet{seed: maphash.MakeSeed(), keys: make([]uint64, idSetInitialSlots), lines: make([]uint32, idSetInitialSlots)}
}

func (s *idSet) hash(id string) uint64 {
	if h := maphash.String(s.seed, id); h != 0 {
		return h
	}
	return 1
}

// slot returns the slot of h: its own, or the free one where it belongs.
// The home slot is h scaled to the table size (Lemire's multiply-shift), so
// the size need not be a power of two.
func (s *idSet) slot(h uint64) int {
	i, _ := bits.Mul64(h, uint64(len(s.keys)))
	for {
		if k := s.keys[i]; k == h || k == 0 {
			return int(i)
		}
		if i++; i == uint64(len(s.keys)) {
			i = 0
		}
	}
}

// add records id at line and returns the line it was first seen at when it
// was seen before.
func (s *idSet) add(id string, line int) (first int, repeated bool) {
	h := s.hash(id)
	i := s.slot(h)
	if s.keys[i] == h {
		return int(s.lines[i]), true
	}
	s.keys[i], s.lines[i] = h, uint32(line)
	s.count++
	if s.count*100 > len(s.keys)*idSetMaxLoadPercent {
		s.grow()
	}
	return 0, false
}

func (s *idSet) grow() {
	old, oldLines := s.keys, s.lines
	n := len(old) * idSetGrowPercent / 100
	s.keys, s.lines = make([]uint64, n), make([]uint32, n)
	for j, h := range old {
		if h != 0 {
			i := s.slot(h)
			s.keys[i], s.lines[i] = h, oldLines[j]
		}
	}
}

// has reports whether id was added.
func (s *idSet) has(id string) bool {
	h := s.hash(id)
	return s.keys[s.slot(h)] == h
}

// len is the number of distinct identifiers.
func (s *idSet) len() int { return s.count }

// bytes is the memory the set holds.
func (s *idSet) bytes() int { return len(s.keys)*8 + len(s.lines)*4 }
