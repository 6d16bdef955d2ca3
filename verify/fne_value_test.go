package verify

import (
	"strings"
	"testing"

	"github.com/licaudit/licaudit/schema"
)

func TestParseFNEDate(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		conv dateConvention
		form string // a part of the form's name
	}{
		{"2016-11-08T19:29:11.900Z", true, dateISO, "ISO"},
		{"2016-03-11T07:41:38.-0600", true, dateISO, "ISO"}, // an empty fraction, as FlexNet writes it
		{"2016-03-11T07:41:38-06:00", true, dateISO, "ISO"},
		{"2016-03-11T07:41:38+0530", true, dateISO, "ISO"},
		{"2016-03-11T07:41:38+05", true, dateISO, "ISO"},
		{"2016-03-11T07:41:38", true, dateISO, "ISO"},
		{"2016-03-11T07:41", true, dateISO, "ISO"},
		{"2016-03-11", true, dateISO, "ISO"},
		{"2016-02-29", true, dateISO, "ISO"},
		{"2016-12-31T23:59:60Z", true, dateISO, "ISO"},
		{"Mon Aug 22 17:00:00 PDT 2016", true, dateLegacy, "Java"},
		{"Wed Aug 30 05:30:00 IST 2017", true, dateLegacy, "Java"},
		{"Sat Oct 03 17:00:00 UTC 2026", true, dateLegacy, "Java"},
		{"Sat Oct 3 17:00:00 CEST 2026", true, dateLegacy, "Java"},
		{"2016-10-10 14:35:11.313", true, dateLegacy, "yyyy-MM-dd HH:mm:ss"},
		{"2016-10-10 14:35:11", true, dateLegacy, "yyyy-MM-dd HH:mm:ss"},
		{"2016-10-10 14:35", true, dateLegacy, "yyyy-MM-dd HH:mm"},
		{"24-Aug-17", true, dateLegacy, "d-MMM-yy"},
		{"4-aug-17", true, dateLegacy, "d-MMM-yy"},
		{"24-Aug-2017", true, dateLegacy, "d-MMM-yyyy"},
		{"12/22/2018 0:00", true, dateLegacy, "M/d/yyyy H:mm"},
		{"1/2/2018 13:05:59", true, dateLegacy, "M/d/yyyy H:mm:ss"},
		{"12/22/2018", true, dateLegacy, "M/d/yyyy"},
		{"12/22/18 0:00", true, dateLegacy, "M/d/yy H:mm"},

		{"", false, 0, ""},
		{"30:00.0", false, 0, ""},
		{"2016-02-30", false, 0, ""},
		{"2015-02-29", false, 0, ""},
		{"2016-13-01", false, 0, ""},
		{"2016-1-01", false, 0, ""},
		{"2016-03-11T24:00:00Z", false, 0, ""},
		{"2016-03-11T07:41:38+2400", false, 0, ""},
		{"2016-03-11T07:41:38 Z", false, 0, ""},
		{"2016-03-11T07:4", false, 0, ""},
		{"2016-03-11t07:41:38Z", false, 0, ""},
		{"Tue Aug 22 17:00:00 PDT 2016", false, 0, ""}, // Aug 22, 2016 was a Monday
		{"Mon Aug 32 17:00:00 PDT 2016", false, 0, ""},
		{"13/22/2018 0:00", false, 0, ""},
		{"32-Aug-17", false, 0, ""},
		{"yesterday", false, 0, ""},
		{"2016", false, 0, ""},
		{"M", false, 0, ""},
	}
	for _, tc := range tests {
		conv, form, ok := parseFNEDate(tc.in)
		if ok != tc.ok || (ok && (conv != tc.conv || !strings.Contains(form, tc.form))) {
			t.Errorf("parseFNEDate(%q) = %v, %q, %v; want %v, ~%q, %v", tc.in, conv, form, ok, tc.conv, tc.form, tc.ok)
		}
	}
}

