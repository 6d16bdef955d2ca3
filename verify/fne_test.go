package verify

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

// Small CSVs in the shape of the real ones: the leading fixed columns, no
// tier block, the trailing fixed columns, one LM column. rowE fills an
// entitlement row from a few named cells.
var smallEntitlementHeader = entitlementHeader()

func rowOf(header []string, cells map[string]string) string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = cells[h]
	}
	var b bytes.Buffer
	for i, c := range out {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(c, ",\"\n") {
			c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
		}
		b.WriteString(c)
	}
	return b.String()
}

// first is an entitlement's first row; extra an extra line item.
func first(eid, act string, more ...string) map[string]string {
	m := map[string]string{"EntitlementID": eid, "EntitlementState": "Deployed", "AllowPortalLogin": "Yes",
		"CurrentOwner": "owner", "ActivationId": act, "StartDate": "2026-01-02T03:04:05.000Z", "LineItemQuantity": "3"}
	return with(m, more...)
}

func extra(eid, act string, more ...string) map[string]string {
	return with(map[string]string{"EntitlementID": eid, "ActivationId": act, "StartDate": "2026-01-02T03:04:05.000Z"}, more...)
}

func mfirst(eid, act, link string, more ...string) map[string]string {
	return with(map[string]string{"EntitlementID": eid, "EntitlementState": "Deployed", "ActivationId": act, "LineItemLink": link,
		"StartDate": "Mon Aug 22 17:00:00 PDT 2016", "IsActivationPermanent": "FALSE"}, more...)
}

func mextra(eid, act, link string, more ...string) map[string]string {
	return with(map[string]string{"EntitlementID": eid, "ActivationId": act, "LineItemLink": link}, more...)
}

func with(m map[string]string, kv ...string) map[string]string {
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func csvText(header []string, rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(rowOf(header, r) + "\n")
	}
	return b.String()
}

// checkFNEText runs the checks of one CSV over text; lineItems, when not
// nil, are the entitlement CSV's ActivationIds for the maintenance links.
func checkFNEText(kind fneFile, text string, lineItems []string) []finding.Finding {
	s := newSink("Entitlements-2026-11-01-03-00-00.zip", true)
	x := newFNEExtract(s, DefaultOptions())
	if lineItems != nil {
		ids := newIDLog(x.seed)
		for i, id := range lineItems {
			ids.add(id, i+2)
		}
		_, x.lineItems = ids.finish(true)
		x.lineItemsFrom = "EntitlementsExtract-2026-11-01-03-00-00.csv"
	}
	x.checkStream(io.NopCloser(strings.NewReader(text)), "M.csv", kind)
	return s.finish()
}

// where renders findings as "rule@line:column" for comparison.
func where(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%d:%s", f.Rule, f.Line, f.Location))
	}
	slices.Sort(out)
	return out
}

