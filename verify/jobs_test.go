package verify

import (
	"path/filepath"
	"reflect"
	"slices"
	"testing"
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
