package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/licaudit/licaudit/finding"
)

// JSON rules: syntax, duplicate keys, limits and schema of JSON members.
var (
	ruleJSONSyntax = newRule("json.syntax", finding.Error,
		"A JSON member is not valid JSON: a syntax error, trailing data, a byte-order mark or invalid UTF-8.",
		"Re-run the export; do not edit the JSON by hand.")
	ruleJSONDuplicateKey = newRule("json.duplicate-key", finding.Error,
		"An object has the same key twice; parsers disagree which value wins.",
		"Re-run the export; each object key must appear once.")
	ruleJSONLimitExceeded = newRule("json.limit-exceeded", finding.Error,
		"A JSON member's nesting depth or size is beyond the configured limits.",
		"Check the file is a real export; if it is, raise limits.json in the configuration.")
	ruleJSONSchema = newRule("json.schema", finding.Error,
		"A JSON member violates its JSON Schema (location is a JSON pointer).",
		"Re-run the export; if the vendor changed the format, drop its schema into --schema-dir.")
)

// Meta rules: the meta block of the license JSON.
var (
	ruleMetaDatetime = newRule("meta.datetime", finding.Error,
		"`meta.datetime` of the license JSON is missing or not a date and time.",
		"Re-run the export; meta.datetime must be an ISO 8601 timestamp.")
	ruleMetaDatetimeMismatch = newRule("meta.datetime-mismatch", finding.Warning,
		"`meta.datetime` is far from the timestamp in the file names (tolerance configurable).",
		"Send the files of one export together, unrenamed; adjust meta.datetime tolerance if your exporter audits ahead of saving.")
	ruleMetaExportIdentifier = newRule("meta.export-identifier", finding.Error,
		"`meta.export_identifier` is missing or not a UUID.",
		"Re-run the export; each export carries a UUID export_identifier.")
	ruleMetaPipelineType = newRule("meta.pipeline-type", finding.Error,
		"`meta.pipeline_type_name` is not `license_initial_audit`.",
		"Send the license audit export (pipeline license_initial_audit), not another pipeline's output.")
)

// JSONLimits bound what a JSON member may make licaudit hold.
type JSONLimits struct {
	// MaxBytes is the largest JSON member whose value is built for schema
	// validation; a larger one is still hashed and checked for syntax.
	MaxBytes int64 `yaml:"max_bytes"`
	// MaxDepth is the deepest nesting of objects and arrays.
	MaxDepth int `yaml:"max_depth"`
}

// DefaultJSONLimits: a license JSON is kilobytes to a few megabytes.
func DefaultJSONLimits() JSONLimits { return JSONLimits{MaxBytes: 16 << 20, MaxDepth: 64} }

// jsonFrame is one open object or array while streaming a document.
type jsonFrame struct {
	object  bool
	wantKey bool
	key     string // the key whose value comes next (objects)
	index   int    // the index of the next element (arrays)
	obj     map[string]any
	arr     []any
	built   bool
}

