package verify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/licaudit/licaudit/schema"
)

// dateConvention is one of the two date conventions of FlexNet extracts,
// chosen by the "Use ISO 8601 time format in extracts" option.
type dateConvention int

const (
	dateISO dateConvention = iota
	dateLegacy
)

func (c dateConvention) String() string {
	if c == dateISO {
		return "ISO 8601"
	}
	return "legacy"
}

// dateForm is a legacy date form: its name in messages and its layout.
type dateForm struct {
	name   string
	layout string
}

// legacyForms are the non-ISO forms seen in FlexNet extracts, most common
// first. time.Parse accepts a fraction after the seconds of any of them.
var legacyForms = []dateForm{
	{"Java date (Mon Aug 22 17:00:00 PDT 2016)", "Mon Jan _2 15:04:05 MST 2006"},
	{"yyyy-MM-dd HH:mm:ss (2016-10-10 14:35:11.313)", "2006-01-02 15:04:05"},
	{"yyyy-MM-dd HH:mm", "2006-01-02 15:04"},
	{"d-MMM-yy (24-Aug-17)", "2-Jan-06"},
	{"d-MMM-yyyy", "2-Jan-2006"},
	{"M/d/yyyy H:mm (12/22/2018 0:00)", "1/2/2006 15:04"},
	{"M/d/yyyy H:mm:ss", "1/2/2006 15:04:05"},
	{"M/d/yyyy", "1/2/2006"},
	{"M/d/yy H:mm", "1/2/06 15:04"},
	{"M/d/yy", "1/2/06"},
}

const isoFormName = "ISO 8601"

// parseFNEDate tells the convention and form of a date cell. A cell that
// is neither gives ok false.
func parseFNEDate(v string) (conv dateConvention, form string, ok bool) {
	if parseISODate(v) {
		return dateISO, isoFormName, true
	}
	if v == "" {
		return 0, "", false
	}
	for _, f := range legacyForms {
		if !plausibleForLayout(v, f.layout) {
			continue
		}
		t, err := time.Parse(f.layout, v)
		if err != nil {
			continue
		}
		if f.layout[0] == 'M' && !strings.EqualFold(v[:3], t.Weekday().String()[:3]) {
			// Go checks a weekday's spelling, not that it is the
			// date's: a wrong one means the date was edited.
			continue
		}
		return dateLegacy, f.name, true
	}
	return 0, "", false
}

// plausibleForLayout skips layouts that cannot match, so that a typical
// cell costs one time.Parse rather than ten.
func plausibleForLayout(v, layout string) bool {
	letter := v[0] >= 'A' && v[0] <= 'Z' || v[0] >= 'a' && v[0] <= 'z'
	switch layout[0] {
	case 'M':
		return letter
	case '2':
		if layout[1] == '0' { // 2006-01-02 ...
			return len(v) >= 16 && v[4] == '-' && v[10] == ' '
		}
		return !letter && strings.IndexByte(v, '-') > 0 && strings.IndexByte(v, '/') < 0
	default: // 1/2/...
		return !letter && strings.IndexByte(v, '/') > 0
	}
}

