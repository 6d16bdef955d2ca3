package verify

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// nameMatcher finds every occurrence of many names in a text at once: an
// Aho-Corasick automaton over the bytes of case-folded UTF-8 (see
// foldName). It reports only occurrences that stand at word boundaries
// (see atBoundary), so a short name does not fire inside a longer token.
//
// The layout keeps about 9 bytes a state (a state per distinct prefix of
// the names), which matters with 100 000 names and more: states are
// numbered breadth first, so the children of a state are consecutive
// states and an edge is the one-byte label of the state it leads to; which
// states end a name, or fail to one that does, are bits. No library was
// used: the maintained Go ones compile dense transition tables (tens of
// bytes a state per byte class), fold ASCII only, and report leftmost
// non-overlapping matches, where a rejected match (no word boundary) may
// hide an accepted one that overlaps it.
type nameMatcher struct {
	// dense holds the complete transitions (fail links resolved) of the
	// first denseStates states, 256 a state: in breadth-first order those
	// are the root and the shallow states, where a scan spends most of
	// its steps and where states have the most children.
	dense []uint32
	// first[s] to first[s+1] are the children of state s, sorted by label.
	first []uint32
	// label[t] is the byte on the edge into state t.
	label []byte
	// fail[s] is the state of the longest proper suffix of s's string that
	// is also a prefix of a name.
	fail []uint32
	// ends marks the states that end a name; output those that end one or
	// have one on their fail chain, where a scan looks for names.
	ends, output bitSet
	// terms are the states that end a name, ascending, and info what that
	// name is.
	terms []uint32
	info  []nameInfo
}

// bitSet is a set of states.
type bitSet []uint64

func newBitSet(n int) bitSet       { return make(bitSet, (n+63)/64) }
func (b bitSet) set(i uint32)      { b[i/64] |= 1 << (i % 64) }
func (b bitSet) has(i uint32) bool { return b[i/64]&(1<<(i%64)) != 0 }

// nameInfo is what the matcher knows of one name.
type nameInfo struct {
	kinds nameKind
	// exact names match only a whole cell (see classifyName).
	exact bool
	// length is the name's length in bytes of folded text.
	length uint16
}

// buildMatcher builds the automaton of n names, given sorted (bytewise
// ascending) and distinct: key(i) is the i-th name's folded bytes, meta(i)
// what it is. Sorted input lets the trie be laid out breadth first with no
// pointers: a state at depth d stands for a range of names sharing d bytes,
// and its children are the runs of equal byte d in that range. It also
// gives the number of states before building (1 + the bytes of each name
// beyond its common prefix with the one before), so every array is
// allocated once at its final size.
func buildMatcher(n int, key func(i int) []byte, meta func(i int) nameInfo) *nameMatcher {
	states := 1
	for i := 0; i < n; i++ {
		k := key(i)
		states += len(k)
		if i > 0 {
			states -= commonPrefix(key(i-1), k)
		}
	}
	m := &nameMatcher{
		first: make([]uint32, states+1), label: make([]byte, states), fail: make([]uint32, states),
		ends: newBitSet(states), output: newBitSet(states),
	}
	// One level of the trie at a time: each state's range of names.
	type names struct{ lo, hi int }
	level, below := []names{{0, n}}, []names(nil)
	s, created := 0, 1
	for depth := 0; len(level) > 0; depth++ {
		below = below[:0]
		for _, r := range level {
			m.first[s] = uint32(created)
			a, b := r.lo, r.hi
			if a < b && len(key(a)) == depth {
				// The name that is this state's whole string sorts first.
				if depth > 0 {
					in := meta(a)
					in.length = uint16(depth)
					m.ends.set(uint32(s))
					m.terms = append(m.terms, uint32(s))
					m.info = append(m.info, in)
				}
				a++
			}
			for a < b {
				c := key(a)[depth]
				e := a + 1
				for e < b && key(e)[depth] == c {
					e++
				}
				m.label[created] = c
				below = append(below, names{a, e})
				created++
				a = e
			}
			s++
		}
		level, below = below, level
	}
	m.first[states] = uint32(states)
	// Fail links and outputs, breadth first: a state's fail state is
	// shallower, so it is done before the state; so is the dense row of
	// the state it fails to.
	m.dense = make([]uint32, 256*min(states, denseStates))
	for s := 0; s < states; s++ {
		for t := m.first[s]; t < m.first[s+1]; t++ {
			if s != 0 {
				m.fail[t] = m.next(m.fail[s], m.label[t])
			}
			if m.ends.has(t) || m.output.has(m.fail[t]) {
				m.output.set(t)
			}
		}
		if s < denseStates {
			row := m.dense[s*256 : s*256+256]
			if s != 0 {
				f := int(m.fail[s]) * 256
				copy(row, m.dense[f:f+256])
			}
			for t := m.first[s]; t < m.first[s+1]; t++ {
				row[m.label[t]] = t
			}
		}
	}
	return m
}

