package report

import (
	"bytes"
	"encoding/json"
	"io"
)

// encodeIndented writes v as encoding/json's Encoder does with
// SetEscapeHTML(false) and SetIndent("", indent): the same bytes, trailing
// newline included.
//
// The Encoder marshals compactly and then indents with json.Indent, which
// runs its validating scanner over every byte again: for a month's intake
// of 500 bundles that second pass was two thirds of the JSON report's time,
// all of it after the last bundle was verified. Marshal's output is valid
// JSON already, so indentCompact only has to know where strings are.
func encodeIndented(w io.Writer, v any, indent string) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(indentCompact(make([]byte, 0, 2*compact.Len()), compact.Bytes(), indent))
	return err
}

// indentCompact appends to dst the indented form of src, which must be
// valid JSON without whitespace between tokens (as json.Marshal writes it),
// optionally followed by whitespace. The result equals json.Indent's with
// an empty prefix.
func indentCompact(dst, src []byte, indent string) []byte {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				// An empty object or array stays on one line.
				dst = append(dst, src[i+1])
				i++
				continue
			}
			depth++
			dst = newline(dst, indent, depth)
		case '}', ']':
			depth--
			dst = newline(dst, indent, depth)
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = newline(dst, indent, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd returns the index just past the closing quote of the string
// that starts at src[start]. A quote is closing when an even number of
// backslashes precedes it; src is valid JSON, so one comes. On input that
// is not valid it returns len(src) rather than fail.
func stringEnd(src []byte, start int) int {
	for i := start + 1; ; {
		q := bytes.IndexByte(src[i:], '"')
		if q < 0 {
			return len(src)
		}
		i += q
		escapes := 0
		for j := i - 1; j > start && src[j] == '\\'; j-- {
			escapes++
		}
		i++
		if escapes%2 == 0 {
			return i
		}
	}
}

func newline(dst []byte, indent string, depth int) []byte {
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, indent...)
	}
	return dst
}
