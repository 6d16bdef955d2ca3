package verify

import (
	"strings"
	"testing"
)

func TestParseHashFile(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	cases := []struct {
		in         string
		algo, name string
		form       string
		err        string // substring of the error; "" for success
	}{
		{sha + "\n", "SHA256", "", formBare, ""},
		{strings.ToUpper(sha), "SHA256", "", formBare, ""},
		{sha + "  vlf_a_b_license_2026-11-01_0300.json\n", "SHA256", "vlf_a_b_license_2026-11-01_0300.json", formGNU, ""},
		{sha + " *file.csv\r\n", "SHA256", "file.csv", formGNU, ""},
		{"SHA256 (file.csv) = " + sha + "\n", "SHA256", "file.csv", formBSD, ""},
		{"sha256 (name with (parens).csv) = " + sha, "SHA256", "name with (parens).csv", formBSD, ""},
		{"MD5 (f) = " + strings.Repeat("0f", 16), "MD5", "f", formBSD, ""},
		{strings.Repeat("1", 40), "SHA1", "", formBare, ""},
		{strings.Repeat("c", 128), "SHA512", "", formBare, ""},
		{"", "", "", "", "empty"},
		{sha + " file.csv", "", "", "", "two spaces"},
		{sha + "  ", "", "", "", "names no file"},
		{"SHA256 (f) = " + strings.Repeat("0f", 16), "", "", "", "tag says"},
		{strings.Repeat("a", 30), "", "", "", "no MD5"},
		{"xyz", "", "", "", "not a hexadecimal"},
		{sha + "\n" + sha + "\n", "", "", "", "more than one line"},
		{"SHA256 (f = " + sha, "", "", "", "lacks"},
	}
	for _, tc := range cases {
		got, err := parseHashFile([]byte(tc.in))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.Algo != tc.algo || got.Name != tc.name || got.Form != tc.form {
			t.Errorf("%q: got %s %q %s, want %s %q %s", tc.in, got.Algo, got.Name, got.Form, tc.algo, tc.name, tc.form)
		}
	}
}

func TestParseMetaDatetime(t *testing.T) {
	good := []string{"2026-11-01T03:00:00Z", "2026-11-01T03:00:00.123+01:00", "2026-11-01T03:00:00", "2026-11-01 03:00", "2026-11-01 03:00:59", "2026-11-01T03:00:00.5"}
	for _, s := range good {
		if _, err := parseMetaDatetime(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"", "yesterday", "2026-13-01 03:00", "01/11/2026"} {
		if _, err := parseMetaDatetime(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
