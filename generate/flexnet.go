package generate

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/licaudit/licaudit/schema"
)

// FlexNet date conventions (--dates), as set by the "Use ISO 8601 time
// format in extracts" option of FlexNet Operations.
const (
	DatesISO8601 = "iso8601" // 2026-10-31T17:00:00.000Z
	DatesLegacy  = "legacy"  // Sat Oct 31 17:00:00 UTC 2026 (Java's Date.toString)
)

// FlexNetOptions describe a FlexNet Operations entitlement extract to write.
// The zero value of a field takes the default of DefaultFlexNetOptions
// where noted.
type FlexNetOptions struct {
	// Entitlements is the number of entitlements (--entitlements N); 0
	// writes header-only CSVs, as FlexNet does for a period with no
	// changes.
	Entitlements int
	// Tiers is the number of tier blocks of the entitlement CSV
	// (--tiers K): End Customer, then Partner Tier 1, Partner Tier 2, ...
	// 0 writes none.
	Tiers int
	// MaxLineItems is the most line items (rows) of one entitlement
	// (--max-line-items M, at least 1); each entitlement has 1 to M.
	MaxLineItems int
	// Maintenance writes maintenance line items linked to entitlement line
	// items (--maintenance); without it the maintenance CSV is header-only.
	Maintenance bool
	// Dates is the date convention (--dates): DatesISO8601 or DatesLegacy;
	// "" means DatesISO8601.
	Dates string
	// At is the time of the extract (--at): it stamps the ZIP and CSV
	// names (YYYY-MM-DD-HH-MM-SS, UTC) and the ZIP entries, and the dates
	// in the rows lie before it. The zero time means 2026-11-01 03:00 UTC.
	At time.Time
	// Seed makes the content (--seed): the same options give the same bytes.
	Seed uint64
	// Defect, when set, is the id of the rule the extract must break
	// (--defect RULE); see FlexNetDefects.
	Defect string
}

// DefaultFlexNetOptions are the options of `licaudit generate flexnet`
// without flags: a small valid extract with every feature.
func DefaultFlexNetOptions() FlexNetOptions {
	return FlexNetOptions{Entitlements: 5, Tiers: 2, MaxLineItems: 3, Maintenance: true,
		Dates: DatesISO8601, At: defaultFlexNetAt, Seed: 1}
}

var defaultFlexNetAt = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

// maxFlexNetEntitlements bounds --entitlements: the extract is built in
// memory.
const maxFlexNetEntitlements = 1_000_000

// flexNetModels are the license models the generator uses, with their
// attribute columns, as in the vendor's sample.
var flexNetModels = []struct {
	name       string
	attributes []string
}{
	{"Embedded Counted", []string{"NOTICE", "SERIAL_NUMBER", "VENDOR_STRING"}},
	{"Floating Counted", []string{"NOTICE", "SERIAL_NUMBER"}},
	{"Nodelocked Uncounted", []string{"NOTICE", "SERIAL_NUMBER"}},
}

// flexNetMaintenanceAttributes are the custom attributes of the
// maintenance line items written.
var flexNetMaintenanceAttributes = []string{"SupportLevel", "ContractRef"}

var (
	flexNetFirstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"}
	flexNetLastNames  = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"}
	flexNetProducts   = []string{"Designer Suite", "Analyzer", "Build Server", "Render Node"}
)

// flexNetModel is an extract being built: the rows of both CSVs as cells,
// then their texts, then the ZIP; a defect changes one of them between
// the steps.
type flexNetModel struct {
	o     FlexNetOptions
	rng   *rand.Rand
	stamp string

	entHeader, mntHeader []string
	entRows, mntRows     [][]string
	// entitlementsMade and itemsMade number the entitlements and line
	// items, defects' included; the numbers make identifiers unique
	// whatever the random part.
	entitlementsMade, itemsMade int

	entText, mntText []byte
	members          []member
}

// flexNetEntitlement is the part of an entitlement shared by its rows.
type flexNetEntitlement struct {
	id    string
	cells map[string]string // the columns between EntitlementID and ActivationId
}

