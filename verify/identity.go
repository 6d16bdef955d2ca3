package verify

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameKind says what a known name is; one name can be several at once.
type nameKind uint8

const (
	kindProvider       nameKind = 1 << iota // a Provider cell of the detailed CSV
	kindReseller                            // a Reseller cell of the detailed CSV
	kindCustomer                            // a Customer cell of the detailed CSV
	kindBundleProvider                      // the provider in the bundle's name
	kindBundleHost                          // the host in the bundle's name
	kindBundleStem                          // <provider>_<host> of the bundle's name
)

var kindNames = []struct {
	kind nameKind
	what string
}{
	{kindCustomer, "a customer name of the detailed CSV"},
	{kindReseller, "a reseller name of the detailed CSV"},
	{kindProvider, "a provider name of the detailed CSV"},
	{kindBundleProvider, "the provider in the bundle's name"},
	{kindBundleHost, "the host in the bundle's name"},
	{kindBundleStem, "the provider and host of the bundle's name"},
}

// String describes the kinds for a message: "a customer name of the
// detailed CSV and the host in the bundle's name".
func (k nameKind) String() string {
	var parts []string
	for _, kn := range kindNames {
		if k&kn.kind != 0 {
			parts = append(parts, kn.what)
		}
	}
	if len(parts) == 0 {
		return "a known name"
	}
	return strings.Join(parts, " and ")
}

// Which names are looked for, and how. Lengths count runes of the core of
// the folded name: without the non-word runes around it (see foldName and
// nameCore).
const (
	// minNameRunes: shorter names ("A", "X") are not looked for at all.
	minNameRunes = 2
	// minSubstringRunes: shorter names ("HP", "3M") match only a whole cell
	// or a whole component of a hierarchy path, never inside a longer
	// value, where two letters occur by chance.
	minSubstringRunes = 3
	// maxNameBytes: longer names are not looked for; no real hierarchy
	// name is that long.
	maxNameBytes = 512
	// maxNameWords: names of more words are not looked for. It bounds the
	// spans a scan looks up at each word end (see nameSet), so the work
	// per cell is linear in its length whatever the cell holds; no real
	// customer, reseller or provider name has that many words.
	maxNameWords = 32
)

// placeholderNames are values people and exporters write for "no value";
// a Customer cell holding one of them names nobody, and looking for it
// would flag every cell that says the same.
var placeholderNames = map[string]bool{
	"n/a": true, "na": true, "none": true, "null": true, "nil": true, "unknown": true,
	"default": true, "total": true, "test": true, "yes": true, "no": true,
	"true": true, "false": true, "other": true,
}

// maxPlaceholderBytes is the length of the longest placeholder name.
const maxPlaceholderBytes = 7

// classifyName says whether the core of a folded name is looked for, and
// whether only as a whole cell. Names without a letter ("2024", "42") are
// never looked for: they cannot be told from counts and dates. Names of hex
// digits and hyphens only ("Cafe", "Bead", "dead-beef") match whole cells
// only: as a part of a longer value they would fire inside hexadecimal
// PKIDs and UUIDs.
func classifyName(folded []byte) (use, exact bool) {
	if len(folded) > maxNameBytes || len(folded) <= maxPlaceholderBytes && placeholderNames[string(folded)] {
		return false, false
	}
	// Most names are ASCII: their bytes' classes, or-ed, tell the answer.
	var class byte
	for _, c := range folded {
		class |= asciiClass[c]
	}
	if class&classNonASCII == 0 {
		if class&classLetter == 0 || len(folded) < minNameRunes {
			return false, false
		}
		return true, len(folded) < minSubstringRunes || class&classNotHex == 0
	}
	runes, letter, hex := 0, false, true
	for i := 0; i < len(folded); {
		r, n := rune(folded[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(folded[i:])
		}
		i += n
		runes++
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsLetter(r) {
			letter = true
		}
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			hex = false
		}
	}
	if !letter || runes < minNameRunes {
		return false, false
	}
	return true, runes < minSubstringRunes || hex
}

// asciiClass is what classifyName needs to know of a byte.
var asciiClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = classNonASCII
			continue
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			t[c] = classLetter
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-') {
			t[c] |= classNotHex
		}
	}
	return t
}()

const (
	classLetter = 1 << iota
	classNotHex
	classNonASCII
)

