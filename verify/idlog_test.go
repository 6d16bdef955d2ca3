package verify

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

func TestIDLog(t *testing.T) {
	l := newIDLog(maphash.MakeSeed())
	for i, id := range []string{"b", "a", "c", "a", "b", "a", "d", ""} {
		l.add(id, 10+i)
	}
	reps, set := l.finish(true)
	want := []idRepeat{{line: 13, first: 11}, {line: 14, first: 10}, {line: 15, first: 11}}
	if !slices.Equal(reps, want) {
		t.Errorf("repeats %v, want %v", reps, want)
	}
	for id, in := range map[string]bool{"a": true, "b": true, "c": true, "d": true, "": true, "e": false} {
		if set.has(id) != in {
			t.Errorf("has(%q) = %v", id, !in)
		}
	}
	if set.len() != 5 {
		t.Errorf("set of %d, want 5 distinct", set.len())
	}
	if _, set := newIDLog(maphash.MakeSeed()).finish(true); set.has("a") || set.len() != 0 {
		t.Error("an empty log gives a non-empty set")
	}
	if _, set := newIDLog(maphash.MakeSeed()).finish(false); set != nil {
		t.Error("finish(false) kept a set")
	}
}

// TestIDLogAgainstMap adds enough identifiers to fill many chunks of every
// bucket, a third of them repeats, and compares the repeats and the set
// with a map.
func TestIDLogAgainstMap(t *testing.T) {
	// idSmallMax rows or fewer stay in the log's small slice; more go to
	// its buckets. The two finish differently.
	for _, n := range []int{idSmallMax / 2, 300_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { checkIDLogAgainstMap(t, n) })
	}
}

func checkIDLogAgainstMap(t *testing.T, rows int) {
	rng := rand.New(rand.NewPCG(1, 2))
	first := map[string]uint32{}
	var want []idRepeat
	var ids []string
	for i := 0; i < rows; i++ {
		id := fmt.Sprintf("id-%d", i)
		if i%3 == 2 {
			id = ids[rng.IntN(len(ids))]
		}
		ids = append(ids, id)
		line := uint32(i + 2)
		if f, seen := first[id]; seen {
			want = append(want, idRepeat{line: line, first: f})
		} else {
			first[id] = line
		}
	}
	// Without a set to keep, a large log finds its repeats by tables;
	// with one, by sorting. Both must give the map's answer.
	seed := maphash.MakeSeed()
	var set *idSet
	for _, keep := range []bool{false, true} {
		l := newIDLog(seed)
		for i, id := range ids {
			l.add(id, i+2)
		}
		if l.len() != len(ids) {
			t.Fatalf("len %d, want %d", l.len(), len(ids))
		}
		var reps []idRepeat
		reps, set = l.finish(keep)
		if !slices.Equal(reps, want) {
			t.Fatalf("keep=%v: %d repeats, want %d (first difference near %v)", keep, len(reps), len(want), firstDiff(reps, want))
		}
	}
	if set.len() != len(first) {
		t.Fatalf("set of %d, want %d", set.len(), len(first))
	}
	for id := range first {
		if !set.has(id) {
			t.Fatalf("has(%q) is false", id)
		}
	}
	for i := 0; i < 10_000; i++ {
		if id := fmt.Sprintf("absent-%d", i); set.has(id) {
			t.Fatalf("has(%q) is true", id)
		}
	}
}

func firstDiff(a, b []idRepeat) any {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return []idRepeat{a[i], b[i]}
		}
	}
	return "the end of the shorter"
}

// TestSearchUniform checks the galloping search on skewed data, where the
// first guess is far off, against a binary search.
func TestSearchUniform(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 3, 17, 1000} {
		vals := make([]uint64, n)
		for i := range vals {
			vals[i] = rng.Uint64() >> uint(rng.IntN(64)) // most values small
		}
		slices.Sort(vals)
		at := func(i int) uint64 { return vals[i] }
		probes := append([]uint64{0, 1, ^uint64(0)}, vals...)
		for i := 0; i < 200; i++ {
			probes = append(probes, rng.Uint64()>>uint(rng.IntN(64)))
		}
		for _, h := range probes {
			want, _ := slices.BinarySearch(vals, h)
			if got := searchUniform(n, h, at); got != want {
				t.Fatalf("n=%d h=%d: %d, want %d", n, h, got, want)
			}
		}
	}
}

