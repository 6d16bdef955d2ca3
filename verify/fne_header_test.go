package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

var sampleLM = []schema.FlexNetAttribute{
	{Prefix: "LM[", Owner: "Embedded Counted", Name: "NOTICE"},
	{Prefix: "LM[", Owner: "Floating Counted", Name: "SERIAL_NUMBER"},
}

func entitlementHeader(tiers ...string) []string {
	return schema.FlexNetEntitlementHeader(tiers, sampleLM)
}

func maintenanceHeader() []string {
	return schema.FlexNetMaintenanceHeader([]schema.FlexNetAttribute{{Prefix: "CA[", Owner: "MAINT_LINE", Name: "SupportLevel"}})
}

// edit returns a copy of h changed by f.
func edit(h []string, f func([]string) []string) []string { return f(slices.Clone(h)) }

func without(name string) func([]string) []string {
	return func(h []string) []string {
		i := slices.Index(h, name)
		return slices.Delete(h, i, i+1)
	}
}

func replace(from, to string) func([]string) []string {
	return func(h []string) []string {
		h[slices.Index(h, from)] = to
		return h
	}
}

func swap(a, b string) func([]string) []string {
	return func(h []string) []string {
		i, j := slices.Index(h, a), slices.Index(h, b)
		h[i], h[j] = h[j], h[i]
		return h
	}
}

func checkHeader(kind fneFile, header []string) ([]finding.Finding, fneLayout) {
	s := newSink("test.zip", true)
	l := checkFNEHeader(s, "M.csv", 1, header, kind)
	return s.finish(), l
}

