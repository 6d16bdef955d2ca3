package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/licaudit/licaudit/config"
)

// docCommand is a licaudit command line found in docs/ci.md.
type docCommand struct {
	line int    // where it starts in the document
	text string // as written, continuations joined
	args []string
	// exit is the status the document announces with "# exit N", or -1.
	exit int
	// appendFiles is set for a pre-commit "entry:", to which pre-commit
	// appends the staged files.
	appendFiles bool
}

// docBlock is a fenced block of a markdown document.
type docBlock struct {
	lang string
	line int // of its first content line
	text string
}

func fencedBlocks(t *testing.T, doc string) []docBlock {
	t.Helper()
	var blocks []docBlock
	var cur *docBlock
	var body []string
	for i, l := range strings.Split(doc, "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &docBlock{lang: strings.TrimPrefix(trimmed, "```"), line: i + 2}
			body = nil
		case cur != nil && trimmed == "```":
			cur.text = strings.Join(body, "\n") + "\n"
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
	}
	if cur != nil {
		t.Fatalf("docs/ci.md: the block opened at line %d is not closed", cur.line-1)
	}
	return blocks
}

// commandStart matches a licaudit command in a shell line, a YAML "run:",
// a YAML list item (GitLab "script:") or a pre-commit "entry:".
var commandStart = regexp.MustCompile(`^\s*(?:- |run: |(entry): )?(licaudit (?:.*))$`)

var exitNote = regexp.MustCompile(`\s+#\s*exit (\d+)\s*$`)