// identity is what identifies customers in one bundle: the Provider,
// Reseller and Customer names of the detailed CSV and the provider and
// host of the bundle's name, each looked for in every data cell of the
// anonymous CSVs (see nameSet).
type identity struct {
	hasher   tokenHasher // of both sets, so a cell is hashed once
	detailed *nameSet    // the detailed CSV's names

	bundle    *nameSet // the bundle name's provider and host
	bundleKey string   // what bundle was built from
	split     bool     // provider and host are known apart

	scanner nameScanner
	buf     []byte // the folded cell or name
	comps   []span // the cell's path components
}

func newIdentity() *identity {
	id := &identity{}
	id.init()
	return id
}

// init makes the hasher and the set of detailed names of a zero identity.
func (id *identity) init() {
	if id.detailed == nil {
		id.hasher = newTokenHasher()
		id.detailed = newNameSet(id.hasher)
	}
}

// reserveNames makes room for n names of the detailed CSV.
func (id *identity) reserveNames(n int) {
	id.init()
	id.detailed.reserve(n)
}

// nameKey is what the detailed CSV's name adds to its set, for adding
// with others (see nameFeed and nameSet.addKeys); ok is false when the
// name is not looked for.
func (id *identity) nameKey(name string, kind nameKind) (k nameKey, ok bool) {
	id.init()
	k, ok, id.buf = nameKeyOf(id.detailed, id.buf, name, kind)
	return k, ok
}

// addName folds a name, classifies its core and adds it to s; buf is a
// buffer to fold into, returned for reuse.
func addName(s *nameSet, buf []byte, name string, kind nameKind) []byte {
	k, ok, buf := nameKeyOf(s, buf, name, kind)
	if ok {
		s.addKey(k)
	}
	return buf
}

// nameKeyOf is addName without the adding: the key it would add to s, ok
// false when there is none.
func nameKeyOf(s *nameSet, buf []byte, name string, kind nameKind) (k nameKey, ok bool, _ []byte) {
	buf = foldName(buf[:0], name)
	core := nameCore(buf)
	use, exact := classifyName(core)
	if !use {
		return k, false, buf
	}
	m := nameMeta(kind)
	if exact {
		m |= metaExact
	}
	k, ok = s.key(core, m)
	return k, ok, buf
}

// addBundleNames looks for the bundle name's <provider>_<host> as a whole
// until a CSV's metadata tells how to split it (useBundleMetadata).
func (id *identity) addBundleNames(stem string) { id.useBundleMetadata(stem, "", "") }

// useBundleMetadata splits the bundle name's stem into provider and host.
// "<provider>_<host>" is ambiguous when either holds an underscore, so the
// anonymous CSV's "#Provider Name=" and "#hostname=" lines decide; without
// them only the whole stem is looked for, since a guessed split would look
// for names ("Big", "prod_2") nobody chose.
func (id *identity) useBundleMetadata(stem, provider, host string) {
	switch {
	case provider != "" && host != "" && provider+"_"+host == stem:
	case host != "" && strings.HasSuffix(stem, "_"+host) && len(stem) > len(host)+1:
		provider = strings.TrimSuffix(stem, "_"+host)
	case provider != "" && strings.HasPrefix(stem, provider+"_") && len(stem) > len(provider)+1:
		host = strings.TrimPrefix(stem, provider+"_")
	default:
		if id.split {
			return // another CSV's metadata split it already
		}
		provider, host = "", ""
	}
	id.split = provider != ""
	key := stem + "\x00" + provider + "\x00" + host
	if key == id.bundleKey {
		return
	}
	id.init()
	b := newNameSet(id.hasher)
	if stem != "" {
		id.buf = addName(b, id.buf, stem, kindBundleStem)
	}
	if provider != "" {
		id.buf = addName(b, id.buf, provider, kindBundleProvider)
		id.buf = addName(b, id.buf, host, kindBundleHost)
	}
	id.bundle, id.bundleKey = b, key
}

// hierarchyHow says why a cell is taken for a friendly hierarchy path.
type hierarchyHow uint8

const (
	notHierarchy   hierarchyHow = iota
	hierarchyRoot               // it holds the root "sys.hcs"
	hierarchyKnown              // a component of a dotted or slashed chain is a known name
	hierarchyShape              // a chain of three or more name-like components
)

// cellReport is what inspect found in one cell.
type cellReport struct {
	hierarchy hierarchyHow
	// parts is the number of components of a hierarchyShape path.
	parts int
	// kinds and name are the known name found (folded), exact whether it
	// is the whole cell; for hierarchyKnown, the known component.
	kinds nameKind
	name  string
	exact bool
}

// span is a part [a, b) of a folded cell.
type span struct{ a, b int }

