package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

// readJSONDoc runs readJSON over data as a member is read (through the
// text scanner, remembering its recent chunks) and returns its findings.
func readJSONDoc(data []byte, lim JSONLimits) (v any, built, ok bool, fs []finding.Finding) {
	s := newSink("b.zip", false)
	t := newTextScanner(bytes.NewReader(data), 0)
	t.keepRecent()
	v, built, ok = readJSON(s, "m.json", t, lim)
	return v, built, ok, s.finish()
}

// jsonFindings is readJSONDoc with the rules of the findings only.
func jsonFindings(data []byte, lim JSONLimits) (v any, built, ok bool, rules []string) {
	v, built, ok, fs := readJSONDoc(data, lim)
	for _, f := range fs {
		rules = append(rules, f.Rule)
	}
	return v, built, ok, rules
}

// TestReadJSONFindings states, for documents that readJSON must refuse or
// flag, the rule, the line and a part of the message a user reads. The
// large documents put the fault past the decoder's first buffers, where
// the line comes from the text scanner's recent chunks.
func TestReadJSONFindings(t *testing.T) {
	big := func(n int, tail string) string {
		var b strings.Builder
		b.WriteString("{\n")
		for i := range n {
			b.WriteString(`  "k` + strconv.Itoa(i) + `": "a value long enough to fill the decoder's buffers",` + "\n")
		}
		b.WriteString(tail)
		return b.String()
	}
	for _, tc := range []struct {
		name, doc string
		ok        bool
		rule      string
		line      int
		message   string
	}{
		{"trailing comma", "{\n  \"a\": 1,\n}\n", false, "json.syntax", 2, "a comma before '}' with no value after it (a trailing comma)"},
		{"trailing comma in an array, lines before the bracket", "[\n  1,\n\n  ]\n", false, "json.syntax", 2, "a comma before ']' with no value after it"},
		{"doubled comma", "{\n  \"a\": 1,\n  ,\"b\": 2\n}\n", false, "json.syntax", 3, "two commas with no value between them"},
		{"comma first", "[, 1]", false, "json.syntax", 1, "a comma right after '[' with no value before it"},
		{"missing comma", "[1 2]", false, "json.syntax", 1, "invalid character '2' after array element (expecting ',' or ']')"},
		{"missing colon", "{\n  \"a\"\n  1\n}\n", false, "json.syntax", 3, "after object name (expecting ':')"},
		{"bad literal", "[\n  tru\n]\n", false, "json.syntax", 2, "invalid"},
		{"truncated in a string", "{\n  \"a\": \"b", false, "json.syntax", 2, "truncated"},
		{"truncated between values", "{\n  \"a\": 1,\n", false, "json.syntax", 3, "truncated"},
		{"empty", "", false, "json.syntax", 1, "ends before its value is complete"},
		{"trailing data", "{}\n\n[]\n", false, "json.syntax", 3, "more data after the JSON value"},
		{"second value glued on", "{}x", false, "json.syntax", 1, "invalid character 'x'"},
		{"duplicate key after a nested value", "{\n  \"a\": {\"x\": [1]},\n  \"a\": 2\n}\n", true, "json.duplicate-key", 0, `the key "a" appears twice in the object at /`},
		{"duplicate key", "{\n  \"a\": {\"b\": 1, \"b\": 2}\n}\n", true, "json.duplicate-key", 0, `the key "b" appears twice in the object at /a`},
		{"fault deep in a large document", big(20000, "  \"last\" 1\n}\n"), false, "json.syntax", 20002, "expecting ':'"},
		{"trailing data after a large document", big(20000, "  \"last\": 1\n}\n\n{}\n"), false, "json.syntax", 20005, "more data after"},
		{"trailing comma deep in a large document", big(20000, "  \"last\": 1,\n\n}\n"), false, "json.syntax", 20002, "(a trailing comma)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, ok, fs := readJSONDoc([]byte(tc.doc), DefaultJSONLimits())
			if ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
			if len(fs) != 1 {
				t.Fatalf("findings %+v, want one %s", fs, tc.rule)
			}
			f := fs[0]
			if f.Rule != tc.rule || f.Line != tc.line || !strings.Contains(f.Message, tc.message) {
				t.Errorf("finding %s line %d %q, want %s line %d with %q", f.Rule, f.Line, f.Message, tc.rule, tc.line, tc.message)
			}
		})
	}
}

// TestReadJSONValue checks the value built for schema validation: numbers
// stay as written (json.Number), and the last of repeated keys wins, as
// with encoding/json.
func TestReadJSONValue(t *testing.T) {
	v, built, ok, rules := jsonFindings([]byte(`{"n": 1.50, "big": 1e999, "s": "caf\u00e9", "t": true, "f": false, "z": null, "a": [1, "x"], "d": 1, "d": 2}`), DefaultJSONLimits())
	if !ok || !built {
		t.Fatalf("ok %v built %v rules %v", ok, built, rules)
	}
	got := v.(map[string]any)
	for k, want := range map[string]string{"n": "1.50", "big": "1e999", "s": "café", "t": "true", "f": "false", "z": "<nil>", "a": "[1 x]", "d": "2"} {
		if s := fmt.Sprint(got[k]); s != want {
			t.Errorf("%s = %s, want %s", k, s, want)
		}
	}
	if _, isNumber := got["n"].(json.Number); !isNumber {
		t.Errorf("n is %T, want json.Number", got["n"])
	}
	if len(rules) != 1 || rules[0] != "json.duplicate-key" {
		t.Errorf("rules %v, want one json.duplicate-key", rules)
	}
}

// BenchmarkReadJSON parses the JSON members of the test corpus (license,
// patch and adaptation logs, a few KB each) as a bundle's check reads
// them: through the text scanner, value built for the schema.
func BenchmarkReadJSON(b *testing.B) {
	docs := corpusSeeds(b, ".json", 40)
	var size int64
	for _, d := range docs {
		size += int64(len(d))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			readJSONDoc(d, DefaultJSONLimits())
		}
	}
	b.ReportMetric(float64(len(docs)), "documents")
}
