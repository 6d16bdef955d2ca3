package verify

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/internal/hostile"
)

// hostileRoot is the checked-in corpus (go run ./testdata/hostile/gen).
var hostileRoot = filepath.Join("..", "testdata", "hostile")

// writeLargeCases generates the cases too large to check in into dir.
func writeLargeCases(t *testing.T, dir string) {
	t.Helper()
	for _, c := range hostile.Cases() {
		if c.Large {
			if _, err := c.WriteTo(dir); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// hostileInput returns where a case's input is: the checked-in file for a
// small case, the file generated into large for a large one.
func hostileInput(t *testing.T, c hostile.Case, large string) string {
	t.Helper()
	if c.Large {
		return c.Path(large)
	}
	p := c.Path(hostileRoot)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%v: run `go run ./testdata/hostile/gen` to write the corpus", err)
	}
	return p
}

// verifySafely runs Verify and turns a panic into a test failure that
// names the case, with the stack.
func verifySafely(t *testing.T, p string) (res Result) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Verify(%s) panicked: %v\n%s", p, r, debug.Stack())
		}
	}()
	return Verify(Input{Path: p}, DefaultOptions())
}

func ruleSet(fs []finding.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.Rule]++
	}
	return m
}

// TestHostile verifies the hostile corpus. The large cases are generated
// once, into a temporary directory, for all three parts.
func TestHostile(t *testing.T) {
	large := t.TempDir()
	writeLargeCases(t, large)
	t.Run("cases", func(t *testing.T) { testHostileCases(t, large) })
	t.Run("control", testHostileControl)
	t.Run("inputs untouched", func(t *testing.T) { testInputsUntouched(t, large) })
}

// testHostileCases verifies every hostile case and asserts its expected
// rules fire, that it does not panic, and that every finding is usable: a
// registered rule, a message, and a member name safe to print. It finishes
// when the cases are bounded; run it with a generous -timeout rather than a
// timed assertion.
func testHostileCases(t *testing.T, large string) {
	for _, c := range hostile.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			res := verifySafely(t, hostileInput(t, c, large))
			got := ruleSet(res.Findings)
			for _, want := range c.Expect {
				if got[want] == 0 {
					t.Errorf("%s (%s) did not give %s; got %v", c.Name, c.What, want, got)
				}
			}
			for _, f := range res.Findings {
				if _, ok := registry[f.Rule]; !ok {
					t.Errorf("unregistered rule %q", f.Rule)
				}
				if strings.TrimSpace(f.Message) == "" {
					t.Errorf("%s finding without a message", f.Rule)
				}
				if strings.ContainsFunc(f.File, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Errorf("%s finding names the member %q with control characters", f.Rule, f.File)
				}
			}
			if res.SHA256 == "" {
				t.Errorf("no digest of the file as received")
			}
		})
	}
}

// testHostileControl verifies the valid exports every case is built from:
// none of the rules the cases expect may fire on them, nor any error, so
// each case's findings come from its defect and a valid export in ZIP64
// form passes.
func testHostileControl(t *testing.T) {
	expected := map[string]bool{}
	for _, hc := range hostile.Cases() {
		for _, r := range hc.Expect {
			expected[r] = true
		}
	}
	for _, c := range hostile.Controls() {
		t.Run(c.Name, func(t *testing.T) {
			p, err := c.WriteTo(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			res := verifySafely(t, p)
			for _, f := range res.Findings {
				if expected[f.Rule] || f.Severity == finding.Error {
					t.Errorf("%s gives %s: %s", c.Name, f.Rule, f.Message)
				}
			}
		})
	}
}

// TestHostileCorpusIsCurrent: the checked-in cases are what the generator
// writes, so the corpus and its expectations cannot drift apart.
func TestHostileCorpusIsCurrent(t *testing.T) {
	for _, c := range hostile.Cases() {
		if c.Large {
			if _, err := os.Stat(c.Path(hostileRoot)); err == nil {
				t.Errorf("%s is a large case and must not be checked in", c.Name)
			}
			continue
		}
		want, err := c.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(c.Path(hostileRoot))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale or missing (%v): run `go run ./testdata/hostile/gen`", c.Name, err)
		}
	}
}

// fileState is what must not change about an input: content and metadata.
type fileState struct {
	size    int64
	mode    fs.FileMode
	modTime time.Time
	sha256  [32]byte
}

