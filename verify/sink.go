package verify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/licaudit/licaudit/finding"
)

// maxPerRule caps the findings of one rule in one member: past it, one more
// finding says how many were left out, so a broken file of a million rows
// gives a readable report and bounded memory.
const maxPerRule = 50

// sink collects the findings of one bundle.
type sink struct {
	*sinkState
	// beside marks the findings as about the detailed CSV beside the
	// bundle (finding.Finding.Beside); see besideBundle.
	beside bool
}

// sinkState is what the views of one bundle's sink share.
type sinkState struct {
	bundleName string
	showValues bool
	findings   []finding.Finding
	perRule    map[ruleAt]int
}

// ruleAt is where maxPerRule counts: one rule in one file.
type ruleAt struct {
	rule, file string
	beside     bool
}

func newSink(bundleName string, showValues bool) *sink {
	return &sink{sinkState: &sinkState{bundleName: bundleName, showValues: showValues, perRule: map[ruleAt]int{}}}
}

// besideBundle is the view of s through which the detailed CSV reconciled
// with a ZIP is checked: its findings go to the same bundle, marked as
// about that file rather than a member of the same name.
func (s *sink) besideBundle() *sink { return &sink{sinkState: s.sinkState, beside: true} }

// at names where a finding is: member, line and location (column name or
// JSON pointer), and subject (what distinguishes findings of one rule at one
// location for the fingerprint).
type at struct {
	file     string
	line     int
	location string
	subject  string
}

// add records a finding of rule r at w with a message.
func (s *sink) add(r *finding.Rule, w at, format string, args ...any) {
	key := ruleAt{r.ID, w.file, s.beside}
	s.perRule[key]++
	n := s.perRule[key]
	if n > maxPerRule {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if n == maxPerRule {
		msg += " (further findings of this rule in this file are counted in the next finding)"
	}
	// Location and subject may be cells of a CSV row, whose text is
	// written again once their batch of rows is reused (see csvAhead.next)
	// and shares an arena with their neighbours: copies keep the text
	// right, and only themselves alive in the report. File is a member's
	// name from the ZIP directory, never a cell.
	f := finding.Finding{Rule: r.ID, Severity: r.Severity, File: w.file, Line: w.line,
		Location: strings.Clone(w.location), Message: msg, Subject: strings.Clone(w.subject), Beside: s.beside}
	if f.Subject == "" && w.line > 0 {
		f.Subject = fmt.Sprint(w.line)
	}
	f.Fingerprint = finding.Fingerprint(s.bundleName, f)
	s.findings = append(s.findings, f)
}

// finish adds, for every rule capped in a member, how many findings were
// left out.
func (s *sink) finish() []finding.Finding {
	for key, n := range s.perRule {
		if n <= maxPerRule {
			continue
		}
		r := registry[key.rule]
		f := finding.Finding{Rule: r.ID, Severity: r.Severity, File: key.file, Beside: key.beside,
			Message: fmt.Sprintf("%d more findings of %s in this file are not listed", n-maxPerRule, r.ID), Subject: "more"}
		f.Fingerprint = finding.Fingerprint(s.bundleName, f)
		s.findings = append(s.findings, f)
	}
	return s.findings
}

// value quotes a cell value for a message: in full with --show-values,
// otherwise redacted, since reports get attached to tickets and must not
// spread the very customer data they warn about.
func (s *sink) value(v string) string {
	if s.showValues {
		return fmt.Sprintf("%q", truncate(v, 120))
	}
	return fmt.Sprintf("%q", Redact(v))
}

// Redact keeps the first two characters of each word and stars the rest
// ("Acme Corp" -> "Ac** Co**"), enough to find the cell, not enough to read
// the name.
func Redact(v string) string {
	v = truncate(v, 60)
	var b strings.Builder
	inWord := 0
	for _, r := range v {
		switch {
		case r == ' ' || r == '.' || r == '/' || r == '@' || r == '-' || r == '_':
			inWord = 0
			b.WriteRune(r)
		case inWord < 2:
			inWord++
			b.WriteRune(r)
		default:
			inWord++
			b.WriteByte('*')
		}
	}
	return b.String()
}

func truncate(v string, n int) string {
	if utf8.RuneCountInString(v) <= n {
		return v
	}
	r := []rune(v)
	return string(r[:n]) + "…"
}