// FlexNet returns the files of a FlexNet extract: the
// Entitlements-<ts>.zip holding EntitlementsExtract-<ts>.csv and
// MaintenanceLine-<ts>.csv.
func FlexNet(o FlexNetOptions) ([]file, error) {
	if o.At.IsZero() {
		o.At = defaultFlexNetAt
	}
	if o.Dates == "" {
		o.Dates = DatesISO8601
	}
	switch {
	case o.Entitlements < 0 || o.Entitlements > maxFlexNetEntitlements:
		return nil, fmt.Errorf("the number of entitlements must be 0 to %d", maxFlexNetEntitlements)
	case o.Tiers < 0 || o.Tiers > 20:
		return nil, fmt.Errorf("the number of tiers must be 0 to 20")
	case o.MaxLineItems < 1 || o.MaxLineItems > 1000:
		return nil, fmt.Errorf("the most line items of an entitlement must be 1 to 1000")
	case o.At.UTC().Year() < minYear || o.At.UTC().Year() > maxYear:
		return nil, fmt.Errorf("the extract time must be in the years %d to %d", minYear, maxYear)
	case o.Dates != DatesISO8601 && o.Dates != DatesLegacy:
		return nil, fmt.Errorf("unknown date convention %q (want %s or %s)", o.Dates, DatesISO8601, DatesLegacy)
	}
	var defect *flexNetDefect
	if o.Defect != "" {
		d, ok := flexNetDefects[o.Defect]
		if !ok {
			return nil, fmt.Errorf("no FlexNet defect for rule %q (have %s)", o.Defect, strings.Join(FlexNetDefects(), ", "))
		}
		defect = &d
	}
	m := &flexNetModel{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x666e65)), stamp: o.At.UTC().Format(schema.FlexNetStampLayout)}
	m.buildRows()
	if defect != nil && defect.rows != nil {
		defect.rows(m)
	}
	m.entText, m.mntText = renderCSV(m.entHeader, m.entRows), renderCSV(m.mntHeader, m.mntRows)
	if defect != nil && defect.text != nil {
		defect.text(m)
	}
	m.members = []member{
		{Name: schema.FlexNetEntitlementFileName(m.stamp), Data: m.entText},
		{Name: schema.FlexNetMaintenanceFileName(m.stamp), Data: m.mntText},
	}
	if defect != nil && defect.layout != nil {
		defect.layout(m)
	}
	var zipBuf bytes.Buffer
	if err := writeZip(&zipBuf, o.At.UTC().Truncate(time.Second), m.members); err != nil {
		return nil, err
	}
	return []file{{name: schema.FlexNetZipFileName(m.stamp), data: zipBuf.Bytes()}}, nil
}

// WriteFlexNet writes a FlexNet extract into dir and returns the paths
// written. Without overwrite an existing file is left alone and nothing is
// written.
func WriteFlexNet(dir string, o FlexNetOptions, overwrite bool) ([]string, error) {
	files, err := FlexNet(o)
	if err != nil {
		return nil, err
	}
	return writeFiles(dir, overwrite, files)
}

func renderCSV(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	writeCSVLine(&b, header)
	for _, r := range rows {
		writeCSVLine(&b, r)
	}
	return b.Bytes()
}

// buildRows makes both CSVs' headers and rows.
func (m *flexNetModel) buildRows() {
	tiers := make([]string, m.o.Tiers)
	for i := range tiers {
		tiers[i] = schema.FlexNetTierName(i)
	}
	var lm []schema.FlexNetAttribute
	for _, model := range flexNetModels {
		for _, a := range model.attributes {
			lm = append(lm, schema.FlexNetAttribute{Prefix: schema.FlexNetLicenseModelPrefix, Owner: model.name, Name: a})
		}
	}
	m.entHeader = schema.FlexNetEntitlementHeader(tiers, lm)
	var ca []schema.FlexNetAttribute
	for _, a := range flexNetMaintenanceAttributes {
		ca = append(ca, schema.FlexNetAttribute{Prefix: schema.FlexNetCustomAttributePrefix, Owner: schema.FlexNetMaintenanceScope, Name: a})
	}
	m.mntHeader = schema.FlexNetMaintenanceHeader(ca)

	for i := 0; i < m.o.Entitlements; i++ {
		e := m.newEntitlement()
		items := 1 + m.rng.IntN(m.o.MaxLineItems)
		var linkTo string
		for j := 0; j < items; j++ {
			row := m.lineItem(e, j == 0)
			m.entRows = append(m.entRows, row)
			if j == 0 {
				linkTo = row[m.col(m.entHeader, schema.FlexNetActivationID)]
			}
		}
		// Every other entitlement has maintenance, linked to its first
		// line item; the last entitlement never does, so that defects
		// can change its rows without breaking a link.
		if m.o.Maintenance && i%2 == 0 && i != m.o.Entitlements-1 {
			for j := 0; j < 1+m.rng.IntN(2); j++ {
				m.mntRows = append(m.mntRows, m.maintenanceItem(e, linkTo, j == 0))
			}
		}
	}
}