// readJSON parses a JSON member streamed through t in one pass, checking
// syntax, trailing data, duplicate keys at any depth and the limits, and
// builds its value for schema validation when within limits. It returns the
// value, whether the value was built (a JSON null is built and nil), and
// whether the member is valid JSON.
//
// The tokens come from jsontext (encoding/json/v2's streaming layer), not
// from encoding/json's Decoder.Token: on a license JSON of 2.6 KB that took
// 70 µs and 693 allocations, jsontext 16 µs and 36; the JSON members
// were a seventh of a CPU profile of a directory of small bundles. The
// grammar is the same (FuzzJSON holds the two to it); duplicate keys and
// invalid UTF-8 are let through to be reported here and by the text scanner
// rather than ending the parse.
func readJSON(s *sink, member string, t *textScanner, lim JSONLimits) (value any, built, ok bool) {
	guard := &decoderGuard{r: t, limit: jsonValueLimit(lim)}
	dec := jsontext.NewDecoder(guard, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	guard.dec = dec
	var stack []*jsonFrame
	var root any
	build := true

	pointer := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.object {
				b.WriteString(escapePointer(f.key))
			} else {
				b.WriteString(strconv.Itoa(f.index))
			}
		}
		return b.String()
	}
	// put places a finished value into its parent.
	put := func(v any) {
		if len(stack) == 0 {
			root = v
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			if top.built && build {
				top.obj[top.key] = v
			}
			top.wantKey = true
		} else {
			if top.built && build {
				top.arr = append(top.arr, v)
			}
			top.index++
		}
	}
	rootDone := false
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			if len(stack) > 0 || !rootDone {
				s.add(ruleJSONSyntax, at{file: member, line: t.line}, "the JSON ends before its value is complete: the file is truncated; re-run the export")
				return nil, false, false
			}
			break
		}
		if err != nil {
			reportJSONError(s, member, t, err)
			return nil, false, false
		}
		if rootDone {
			line, _ := t.lineAt(dec.InputOffset())
			s.add(ruleJSONSyntax, at{file: member, line: line}, "there is more data after the JSON value ends (line %d); a JSON file holds one value: re-run the export", line)
			return nil, false, false
		}
		if build && lim.MaxBytes > 0 && t.offset > lim.MaxBytes {
			build = false
			s.add(ruleJSONLimitExceeded, at{file: member, subject: "size"}, "the JSON is larger than %d bytes (limits.json.max_bytes), so its schema was not checked nor the rest looked at for duplicate keys; raise the limit if this is a real export", lim.MaxBytes)
		}
		kind := tok.Kind()
		if len(stack) > 0 {
			// Where an object wants a key, jsontext gives a string or
			// the object's end.
			if top := stack[len(stack)-1]; kind == '"' && top.object && top.wantKey {
				key := tok.String()
				// The object built so far holds every earlier key, since
				// a key's value is put before the next key comes. Past the
				// size limit no value is put, so keys are no longer
				// remembered: an object of millions of keys would be held
				// whole.
				if _, dup := top.obj[key]; dup {
					s.add(ruleJSONDuplicateKey, at{file: member, location: pointer() + "/" + escapePointer(key), subject: key},
						"the key %q appears twice in the object at %s; parsers disagree which value wins: re-run the export", key, pointerOrRoot(pointer()))
				}
				top.key = key
				top.wantKey = false
				continue
			}
		}
		switch kind {
		case '{', '[':
			f := &jsonFrame{object: kind == '{', built: build}
			if f.object {
				f.wantKey = true
				if build {
					f.obj = map[string]any{}
				}
			} else if build {
				f.arr = []any{}
			}
			if lim.MaxDepth > 0 && len(stack) >= lim.MaxDepth {
				// Parsing stops here: every level deeper costs memory
				// (here and in the decoder), and a file of nothing but
				// '[' would hold millions.
				s.add(ruleJSONLimitExceeded, at{file: member, location: pointer(), subject: "depth"}, "the JSON nests deeper than %d levels (limits.json.max_depth), so the rest was not parsed; a license export is a few levels deep", lim.MaxDepth)
				return nil, false, true
			}
			stack = append(stack, f)
		case '}', ']':
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.object {
				put(f.obj)
			} else {
				put(f.arr)
			}
		default:
			put(scalar(tok, build))
		}
		rootDone = len(stack) == 0
	}
	if !build {
		return nil, false, true
	}
	return root, true, true
}

