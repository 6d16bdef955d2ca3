package verify

import (
	"hash/maphash"
	"math/bits"
)

// idSet remembers which identifiers (Customer PKIDs) a file has used,
// compactly: it keeps a 64-bit hash and the first line of each, not the
// string, in an open-addressing table (linear probing) of 12-byte slots, a
// hash and its line side by side so that an identifier costs one cache
// miss. The table grows by a quarter when it is 80% full, so it is 64% to
// 80% full and a file needs 15 to 19 bytes a row (BenchmarkIDSet: 15.5 at a
// million rows, 18 at ten million, 180 MB, where a map[uint64]uint32 holds
// 38 and 30). The table holds no pointers, so the garbage collector does
// not scan it.
//
// Two different identifiers share a hash with probability about n²/2⁶⁵
// (3·10⁻⁸ for a million rows); such a collision would be reported as a
// repeat at both lines, which a reader can check by eye.
type idSet struct {
	seed  maphash.Seed
	slots []idSlot
	count int
}

// idSlot is a hash (0 marks a free slot; a hash of 0 is stored as 1) and
// the line it was first seen at, in 32-bit halves so that a slot takes 12
// bytes, not 16.
type idSlot struct{ hashHi, hashLo, line uint32 }

func (e idSlot) hash() uint64 { return uint64(e.hashHi)<<32 | uint64(e.hashLo) }

const (
	idSetInitialSlots = 1 << 10
	// A slot search at 80% load looks at about a dozen adjacent slots
	// when the identifier is new, two when it is not.
	idSetMaxLoadPercent = 80
	idSetGrowPercent    = 125
)

func newIDSet() *idSet {
	return &idSet{seed: maphash.MakeSeed(), slots: make([]idSlot, idSetInitialSlots)}
}

func (s *idSet) hash(id string) uint64 {
	if h := maphash.String(s.seed, id); h != 0 {
		return h
	}
	return 1
}

// slot returns the index of h's slot: its own, or the free one where it
// belongs. The home slot is h scaled to the table size (Lemire's
// multiply-shift), so the size need not be a power of two.
func (s *idSet) slot(h uint64) int {
	hi, lo := uint32(h>>32), uint32(h)
	i, _ := bits.Mul64(h, uint64(len(s.slots)))
	for {
		e := &s.slots[i]
		if e.hashLo == lo && e.hashHi == hi || e.hashLo|e.hashHi == 0 {
			return int(i)
		}
		if i++; i == uint64(len(s.slots)) {
			i = 0
		}
	}
}

// add records id at line and returns the line it was first seen at when it
// was seen before.
func (s *idSet) add(id string, line int) (first int, repeated bool) {
	h := s.hash(id)
	e := &s.slots[s.slot(h)]
	if e.hash() == h {
		return int(e.line), true
	}
	*e = idSlot{hashHi: uint32(h >> 32), hashLo: uint32(h), line: uint32(line)}
	s.count++
	if s.count*100 > len(s.slots)*idSetMaxLoadPercent {
		s.grow()
	}
	return 0, false
}

func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]idSlot, len(old)*idSetGrowPercent/100)
	for _, e := range old {
		if h := e.hash(); h != 0 {
			s.slots[s.slot(h)] = e
		}
	}
}

// has reports whether id was added.
func (s *idSet) has(id string) bool {
	h := s.hash(id)
	return s.slots[s.slot(h)].hash() == h
}

// len is the number of distinct identifiers.
func (s *idSet) len() int { return s.count }

// bytes is the memory the set holds: 12 bytes a slot.
func (s *idSet) bytes() int { return len(s.slots) * 12 }
