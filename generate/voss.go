package generate

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/schema"
)

// VOSS styles: the metadata block and count columns of a release.
const (
	StyleV19 = "19" // Audit Version 3.0.0: a short metadata block
	StyleV21 = "21" // Audit Version 4.1.5: the full metadata block
	StyleV5  = "5"  // Audit Version 5.2.0: other categories and Provider PKID
)

// Hash forms of the .hash files written.
const (
	HashGNU  = "gnu"  // "HEX  NAME", as sha256sum writes
	HashBare = "bare" // "HEX"
	HashBSD  = "bsd"  // "SHA256 (NAME) = HEX", as sha256sum --tag writes
)

// VOSSOptions describe a VOSS export to write.
type VOSSOptions struct {
	// Provider and Host name the exporting system (free text; hyphens and
	// underscores are fine).
	Provider, Host string
	// At is the export time; it is written in UTC to the minute. Zero is
	// 2026-11-01 03:00 UTC, as the command line's default.
	At time.Time
	// Customers is the number of customer rows of both CSVs.
	Customers int
	// Seed makes the content; the same options give the same bytes.
	Seed uint64
	// Patches and Adaptations are the entries of the two logs; 0 writes
	// the documented empty form {"meta": {}, "resources": []}.
	Patches, Adaptations int
	// Style is StyleV19, StyleV21 (default) or StyleV5.
	Style string
	// HashForm is HashGNU (default), HashBare or HashBSD.
	HashForm string
	// Defect, when set, is the id of the rule the bundle must break (see
	// VOSSDefects).
	Defect string
}

// customer is one row of the detailed CSV.
type customer struct {
	provider, reseller, name string
	pkid, providerPKID       string
	counts                   []int64
}

// vossModel is an export being built: its texts first, then its members,
// then the ZIP's bytes; a defect changes one of them between the steps.
type vossModel struct {
	o         VOSSOptions
	rng       *rand.Rand
	stem      string
	stamp     string
	zipName   string
	dir       string
	meta      [][2]string
	columns   []string
	customers []customer

	license, patch, adaptation []byte
	anonymous, detailed        []byte
	breakdown                  []byte // optional anonymous breakdown CSV

	// members of the ZIP in order, built from the texts
	members []member
	// hashOf overrides the .hash text of a member (by base name).
	hashOf map[string][]byte
	// detailedBeside is false when a defect puts it elsewhere.
	detailedBeside bool
}

// maxVOSSCustomers bounds --customers: the export is built in memory (a
// million customers took 500 MiB; the bench's largest is a million).
const maxVOSSCustomers = 5_000_000

// minYear and maxYear bound the export time of a generated bundle: every
// date written from it (an expiry a year on, a FlexNet start years before)
// must stay a four-digit year that the checks read as a date.
const (
	minYear = 1900
	maxYear = 9000
)

// defaultVOSSAt is the export time of a zero VOSSOptions.At: the
// documented schedule's, 03:00 UTC on the 1st, as generate voss writes by
// default.
var defaultVOSSAt = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