// parseISODate accepts ISO 8601 dates as FlexNet writes them:
// YYYY-MM-DD, optionally followed by THH:MM[:SS[.fraction]] and a zone Z,
// ±HH, ±HHMM or ±HH:MM. A fraction may be empty ("07:41:38.-0600"): some
// FlexNet releases write it so. Fields must make a real date and time.
func parseISODate(v string) bool {
	if len(v) < 10 || v[4] != '-' || v[7] != '-' {
		return false
	}
	year, ok1 := digits(v[0:4])
	month, ok2 := digits(v[5:7])
	day, ok3 := digits(v[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return false
	}
	rest := v[10:]
	if rest == "" {
		return true
	}
	if rest[0] != 'T' || len(rest) < 6 || rest[3] != ':' {
		return false
	}
	hour, ok1 := digits(rest[1:3])
	minute, ok2 := digits(rest[4:6])
	if !ok1 || !ok2 || hour > 23 || minute > 59 {
		return false
	}
	rest = rest[6:]
	if len(rest) >= 3 && rest[0] == ':' {
		sec, ok := digits(rest[1:3])
		if !ok || sec > 60 { // 60: a leap second
			return false
		}
		rest = rest[3:]
		if rest != "" && rest[0] == '.' {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			rest = rest[i:]
		}
	}
	return isoZone(rest)
}

func isoZone(z string) bool {
	switch {
	case z == "" || z == "Z":
		return true
	case z[0] != '+' && z[0] != '-':
		return false
	}
	z = z[1:]
	switch len(z) {
	case 2:
		h, ok := digits(z)
		return ok && h <= 23
	case 4:
		h, ok1 := digits(z[:2])
		m, ok2 := digits(z[2:])
		return ok1 && ok2 && h <= 23 && m <= 59
	case 5:
		h, ok1 := digits(z[:2])
		m, ok2 := digits(z[3:])
		return z[2] == ':' && ok1 && ok2 && h <= 23 && m <= 59
	}
	return false
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, s != ""
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// isFNEBoolean accepts Yes/No and TRUE/FALSE in any case.
func isFNEBoolean(v string) bool {
	return strings.EqualFold(v, "yes") || strings.EqualFold(v, "no") ||
		strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
}

func isFNEInteger(v string) bool {
	_, err := strconv.ParseInt(v, 10, 64)
	return err == nil
}

// spreadsheetArtefact recognises what a spreadsheet leaves of a date it
// reformatted: a bare "mm:ss.0" time (the vendor sample's "30:00.0") or a
// serial day number ("42605"). It returns how to describe it, or "".
func spreadsheetArtefact(v string) string {
	if n, ok := digits(v); ok && len(v) == 5 && n > 0 {
		return "a spreadsheet's serial day number, what a spreadsheet leaves of a date it reformatted"
	}
	head, frac, hasFrac := strings.Cut(v, ".")
	if hasFrac {
		if _, ok := digits(frac); !ok {
			return ""
		}
	}
	mm, ss, ok := strings.Cut(head, ":")
	if !ok || len(mm) == 0 || len(mm) > 2 || len(ss) != 2 {
		return ""
	}
	if _, ok := digits(mm); !ok {
		return ""
	}
	if _, ok := digits(ss); !ok {
		return ""
	}
	return "a bare minutes:seconds time (mm:ss.0), what a spreadsheet leaves of a date it reformatted: the date itself is lost"
}

// fneDates follows the date conventions of one file, to report a mix once.
type fneDates struct {
	seen [2]struct {
		n      int
		line   int
		column string
		form   string
	}
}

func (d *fneDates) saw(c dateConvention, line int, column, form string) {
	e := &d.seen[c]
	if e.n == 0 {
		e.line, e.column, e.form = line, column, form
	}
	e.n++
}

// report gives one fne.date-format-mixed finding when both conventions
// were seen, at the first date of the convention that came second.
func (d *fneDates) report(s *sink, member string) {
	iso, legacy := d.seen[dateISO], d.seen[dateLegacy]
	if iso.n == 0 || legacy.n == 0 {
		return
	}
	later := legacy
	if iso.line > legacy.line {
		later = iso
	}
	s.add(ruleFNEDateFormatMixed, at{file: member, line: later.line, location: later.column, subject: "mixed"},
		"the file mixes ISO 8601 dates (%s, first at line %d, column %s) and legacy dates (%s, first at line %d, column %s, form %s); FlexNet writes one convention per extract (the 'Use ISO 8601 time format in extracts' option): were rows edited or merged from another extract?",
		cells(iso.n), iso.line, iso.column, cells(legacy.n), legacy.line, legacy.column, legacy.form)
}

func cells(n int) string {
	if n == 1 {
		return "1 cell"
	}
	return fmt.Sprintf("%d cells", n)
}

// checkFNEValue checks one typed cell; empty cells are allowed in every
// typed column.
func checkFNEValue(s *sink, member string, line int, col fneTypedColumn, v string, dates *fneDates) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	w := at{file: member, line: line, location: col.name}
	switch col.kind {
	case schema.FlexNetBoolean:
		if !isFNEBoolean(v) {
			s.add(ruleFNEValue, w, "the %s cell %s at line %d is not a boolean; FlexNet writes Yes/No or TRUE/FALSE", col.name, s.value(v), line)
		}
	case schema.FlexNetInteger:
		if !isFNEInteger(v) {
			s.add(ruleFNEValue, w, "the %s cell %s at line %d is not a whole number", col.name, s.value(v), line)
		}
	case schema.FlexNetDate:
		conv, form, ok := parseFNEDate(v)
		if ok {
			dates.saw(conv, line, col.name, form)
			return
		}
		if what := spreadsheetArtefact(v); what != "" {
			s.add(ruleFNEValue, w, "the %s cell %s at line %d is %s; take the date from FlexNet Operations, and send the CSV as downloaded rather than saved from a spreadsheet", col.name, s.value(v), line, what)
			return
		}
		s.add(ruleFNEValue, w, "the %s cell %s at line %d is not a date in a form FlexNet writes: ISO 8601 (2016-11-08T19:29:11.900Z) or a legacy form (Mon Aug 22 17:00:00 PDT 2016, 24-Aug-17, 12/22/2018 0:00, 2016-10-10 14:35:11.313)", col.name, s.value(v), line)
	}
}
