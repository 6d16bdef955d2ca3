package verify

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// nameSet finds known names in a text at word boundaries. A name is looked
// for by its core: its folded form (see foldName) without leading and
// trailing non-word runes (see isWordRune and nameCore), so "Acme Inc." is
// looked for as "acme inc". A name occurs in a folded text where its core
// equals text[ws:we], ws a word start (a word rune that starts the text or
// follows a non-word rune) and we a word end (likewise). Punctuation around
// a name is ignored: the customer "Acme Inc." is found in "acme inc" and in
// "(Acme Inc.),"; inside the core, every byte must match.
//
// A text is read as alternating tokens: maximal runs of word runes (words)
// and of non-word runes (separators). Each token is hashed once (see
// tokenHasher; names and texts share the hasher's random keys), and the
// hash of words i..j with their separators is built word by word: h =
// hash(word i), then h = mix(h, mix(hash(separator), hash(word))) for each
// next word (see spanHash). The core of a name is hashed the same way, so
// a span of the text and a core with the same tokens, which is to say the
// same bytes, get the same hash. The set keeps only these 64-bit hashes,
// in an open-addressing table (linear probing), and a byte of metadata a
// slot (kinds, exact): 9 bytes a slot, no strings, no pointers, nothing to
// build or sort. It grows by a quarter when 80% full, so it is 64% to 80%
// full: 11 to 14 bytes a name (BenchmarkIdentityBuild: 12.4 at a million);
// made ahead for the names expected (reserve), it is about 13 bytes a name,
// more when the estimate runs high.
// Names are added as the detailed CSV streams; adding one that is there
// already merges its kinds.
//
// A scan looks up, at each word end, the spans of up to maxWords words and
// maxBytes bytes that end there (the most of any stored core): the work per
// text is O(bytes + words × maxWords), however the text is made, and never
// more than maxNameWords lookups a word. Spans of a word count or a byte
// length that no stored core has are not looked up.
//
// Two different spans (or cores) share a hash with probability about 2⁻⁶⁴:
// a span looked up among a million names is taken for one it is not with
// probability 5·10⁻¹⁴, and two of a million names are merged into one with
// probability 3·10⁻⁸. A collision would report a cell as holding a name it
// does not hold, which a reader sees at once.
type nameSet struct {
	hasher tokenHasher
	// shards are tables of their own, chosen by the top bits of the hash,
	// each made at its first name or all at once by reserve: growing one
	// holds its old and its new
	// table, for 1/nameShards of the names, for a moment, not for all of
	// them (24 MB at a million names, which the process's peak memory
	// then kept).
	shards [nameShards]nameShard
	count  int

	maxWords, maxBytes int
	// words has bit k-1 set when a stored core has k words; lengths bit n
	// when one has n bytes.
	words   uint64
	lengths [maxNameBytes/64 + 1]uint64

	touched uint64 // what addKeys read, kept so that the reads are not left out
}

// nameMeta is what the set knows of a stored name: its kinds in the low
// seven bits (there are six kinds), metaExact when it matches only a whole
// cell (see classifyName). The kinds are never 0, so neither is the
// metadata of a stored name.
type nameMeta uint8

const metaExact nameMeta = 1 << 7

// nameShard is one table of a nameSet.
type nameShard struct {
	hashes []uint64 // 0 marks a free slot; a hash of 0 is stored as 1
	meta   []nameMeta
	count  int
}

const (
	nameShardBits = 6
	nameShards    = 1 << nameShardBits
)

// nameInfo is what a scan reports of a name it found.
type nameInfo struct {
	kinds nameKind
	// exact names match only a whole cell (see classifyName).
	exact bool
}

func (m nameMeta) info() nameInfo {
	return nameInfo{kinds: nameKind(m &^ metaExact), exact: m&metaExact != 0}
}

const (
	// nameSetMinSlots is the size of a set's first table.
	nameSetMinSlots = 64
	// A search for a hash that is not there (what a scan does most) looks
	// at about 13 slots at 80% load, 3 at 53%: adjacent, so one or two
	// cache lines.
	nameSetMaxLoadPercent = 80
	nameSetGrowPercent    = 125
)

// newNameSet returns an empty set that hashes tokens with h. Sets scanned
// together (nameScanner) share a hasher, so the text is hashed once.
func newNameSet(h tokenHasher) *nameSet { return &nameSet{hasher: h} }

