package report

import (
	"fmt"
	"io"
	"testing"
)

// manyBundles is a report of n bundles made of the fixture's, each under a
// path of its own: the size of a month's intake, where a renderer's cost
// per bundle shows.
func manyBundles(n int) *Report {
	base := fixture()
	r := *base
	r.Bundles = make([]Bundle, 0, n)
	for i := range n {
		b := base.Bundles[i%len(base.Bundles)]
		b.Path = fmt.Sprintf("in/%04d/%s", i, baseName(b.Path))
		r.Bundles = append(r.Bundles, b)
	}
	r.Finalize()
	return &r
}

// BenchmarkRender renders 500 bundles in every format.
func BenchmarkRender(b *testing.B) {
	r := manyBundles(500)
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			rd, err := New(format, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := rd.Render(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
