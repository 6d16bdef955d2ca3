package verify

// A fence indexes a bucket's sorted hashes for lookups from a large set:
// it holds the 32 bits below the bucket's of every fenceStep-th hash, a
// quarter of a byte a row, so the fences of a million rows take 250 KB and
// stay in the cache while the rows (20 MB in the customer table) do not.
// A lookup searches the fence, then the run of fenceStep adjacent rows it
// points to, from the row the fence says is likely (see fenceRun):
// BenchmarkSearchFence, a million rows of 24 bytes, 168 to 175 ns a
// lookup against 353 to 370 galloping through the rows themselves (210
// to 240 ns when the fence was binary-searched and the run read from its
// start).
const fenceStep = 16

// fencePrefix is the part of h a fence holds.
func fencePrefix(h uint64) uint32 { return uint32(h << idBucketBits >> 32) }

// appendFence appends to dst the fence of a bucket of n hashes, ascending.
func appendFence(dst []uint32, n int, at func(int) uint64) []uint32 {
	for i := 0; i < n; i += fenceStep {
		dst = append(dst, fencePrefix(at(i)))
	}
	return dst
}

// fenceRun returns the run of rows [from, to) that holds the first row at
// or above h, or ends where it would be, and guess, the row of the run it
// is likely at. Every row before a fence entry below h's prefix is below
// h, and the row at an entry above it is above h: what is left between is
// a run of fenceStep rows, more only when entries share h's prefix (seeded
// hashes, so as rare as chance makes it). The fence entries are uniform,
// so the run is found by searchUniform (in the cache line it guesses, most
// often), and so are the rows within it: h is about as far into the run
// as its prefix is from the entry before to the entry after.
func fenceRun(fence []uint32, n int, h uint64) (from, to, guess int) {
	p := fencePrefix(h)
	lo := searchUniform(len(fence), uint64(p)<<32, func(i int) uint64 { return uint64(fence[i]) << 32 })
	hi := lo
	for hi < len(fence) && fence[hi] == p {
		hi++
	}
	from, to = max(lo-1, 0)*fenceStep, min(hi*fenceStep, n)
	guess = from + (to-from)/2
	if lo > 0 && hi == lo && lo < len(fence) {
		// fence[lo-1] < p < fence[lo], and the run is fenceStep rows.
		below, above := fence[lo-1], fence[lo]
		guess = from + int(uint64(p-below)*fenceStep/uint64(above-below))
	}
	return from, to, guess
}

// searchRun returns the first index j in [from, to) with at(j) >= h, or
// to, where at is ascending, looking first at guess (from <= guess <= to).
func searchRun(from, to, guess int, h uint64, at func(int) uint64) int {
	j := guess
	for j > from && at(j-1) >= h {
		j--
	}
	for j < to && at(j) < h {
		j++
	}
	return j
}
