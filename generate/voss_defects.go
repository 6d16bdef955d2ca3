package generate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/licaudit/licaudit/schema"
)

// vossDefect breaks exactly one rule, by changing the texts (content), the
// member list (layout) or the ZIP's bytes. Hashes are computed after the
// content changes, so a content defect does not also break hash.mismatch.
type vossDefect struct {
	// customers is the fewest customer rows the defect needs: it breaks
	// a row, and without one it would write a valid bundle.
	customers int
	content   func(m *vossModel)
	layout    func(m *vossModel)
	bytes     func(b []byte) []byte
}

// editAnonymous rewrites the anonymous CSV with a row editor.
func editAnonymous(row func(i int, cells []string) []string) func(m *vossModel) {
	return func(m *vossModel) { m.anonymous = m.csvText(false, row) }
}

// breakdownWith adds an anonymous breakdown CSV (an optional member that is
// checked only for anonymity) holding value in one cell.
func breakdownWith(value func(m *vossModel) string) func(m *vossModel) {
	return func(m *vossModel) {
		var b bytes.Buffer
		writeCSVLine(&b, []string{"Statistic", "Value"})
		writeCSVLine(&b, []string{"Customers", fmt.Sprint(len(m.customers))})
		writeCSVLine(&b, []string{"Largest customer", value(m)})
		m.breakdown = b.Bytes()
	}
}

// addMember inserts an extra entry after the directory entry.
func addMember(mem member) func(m *vossModel) {
	return func(m *vossModel) {
		m.members = append(m.members[:1], append([]member{mem}, m.members[1:]...)...)
	}
}

func (m *vossModel) removeMember(base string) {
	if i := m.memberIndex(base); i >= 0 {
		m.members = append(m.members[:i], m.members[i+1:]...)
	}
}