// VOSS returns the files of a VOSS export: the detailed CSV and the ZIP.
// A zero At is defaultVOSSAt.
func VOSS(o VOSSOptions) ([]file, error) {
	if o.At.IsZero() {
		o.At = defaultVOSSAt
	}
	if o.Provider == "" || o.Host == "" {
		return nil, fmt.Errorf("a provider and a host name are needed")
	}
	if strings.ContainsAny(o.Provider+o.Host, "/\\ \t\n") {
		return nil, fmt.Errorf("provider and host names may not hold slashes or white space")
	}
	// Names the verifier would refuse in a ZIP (control characters, bidi
	// controls, invalid UTF-8) would make a reference bundle that fails.
	stem := o.Provider + "_" + o.Host
	if why := bundle.UnsafeName(stem); why != "" {
		return nil, fmt.Errorf("provider and host names must make a safe file name: %q %s", stem, why)
	}
	switch {
	case o.Customers < 0 || o.Customers > maxVOSSCustomers:
		return nil, fmt.Errorf("the number of customers must be 0 to %d", maxVOSSCustomers)
	case o.Patches < 0 || o.Adaptations < 0:
		return nil, fmt.Errorf("the numbers of patches and adaptations cannot be negative")
	case o.At.UTC().Year() < minYear || o.At.UTC().Year() > maxYear:
		return nil, fmt.Errorf("the export time must be in the years %d to %d", minYear, maxYear)
	}
	if o.Style == "" {
		o.Style = StyleV21
	}
	if o.HashForm == "" {
		o.HashForm = HashGNU
	}
	switch o.Style {
	case StyleV19, StyleV21, StyleV5:
	default:
		return nil, fmt.Errorf("unknown style %q (want 19, 21 or 5)", o.Style)
	}
	switch o.HashForm {
	case HashGNU, HashBare, HashBSD:
	default:
		return nil, fmt.Errorf("unknown hash form %q (want gnu, bare or bsd)", o.HashForm)
	}
	var defect *vossDefect
	if o.Defect != "" {
		d, ok := vossDefects[o.Defect]
		if !ok {
			d, ok = vossDefectVariants[o.Defect]
		}
		if !ok {
			return nil, fmt.Errorf("no VOSS defect for rule %q (have %s)", o.Defect, strings.Join(VOSSDefects(), ", "))
		}
		if o.Customers < d.customers {
			return nil, fmt.Errorf("the %s defect breaks a customer row: it needs --customers %d or more", o.Defect, d.customers)
		}
		defect = &d
	}
	m := &vossModel{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x766c66)), hashOf: map[string][]byte{}, detailedBeside: true}
	m.stem = stem
	m.stamp = o.At.UTC().Format(schema.VOSSStampLayout)
	m.zipName = schema.VOSSFileName(m.stem, schema.TypeLicense, m.stamp, "zip")
	m.dir = schema.VOSSDir(m.stamp)
	m.buildData()
	m.renderTexts()
	if defect != nil && defect.content != nil {
		defect.content(m)
	}
	m.assemble()
	if defect != nil && defect.layout != nil {
		defect.layout(m)
	}
	var zipBuf bytes.Buffer
	if err := writeZip(&zipBuf, m.o.At.UTC().Truncate(time.Minute), m.members); err != nil {
		return nil, err
	}
	zb := zipBuf.Bytes()
	if defect != nil && defect.bytes != nil {
		zb = defect.bytes(zb)
	}
	files := []file{{name: m.zipName, data: zb}}
	if m.detailedBeside {
		files = append([]file{{name: m.name(schema.TypeDetailed, "csv"), data: m.detailed}}, files...)
	}
	return files, nil
}

// WriteVOSS writes a VOSS export into dir and returns the paths written.
func WriteVOSS(dir string, o VOSSOptions, overwrite bool) ([]string, error) {
	files, err := VOSS(o)
	if err != nil {
		return nil, err
	}
	return writeFiles(dir, overwrite, files)
}

func (m *vossModel) name(typ, ext string) string {
	return schema.VOSSFileName(m.stem, typ, m.stamp, ext)
}

var (
	v4Columns = []string{
		"One Phone (No VM & No WebEx & No Spark)", "One Phone & Spark (No VM & No WebEx)",
		"One Phone & VM (No WebEx)", "One Phone & WebEx", "Multiple Phones",
		"Users With More Than 10 Phones", "Voicemail Only", "Contact Center Agents",
	}
	v5Columns = []string{"User Licenses", "Basic Users", "Contact Center Express", "Devices", "Meeting Rooms"}

	companyWords = []string{"Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Hooli", "Vandelay", "Soylent", "Wonka", "Oscorp", "Gringotts", "Monarch"}
	companyKinds = []string{"Corp", "Industries", "Holdings", "Logistics", "Bank", "Foods", "Health", "Energy", "Media", "Labs"}
	resellers    = []string{"CS-NB", "CS-EU", "Channel-West", "Channel_East"}
)

func (m *vossModel) hexID(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(m.rng.UintN(256))
	}
	return hex.EncodeToString(b)
}

