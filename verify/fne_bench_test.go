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
