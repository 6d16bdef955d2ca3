package verify

import (
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestRunIsDeterministic verifies the checked-in corpora (valid bundles and
// one defect bundle per rule, many with findings) one at a time and four at
// a time: the results, in order, must be identical.
func TestRunIsDeterministic(t *testing.T) {
	inputs, err := Collect([]string{filepath.Join("..", "testdata")}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < 20 {
		t.Fatalf("only %d inputs in the corpora", len(inputs))
	}
	run := func(jobs int) []Result {
		opts := DefaultOptions()
		opts.Jobs = jobs
		return Run(inputs, opts)
	}
	one, four := run(1), run(4)
	findings := 0
	for i := range one {
		findings += len(one[i].Findings)
		if !reflect.DeepEqual(one[i], four[i]) {
			t.Fatalf("%s: --jobs 1 and --jobs 4 differ:\n%+v\n%+v", inputs[i].Path, one[i], four[i])
		}
	}
	if findings == 0 {
		t.Fatal("the corpora gave no findings; the comparison proves little")
	}
}

// TestWorkers: --jobs 0 follows GOMAXPROCS (a container's CPU limit), not
// the number of CPUs, and Run starts no worker without an input to give it.
func TestWorkers(t *testing.T) {
	procs := runtime.NumCPU() + 1
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	for _, c := range []struct{ jobs, inputs, want int }{
		{0, 100, procs}, {0, 1, 1}, {1, 10, 1}, {8, 10, 8}, {8, 5, 5}, {4, 0, 0},
	} {
		if got := workers(c.jobs, c.inputs); got != c.want {
			t.Errorf("workers(%d, %d) with GOMAXPROCS %d = %d, want %d", c.jobs, c.inputs, procs, got, c.want)
		}
	}
}

// TestLargestFirst checks the order Run starts inputs in: by size, the
// largest first, inputs of one size in their order.
func TestLargestFirst(t *testing.T) {
	for _, c := range []struct {
		sizes []int64
		want  []int
	}{
		{nil, []int{}},
		{[]int64{5}, []int{0}},
		{[]int64{1, 2, 3}, []int{2, 1, 0}},
		{[]int64{3, 2, 1}, []int{0, 1, 2}},
		{[]int64{7, 900, 7, 0, 900, 7}, []int{1, 4, 0, 2, 5, 3}},
	} {
		inputs := make([]Input, len(c.sizes))
		for i, n := range c.sizes {
			inputs[i].Size = n
		}
		if got := largestFirst(inputs); !slices.Equal(got, c.want) {
			t.Errorf("sizes %v: order %v, want %v", c.sizes, got, c.want)
		}
	}
}

const mib = 1 << 20

// sizedInputs makes inputs of the given sizes on disk.
func sizedInputs(sizes ...int64) []Input {
	inputs := make([]Input, len(sizes))
	for i, n := range sizes {
		inputs[i].Size = n
	}
	return inputs
}

// TestInputQueueOrder takes inputs one step at a time, as workers would,
// and states each step: the largest input first; a large input (16 MiB or
// more) alone; inputs below it side by side while their sizes, each
// counted as at least 512 KiB, stay within 32 MiB; the smallest input
// when the largest left does not fit; nothing when nothing fits.
func TestInputQueueOrder(t *testing.T) {
	type step struct {
		done int // the input that ends before the step (-1: none)
		take int // the input taken (-1: none fits)
	}
	for _, c := range []struct {
		name  string
		sizes []int64
		steps []step
	}{{
		name:  "a large input runs alone",
		sizes: []int64{1, 16 * mib, 2},
		steps: []step{{-1, 1}, {-1, -1}, {1, 2}, {-1, 0}},
	}, {
		name:  "large inputs one at a time, largest first",
		sizes: []int64{20 * mib, 900 * mib, 16 * mib},
		steps: []step{{-1, 1}, {-1, -1}, {1, 0}, {-1, -1}, {0, 2}},
	}, {
		name:  "two just below large at once, the smallest beside them",
		sizes: []int64{15 * mib, 1024, 16*mib - 1, 14 * mib, 2048},
		steps: []step{{-1, 2}, {-1, 0}, {-1, 1}, {-1, 4}, {-1, -1}, {2, 3}, {-1, -1}},
	}, {
		name: "small inputs count at least 512 KiB: 64 at once",
		// 65 inputs of a byte: the 65th waits for one to end.
		sizes: slices.Repeat([]int64{1}, 65),
		steps: append(func() []step {
			s := make([]step, 64)
			for i := range s {
				s[i] = step{-1, i}
			}
			return s
		}(), step{-1, -1}, step{7, 64}),
	}, {
		name:  "a large input waits for the small ones in flight",
		sizes: []int64{1, 100 * mib, 3},
		steps: []step{{-1, 1}, {1, 2}, {-1, 0}, {-1, -1}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			q := newInputQueue(sizedInputs(c.sizes...))
			for n, s := range c.steps {
				if s.done >= 0 {
					q.done(s.done)
				}
				got, ok := q.next()
				if !ok {
					got = -1
				}
				if got != s.take {
					t.Fatalf("step %d: took %d, want %d", n, got, s.take)
				}
			}
		})
	}
}

// TestInputQueue runs the queue's inputs on four workers, as Run does, with
// work that takes longer for larger inputs, and watches what runs at once:
// never a large input beside another, never more than 32 MiB of the others
// (each counted as at least 512 KiB), every input once, and small inputs
// side by side (the budget must not make a directory of small bundles run
// one at a time).
func TestInputQueue(t *testing.T) {
	sizes := []int64{1, largeInput, 5, largeInput + 9, 12 * mib, 2, largeInput * 3, 7,
		15 * mib, 3, 8, 10 * mib, 4, 6, 9 * mib, 9, 11 * mib}
	inputs := sizedInputs(sizes...)
	q := newInputQueue(inputs)
	var (
		mu                  sync.Mutex
		taken               []int
		running             = map[int]bool{}
		largeBeside         bool
		weightMost          int64
		smallTogether       int
		largeSeen, smallRan bool
	)
	counted := func(size int64) int64 { return max(size, 512<<10) }
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				i, ok := q.take()
				if !ok {
					return
				}
				mu.Lock()
				taken = append(taken, i)
				running[i] = true
				var weight int64
				smalls, large := 0, false
				for r := range running {
					if inputs[r].Size >= 16*mib {
						large = true
					} else {
						smalls++
						weight += counted(inputs[r].Size)
					}
				}
				if large && len(running) > 1 {
					largeBeside = true
				}
				largeSeen = largeSeen || large
				smallRan = smallRan || smalls > 0
				weightMost = max(weightMost, weight)
				smallTogether = max(smallTogether, smalls)
				mu.Unlock()
				time.Sleep(time.Millisecond + time.Duration(inputs[i].Size>>20)*time.Millisecond/4)
				mu.Lock()
				delete(running, i)
				mu.Unlock()
				q.done(i)
			}
		})
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(time.Minute):
		t.Fatal("the workers still wait after a minute: the queue never woke them")
	}
	if largeBeside {
		t.Error("a large input ran beside another input")
	}
	if weightMost > 32*mib {
		t.Errorf("%d MiB of small inputs ran at once, want 32 at most", weightMost>>20)
	}
	if !largeSeen || !smallRan {
		t.Fatal("the inputs were not taken")
	}
	if smallTogether < 3 {
		t.Errorf("at most %d small inputs ran at once on 4 workers, want 3 or more", smallTogether)
	}
	slices.Sort(taken)
	for i := range taken {
		if taken[i] != i {
			t.Fatalf("inputs taken %v, want each of 0..%d once", taken, len(inputs)-1)
		}
	}
	if _, ok := q.take(); ok {
		t.Error("an input was taken after every input was")
	}

	// One worker takes the inputs largest first.
	q = newInputQueue(inputs)
	var one []int
	for {
		i, ok := q.take()
		if !ok {
			break
		}
		one = append(one, i)
		q.done(i)
	}
	if want := []int{6, 3, 1, 8, 4, 16, 11, 14, 15, 10, 7, 13, 2, 12, 9, 5, 0}; !slices.Equal(one, want) {
		t.Errorf("one worker took %v, want %v", one, want)
	}
}