func (m *vossModel) buildData() {
	when := m.o.At.UTC()
	if m.o.Style == StyleV5 {
		m.columns = v5Columns
	} else {
		m.columns = v4Columns
	}
	org := m.hexID(12)
	switch m.o.Style {
	case StyleV19:
		m.meta = [][2]string{{"Platform ID", m.hexID(12)}, {"hostname", m.o.Host}, {"Provider Name", m.o.Provider},
			{"Software Version", "19.3.4"}, {"Date Time", when.Format("2006-01-02 15:04")}, {"Audit Version", "3.0.0"}}
	default:
		audit := "4.1.5"
		if m.o.Style == StyleV5 {
			audit = "5.2.0"
		}
		m.meta = [][2]string{{"OrgID", org}, {"Platform ID", m.hexID(12)}, {"hostname", m.o.Host}, {"Provider Name", m.o.Provider},
			{"Software Version", "21.4.0"}, {"Platform Version", "21.4.0-1634567"}, {"Deployment Mode", "Enterprise"},
			{"Date Time", when.Format("2006-01-02 15:04")}, {"License Token", m.hexID(16)},
			{"License Expiry", when.AddDate(1, 0, 0).Format("2006-01-02")}, {"Audit Version", audit}}
	}
	providerPKID := m.hexID(12)
	used := map[string]bool{}
	for i := 0; i < m.o.Customers; i++ {
		name := fmt.Sprintf("%s %s", companyWords[m.rng.IntN(len(companyWords))], companyKinds[m.rng.IntN(len(companyKinds))])
		if used[name] {
			name = fmt.Sprintf("%s %d", name, i)
		}
		used[name] = true
		c := customer{provider: m.o.Provider, reseller: resellers[m.rng.IntN(len(resellers))], name: name,
			pkid: m.hexID(12), providerPKID: providerPKID}
		for range m.columns {
			c.counts = append(c.counts, int64(m.rng.IntN(40)))
		}
		m.customers = append(m.customers, c)
	}
}

// renderTexts writes the JSON and CSV texts from the data.
func (m *vossModel) renderTexts() {
	m.license = m.licenseJSON(nil)
	m.patch = m.logJSON("patch", m.o.Patches)
	m.adaptation = m.logJSON("adaptation", m.o.Adaptations)
	m.anonymous = m.csvText(false, nil)
	m.detailed = m.csvText(true, nil)
}