func TestFNEHeader(t *testing.T) {
	ec := "End Customer"
	tests := []struct {
		name   string
		kind   fneFile
		header []string
		// want are the locations of the fne.header findings, in order.
		want []string
		// mention is a text the first finding's message must hold.
		mention string
	}{
		{name: "two tiers", header: entitlementHeader(ec, "Partner Tier 1")},
		{name: "no tier", header: entitlementHeader()},
		{name: "three tiers", header: entitlementHeader(ec, "Partner Tier 1", "Partner Tier 2")},
		{name: "custom tier names", header: entitlementHeader("Distributor", "Reseller|Direct")},
		{name: "no attribute columns", header: schema.FlexNetEntitlementHeader([]string{ec}, nil)},
		{name: "custom attribute in entitlements", header: append(entitlementHeader(ec), "CA[ENTITLEMENT|Region]")},
		{name: "maintenance", kind: fneMaintenance, header: maintenanceHeader()},
		{name: "maintenance without attributes", kind: fneMaintenance, header: schema.FlexNetMaintenanceHeader(nil)},
		{name: "missing fixed column", header: edit(entitlementHeader(ec), without("OrderId")),
			want: []string{"OrderId"}, mention: "belongs after OrderLineNumber"},
		{name: "missing first column", header: edit(entitlementHeader(ec), without("EntitlementID")),
			want: []string{"EntitlementID"}, mention: "belongs first"},
		{name: "misspelt fixed column", header: edit(entitlementHeader(ec), replace("ActivationId", "ActivationID")),
			want: []string{"ActivationID"}, mention: "the fixed column ActivationId, which is missing"},
		{name: "swapped neighbours", header: edit(entitlementHeader(ec), swap("StartDate", "IsActivationPermanent")),
			want: []string{"IsActivationPermanent"}, mention: "belongs after StartDate"},
		{name: "swapped columns", header: edit(entitlementHeader(ec), swap("StartDate", "EndDate")),
			want: []string{"EndDate", "IsActivationPermanent"}, mention: "belongs after"},
		{name: "fixed column among attributes", header: edit(entitlementHeader(ec), func(h []string) []string {
			return append(without("ProductName")(h), "ProductName")
		}), want: []string{"ProductName"}, mention: "belongs after LineItemDescription"},
		{name: "leading column after the tiers", header: edit(entitlementHeader(ec), func(h []string) []string {
			h = without("Address")(h)
			return slices.Insert(h, slices.Index(h, "CurrentOwner"), "Address")
		}), want: []string{"Address"}, mention: "belongs after ShipToEmail"},
		{name: "CurrentOwner before the tiers", header: edit(entitlementHeader(ec), func(h []string) []string {
			h = without("CurrentOwner")(h)
			return slices.Insert(h, 6, "CurrentOwner")
		}), want: []string{"CurrentOwner"}, mention: "after the tier blocks"},
		{name: "incomplete tier block", header: edit(entitlementHeader(ec, "Partner Tier 1"), without("Partner Tier 1|UserEmail")),
			want: []string{"Partner Tier 1|UserEmail"}, mention: "belongs after Partner Tier 1|UserLastName"},
		{name: "vendor's listing without AccountName", header: edit(entitlementHeader(ec), without(ec+"|AccountName")),
			want: []string{ec + "|AccountName"}, mention: "incomplete"},
		{name: "tier fields out of order", header: edit(entitlementHeader(ec), swap(ec+"|UserFirstName", ec+"|UserLastName")),
			want: []string{ec + "|UserLastName"}, mention: "out of order in the block"},
		{name: "unknown tier field", header: edit(entitlementHeader(ec), replace(ec+"|UserPhone", ec+"|UserFax")),
			want: []string{ec + "|UserFax", ec + "|UserPhone"}, mention: `"UserFax" is not a tier field`},
		{name: "split tier block", header: edit(entitlementHeader(ec, "Partner Tier 1"), func(h []string) []string {
			i := slices.Index(h, ec+"|UserPhone")
			moved := h[i]
			h = slices.Delete(h, i, i+1)
			j := slices.Index(h, "Partner Tier 1|UserPhone")
			return slices.Insert(h, j+1, moved)
		}), want: []string{ec + "|UserPhone"}, mention: "split"},
		{name: "tier column among fixed ones", header: edit(entitlementHeader(ec), func(h []string) []string {
			h = without(ec + "|UserPhone")(h)
			return slices.Insert(h, slices.Index(h, "StartDate"), ec+"|UserPhone")
		}), want: []string{ec + "|UserPhone"}, mention: "tier columns stand together"},
		{name: "tier without name", header: edit(entitlementHeader(ec), func(h []string) []string {
			for i, c := range h {
				if strings.HasPrefix(c, ec+"|") {
					h[i] = strings.TrimPrefix(c, ec)
				}
			}
			return h
		}), want: []string{"|Account"}, mention: "no tier name"},
		{name: "LM without bar", header: append(entitlementHeader(ec), "LM[Floating Counted NOTICE]"),
			want: []string{"LM[Floating Counted NOTICE]"}, mention: "lacks the |"},
		{name: "LM without closing bracket", header: append(entitlementHeader(ec), "LM[Floating Counted|NOTICE"),
			want: []string{"LM[Floating Counted|NOTICE"}, mention: "does not end with ]"},
		{name: "LM with empty model", header: append(entitlementHeader(ec), "LM[|NOTICE]"),
			want: []string{"LM[|NOTICE]"}, mention: "license model is empty"},
		{name: "CA with lower-case scope", header: append(entitlementHeader(ec), "CA[maint_line|x]"),
			want: []string{"CA[maint_line|x]"}, mention: "upper-case scope"},
		{name: "attribute before fixed columns", header: edit(entitlementHeader(ec), func(h []string) []string {
			return slices.Insert(h, 6, "LM[Embedded Counted|VENDOR_STRING]")
		}), want: []string{"LM[Embedded Counted|VENDOR_STRING]"}, mention: "attribute columns come after"},
		{name: "unknown column", header: append(entitlementHeader(ec), "Comments"),
			want: []string{"Comments"}, mention: "not a column of the FlexNet entitlement CSV"},
		{name: "blank and repeated names are csv.header's", header: append(entitlementHeader(ec), "", "LM[Embedded Counted|NOTICE]")},
		{name: "LM in maintenance", kind: fneMaintenance, header: append(maintenanceHeader(), "LM[Floating Counted|NOTICE]"),
			want: []string{"LM[Floating Counted|NOTICE]"}, mention: "belongs to the entitlement CSV"},
		{name: "tier column in maintenance", kind: fneMaintenance, header: append(maintenanceHeader(), ec+"|Account"),
			want: []string{ec + "|Account"}, mention: "not a column of the FlexNet maintenance CSV"},
		{name: "maintenance missing LineItemLink", kind: fneMaintenance, header: edit(maintenanceHeader(), without("LineItemLink")),
			want: []string{"LineItemLink"}, mention: "belongs after ActivationId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, _ := checkHeader(tc.kind, tc.header)
			var got []string
			for _, f := range fs {
				if f.Rule != ruleFNEHeader.ID {
					t.Errorf("unexpected %s: %s", f.Rule, f.Message)
					continue
				}
				if f.File != "M.csv" || f.Line != 1 || f.Location == "" {
					t.Errorf("finding does not name member, line and column: %+v", f)
				}
				got = append(got, f.Location)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("findings at %q, want %q:\n%s", got, tc.want, messages(fs))
			}
			if tc.mention != "" && !strings.Contains(fs[0].Message, tc.mention) {
				t.Errorf("message %q does not say %q", fs[0].Message, tc.mention)
			}
		})
	}
}