func TestFNERows(t *testing.T) {
	eh := smallEntitlementHeader
	mh := maintenanceHeader()
	tests := []struct {
		name      string
		kind      fneFile
		text      string
		lineItems []string
		want      []string
		mention   string
	}{
		{name: "header only", text: strings.Join(eh, ",") + "\n"},
		{name: "header only without final newline", text: strings.Join(eh, ",")},
		{name: "header only, CRLF", text: strings.Join(eh, ",") + "\r\n"},
		{name: "maintenance header only", kind: fneMaintenance, text: strings.Join(mh, ",") + "\n", lineItems: []string{}},
		{name: "entitlements with extra line items", text: csvText(eh,
			first("E1", "a1"), extra("E1", "a2"), extra("E1", "a3"), first("E2", "b1"), first("E3", "c1"), extra("E3", "c2"))},
		{name: "empty EntitlementID", text: csvText(eh, first("E1", "a1"), first("", "a2")),
			want: []string{"fne.entitlement-id@3:EntitlementID"}, mention: "empty EntitlementID"},
		{name: "blank EntitlementID", text: csvText(eh, first("  ", "a1")),
			want: []string{"fne.entitlement-id@2:EntitlementID"}},
		{name: "an empty EntitlementID does not break the group", text: csvText(eh, first("E1", "a1"), extra("", "a2"), extra("E1", "a3")),
			want: []string{"fne.entitlement-id@3:EntitlementID"}},
		{name: "empty ActivationId", text: csvText(eh, first("E1", "")),
			want: []string{"fne.activation-id@2:ActivationId"}, mention: "empty ActivationId"},
		{name: "repeated ActivationId", text: csvText(eh, first("E1", "a1"), first("E2", "b1"), first("E3", "a1")),
			want: []string{"fne.activation-id@4:ActivationId"}, mention: "repeats the one at line 2"},
		{name: "extra row fills a column", text: csvText(eh, first("E1", "a1"), extra("E1", "a2", "Address", "1 Main St", "CurrentOwner", "x")),
			want: []string{"fne.continuation@3:Address"}, mention: "fills Address, CurrentOwner"},
		{name: "extra row fills a column after ActivationId: allowed", text: csvText(eh, first("E1", "a1"), extra("E1", "a2", "ProductName", "P"))},
		{name: "rows away from their entitlement", text: csvText(eh, first("E1", "a1"), first("E2", "b1"), extra("E1", "a2"), extra("E1", "a3")),
			want: []string{"fne.continuation@4:EntitlementID"}, mention: "rows from line 2"},
		{name: "an entitlement twice", text: csvText(eh, first("E1", "a1"), first("E2", "b1"), first("E1", "a2")),
			want: []string{"fne.continuation@4:EntitlementID"}},
		{name: "bad values", text: csvText(eh, first("E1", "a1", "AllowPortalLogin", "Sure", "LineItemQuantity", "3.5", "StartDate", "30:00.0")),
			want: []string{"fne.value@2:AllowPortalLogin", "fne.value@2:LineItemQuantity", "fne.value@2:StartDate"}},
		{name: "dates mixed", text: csvText(eh, first("E1", "a1"), first("E2", "b1", "StartDate", "24-Aug-17"), first("E3", "c1", "EndDate", "12/22/2018 0:00")),
			want: []string{"fne.date-format-mixed@3:StartDate"}, mention: "2 cells, first at line 3, column StartDate"},
		{name: "legacy dates of several forms are one convention", text: csvText(eh,
			first("E1", "a1", "StartDate", "Mon Aug 22 17:00:00 PDT 2016"), first("E2", "b1", "StartDate", "24-Aug-17", "VersionDate", "2016-10-10 14:35:11.313"))},
		{name: "ragged rows are skipped, not misread", text: csvText(eh, first("E1", "a1")) + "E2,,\n",
			want: []string{"csv.ragged-row@3:"}},

		{name: "maintenance linked", kind: fneMaintenance, lineItems: []string{"a1", "a2"}, text: csvText(mh,
			mfirst("E1", "m1", "a1"), mextra("E1", "m2", "a1"), mfirst("E2", "m3", "a2"))},
		{name: "maintenance of two line items of one entitlement", kind: fneMaintenance, lineItems: []string{"a1", "a2"}, text: csvText(mh,
			mfirst("E1", "m1", "a1"), mfirst("E1", "m2", "a2"), mextra("E1", "m3", "a2"))},
		{name: "empty link", kind: fneMaintenance, lineItems: []string{"a1"}, text: csvText(mh, mfirst("E1", "m1", "")),
			want: []string{"fne.maintenance-link@2:LineItemLink"}, mention: "empty LineItemLink"},
		{name: "extra maintenance row without its link", kind: fneMaintenance, lineItems: []string{"a1"}, text: csvText(mh,
			mfirst("E1", "m1", "a1"), mextra("E1", "m2", "")),
			want: []string{"fne.maintenance-link@3:LineItemLink"}, mention: "repeat the EntitlementID and the LineItemLink"},
		{name: "link to an earlier extract", kind: fneMaintenance, lineItems: []string{"a1"}, text: csvText(mh, mfirst("E1", "m1", "zz")),
			want: []string{"fne.maintenance-link@2:LineItemLink"}, mention: "earlier extract"},
		{name: "links unchecked without the entitlement CSV", kind: fneMaintenance, text: csvText(mh, mfirst("E1", "m1", "zz"))},
		{name: "extra maintenance row fills a column", kind: fneMaintenance, lineItems: []string{"a1"}, text: csvText(mh,
			mfirst("E1", "m1", "a1"), mextra("E1", "m2", "a1", "EntitlementDescription", "again")),
			want: []string{"fne.continuation@3:EntitlementDescription"}},
		{name: "repeated maintenance ActivationId", kind: fneMaintenance, lineItems: []string{"a1"}, text: csvText(mh,
			mfirst("E1", "m1", "a1"), mextra("E1", "m1", "a1")),
			want: []string{"fne.activation-id@3:ActivationId"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := checkFNEText(tc.kind, tc.text, tc.lineItems)
			got := where(fs)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q\n%s", got, want, messages(fs))
			}
			if tc.mention != "" && !strings.Contains(fs[0].Message, tc.mention) {
				t.Errorf("message %q does not say %q", fs[0].Message, tc.mention)
			}
			for _, f := range fs {
				if f.File != "M.csv" {
					t.Errorf("finding names member %q: %+v", f.File, f)
				}
			}
		})
	}
}