// licenseJSON renders the license JSON; edit may change the document
// before it is written.
func (m *vossModel) licenseJSON(edit func(doc map[string]any)) []byte {
	id := uuid.NewHash(sha256.New(), uuid.NameSpaceOID, []byte(fmt.Sprintf("licaudit/%d/%s/%s", m.o.Seed, m.stem, m.stamp)), 5)
	sums := make([]int64, len(m.columns))
	for _, c := range m.customers {
		for k, v := range c.counts {
			sums[k] += v
		}
	}
	exports := []string{"License Subscriber Profile Data Export", "License Standalone Phone Data Export",
		"License Standalone WebEx Data Export", "License Standalone Voicemail Data Export",
		"License Contact Center Data Export", "License Spark Hybrid Data Export"}
	var resources []any
	for i, name := range exports {
		if len(m.customers) == 0 {
			break // one object per data export that has data
		}
		var data []any
		for k, col := range m.columns {
			if k%len(exports) == i || i == 0 {
				data = append(data, map[string]any{"category": col, "count": sums[k]})
			}
		}
		resources = append(resources, map[string]any{"name": name, "customers": len(m.customers), "data": data})
	}
	if resources == nil {
		resources = []any{}
	}
	doc := map[string]any{
		"meta": map[string]any{
			"datetime":           m.o.At.UTC().Format("2006-01-02T15:04:05Z"),
			"export_identifier":  id.String(),
			"pipeline_type_name": "license_initial_audit",
		},
		"resources": resources,
	}
	if edit != nil {
		edit(doc)
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n')
}

// logJSON renders a patch or adaptation log with n entries.
func (m *vossModel) logJSON(what string, n int) []byte {
	if n == 0 {
		return []byte("{ \"meta\": {}, \"resources\": [] }\n")
	}
	var resources []any
	for i := 1; i <= n; i++ {
		if what == "patch" {
			resources = append(resources, map[string]any{"name": fmt.Sprintf("PB-21.4.0-%03d", i), "type": "patch bundle",
				"description": fmt.Sprintf("Cumulative patch bundle %d for release 21.4.0", i)})
		} else {
			resources = append(resources, map[string]any{"name": fmt.Sprintf("adaptation-%02d", i), "version": fmt.Sprintf("1.%d.0", i),
				"description": fmt.Sprintf("Installed adaptation number %d", i)})
		}
	}
	b, _ := json.MarshalIndent(map[string]any{"meta": map[string]any{}, "resources": resources}, "", "  ")
	return append(b, '\n')
}

// csvText renders the anonymous (detailed false) or detailed CSV; row, when
// set, may edit each row's cells before they are written (header is row -1).
func (m *vossModel) csvText(detailed bool, row func(i int, cells []string) []string) []byte {
	var b bytes.Buffer
	for _, kv := range m.meta {
		fmt.Fprintf(&b, "#%s=%s\n", kv[0], kv[1])
	}
	var header []string
	if detailed {
		header = append(header, "Provider", "Reseller", "Customer")
	}
	if m.o.Style == StyleV5 {
		header = append(header, "Provider PKID")
	}
	header = append(header, "Customer PKID")
	header = append(header, m.columns...)
	if row != nil {
		header = row(-1, header)
	}
	writeCSVLine(&b, header)
	for i, c := range m.customers {
		var cells []string
		if detailed {
			cells = append(cells, c.provider, c.reseller, c.name)
		}
		if m.o.Style == StyleV5 {
			cells = append(cells, c.providerPKID)
		}
		cells = append(cells, c.pkid)
		for _, v := range c.counts {
			cells = append(cells, fmt.Sprint(v))
		}
		if row != nil {
			cells = row(i, cells)
			if cells == nil {
				continue
			}
		}
		writeCSVLine(&b, cells)
	}
	return b.Bytes()
}

// writeCSVLine writes cells as RFC 4180 CSV with LF endings, quoting only
// where needed, as the exporter does.
func writeCSVLine(b *bytes.Buffer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(c, ",\"\r\n") {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(c, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(c)
		}
	}
	b.WriteByte('\n')
}

// assemble lays the members out as the exporter does: the directory, then
// each file followed by its .hash.
func (m *vossModel) assemble() {
	m.members = []member{{Name: m.dir, Dir: true}}
	add := func(typ, ext string, data []byte) {
		base := m.name(typ, ext)
		m.members = append(m.members, member{Name: m.dir + base, Data: data})
		h, ok := m.hashOf[base]
		if !ok {
			h = hashText(m.o.HashForm, "SHA256", base, data)
		}
		if h != nil {
			m.members = append(m.members, member{Name: m.dir + base + ".hash", Data: h})
		}
	}
	add(schema.TypeLicense, "json", m.license)
	add(schema.TypePatch, "json", m.patch)
	add(schema.TypeAdaptationLog, "json", m.adaptation)
	add(schema.TypeAnonymous, "csv", m.anonymous)
	if m.breakdown != nil {
		add(schema.TypeAnonymousBreakdown, "csv", m.breakdown)
	}
}

// hashText renders a .hash file in the given form.
func hashText(form, algo, name string, data []byte) []byte {
	var sum []byte
	tag := "SHA256"
	switch algo {
	case "MD5":
		s := md5.Sum(data)
		sum, tag = s[:], "MD5"
	default:
		s := sha256.Sum256(data)
		sum = s[:]
	}
	hexSum := hex.EncodeToString(sum)
	switch form {
	case HashBare:
		return []byte(hexSum + "\n")
	case HashBSD:
		return []byte(fmt.Sprintf("%s (%s) = %s\n", tag, name, hexSum))
	}
	return []byte(hexSum + "  " + name + "\n")
}

// memberIndex finds a member by the base name of its path.
func (m *vossModel) memberIndex(base string) int {
	for i, mem := range m.members {
		if strings.HasSuffix(mem.Name, "/"+base) || mem.Name == base {
			return i
		}
	}
	return -1
}

// VOSSDefects lists the rule ids --defect can break in a VOSS bundle.
func VOSSDefects() []string {
	out := make([]string, 0, len(vossDefects))
	for id := range vossDefects {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
