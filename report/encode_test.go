package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/licaudit/licaudit/finding"
)

// encoderBytes is what encoding/json's Encoder writes for v, set as the
// reports were before encodeIndented.
func encoderBytes(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodedBytes(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := encodeIndented(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestEncodeIndentedMatchesEncoder: the report of 500 bundles comes out
// byte for byte as encoding/json's Encoder writes it. (The golden files of
// the JSON and SARIF formats, written by the Encoder, pin those too.)
func TestEncodeIndentedMatchesEncoder(t *testing.T) {
	r := contractShape(manyBundles(500))
	if got, want := encodedBytes(t, r), encoderBytes(t, r); !bytes.Equal(got, want) {
		t.Errorf("the JSON report differs from the Encoder's at byte %d", firstDifference(got, want))
	}
	// Nil slices and maps, and omitempty: the reports hand over none of
	// the first (contractShape, the SARIF builder), but a value that did
	// would still be written as encoding/json writes it.
	edges := struct {
		Slice     []string          `json:"slice"`
		Map       map[string]int    `json:"map"`
		Empty     []string          `json:"empty"`
		Omitted   []string          `json:"omitted,omitempty"`
		OmitMap   map[string]string `json:"omit_map,omitempty"`
		NoPointer *Counts           `json:"no_pointer,omitempty"`
		NoText    string            `json:"no_text,omitempty"`
		Severity  finding.Severity  `json:"severity"`
	}{Empty: []string{}, OmitMap: map[string]string{}, Severity: finding.Warning}
	if got, want := encodedBytes(t, edges), encoderBytes(t, edges); !bytes.Equal(got, want) {
		t.Errorf("nil and empty values: %s, the Encoder writes %s", got, want)
	}
}

// reportWithText is a report of two bundles with text in a path, a
// finding's message and a column name of the totals (a map key).
func reportWithText(path, message, column string) *Report {
	r := manyBundles(2)
	b := &r.Bundles[0]
	b.Path = path
	b.Findings[0].Message = message
	b.Totals.Anonymous.Sums = map[string]int64{column: 7, "Subscribers": 120}
	return contractShape(r)
}

// TestEncodeIndentedText states the bytes of text that JSON escapes, or
// that encoding/json writes its own way. Invalid UTF-8 is the one
// difference: U+FFFD written as itself, not as \ufffd.
func TestEncodeIndentedText(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"HTML characters stay", `<a href="x">&`, `"<a href=\"x\">&"`},
		{"line and paragraph separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"control characters", "\x00\x01\t\n\r\x1f\x7f", `"\u0000\u0001\t\n\r\u001f` + "\x7f" + `"`},
		{"quote and backslash", `say "hi" \o/`, `"say \"hi\" \\o/"`},
		{"non-ASCII", "Zürich 東京 🎉", `"Zürich 東京 🎉"`},
		{"invalid UTF-8", "caf\xe9 \xff\xfe", "\"caf\ufffd \ufffd\ufffd\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := reportWithText(tc.text, tc.text, tc.text)
			got := encodedBytes(t, r)
			for _, field := range []string{`"path": `, `"message": `, "\n            "} { // the column: a key of sums
				if !bytes.Contains(got, []byte(field+tc.want)) {
					t.Errorf("no %s%s in the report", field, tc.want)
				}
			}
			want := encoderBytes(t, r)
			if utf8.ValidString(tc.text) {
				if !bytes.Equal(got, want) {
					t.Errorf("differs from the Encoder's bytes at byte %d", firstDifference(got, want))
				}
				return
			}
			if bytes.Equal(got, want) {
				t.Errorf("equal to the Encoder's bytes, which escape U+FFFD: the comment of encodeIndented is out of date")
			}
			sameValue(t, got, want)
		})
	}
}

// sameValue fails unless a and b are JSON texts of the same value.
func sameValue(t *testing.T, a, b []byte) {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("the Encoder's bytes are not JSON: %v", err)
	}
	if !reflect.DeepEqual(va, vb) {
		t.Errorf("the value differs from the Encoder's")
	}
}

// FuzzEncodeIndented holds encodeIndented to encoding/json's Encoder for
// any text in a path, a message and a column name: the same bytes for
// UTF-8 text, the same value otherwise.
func FuzzEncodeIndented(f *testing.F) {
	for _, s := range []string{"", "Subscribers", `<>&"\`, "a\u2028b", "\x00\x1f\x7f", "東京 🎉", "caf\xe9", "\xed\xa0\x80"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, path, message, column string) {
		r := reportWithText(path, message, column)
		got, want := encodedBytes(t, r), encoderBytes(t, r)
		if utf8.ValidString(path) && utf8.ValidString(message) && utf8.ValidString(column) {
			if !bytes.Equal(got, want) {
				i := firstDifference(got, want)
				t.Fatalf("differs from the Encoder's bytes at byte %d: %q against %q", i, got[i:min(len(got), i+40)], want[i:min(len(want), i+40)])
			}
			return
		}
		sameValue(t, got, want)
	})
}
