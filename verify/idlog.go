package verify

import (
	"cmp"
	"hash/maphash"
	"math/bits"
	"slices"
	"sort"
	"sync"
)

// idLog collects the identifiers of one column (Customer PKIDs, FlexNet
// ActivationIds and EntitlementIDs) compactly and finds the repeated ones
// once the file is read: per row a 64-bit hash and its line, never the
// strings. The line is kept as the distance from the bucket's row before
// (rows arrive in line order, and a bucket gets about one row in 256), in
// 16 bits: 10 bytes a row where a whole line took 12; the rare longer
// distance is kept whole in a list of its own.
//
// Rows are appended to one of 256 buckets chosen by the top byte of the
// hash, so that finishing is 256 small steps, each within the CPU cache: a
// table per bucket to find the repeats, or a sort when the distinct hashes
// are kept (the buckets in order then give every hash in order) or the
// rows came out of line order. Appending is sequential: a hash table
// looked up per row costs a cache miss a row (measured: 0.36 s of CPU for
// a million Customer PKIDs, against about 0.05 s here). A bucket grows by
// chunks that double up to idChunkMax entries, so growing copies nothing:
// the slack is at most one chunk a bucket, and a file of ten million rows
// needs about 10.5 bytes a row. The first idSmallMax rows are kept in one
// slice and spread into the buckets only when more come, so a small file
// makes a few allocations, not one a bucket.
//
// Two different identifiers share a hash with a probability of about
// n²/2⁶⁵ (3·10⁻⁸ for a million rows); such a collision would be reported
// as a repeat at both lines, which a reader can check by eye.
type idLog struct {
	seed    maphash.Seed
	small   []idSlot             // the rows while there are few
	buckets *[idBuckets]idBucket // the rows once there are many
	n       int
}

// idBucket is the rows of one bucket, in chunks: hashes[k][i] is a row's
// hash and deltas[k][i] its line less the line of the row before it in
// the bucket (the first: less 0), or idFar when that does not fit 16 bits
// and the line is the next of far. Chunks are made at their full length
// and the last holds n rows, so adding a row writes two values and a
// count, not slice headers.
//
// What adding a row touches comes first, the chunk being filled kept
// beside the lists: one line of the bucket, where indexing the lists took
// two more (BenchmarkIDLogTime: 61 ms -> 53-56 ms a million rows).
type idBucket struct {
	curHashes []uint64 // hashes[len(hashes)-1]
	curDeltas []uint16 // deltas[len(deltas)-1]
	n         uint32
	last      uint32 // the line of the bucket's last row

	hashes [][]uint64
	deltas [][]uint16
	far    []uint32
}

const idFar = 1<<16 - 1

// idSlot is a hash and a line, in 32-bit parts so that it takes 12 bytes.
type idSlot struct{ hashHi, hashLo, line uint32 }

func (e idSlot) hash() uint64 { return uint64(e.hashHi)<<32 | uint64(e.hashLo) }

const (
	idBucketBits = 8
	idBuckets    = 1 << idBucketBits
	idChunkMin   = 8
	idChunkMax   = 4096 // entries
	idSmallMax   = 4096
)

func newIDLog(seed maphash.Seed) *idLog { return &idLog{seed: seed} }

// add records the identifier id at line; lines come in ascending order.
func (l *idLog) add(id string, line int) { l.addHash(maphash.String(l.seed, id), line) }

// addHash is add for an identifier already hashed with the log's seed.
func (l *idLog) addHash(h uint64, line int) {
	l.n++
	if l.buckets == nil {
		if len(l.small) < idSmallMax {
			l.small = append(l.small, idSlot{hashHi: uint32(h >> 32), hashLo: uint32(h), line: uint32(line)})
			return
		}
		l.buckets = new([idBuckets]idBucket)
		for _, e := range l.small {
			l.push(e.hash(), e.line)
		}
		l.small = nil
	}
	l.push(h, uint32(line))
}

// push appends a row to its bucket.
func (l *idLog) push(h uint64, line uint32) {
	b := &l.buckets[bucketOf(h)]
	// A line out of order wraps to a large distance: kept whole, so
	// still right.
	d := line - b.last
	if d >= idFar {
		b.far = append(b.far, line)
		d = idFar
	}
	if int(b.n) == len(b.curHashes) {
		size := nextChunkSize(b.hashes)
		b.curHashes, b.curDeltas = make([]uint64, size), make([]uint16, size)
		b.hashes = append(b.hashes, b.curHashes)
		b.deltas = append(b.deltas, b.curDeltas)
		b.n = 0
	}
	b.curHashes[b.n] = h
	b.curDeltas[b.n] = uint16(d)
	b.n++
	b.last = line
}