// scalar returns a string, number, true, false or null token as
// encoding/json's Unmarshal with UseNumber builds it, or nil when the value
// is not being built (no string is copied then).
func scalar(tok jsontext.Token, build bool) any {
	if !build {
		return nil
	}
	switch tok.Kind() {
	case '"':
		return tok.String()
	case '0':
		return json.Number(tok.String())
	case 't', 'f':
		return tok.Bool()
	}
	return nil
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func escapePointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// jsonValueLimit bounds one string or number of a JSON member, which the
// decoder holds whole before handing it over: limits.json.max_bytes, and
// at most 4 MiB whatever that limit, since a single value of a license JSON
// is a name or a count.
func jsonValueLimit(lim JSONLimits) int64 {
	const most = 4 << 20
	if lim.MaxBytes > 0 && lim.MaxBytes < most {
		return lim.MaxBytes
	}
	return most
}

// errJSONValueTooLarge stops the decoder in a value beyond jsonValueLimit.
type errJSONValueTooLarge struct {
	line  int
	limit int64
}

func (e *errJSONValueTooLarge) Error() string {
	return fmt.Sprintf("a value at line %d is longer than %d bytes", e.line, e.limit)
}

// decoderGuard feeds the decoder and refuses to once the decoder holds more
// than limit bytes it has not turned into tokens: encoding/json buffers a
// whole string or number, so a member made of one huge string would
// otherwise be held in memory at once, whatever its size.
type decoderGuard struct {
	r     *textScanner
	dec   *jsontext.Decoder
	fed   int64
	limit int64
}

func (g *decoderGuard) Read(p []byte) (int, error) {
	if g.fed-g.dec.InputOffset() > g.limit {
		line, _ := g.r.lineAt(g.dec.InputOffset())
		return 0, &errJSONValueTooLarge{line: line, limit: g.limit}
	}
	n, err := g.r.Read(p)
	g.fed += int64(n)
	return n, err
}

// reportJSONError turns a decoder error into json.syntax at its line. Errors
// of the ZIP layer are not the JSON's fault and are judged by the caller.
func reportJSONError(s *sink, member string, t *textScanner, err error) {
	var se *jsontext.SyntacticError
	var tooLong *errLineTooLong
	var tooLarge *errJSONValueTooLarge
	switch {
	case errors.As(err, &tooLarge):
		s.add(ruleJSONLimitExceeded, at{file: member, line: tooLarge.line, subject: "value"}, "a single value starting at line %d is longer than %d bytes (limits.json.max_bytes, at most 4 MiB for one value); the rest of the JSON was not parsed", tooLarge.line, tooLarge.limit)
	case errors.As(err, &tooLong):
		s.add(ruleJSONLimitExceeded, at{file: member, line: tooLong.line, subject: "line"}, "line %d is longer than %d bytes; the rest of the JSON was not parsed", tooLong.line, tooLong.limit)
	case isZipLayer(err):
		// reported by the member reader
	case errors.Is(err, io.ErrUnexpectedEOF):
		s.add(ruleJSONSyntax, at{file: member, line: t.line}, "the JSON ends in the middle of a value: the file is truncated; re-run the export")
	case errors.As(err, &se):
		line, _ := t.lineAt(se.ByteOffset)
		s.add(ruleJSONSyntax, at{file: member, line: line}, "invalid JSON at line %d: %s; re-run the export and do not edit the file", line, syntaxProblem(t, se))
	default:
		s.add(ruleJSONSyntax, at{file: member, line: t.line}, "invalid JSON: %v; re-run the export", err)
	}
}

// syntaxProblem words a syntax error for the reader. jsontext reports a
// misplaced comma as "invalid character ',' at start of value" whatever
// surrounds it; a comma with no value after it before the closing bracket
// (the commonest mark of a hand edit), one with no value before it and a
// doubled one are named as such. Any other error, or a comma whose
// neighbourhood the scanner no longer holds, keeps jsontext's words.
func syntaxProblem(t *textScanner, se *jsontext.SyntacticError) string {
	msg := se.Err.Error()
	if at, ok := t.nonSpaceFrom(se.ByteOffset); !ok || at != ',' || !strings.HasSuffix(msg, "at start of value") {
		return msg
	}
	prev, okPrev := t.nonSpaceBefore(se.ByteOffset)
	next, okNext := t.nonSpaceFrom(se.ByteOffset + 1)
	switch {
	case okPrev && (prev == '{' || prev == '['):
		return fmt.Sprintf("a comma right after %q with no value before it", rune(prev))
	case okNext && (next == '}' || next == ']'):
		return fmt.Sprintf("a comma before %q with no value after it (a trailing comma)", rune(next))
	case okPrev && prev == ',':
		return "two commas with no value between them"
	}
	return msg
}