func snapshot(t *testing.T, roots ...string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			st, err := os.Lstat(p)
			if err != nil {
				return err
			}
			s := fileState{size: st.Size(), mode: st.Mode(), modTime: st.ModTime()}
			if st.Mode().IsRegular() {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				s.sha256 = sha256.Sum256(b)
			}
			out[p] = s
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// testInputsUntouched runs a whole directory of hostile input (the
// checked-in corpus and the large cases) and proves that every file and
// directory is byte-for-byte and timestamp-for-timestamp as before, and
// that nothing was added: verify reads, it never writes.
func testInputsUntouched(t *testing.T, large string) {
	// Timestamps in the past show a change even on coarse clocks.
	past := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	for _, c := range hostile.Cases() {
		if c.Large {
			os.Chtimes(c.Path(large), past, past)
		}
	}
	before := snapshot(t, hostileRoot, large)
	inputs, err := Collect([]string{hostileRoot, large}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) < len(hostile.Cases()) {
		t.Fatalf("collected %d inputs for %d cases", len(inputs), len(hostile.Cases()))
	}
	opts := DefaultOptions()
	opts.Jobs = 4
	results := Run(inputs, opts)
	if len(results) != len(inputs) {
		t.Fatalf("%d results for %d inputs", len(results), len(inputs))
	}
	after := snapshot(t, hostileRoot, large)
	var changed []string
	for p, s := range before {
		if a, ok := after[p]; !ok || a != s {
			changed = append(changed, fmt.Sprintf("%s: %+v -> %+v", p, s, a))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			changed = append(changed, "new file "+p)
		}
	}
	sort.Strings(changed)
	for _, c := range changed {
		t.Error(c)
	}
}

// TestHostileLimitsStopEarly checks, with tiny limits, that the bounds that
// keep hostile members from filling memory stop reading where they should
// and say so at the right line.
func TestHostileLimitsStopEarly(t *testing.T) {
	t.Run("csv quoted field never closed", func(t *testing.T) {
		data := "a,b\n\"x" + strings.Repeat("yyyyyyyy\n", 100) + "\",1\n"
		_, rows, _, rules := csvFileRun([]byte(data), false, 64)
		if len(rows) != 0 || strings.Join(rules, ",") != "csv.syntax" {
			t.Fatalf("rows %q, rules %v; want no row and one csv.syntax", rows, rules)
		}
		s := newSink("b.zip", false)
		c := openCSV(s, "m.csv", newTextScanner(strings.NewReader(data), 64), false)
		for _, _, ok := c.next(); ok; _, _, ok = c.next() {
		}
		fs := s.finish()
		if len(fs) != 1 || fs[0].Line != 2 || !strings.Contains(fs[0].Message, "never closed") {
			t.Fatalf("findings %+v; want csv.syntax at line 2 naming the unclosed quote", fs)
		}
	})
	t.Run("json value beyond the limit", func(t *testing.T) {
		// Read a byte at a time, the decoder asks for more while inside
		// the string: that is where the guard must stop it.
		data := `{"a": "` + strings.Repeat("x", 100) + `"}`
		s := newSink("b.zip", false)
		ts := newTextScanner(iotest.OneByteReader(strings.NewReader(data)), 0)
		ts.keepRecent()
		_, built, _ := readJSON(s, "m.json", ts, JSONLimits{MaxBytes: 32, MaxDepth: 8})
		fs := s.finish()
		if built || len(fs) != 1 || fs[0].Rule != "json.limit-exceeded" || !strings.Contains(fs[0].Message, "single value") {
			t.Fatalf("built %v, findings %+v; want one json.limit-exceeded for the value", built, fs)
		}
		if ts.offset > 32+2*512 {
			t.Errorf("read %d bytes of the value before stopping", ts.offset)
		}
	})
	t.Run("json nesting beyond the limit stops parsing", func(t *testing.T) {
		// Invalid after the limit: parsing stopped, so it is not reported.
		data := strings.Repeat("[", 10) + "}"
		_, built, ok, rules := jsonFindings([]byte(data), JSONLimits{MaxBytes: 1 << 20, MaxDepth: 4})
		if built || !ok || strings.Join(rules, ",") != "json.limit-exceeded" {
			t.Fatalf("built %v ok %v rules %v; want one json.limit-exceeded and parsing stopped", built, ok, rules)
		}
	})
}