// BenchmarkIDLog collects a million and ten million distinct identifiers,
// finds the repeats (none) and reports the bytes held per identifier while
// collecting, measured as live heap.
func BenchmarkIDLog(b *testing.B) {
	for _, n := range []int{1_000_000, 10_000_000} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("pkid-%x", uint64(i)*2654435761)
		}
		b.Run(fmt.Sprintf("%dM", n/1_000_000), func(b *testing.B) {
			b.ReportAllocs()
			var perID float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				l := newIDLog(maphash.MakeSeed())
				for i, id := range ids {
					l.add(id, i+2)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				perID = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
				if reps, _ := l.finish(false); len(reps) != 0 {
					b.Fatal("repeats")
				}
			}
			b.ReportMetric(perID, "bytes/id")
		})
	}
}

// TestIDLogFewIdentifiersOnManyRows: two identifiers alternating on 200 000
// rows put long runs of equal hashes in one bucket, which must not make
// finishing quadratic.
func TestIDLogFewIdentifiersOnManyRows(t *testing.T) {
	l := newIDLog(maphash.MakeSeed())
	const n = 200_000
	for i := 0; i < n; i++ {
		l.add([]string{"x", "y"}[i%2], i+2)
	}
	reps, set := l.finish(true)
	if len(reps) != n-2 || set.len() != 2 {
		t.Fatalf("%d repeats, %d distinct", len(reps), set.len())
	}
	for i, r := range reps {
		if want := (idRepeat{line: uint32(i + 4), first: uint32(2 + i%2)}); r != want {
			t.Fatalf("repeat %d is %v, want %v", i, r, want)
		}
	}
}

// TestIDLogLines checks that lines come back exact when they are far apart
// (more than 16 bits from the bucket's row before) and out of order.
func TestIDLogLines(t *testing.T) {
	for name, lineOf := range map[string]func(i int) int{
		"far apart":    func(i int) int { return 2 + i*70_000 },
		"out of order": func(i int) int { return 2 + (i*7919)%50_000 },
	} {
		t.Run(name, func(t *testing.T) {
			l := newIDLog(maphash.MakeSeed())
			const n = 3 * idSmallMax // past the small slice
			lines := map[string][]uint32{}
			for i := 0; i < n; i++ {
				id := fmt.Sprint("id", i%(n/2)) // the second half repeats the first
				line := uint32(lineOf(i))
				l.add(id, int(line))
				lines[id] = append(lines[id], line)
			}
			// A repeat is every line of an identifier but its lowest.
			var want []idRepeat
			for _, ls := range lines {
				slices.Sort(ls)
				for _, line := range ls[1:] {
					want = append(want, idRepeat{line: line, first: ls[0]})
				}
			}
			reps, _ := l.finish(false)
			slices.SortFunc(want, func(a, b idRepeat) int { return int(a.line) - int(b.line) })
			if !slices.Equal(reps, want) {
				t.Fatalf("%d repeats, want %d (first difference near %v)", len(reps), len(want), firstDiff(reps, want))
			}
		})
	}
}

// TestIDLogOutOfOrder: rows added out of line order (which callers do not
// do) still give each repeat the lowest line of its identifier as its
// first: finishing without a set, which uses tables for rows in order,
// must give what finishing with one, which sorts, gives.
func TestIDLogOutOfOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lineOf func(i int) int
	}{
		{"in order", func(i int) int { return 2 + i }},
		{"far apart, in order", func(i int) int { return 2 + i*70_000 }},
		{"descending", func(i int) int { return 1_000_000 - i }},
	} {
		// Few rows stay in the log's small slice, more go to buckets.
		for _, n := range []int{idSmallMax / 2, 3 * idSmallMax} {
			t.Run(fmt.Sprint(tc.name, "/", n), func(t *testing.T) {
				seed := maphash.MakeSeed()
				var got [2][]idRepeat
				for k, keep := range []bool{false, true} {
					l := newIDLog(seed)
					for i := 0; i < n; i++ {
						l.add(fmt.Sprint("id", i%(n/2)), tc.lineOf(i))
					}
					got[k], _ = l.finish(keep)
				}
				if len(got[0]) != n/2 || !slices.Equal(got[0], got[1]) {
					t.Fatalf("%d repeats without a set, %d with one, want %d each and the same (first difference near %v)", len(got[0]), len(got[1]), n/2, firstDiff(got[0], got[1]))
				}
				for _, r := range got[0] {
					if r.first >= r.line {
						t.Fatalf("repeat %v: the first line is not the lower", r)
					}
				}
			})
		}
	}
}

