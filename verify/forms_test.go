package verify

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPinnedForms verifies corpus bundles with forms pinned: a bundle in
// the pinned forms gives nothing, one in another form gives form.mismatch
// naming both.
func TestPinnedForms(t *testing.T) {
	glob := func(pattern string) string {
		t.Helper()
		m, err := filepath.Glob(pattern)
		if err != nil || len(m) != 1 {
			t.Fatalf("%s: %v %v", pattern, m, err)
		}
		return m[0]
	}
	// Four .hash members in BSD form with SHA-256; meta.datetime with a T.
	bsd := glob("../testdata/voss/cases/valid-hash-bsd/*_license_*.zip")
	iso := glob("../testdata/flexnet/valid-iso8601-1tier/*.zip")
	legacy := glob("../testdata/flexnet/valid-legacy-3tiers/*.zip")
	cases := []struct {
		name, path string
		pin        Forms
		want       int // form.mismatch findings
		mention    string
	}{
		{"nothing pinned", bsd, Forms{}, 0, ""},
		{"the forms seen", bsd, Forms{HashForm: "bsd", HashAlgorithm: "sha256", Datetime: "iso8601"}, 0, ""},
		{"another hash form", bsd, Forms{HashForm: "gnu"}, 4, "is a BSD tag line (bsd), but the configuration pins gnu"},
		{"another algorithm", bsd, Forms{HashAlgorithm: "sha512"}, 4, "but the configuration pins sha512"},
		{"another datetime form", bsd, Forms{Datetime: "space"}, 1, "is in the iso8601 form, but the configuration pins space"},
		{"flexnet as pinned", iso, Forms{FlexNetDates: "iso8601"}, 0, ""},
		// One finding a CSV: the entitlement and the maintenance CSV.
		{"flexnet ISO seen, legacy pinned", iso, Forms{FlexNetDates: "legacy"}, 2, "has ISO 8601 dates"},
		{"flexnet legacy as pinned", legacy, Forms{FlexNetDates: "legacy"}, 0, ""},
		{"flexnet legacy seen, ISO pinned", legacy, Forms{FlexNetDates: "iso8601"}, 2, "has legacy dates"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Forms = tc.pin
			var got []string
			for _, f := range Verify(Input{Path: tc.path}, opts).Findings {
				if f.Rule == ruleFormMismatch.ID {
					got = append(got, f.File+":"+f.Message)
					// A location is a CSV column or a JSON
					// pointer: a .hash line has neither.
					if strings.HasSuffix(f.File, ".hash") && f.Location != "" {
						t.Errorf("%s: location %q", f.File, f.Location)
					}
				} else if f.Severity > 0 {
					t.Errorf("unexpected %s: %s", f.Rule, f.Message)
				}
			}
			if len(got) != tc.want {
				t.Fatalf("%d form.mismatch, want %d:\n%s", len(got), tc.want, strings.Join(got, "\n"))
			}
			for _, g := range got {
				if !strings.Contains(g, tc.mention) {
					t.Errorf("%q does not say %q", g, tc.mention)
				}
			}
		})
	}
}

func TestDatetimeForm(t *testing.T) {
	for s, want := range map[string]string{
		"2026-11-01T03:00:00Z":        "iso8601",
		" 2026-11-01T03:00 ":          "iso8601",
		"2026-11-01 03:00:00":         "space",
		"2026-11-01 03:00":            "space",
		"2026-11-01 03:00:00.5+01:00": "space",
	} {
		if got := datetimeForm(s); got != want {
			t.Errorf("datetimeForm(%q) = %s, want %s", s, got, want)
		}
	}
}
