package verify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/licaudit/licaudit/generate"
)

// BenchmarkVerifyFlexNet verifies an extract of about 40,000 line items and
// their maintenance items; b.SetBytes counts the ZIP's bytes.
func BenchmarkVerifyFlexNet(b *testing.B) {
	o := generate.DefaultFlexNetOptions()
	o.Entitlements, o.MaxLineItems = 20000, 3
	paths, err := generate.WriteFlexNet(b.TempDir(), o, false)
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(paths[0])
	b.SetBytes(st.Size())
	in := Input{Path: paths[0]}
	b.ResetTimer()
	for b.Loop() {
		if res := Verify(in, DefaultOptions()); len(res.Findings) != 0 {
			b.Fatalf("%s: %d findings", filepath.Base(in.Path), len(res.Findings))
		}
	}
}

// BenchmarkFNEIDs measures collecting and checking a million ActivationIds.
func BenchmarkFNEIDs(b *testing.B) {
	x := newFNEExtract(newSink("x", false), DefaultOptions())
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = "act-" + string(rune('a'+i%26)) + itoaFNE(i)
	}
	b.ResetTimer()
	for b.Loop() {
		s := newFNEIDs(x.seed)
		for i, id := range ids {
			s.add(id, i+2)
		}
		if reps, _ := s.finish(); len(reps) != 0 {
			b.Fatal("repeats")
		}
	}
}

func itoaFNE(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[n:])
		}
	}
}