// appendChunked appends v to the last of chunks, starting a chunk when it
// is full: chunks double from idChunkMin to idChunkMax entries, so growing
// never copies, and the slack is at most the last chunk.
func appendChunked[T any](chunks [][]T, v T) [][]T {
	k := len(chunks)
	if k == 0 || len(chunks[k-1]) == cap(chunks[k-1]) {
		chunks = append(chunks, make([]T, 0, nextChunkSize(chunks)))
		k++
	}
	chunks[k-1] = append(chunks[k-1], v)
	return chunks
}

// nextChunkSize is the size of the chunk to add after chunks: idChunkMin
// for the first, then twice the last one's, up to idChunkMax.
func nextChunkSize[T any](chunks [][]T) int {
	if len(chunks) == 0 {
		return idChunkMin
	}
	return min(2*cap(chunks[len(chunks)-1]), idChunkMax)
}

// bucketOf is the bucket of a hash: its top idBucketBits.
func bucketOf(h uint64) int { return int(h >> (64 - idBucketBits)) }

// searchBucket is searchUniform within one bucket, whose hashes share
// their top bits: below those they are uniform too.
func searchBucket(n int, h uint64, at func(int) uint64) int {
	return searchUniform(n, h<<idBucketBits, func(i int) uint64 { return at(i) << idBucketBits })
}

// slots appends the bucket's rows to dst, lines restored.
func (b *idBucket) slots(dst []idSlot) []idSlot {
	line, far := uint32(0), b.far
	for k, hashes := range b.hashes {
		if k == len(b.hashes)-1 {
			hashes = hashes[:b.n]
		}
		for i, h := range hashes {
			if d := b.deltas[k][i]; d == idFar {
				line, far = far[0], far[1:]
			} else {
				line += uint32(d)
			}
			dst = append(dst, idSlot{hashHi: uint32(h >> 32), hashLo: uint32(h), line: line})
		}
	}
	return dst
}

// len is the number of rows recorded.
func (l *idLog) len() int { return l.n }

// idRepeat is an identifier's occurrence at line after its first at first.
type idRepeat struct{ line, first uint32 }

// finish returns the repeats in line order and, when keep is set, the set
// of the distinct identifiers. It consumes l: each bucket is let go as
// soon as it is sorted, so finishing needs no second copy of the rows.
//
// Without a set to keep, a large log is finished in two halves at once
// (see bucketsInHalves). With a set, on one goroutine: done in halves at
// once, a 1.1 GB extract peaked 6 MB higher, at the 64 MiB bar, as the
// collector fell behind the garbage of the buckets let go while the set
// grew.
func (l *idLog) finish(keep bool) ([]idRepeat, *idSet) {
	var set *idSet
	if keep {
		set = &idSet{seed: l.seed}
	}
	var reps []idRepeat
	if l.buckets == nil {
		reps = finishSlots(l.small, 0, set, nil, &finishScratch{})
		sortRepeats(reps)
	} else {
		reps = bucketsInHalves(!keep && l.n >= idParallelFinish, func(from, to int) []idRepeat {
			return l.finishBuckets(from, to, set)
		})
	}
	l.small, l.buckets = nil, nil
	l.n = 0
	return reps, set
}

// bucketsInHalves runs finish over every bucket, as two halves on two
// goroutines when parallel, and returns the repeats it found in line
// order. A log or table is finished once its file has been read, when the
// goroutines that inflated and hashed the file are idle.
func bucketsInHalves(parallel bool, finish func(from, to int) []idRepeat) []idRepeat {
	var reps []idRepeat
	if !parallel {
		reps = finish(0, idBuckets)
	} else {
		var halves [2][]idRepeat
		var wg sync.WaitGroup
		for h := range halves {
			wg.Go(func() { halves[h] = finish(h*idBuckets/2, (h+1)*idBuckets/2) })
		}
		wg.Wait()
		reps = append(halves[0], halves[1]...)
	}
	sortRepeats(reps)
	return reps
}