// denseStates is how many states get a dense row: 1 MiB of rows, which
// with 100 000 names covers the states of depth two and less.
const denseStates = 1024

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// child returns the child of s along byte b.
func (m *nameMatcher) child(s uint32, b byte) (uint32, bool) {
	lo, hi := m.first[s], m.first[s+1]
	for hi-lo > 8 {
		mid := lo + (hi-lo)/2
		switch l := m.label[mid]; {
		case l == b:
			return mid, true
		case l < b:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	for ; lo < hi; lo++ {
		if m.label[lo] == b {
			return lo, true
		}
	}
	return 0, false
}

// next is the automaton's transition: from state s along byte b.
func (m *nameMatcher) next(s uint32, b byte) uint32 {
	for s >= denseStates {
		if t, ok := m.child(s, b); ok {
			return t
		}
		s = m.fail[s]
	}
	return m.dense[s*256+uint32(b)]
}

// infoOf returns what the name ending at state t is.
func (m *nameMatcher) infoOf(t uint32) nameInfo {
	i, _ := slices.BinarySearch(m.terms, t)
	return m.info[i]
}

// states is the number of states, for tests and benchmarks.
func (m *nameMatcher) states() int { return len(m.fail) }

// size is the bytes the automaton holds, for benchmarks.
func (m *nameMatcher) size() int {
	return 4*(len(m.dense)+len(m.first)+len(m.fail)+len(m.terms)+len(m.info)) + len(m.label) + 8*(len(m.ends)+len(m.output))
}

// scan calls found for every occurrence text[start:end] of a name that
// has a word boundary at both ends, in order of end (then longest first);
// found returns false to stop the scan.
func (m *nameMatcher) scan(text []byte, found func(start, end int, in nameInfo) bool) {
	if m == nil {
		return
	}
	var s uint32
	for i := 0; i < len(text); i++ {
		s = m.next(s, text[i])
		if !m.output.has(s) || !atBoundary(text, i+1) {
			// Every name found here ends at i+1: no boundary, no match.
			continue
		}
		for t := s; m.output.has(t); t = m.fail[t] {
			if !m.ends.has(t) {
				continue
			}
			in := m.infoOf(t)
			start := i + 1 - int(in.length)
			if atBoundary(text, start) && !found(start, i+1, in) {
				return
			}
		}
	}
}

// isWordRune tells the runes that make up words (letters, digits and
// combining marks) from separators: spaces, punctuation, '_', '-', '.'.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// atBoundary says whether position i of text is a word boundary: an end
// of the text, or a position where the runes on either side are not both
// word runes. An occurrence that starts and ends at boundaries is what a
// regular expression's \b on both sides would accept, with Unicode words:
// a name that starts with a letter needs a separator before it, a name
// that starts with punctuation does not.
func atBoundary(text []byte, i int) bool {
	if i <= 0 || i >= len(text) {
		return true
	}
	before, _ := utf8.DecodeLastRune(text[:i])
	after, _ := utf8.DecodeRune(text[i:])
	return !isWordRune(before) || !isWordRune(after)
}

// foldName appends to dst the form in which names and cells are compared:
// surrounding white space trimmed, inner runs of white space made one
// space, ASCII lower-cased; text with other characters is first put in
// Unicode NFC and fully case-folded (so "STRASSE" matches "Straße" and a
// decomposed "é" the composed one).
func foldName(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return foldUnicode(dst, s)
		}
	}
	space := false
	start := len(dst)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			space = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = append(dst, c)
	}
	return dst
}

// foldUnicode is foldName for text that is not all ASCII.
func foldUnicode(dst []byte, s string) []byte {
	folded := cases.Fold().String(norm.NFC.String(s))
	space := false
	start := len(dst)
	for _, r := range folded {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}