// nameKey is a name's core hashed for a set (see nameSet.key), to be
// added by addKey, or with others by addKeys, which lets their cache
// misses overlap.
type nameKey struct {
	h     uint64
	bytes uint16
	words uint8
	m     nameMeta
}

// key hashes a name's folded core (see nameCore) with its metadata; the
// caller has classified it. ok is false when the set would store nothing:
// the core has no word, or more than maxNameWords words or maxNameBytes
// bytes (the bounds the set's length and word masks are sized for).
func (s *nameSet) key(core []byte, m nameMeta) (k nameKey, ok bool) {
	if len(core) == 0 || len(core) > maxNameBytes || m == 0 {
		return k, false
	}
	var h, sep uint64
	words := 0
	for i := 0; i < len(core); {
		j, word := nextToken(core, i)
		t := s.hasher.token(core[i:j])
		switch {
		case !word:
			sep = t
		case words == 0:
			h = t
		default:
			h = spanHash(h, sep, t)
		}
		if word {
			words++
		}
		i = j
	}
	if words == 0 || words > maxNameWords {
		return k, false
	}
	return nameKey{h: h, bytes: uint16(len(core)), words: uint8(words), m: m}, true
}

// addKey adds a key made by key.
func (s *nameSet) addKey(k nameKey) {
	s.insert(k.h, k.m)
	words, n := int(k.words), int(k.bytes)
	s.maxWords = max(s.maxWords, words)
	s.maxBytes = max(s.maxBytes, n)
	s.words |= 1 << (words - 1)
	s.lengths[n/64] |= 1 << (n % 64)
}

// addKeys adds keys as addKey would, one after the other. A table of a
// million names is larger than the caches, so adding one is a cache miss
// or two; reading each key's home slot first, in a loop that depends on
// nothing it reads, has the processor wait for many of them at once.
func (s *nameSet) addKeys(keys []nameKey) {
	var touched uint64
	for _, k := range keys {
		h := max(k.h, 1)
		sh := &s.shards[h>>(64-nameShardBits)]
		if len(sh.hashes) > 0 {
			i := home(h, len(sh.hashes))
			touched += sh.hashes[i] + uint64(sh.meta[i])
		}
	}
	s.touched += touched
	for _, k := range keys {
		s.addKey(k)
	}
}

// insert stores hash h with metadata m, or merges m's kinds into h's.
func (s *nameSet) insert(h uint64, m nameMeta) {
	if h == 0 {
		h = 1
	}
	sh := &s.shards[h>>(64-nameShardBits)]
	if (sh.count+1)*100 > len(sh.hashes)*nameSetMaxLoadPercent {
		sh.grow()
	}
	i := sh.slot(h)
	if sh.hashes[i] == h {
		sh.meta[i] |= m
		return
	}
	sh.hashes[i], sh.meta[i] = h, m
	sh.count++
	s.count++
}

// reserve makes room for n names in all, so that adding them grows no
// shard: a shard that grows by a quarter at a time from empty writes four
// times its final size in tables (62 MB for a million names, garbage the
// collector then had to keep up with at the memory limit).
func (s *nameSet) reserve(n int) {
	// Shards get six standard deviations over their mean share: with a
	// seed of its own per set, a shard's share varies from run to run, and
	// the chance that one of the 64 outgrows its room is about 2·10⁻⁷ for
	// 50,000 names (a Poisson tail). Four left it at 2·10⁻³, and
	// TestNameSetReserve failed in CI; the two more cost 6% more slots at
	// 50,000 names, 1.6% at a million.
	mean := float64(n) / nameShards
	perShard := int(mean + 6*math.Sqrt(mean) + 1)
	slots := perShard*100/nameSetMaxLoadPercent + 1
	for i := range s.shards {
		if sh := &s.shards[i]; len(sh.hashes) < slots {
			sh.resize(slots)
		}
	}
}

// home is h's home slot in a table of n slots: the bits of h below the
// shard's scaled to n (Lemire's multiply-shift), so n need not be a power
// of two, and slots are in about the order of their hashes.
func home(h uint64, n int) uint64 {
	i, _ := bits.Mul64(h<<nameShardBits, uint64(n))
	return i
}

