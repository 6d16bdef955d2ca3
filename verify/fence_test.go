package verify

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// searchFence returns the first index j in [0, n) with at(j) >= h, or n,
// where at is ascending, of one bucket, and fence is its fence: one
// lookup through fenceRun and searchRun, as findAll makes many.
func searchFence(fence []uint32, n int, h uint64, at func(int) uint64) int {
	from, to, guess := fenceRun(fence, n, h)
	return searchRun(from, to, guess, h, at)
}

// BenchmarkSearchFence is BenchmarkSearchUniform through the buckets'
// fences (see searchFence), with rows of 24 bytes, about the customer
// table's.
func BenchmarkSearchFence(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	type row struct {
		h uint64
		_ [2]uint64
	}
	var buckets [256][]row
	for range 1 << 20 {
		h := rng.Uint64()
		buckets[bucketOf(h)] = append(buckets[bucketOf(h)], row{h: h})
	}
	var fences [256][]uint32
	for i := range buckets {
		slices.SortFunc(buckets[i], func(x, y row) int { return cmp.Compare(x.h, y.h) })
		rows := buckets[i]
		fences[i] = appendFence(nil, len(rows), func(k int) uint64 { return rows[k].h })
	}
	probes := make([]uint64, 1<<16)
	for i := range probes {
		rows := buckets[rng.IntN(256)]
		probes[i] = rows[rng.IntN(len(rows))].h
	}
	for _, fenced := range []bool{false, true} {
		b.Run(map[bool]string{false: "gallop", true: "fence"}[fenced], func(b *testing.B) {
			for i := range b.N {
				h := probes[i%len(probes)]
				bk := bucketOf(h)
				rows := buckets[bk]
				at := func(k int) uint64 { return rows[k].h }
				var j int
				if fenced {
					j = searchFence(fences[bk], len(rows), h, at)
				} else {
					j = searchBucket(len(rows), h, at)
				}
				if rows[j].h != h {
					b.Fatal("not found")
				}
			}
		})
	}
}

// TestSearchFence checks the fenced search against a binary search, on
// buckets of every size around the fence step, with hashes that share
// their fence prefix in runs (more than a step of them), present and
// absent.
func TestSearchFence(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 15, 16, 17, 33, 100, 1000} {
		for _, sharedRun := range []int{1, 3, 40} {
			var vals []uint64
			for len(vals) < n {
				h := rng.Uint64() >> idBucketBits // one bucket: top byte 0
				for k := 0; k < sharedRun && len(vals) < n; k++ {
					vals = append(vals, h&^0xffffff|uint64(rng.Uint32()&0xffffff)) // fencePrefix is bits 24 to 55
				}
			}
			slices.Sort(vals)
			vals = slices.Compact(vals)
			at := func(i int) uint64 { return vals[i] }
			fence := appendFence(nil, len(vals), at)
			probes := []uint64{0, ^uint64(0) >> idBucketBits}
			for _, v := range vals {
				probes = append(probes, v, v+1, v-1)
			}
			for _, h := range probes {
				want, _ := slices.BinarySearch(vals, h)
				if got := searchFence(fence, len(vals), h, at); got != want {
					t.Fatalf("n=%d run=%d h=%#x: %d, want %d", n, sharedRun, h, got, want)
				}
			}
		}
	}
}
