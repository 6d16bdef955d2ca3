package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
)

// BenchmarkRunDirectory verifies a directory of 100 small bundles, as
// bench/run.sh's directory of 500 (four VOSS bundles of 300 customers to
// one FlexNet extract of 200 entitlements), one and two at a time. It
// times Run alone: the process start and the report, which do not scale
// with --jobs, are not in it, so its jobs=1 / jobs=2 ratio is the most
// the command can gain.
func BenchmarkRunDirectory(b *testing.B) {
	dir := b.TempDir()
	const bundles = 100
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= bundles; i++ {
		at := at.Add(time.Duration(i) * time.Hour)
		out := b.TempDir() // the detailed CSV stays behind: a receiver gets the ZIPs
		var paths []string
		var err error
		if i%5 == 0 {
			o := generate.DefaultFlexNetOptions()
			o.Entitlements, o.Seed, o.At = 200, uint64(i), at
			paths, err = generate.WriteFlexNet(out, o, false)
		} else {
			paths, err = generate.WriteVOSS(out, generate.VOSSOptions{Provider: "CS-P", Host: fmt.Sprintf("VOSS-%d", i),
				At: at, Customers: 300, Patches: 2, Seed: uint64(i)}, false)
		}
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range paths {
			if filepath.Ext(p) == ".zip" {
				if err := os.Rename(p, filepath.Join(dir, filepath.Base(p))); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	inputs, err := Collect([]string{dir}, "")
	if err != nil || len(inputs) != bundles {
		b.Fatalf("%d inputs collected (%v)", len(inputs), err)
	}
	var size int64
	for _, in := range inputs {
		size += in.Size
	}
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			opts := DefaultOptions()
			opts.Jobs = jobs
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, res := range Run(inputs, opts) {
					for _, f := range res.Findings {
						if f.Severity == finding.Error {
							b.Fatalf("%s: %s: %s", filepath.Base(res.Path), f.Rule, f.Message)
						}
					}
				}
			}
			b.ReportMetric(float64(bundles*b.N)/b.Elapsed().Seconds(), "bundles/s")
		})
	}
}
