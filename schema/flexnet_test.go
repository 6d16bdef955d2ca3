package schema

import (
	"strings"
	"testing"
)

func TestParseFlexNetAttribute(t *testing.T) {
	tests := []struct {
		col, owner, name, why string
	}{
		{"LM[Embedded Counted|NOTICE]", "Embedded Counted", "NOTICE", ""},
		{"LM[Floating Counted|LM_TESTING]", "Floating Counted", "LM_TESTING", ""},
		{"CA[MAINT_LINE|cA_MNT_LI_B2]", "MAINT_LINE", "cA_MNT_LI_B2", ""},
		{"CA[ACCT|Region name]", "ACCT", "Region name", ""},
		{"LM[Embedded Counted NOTICE]", "", "", "lacks the |"},
		{"LM[Embedded Counted|NOTICE", "", "", "does not end with ]"},
		{"LM[|NOTICE]", "", "", "license model is empty"},
		{"LM[Embedded Counted|]", "", "", "attribute name is empty"},
		{"LM[a|b|c]", "", "", "holds a |"},
		{"LM[a|b]]", "", "", "holds a |, [ or ]"},
		{"LM[ a|b]", "", "", "space"},
		{"CA[maint_line|x]", "", "", "upper-case scope"},
		{"XX[a|b]", "", "", "does not start"},
	}
	for _, tc := range tests {
		a, why := ParseFlexNetAttribute(tc.col)
		if tc.why == "" {
			if why != "" || a.Owner != tc.owner || a.Name != tc.name || a.String() != tc.col {
				t.Errorf("%q: %+v, %q", tc.col, a, why)
			}
			continue
		}
		if !strings.Contains(why, tc.why) {
			t.Errorf("%q: why %q, want it to say %q", tc.col, why, tc.why)
		}
	}
}

func TestFlexNetTierColumn(t *testing.T) {
	for col, want := range map[string][2]string{
		"End Customer|Account":     {"End Customer", "Account"},
		"Partner Tier 1|UserPhone": {"Partner Tier 1", "UserPhone"},
		"a|b|UserEmail":            {"a|b", "UserEmail"},
		"|Account":                 {"", "Account"},
	} {
		tier, field, ok := FlexNetTierColumn(col)
		if !ok || tier != want[0] || field != want[1] {
			t.Errorf("%q: %q %q %v", col, tier, field, ok)
		}
	}
	for _, col := range []string{"Account", "LM[a|b]", "CA[X|y]"} {
		if _, _, ok := FlexNetTierColumn(col); ok {
			t.Errorf("%q taken for a tier column", col)
		}
	}
}

func TestFlexNetHeaders(t *testing.T) {
	h := FlexNetEntitlementHeader([]string{FlexNetTierName(0), FlexNetTierName(1)}, []FlexNetAttribute{{Prefix: FlexNetLicenseModelPrefix, Owner: "M", Name: "A"}})
	if len(h) != 6+2*7+25+1 || h[6] != "End Customer|Account" || h[13] != "Partner Tier 1|Account" || h[len(h)-1] != "LM[M|A]" {
		t.Errorf("entitlement header %q", h)
	}
	if FlexNetTierName(12) != "Partner Tier 12" {
		t.Errorf("tier 12: %q", FlexNetTierName(12))
	}
	m := FlexNetMaintenanceHeader(nil)
	if len(m) != 17 || m[7] != FlexNetLineItemLink {
		t.Errorf("maintenance header %q", m)
	}
	for col := range FlexNetColumnKinds {
		if !contains(FlexNetEntitlementTrailing, col) && !contains(FlexNetEntitlementLeading, col) {
			t.Errorf("typed column %s is not a fixed column", col)
		}
	}
	if n, ok := ParseFlexNetName(FlexNetZipFileName("2017-07-07-02-27-18")); !ok || n.Prefix != FlexNetZipPrefix {
		t.Errorf("zip name")
	}
	for _, name := range []string{FlexNetEntitlementFileName("2017-07-05-03-07-21"), FlexNetMaintenanceFileName("2017-07-05-03-07-21")} {
		if _, ok := ParseFlexNetName(name); !ok {
			t.Errorf("%s off its own grammar", name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FuzzParseFlexNetAttribute checks that a column accepted as an attribute
// writes back to itself, and that a refusal always says why.
func FuzzParseFlexNetAttribute(f *testing.F) {
	for _, s := range []string{"LM[Embedded Counted|NOTICE]", "CA[MAINT_LINE|x]", "LM[|]", "CA[", "LM[a|b|c]", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, col string) {
		a, why := ParseFlexNetAttribute(col)
		if why == "" && a.String() != col {
			t.Fatalf("%q parsed as %+v, which writes %q", col, a, a.String())
		}
		if why != "" && a.Owner != "" {
			t.Fatalf("%q refused (%s) but owner set", col, why)
		}
	})
}
