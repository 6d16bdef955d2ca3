package verify

import (
	"fmt"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

// Forms pins the forms the vendors do not publish (FORMATS.md): a .hash
// file's line form and algorithm, meta.datetime's form, and the date
// convention of FlexNet extracts. By default every reasonable form is
// accepted and findings name the one seen; a receiver who knows what its
// partners' exporters write pins it, and a value in another form gives
// form.mismatch. An empty field pins nothing.
type Forms struct {
	// HashForm is "bare", "gnu" or "bsd".
	HashForm string
	// HashAlgorithm is "md5", "sha1", "sha256" or "sha512".
	HashAlgorithm string
	// Datetime is "iso8601" (2026-11-01T03:00:00Z) or "space"
	// (2026-11-01 03:00:00).
	Datetime string
	// FlexNetDates is "iso8601" or "legacy" (the extract option "Use ISO
	// 8601 time format in extracts" on or off).
	FlexNetDates string
}

// FormChoices are the values each field of Forms takes, by the name the
// configuration gives it.
var FormChoices = []struct {
	Key     string
	Choices []string
	Field   func(*Forms) *string
}{
	{"hash_form", []string{"bare", "gnu", "bsd"}, func(f *Forms) *string { return &f.HashForm }},
	{"hash_algorithm", []string{"md5", "sha1", "sha256", "sha512"}, func(f *Forms) *string { return &f.HashAlgorithm }},
	{"datetime", []string{"iso8601", "space"}, func(f *Forms) *string { return &f.Datetime }},
	{"flexnet_dates", []string{"iso8601", "legacy"}, func(f *Forms) *string { return &f.FlexNetDates }},
}

var ruleFormMismatch = newRule("form.mismatch", finding.Warning,
	"A value is in another form than the one pinned in the configuration (`forms`): a `.hash` line form or algorithm, the form of meta.datetime, or the FlexNet date convention.",
	"Ask the sender what changed in the exporter's settings; if the new form is right, change `forms` in the configuration.")

// hashFormNames are the pinnable names of the .hash line forms.
var hashFormNames = map[string]string{formBare: "bare", formGNU: "gnu", formBSD: "bsd"}

// checkHashForm reports a .hash line whose form or algorithm is not the
// pinned one.
func checkHashForm(s *sink, member string, hl hashLine, pin Forms) {
	if pin.HashForm != "" && hashFormNames[hl.Form] != pin.HashForm {
		s.add(ruleFormMismatch, at{file: member, line: 1, subject: "hash_form"},
			"the .hash is a %s (%s), but the configuration pins %s", hl.Form, hashFormNames[hl.Form], pin.HashForm)
	}
	if algo := strings.ToLower(hl.Algo); pin.HashAlgorithm != "" && algo != pin.HashAlgorithm {
		s.add(ruleFormMismatch, at{file: member, line: 1, subject: "hash_algorithm"},
			"the .hash is an %s digest, but the configuration pins %s", algoName(hl.Algo), pin.HashAlgorithm)
	}
}

// datetimeForm names the form of a meta.datetime that parsed: "iso8601"
// when a T joins date and time, "space" when a space does.
func datetimeForm(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == 'T' {
		return "iso8601"
	}
	return "space"
}

// checkDatetimeForm reports a meta.datetime not in the pinned form.
func checkDatetimeForm(s *sink, member, dt string, pin Forms) {
	if pin.Datetime == "" {
		return
	}
	if got := datetimeForm(dt); got != pin.Datetime {
		s.add(ruleFormMismatch, at{file: member, location: "/meta/datetime"},
			"meta.datetime %q is in the %s form, but the configuration pins %s", truncate(dt, 60), got, pin.Datetime)
	}
}

// pinName is the convention's name in the configuration's forms.
func (c dateConvention) pinName() string {
	if c == dateISO {
		return "iso8601"
	}
	return "legacy"
}

// pinnedConvention reports the first date of a file in the other
// convention than the pinned one, with how many there are.
func (d *fneDates) pinnedConvention(s *sink, member, pin string) {
	if pin == "" {
		return
	}
	for c, e := range d.seen {
		if e.n == 0 || dateConvention(c).pinName() == pin {
			continue
		}
		form := ""
		if dateConvention(c) == dateLegacy && e.form != "" {
			form = fmt.Sprintf(", form %s", e.form)
		}
		s.add(ruleFormMismatch, at{file: member, line: e.line, location: e.column, subject: "flexnet_dates"},
			"the file has %s dates (%s, first at line %d, column %s%s), but the configuration pins %s; check the extract option 'Use ISO 8601 time format in extracts'",
			dateConvention(c), cells(e.n), e.line, e.column, form, pin)
	}
}
