package verify

import (
	"cmp"
	"slices"
	"sync"
)

// largeInput is the size on disk (a bundle with its detailed CSV) from
// which Run counts an input as large and verifies it only while no other
// large input is being verified. Most of a large input's memory is its
// per-row state, which grows with its rows: 57 MiB of peak RSS for a
// million customers reconciled, 53 MiB for an extract with a 1.1 GB
// member (docs/performance.md, Memory). Two such inputs at once went past
// the 64 MiB bar and gained no time, because one already keeps two cores
// busy (two reconciled intakes of a million customers, 106 MB on disk
// each, --jobs 2: 100 MiB and 2.52 s; one after the other: 57 MiB and
// 2.50 s). Below this size two at once stay well under the bar: two VOSS
// bundles of 15.8 MB (680,000 customers each) peaked at 34 MiB, two
// FlexNet extracts of 15.7 MB at 37 MiB.
const largeInput = 16 << 20

// inputQueue hands inputs to Run's workers: the largest first, and a large
// input (see largeInput) only while no other is being verified. A worker
// that finds a large input running takes a small one instead, and waits
// only when nothing but large inputs is left; so the small bundles of a
// month's intake keep the other cores busy beside its large exports.
// Taking an input wakes no goroutine: the queue is a list under a lock,
// where a channel fed one input at a time woke its sender for each (4%
// of the CPU time of 500 small bundles).
type inputQueue struct {
	inputs []Input
	mu     sync.Mutex
	free   sync.Cond // signalled when the large input running ends
	large  []int     // indexes of large inputs not started, largest first
	small  []int     // the others, largest first
	// largeRunning: a large input has been taken and is not done.
	largeRunning bool
}

func newInputQueue(inputs []Input) *inputQueue {
	q := &inputQueue{inputs: inputs}
	q.free.L = &q.mu
	for _, i := range largestFirst(inputs) {
		if q.isLarge(i) {
			q.large = append(q.large, i)
		} else {
			q.small = append(q.small, i)
		}
	}
	return q
}

// take returns the index of the next input to verify, waiting while only
// large inputs are left and one of them runs, and false once every input
// has been taken. The caller reports the input's end with done.
func (q *inputQueue) take() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		switch {
		case len(q.large) > 0 && !q.largeRunning:
			i := q.large[0]
			q.large = q.large[1:]
			q.largeRunning = true
			return i, true
		case len(q.small) > 0:
			i := q.small[0]
			q.small = q.small[1:]
			return i, true
		case len(q.large) == 0:
			return 0, false
		}
		q.free.Wait()
	}
}

// isLarge reports whether input i is large (see largeInput).
func (q *inputQueue) isLarge(i int) bool { return q.inputs[i].Size >= largeInput }

// done reports that input i, taken from q, is verified.
func (q *inputQueue) done(i int) {
	if !q.isLarge(i) {
		return
	}
	q.mu.Lock()
	q.largeRunning = false
	q.mu.Unlock()
	q.free.Broadcast()
}

// largestFirst is the order to start inputs in: largest first, ties in
// input order. A month's intake mixes a few large exports with hundreds of
// small ones; started in path order, a large one that sorts last runs
// alone at the end while the other workers idle, and started first it
// runs beside the small ones.
func largestFirst(inputs []Input) []int {
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(inputs[b].Size, inputs[a].Size) })
	return order
}
