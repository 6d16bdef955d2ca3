package report

import (
	"io"

	"github.com/licaudit/licaudit/finding"
)

// JSON renders the report contract (schema_version 1), indented, with a
// trailing newline.
type JSON struct{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, r *Report) error {
	return encodeIndented(w, contractShape(r))
}

// contractShape returns r, or a copy of it whose nil slices and maps are
// empty: the contract (schema/builtin/report.schema.json) promises arrays
// and objects, and a run without inputs, a bundle not yet finalized or a
// CSV without count columns would otherwise marshal null. r is not
// modified.
func contractShape(r *Report) *Report {
	if !needsShape(r) {
		return r
	}
	c := *r
	c.Bundles = make([]Bundle, len(r.Bundles))
	copy(c.Bundles, r.Bundles)
	for i := range c.Bundles {
		b := &c.Bundles[i]
		if b.Findings == nil {
			b.Findings = []finding.Finding{}
		}
		if b.Totals != nil {
			t := *b.Totals
			if t.Columns == nil {
				t.Columns = []string{}
			}
			t.Anonymous, t.Detailed = shapeCSV(t.Anonymous), shapeCSV(t.Detailed)
			b.Totals = &t
		}
	}
	return &c
}

func needsShape(r *Report) bool {
	if r.Bundles == nil {
		return true
	}
	for _, b := range r.Bundles {
		if b.Findings == nil {
			return true
		}
		if t := b.Totals; t != nil && (t.Columns == nil ||
			t.Anonymous != nil && t.Anonymous.Sums == nil ||
			t.Detailed != nil && t.Detailed.Sums == nil) {
			return true
		}
	}
	return false
}

func shapeCSV(t *finding.CSVTotals) *finding.CSVTotals {
	if t == nil || t.Sums != nil {
		return t
	}
	c := *t
	c.Sums = map[string]int64{}
	return &c
}