// slot returns the index of h's slot: its own, or the free one where it
// belongs.
func (sh *nameShard) slot(h uint64) int {
	i := home(h, len(sh.hashes))
	for {
		if x := sh.hashes[i]; x == h || x == 0 {
			return int(i)
		}
		if i++; i == uint64(len(sh.hashes)) {
			i = 0
		}
	}
}

// grow moves the hashes to a table a quarter larger. The old table is
// in about the order of the hashes, so the new one is written in about
// its order too: no cache miss a name.
func (sh *nameShard) grow() {
	sh.resize(max(nameSetMinSlots, len(sh.hashes)*nameSetGrowPercent/100))
}

// resize moves the hashes to a table of n slots.
func (sh *nameShard) resize(n int) {
	old, oldMeta := sh.hashes, sh.meta
	sh.hashes, sh.meta = make([]uint64, n), make([]nameMeta, n)
	for k, h := range old {
		if h != 0 {
			i := sh.slot(h)
			sh.hashes[i], sh.meta[i] = h, oldMeta[k]
		}
	}
}

// lookup returns the metadata of hash h, 0 if the set does not hold it.
func (s *nameSet) lookup(h uint64) nameMeta {
	if h == 0 {
		h = 1
	}
	sh := &s.shards[h>>(64-nameShardBits)]
	if sh.count == 0 {
		return 0
	}
	n := uint64(len(sh.hashes))
	i := home(h, len(sh.hashes))
	for {
		switch sh.hashes[i] {
		case h:
			return sh.meta[i]
		case 0:
			return 0
		}
		if i++; i == n {
			i = 0
		}
	}
}

// mayHoldWord says whether the set (nil for none) may hold a core of one
// word of n bytes.
func (s *nameSet) mayHoldWord(n int) bool {
	return s != nil && s.count > 0 && s.mayHold(n, 1)
}

// mayHold says whether the set may hold a core of n bytes and k words.
func (s *nameSet) mayHold(n, k int) bool {
	return n <= s.maxBytes && k <= s.maxWords && s.words&(1<<(k-1)) != 0 && s.lengths[n/64]&(1<<(n%64)) != 0
}

// tokenHasher hashes tokens: those of up to 16 bytes inline, as wyhash
// does (the bytes read as two 64-bit words, which with the length tell
// the token; two 128-bit multiplications with keys), longer ones with
// maphash. The keys and seed are random, made once per identity.
type tokenHasher struct {
	seed       maphash.Seed
	k0, k1, k2 uint64
	space      uint64 // the hash of " ", the most common separator
}

func newTokenHasher() tokenHasher {
	seed := maphash.MakeSeed()
	th := tokenHasher{
		seed: seed,
		k0:   maphash.String(seed, "k0"), k1: maphash.String(seed, "k1"), k2: maphash.String(seed, "k2"),
	}
	th.space = th.hash([]byte(" "))
	return th
}

// token is a token's hash.
func (th *tokenHasher) token(b []byte) uint64 {
	if len(b) == 1 && b[0] == ' ' {
		return th.space
	}
	return th.hash(b)
}

func (th *tokenHasher) hash(b []byte) uint64 {
	n := len(b)
	if n > 16 {
		return maphash.Bytes(th.seed, b)
	}
	var x, y uint64
	switch {
	case n >= 4:
		q := n >> 3 << 2 // 0 below 8 bytes, 4 from 8 to 15, 8 at 16
		x = uint64(le32(b))<<32 | uint64(le32(b[q:]))
		y = uint64(le32(b[n-4:]))<<32 | uint64(le32(b[n-4-q:]))
	case n > 0:
		x = uint64(b[0])<<16 | uint64(b[n>>1])<<8 | uint64(b[n-1])
	}
	hi, lo := bits.Mul64(x^th.k1, y^th.k0)
	hi, lo = bits.Mul64(lo^th.k2^uint64(n), hi^th.k1)
	return hi ^ lo
}

func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// spanHash extends the hash h of a span by the separator and the word
// after it, given their hashes: h' = mixHash(h, mixHash(sep, word)). A
// span's hash is its first word's, so extended word by word.
func spanHash(h, sep, word uint64) uint64 { return mixHash(h, mixHash(sep, word)) }