// sortRepeats puts repeats in line order.
func sortRepeats(reps []idRepeat) {
	slices.SortFunc(reps, func(a, b idRepeat) int { return cmp.Compare(a.line, b.line) })
}

// idParallelFinish is the size of a log from which finish may use two
// goroutines.
const idParallelFinish = 1 << 16

// finishBuckets finds the repeats of buckets [from, to) and adds their
// distinct hashes to set (when not nil).
func (l *idLog) finishBuckets(from, to int, set *idSet) []idRepeat {
	var reps []idRepeat
	var slots []idSlot
	var sc finishScratch
	for b := from; b < to; b++ {
		slots = l.buckets[b].slots(slots[:0])
		l.buckets[b] = idBucket{}
		reps = finishSlots(slots, idBucketBits, set, reps, &sc)
	}
	return reps
}

// finishScratch is what finishSlots reuses from one bucket to the next.
type finishScratch struct {
	sorted []idSlot
	counts []int
	table  []uint32
}

// finishSlots appends to reps the repeats among slots (a bucket, or a
// small log's rows), whose hashes share their top skip bits, and adds
// their distinct hashes to set (when not nil), which must be sorted: the
// slots are sorted then. Without a set the repeats are found by a table
// (repeatsByTable), three times as fast as sorting (BenchmarkIDLogFinish),
// unless the slots are out of line order.
func finishSlots(slots []idSlot, skip int, set *idSet, reps []idRepeat, sc *finishScratch) []idRepeat {
	if set == nil {
		var ok bool
		if reps, ok = repeatsByTable(slots, reps, sc); ok {
			return reps
		}
	}
	sc.sorted, sc.counts = sortSlots(sc.sorted, slots, sc.counts, skip)
	if set != nil {
		set.reserve(sc.sorted)
	}
	return distinct(sc.sorted, reps, set)
}

// repeatsByTable appends to reps the repeats among slots, each with the
// first line of its identifier. The table (sc.table, reused) is open
// addressing on the hash's low bits, holding each distinct hash's first
// slot (as its index plus one; 0 is empty) at no more than half full: a
// bucket's table (a few thousand rows, 4 bytes an entry) stays in the CPU
// cache, where sorting moved every slot twice. The first slot met is the
// identifier's first line only when the slots are in line order, as
// callers add them; on a slot out of order it returns reps as they came
// and false, and the caller sorts.
func repeatsByTable(slots []idSlot, reps []idRepeat, sc *finishScratch) ([]idRepeat, bool) {
	size := 1 << max(4, bits.Len(uint(2*len(slots))))
	if cap(sc.table) < size {
		sc.table = make([]uint32, size)
	}
	table := sc.table[:size]
	clear(table)
	mask := uint64(size - 1)
	had, last := len(reps), uint32(0)
	for i, e := range slots {
		if e.line < last {
			return reps[:had], false
		}
		last = e.line
		h := e.hash()
		for j := h & mask; ; j = (j + 1) & mask {
			k := table[j]
			if k == 0 {
				table[j] = uint32(i + 1)
				break
			}
			if first := slots[k-1]; first.hash() == h {
				reps = append(reps, idRepeat{line: e.line, first: first.line})
				break
			}
		}
	}
	return reps, true
}

// distinct appends to reps the repeats among sorted slots, and adds each
// distinct hash to its bucket of set (when not nil).
func distinct(sorted []idSlot, reps []idRepeat, set *idSet) []idRepeat {
	var first uint32 // the line of the current hash's first occurrence
	for i, e := range sorted {
		if i > 0 && e.hash() == sorted[i-1].hash() {
			reps = append(reps, idRepeat{line: e.line, first: first})
			continue
		}
		first = e.line
		if set != nil {
			b := &set.buckets[bucketOf(e.hash())]
			*b = append(*b, e.hash())
		}
	}
	return reps
}