// col is the index of a column of a header; the generator's own headers
// hold every column it asks for.
func (m *flexNetModel) col(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("generate: no column " + name)
}

func (m *flexNetModel) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[m.rng.IntN(16)]
	}
	return string(b)
}

// itemID makes a line item's ActivationId, unique within the extract.
func (m *flexNetModel) itemID(prefix string) string {
	m.itemsMade++
	return fmt.Sprintf("%s-%s-%07x", prefix, m.hex(4), m.itemsMade)
}

// newEntitlement makes an entitlement's shared cells: state, description,
// tier blocks and owner.
func (m *flexNetModel) newEntitlement() flexNetEntitlement {
	m.entitlementsMade++
	n := m.entitlementsMade
	e := flexNetEntitlement{
		id: fmt.Sprintf("%s-%s-%s-%06x", m.hex(4), m.hex(4), m.hex(4), n),
		cells: map[string]string{
			"EntitlementState":       "Deployed",
			"EntitlementDescription": fmt.Sprintf("Reference entitlement %d", n),
			"AllowPortalLogin":       []string{"Yes", "No"}[m.rng.IntN(2)],
			"ShipToEmail":            fmt.Sprintf("licensing%d@example.com", n),
			"Address":                fmt.Sprintf("%d Example Street, Springfield", 10+n),
			"CurrentOwner":           "bo.constants.partnertiernames.endcustomer",
		},
	}
	for t := 0; t < m.o.Tiers; t++ {
		tier := schema.FlexNetTierName(t)
		first := flexNetFirstNames[m.rng.IntN(len(flexNetFirstNames))]
		last := flexNetLastNames[m.rng.IntN(len(flexNetLastNames))]
		user := strings.ToLower(first + "." + last)
		e.cells[tier+"|Account"] = fmt.Sprintf("ACCT%03d%d", n, t)
		e.cells[tier+"|AccountName"] = fmt.Sprintf("Example Account %d-%d", n, t)
		e.cells[tier+"|UserName"] = user
		e.cells[tier+"|UserFirstName"] = first
		e.cells[tier+"|UserLastName"] = last
		e.cells[tier+"|UserEmail"] = user + "@example.com"
		e.cells[tier+"|UserPhone"] = fmt.Sprintf("555-01%02d", m.rng.IntN(100))
	}
	return e
}

// date writes a time in the extract's date convention.
func (m *flexNetModel) date(t time.Time) string {
	return formatFlexNetDate(t, m.o.Dates)
}

