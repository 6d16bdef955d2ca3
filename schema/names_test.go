package schema

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseVOSSName(t *testing.T) {
	cases := []struct {
		name string
		ok   bool
		want VOSSName
	}{
		{"vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip", true, VOSSName{Stem: "CS-P_VOSS-UN-1", Type: TypeLicense, Stamp: "2026-11-01_0300", Ext: "zip"}},
		{"vlf_P_H_license_2026-11-01_0300.json.hash", true, VOSSName{Stem: "P_H", Type: TypeLicense, Stamp: "2026-11-01_0300", Ext: "json", Hash: true}},
		{"vlf_A_B_C_anonymous_breakdown_2026-11-01_0300.csv", true, VOSSName{Stem: "A_B_C", Type: TypeAnonymousBreakdown, Stamp: "2026-11-01_0300", Ext: "csv"}},
		{"vlf_P_H_patch_legacy_2026-11-01_0300.json", true, VOSSName{Stem: "P_H", Type: TypePatch, Legacy: true, Stamp: "2026-11-01_0300", Ext: "json"}},
		{"vlf_P_H_detailed_2026-11-01_0300.csv", true, VOSSName{Stem: "P_H", Type: TypeDetailed, Stamp: "2026-11-01_0300", Ext: "csv"}},
		{"vlf_P_H_patch_2026-11-01_0300.csv", false, VOSSName{}},     // a patch log is JSON
		{"vlf_P_H_anonymous_2026-11-01_0300.zip", false, VOSSName{}}, // only the license is a ZIP
		{"vlf__license_2026-11-01_0300.zip", false, VOSSName{}},
		{"vlf_P__license_2026-11-01_0300.zip", false, VOSSName{}},
		{"vlf_P_H_license_2026-11-01_03000.zip", false, VOSSName{}},
		{"vlf_P_H_license_2026-11-01_0300.zip.hash.hash", false, VOSSName{}},
		{"VLF_P_H_license_2026-11-01_0300.zip", false, VOSSName{}},
		{"vlf_P_H_license_2026-11-01_0300.zip\n", false, VOSSName{}},
		{"", false, VOSSName{}},
	}
	for _, c := range cases {
		got, ok := ParseVOSSName(c.name)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseVOSSName(%q) = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestParseFlexNetName(t *testing.T) {
	cases := []struct {
		name string
		ok   bool
	}{
		{"Entitlements-2026-11-01-03-00-00.zip", true},
		{"EntitlementsExtract-2026-11-01-03-00-00.csv", true},
		{"MaintenanceLine-2026-11-01-03-00-00.csv", true},
		{"Entitlements-2026-11-01-03-00-00.csv", false},
		{"EntitlementsExtract-2026-11-01-03-00-00.zip", false},
		{"Entitlements-2026-11-01-03-00.zip", false},
		{"entitlements-2026-11-01-03-00-00.zip", false},
		{"Entitlements-2026-11-01-03-00-00.zip ", false},
	}
	for _, c := range cases {
		if _, ok := ParseFlexNetName(c.name); ok != c.ok {
			t.Errorf("ParseFlexNetName(%q) ok = %v, want %v", c.name, ok, c.ok)
		}
	}
}

// vossNameGrammar is the grammar ParseVOSSName reads by hand, kept here as
// the reference it is held to.
var vossNameGrammar = regexp.MustCompile(`^vlf_(.+)_(license|patch|adaptation_log|anonymous_breakdown|anonymous|detailed)(_legacy)?_([0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{4})\.(json|csv|zip)(\.hash)?$`)

// parseVOSSNameByGrammar is ParseVOSSName as the regular expression reads
// a name.
func parseVOSSNameByGrammar(base string) (VOSSName, bool) {
	m := vossNameGrammar.FindStringSubmatch(base)
	if m == nil {
		return VOSSName{}, false
	}
	n := VOSSName{Stem: m[1], Type: m[2], Legacy: m[3] != "", Stamp: m[4], Ext: m[5], Hash: m[6] != ""}
	if !slices.Contains(vossExt[n.Type], n.Ext) || strings.HasPrefix(n.Stem, "_") || strings.HasSuffix(n.Stem, "_") {
		return VOSSName{}, false
	}
	return n, true
}

// FuzzNames: whatever a sender names a file, the name parsers never panic,
// ParseVOSSName reads it as its grammar does, and a name they accept writes
// back to itself, so the parts reported are exactly the parts of the name.
func FuzzNames(f *testing.F) {
	for _, s := range []string{
		"vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip",
		"vlf_P_H_license_2026-11-01_0300.json.hash",
		"vlf_A_B_C_anonymous_breakdown_legacy_2026-11-01_0300.csv",
		"vlf_P_H_detailed_2026-02-30_2561.csv",
		"vlf_license_license_license_2026-11-01_0300.zip",
		"vlf___license_2026-11-01_0300.zip",
		"Entitlements-2026-11-01-03-00-00.zip",
		"EntitlementsExtract-2016-99-99-99-99-99.csv",
		"MaintenanceLine-2026-11-01-03-00-00.csv",
		"2026-11-01_0300_license/",
		"vlf_\xff_H_license_2026-11-01_0300.zip",
		"vlf_P\nH_license_2026-11-01_0300.zip",
		"vlf_P_H_legacy_2026-11-01_0300.zip",
		"vlf_license_legacy_2026-11-01_0300.json",
		"vlf_P_H_anonymous_breakdown_legacy_2026-11-01_0300.csv.hash",
		"vlf_P_H_license_2026-11-01_0300.hash",
		"vlf_P.H_license_2026-11-01_0300",
		"vlf_P_H_license_2026-11-01-0300.zip",
		"vlf_x__license_2026-11-01_0300.zip",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotOK := ParseVOSSName(s)
		if want, wantOK := parseVOSSNameByGrammar(s); gotOK != wantOK || got != want {
			t.Fatalf("ParseVOSSName(%q) = %+v, %v; the grammar reads %+v, %v", s, got, gotOK, want, wantOK)
		}
		if n, ok := ParseVOSSName(s); ok {
			if n.String() != s {
				t.Fatalf("ParseVOSSName(%q) writes back as %q", s, n.String())
			}
			if n.Stem == "" || strings.HasPrefix(n.Stem, "_") || strings.HasSuffix(n.Stem, "_") {
				t.Fatalf("ParseVOSSName(%q): stem %q", s, n.Stem)
			}
			if again, ok := ParseVOSSName(n.String()); !ok || again != n {
				t.Fatalf("ParseVOSSName(%q) is not stable: %+v then %+v", s, n, again)
			}
			if !n.Legacy && !n.Hash && VOSSFileName(n.Stem, n.Type, n.Stamp, n.Ext) != s {
				t.Fatalf("VOSSFileName does not rebuild %q", s)
			}
			if tm, err := n.Time(); err == nil && tm.Format(VOSSStampLayout) != n.Stamp {
				t.Fatalf("the stamp %q reads as %v", n.Stamp, tm)
			}
		}
		if n, ok := ParseFlexNetName(s); ok {
			if n.Prefix+n.Stamp+"."+n.Ext != s {
				t.Fatalf("ParseFlexNetName(%q) = %+v", s, n)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("ParseFlexNetName accepted invalid UTF-8 %q", s)
			}
			if tm, err := n.Time(); err == nil && tm.Format(FlexNetStampLayout) != n.Stamp {
				t.Fatalf("the stamp %q reads as %v", n.Stamp, tm)
			}
		}
		if ts, ok := ParseVOSSDir(s); ok && VOSSDir(ts) != s {
			t.Fatalf("ParseVOSSDir(%q) = %q", s, ts)
		}
	})
}

// BenchmarkParseVOSSName compares reading a name by hand with reading it
// by its grammar, on the names of one VOSS bundle.
func BenchmarkParseVOSSName(b *testing.B) {
	names := []string{
		"vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip",
		"vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.json",
		"vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.json.hash",
		"vlf_CS-P_VOSS-UN-1_adaptation_log_2026-11-01_0300.json",
		"vlf_CS-P_VOSS-UN-1_anonymous_2026-11-01_0300.csv.hash",
		"vlf_CS-P_VOSS-UN-1_detailed_2026-11-01_0300.csv",
	}
	for _, p := range []struct {
		name  string
		parse func(string) (VOSSName, bool)
	}{{"by hand", ParseVOSSName}, {"by grammar", parseVOSSNameByGrammar}} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, n := range names {
					if _, ok := p.parse(n); !ok {
						b.Fatalf("%s does not parse", n)
					}
				}
			}
		})
	}
}
