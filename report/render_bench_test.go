package report

import (
	"io"
	"testing"
)

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
