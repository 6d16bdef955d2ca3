package verify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFoldName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Acme Corp", "acme corp"},
		{"acme corp", "acme corp"},
		{"acme  corp", "acme corp"},
		{" acme corp", "acme corp"},
		{"acme corp ", "acme corp"},
		{"acme\tcorp", "acme corp"},
		{"5c9b3e2f-0a1b", "5c9b3e2f-0a1b"},
		{"  ACME \t  Corp\r\n", "acme corp"},
		{"CS-P_VOSS-UN-1", "cs-p_voss-un-1"},
		{"Müller Straße GmbH", "müller strasse gmbh"},
		{"MÜLLER STRASSE GMBH", "müller strasse gmbh"},
		{"Cafe\u0301", "café"},          // decomposed é is composed
		{"Acme\u00a0Corp", "acme corp"}, // no-break space
		{"ΣΊΣΥΦΟΣ", "σίσυφοσ"},          // final sigma folds like sigma
		{"", ""},
		{"   ", ""},
	}
	for _, c := range cases {
		if got := string(foldName(nil, c.in)); got != c.want {
			t.Errorf("foldName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := string(foldName([]byte("keep:"), " A  B ")); got != "keep:a b" {
		t.Errorf("foldName appends: got %q", got)
	}
}

func TestAtBoundary(t *testing.T) {
	cases := []struct {
		text string
		i    int
		want bool
	}{
		{"abc", 0, true}, {"abc", 3, true}, {"abc", 1, false},
		{"a-b", 1, true}, {"a-b", 2, true}, {"a_b", 1, true}, {"a.b", 2, true},
		{"a1", 1, false}, {"--", 1, true},
		{"éa", 2, false}, // after the two bytes of é, before a letter
		{"é a", 2, true},
	}
	for _, c := range cases {
		if got := atBoundary([]byte(c.text), c.i); got != c.want {
			t.Errorf("atBoundary(%q, %d) = %v, want %v", c.text, c.i, got, c.want)
		}
	}
}

func TestClassifyName(t *testing.T) {
	cases := []struct {
		name       string
		use, exact bool
	}{
		{"Acme Corp", true, false},
		{"Labs", true, false},
		{"IBM", true, false},
		{"HP", true, true},   // two letters: whole cells only
		{"3M", true, true},   // likewise
		{"Cafe", true, true}, // hex digits: never inside a PKID
		{"dead-beef", true, true},
		{"X", false, false},    // too short
		{"2024", false, false}, // no letter: a count or a year
		{"12-34", false, false},
		{"N/A", false, false}, // a placeholder
		{"Total", false, false},
		{strings.Repeat("x", maxNameBytes+1), false, false},
	}
	for _, c := range cases {
		use, exact := classifyName(foldName(nil, c.name))
		if use != c.use || use && exact != c.exact {
			t.Errorf("classifyName(%q) = %v, %v; want %v, %v", c.name, use, exact, c.use, c.exact)
		}
	}
}

// TestClassifyNameASCII holds classifyName's table for ASCII names to the
// rune by rune reading it takes for the others, on every name of up to
// three bytes of ASCII and on longer ones made of a few.
func TestClassifyNameASCII(t *testing.T) {
	byRune := func(folded []byte) (use, exact bool) {
		if len(folded) > maxNameBytes || len(folded) <= maxPlaceholderBytes && placeholderNames[string(folded)] {
			return false, false
		}
		letter, hex := false, true
		for _, r := range string(folded) {
			letter = letter || unicode.IsLetter(r)
			hex = hex && (r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-')
		}
		n := utf8.RuneCount(folded)
		return letter && n >= minNameRunes, letter && n >= minNameRunes && (n < minSubstringRunes || hex)
	}
	check := func(name []byte) {
		use, exact := classifyName(name)
		if wantUse, wantExact := byRune(name); use != wantUse || exact != wantExact {
			t.Fatalf("classifyName(%q) = %v, %v; rune by rune %v, %v", name, use, exact, wantUse, wantExact)
		}
	}
	for a := range utf8.RuneSelf {
		check([]byte{byte(a)})
		for b := range utf8.RuneSelf {
			check([]byte{byte(a), byte(b)})
			for _, c := range []byte("aAfgzZ09-. _/") {
				check([]byte{byte(a), byte(b), c})
			}
		}
	}
	for _, name := range []string{"cafe-f00d", "deadbeef-1234", "none", "n/a", "total", "beef cafe", "acme corp", "0123456789", strings.Repeat("a", maxNameBytes)} {
		check([]byte(name))
	}
}

func TestNameCore(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Acme Inc.", "acme inc"},
		{"(Acme Inc.),", "acme inc"},
		{"  -- HP --", "hp"},
		{"CS-P_VOSS-UN-1", "cs-p_voss-un-1"},
		{"«Müller»", "müller"},
		{"Cafe\u0301!", "café"},
		{"e\u0301", "é"},
		{"...", ""},
		{"", ""},
	}
	for _, c := range cases {
		if got := string(nameCore(foldName(nil, c.in))); got != c.want {
			t.Errorf("nameCore(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A decomposed accent that NFC cannot compose is a mark: a word rune.
	if got := string(nameCore([]byte("x\u0301\u0301."))); got != "x\u0301\u0301" {
		t.Errorf("nameCore keeps trailing marks: got %q", got)
	}
}

// occurrence is a match as both the set and the reference report it.
type occurrence struct {
	start, end int
	kinds      nameKind
	exact      bool
}

// matchAll scans folded text for the names of s.
func matchAll(s *nameSet, text []byte) []occurrence {
	var got []occurrence
	s.scan(text, func(a, b int, in nameInfo) bool {
		got = append(got, occurrence{a, b, in.kinds, in.exact})
		return true
	})
	return got
}

func newTestSet(names []string, kinds []nameKind) *nameSet {
	s := newNameSet(newTokenHasher())
	var buf []byte
	for i, n := range names {
		buf = addName(s, buf, n, kinds[i])
	}
	return s
}

// naiveMatch is the reference: each name folded, trimmed to its core and
// classified, cores merged, and every span of the text from a word start
// to a word end compared with every core.
func naiveMatch(names []string, kinds []nameKind, text []byte) []occurrence {
	type entry struct {
		kinds nameKind
		exact bool
	}
	set := map[string]entry{}
	notWord := func(r rune) bool { return !isWordRune(r) }
	for i, n := range names {
		core := strings.TrimFunc(string(foldName(nil, n)), notWord)
		use, exact := classifyName([]byte(core))
		if !use || len(core) > maxNameBytes || countWords(core) > maxNameWords {
			continue
		}
		e := set[core]
		e.kinds |= kinds[i]
		e.exact = exact
		set[core] = e
	}
	// The runes of the text, and which are word runes.
	type rn struct {
		at, end int
		word    bool
	}
	var runes []rn
	for i, r := range string(text) {
		runes = append(runes, rn{i, i + utf8.RuneLen(r), isWordRune(r)})
	}
	var starts, ends []int
	for k, r := range runes {
		if r.word && (k == 0 || !runes[k-1].word) {
			starts = append(starts, r.at)
		}
		if r.word && (k == len(runes)-1 || !runes[k+1].word) {
			ends = append(ends, r.end)
		}
	}
	var out []occurrence
	for _, a := range starts {
		for _, b := range ends {
			if b <= a {
				continue
			}
			if e, ok := set[string(text[a:b])]; ok {
				out = append(out, occurrence{a, b, e.kinds, e.exact})
			}
		}
	}
	return out
}

// countWords is the number of runs of word runes in s.
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := isWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func sortOccurrences(o []occurrence) {
	slices.SortFunc(o, func(a, b occurrence) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
}

// checkAgainstNaive adds names to a set and compares its matches in the
// folded cell with the reference's; the set must report them in order of
// end, then of start.
func checkAgainstNaive(t *testing.T, names []string, kinds []nameKind, cell string) {
	t.Helper()
	s := newTestSet(names, kinds)
	text := foldName(nil, cell)
	got, want := matchAll(s, text), naiveMatch(names, kinds, text)
	if !slices.IsSortedFunc(got, func(a, b occurrence) int {
		if a.end != b.end {
			return a.end - b.end
		}
		return a.start - b.start
	}) {
		t.Fatalf("names %q in %q: matches not in order of end, then start: %v", names, cell, got)
	}
	sortOccurrences(got)
	sortOccurrences(want)
	if !slices.Equal(got, want) {
		t.Fatalf("names %q in %q (folded %q):\n set       %v\n reference %v", names, cell, text, got, want)
	}
}

// TestMatcherAgainstNaive compares the set with the reference on random
// names and texts over a small alphabet, where names overlap, nest, share
// words and are wrapped in punctuation all the time.
func TestMatcherAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "a", "A", " ", " ", "-", ".", "é", "ß", "1", "(", ",", "e\u0301"}
	word := func(max int) string {
		var b strings.Builder
		for n := 1 + rng.IntN(max); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := 0; round < 3000; round++ {
		n := 1 + rng.IntN(12)
		names := make([]string, n)
		kinds := make([]nameKind, n)
		for i := range names {
			names[i] = word(6)
			kinds[i] = nameKind(1) << rng.IntN(6)
		}
		// The text: names and random words, joined with or without
		// separators, so that matches at and off boundaries are common.
		var text strings.Builder
		for k := rng.IntN(8); k >= 0; k-- {
			text.WriteString([]string{"", " ", "-", ".", "x", "(", "),"}[rng.IntN(7)])
			if rng.IntN(2) == 0 {
				text.WriteString(names[rng.IntN(n)])
			} else {
				text.WriteString(word(5))
			}
		}
		checkAgainstNaive(t, names, kinds, text.String())
	}
}

// TestTokenHash checks that distinct tokens, short (hashed inline) and
// long (maphash), get distinct hashes, and that mixing is not symmetric.
func TestTokenHash(t *testing.T) {
	th := newTokenHasher()
	seen := map[uint64]string{}
	check := func(tok string) {
		h := th.token([]byte(tok))
		if prev, dup := seen[h]; dup && prev != tok {
			t.Fatalf("%q and %q share the hash %#x", prev, tok, h)
		}
		seen[h] = tok
	}
	alphabet := "ab -\x00\xff"
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			gen(prefix+alphabet[i:i+1], n-1)
		}
	}
	gen("", 5)
	for n := 1; n <= 40; n++ {
		for k := 0; k < n; k++ {
			b := []byte(strings.Repeat("x", n))
			b[k] = 'y'
			check(string(b))
		}
	}
	if th.token([]byte(" ")) != th.hash([]byte(" ")) {
		t.Error("the cached hash of a space differs")
	}
	if mixHash(1, 2) == mixHash(2, 1) {
		t.Error("mixHash is symmetric")
	}
}

// TestNameSetWords checks the word-span semantics on examples.
func TestNameSetWords(t *testing.T) {
	names := []string{"Acme Inc.", "STRASSE", "Labs", "Acme-Corp", "CS-NB", "x.y"}
	kinds := []nameKind{kindCustomer, kindCustomer, kindCustomer, kindCustomer, kindReseller, kindCustomer}
	s := newTestSet(names, kinds)
	cases := []struct {
		cell string
		want []string // the folded spans found, in order
	}{
		{"acme inc", []string{"acme inc"}},
		{"(Acme Inc.),", []string{"acme inc"}},
		{"ACME   INC", []string{"acme inc"}},
		{"acme inc.x", []string{"acme inc"}},
		{"Acme Incorporated", nil},
		{"xacme inc", nil},
		{"acme-inc", nil},  // inside the core, every byte must match
		{"acme corp", nil}, // "Acme-Corp" is not "acme corp"
		{"acme-corp.", []string{"acme-corp"}},
		{"Müller Straße 5", []string{"strasse"}},
		{"x-labs-7", []string{"labs"}},
		{"Labs/EMEA", []string{"labs"}},
		{"labs4a8f9c", nil},
		{"Collabs", nil},
		{"managed by cs-nb, labs", []string{"cs-nb", "labs"}},
		{"x.y.z", []string{"x.y"}},
		{"w.x.y", []string{"x.y"}},
		{"", nil},
		{"...", nil},
	}
	for _, c := range cases {
		text := foldName(nil, c.cell)
		var got []string
		s.scan(text, func(a, b int, _ nameInfo) bool {
			got = append(got, string(text[a:b]))
			return true
		})
		if !slices.Equal(got, c.want) {
			t.Errorf("scan(%q) found %q, want %q", c.cell, got, c.want)
		}
		checkAgainstNaive(t, names, kinds, c.cell)
	}
}

// TestNameSetMerges checks that a name added twice, or two names with one
// core, are one entry with both kinds.
func TestNameSetMerges(t *testing.T) {
	s := newTestSet([]string{"Acme Corp", "ACME CORP.", "(acme corp)", "HP", "hp!"},
		[]nameKind{kindCustomer, kindReseller, kindProvider, kindCustomer, kindBundleHost})
	if s.count != 2 {
		t.Errorf("the set holds %d names, want 2", s.count)
	}
	got := matchAll(s, foldName(nil, "acme corp, hp"))
	want := []occurrence{{0, 9, kindCustomer | kindReseller | kindProvider, false}, {11, 13, kindCustomer | kindBundleHost, true}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestNameSetLimits checks the word and byte limits of names.
func TestNameSetLimits(t *testing.T) {
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("ab ", n)) }
	s := newTestSet([]string{words(maxNameWords), words(maxNameWords + 1), strings.Repeat("x", maxNameBytes+1)},
		[]nameKind{kindCustomer, kindCustomer, kindCustomer})
	if s.count != 1 || s.maxWords != maxNameWords {
		t.Fatalf("set of %d names with up to %d words; want only the name of %d words", s.count, s.maxWords, maxNameWords)
	}
	// A text of maxNameWords+3 words holds the name 4 times.
	if got := len(matchAll(s, []byte(words(maxNameWords+3)))); got != 4 {
		t.Errorf("found %d occurrences, want 4", got)
	}
	if got := matchAll(s, []byte(strings.Repeat("x", maxNameBytes+1))); got != nil {
		t.Errorf("found %v", got)
	}
}

// TestNameSetMany adds many names (so that the table grows many times),
// finds each as a whole cell and in a longer one, and none of others.
func TestNameSetMany(t *testing.T) {
	names := benchNames(50_000)
	kinds := make([]nameKind, len(names))
	for i := range kinds {
		kinds[i] = nameKind(1) << (i % 3)
	}
	s := newTestSet(names, kinds)
	if s.count != len(names) {
		t.Fatalf("the set holds %d names, want %d", s.count, len(names))
	}
	if load := float64(s.count) / float64(s.slots()); load < 0.5 || load > 0.8 {
		t.Errorf("load %.2f, want 0.5 to 0.8", load)
	}
	for i, n := range names {
		text := foldName(nil, "see "+n+".")
		got := matchAll(s, text)
		want := occurrence{4, len(text) - 1, kinds[i], false}
		if !slices.Contains(got, want) {
			t.Fatalf("%q: got %v, want %v among them", n, got, want)
		}
	}
	for _, n := range benchTextCells(20_000, names[:1]) {
		if strings.Contains(n, names[0]) {
			continue
		}
		if got := matchAll(s, foldName(nil, n)); got != nil {
			t.Fatalf("%q: found %v", n, got)
		}
	}
}

// TestNameSetReserve reserves room for the names first: adding them then
// grows no table, and every name is found.
func TestNameSetReserve(t *testing.T) {
	names := benchNames(50_000)
	s := newNameSet(newTokenHasher())
	s.reserve(len(names))
	slots := s.slots()
	var buf []byte
	for _, n := range names {
		buf = addName(s, buf, n, kindCustomer)
	}
	if s.count != len(names) {
		t.Fatalf("the set holds %d names, want %d", s.count, len(names))
	}
	if s.slots() != slots {
		t.Errorf("the tables grew from %d to %d slots after reserve", slots, s.slots())
	}
	if load := float64(s.count) / float64(s.slots()); load < 0.6 || load > 0.8 {
		t.Errorf("load %.2f, want 0.6 to 0.8", load)
	}
	for _, n := range names {
		text := foldName(nil, "see "+n+".")
		if got := matchAll(s, text); len(got) == 0 {
			t.Fatalf("%q not found", n)
		}
	}
}

func TestMatcherScanStops(t *testing.T) {
	s := newTestSet([]string{"abc", "bcd"}, []nameKind{kindCustomer, kindCustomer})
	calls := 0
	s.scan([]byte("abc bcd abc"), func(int, int, nameInfo) bool { calls++; return false })
	if calls != 1 {
		t.Errorf("scan went on after found returned false: %d calls", calls)
	}
	empty := newNameSet(newTokenHasher())
	empty.scan([]byte("abc"), func(int, int, nameInfo) bool { t.Error("an empty set matched"); return true })
	var sc nameScanner
	sc.scan([]byte("abc"), []*nameSet{nil, empty}, func(int, int, nameInfo) bool { t.Error("no set matched"); return true })
}

// TestScannerSetsInOrder checks that the names of a scan's first set are
// reported before those of the others, each set in order of end.
func TestScannerSetsInOrder(t *testing.T) {
	h := newTokenHasher()
	a, b := newNameSet(h), newNameSet(h)
	addName(a, nil, "acme", kindCustomer)
	addName(a, nil, "labs", kindCustomer)
	addName(b, nil, "voss", kindBundleHost)
	addName(b, nil, "cs-p", kindBundleProvider)
	text := []byte("cs-p voss acme labs voss")
	var got []string
	var sc nameScanner
	sc.scan(text, []*nameSet{a, b}, func(s, e int, _ nameInfo) bool {
		got = append(got, string(text[s:e]))
		return true
	})
	if want := []string{"acme", "labs", "cs-p", "voss", "voss"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestScanHostileCell scans a 1 MB cell of two-letter words against names
// of the same words' lengths and of every word count up to maxNameWords,
// so that no span is skipped unlooked-up: the work is words ×
// maxNameWords lookups, and the test would not end if it were quadratic
// in the cell.
func TestScanHostileCell(t *testing.T) {
	var names []string
	var kinds []nameKind
	for k := 1; k <= maxNameWords; k++ {
		names = append(names, strings.TrimSpace(strings.Repeat("xx ", k)))
		kinds = append(kinds, kindCustomer)
	}
	s := newTestSet(names, kinds)
	cell := []byte(strings.Repeat("bb ", 350_000) + "xx")
	if got := matchAll(s, cell); len(got) != 1 || got[0].start != len(cell)-2 {
		t.Errorf("found %v, want the last word", got)
	}
	// One huge word and one huge separator: no span is short enough.
	huge := []byte(strings.Repeat("b", 1<<20) + strings.Repeat(" ", 1<<20) + "xx")
	if got := matchAll(s, huge); len(got) != 1 {
		t.Errorf("found %v, want the last word", got)
	}
}

// TestInspectIgnoresPunctuation checks inspect with names wrapped in
// punctuation: exact names as the whole cell's core, and path components
// by their cores.
func TestInspectIgnoresPunctuation(t *testing.T) {
	cases := []struct {
		cell  string
		how   hierarchyHow
		kinds nameKind
		exact bool
		name  string
	}{
		{"(HP)", notHierarchy, kindCustomer, false, "hp"}, // an exact name, the whole core
		{"HP.", notHierarchy, kindCustomer, false, "hp"},
		{"«Cafe»", notHierarchy, kindCustomer, false, "cafe"},
		{"(HP) Inc", notHierarchy, 0, false, ""}, // not the whole core
		{"Acme Corp!", notHierarchy, kindCustomer, false, "acme corp"},
		{"voss-un-1;", notHierarchy, kindBundleHost, false, "voss-un-1"},
		{"CS-NB/(Acme Corp)", hierarchyKnown, kindCustomer, false, "acme corp"},
		{"CS-NB / 'HP'", hierarchyKnown, kindCustomer, false, "hp"},
		{"-/HP", notHierarchy, kindCustomer, false, "hp"}, // one known component of two
	}
	id := testIdentity()
	for _, c := range cases {
		r := inspectCell(id, c.cell)
		if r.hierarchy != c.how || r.kinds != c.kinds || r.exact != c.exact || r.name != c.name {
			t.Errorf("inspect(%q) = %+v; want hierarchy %d, kinds %q, exact %v, name %q", c.cell, r, c.how, c.kinds, c.exact, c.name)
		}
	}
}

// FuzzNameMatcher is the differential test with the fuzzer's names and
// cells: the set must find exactly what the naive search finds.
func FuzzNameMatcher(f *testing.F) {
	f.Add("Acme Corp\nCS-NB\nLabs", "sys.hcs.CS-P.CS-NB.Acme Corp")
	f.Add("Labs\nHP\nCafe", "5c9b3e2f-cafe-labs-0001 HP")
	f.Add("aa\naaa\naaaa", "aaaa aaa aa a")
	f.Add("Müller Straße\nSTRASSE", "MÜLLER STRASSE, strasse")
	f.Add("a\x80b\n\xff\xfe", "\xffa\x80b\xfe")
	f.Add("Acme Inc.\n(HP)\n-x-y-", "(Acme Inc.), hp. x-y")
	f.Add("aa aa\naa aa aa\naa", "aa aa aa aa.aa")
	f.Fuzz(func(t *testing.T, names, cell string) {
		if len(names) > 2000 || len(cell) > 2000 {
			return
		}
		list := strings.Split(names, "\n")
		kinds := make([]nameKind, len(list))
		for i := range kinds {
			kinds[i] = nameKind(1) << (i % 6)
		}
		checkAgainstNaive(t, list, kinds, cell)
		var id identity
		for i, n := range list {
			id.add(n, kinds[i])
		}
		id.useBundleMetadata("P_H", "P", "H")
		r := inspectCell(&id, cell) // must not panic
		if r.hierarchy == notHierarchy && r.kinds != 0 && !utf8.ValidString(r.name) && utf8.ValidString(cell) {
			t.Errorf("the name found in a valid cell is not valid UTF-8: %q", r.name)
		}
	})
}

// benchNames makes n distinct company-like names, as a detailed CSV of n
// customers would hold: mostly two made-up words and a legal form, one in
// four a numbered "Customer 123456 GmbH".
func benchNames(n int) []string {
	rng := rand.New(rand.NewPCG(7, 7))
	syllables := []string{"ac", "me", "glo", "bex", "in", "i", "tech", "um", "brel", "la", "wo", "nka", "hoo", "li", "ty", "rell",
		"cy", "ber", "dy", "ne", "van", "de", "lay", "soy", "lent", "os", "corp", "mon", "arch", "nor", "th", "wind", "ka", "zu", "ro"}
	kind := []string{"Corp", "Industries", "Holdings", "Logistics", "Bank", "Foods", "Health", "Energy", "Media", "Labs", "GmbH", "Ltd", "AG", "SA"}
	word := func() string {
		var b strings.Builder
		for k := 2 + rng.IntN(2); k > 0; k-- {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		w := b.String()
		return strings.ToUpper(w[:1]) + w[1:]
	}
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		var name string
		if rng.IntN(4) == 0 {
			name = fmt.Sprintf("Customer %06d %s", rng.IntN(1_000_000), kind[rng.IntN(len(kind))])
		} else {
			name = word() + " " + word() + " " + kind[rng.IntN(len(kind))]
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// benchCells makes n cells of an anonymous CSV: a hexadecimal PKID and
// eight counts a row, so one cell in nine is a PKID and the rest numbers.
func benchCells(n int) []string {
	rng := rand.New(rand.NewPCG(9, 9))
	out := make([]string, n)
	for i := range out {
		if i%9 == 0 {
			out[i] = fmt.Sprintf("%012x%012x", rng.Uint64()&(1<<48-1), rng.Uint64()&(1<<48-1))
		} else {
			out[i] = fmt.Sprint(rng.IntN(40))
		}
	}
	return out
}

// benchTextCells makes n cells of free text (the worst case: every cell is
// folded and scanned), a few of which hold a name.
func benchTextCells(n int, names []string) []string {
	rng := rand.New(rand.NewPCG(11, 11))
	words := []string{"monthly", "audit", "Voice", "users", "phones", "licence", "EMEA", "site", "region", "total", "active"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for w := 0; w < 4; w++ {
			if w > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		if i%1000 == 0 {
			b.WriteString(" " + names[rng.IntN(len(names))])
		}
		out[i] = b.String()
	}
	return out
}

func buildIdentity(names []string) *identity {
	id := newIdentity()
	for i, n := range names {
		id.add(n, kindCustomer)
		if i%1000 == 0 {
			id.add(fmt.Sprintf("Reseller-%d", i), kindReseller)
		}
	}
	id.useBundleMetadata("CS-P_VOSS-UN-1", "CS-P", "VOSS-UN-1")
	return id
}

// BenchmarkIdentityBuild measures adding 100 000 and 1 000 000 customer
// names, as the detailed CSV's rows are read, and reports the heap the
// identity keeps: in all, a name, and in the table's slots.
func BenchmarkIdentityBuild(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			names := benchNames(n)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			id := buildIdentity(names)
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(id)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buildIdentity(names)
			}
			kept := float64(after.HeapAlloc - before.HeapAlloc)
			b.ReportMetric(kept/(1<<20), "MiB-kept")
			b.ReportMetric(kept/float64(n), "B/name")
			b.ReportMetric(float64(id.detailed.size())/(1<<20), "MiB-table")
		})
	}
}

// BenchmarkIdentityCells inspects cells against 100 000 and 1 000 000
// names: 1 000 000 anonymous-CSV cells (PKIDs and counts), 111 112 PKIDs
// alone, 1 000 000 cells of free text (the worst case for many cells), and
// one hostile 10 MB cell of "a a a ...".
func BenchmarkIdentityCells(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		names := benchNames(n)
		id := buildIdentity(names)
		cells := benchCells(1_000_000)
		var pkids []string
		for i := 0; i < len(cells); i += 9 {
			pkids = append(pkids, cells[i])
		}
		for _, bc := range []struct {
			name  string
			cells []string
		}{
			{"anonymous-csv", cells},
			{"pkids", pkids},
			{"free-text", benchTextCells(1_000_000, names)},
			{"hostile-10MB", []string{strings.Repeat("a ", 5<<20)}},
		} {
			b.Run(fmt.Sprintf("%d/%s", n, bc.name), func(b *testing.B) {
				var size int64
				for _, c := range bc.cells {
					size += int64(len(c))
				}
				b.SetBytes(size)
				found := 0
				for b.Loop() {
					found = 0
					for _, c := range bc.cells {
						if r := inspectCell(id, c); r.kinds != 0 || r.hierarchy != notHierarchy {
							found++
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(bc.cells)), "ns/cell")
				b.ReportMetric(float64(found), "found")
			})
		}
	}
}

func TestBenchmarkDataIsSane(t *testing.T) {
	names := benchNames(2000)
	id := buildIdentity(names)
	found := 0
	for _, c := range benchTextCells(20_000, names) {
		if r := inspectCell(id, c); r.kinds&kindCustomer != 0 {
			found++
		}
	}
	if found != 20 {
		t.Errorf("found names in %d of the 20 cells that hold one", found)
	}
	for _, c := range benchCells(1000) {
		if r := inspectCell(id, c); r.kinds != 0 || r.hierarchy != notHierarchy {
			t.Errorf("PKID or count %q taken for a name: %+v", c, r)
		}
	}
	if !bytes.Equal(foldName(nil, names[0]), []byte(strings.ToLower(names[0]))) {
		t.Errorf("ASCII names fold to lower case")
	}
}

func TestMaxPlaceholderBytes(t *testing.T) {
	n := 0
	for p := range placeholderNames {
		n = max(n, len(p))
	}
	if n != maxPlaceholderBytes {
		t.Errorf("maxPlaceholderBytes is %d, the longest placeholder has %d bytes", maxPlaceholderBytes, n)
	}
}

// TestInspectOneWordCell: a cell of one ASCII word is looked up only when
// a set holds a one-word name of its length; the shortcut must not lose
// the cells that are names.
func TestInspectOneWordCell(t *testing.T) {
	id := newIdentity()
	id.useBundleMetadata("Acme_host1", "Acme", "host1")
	id.add("Zenith", kindCustomer)
	for cell, want := range map[string]nameKind{
		"HOST1":                    kindBundleHost,
		"acme":                     kindBundleProvider,
		"zenith":                   kindCustomer,
		"host12":                   0,
		"zenith2":                  0,
		"5885db5c76b7e49f8ae32b27": 0,
	} {
		if got := inspectCell(id, cell); got.kinds != want || got.hierarchy != notHierarchy {
			t.Errorf("inspect(%q) = %+v, want kinds %v", cell, got, want)
		}
	}
}

// slots is the number of slots of the set's tables.
func (s *nameSet) slots() int {
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].hashes)
	}
	return n
}

// size is the bytes the set's table holds, for benchmarks.
func (s *nameSet) size() int { return 9 * s.slots() }

// scan calls found for every occurrence text[start:end] of a name of the
// set in folded text, in order of end, then of start (longest first);
// found returns false to stop the scan.
func (s *nameSet) scan(text []byte, found func(start, end int, in nameInfo) bool) {
	var sc nameScanner
	sc.scan(text, []*nameSet{s}, found)
}

// TestIsASCIIWord holds the eight-bytes-at-a-time isASCIIWord to its
// definition, a byte at a time: every byte value at every position of
// cells of 1 to 25 bytes (one to three words and every tail length).
func TestIsASCIIWord(t *testing.T) {
	want := func(cell string) bool {
		for i := 0; i < len(cell); i++ {
			if cell[i] >= utf8.RuneSelf || !asciiWord[cell[i]] {
				return false
			}
		}
		return cell != ""
	}
	if isASCIIWord("") {
		t.Error(`isASCIIWord("") = true, want false`)
	}
	const base = "aZ09zA9b0Yq7Mx3Kp5Lw8Nc1R"
	for n := 1; n <= len(base); n++ {
		for pos := range n {
			b := []byte(base[:n])
			for c := range 256 {
				b[pos] = byte(c)
				if got := isASCIIWord(string(b)); got != want(string(b)) {
					t.Fatalf("isASCIIWord(%q) = %v, want %v", b, got, !got)
				}
			}
		}
	}
}

// inspectCell is inspect as checkCell calls it, with the cell's
// isASCIIWord, for cells of any kind (checkCell's own skip of short PKIDs
// aside).
func inspectCell(id *identity, cell string) cellReport {
	return id.inspect(cell, isASCIIWord(cell))
}