// sortSlots sorts slots by hash, then line, into dst (reused); counts is
// scratch. The hashes are uniform and share their top skip bits, so one
// counting pass on the bits below those spreads them into runs of a few
// slots, which insertion sort finishes: linear time, where a comparison
// sort took three times as long.
func sortSlots(dst, src []idSlot, counts []int, skip int) ([]idSlot, []int) {
	dst = slices.Grow(dst[:0], len(src))[:len(src)]
	if len(src) == 0 {
		return dst, counts
	}
	// About four slots a run: 2^k runs for len(src)/4 slots.
	k := max(1, min(16, bits.Len(uint(len(src)/4))))
	shift := 64 - skip - k
	digit := func(e idSlot) int { return int(e.hash()>>shift) & (1<<k - 1) }
	// counts[d+1] counts digit d, then becomes where the run of d+1 starts.
	counts = slices.Grow(counts[:0], 1<<k+1)[:1<<k+1]
	clear(counts)
	for _, e := range src {
		counts[digit(e)+1]++
	}
	for d := 1; d < len(counts); d++ {
		counts[d] += counts[d-1]
	}
	for _, e := range src {
		d := digit(e)
		dst[counts[d]] = e
		counts[d]++
	}
	// counts[d] is now where the run of d ends.
	from := 0
	for d := 0; d+1 < len(counts); d++ {
		run := dst[from:counts[d]]
		from = counts[d]
		if len(run) > 16 {
			// Many equal hashes: one identifier on many rows.
			slices.SortFunc(run, compareSlots)
			continue
		}
		for i := 1; i < len(run); i++ {
			for j := i; j > 0 && compareSlots(run[j], run[j-1]) < 0; j-- {
				run[j], run[j-1] = run[j-1], run[j]
			}
		}
	}
	return dst, counts
}

func compareSlots(a, b idSlot) int {
	if c := cmp.Compare(a.hash(), b.hash()); c != 0 {
		return c
	}
	return cmp.Compare(a.line, b.line)
}

// idSet is a set of identifier hashes (8 bytes an identifier), sorted in
// the idLog's buckets: the entitlement CSV's ActivationIds, kept while the
// maintenance CSV's links are checked.
type idSet struct {
	seed    maphash.Seed
	buckets [idBuckets][]uint64
}

// reserve gives the buckets of the distinct hashes of sorted (all of
// them for a small log, one for a bucket of a large one) room for exactly
// those hashes, in one allocation, before distinct appends them: a
// doubling slice would hold up to twice what it needs. Appended to one by
// one, a small log's set took an allocation and its regrowths for each of
// 256 buckets, and reading the empty buckets of a new set first made the
// kernel map its untouched pages to the zero page, then fault again on
// the first write and flush the other core's TLB: with --jobs 2 that was
// the largest single source of those flushes (perf, 500 small bundles).
func (s *idSet) reserve(sorted []idSlot) {
	var counts [idBuckets]int
	n := 0
	for i, e := range sorted {
		if i == 0 || e.hash() != sorted[i-1].hash() {
			counts[bucketOf(e.hash())]++
			n++
		}
	}
	all := make([]uint64, n)
	for b, c := range counts {
		if c > 0 {
			s.buckets[b], all = all[:0:c], all[c:]
		}
	}
}

// has reports whether id is in the set.
func (s *idSet) has(id string) bool {
	h := maphash.String(s.seed, id)
	hs := s.buckets[bucketOf(h)]
	j := searchBucket(len(hs), h, func(i int) uint64 { return hs[i] })
	return j < len(hs) && hs[j] == h
}

// searchUniform returns the first index j in [0, n) with at(j) >= h, or n,
// where at is ascending and its values are uniform hashes. The search
// starts where h would be if they were evenly spread and gallops from
// there: a lookup among millions touches one or two cache lines, where a
// binary search would miss the cache at each of its last ten levels.
// Interpolating at every probe instead was measured slower
// (BenchmarkSearchUniform: 130-170 ns a lookup against 100-150 ns).
func searchUniform(n int, h uint64, at func(int) uint64) int {
	if n == 0 {
		return 0
	}
	guess, _ := bits.Mul64(h, uint64(n))
	i := int(guess)
	// j lies in [lo, hi]; at(hi) >= h unless hi == n.
	var lo, hi int
	if at(i) < h {
		lo, hi = i+1, i+1
		for step := 1; hi < n && at(hi) < h; step *= 2 {
			lo, hi = hi+1, min(hi+step, n)
		}
	} else {
		lo, hi = i, i
		for step := 1; lo > 0 && at(lo-1) >= h; step *= 2 {
			hi, lo = lo-1, max(lo-step, 0)
		}
	}
	return lo + sort.Search(hi-lo, func(k int) bool { return at(lo+k) >= h })
}
