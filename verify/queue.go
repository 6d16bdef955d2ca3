package verify

import (
	"cmp"
	"slices"
	"sync"
)

// largeInput is the size on disk (a bundle with its detailed CSV) from
// which Run counts an input as large and verifies it alone. Most of a
// large input's memory is its per-row state, which grows with its rows:
// 57 MiB of peak RSS for a million customers reconciled, 53 MiB for an
// extract with a 1.1 GB member (docs/performance.md, Memory), so nothing
// fits beside it under the 64 MiB bar. Nor does anything beside it save
// time, as its members already keep two cores busy:
//   - two reconciled intakes of a million customers, 106 MB on disk each,
//     with --jobs 2 took 100 MiB and 2.52 s, one after the other 57 MiB
//     and 2.50 s;
//   - the bench's month's intake (that intake and a FlexNet extract of a
//     million line items among 500 small bundles) with --jobs 2 took 60
//     MiB and 2.17 s with the small bundles beside the large ones (65 to
//     68 MiB on 64 threads), and 1.90 s and 58 MiB with each large input
//     alone (61 MiB on 64 threads; times are medians of 9): with a large
//     input's state near the memory limit, the small bundles' garbage made
//     the collector run often over it.
//
// Below this size two at once stay well under the bar: two VOSS bundles of
// 15.8 MB (680,000 customers each) peaked at 34 MiB, two FlexNet extracts
// of 15.7 MB at 37 MiB.
const largeInput = 16 << 20

// inFlightBudget bounds the inputs verified at once by their weight, their
// size on disk: a bundle's per-row state grows with its size, so on a
// machine of many cores --jobs alone would let memory grow with the cores.
// Eight VOSS ZIPs of 14 MB (600,000 customers each) with --jobs 8 on eight
// threads peaked at 89 to 94 MiB; two at a time, as the budget lets them,
// at 52 MiB. It fits two inputs just below largeInput: two cores' worth,
// so on two cores it keeps nothing waiting that ran before.
const inFlightBudget = 2 * largeInput

// smallestWeight is the weight of an input smaller than it: whatever its
// size, a bundle in flight holds buffers, an inflater and tables of its
// own (about a quarter of a MiB for the bench's small bundles). It bounds
// the small bundles verified at once to 64, whatever the machine.
const smallestWeight = 512 << 10

// inputQueue hands inputs to Run's workers: the largest first, a large one
// (see largeInput) alone, and the others as long as the weights of those in
// flight stay within inFlightBudget. A worker that finds no room for the
// largest input left takes the smallest, and waits only when that does not
// fit either. Taking an input wakes no goroutine: the queue is a list
// under a lock, where a channel fed one input at a time woke its sender
// for each (4% of the CPU time of 500 small bundles); ending one wakes
// workers only if some wait.
type inputQueue struct {
	inputs   []Input
	mu       sync.Mutex
	free     sync.Cond // signalled when an input ends and workers wait
	left     []int     // indexes of the inputs not started, largest first
	inFlight int64     // the weight of the inputs taken and not done
	waiting  int       // workers waiting in take
}

func newInputQueue(inputs []Input) *inputQueue {
	q := &inputQueue{inputs: inputs, left: largestFirst(inputs)}
	q.free.L = &q.mu
	return q
}

// take returns the index of the next input to verify, waiting while none
// left fits beside those in flight, and false once every input has been
// taken. The caller reports the input's end with done.
func (q *inputQueue) take() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.left) > 0 {
		if i, ok := q.next(); ok {
			return i, true
		}
		q.waiting++
		q.free.Wait()
		q.waiting--
	}
	return 0, false
}

// next takes the largest input left if it fits beside those in flight,
// else the smallest (if any input left fits, it does), and says false if
// none fits. q.mu is held.
func (q *inputQueue) next() (int, bool) {
	var i int
	switch last := len(q.left) - 1; {
	case last < 0:
		return 0, false
	case q.fits(q.left[0]):
		i, q.left = q.left[0], q.left[1:]
	case q.fits(q.left[last]):
		i, q.left = q.left[last], q.left[:last]
	default:
		return 0, false
	}
	q.inFlight += q.weight(i)
	return i, true
}

// weight is what input i counts against inFlightBudget: a large input the
// whole budget, so that it runs alone.
func (q *inputQueue) weight(i int) int64 {
	if size := q.inputs[i].Size; size < largeInput {
		return max(size, smallestWeight)
	}
	return inFlightBudget
}

// fits reports whether input i may start beside those in flight. No
// weight is over the budget, so every input fits when none is in flight.
func (q *inputQueue) fits(i int) bool { return q.inFlight+q.weight(i) <= inFlightBudget }

// done reports that input i, taken from q, is verified.
func (q *inputQueue) done(i int) {
	q.mu.Lock()
	q.inFlight -= q.weight(i)
	wake := q.waiting > 0
	q.mu.Unlock()
	if wake {
		q.free.Broadcast()
	}
}

// largestFirst is the order to start inputs in: largest first, ties in
// input order. Started last, a long input would end the run beside idle
// cores; started first, the short ones fill the cores around it. (A large
// input runs alone wherever it comes; first, it is out of the way.)
func largestFirst(inputs []Input) []int {
	order := make([]int, len(inputs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(inputs[b].Size, inputs[a].Size) })
	return order
}
