package report

import (
	"bytes"
	"slices"
	"testing"
)

// TestGolden renders the fixture in every format and compares it with
// testdata/<format>.golden (go test ./report -update rewrites them).
func TestGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			golden(t, format, render(t, format, Options{}, nil))
		})
	}
	t.Run("table-color", func(t *testing.T) {
		golden(t, "table-color", render(t, "table", Options{Color: true}, nil))
	})
}

// TestDeterministic renders twice from fresh fixtures: map iteration (the
// totals' sums, rule lookups) must not leak into the output.
func TestDeterministic(t *testing.T) {
	for _, format := range Formats {
		a := render(t, format, Options{Color: true}, nil)
		for range 5 {
			if b := render(t, format, Options{Color: true}, nil); !bytes.Equal(a, b) {
				t.Fatalf("%s: two renderings of the same report differ", format)
			}
		}
	}
}

// TestFormats checks that every advertised format has a renderer and that
// an unknown one is refused, naming the valid ones.
func TestFormats(t *testing.T) {
	for _, format := range Formats {
		if _, err := New(format, Options{}); err != nil {
			t.Errorf("New(%q): %v", format, err)
		}
	}
	for name := range renderers {
		if !slices.Contains(Formats, name) {
			t.Errorf("renderer %q is registered but not listed in Formats", name)
		}
	}
	_, err := New("yaml", Options{})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("sarif")) {
		t.Errorf("New(yaml) = %v, want an error listing the formats", err)
	}
}

// TestEmptyReport renders a run without bundles in every format: no
// panic, and each still says what it is.
func TestEmptyReport(t *testing.T) {
	r := &Report{Tool: Tool{Name: "licaudit", Version: "1.4.0"}, FailOn: Never}
	r.Finalize()
	for _, format := range Formats {
		out := render(t, format, Options{}, r)
		if format != "github" && len(out) == 0 {
			t.Errorf("%s: empty output for an empty run", format)
		}
		if format == "github" && len(out) != 0 {
			t.Errorf("github: %q for a run without findings, want nothing", out)
		}
	}
}
