package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

	"github.com/licaudit/licaudit/finding"
)

// Member names, paths and messages quote what hostile bundles contain, so
// every renderer for people (table, markdown, GitHub annotations) passes them
// through cleanLine or cleanText first: a name carrying ESC sequences or bidi
// overrides must not repaint a terminal or reorder a PR comment.

// cleanLine makes s safe to print on one line: control characters
// (including newlines), bidi controls and invalid UTF-8 become visible
// escapes.
func cleanLine(s string) string { return clean(s, false) }

// cleanText is cleanLine but keeps line breaks (a CRLF or lone CR counts as
// one) and turns tabs into a space, for messages that may span lines.
func cleanText(s string) string { return clean(s, true) }

func clean(s string, keepNewlines bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepNewlines && r == '\r':
			b.WriteByte('\n')
			if strings.HasPrefix(s[i+1:], "\n") {
				n++
			}
		case keepNewlines && r == '\n':
			b.WriteByte('\n')
		case keepNewlines && r == '\t':
			b.WriteByte(' ')
		case isControl(r):
			q := strconv.QuoteRuneToASCII(r) // '\x1b', '\n', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII, the common case that needs
// no work.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// isControl reports the runes that change how a terminal or a renderer
// shows the text around them: C0 and C1 controls, DEL, and the bidi
// embedding, override and isolate controls (the "Trojan Source" set).
func isControl(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// width is the display width of s in terminal columns, measured the way
// tablewriter measures cells so that pre-wrapped text fits its columns.
func width(s string) int { return twwidth.Width(s) }

// wrap breaks s into lines of at most max display columns, at spaces where
// it can. A word longer than a line (a member path, a digest) is cut, after
// a path separator or punctuation when one is near the end, so that nothing
// is ever truncated. Line breaks in s are kept.
func wrap(s string, max int) []string {
	if max < 1 {
		max = 1
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var line string
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
			case width(line)+1+width(word) <= max:
				line += " " + word
				continue
			default:
				out = append(out, line)
				line = ""
			}
			for width(word) > max {
				head, tail := cutWord(word, max)
				out = append(out, head)
				word = tail
			}
			line = word
		}
		out = append(out, line)
	}
	return out
}

// cutWord splits word so that head fits in max columns, preferring a cut
// just after a separator in the second half of the line.
func cutWord(word string, max int) (head, tail string) {
	cut, best, w := 0, 0, 0
	for i, r := range word {
		rw := width(string(r))
		if w+rw > max {
			break
		}
		w += rw
		cut = i + utf8.RuneLen(r)
		if strings.ContainsRune("/_-.,;:|", r) && w > max/2 {
			best = cut
		}
	}
	if cut == 0 { // a rune wider than max: emit it alone rather than loop
		_, n := utf8.DecodeRuneInString(word)
		cut = n
	}
	if best > 0 {
		cut = best
	}
	return word[:cut], word[cut:]
}

// where names the place of a finding: "member:line", "member", "line N" for
// a line of the bundle file itself, or "" for the bundle as a whole.
func where(f finding.Finding) string {
	switch {
	case f.File != "" && f.Line > 0:
		return f.File + ":" + strconv.Itoa(f.Line)
	case f.File != "":
		return f.File
	case f.Line > 0:
		return "line " + strconv.Itoa(f.Line)
	}
	return ""
}

// describe is the one-line account of a finding used where a format has a
// single text field: `member:line [location]: message`.
func describe(f finding.Finding) string {
	prefix := where(f)
	if f.Location != "" {
		if prefix != "" {
			prefix += " "
		}
		prefix += "[" + f.Location + "]"
	}
	if prefix == "" {
		return f.Message
	}
	return prefix + ": " + f.Message
}

// plural counts a noun: "1 error", "2 errors"; "info" does not take an s.
func plural(n int, noun string) string {
	if n == 1 || noun == "info" {
		return strconv.Itoa(n) + " " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// countsText is a bundle's counts in words, plus the waived findings when
// there are any (they are not in Counts).
func countsText(c Counts, waived int) string {
	s := plural(c.Error, "error") + ", " + plural(c.Warning, "warning") + ", " + plural(c.Info, "info")
	if waived > 0 {
		s += "; " + strconv.Itoa(waived) + " waived"
	}
	return s
}

// summaryText is the run summary in words.
func summaryText(s Summary) string {
	return fmt.Sprintf("%s: %d passed, %d failed; %s, %s, %s",
		plural(s.Bundles, "bundle"), s.Passed, s.Failed,
		plural(s.Error, "error"), plural(s.Warning, "warning"), plural(s.Info, "info"))
}

// waivedCount is the number of waived findings of a bundle.
func waivedCount(b Bundle) int {
	n := 0
	for _, f := range b.Findings {
		if f.Waived != "" {
			n++
		}
	}
	return n
}

// baseName is the last element of a slash- or backslash-separated path, so
// that Windows paths given on the command line shorten too.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 && i < len(p)-1 {
		return p[i+1:]
	}
	return p
}
