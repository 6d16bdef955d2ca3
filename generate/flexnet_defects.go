package generate

import (
	"bytes"

	"github.com/licaudit/licaudit/schema"
)

// flexNetDefect breaks exactly one rule, by changing the rows (cells and
// headers), the CSV texts, or the ZIP's member list. Row defects add rows
// of their own rather than edit generated ones, so that they work on any
// extract, header-only included, and break nothing else (no link points at
// an added row).
type flexNetDefect struct {
	rows   func(m *flexNetModel)
	text   func(m *flexNetModel)
	layout func(m *flexNetModel)
}

// addEntitlement appends a new entitlement of n line items to the
// entitlement CSV, letting edit change each row (its index within the
// entitlement) before it is added.
func (m *flexNetModel) addEntitlement(n int, edit func(item int, set func(column, value string))) {
	e := m.newEntitlement()
	for j := 0; j < n; j++ {
		row := m.lineItem(e, j == 0)
		edit(j, func(column, value string) { row[m.col(m.entHeader, column)] = value })
		m.entRows = append(m.entRows, row)
	}
}

// dropColumn removes a column from the entitlement CSV's header and rows.
func (m *flexNetModel) dropColumn(name string) {
	i := m.col(m.entHeader, name)
	m.entHeader = append(m.entHeader[:i:i], m.entHeader[i+1:]...)
	for r, row := range m.entRows {
		m.entRows[r] = append(row[:i:i], row[i+1:]...)
	}
}

// memberOf finds the member of the entitlement or maintenance CSV.
func (m *flexNetModel) memberOf(prefix string) *member {
	for i := range m.members {
		if len(m.members[i].Name) >= len(prefix) && m.members[i].Name[:len(prefix)] == prefix {
			return &m.members[i]
		}
	}
	panic("generate: no member " + prefix)
}

// bareQuoteMarker stands in a cell until the text step puts a bare quote
// there, which the CSV writer would otherwise quote properly.
const bareQuoteMarker = "BARE-QUOTE-MARKER"

var flexNetDefects = map[string]flexNetDefect{
	"fne.name": {layout: func(m *flexNetModel) {
		// The stamp written without separators: the prefix still says
		// which CSV it is.
		mem := m.memberOf(schema.FlexNetEntitlementPrefix)
		mem.Name = schema.FlexNetEntitlementPrefix + m.o.At.UTC().Format("20060102150405") + ".csv"
	}},
	"fne.member-missing": {layout: func(m *flexNetModel) {
		m.members = m.members[:1]
	}},
	"fne.header": {rows: func(m *flexNetModel) {
		if m.o.Tiers > 0 {
			m.dropColumn(schema.FlexNetTierName(m.o.Tiers-1) + "|UserPhone")
			return
		}
		m.dropColumn("ShipToEmail")
	}},
	"fne.entitlement-id": {rows: func(m *flexNetModel) {
		m.addEntitlement(1, func(_ int, set func(string, string)) { set(schema.FlexNetEntitlementID, "") })
	}},
	"fne.activation-id": {rows: func(m *flexNetModel) {
		repeated := "" // empty when there is no row to repeat
		if len(m.entRows) > 0 {
			repeated = m.entRows[0][m.col(m.entHeader, schema.FlexNetActivationID)]
		}
		m.addEntitlement(1, func(_ int, set func(string, string)) { set(schema.FlexNetActivationID, repeated) })
	}},
	"fne.continuation": {rows: func(m *flexNetModel) {
		m.addEntitlement(2, func(item int, set func(string, string)) {
			if item == 1 {
				set("EntitlementState", "Deployed")
			}
		})
	}},
	"fne.value": {rows: func(m *flexNetModel) {
		m.addEntitlement(1, func(_ int, set func(string, string)) { set("LineItemQuantity", "ten") })
	}},
	"fne.date-format-mixed": {rows: func(m *flexNetModel) {
		other := formatFlexNetDate(m.daysBefore(30), m.otherConvention())
		m.addEntitlement(1, func(_ int, set func(string, string)) { set("StartDate", other) })
	}},
	"fne.maintenance-link": {rows: func(m *flexNetModel) {
		e := m.newEntitlement()
		m.mntRows = append(m.mntRows, m.maintenanceItem(e, "act-from-an-earlier-extract", true))
	}},
	"csv.ragged-row": {rows: func(m *flexNetModel) {
		m.addEntitlement(1, func(int, func(string, string)) {})
		last := len(m.entRows) - 1
		m.entRows[last] = m.entRows[last][:len(m.entRows[last])-1]
	}},
	"csv.formula-injection": {rows: func(m *flexNetModel) {
		m.addEntitlement(1, func(_ int, set func(string, string)) {
			set("EntitlementDescription", `=HYPERLINK("https://example.invalid","Renew")`)
		})
	}},
	"csv.encoding": {rows: func(m *flexNetModel) {
		m.addEntitlement(1, func(_ int, set func(string, string)) {
			set("EntitlementDescription", "Caf\xe9 licence (Latin-1, not UTF-8)")
		})
	}},
	"csv.syntax": {
		rows: func(m *flexNetModel) {
			m.addEntitlement(1, func(_ int, set func(string, string)) { set("EntitlementDescription", bareQuoteMarker) })
		},
		text: func(m *flexNetModel) {
			m.entText = bytes.Replace(m.entText, []byte(bareQuoteMarker), []byte(`The "Pro" edition`), 1)
		},
	},
	"csv.header": {rows: func(m *flexNetModel) {
		m.entHeader = append(m.entHeader, m.entHeader[len(m.entHeader)-1])
		for i := range m.entRows {
			m.entRows[i] = append(m.entRows[i], "")
		}
	}},
	"zip.crc-mismatch": {layout: func(m *flexNetModel) {
		mem := m.memberOf(schema.FlexNetMaintenancePrefix)
		mem.Raw = storedRaw(mem.Name, mem.Data, crcOf(mem.Data)^0x5a5a5a5a)
	}},
	"member.unexpected": {layout: func(m *flexNetModel) {
		m.members = append(m.members, member{Name: "README.txt", Data: []byte("Extract downloaded from FlexNet Operations.\n")})
	}},
	"member.empty": {layout: func(m *flexNetModel) {
		m.memberOf(schema.FlexNetMaintenancePrefix).Data = nil
	}},
	"zip.junk-entry": {layout: func(m *flexNetModel) {
		m.members = append(m.members, member{Name: ".DS_Store", Data: []byte("Bud1\x00\x00\x00\x01")})
	}},
}
