package report

import (
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// encodeIndented writes v as JSON indented by two spaces a level, followed
// by a newline, in one pass and streamed to w: encoding/json/v2's encoder
// (the go-json-experiment module, which verify's JSON reader uses too), set
// to write what encoding/json's Encoder writes with SetEscapeHTML(false)
// and SetIndent("", "  "). The Encoder marshalled the whole report compactly
// into memory and then indented it in a second pass that validated every
// byte again, all of it after the last bundle was verified.
//
// The bytes are the Encoder's (TestEncodeIndentedMatchesEncoder,
// FuzzEncodeIndented) but for invalid UTF-8 in a string (a file name, a
// quoted cell), which both replace with U+FFFD: the Encoder writes it as
// the escape \ufffd, this encoder as the character itself. A JSON reader
// gets the same text from either.
func encodeIndented(w io.Writer, v any) error {
	enc := jsontext.NewEncoder(w,
		jsontext.WithIndent("  "),
		jsontext.EscapeForJS(true),      // U+2028 and U+2029 escaped, as encoding/json does
		jsontext.AllowInvalidUTF8(true), // replaced, as encoding/json does, not refused
	)
	return jsonv2.MarshalEncode(enc, v,
		jsonv2.Deterministic(true),        // map keys sorted
		jsonv2.FormatNilSliceAsNull(true), // as encoding/json; contractShape makes
		jsonv2.FormatNilMapAsNull(true),   // the report's own [] and {}
	)
}