var vossDefects = map[string]vossDefect{
	// The container.
	"zip.unreadable": {bytes: func(b []byte) []byte { return b[:len(b)-30] }},
	"zip.unsafe-path": {layout: func(m *vossModel) {
		addMember(member{Name: "../" + m.dir + "evil.txt", Data: []byte("x\n")})(m)
	}},
	"zip.duplicate-entry": {layout: func(m *vossModel) {
		i := m.memberIndex(m.name(schema.TypePatch, "json") + ".hash")
		m.members = append(m.members, m.members[i])
	}},
	"zip.symlink": {layout: func(m *vossModel) {
		m.members = append(m.members, member{Name: m.dir + "latest", Data: []byte("/etc/passwd"), Mode: os.ModeSymlink | 0o777})
	}},
	"zip.encrypted": {layout: func(m *vossModel) {
		h := storedRaw(m.dir+"secret.bin", []byte("0123456789abcdef"), 0)
		h.Flags |= 0x1
		m.members = append(m.members, member{Name: h.Name, Data: []byte("0123456789abcdef"), Raw: h})
	}},
	"zip.unsupported-method": {layout: func(m *vossModel) {
		h := storedRaw(m.dir+"packed.bin", []byte("BZh91AY&SY"), 0)
		h.Method = 12
		m.members = append(m.members, member{Name: h.Name, Data: []byte("BZh91AY&SY"), Raw: h})
	}},
	"zip.crc-mismatch": {layout: func(m *vossModel) {
		i := m.memberIndex(m.name(schema.TypePatch, "json"))
		data := m.members[i].Data
		m.members[i] = member{Name: m.members[i].Name, Data: data, Raw: storedRaw(m.members[i].Name, data, crcOf(data)^0xdeadbeef)}
	}},
	"zip.header-mismatch": {bytes: func(b []byte) []byte {
		return renameLocalHeader(b, "adaptation_log_", "adaptation_lag_")
	}},
	"zip.nested-archive": {layout: func(m *vossModel) {
		m.members = append(m.members, member{Name: m.dir + m.zipName, Data: []byte("PK\x05\x06" + strings.Repeat("\x00", 18))})
	}},
	"zip.junk-entry": {layout: func(m *vossModel) {
		m.members = append(m.members, member{Name: m.dir + ".DS_Store", Data: []byte("\x00\x00\x00\x01Bud1")})
	}},

	// Names and members.
	"name.pattern":  {layout: func(m *vossModel) { m.zipName = m.stem + "-license-" + m.stamp + ".zip" }},
	"name.mismatch": {layout: func(m *vossModel) { moveDir(m, "1999-01-01_0000_license/") }},
	"name.timestamp": {content: func(m *vossModel) {
		m.stamp = m.stamp[:5] + "13" + m.stamp[7:] // month 13
		m.zipName = m.name(schema.TypeLicense, "zip")
		m.dir = schema.VOSSDir(m.stamp)
	}},
	"member.missing": {layout: func(m *vossModel) {
		m.removeMember(m.name(schema.TypePatch, "json"))
		m.removeMember(m.name(schema.TypePatch, "json") + ".hash")
	}},
	"member.outside-directory": {layout: func(m *vossModel) {
		for _, base := range []string{m.name(schema.TypeAdaptationLog, "json"), m.name(schema.TypeAdaptationLog, "json") + ".hash"} {
			m.members[m.memberIndex(base)].Name = base
		}
	}},
	"member.unexpected": {layout: func(m *vossModel) {
		m.members = append(m.members, member{Name: m.dir + "notes.txt", Data: []byte("sent by the night shift\n")})
	}},
	"member.detailed-csv": {layout: func(m *vossModel) {
		m.members = append(m.members, member{Name: m.dir + m.name(schema.TypeDetailed, "csv"), Data: m.detailed})
	}},
	"member.empty": {content: func(m *vossModel) { m.patch = []byte{} }},

	// Hashes.
	"hash.missing": {layout: func(m *vossModel) { m.removeMember(m.name(schema.TypeAnonymous, "csv") + ".hash") }},
	"hash.orphan": {layout: func(m *vossModel) {
		base := m.name(schema.TypeAnonymousBreakdown, "csv")
		m.members = append(m.members, member{Name: m.dir + base + ".hash", Data: hashText(m.o.HashForm, "SHA256", base, []byte("gone\n"))})
	}},
	"hash.malformed": {content: func(m *vossModel) {
		m.hashOf[m.name(schema.TypePatch, "json")] = []byte("checksum: see attached e-mail\n")
	}},
	"hash.wrong-target": {content: func(m *vossModel) {
		m.hashOf[m.name(schema.TypePatch, "json")] = hashText(HashGNU, "SHA256", m.name(schema.TypeLicense, "json"), m.patch)
	}},
	"hash.mismatch": {content: func(m *vossModel) {
		m.hashOf[m.name(schema.TypeAnonymous, "csv")] = hashText(m.o.HashForm, "SHA256", m.name(schema.TypeAnonymous, "csv"), append([]byte("edited "), m.anonymous...))
	}},
	"hash.weak-algorithm": {content: func(m *vossModel) {
		m.hashOf[m.name(schema.TypeAdaptationLog, "json")] = hashText(m.o.HashForm, "MD5", m.name(schema.TypeAdaptationLog, "json"), m.adaptation)
	}},

	// JSON and its meta block.
	"json.syntax": {content: func(m *vossModel) {
		m.patch = []byte("{ \"meta\": {}, \"resources\": [], }\n")
	}},
	"json.duplicate-key": {content: func(m *vossModel) {
		m.adaptation = []byte("{ \"meta\": {}, \"resources\": [], \"resources\": [] }\n")
	}},
	"json.limit-exceeded": {content: func(m *vossModel) {
		m.patch = []byte("{ \"meta\": {}, \"resources\": [" + strings.Repeat("[", 80) + strings.Repeat("]", 80) + "] }\n")
	}},
	"json.schema": {content: func(m *vossModel) {
		m.license = m.licenseJSON(func(doc map[string]any) { doc["resources"] = map[string]any{"count": 0} })
	}},
	"meta.datetime": {content: func(m *vossModel) {
		m.license = m.licenseJSON(func(doc map[string]any) { doc["meta"].(map[string]any)["datetime"] = "first of the month" })
	}},
	"meta.datetime-mismatch": {content: func(m *vossModel) {
		m.license = m.licenseJSON(func(doc map[string]any) {
			doc["meta"].(map[string]any)["datetime"] = m.o.At.UTC().AddDate(0, 0, -3).Format("2006-01-02T15:04:05Z")
		})
	}},
	"meta.export-identifier": {content: func(m *vossModel) {
		m.license = m.licenseJSON(func(doc map[string]any) { doc["meta"].(map[string]any)["export_identifier"] = "export-2026-11" })
	}},
	"meta.pipeline-type": {content: func(m *vossModel) {
		m.license = m.licenseJSON(func(doc map[string]any) { doc["meta"].(map[string]any)["pipeline_type_name"] = "license_daily_audit" })
	}},

	// CSV structure.
	"csv.encoding": {content: func(m *vossModel) {
		m.anonymous = bytes.Replace(m.anonymous, []byte("#Platform ID="), []byte("#Platform ID=\xff"), 1)
	}},
	"csv.syntax": {content: func(m *vossModel) { m.anonymous = append(m.anonymous, []byte("5c9b\"3e2f,1,2\n")...) }},
	"csv.header": {content: editAnonymous(func(i int, cells []string) []string {
		if i == -1 {
			return append(cells, cells[len(cells)-1])
		}
		return append(cells, cells[len(cells)-1])
	})},
	"csv.ragged-row": {content: func(m *vossModel) { m.anonymous = append(m.anonymous, []byte("0123456789abcdef01234567,1\n")...) }},
	"csv.formula-injection": {customers: 1, content: func(m *vossModel) {
		m.customers[0].name = "=HYPERLINK(\"http://example.invalid\")"
		m.detailed = m.csvText(true, nil)
	}},
	"csv.bom": {content: func(m *vossModel) { m.anonymous = append([]byte("\xef\xbb\xbf"), m.anonymous...) }},
	"csv.line-endings": {content: func(m *vossModel) {
		m.anonymous = bytes.Replace(m.anonymous, []byte("\n"), []byte("\r\n"), 2)
	}},

	// Anonymity.
	"anon.identifying-column": {content: editAnonymous(func(i int, cells []string) []string {
		if i == -1 {
			return append(cells, "Customer Name")
		}
		return append(cells, "")
	})},
	"anon.hierarchy-path": {content: breakdownWith(func(m *vossModel) string {
		return "sys.hcs." + m.o.Provider + ".CS-NB.Acme"
	})},
	"anon.personal-data":    {content: breakdownWith(func(*vossModel) string { return "billing.contact@customer.example" })},
	"anon.known-identifier": {content: breakdownWith(func(m *vossModel) string { return m.stem })},
	"anon.metadata": {content: func(m *vossModel) {
		m.anonymous = bytes.Replace(m.anonymous, []byte("#hostname="+m.o.Host+"\n"), []byte("#hostname=another-host\n"), 1)
	}},
	"anon.customer-key": {customers: 1, content: func(m *vossModel) {
		// The first customer's row once more: same PKID, same counts.
		var first []byte
		m.csvText(false, func(i int, cells []string) []string {
			if i == 0 {
				var b bytes.Buffer
				writeCSVLine(&b, cells)
				first = b.Bytes()
			}
			return cells
		})
		m.anonymous = append(m.anonymous, first...)
	}},
	"anon.count": {customers: 1, content: editAnonymous(func(i int, cells []string) []string {
		if i == 0 {
			cells[len(cells)-1] = "-3"
		}
		return cells
	})},

	// Reconciliation with the detailed CSV.
	"recon.customer-set": {customers: 1, content: editAnonymous(func(i int, cells []string) []string {
		if i == 0 {
			return nil
		}
		return cells
	})},
	"recon.count-mismatch": {customers: 1, content: editAnonymous(func(i int, cells []string) []string {
		if i == 0 {
			cells[len(cells)-1] += "1"
		}
		return cells
	})},
	"recon.columns": {content: editAnonymous(func(i int, cells []string) []string {
		if i == -1 {
			cells[len(cells)-1] += " (renamed)"
		}
		return cells
	})},
}

