package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentCases are compact JSON texts whose indented form each states:
// strings holding what indentCompact treats as structure, escaped quotes
// and runs of backslashes before a closing quote, empty containers.
var indentCases = []struct {
	name, compact, want string
}{
	{"scalar", `42` + "\n", "42\n"},
	{"empty object", `{}`, `{}`},
	{"empty array in object", `{"a":[]}`, "{\n  \"a\": []\n}"},
	{"nested", `{"a":[1,{"b":null}],"c":true}`, "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": true\n}"},
	{"structure inside a string", `["{[:,]}"]`, "[\n  \"{[:,]}\"\n]"},
	{"escaped quote", `{"k\"":"v\",{"}`, "{\n  \"k\\\"\": \"v\\\",{\"\n}"},
	{"escaped backslash before the closing quote", `["a\\",1]`, "[\n  \"a\\\\\",\n  1\n]"},
	{"three backslashes", `["\\\"",{}]`, "[\n  \"\\\\\\\"\",\n  {}\n]"},
	{"multibyte text", `{"é":"東京"}`, "{\n  \"é\": \"東京\"\n}"},
}

func TestIndentCompact(t *testing.T) {
	for _, tc := range indentCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(indentCompact(nil, []byte(tc.compact), "  ")); got != tc.want {
				t.Errorf("indentCompact(%s):\ngot  %q\nwant %q", tc.compact, got, tc.want)
			}
		})
	}
}

// TestEncodeIndentedMatchesEncoder: the report of 500 bundles comes out
// byte for byte as encoding/json's Encoder writes it.
func TestEncodeIndentedMatchesEncoder(t *testing.T) {
	r := contractShape(manyBundles(500))
	var want, got bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	if err := encodeIndented(&got, r, "  "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("encodeIndented differs from the Encoder at byte %d", firstDifference(got.Bytes(), want.Bytes()))
	}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// FuzzIndentCompact proves indentCompact equivalent to json.Indent on any
// valid JSON in compact form.
func FuzzIndentCompact(f *testing.F) {
	for _, tc := range indentCases {
		f.Add([]byte(tc.compact))
	}
	for _, format := range []string{"json", "sarif"} {
		f.Add(render(f, format, Options{}, nil))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var compact, want bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatalf("Compact of valid JSON: %v", err)
		}
		if err := json.Indent(&want, compact.Bytes(), "", "\t"); err != nil {
			t.Fatalf("Indent of valid JSON: %v", err)
		}
		if got := indentCompact(nil, compact.Bytes(), "\t"); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indentCompact(%q):\ngot  %q\nwant %q", compact.Bytes(), got, want.Bytes())
		}
	})
}