// inspect looks for customer identity in one cell: a hierarchy path, or a
// known name as the whole cell, a component of a path or a part of a
// longer value at word boundaries. oneWord is isASCIIWord(cell), which the
// caller has decided: a cell of ASCII letters and digits only (most are
// PKIDs) is one word, which can be a known name but no hierarchy path. The
// caller also skips such a cell when no name of one word has its length
// (identity.mayHoldWord), before inspect and the other checks of a cell.
func (id *identity) inspect(cell string, oneWord bool) cellReport {
	var r cellReport
	if !mayHoldName(cell) {
		return r // counts: no name has no letter
	}
	id.init()
	id.buf = foldName(id.buf[:0], cell)
	text := id.buf
	if !oneWord && hasHierarchyRoot(text) {
		r.hierarchy = hierarchyRoot
		return r
	}
	id.comps = id.comps[:0]
	if !oneWord {
		id.comps = pathComponents(id.comps, text)
	}
	// An exact name matches only the whole cell: the cell's core, without
	// the punctuation around it.
	ca, cb := coreSpan(text)
	var known uint64 // components that are known names (the first 64)
	var comp cellReport
	rWhole := false // r's name is the cell's core
	found := func(a, b int, in nameInfo) bool {
		whole := a == ca && b == cb
		if k := componentAt(id.comps, a, b); k >= 0 {
			// The message names one component: a customer's if any.
			if known == 0 || in.kinds&kindCustomer != 0 && comp.kinds&kindCustomer == 0 {
				comp = cellReport{kinds: in.kinds, name: string(text[a:b])}
			}
			known |= 1 << min(k, 63)
		}
		switch {
		case in.exact && !whole:
		case r.kinds == 0 || whole && !rWhole:
			r.kinds, r.name, r.exact = in.kinds, string(text[a:b]), a == 0 && b == len(text)
			rWhole = whole
		case r.name == string(text[a:b]):
			r.kinds |= in.kinds
		}
		return true
	}
	sets := [2]*nameSet{id.detailed, id.bundle}
	id.scanner.scan(text, sets[:], found)
	if n := bits.OnesCount64(known); n > 0 && (n >= 2 || len(id.comps) >= 3) && !domainLike(cell) {
		comp.hierarchy = hierarchyKnown
		return comp
	}
	if r.kinds != 0 || oneWord {
		return r
	}
	if n := pathShape(cell); n > 0 {
		return cellReport{hierarchy: hierarchyShape, parts: n}
	}
	return cellReport{}
}

// mayHoldWord says whether a name of one word and n bytes is known: an
// ASCII word of another length can be no name and no hierarchy path.
func (id *identity) mayHoldWord(n int) bool {
	return id.detailed.mayHoldWord(n) || id.bundle.mayHoldWord(n)
}

// isASCIIWord says whether a cell is ASCII letters and digits only. Most
// cells it sees are PKIDs of 24 such bytes, so it looks at eight at a time
// (see wordOfLetters); a tail shorter than eight is padded with '0'.
func isASCIIWord(cell string) bool {
	i := 0
	for ; i+8 <= len(cell); i += 8 {
		if !wordOfLetters(load64(cell[i : i+8])) {
			return false
		}
	}
	if i == len(cell) {
		return i > 0
	}
	w := [8]byte{'0', '0', '0', '0', '0', '0', '0', '0'}
	copy(w[:], cell[i:])
	return wordOfLetters(binary.LittleEndian.Uint64(w[:]))
}

// load64 returns the first eight bytes of s as a little-endian word.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// wordOfLetters says whether each of the eight bytes of x is an ASCII
// letter or digit. For a byte b below 0x80, b + (0x80-lo) has bit 7 set
// exactly when b >= lo, and b + (0x7f-hi) exactly when b > hi, and neither
// sum carries into the next byte; letters are compared in lower case
// (b | 0x20, which takes no other byte into a-z). For a byte of 0x80 or
// more, the first sum has bit 7 set only when it does not wrap, and then
// so has the second: the byte is in no range, and x is refused whatever a
// carry out of it does to the byte after it.
func wordOfLetters(x uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	digit := (x + (0x80-'0')*ones) &^ (x + (0x7f-'9')*ones)
	lower := x | 0x20*ones
	letter := (lower + (0x80-'a')*ones) &^ (lower + (0x7f-'z')*ones)
	return (digit|letter)&high == high
}

