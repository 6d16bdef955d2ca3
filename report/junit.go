package report

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

func init() {
	renderers["junit"] = func(Options) Renderer { return JUnit{} }
}

// JUnit renders the report as JUnit XML, the dialect Jenkins, GitLab and
// the GitHub test-report actions read: a testsuite per bundle, a testcase
// per rule of the catalogue (classname the bundle path, name the rule id).
// A rule with unwaived findings at or above the threshold fails; its
// findings below the threshold, or waived, go to the testcase's
// system-out so they are on record without failing anything.
//
// A failing testcase carries one <failure> whose message is its first
// finding and whose body lists every finding, one "member:line: message"
// per line. One element rather than one per finding because the readers
// named above show only the first <failure> of a testcase and drop the rest.
type JUnit struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Render implements Renderer.
func (JUnit) Render(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "licaudit"}
	for _, b := range r.Bundles {
		s := junitSuiteOf(b, r)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitSuiteOf is the testsuite of one bundle.
func junitSuiteOf(b Bundle, r *Report) junitSuite {
	path := xmlText(b.Path)
	s := junitSuite{
		Name: path,
		Properties: []junitProperty{
			{Name: "kind", Value: b.Kind},
			{Name: "sha256", Value: b.SHA256},
			{Name: "verdict", Value: b.Verdict},
		},
	}
	byRule := map[string][]finding.Finding{}
	for _, f := range b.Findings {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	for _, id := range ruleIDs(r.Rules, b.Findings) {
		c := junitCase{ClassName: path, Name: xmlText(id)}
		var failed, other []string
		for _, f := range byRule[id] {
			line := xmlText(describe(f))
			switch {
			case f.Waived != "":
				other = append(other, "waived "+f.Severity.String()+" ("+xmlText(f.Waived)+"): "+line)
			case r.Fails(f):
				failed = append(failed, line)
			default:
				other = append(other, f.Severity.String()+": "+line)
			}
		}
		if len(failed) > 0 {
			msg := failed[0]
			if len(failed) > 1 {
				msg += " (and " + plural(len(failed)-1, "more finding") + ")"
			}
			c.Failure = &junitFailure{Message: msg, Type: c.Name, Text: strings.Join(failed, "\n")}
			s.Failures++
		}
		c.SystemOut = strings.Join(other, "\n")
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

// ruleIDs is the catalogue's rule ids in catalogue order, then the ids of
// findings whose rule the catalogue lacks (sorted), so that no finding is
// lost when a caller passes a partial or no catalogue.
func ruleIDs(rules []finding.Rule, fs []finding.Finding) []string {
	known := map[string]bool{}
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		if !known[r.ID] {
			known[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	var extra []string
	for _, f := range fs {
		if !known[f.Rule] {
			known[f.Rule] = true
			extra = append(extra, f.Rule)
		}
	}
	slices.Sort(extra)
	return append(ids, extra...)
}

// xmlText makes text safe for XML 1.0, which forbids most control
// characters: encoding/xml would silently turn them into U+FFFD and lose
// what a hostile name actually was, so they become visible escapes first.
func xmlText(s string) string { return cleanText(s) }