// mixHash mixes two hashes: the 128-bit product of the two, each XORed
// with a different odd constant, folded to 64 bits (wyhash's mixer).
// mixHash(a, b) and mixHash(b, a) differ, so the order of tokens counts.
func mixHash(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a^0xa0761d6478bd642f, b^0xe7037ed1a0b428db)
	return hi ^ lo
}

// nextToken returns the end of the token that starts at i of text, and
// whether it is a word (a run of word runes) or a separator.
func nextToken(text []byte, i int) (end int, word bool) {
	c := byteClass[text[i]]
	if c == byteNonASCII {
		return nextTokenSlow(text, i)
	}
	j := i + 1
	for j < len(text) && byteClass[text[j]] == c {
		j++
	}
	if j < len(text) && byteClass[text[j]] == byteNonASCII {
		return continueToken(text, j, c == byteWord)
	}
	return j, c == byteWord
}

// nextTokenSlow is nextToken at a non-ASCII rune.
func nextTokenSlow(text []byte, i int) (end int, word bool) {
	word, n := runeClass(text, i)
	return continueToken(text, i+n, word)
}

// continueToken returns the end of a token of word runes (or not) that
// goes on at i.
func continueToken(text []byte, i int, word bool) (end int, isWord bool) {
	for i < len(text) {
		w, n := runeClass(text, i)
		if w != word {
			break
		}
		i += n
	}
	return i, word
}

// byteClass tells ASCII bytes of word runes and of others from the bytes
// of non-ASCII runes.
var byteClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = byteNonASCII
		case asciiWord[c]:
			t[c] = byteWord
		default:
			t[c] = byteNonWord
		}
	}
	return t
}()

const (
	byteNonWord uint8 = iota
	byteWord
	byteNonASCII
)

// runeClass says whether the rune at i of text is a word rune, and its
// length in bytes.
func runeClass(text []byte, i int) (word bool, n int) {
	if c := text[i]; c < utf8.RuneSelf {
		return asciiWord[c], 1
	}
	r, n := utf8.DecodeRune(text[i:])
	return isWordRune(r), n
}

// nameCore is the core of a folded name or cell: without its leading and
// trailing non-word runes; empty when it has no word rune.
func nameCore(folded []byte) []byte {
	a, b := coreSpan(folded)
	return folded[a:b]
}

// coreSpan is where the core of folded text is: from its first word rune
// to the end of its last (a == b when it has none).
func coreSpan(text []byte) (a, b int) {
	for a < len(text) {
		word, n := runeClass(text, a)
		if word {
			break
		}
		a += n
	}
	b = len(text)
	for b > a {
		r, n := utf8.DecodeLastRune(text[a:b])
		if isWordRune(r) {
			break
		}
		b -= n
	}
	return a, b
}

// nameScanner scans texts for the names of sets that share a hasher,
// hashing each token of a text once; it keeps its buffers, and what it
// knows of the sets, between scans.
type nameScanner struct {
	buf      []openSpan
	deferred []deferredHit

	// Of the sets last scanned for, the counts they had, and what they
	// hold together: the most words and bytes of a name, the word counts
	// and lengths.
	sets               []*nameSet
	counts             []int
	maxWords, maxBytes int
	words              uint64
	lengths            [len(nameSet{}.lengths)]uint64
	hasher             *tokenHasher
}

// openSpan is a span being extended word by word: where it starts and
// its hash.
type openSpan struct {
	start int
	h     uint64
}

type deferredHit struct {
	set        int
	start, end int
	in         nameInfo
}

// prepare updates what the scanner knows of sets.
func (sc *nameScanner) prepare(sets []*nameSet) {
	same := len(sets) == len(sc.sets)
	for k := 0; same && k < len(sets); k++ {
		same = sets[k] == sc.sets[k] && (sets[k] == nil || sets[k].count == sc.counts[k])
	}
	if same {
		return
	}
	sc.sets, sc.counts = append(sc.sets[:0], sets...), sc.counts[:0]
	sc.maxWords, sc.maxBytes, sc.words, sc.lengths, sc.hasher = 0, 0, 0, [len(sc.lengths)]uint64{}, nil
	for _, s := range sets {
		n := 0
		if s != nil {
			n = s.count
		}
		sc.counts = append(sc.counts, n)
		if n == 0 {
			continue
		}
		sc.maxWords, sc.maxBytes = max(sc.maxWords, s.maxWords), max(sc.maxBytes, s.maxBytes)
		sc.words |= s.words
		for k := range sc.lengths {
			sc.lengths[k] |= s.lengths[k]
		}
		sc.hasher = &s.hasher
	}
	// The open spans are at most maxWords; buf has room for more, so
	// that sliding them to its front is rare.
	if len(sc.buf) < 4*sc.maxWords {
		sc.buf = make([]openSpan, 4*sc.maxWords)
	}
}

