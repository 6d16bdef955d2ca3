package verify

import (
	"hash/maphash"
)

// idSet remembers which identifiers (Customer PKIDs, ActivationIds) a file
// has used, compactly: it keeps a 64-bit hash and the first line of each,
// not the string, so a file of millions of rows needs about 16 bytes per
// row. Two different identifiers share a hash with probability about
// n²/2⁶⁵ (3·10⁻⁸ for a million rows); such a collision would be reported as
// a repeat at both lines, which a reader can check by eye.
type idSet struct {
	seed  maphash.Seed
	lines map[uint64]uint32
}

func newIDSet() *idSet { return &idSet{seed: maphash.MakeSeed(), lines: map[uint64]uint32{}} }

// add records id at line and returns the line it was first seen at when it
// was seen before.
func (s *idSet) add(id string, line int) (first int, repeated bool) {
	h := maphash.String(s.seed, id)
	if l, ok := s.lines[h]; ok {
		return int(l), true
	}
	s.lines[h] = uint32(line)
	return 0, false
}

// has reports whether id was added.
func (s *idSet) has(id string) bool {
	_, ok := s.lines[maphash.String(s.seed, id)]
	return ok
}

// len is the number of distinct identifiers.
func (s *idSet) len() int { return len(s.lines) }