// docCommands extracts every licaudit command line of the fenced sh and
// yaml blocks of docs/ci.md.
func docCommands(t *testing.T, blocks []docBlock) []docCommand {
	t.Helper()
	var cmds []docCommand
	for _, b := range blocks {
		if b.lang != "sh" && b.lang != "yaml" {
			continue
		}
		lines := strings.Split(b.text, "\n")
		for i := 0; i < len(lines); i++ {
			m := commandStart.FindStringSubmatch(lines[i])
			if m == nil {
				continue
			}
			c := docCommand{line: b.line + i, exit: -1, appendFiles: m[1] == "entry"}
			text := m[2]
			for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
				i++
				text = strings.TrimSuffix(text, `\`) + " " + strings.TrimSpace(lines[i])
			}
			if e := exitNote.FindStringSubmatch(text); e != nil {
				c.exit, _ = strconv.Atoi(e[1])
				text = text[:len(text)-len(e[0])]
			} else if j := strings.Index(text, " #"); j >= 0 {
				text = text[:j]
			}
			c.text = strings.TrimSpace(text)
			args, err := shellWords(c.text)
			if err != nil {
				t.Fatalf("docs/ci.md:%d: %v: %s", c.line, err, c.text)
			}
			c.args = args[1:] // without "licaudit"
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// shellWords splits a command line as sh would for the simple lines of the
// document: blanks separate words, quotes group them.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	quote := rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ciSandbox is a working directory as a CI job would see it: the bundles
// under exports/ and a configuration that changes nothing.
type ciSandbox struct {
	name   string
	defect string // "" for a valid export
	dir    string
	files  []string // the bundle files, relative to dir: the "staged files"
}

func newSandbox(t *testing.T, name, defect string) ciSandbox {
	t.Helper()
	s := ciSandbox{name: name, defect: defect, dir: t.TempDir()}
	args := []string{"generate", "voss", "--customers", "4", "--out", filepath.Join(s.dir, "exports")}
	if defect != "" {
		args = append(args, "--defect", defect)
	}
	if code, _, errOut := licaudit(t, args...); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, "exports"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no bundle generated: %v", err)
	}
	for _, e := range entries {
		s.files = append(s.files, filepath.Join("exports", e.Name()))
	}
	write(t, filepath.Join(s.dir, config.DefaultFile), config.Starter)
	return s
}

// TestCIRecipes runs every licaudit command line of docs/ci.md, in order,
// in a sandbox holding a valid export and in one holding an export with a
// hash mismatch: a verify command must pass the first and fail the second
// when it checks exports/ (unless it says otherwise with "# exit N" or
// --fail-on never), and every
// report it writes must parse as its format.
func TestCIRecipes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := docCommands(t, fencedBlocks(t, string(raw)))
	verifies := 0
	for _, c := range cmds {
		if len(c.args) > 0 && c.args[0] == "verify" {
			verifies++
		}
	}
	// The recipes: GitHub, GitLab, pre-commit (2 hooks), git hook, the
	// gate test, the configuration check.
	if verifies < 6 || len(cmds) < 10 {
		t.Fatalf("found %d commands (%d verify) in docs/ci.md; the extraction lost some:\n%v", len(cmds), verifies, cmds)
	}
	for _, sb := range []struct{ name, defect string }{{"valid", ""}, {"broken", "hash.mismatch"}} {
		t.Run(sb.name, func(t *testing.T) {
			s := newSandbox(t, sb.name, sb.defect)
			t.Chdir(s.dir)
			for _, c := range cmds {
				runDocCommand(t, s, c)
			}
		})
	}
}

func runDocCommand(t *testing.T, s ciSandbox, c docCommand) {
	t.Helper()
	where := fmt.Sprintf("docs/ci.md:%d: licaudit %s", c.line, c.text[len("licaudit "):])
	var args []string
	for _, a := range c.args {
		if a == "$files" {
			args = append(args, s.files...)
			continue
		}
		if strings.Contains(a, "$") {
			t.Fatalf("%s: the test cannot expand %q; keep commands free of variables", where, a)
		}
		args = append(args, a)
	}
	checksExports := false
	for _, a := range args {
		checksExports = checksExports || strings.HasPrefix(a, "exports")
	}
	if c.appendFiles {
		// pre-commit appends the staged files its hook's "files" matches.
		if args[0] == "config" {
			args = append(args, config.DefaultFile)
		} else {
			args = append(args, s.files...)
			checksExports = true
		}
	}
	want := c.exit
	if want < 0 {
		want = exitOK
		if args[0] == "verify" && checksExports && s.defect != "" && !slices.Contains(args, "never") {
			want = exitFindings
		}
	}
	code, stdout, stderr := licaudit(t, args...)
	if code != want {
		t.Fatalf("%s\nexit %d, want %d\nstdout:\n%s\nstderr:\n%s", where, code, want, stdout, stderr)
	}
	if args[0] != "verify" {
		return
	}
	// Without --format the report is a table; with only FORMAT=FILE ones,
	// nothing goes to standard output.
	bare, output, formats := "", "", 0
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "--format", "-f":
			formats++
			format, file, ok := strings.Cut(args[i+1], "=")
			if !ok {
				bare = format
				continue
			}
			checkReport(t, where, format, file, readFile(t, where, file))
		case "--output", "-o":
			output = args[i+1]
		}
	}
	if formats == 0 {
		bare = "table"
	}
	if output != "" {
		stdout = readFile(t, where, output)
	}
	switch {
	case bare != "":
		checkReport(t, where, bare, "standard output", stdout)
	case stdout != "":
		t.Fatalf("%s: every report went to a file, yet standard output has:\n%s", where, stdout)
	}
}

func readFile(t *testing.T, where, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: the report was not written: %v", where, err)
	}
	return string(b)
}

// checkReport asserts that a report parses as its format.
func checkReport(t *testing.T, where, format, name, text string) {
	t.Helper()
	fail := func(why string, args ...any) {
		t.Fatalf("%s: the %s report in %s %s:\n%s", where, format, name, fmt.Sprintf(why, args...), text)
	}
	switch format {
	case "json":
		validateReport(t, []byte(text))
	case "sarif":
		var log struct {
			Version string            `json:"version"`
			Runs    []json.RawMessage `json:"runs"`
		}
		if err := json.Unmarshal([]byte(text), &log); err != nil {
			fail("is not JSON: %v", err)
		}
		if log.Version != "2.1.0" || len(log.Runs) != 1 {
			fail("is not a SARIF 2.1.0 log with one run")
		}
	case "junit":
		dec := xml.NewDecoder(strings.NewReader(text))
		root := ""
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fail("is not XML: %v", err)
			}
			if se, ok := tok.(xml.StartElement); ok && root == "" {
				root = se.Name.Local
			}
		}
		if root != "testsuites" && root != "testsuite" {
			fail("has root element %q, not testsuites", root)
		}
	case "github":
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			if l := sc.Text(); l != "" && !strings.HasPrefix(l, "::") {
				fail("has a line that is not a workflow command: %q", l)
			}
		}
	case "markdown", "table":
		if strings.TrimSpace(text) == "" {
			fail("is empty")
		}
	default:
		fail("is in a format the test does not know")
	}
}

// TestCIDocYAML: every YAML block of docs/ci.md is valid YAML, and the
// configuration examples load.
func TestCIDocYAML(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	configs := 0
	for _, b := range fencedBlocks(t, string(raw)) {
		if b.lang != "yaml" {
			continue
		}
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(b.text), &n); err != nil {
			t.Errorf("docs/ci.md:%d: not valid YAML: %v", b.line, err)
		}
		if strings.HasPrefix(b.text, "# "+config.DefaultFile) {
			configs++
			if _, err := config.Parse(config.DefaultFile, []byte(b.text)); err != nil {
				t.Errorf("docs/ci.md:%d: the configuration example does not load: %v", b.line, err)
			}
		}
	}
	if configs == 0 {
		t.Error("docs/ci.md shows no configuration example")
	}
}

func TestShellWords(t *testing.T) {
	cases := map[string][]string{
		`licaudit verify exports/`:               {"licaudit", "verify", "exports/"},
		`a  "b c"  'd "e"' f"g h"`:               {"a", "b c", `d "e"`, "fg h"},
		`licaudit --format sarif=licaudit.sarif`: {"licaudit", "--format", "sarif=licaudit.sarif"},
		`x ""`:                                   {"x", ""},
	}
	for in, want := range cases {
		if got, err := shellWords(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("shellWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := shellWords(`a "b`); err == nil {
		t.Error("an unterminated quote was accepted")
	}
}