func formatFlexNetDate(t time.Time, convention string) string {
	t = t.UTC()
	if convention == DatesLegacy {
		return t.Format("Mon Jan 02 15:04:05 MST 2006")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// otherConvention is the date convention the extract does not use.
func (m *flexNetModel) otherConvention() string {
	if m.o.Dates == DatesLegacy {
		return DatesISO8601
	}
	return DatesLegacy
}

// daysBefore is a time some days before the extract, at a whole hour.
func (m *flexNetModel) daysBefore(maxDays int) time.Time {
	return m.o.At.UTC().Truncate(time.Hour).Add(-time.Duration(1+m.rng.IntN(maxDays)) * 24 * time.Hour)
}

// lineItem makes one row of the entitlement CSV; an extra line item
// (first false) leaves the columns between EntitlementID and ActivationId
// empty.
func (m *flexNetModel) lineItem(e flexNetEntitlement, first bool) []string {
	row := make([]string, len(m.entHeader))
	start := m.daysBefore(400)
	permanent := m.rng.IntN(3) == 0
	model := flexNetModels[m.rng.IntN(len(flexNetModels))]
	product := flexNetProducts[m.rng.IntN(len(flexNetProducts))]
	cells := map[string]string{
		schema.FlexNetEntitlementID: e.id,
		"ActivationId":              m.itemID("act"),
		"ActivationState":           "Deployed",
		"LineItemQuantity":          fmt.Sprint(1 + m.rng.IntN(250)),
		"OrderLineNumber":           fmt.Sprint(1 + m.rng.IntN(20)),
		"OrderId":                   "SO" + fmt.Sprint(100000+m.rng.IntN(900000)),
		"StartDateType":             "DefineNow",
		"StartDate":                 m.date(start),
		"IsActivationPermanent":     map[bool]string{true: "TRUE", false: "FALSE"}[permanent],
		"VersionDateType":           "DefineNow",
		"VersionDate":               m.date(start),
		"OrderType":                 "New",
		"LineItemDescription":       product + " subscription",
		"ProductName":               product,
		"ProductVersion":            fmt.Sprintf("%d.%d", 1+m.rng.IntN(9), m.rng.IntN(10)),
		"ProductType":               "LicensedProduct",
		"ProductCount":              "1",
		"PartNumber":                "PN" + m.hex(6),
		"LicenseModel":              model.name,
	}
	if !permanent {
		cells["EndDate"] = m.date(start.Add(365 * 24 * time.Hour))
		cells["EndDurationUnits"] = "DAYS"
		cells["EndDuration"] = "365"
	}
	for _, a := range model.attributes {
		key := schema.FlexNetAttribute{Prefix: schema.FlexNetLicenseModelPrefix, Owner: model.name, Name: a}.String()
		switch a {
		case "NOTICE":
			cells[key] = "Reference license"
		case "SERIAL_NUMBER":
			cells[key] = "SN" + m.hex(8)
		default:
			cells[key] = "VS" + m.hex(4)
		}
	}
	if first {
		for k, v := range e.cells {
			cells[k] = v
		}
	}
	for i, h := range m.entHeader {
		row[i] = cells[h]
	}
	return row
}

// maintenanceItem makes one row of the maintenance CSV linked to the line
// item link; an extra item of the same line item leaves the columns
// between EntitlementID and ActivationId empty and repeats the link.
func (m *flexNetModel) maintenanceItem(e flexNetEntitlement, link string, first bool) []string {
	start := m.daysBefore(200)
	cells := map[string]string{
		schema.FlexNetEntitlementID:   e.id,
		"ActivationId":                m.itemID("mnt"),
		schema.FlexNetLineItemLink:    link,
		"ActivationState":             "Deployed",
		"ProductName":                 "Maintenance " + []string{"Gold", "Silver"}[m.rng.IntN(2)],
		"ProductVersion":              "1.0",
		"PartNumber":                  "MP" + m.hex(6),
		"OrderLineNumber":             fmt.Sprint(1 + m.rng.IntN(20)),
		"OrderId":                     "SO" + fmt.Sprint(100000+m.rng.IntN(900000)),
		"StartDate":                   m.date(start),
		"IsActivationPermanent":       "FALSE",
		"EndDate":                     m.date(start.Add(365 * 24 * time.Hour)),
		"CA[MAINT_LINE|SupportLevel]": []string{"Standard", "Premium"}[m.rng.IntN(2)],
		"CA[MAINT_LINE|ContractRef]":  "C" + m.hex(6),
	}
	if first {
		for _, k := range []string{"EntitlementState", "EntitlementDescription", "AllowPortalLogin", "ShipToEmail", "Address"} {
			cells[k] = e.cells[k]
		}
	}
	row := make([]string, len(m.mntHeader))
	for i, h := range m.mntHeader {
		row[i] = cells[h]
	}
	return row
}

// FlexNetDefects lists the rule ids --defect can break in a FlexNet
// extract.
func FlexNetDefects() []string {
	out := make([]string, 0, len(flexNetDefects))
	for id := range flexNetDefects {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