// scan calls found for every occurrence of a name of sets in text: first
// those of sets[0] as they are found (in order of end, then longest
// first), then those of each other set in the same order. A nil or empty
// set holds nothing; all sets share one hasher.
func (sc *nameScanner) scan(text []byte, sets []*nameSet, found func(start, end int, in nameInfo) bool) {
	sc.prepare(sets)
	if sc.hasher == nil {
		return
	}
	hasher, buf := sc.hasher, sc.buf
	maxWords, maxBytes, words, lengths := sc.maxWords, sc.maxBytes, sc.words, &sc.lengths
	sc.deferred = sc.deferred[:0]
	// The open spans are buf[lo:hi], oldest (longest) first: those that
	// end at the last word and may grow.
	lo, hi := 0, 0
	var sep uint64 // the hash of the separator before the word
	for i := 0; i < len(text); {
		j, word := nextToken(text, i)
		if j-i > maxBytes {
			// No span across this token is short enough.
			lo, hi, i = 0, 0, j
			continue
		}
		t := hasher.token(text[i:j])
		if !word {
			sep, i = t, j
			continue
		}
		// Extend the open spans by the separator and this word, dropping
		// those that would grow too long; open a span at this word.
		if hi-lo == maxWords {
			lo++
		}
		for lo < hi && j-buf[lo].start > maxBytes {
			lo++
		}
		if lo < hi {
			st := mixHash(sep, t)
			for k := lo; k < hi; k++ {
				buf[k].h = mixHash(buf[k].h, st)
			}
		}
		if hi == len(buf) {
			hi = copy(buf, buf[lo:hi])
			lo = 0
		}
		buf[hi] = openSpan{start: i, h: t}
		hi++
		// Look the spans up, longest first: buf[hi-w] has w words. Only
		// the word counts a set has a name of, and the lengths.
		for ws := words & (1<<uint(hi-lo) - 1); ws != 0; {
			w := uint(bits.Len64(ws))
			ws &^= 1 << (w - 1)
			o := &buf[hi-int(w)]
			n := uint(j - o.start)
			if lengths[n/64]&(1<<(n%64)) == 0 {
				continue
			}
			for si, s := range sets {
				if s == nil || s.count == 0 || !s.mayHold(int(n), int(w)) {
					continue
				}
				m := s.lookup(o.h)
				switch {
				case m == 0:
				case si > 0:
					sc.deferred = append(sc.deferred, deferredHit{si, o.start, j, m.info()})
				case !found(o.start, j, m.info()):
					return
				}
			}
		}
		i = j
	}
	for si := 1; si < len(sets); si++ {
		for _, d := range sc.deferred {
			if d.set == si && !found(d.start, d.end, d.in) {
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
// word runes.
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
// decomposed "é" the composed one). The result is valid UTF-8.
func foldName(dst []byte, s string) []byte {
	start := len(dst)
	dst = slices.Grow(dst, len(s))
	out := dst[:start+len(s)] // room enough: each byte out is one in
	w, space := start, false
	for i := 0; i < len(s); i++ {
		c := foldASCII[s[i]]
		switch c {
		case foldNonASCII:
			return foldUnicode(dst[:start], s)
		case foldSpace:
			space = true
			continue
		}
		if space && w > start {
			out[w] = ' '
			w++
		}
		space = false
		out[w] = c
		w++
	}
	return out[:w]
}

// foldASCII is the folded form of each ASCII byte: its lower case, or
// foldSpace for white space; foldNonASCII for the bytes of other runes.
var foldASCII = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = foldNonASCII
		case c == ' ', c == '\t', c == '\n', c == '\r', c == '\v', c == '\f':
			t[c] = foldSpace
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		default:
			t[c] = byte(c)
		}
	}
	return t
}()

const (
	foldSpace    = 0x80
	foldNonASCII = 0x81
)

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
