package hostile

import (
	"bytes"
	"testing"
)

// TestCasesWellFormed: every case has a unique name, an input file name, a
// description and at least one expected rule, and the small ones are
// deterministic (the checked-in corpus is compared byte for byte).
func TestCasesWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Cases() {
		switch {
		case seen[c.Name]:
			t.Errorf("case %q twice", c.Name)
		case c.File == "" || c.What == "" || len(c.Expect) == 0 || c.Write == nil:
			t.Errorf("case %q lacks a file, description, expectation or writer", c.Name)
		}
		seen[c.Name] = true
		if c.Large {
			continue
		}
		a, errA := c.Bytes()
		b, errB := c.Bytes()
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("case %q is not deterministic (%v, %v)", c.Name, errA, errB)
		}
	}
	for _, c := range Controls() {
		if seen[c.Name] {
			t.Errorf("the control %q is among the cases or the controls twice", c.Name)
		}
		seen[c.Name] = true
		if got, ok := Lookup(c.Name); !ok || got.What != c.What {
			t.Errorf("Lookup(%q) does not find the control", c.Name)
		}
	}
}
