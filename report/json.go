package report

import (
	"encoding/json"
	"io"
)

// JSON renders the report contract (schema_version 1), indented, with a
// trailing newline.
type JSON struct{}

// Render implements Renderer.
func (JSON) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