// TestFNERowsRedact checks that cell values are redacted unless asked.
func TestFNERowsRedact(t *testing.T) {
	text := csvText(smallEntitlementHeader, first("E1", "a1", "AllowPortalLogin", "Confidential"))
	for _, show := range []bool{false, true} {
		s := newSink("x.zip", show)
		newFNEExtract(s, DefaultOptions()).checkStream(io.NopCloser(strings.NewReader(text)), "M.csv", fneEntitlements)
		fs := s.finish()
		if len(fs) != 1 || strings.Contains(fs[0].Message, "Confidential") != show {
			t.Fatalf("show values %v: %s", show, messages(fs))
		}
	}
}

// FuzzFlexNetCSV checks that no byte sequence panics the checks of either
// CSV, and that every finding names its member.
func FuzzFlexNetCSV(f *testing.F) {
	eh, mh := smallEntitlementHeader, maintenanceHeader()
	f.Add([]byte(csvText(eh, first("E1", "a1"), extra("E1", "a2"), first("E2", "b1"))), false)
	f.Add([]byte(csvText(mh, mfirst("E1", "m1", "a1"), mextra("E1", "m2", ""))), true)
	f.Add([]byte(strings.Join(eh, ",")+"\n\"unterminated,\n"), false)
	f.Add([]byte("EntitlementID,ActivationId\r\n,\r\nx,x\r\nx,x\n\xff\x00"), false)
	f.Add([]byte("LineItemLink,ActivationId,EntitlementID\nl,a,e\n,,e\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, maintenance bool) {
		kind := fneEntitlements
		var links []string
		if maintenance {
			kind, links = fneMaintenance, []string{"a1"}
		}
		for _, fd := range checkFNEText(kind, string(data), links) {
			if fd.File != "M.csv" {
				t.Fatalf("finding without its member: %+v", fd)
			}
		}
	})
}