// TestRepeatsByTableOrder: the table answers for slots in line order, and
// for slots out of order gives back reps as they came and false.
func TestRepeatsByTableOrder(t *testing.T) {
	slot := func(h uint64, line uint32) idSlot {
		return idSlot{hashHi: uint32(h >> 32), hashLo: uint32(h), line: line}
	}
	before := []idRepeat{{line: 1, first: 0}}
	var sc finishScratch
	reps, ok := repeatsByTable([]idSlot{slot(7, 2), slot(9, 3), slot(7, 5), slot(7, 8)}, slices.Clone(before), &sc)
	if want := append(slices.Clone(before), idRepeat{line: 5, first: 2}, idRepeat{line: 8, first: 2}); !ok || !slices.Equal(reps, want) {
		t.Fatalf("in order: %v, %v; want %v, true", reps, ok, want)
	}
	reps, ok = repeatsByTable([]idSlot{slot(7, 5), slot(7, 6), slot(9, 2)}, slices.Clone(before), &sc)
	if ok || !slices.Equal(reps, before) {
		t.Fatalf("out of order: %v, %v; want %v, false", reps, ok, before)
	}
}

// benchPKIDs is n distinct PKIDs of 24 hexadecimal digits, as VOSS CSVs
// have them.
func benchPKIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%024x", uint64(i)*2654435761)
	}
	return ids
}

// BenchmarkIDLogFinish is the time of finding the repeats among a million
// PKIDs, once they are added.
func BenchmarkIDLogFinish(b *testing.B) {
	ids := benchPKIDs(1_000_000)
	for _, keep := range []bool{false, true} {
		b.Run(map[bool]string{false: "repeats", true: "repeats+set"}[keep], func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				l := newIDLog(maphash.MakeSeed())
				for i, id := range ids {
					l.add(id, i+2)
				}
				b.StartTimer()
				if reps, _ := l.finish(keep); len(reps) != 0 {
					b.Fatal("repeats")
				}
			}
		})
	}
}

// BenchmarkIDLogTime is the time of adding a million 24-character PKIDs
// and finding their repeats, without the collections BenchmarkIDLog makes
// to weigh the memory.
func BenchmarkIDLogTime(b *testing.B) {
	ids := benchPKIDs(1_000_000)
	for b.Loop() {
		l := newIDLog(maphash.MakeSeed())
		for i, id := range ids {
			l.add(id, i+2)
		}
		if reps, _ := l.finish(false); len(reps) != 0 {
			b.Fatal("repeats")
		}
	}
}

// BenchmarkSearchUniform looks up random hashes among a million sorted in
// 256 buckets, the way the reconciliation table and the kept ActivationIds
// are: the time is mostly cache misses.
func BenchmarkSearchUniform(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var buckets [256][]uint64
	for range 1 << 20 {
		h := rng.Uint64()
		buckets[bucketOf(h)] = append(buckets[bucketOf(h)], h)
	}
	for i := range buckets {
		slices.Sort(buckets[i])
	}
	probes := make([]uint64, 1<<16)
	for i := range probes {
		hs := buckets[rng.IntN(256)]
		probes[i] = hs[rng.IntN(len(hs))]
	}
	b.ResetTimer()
	for i := range b.N {
		h := probes[i%len(probes)]
		hs := buckets[bucketOf(h)]
		if j := searchBucket(len(hs), h, func(k int) uint64 { return hs[k] }); hs[j] != h {
			b.Fatal("not found")
		}
	}
}

// len is the number of distinct identifiers.
func (s *idSet) len() int {
	n := 0
	for _, hs := range s.buckets {
		n += len(hs)
	}
	return n
}

// TestSmallIDSetOneAllocation: the set of a small log is made in one
// allocation, however many of its 256 buckets it fills.
func TestSmallIDSetOneAllocation(t *testing.T) {
	seed := maphash.MakeSeed()
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = fmt.Sprintf("ACT-%06d", i)
	}
	// Rows out of order make finishing sort with or without a set (in
	// order and without one, it uses tables instead), so that the two
	// differ only by the set.
	finish := func(keep bool) float64 {
		return testing.AllocsPerRun(20, func() {
			l := newIDLog(seed)
			for i, id := range ids {
				l.add(id, len(ids)+2-i)
			}
			l.finish(keep)
		})
	}
	without, with := finish(false), finish(true)
	if with-without > 2 {
		t.Fatalf("keeping the set of %d identifiers took %v allocations more than not keeping it, want at most 2 (the set and its hashes)", len(ids), with-without)
	}
}