func messages(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Rule + " " + f.Location + ": " + f.Message + "\n")
	}
	return b.String()
}

func TestFNEHeaderLayout(t *testing.T) {
	h := entitlementHeader("End Customer")
	_, l := checkHeader(fneEntitlements, h)
	if h[l.entitlementID] != "EntitlementID" || h[l.activationID] != "ActivationId" || l.lineItemLink != -1 {
		t.Fatalf("layout %+v", l)
	}
	// Between: 5 leading columns, 7 tier columns, CurrentOwner.
	if len(l.between) != 13 || h[l.between[0]] != "EntitlementState" || h[l.between[12]] != "CurrentOwner" {
		t.Errorf("between %v", l.between)
	}
	if len(l.typed) != len(schema.FlexNetColumnKinds) {
		t.Errorf("typed columns %v", l.typed)
	}

	m := maintenanceHeader()
	_, l = checkHeader(fneMaintenance, m)
	if m[l.lineItemLink] != "LineItemLink" || len(l.between) != 5 || m[l.between[4]] != "Address" {
		t.Errorf("maintenance layout %+v", l)
	}
	// LineItemLink between EntitlementID and ActivationId is not among
	// the columns an extra row leaves empty.
	moved := edit(m, swap("LineItemLink", "Address"))
	_, l = checkHeader(fneMaintenance, moved)
	for _, i := range l.between {
		if moved[i] == "LineItemLink" {
			t.Errorf("LineItemLink counted among the columns left empty")
		}
	}

	_, l = checkHeader(fneEntitlements, edit(h, without("ActivationId")))
	if l.activationID != -1 || l.between != nil {
		t.Errorf("layout without ActivationId %+v", l)
	}
}

// FuzzFNEHeader checks that no header, however broken, panics the grammar
// check, and that every finding names its column.
func FuzzFNEHeader(f *testing.F) {
	f.Add(strings.Join(entitlementHeader("End Customer", "Partner Tier 1"), ","), false)
	f.Add(strings.Join(maintenanceHeader(), ","), true)
	f.Add("EntitlementID,|,LM[,CA[|],LM[a|b]],x|y|z,ActivationId", false)
	f.Add("ActivationId,EntitlementID,End Customer|UserPhone,End Customer|Account", false)
	f.Fuzz(func(t *testing.T, line string, maintenance bool) {
		kind := fneEntitlements
		if maintenance {
			kind = fneMaintenance
		}
		fs, l := checkHeader(kind, strings.Split(line, ","))
		for _, f := range fs {
			if f.Location == "" {
				t.Fatalf("finding without a column: %+v", f)
			}
		}
		n := len(strings.Split(line, ","))
		for _, i := range append(l.between, l.entitlementID, l.activationID, l.lineItemLink) {
			if i >= n {
				t.Fatalf("layout index %d beyond %d columns", i, n)
			}
		}
	})
}
