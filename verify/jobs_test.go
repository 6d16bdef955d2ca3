package verify

import (
	"path/filepath"
	"reflect"
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
