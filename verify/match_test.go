package verify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Acme Corp", "acme corp"},
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

// occurrence is a match as both the automaton and the reference report it.
type occurrence struct {
	start, end int
	kinds      nameKind
	exact      bool
}

// matchAll runs the automaton of a name list over folded text.
func matchAll(m *nameMatcher, text []byte) []occurrence {
	var got []occurrence
	m.scan(text, func(a, b int, in nameInfo) bool {
		got = append(got, occurrence{a, b, in.kinds, in.exact})
		return true
	})
	return got
}

// naiveMatch is the reference: every name (folded, classified and merged
// as nameList does) searched for at every position of the text, kept where
// both ends are word boundaries.
func naiveMatch(names []string, kinds []nameKind, text []byte) []occurrence {
	type entry struct {
		kinds nameKind
		exact bool
	}
	set := map[string]entry{}
	for i, n := range names {
		f := string(foldName(nil, n))
		use, exact := classifyName([]byte(f))
		if !use {
			continue
		}
		e := set[f]
		e.kinds |= kinds[i]
		e.exact = exact
		set[f] = e
	}
	var out []occurrence
	for f, e := range set {
		for i := 0; i+len(f) <= len(text); i++ {
			if string(text[i:i+len(f)]) == f && atBoundary(text, i) && atBoundary(text, i+len(f)) {
				out = append(out, occurrence{i, i + len(f), e.kinds, e.exact})
			}
		}
	}
	return out
}

func sortOccurrences(o []occurrence) {
	slices.SortFunc(o, func(a, b occurrence) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
}

// checkAgainstNaive builds the matcher of names and compares its matches
// in text with the reference's.
func checkAgainstNaive(t *testing.T, names []string, kinds []nameKind, cell string) {
	t.Helper()
	var l nameList
	for i, n := range names {
		l.add(n, kinds[i])
	}
	m := l.build()
	text := foldName(nil, cell)
	got, want := matchAll(m, text), naiveMatch(names, kinds, text)
	sortOccurrences(got)
	sortOccurrences(want)
	if !slices.Equal(got, want) {
		t.Fatalf("names %q in %q (folded %q):\n automaton %v\n reference %v", names, cell, text, got, want)
	}
}

// TestMatcherAgainstNaive compares the automaton with the reference on
// random names and texts over a small alphabet, where names overlap,
// nest and share prefixes and suffixes all the time.
func TestMatcherAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "a", "A", " ", " ", "-", ".", "é", "ß", "1"}
	word := func(max int) string {
		var b strings.Builder
		for n := 1 + rng.IntN(max); n > 0; n-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := 0; round < 2000; round++ {
		n := 1 + rng.IntN(12)
		names := make([]string, n)
		kinds := make([]nameKind, n)
		for i := range names {
			names[i] = word(4)
			kinds[i] = nameKind(1) << rng.IntN(6)
		}
		// The text: names and random words, joined with or without
		// separators, so that matches at and off boundaries are common.
		var text strings.Builder
		for k := rng.IntN(8); k >= 0; k-- {
			text.WriteString([]string{"", " ", "-", ".", "x"}[rng.IntN(5)])
			if rng.IntN(2) == 0 {
				text.WriteString(names[rng.IntN(n)])
			} else {
				text.WriteString(word(5))
			}
		}
		checkAgainstNaive(t, names, kinds, text.String())
	}
}

func TestMatcherScanStops(t *testing.T) {
	var l nameList
	l.add("abc", kindCustomer)
	l.add("bcd", kindCustomer)
	m := l.build()
	calls := 0
	m.scan([]byte("abc bcd abc"), func(int, int, nameInfo) bool { calls++; return false })
	if calls != 1 {
		t.Errorf("scan went on after found returned false: %d calls", calls)
	}
	var empty *nameMatcher
	empty.scan([]byte("abc"), func(int, int, nameInfo) bool { t.Error("a nil matcher matched"); return true })
}

// FuzzNameMatcher is the differential test with the fuzzer's names and
// cells: the automaton must find exactly what the naive search finds.
func FuzzNameMatcher(f *testing.F) {
	f.Add("Acme Corp\nCS-NB\nLabs", "sys.hcs.CS-P.CS-NB.Acme Corp")
	f.Add("Labs\nHP\nCafe", "5c9b3e2f-cafe-labs-0001 HP")
	f.Add("aa\naaa\naaaa", "aaaa aaa aa a")
	f.Add("Müller Straße\nSTRASSE", "MÜLLER STRASSE, strasse")
	f.Add("a\x80b\n\xff\xfe", "\xffa\x80b\xfe")
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
		r := id.inspect(cell) // must not panic
		if r.hierarchy == notHierarchy && r.kinds != 0 && !utf8.ValidString(r.name) && utf8.ValidString(cell) {
			t.Errorf("the name found in a valid cell is not valid UTF-8: %q", r.name)
		}
	})
}

// benchNames makes n distinct company-like names, as a detailed CSV of n
// customers would hold: two made-up words and a legal form, so that names
// share few prefixes (the automaton's worst case for size).
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
		name := word() + " " + word() + " " + kind[rng.IntN(len(kind))]
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
	id.seal()
	return id
}

// BenchmarkIdentityBuild measures building the matcher of 100 000 names
// and reports the bytes the automaton holds and the heap the identity
// keeps once built (the collected names are dropped then).
func BenchmarkIdentityBuild(b *testing.B) {
	names := benchNames(100_000)
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
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-kept")
	b.ReportMetric(float64(id.detailed.size())/(1<<20), "MiB-automaton")
	b.ReportMetric(float64(id.detailed.states()), "states")
}

// BenchmarkIdentityCells inspects 1 000 000 cells against 100 000 names:
// anonymous-CSV cells (PKIDs and counts), and free text, the worst case.
func BenchmarkIdentityCells(b *testing.B) {
	names := benchNames(100_000)
	id := buildIdentity(names)
	for _, bc := range []struct {
		name  string
		cells []string
	}{
		{"anonymous-csv", benchCells(1_000_000)},
		{"free-text", benchTextCells(1_000_000, names)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var size int64
			for _, c := range bc.cells {
				size += int64(len(c))
			}
			b.SetBytes(size)
			found := 0
			for b.Loop() {
				found = 0
				for _, c := range bc.cells {
					if r := id.inspect(c); r.kinds != 0 || r.hierarchy != notHierarchy {
						found++
					}
				}
			}
			b.ReportMetric(float64(found), "found")
		})
	}
}

func TestBenchmarkDataIsSane(t *testing.T) {
	names := benchNames(2000)
	id := buildIdentity(names)
	found := 0
	for _, c := range benchTextCells(20_000, names) {
		if r := id.inspect(c); r.kinds&kindCustomer != 0 {
			found++
		}
	}
	if found != 20 {
		t.Errorf("found names in %d of the 20 cells that hold one", found)
	}
	for _, c := range benchCells(1000) {
		if r := id.inspect(c); r.kinds != 0 || r.hierarchy != notHierarchy {
			t.Errorf("PKID or count %q taken for a name: %+v", c, r)
		}
	}
	if !bytes.Equal(foldName(nil, names[0]), []byte(strings.ToLower(names[0]))) {
		t.Errorf("ASCII names fold to lower case")
	}
}
