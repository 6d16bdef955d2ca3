package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

// Independent of the renderer's own types, as a CI server would read it.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failures  []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, r *Report) xSuites {
	t.Helper()
	var doc xSuites
	out := render(t, "junit", Options{}, r)
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, out)
	}
	return doc
}

// TestJUnitCounts parses the output and checks the counts a CI server
// shows: a suite per bundle, a case per catalogue rule, a failed case per
// rule with unwaived findings at or above --fail-on.
func TestJUnitCounts(t *testing.T) {
	r := fixture()
	doc := parseJUnit(t, r)
	nRules := len(fixtureRules())
	if len(doc.Suites) != len(r.Bundles) {
		t.Fatalf("%d testsuites, want %d", len(doc.Suites), len(r.Bundles))
	}
	wantFailed := map[string][]string{
		passingPath:  nil,
		failingPath:  {"hash.mismatch", "json.schema", "csv.ragged-row", "anon.identifying-column", "recon.count-mismatch"},
		detailedPath: {"csv.ragged-row"},
		brokenPath:   {"zip.unreadable"},
	}
	total, failures := 0, 0
	for _, s := range doc.Suites {
		want, ok := wantFailed[s.Name]
		if !ok {
			t.Errorf("unexpected testsuite %q", s.Name)
			continue
		}
		if s.Tests != nRules || len(s.Cases) != nRules {
			t.Errorf("%s: tests=%d with %d testcases, want %d", s.Name, s.Tests, len(s.Cases), nRules)
		}
		var failed []string
		for _, c := range s.Cases {
			if c.ClassName != s.Name {
				t.Errorf("%s/%s: classname %q", s.Name, c.Name, c.ClassName)
			}
			if len(c.Failures) > 1 {
				t.Errorf("%s/%s: %d <failure> elements, readers show only one", s.Name, c.Name, len(c.Failures))
			}
			if len(c.Failures) == 1 {
				failed = append(failed, c.Name)
				if c.Failures[0].Type != c.Name {
					t.Errorf("%s/%s: failure type %q", s.Name, c.Name, c.Failures[0].Type)
				}
			}
		}
		if strings.Join(failed, ",") != strings.Join(orderLike(want, fixtureRules()), ",") {
			t.Errorf("%s: failed cases %v, want %v", s.Name, failed, want)
		}
		if s.Failures != len(want) {
			t.Errorf("%s: failures=%d, want %d", s.Name, s.Failures, len(want))
		}
		total += s.Tests
		failures += s.Failures
	}
	if doc.Tests != total || doc.Failures != failures {
		t.Errorf("testsuites tests=%d failures=%d, want %d and %d", doc.Tests, doc.Failures, total, failures)
	}
}

// orderLike orders ids as the catalogue does.
func orderLike(ids []string, rules []finding.Rule) []string {
	var out []string
	for _, r := range rules {
		for _, id := range ids {
			if id == r.ID {
				out = append(out, id)
			}
		}
	}
	return out
}

// TestJUnitFailureText: each finding of a failed case is in its failure as
// member:line: message; below-threshold and waived findings go to
// system-out instead.
func TestJUnitFailureText(t *testing.T) {
	doc := parseJUnit(t, fixture())
	cases := map[string]map[string]int{} // suite -> case -> index
	for _, s := range doc.Suites {
		cases[s.Name] = map[string]int{}
		for ci, c := range s.Cases {
			cases[s.Name][c.Name] = ci
		}
	}
	get := func(suite, rule string) (msg, text, out string) {
		s := doc.Suites[indexOf(doc, suite)]
		c := s.Cases[cases[suite][rule]]
		if len(c.Failures) > 0 {
			msg, text = c.Failures[0].Message, c.Failures[0].Text
		}
		return msg, text, c.SystemOut
	}

	msg, text, _ := get(failingPath, "anon.identifying-column")
	wantLines := []string{
		anonCSV + `:1 [Customer Name]: column "Customer Name" identifies customers`,
		anonCSV + `:1 [Reseller]: column "Reseller" identifies resellers`,
	}
	if text != strings.Join(wantLines, "\n") {
		t.Errorf("failure text = %q, want %q", text, strings.Join(wantLines, "\n"))
	}
	if msg != wantLines[0]+" (and 1 more finding)" {
		t.Errorf("failure message = %q", msg)
	}

	_, text, out := get(failingPath, "csv.formula-injection")
	if text != "" || !strings.Contains(out, "warning: "+anonCSV+":17 [Notes]: "+pipeMessage) {
		t.Errorf("a warning under --fail-on error: failure %q, system-out %q", text, out)
	}
	_, text, out = get(passingPath, "anon.metadata")
	if text != "" || !strings.HasPrefix(out, "waived warning (host renamed on 2026-10-12, ticket LIC-42): ") {
		t.Errorf("a waived finding: failure %q, system-out %q", text, out)
	}
	_, text, _ = get(detailedPath, "csv.ragged-row")
	if text != "line 5: row has 7 fields, the header 8" {
		t.Errorf("a line of the bundle itself: %q", text)
	}
	_, _, out = get(failingPath, "member.unexpected")
	if strings.ContainsRune(out, 0x1b) || !strings.Contains(out, `\x1b[31mred.txt`) {
		t.Errorf("hostile member name in system-out: %q", out)
	}
}

func indexOf(doc xSuites, name string) int {
	for i, s := range doc.Suites {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// TestJUnitThreshold: --fail-on moves findings between failure and
// system-out; never fails nothing.
func TestJUnitThreshold(t *testing.T) {
	count := func(failOn finding.Severity) int {
		r := fixture()
		r.FailOn = failOn
		r.Finalize()
		return parseJUnit(t, r).Failures
	}
	if got := count(Never); got != 0 {
		t.Errorf("fail-on never: %d failures, want 0", got)
	}
	// csv.ragged-row fails twice: in the detailed CSV verified alone and
	// in the one beside the failing bundle.
	if got := count(finding.Error); got != 7 {
		t.Errorf("fail-on error: %d failures, want 7", got)
	}
	// Warnings add member.unexpected and csv.formula-injection of the
	// failing bundle; the waived warning still does not fail.
	if got := count(finding.Warning); got != 9 {
		t.Errorf("fail-on warning: %d failures, want 9", got)
	}
	// Info adds csv.encoding in the passing and the failing bundle.
	if got := count(finding.Info); got != 11 {
		t.Errorf("fail-on info: %d failures, want 11", got)
	}
}

// TestJUnitWithoutCatalogue: with no catalogue, the rules of the findings
// still become test cases, so nothing is lost.
func TestJUnitWithoutCatalogue(t *testing.T) {
	r := fixture()
	r.Rules = nil
	doc := parseJUnit(t, r)
	s := doc.Suites[indexOf(doc, failingPath)]
	var names []string
	for _, c := range s.Cases {
		names = append(names, c.Name)
	}
	want := "anon.identifying-column,csv.encoding,csv.formula-injection,csv.ragged-row,hash.mismatch,json.schema,member.unexpected,recon.count-mismatch"
	if strings.Join(names, ",") != want {
		t.Errorf("cases = %v, want %s", names, want)
	}
}