// mayHoldName says whether a cell has a letter (or a non-ASCII byte, which
// may be one): every name looked for has one, so cells of digits and
// punctuation (the counts) are skipped without folding.
func mayHoldName(cell string) bool {
	for i := 0; i < len(cell); i++ {
		c := cell[i] | 0x20
		if c >= 'a' && c <= 'z' || cell[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// hasHierarchyRoot says whether folded text holds the root of VOSS's
// friendly hierarchy paths, "sys.hcs" (or "sys/hcs"), as a word of its own:
// at the start or after a separator, and followed by the end or a
// separator.
func hasHierarchyRoot(text []byte) bool {
	for from := 0; ; {
		i := bytes.Index(text[from:], []byte("sys"))
		if i < 0 {
			return false
		}
		i += from
		rest := text[i+3:]
		if atBoundary(text, i) && len(rest) >= 4 && (rest[0] == '.' || rest[0] == '/') && string(rest[1:4]) == "hcs" &&
			(len(rest) == 4 || rest[4] == '.' || rest[4] == '/') {
			return true
		}
		from = i + 1
	}
}

// pathSeparator is the separator of a dotted or slashed chain: '/' when
// the text has one (slashes bind looser: "Acme Inc./Paris"), else '.', else
// 0.
func pathSeparator(text string) byte {
	switch {
	case strings.IndexByte(text, '/') >= 0:
		return '/'
	case strings.IndexByte(text, '.') >= 0:
		return '.'
	}
	return 0
}

// pathComponents appends the spans of the components of a dotted or
// slashed chain in folded text: the core of each (without the spaces and
// punctuation around it, see coreSpan), empty (at the component's start)
// when it has no word rune. It appends none unless there are two
// components or more that are not empty or all white space.
func pathComponents(dst []span, text []byte) []span {
	sep := pathSeparator(string(text))
	if sep == 0 {
		return dst
	}
	start := len(dst)
	for a := 0; a <= len(text); {
		b := bytes.IndexByte(text[a:], sep)
		if b < 0 {
			b = len(text)
		} else {
			b += a
		}
		s, e := a, b
		for s < e && text[s] == ' ' {
			s++
		}
		if s < e {
			cs, ce := coreSpan(text[s:e])
			if cs == ce {
				cs, ce = 0, 0
			}
			dst = append(dst, span{s + cs, s + ce})
		}
		a = b + 1
	}
	if len(dst)-start < 2 {
		return dst[:start]
	}
	return dst
}

// componentAt is the index of the component whose core is exactly [a, b),
// or -1. Components are in order, and a hostile cell may have a million.
func componentAt(comps []span, a, b int) int {
	k, ok := slices.BinarySearchFunc(comps, a, func(c span, a int) int { return c.a - a })
	if ok && comps[k].b == b {
		return k
	}
	return -1
}

// domainLike says whether a cell is a host or domain name
// ("voss-01.corp.example.com"): dot-separated labels of letters, digits
// and hyphens, the last all lower-case letters. A known name in one is a
// known identifier, not a hierarchy path.
func domainLike(cell string) bool {
	labels := strings.Split(strings.TrimSpace(cell), ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || len(tld) > 10 {
		return false
	}
	for _, r := range tld {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// pathShape says whether a cell looks like a friendly hierarchy path
// without knowing any name, and returns its number of components (0 if
// not): three or more components joined by one kind of separator ('.' or
// '/') with no space beside a separator (so sentences do not count); each
// component at least two characters with a letter, not hexadecimal, and
// made of what names are made of (letters, digits, spaces, - _ & ' , ( )
// +); at least one with an upper-case letter or a space, as friendly
// names have and keys, versions and domains do not; and not a domain name.
func pathShape(cell string) int {
	cell = strings.TrimSpace(cell)
	sep := pathSeparator(cell)
	if sep == 0 || strings.IndexByte(cell, '.') >= 0 && strings.IndexByte(cell, '/') >= 0 {
		return 0
	}
	parts := strings.Split(cell, string(sep))
	if len(parts) < 3 {
		return 0
	}
	friendly := false
	for _, p := range parts {
		if p == "" || strings.TrimSpace(p) != p {
			return 0
		}
		runes, letter, hex := 0, false, true
		for _, r := range p {
			runes++
			switch {
			case unicode.IsLetter(r):
				letter = true
				if unicode.IsUpper(r) {
					friendly = true
				}
			case unicode.IsDigit(r), strings.ContainsRune("-_&',()+", r):
			case r == ' ':
				friendly = true
			default:
				return 0
			}
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == '-') {
				hex = false
			}
		}
		if runes < 2 || !letter || hex {
			return 0
		}
	}
	if !friendly || domainLike(cell) {
		return 0
	}
	return len(parts)
}