func TestSpreadsheetArtefact(t *testing.T) {
	for in, want := range map[string]bool{
		"30:00.0": true, "5:07": true, "42605": true, "30:00.": false,
		"30:0": false, "300:00": false, "a0:00": false, "12345678": false, "00000": false, "": false,
	} {
		if got := spreadsheetArtefact(in) != ""; got != want {
			t.Errorf("spreadsheetArtefact(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFNEBooleanAndInteger(t *testing.T) {
	for in, want := range map[string]bool{"Yes": true, "NO": true, "true": true, "FALSE": true, "Y": false, "1": false, "": false, "TRUEE": false} {
		if isFNEBoolean(in) != want {
			t.Errorf("isFNEBoolean(%q) != %v", in, want)
		}
	}
	for in, want := range map[string]bool{"0": true, "100": true, "-5": true, "+5": true, "1.5": false, "ten": false, "1e3": false, "99999999999999999999": false} {
		if isFNEInteger(in) != want {
			t.Errorf("isFNEInteger(%q) != %v", in, want)
		}
	}
}

func TestCheckFNEValue(t *testing.T) {
	tests := []struct {
		kind    schema.FlexNetValueKind
		value   string
		finding bool
		mention string
	}{
		{schema.FlexNetBoolean, "Yes", false, ""},
		{schema.FlexNetBoolean, " TRUE ", false, ""},
		{schema.FlexNetBoolean, "Maybe", true, "Yes/No or TRUE/FALSE"},
		{schema.FlexNetInteger, "12", false, ""},
		{schema.FlexNetInteger, "twelve", true, "whole number"},
		{schema.FlexNetDate, "", false, ""},
		{schema.FlexNetDate, "30:00.0", true, "spreadsheet"},
		{schema.FlexNetDate, "42605", true, "serial day number"},
		{schema.FlexNetDate, "soon", true, "ISO 8601"},
		{schema.FlexNetText, "anything", false, ""},
	}
	for _, tc := range tests {
		s := newSink("t.zip", true)
		var d fneDates
		checkFNEValue(s, "M.csv", 7, fneTypedColumn{index: 0, name: "Col", kind: tc.kind}, tc.value, &d)
		fs := s.finish()
		if (len(fs) == 1) != tc.finding || len(fs) > 1 {
			t.Errorf("%q: %d findings, want finding=%v: %s", tc.value, len(fs), tc.finding, messages(fs))
			continue
		}
		if tc.finding {
			f := fs[0]
			if f.Rule != "fne.value" || f.File != "M.csv" || f.Line != 7 || f.Location != "Col" || !strings.Contains(f.Message, tc.mention) {
				t.Errorf("%q: %+v; want a fne.value at M.csv:7 Col saying %q", tc.value, f, tc.mention)
			}
		}
	}
}

func TestFNEDatesMixed(t *testing.T) {
	var d fneDates
	d.saw(dateISO, 2, "StartDate", isoFormName)
	d.saw(dateISO, 3, "EndDate", isoFormName)
	s := newSink("t.zip", true)
	d.report(s, "M.csv")
	if fs := s.finish(); len(fs) != 0 {
		t.Fatalf("one convention reported as mixed: %s", messages(fs))
	}
	d.saw(dateLegacy, 9, "VersionDate", legacyForms[0].name)
	d.saw(dateLegacy, 10, "StartDate", legacyForms[0].name)
	s = newSink("t.zip", true)
	d.report(s, "M.csv")
	fs := s.finish()
	if len(fs) != 1 {
		t.Fatalf("%d findings: %s", len(fs), messages(fs))
	}
	f := fs[0]
	if f.Rule != "fne.date-format-mixed" || f.Line != 9 || f.Location != "VersionDate" ||
		!strings.Contains(f.Message, "2 cells, first at line 2, column StartDate") || !strings.Contains(f.Message, "first at line 9, column VersionDate") {
		t.Errorf("finding %+v", f)
	}
}

// FuzzParseFNEDate checks that no cell panics the date parser and that an
// accepted ISO date is one time.Parse agrees is a real date.
func FuzzParseFNEDate(f *testing.F) {
	for _, s := range []string{"2016-11-08T19:29:11.900Z", "2016-03-11T07:41:38.-0600", "Mon Aug 22 17:00:00 PDT 2016",
		"24-Aug-17", "12/22/2018 0:00", "2016-10-10 14:35:11.313", "30:00.0", "", "2016-02-30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		conv, form, ok := parseFNEDate(v)
		if ok && form == "" {
			t.Fatalf("%q accepted without a form", v)
		}
		if ok && conv == dateISO {
			if _, _, ok := parseFNEDate(v[:10]); !ok {
				t.Fatalf("%q accepted but its date part is not", v)
			}
		}
		spreadsheetArtefact(v)
	})
}
