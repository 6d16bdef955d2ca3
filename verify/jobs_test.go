package verify

import (
	"path/filepath"
	"reflect"
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

// TestInputQueue runs the queue's inputs on three workers, as Run does,
// with work that takes long for a large input: never may two large inputs
// run at once, every input must be taken once, large ones before small
// ones where a worker may choose, and the small ones must run beside a
// large one rather than after it.
func TestInputQueue(t *testing.T) {
	sizes := []int64{1, largeInput, 5, largeInput + 9, 2, largeInput * 3, 7, 3, 8, 4, 6, 9}
	inputs := make([]Input, len(sizes))
	for i, n := range sizes {
		inputs[i].Size = n
	}
	q := newInputQueue(inputs)
	var (
		mu                  sync.Mutex
		order               []int
		largeNow, largeMost int
		smallBesideLarge    int
	)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				i, ok := q.take()
				if !ok {
					return
				}
				large := inputs[i].Size >= largeInput
				mu.Lock()
				order = append(order, i)
				if large {
					largeNow++
					largeMost = max(largeMost, largeNow)
				} else if largeNow > 0 {
					smallBesideLarge++
				}
				mu.Unlock()
				if large {
					time.Sleep(20 * time.Millisecond)
				} else {
					time.Sleep(time.Millisecond)
				}
				mu.Lock()
				if large {
					largeNow--
				}
				mu.Unlock()
				q.done(i)
			}
		})
	}
	wg.Wait()
	if largeMost != 1 {
		t.Errorf("%d large inputs ran at once, want 1", largeMost)
	}
	slices.Sort(order)
	for i := range order {
		if order[i] != i {
			t.Fatalf("inputs taken %v, want each of 0..%d once", order, len(inputs)-1)
		}
	}
	if smallBesideLarge == 0 {
		t.Error("no small input ran beside a large one")
	}
	if _, ok := q.take(); ok {
		t.Error("an input was taken after every input was")
	}

	// One worker takes large inputs first, largest first, then the small
	// ones, largest first; a second worker, while a large one runs, takes
	// the largest small one.
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
	if want := []int{5, 3, 1, 11, 8, 6, 10, 2, 9, 7, 4, 0}; !slices.Equal(one, want) {
		t.Errorf("one worker took %v, want %v", one, want)
	}
	q = newInputQueue(inputs)
	if a, _ := q.take(); a != 5 {
		t.Errorf("the first input taken is %d, want the largest, 5", a)
	}
	if b, _ := q.take(); b != 11 {
		t.Errorf("beside a large input, %d was taken, want the largest small one, 11", b)
	}
}