// zipOf writes a ZIP of name/content pairs into dir and returns its path.
func zipOf(t *testing.T, dir, name string, members ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(members); i += 2 {
		w, err := zw.Create(members[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(members[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVerifyFlexNetZIP(t *testing.T) {
	const (
		zipName = "Entitlements-2017-07-07-02-27-18.zip"
		entName = "EntitlementsExtract-2017-07-05-03-07-21.csv"
		mntName = "MaintenanceLine-2017-07-05-03-07-21.csv"
	)
	ent := csvText(smallEntitlementHeader, first("E1", "a1"), extra("E1", "a2"))
	mnt := csvText(maintenanceHeader(), mfirst("E1", "m1", "a2"))
	tests := []struct {
		name    string
		zip     string
		members []string
		want    []string // "rule file" pairs
	}{
		{name: "valid, CSV stamps differ from the ZIP's", zip: zipName, members: []string{entName, ent, mntName, mnt}},
		{name: "maintenance CSV first in the ZIP", zip: zipName, members: []string{mntName, mnt, entName, ent}},
		{name: "maintenance CSV missing", zip: zipName, members: []string{entName, ent},
			want: []string{"fne.member-missing "}},
		{name: "both missing", zip: zipName, members: []string{"notes.txt", "x"},
			want: []string{"fne.member-missing ", "fne.member-missing ", "member.unexpected notes.txt"}},
		{name: "link to a line item absent", zip: zipName, members: []string{entName, ent, mntName, csvText(maintenanceHeader(), mfirst("E1", "m1", "zz"))},
			want: []string{"fne.maintenance-link " + mntName}},
		{name: "CSVs in a folder", zip: zipName, members: []string{"x/" + entName, ent, "x/" + mntName, mnt},
			want: []string{"fne.name x/" + entName, "fne.name x/" + mntName}},
		{name: "CSV named off the grammar", zip: zipName, members: []string{"EntitlementsExtract-2017-07-05.csv", ent, mntName, mnt},
			want: []string{"fne.name EntitlementsExtract-2017-07-05.csv"}},
		{name: "CSV stamp not a real time", zip: zipName, members: []string{"EntitlementsExtract-2017-02-30-03-07-21.csv", ent, mntName, mnt},
			want: []string{"fne.name EntitlementsExtract-2017-02-30-03-07-21.csv"}},
		{name: "ZIP stamp not a real time", zip: "Entitlements-2017-07-07-25-27-18.zip", members: []string{entName, ent, mntName, mnt},
			want: []string{"fne.name "}},
		{name: "misnamed ZIP recognised by content", zip: "extract.zip", members: []string{entName, ent, mntName, mnt},
			want: []string{"fne.name "}},
		{name: "two entitlement CSVs", zip: zipName, members: []string{entName, ent, "EntitlementsExtract-2017-07-06-03-07-21.csv", ent, mntName, mnt},
			want: []string{"member.unexpected EntitlementsExtract-2017-07-06-03-07-21.csv"}},
		{name: "empty CSV", zip: zipName, members: []string{entName, ent, mntName, ""},
			want: []string{"member.empty " + mntName}},
		{name: "junk is zip.junk-entry's only", zip: zipName, members: []string{entName, ent, mntName, mnt, "__MACOSX/._" + entName, "x"},
			want: []string{"zip.junk-entry __MACOSX/._" + entName}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := zipOf(t, t.TempDir(), tc.zip, tc.members...)
			res := Verify(Input{Path: p}, DefaultOptions())
			if res.Kind != "flexnet-entitlements" {
				t.Errorf("kind %s", res.Kind)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Rule+" "+f.File)
			}
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %q, want %q\n%s", got, want, messages(res.Findings))
			}
		})
	}
}

func TestVerifyFlexNetCSVFile(t *testing.T) {
	dir := t.TempDir()
	ent := filepath.Join(dir, "EntitlementsExtract-2017-07-05-03-07-21.csv")
	mnt := filepath.Join(dir, "MaintenanceLine-2017-07-05-03-07-21.csv")
	os.WriteFile(ent, []byte(csvText(smallEntitlementHeader, first("E1", "a1"))), 0o644)
	os.WriteFile(mnt, []byte(csvText(maintenanceHeader(), mfirst("E1", "m1", "a1"), mfirst("E2", "m2", "zz"))), 0o644)

	// The entitlement CSV beside it supplies the line items.
	res := Verify(Input{Path: mnt}, DefaultOptions())
	if got := where(res.Findings); !slices.Equal(got, []string{"fne.maintenance-link@3:LineItemLink"}) {
		t.Fatalf("with the entitlement CSV beside: %q\n%s", got, messages(res.Findings))
	}
	if res.Findings[0].File != "" || !strings.Contains(res.Findings[0].Message, "EntitlementsExtract-2017-07-05-03-07-21.csv") {
		t.Errorf("finding %+v", res.Findings[0])
	}
	// Without it, links cannot be called absent.
	os.Remove(ent)
	res = Verify(Input{Path: mnt}, DefaultOptions())
	if len(res.Findings) != 0 {
		t.Fatalf("without the entitlement CSV: %s", messages(res.Findings))
	}
	empty := filepath.Join(dir, "EntitlementsExtract-2017-07-06-03-07-21.csv")
	os.WriteFile(empty, nil, 0o644)
	res = Verify(Input{Path: empty}, DefaultOptions())
	if got := where(res.Findings); !slices.Equal(got, []string{"member.empty@0:"}) {
		t.Fatalf("empty CSV: %q", got)
	}
	bad := filepath.Join(dir, "EntitlementsExtract-2017-13-06-03-07-21.csv")
	os.WriteFile(bad, []byte(strings.Join(smallEntitlementHeader, ",")+"\n"), 0o644)
	res = Verify(Input{Path: bad}, DefaultOptions())
	if got := where(res.Findings); !slices.Equal(got, []string{"fne.name@0:"}) {
		t.Fatalf("bad stamp: %q", got)
	}
}
