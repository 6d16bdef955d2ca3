package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/licaudit/licaudit/finding"
)

func TestCleanLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain.csv", "plain.csv"},
		{"\x1b[31mred", `\x1b[31mred`},
		{"a\nb\tc\r", `a\nb\tc\r`},
		{"evil\u202egpj.exe", `evil\u202egpj.exe`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"c1\u009bX", `c1\u009bX`},
		{"Grüße 日本", "Grüße 日本"},
	} {
		if got := cleanLine(c.in); got != c.want {
			t.Errorf("cleanLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"},
		{"tab\there", "tab here"},
		{"esc\x1b]0;title\x07", `esc\x1b]0;title\a`},
	} {
		if got := cleanText(c.in); got != c.want {
			t.Errorf("cleanText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestWrap checks the two promises of wrap: no line wider than asked, and
// no character lost (only the blanks it breaks at).
func TestWrap(t *testing.T) {
	inputs := []string{
		longMessage,
		anonCSV + ":12",
		strings.Repeat("x", 200),
		"short",
		"two\n\nparagraphs with words",
		"日本語のメッセージは幅が二倍になります日本語のメッセージ",
		"",
	}
	for _, in := range inputs {
		for _, w := range []int{1, 7, 20, 37, 80} {
			lines := wrap(in, w)
			// A double-width rune cannot fit one column; it goes alone.
			allowed := max(w, 2)
			for _, l := range lines {
				if width(l) > allowed {
					t.Errorf("wrap(%q, %d): line %q is %d wide", in, w, l, width(l))
				}
				if !utf8.ValidString(l) {
					t.Errorf("wrap(%q, %d): line %q is not valid UTF-8 (cut inside a rune)", in, w, l)
				}
			}
			squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if got, want := squash(strings.Join(lines, "")), squash(in); got != want {
				t.Errorf("wrap(%q, %d) lost text: %q", in, w, got)
			}
		}
	}
	// A path cuts after a separator rather than mid-word when it can.
	got := wrap(anonCSV, 40)
	if !strings.HasSuffix(got[0], "/") && !strings.HasSuffix(got[0], "_") && !strings.HasSuffix(got[0], "-") {
		t.Errorf("wrap(path, 40) first line %q does not end at a separator", got[0])
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		f    finding.Finding
		want string
	}{
		{finding.Finding{File: "a.csv", Line: 12, Location: "Col", Message: "m"}, "a.csv:12 [Col]: m"},
		{finding.Finding{File: "a.json", Location: "/meta", Message: "m"}, "a.json [/meta]: m"},
		{finding.Finding{File: "a.csv", Message: "m"}, "a.csv: m"},
		{finding.Finding{Line: 5, Message: "m"}, "line 5: m"},
		{finding.Finding{Message: "m"}, "m"},
	} {
		if got := describe(c.f); got != c.want {
			t.Errorf("describe(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
}

func TestBaseName(t *testing.T) {
	for in, want := range map[string]string{
		"in/a.zip":        "a.zip",
		`C:\drop\b.zip`:   "b.zip",
		"c.zip":           "c.zip",
		"dir/":            "dir/",
		"a/b/c/d/e/f.csv": "f.csv",
	} {
		if got := baseName(in); got != want {
			t.Errorf("baseName(%q) = %q, want %q", in, got, want)
		}
	}
}