// moveDir puts every member in another directory.
func moveDir(m *vossModel, dir string) {
	for i := range m.members {
		m.members[i].Name = dir + strings.TrimPrefix(m.members[i].Name, m.dir)
	}
}

// renameLocalHeader changes a name in the first local file header that holds
// it, leaving the central directory as it was: the headers then disagree.
func renameLocalHeader(b []byte, from, to string) []byte {
	out := append([]byte(nil), b...)
	for off := 0; off+30 <= len(out); {
		i := bytes.Index(out[off:], []byte("PK\x03\x04"))
		if i < 0 {
			break
		}
		p := off + i
		nameLen := int(binary.LittleEndian.Uint16(out[p+26:]))
		name := out[p+30 : p+30+nameLen]
		if j := bytes.Index(name, []byte(from)); j >= 0 && len(from) == len(to) {
			copy(name[j:], to)
			return out
		}
		off = p + 4
	}
	return out
}

// vossDefectVariants are more ways to break a rule that vossDefects
// already breaks, named RULE:VARIANT, each still breaking exactly RULE.
// They write the partner self-check's corpus (testdata/recon): names of the
// detailed CSV left in the anonymous breakdown CSV, in the forms a leak
// takes. They need a customer; with none, one is added to both CSVs.
var vossDefectVariants = map[string]vossDefect{
	"anon.known-identifier:customer-name": {content: breakdownWith(func(m *vossModel) string {
		return m.someCustomer().name
	})},
	"anon.known-identifier:reseller-substring": {content: breakdownWith(func(m *vossModel) string {
		return "Managed by " + m.someCustomer().reseller + " since 2019"
	})},
	"anon.known-identifier:host": {content: breakdownWith(func(m *vossModel) string {
		return "exported on " + m.o.Host
	})},
	"anon.hierarchy-path:customer-path": {content: breakdownWith(func(m *vossModel) string {
		c := m.someCustomer()
		return "sys.hcs." + c.provider + "." + c.reseller + "." + c.name
	})},
	"anon.hierarchy-path:relative-path": {content: breakdownWith(func(m *vossModel) string {
		c := m.someCustomer()
		return c.reseller + "/" + c.name
	})},
}

// VOSSDefectVariants lists the RULE:VARIANT defects --defect also takes.
func VOSSDefectVariants() []string {
	out := make([]string, 0, len(vossDefectVariants))
	for id := range vossDefectVariants {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// someCustomer is the first customer, added to both CSVs (and the license
// JSON's counts) when the export has none.
func (m *vossModel) someCustomer() customer {
	if len(m.customers) == 0 {
		c := customer{provider: m.o.Provider, reseller: resellers[0], name: "Acme Corp", pkid: m.hexID(12), providerPKID: m.hexID(12)}
		for range m.columns {
			c.counts = append(c.counts, 1)
		}
		m.customers = append(m.customers, c)
		m.renderTexts()
	}
	return m.customers[0]
}
