package verify

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/licaudit/licaudit/finding"
)

// add records a name of the detailed CSV, one at a time, as the name feed
// does in runs (nameKey, then nameSet.addKeys).
func (id *identity) add(name string, kind nameKind) {
	id.init()
	id.buf = addName(id.detailed, id.buf, name, kind)
}

// testIdentity knows the names of a small detailed CSV and of the bundle
// vlf_CS-P_VOSS-UN-1_license_....zip, split by its metadata.
func testIdentity() *identity {
	id := newIdentity()
	for _, n := range []struct {
		name string
		kind nameKind
	}{
		{"CS-P", kindProvider},
		{"CS-NB", kindReseller}, {"Channel_East", kindReseller},
		{"Acme Corp", kindCustomer}, {"Labs", kindCustomer}, {"HP", kindCustomer},
		{"Cafe", kindCustomer}, {"Müller Straße GmbH", kindCustomer},
		{"Total", kindCustomer}, {"2024", kindCustomer}, {"X", kindCustomer},
		{"Globex", kindCustomer}, {"Initech", kindCustomer},
	} {
		id.add(n.name, n.kind)
	}
	id.addBundleNames("CS-P_VOSS-UN-1")
	id.useBundleMetadata("CS-P_VOSS-UN-1", "CS-P", "VOSS-UN-1")
	return id
}

func TestInspectKnownNames(t *testing.T) {
	cases := []struct {
		cell  string
		kinds nameKind // 0: nothing found
		exact bool
		name  string
	}{
		// Whole cells, whatever the case and spacing.
		{"Acme Corp", kindCustomer, true, "acme corp"},
		{"  ACME   corp ", kindCustomer, true, "acme corp"},
		{"MÜLLER STRASSE GMBH", kindCustomer, true, "müller strasse gmbh"},
		{"HP", kindCustomer, true, "hp"},
		{"Cafe", kindCustomer, true, "cafe"},
		{"VOSS-UN-1", kindBundleHost, true, "voss-un-1"},
		{"CS-P_VOSS-UN-1", kindBundleStem, true, "cs-p_voss-un-1"},
		{"cs-p", kindProvider | kindBundleProvider, true, "cs-p"},
		// Inside longer values, at word boundaries.
		{"Managed by CS-NB since 2019", kindReseller, false, "cs-nb"},
		{"via channel_east", kindReseller, false, "channel_east"},
		{"x-labs-7", kindCustomer, false, "labs"},
		{"Acme Corp.", kindCustomer, false, "acme corp"},
		{"Acme Corp/Europe", kindCustomer, false, "acme corp"}, // two components, one known: a name, not a path
		{"exported on VOSS-UN-1", kindBundleHost, false, "voss-un-1"},
		// Not at a word boundary, too short, or not a name.
		{"acme corporation", 0, false, ""},
		{"5c9b3e2f0a1b2c3d4e5f6a7b", 0, false, ""},
		{"labs4a8f9c", 0, false, ""},
		{"0a1blabs", 0, false, ""},
		{"HP Inc", 0, false, ""},         // two letters match whole cells only
		{"3f2a-cafe-11d2", 0, false, ""}, // hex names never inside a value
		{"Total", 0, false, ""},          // a placeholder, not a name
		{"2024", 0, false, ""},           // no letter
		{"x", 0, false, ""},              // too short
		{"CS-PX", 0, false, ""},          // another token
		{"Initechnology", 0, false, ""},  // a longer word
		{"Globex-Initech", kindCustomer, false, "globex"},
		{"", 0, false, ""},
	}
	id := testIdentity()
	for _, c := range cases {
		r := inspectCell(id, c.cell)
		if r.hierarchy != notHierarchy {
			t.Errorf("%q taken for a hierarchy path (%d)", c.cell, r.hierarchy)
			continue
		}
		if r.kinds != c.kinds || r.exact != c.exact || r.name != c.name {
			t.Errorf("inspect(%q) = kinds %q exact %v name %q; want %q %v %q", c.cell, r.kinds, r.exact, r.name, c.kinds, c.exact, c.name)
		}
	}
}

func TestInspectHierarchyPaths(t *testing.T) {
	cases := []struct {
		cell string
		how  hierarchyHow
	}{
		{"sys.hcs.CS-P.CS-NB.Acme Corp", hierarchyRoot},
		{"SYS/HCS/Unknown Provider", hierarchyRoot},
		{"path: sys.hcs", hierarchyRoot},
		{"CS-P.CS-NB.Acme Corp", hierarchyKnown},
		{"CS-NB/Acme Corp", hierarchyKnown},
		{"Channel_East / Globex", hierarchyKnown},
		{"Unknown Reseller.Somebody.Acme Corp", hierarchyKnown}, // three components, one known
		{"Head Office.Sales.EMEA", hierarchyShape},
		{"North Region/Partner One/Customer Nine", hierarchyShape},
		{"CS-Q.CS-NQ.Zenith", hierarchyShape},
	}
	id := testIdentity()
	for _, c := range cases {
		if r := inspectCell(id, c.cell); r.hierarchy != c.how {
			t.Errorf("inspect(%q).hierarchy = %d, want %d (%+v)", c.cell, r.hierarchy, c.how, r)
		}
	}
	r := inspectCell(id, "CS-P.CS-NB.Acme Corp")
	if r.kinds != kindCustomer || r.name != "acme corp" {
		t.Errorf("the path's finding names %q (%s), want the customer component", r.name, r.kinds)
	}
}

// TestOrdinaryValuesAreNotHierarchyPaths lists values an export may hold
// that are dotted or slashed but name no one: none may fire.
func TestOrdinaryValuesAreNotHierarchyPaths(t *testing.T) {
	id := testIdentity()
	for _, cell := range []string{
		"21.4.0-1634567", "3.14159", "1.2.3", "v5.2.0", "5.2.0-rc1", "10.0.0.1", "2026/11/01", "2026.11.01",
		"5c9b3e2f.a1b2c3d4.e5f6a7b8", "5C9B3E2F.A1B2C3D4.E5F6A7B8", "cust-01.voss.example.com", "VOSS-01.corp.local",
		"Mail.Example.com", "license.audit.version", "N/A", "U.S.A.", "e.g.", "i.e. none",
		"Counts include trials. Updated monthly. See docs", "/var/log/voss.log", "C:/Program Files/VOSS",
		"https://example.com/a/b", "Yes/No", "Phones/User", "12.5%", "1,234.56", "PKID.5C9B3E2F.A1B2",
		"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "a.b.c", "ab.cd.ef",
	} {
		if r := inspectCell(id, cell); r.hierarchy != notHierarchy || r.kinds != 0 {
			t.Errorf("ordinary value %q fired: %+v", cell, r)
		}
	}
}

// TestBundleNameSplit checks that the bundle name's provider and host are
// looked for apart only when the CSV's metadata says where they split.
func TestBundleNameSplit(t *testing.T) {
	const stem = "Big_Telco_voss_prod_2"
	cases := []struct {
		name           string
		provider, host string
		find           map[string]nameKind
	}{
		{"both", "Big_Telco", "voss_prod_2", map[string]nameKind{"voss_prod_2": kindBundleHost, "Big_Telco": kindBundleProvider, "Big": 0, "prod_2": 0}},
		{"host only", "", "voss_prod_2", map[string]nameKind{"voss_prod_2": kindBundleHost, "Big_Telco": kindBundleProvider}},
		{"provider only", "Big_Telco", "", map[string]nameKind{"voss_prod_2": kindBundleHost, "Big_Telco": kindBundleProvider}},
		{"disagreeing", "Other", "elsewhere", map[string]nameKind{"voss_prod_2": 0, "Big_Telco": 0, stem: kindBundleStem}},
		{"none", "", "", map[string]nameKind{"voss_prod_2": 0, "Big_Telco": 0, stem: kindBundleStem}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := newIdentity()
			id.addBundleNames(stem)
			if c.provider != "" || c.host != "" {
				id.useBundleMetadata(stem, c.provider, c.host)
			}
			for cell, want := range c.find {
				if got := inspectCell(id, cell).kinds; got != want {
					t.Errorf("%q: kinds %q, want %q", cell, got, want)
				}
			}
		})
	}
	// Once split, a CSV without a usable split keeps it.
	id := newIdentity()
	id.addBundleNames(stem)
	id.useBundleMetadata(stem, "Big_Telco", "voss_prod_2")
	id.useBundleMetadata(stem, "", "another")
	if inspectCell(id, "voss_prod_2").kinds != kindBundleHost {
		t.Errorf("a later CSV's metadata undid the split")
	}
}

func TestNameKindString(t *testing.T) {
	if got := (kindCustomer | kindBundleHost).String(); got != "a customer name of the detailed CSV and the host in the bundle's name" {
		t.Errorf("got %q", got)
	}
}

// TestCheckCellsColumns checks which cells of a row checkCells looks at:
// every cell but the counts marked as plain digits, in rows narrower and
// wider than the 64 columns of the mask.
func TestCheckCellsColumns(t *testing.T) {
	for _, width := range []int{3, 63, 64, 65, 70} {
		header := make([]string, width)
		row := make([]string, width)
		for i := range row {
			header[i] = fmt.Sprintf("c%d", i)
			row[i] = "Globex" // a known name in every cell
		}
		var counted uint64
		want := map[string]bool{}
		for i := range row {
			// Every third column is marked as a count read as digits:
			// checkCells leaves those alone, and only those.
			if i%3 == 1 && i < 64 {
				counted |= 1 << i
				continue
			}
			want[header[i]] = true
		}
		s := newSink("b.zip", false)
		v := &vossBundle{s: s, identity: testIdentity()}
		v.checkCells(&csvFile{member: "m.csv", header: header}, row, 2, counted)
		got := map[string]bool{}
		for _, f := range s.finish() {
			if f.Rule != "anon.known-identifier" || got[f.Location] {
				t.Errorf("width %d: unexpected finding %s at %s", width, f.Rule, f.Location)
			}
			got[f.Location] = true
		}
		if !maps.Equal(got, want) {
			t.Errorf("width %d: findings in %d columns %v, want %d %v", width, len(got), slices.Sorted(maps.Keys(got)), len(want), slices.Sorted(maps.Keys(want)))
		}
	}
}

// TestCheckCellsRedacts runs the cell checks on rows that leak, with and
// without --show-values, and looks for the names in the messages.
func TestCheckCellsRedacts(t *testing.T) {
	rows := [][]string{
		{"Acme Corp", "1"},
		{"Managed by Channel_East now", "2"},
		{"sys.hcs.CS-P.Channel_East.Müller Straße GmbH", "3"},
		{"CS-NB/Acme Corp", "4"},
		{"billing@acme-corp.example", "5"},
	}
	secrets := []string{"Acme Corp", "Channel_East", "Müller Straße", "billing@acme-corp.example", "acme corp", "channel_east"}
	for _, show := range []bool{false, true} {
		s := newSink("b.zip", show)
		v := &vossBundle{s: s, identity: testIdentity()}
		c := &csvFile{member: "m.csv", header: []string{"Note", "Count"}}
		for i, row := range rows {
			v.checkCells(c, row, i+2, 0)
		}
		fs := s.finish()
		rules := map[string]int{}
		var all strings.Builder
		for _, f := range fs {
			rules[f.Rule]++
			all.WriteString(f.Message + "\n")
		}
		if rules["anon.known-identifier"] != 2 || rules["anon.hierarchy-path"] != 2 || rules["anon.personal-data"] != 1 {
			t.Fatalf("show=%v: findings %v:\n%s", show, rules, all.String())
		}
		for _, secret := range secrets {
			if in := strings.Contains(all.String(), secret); in != show && !(show && strings.ToLower(secret) == secret) {
				t.Errorf("show=%v: %q in the messages = %v:\n%s", show, secret, in, all.String())
			}
		}
	}
}

// TestInspectLongCells runs cells of a megabyte, as a hostile CSV may hold,
// through the checks whose work grows with the cell: many components, many
// matches, many near-roots. They must stay linear (a quadratic regression
// shows as a test that takes minutes).
func TestInspectLongCells(t *testing.T) {
	id := newIdentity()
	id.add("ab", kindCustomer)
	id.add("ab.ab", kindReseller)
	id.addBundleNames("P_H")
	for _, c := range []struct {
		cell string
		how  hierarchyHow
	}{
		{strings.Repeat("Ab.", 350_000) + "Ab", hierarchyKnown},
		{strings.Repeat("sys.", 250_000), notHierarchy},
		{strings.Repeat("Ab Cd/", 170_000) + "Gh", hierarchyShape},
	} {
		if r := inspectCell(id, c.cell); r.hierarchy != c.how {
			t.Errorf("%q…: hierarchy %d, want %d", c.cell[:12], r.hierarchy, c.how)
		}
	}
}

// reconFixture writes a detailed CSV of n customers pk1..pkn (counts A=i,
// B=2i, C=3i; the header names C with spaces around it) and reads it as a
// paired detailed CSV is read.
func reconFixture(t testing.TB, n int) *vossBundle {
	t.Helper()
	var b strings.Builder
	b.WriteString("#hostname=H\nProvider,Reseller,Customer,Customer PKID,A,B, C \n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "P,R,Customer %d,pk%d,%d,%d,%d\n", i, i, i, 2*i, 3*i)
	}
	path := filepath.Join(t.TempDir(), "vlf_P_H_detailed_2026-11-01_0300.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSink("b.zip", false)
	v := &vossBundle{s: s, res: &Result{}}
	v.identity, v.detailed = verifyDetailed(v.res, path, s, DefaultOptions(), true)
	if v.detailed == nil || len(s.findings) > 0 {
		t.Fatalf("fixture: %+v", s.findings)
	}
	return v
}

// reconcile runs the anonymous side of a reconciliation: header, then rows
// of PKID and counts in the header's order of count columns.
func reconcile(v *vossBundle, header []string, rows map[string][]int64, order []string, failed bool) []finding.Finding {
	var rs []anonRow
	for i, pk := range order {
		rs = append(rs, anonRow{pk, 4 + i, rows[pk]})
	}
	return reconcileRows(v, header, rs, failed)
}

// anonRow is a row of the anonymous CSV: its PKID, line and counts.
type anonRow struct {
	pk     string
	line   int
	counts []int64
}

// reconcileRows is reconcile with the rows given one by one, so that a
// PKID may come twice.
func reconcileRows(v *vossBundle, header []string, rows []anonRow, failed bool) []finding.Finding {
	c := &csvFile{member: "anon.csv", header: header, headerLine: 3, failed: failed}
	r := v.startRecon(c, countColumns(header))
	for _, row := range rows {
		r.row(row.pk, row.line, row.counts)
	}
	r.finish()
	return v.s.finish()
}

// reconHeader is the anonymous CSV's header of the reconciliation tests:
// the count columns in another order than reconFixture's, C trimmed.
var reconHeader = []string{"C", "Customer PKID", "A", "B"}

// checkReconRows reconciles rows (reconHeader's counts) with reconFixture's
// customers pk1 to pk<customers> and checks the findings are those of
// comparing each row as it comes, worked out here row by row. Each PKID
// is passed in a buffer written over after the call, as a CSV row's cells
// are once the next row is read. It returns how many PKIDs were in the
// anonymous CSV only and in the detailed CSV only, and how many findings
// there were; there must be fewer than maxPerRule of a rule.
func checkReconRows(t testing.TB, customers int, rows []anonRow) (absent, missing, findings int) {
	t.Helper()
	var want []string
	first := map[string]int{}
	for _, r := range rows {
		if f, ok := first[r.pk]; ok {
			want = append(want, fmt.Sprintf("anon.customer-key %d: repeats line %d", r.line, f))
			continue
		}
		first[r.pk] = r.line
		var i int64
		if _, err := fmt.Sscanf(r.pk, "pk%d", &i); err != nil || i < 1 || i > int64(customers) || r.pk != fmt.Sprint("pk", i) {
			absent++
			continue
		}
		for k, col := range []string{"C", "A", "B"} {
			if d := []int64{3 * i, i, 2 * i}[k]; r.counts[k] != d {
				want = append(want, fmt.Sprintf("recon.count-mismatch %d: %q is %d in the anonymous CSV but %d", r.line, col, r.counts[k], d))
			}
		}
	}
	missing = customers - (len(first) - absent)
	if absent > 0 {
		want = append(want, fmt.Sprintf("recon.customer-set 0: %d Customer PKID(s) are in the anonymous", absent))
	}
	if missing > 0 {
		want = append(want, fmt.Sprintf("recon.customer-set 0: %d Customer PKID(s) of the detailed", missing))
	}

	v := reconFixture(t, customers)
	c := &csvFile{member: "anon.csv", header: reconHeader, headerLine: 3}
	r := v.startRecon(c, countColumns(reconHeader))
	cell := make([]byte, 0, 64)
	for _, row := range rows {
		cell = append(cell[:0], row.pk...)
		r.row(unsafe.String(unsafe.SliceData(cell), len(cell)), row.line, row.counts)
		for i := range cell {
			cell[i] = '#'
		}
	}
	r.finish()
	var got []string
	for _, f := range v.s.finish() {
		msg := f.Message
		switch f.Rule {
		case "anon.customer-key":
			msg = msg[strings.Index(msg, "repeats"):strings.Index(msg, ";")]
		case "recon.count-mismatch":
			msg = msg[strings.Index(msg, ": ")+2 : strings.Index(msg, " in the detailed")]
		case "recon.customer-set":
			msg = msg[:strings.Index(msg, " CSV")]
		}
		got = append(got, fmt.Sprintf("%s %d: %s", f.Rule, f.Line, msg))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	return absent, missing, len(want)
}

// FuzzReconcileQueue reconciles anonymous rows made from the input with 70
// customers, and checks the findings with checkReconRows: each byte is a
// row, of one of the customers (its counts changed when the byte is a
// multiple of 7) or of a PKID the detailed CSV lacks, so the queue is
// compared across its batches with repeats, absent and missing customers
// wherever the input puts them.
func FuzzReconcileQueue(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("abc"))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 200, 7, 14}, 30))
	seed := make([]byte, 200)
	for i := range seed {
		seed[i] = byte(i * 37)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		const customers = 70
		var rows []anonRow
		repeats, changed := 0, 0
		seen := map[string]bool{}
		for _, b := range data {
			pk := fmt.Sprint("pk", int(b)%customers+1)
			if b >= 3*customers {
				pk = fmt.Sprint("absent", b%8)
			}
			counts := []int64{0, 0, 0}
			if i := int64(b)%customers + 1; b < 3*customers {
				counts = []int64{3 * i, i, 2 * i}
			}
			if b%7 == 0 {
				counts[int(b)/7%3]++
			}
			// Fewer than maxPerRule findings of a rule, which the sink
			// would cap.
			if seen[pk] && repeats == maxPerRule-1 || !seen[pk] && b%7 == 0 && changed == maxPerRule-1 {
				continue
			}
			if seen[pk] {
				repeats++
			} else if b%7 == 0 {
				changed++ // one count, one finding (absent rows need none)
			}
			seen[pk] = true
			rows = append(rows, anonRow{pk: pk, line: 4 + len(rows), counts: counts})
		}
		checkReconRows(t, customers, rows)
	})
}

func TestReconcile(t *testing.T) {
	header := reconHeader
	agree := func(n int) (map[string][]int64, []string) {
		rows, order := map[string][]int64{}, []string(nil)
		for i := 1; i <= n; i++ {
			pk := fmt.Sprintf("pk%d", i)
			rows[pk] = []int64{int64(3 * i), int64(i), int64(2 * i)}
			order = append(order, pk)
		}
		return rows, order
	}
	t.Run("agree", func(t *testing.T) {
		rows, order := agree(3)
		if fs := reconcile(reconFixture(t, 3), header, rows, order, false); len(fs) != 0 {
			t.Errorf("findings %+v", fs)
		}
	})
	t.Run("count", func(t *testing.T) {
		rows, order := agree(3)
		rows["pk2"][2] = 9
		for _, show := range []bool{false, true} {
			v := reconFixture(t, 3)
			v.s.showValues = show
			fs := reconcile(v, header, rows, order, false)
			pk := map[bool]string{false: `"pk*"`, true: `"pk2"`}[show]
			if len(fs) != 1 || fs[0].Rule != "recon.count-mismatch" || fs[0].Location != "B" || fs[0].Line != 5 ||
				!strings.Contains(fs[0].Message, `"B" is 9 in the anonymous CSV but 4 in the detailed CSV`) ||
				!strings.Contains(fs[0].Message, "Customer PKID "+pk+" (line 5 here, line 4 of the detailed CSV)") {
				t.Errorf("show=%v: findings %+v", show, fs)
			}
		}
	})
	t.Run("customer set", func(t *testing.T) {
		rows, order := agree(1)
		for i := 1; i <= 25; i++ {
			pk := fmt.Sprintf("x%d", i)
			rows[pk] = []int64{0, 0, 0}
			order = append(order, pk)
		}
		fs := reconcile(reconFixture(t, 25), header, rows, order, false)
		if len(fs) != 2 {
			t.Fatalf("findings %+v", fs)
		}
		for _, f := range fs {
			switch f.Subject {
			case "anonymous-only":
				if !strings.HasPrefix(f.Message, "25 Customer PKID(s)") || !strings.Contains(f.Message, `"x1" (line 5)`) || !strings.Contains(f.Message, "and 5 more") {
					t.Errorf("anonymous-only: %s", f.Message)
				}
			case "detailed-only":
				// The first lines of the file are listed: pk2 is on line 4.
				if !strings.HasPrefix(f.Message, "24 Customer PKID(s)") || !strings.Contains(f.Message, `: "pk*" (detailed CSV line 4), "pk*" (detailed CSV line 5)`) || !strings.Contains(f.Message, "and 4 more") {
					t.Errorf("detailed-only: %s", f.Message)
				}
			default:
				t.Errorf("unexpected %+v", f)
			}
		}
	})
	t.Run("unread rest", func(t *testing.T) {
		rows, order := agree(1)
		if fs := reconcile(reconFixture(t, 3), header, rows, order, true); len(fs) != 0 {
			t.Errorf("customers past a read error reported missing: %+v", fs)
		}
	})
	t.Run("repeated rows", func(t *testing.T) {
		// Reconciliation reports a repeated PKID (anon.customer-key),
		// compares its first row only and counts an absent PKID once.
		fs := reconcileRows(reconFixture(t, 1), header, []anonRow{
			{"pk1", 4, []int64{3, 1, 2}}, {"pk1", 5, []int64{9, 9, 9}},
			{"x", 6, []int64{0, 0, 0}}, {"x", 7, []int64{0, 0, 0}},
		}, false)
		var got []string
		for _, f := range fs {
			got = append(got, f.Rule+": "+f.Message)
		}
		slices.Sort(got)
		want := []string{
			"anon.customer-key: the Customer PKID on line 5 repeats line 4; each customer has one row",
			"anon.customer-key: the Customer PKID on line 7 repeats line 6; each customer has one row",
		}
		if len(got) != 3 || !slices.Equal(got[:2], want) || !strings.HasPrefix(got[2], `recon.customer-set: 1 Customer PKID(s) are in the anonymous CSV but not in the detailed CSV: "x" (line 6);`) {
			t.Errorf("findings:\n%s", strings.Join(got, "\n"))
		}
	})
	t.Run("repeats in line order", func(t *testing.T) {
		// Repeats of absent PKIDs are found only at the end, those of
		// the table's as rows come: they are reported in line order all
		// the same, so that the first are the ones kept under the cap.
		fs := reconcileRows(reconFixture(t, 1), header, []anonRow{
			{"x", 4, []int64{0, 0, 0}}, {"x", 5, []int64{0, 0, 0}},
			{"pk1", 6, []int64{3, 1, 2}}, {"pk1", 7, []int64{3, 1, 2}},
		}, false)
		var lines []int
		for _, f := range fs {
			if f.Rule == "anon.customer-key" {
				lines = append(lines, f.Line)
			}
		}
		if !slices.Equal(lines, []int{5, 7}) {
			t.Errorf("repeats reported at lines %v, want [5 7]", lines)
		}
	})
	t.Run("queued", func(t *testing.T) {
		// Rows are compared reconRowsAtOnce at a time, and the last few
		// at finish: whatever the batches, the findings are those of
		// comparing each row as it comes (checkReconRows).
		const customers = 300
		rng := rand.New(rand.NewPCG(9, 10))
		var rows []anonRow
		for i := 1; i <= customers; i++ {
			if rng.IntN(10) == 0 {
				continue // missing from the anonymous CSV
			}
			counts := []int64{int64(3 * i), int64(i), int64(2 * i)}
			if rng.IntN(12) == 0 {
				counts[rng.IntN(3)]++
			}
			rows = append(rows, anonRow{pk: fmt.Sprint("pk", i), counts: counts})
			if rng.IntN(25) == 0 {
				rows = append(rows, anonRow{pk: fmt.Sprint("absent", i), counts: []int64{0, 0, 0}})
			}
		}
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for k := 0; k < 12; k++ { // repeats, some across batches
			r := rows[rng.IntN(len(rows))]
			at := rng.IntN(len(rows) + 1)
			rows = slices.Insert(rows, at, anonRow{pk: r.pk, counts: []int64{7, 7, 7}})
		}
		for i := range rows {
			rows[i].line = 4 + i
		}
		absent, missing, findings := checkReconRows(t, customers, rows)
		if len(rows) < 3*reconRowsAtOnce || absent == 0 || missing == 0 || findings < 20 {
			t.Fatalf("the rows do not exercise every case: %d rows, %d absent, %d missing, %d findings", len(rows), absent, missing, findings)
		}
	})
	t.Run("queue bounded", func(t *testing.T) {
		// Rows of a megabyte's PKID, or of many count columns, are
		// compared before the queue's copies reach reconQueueBytes: 64
		// of them would hold 64 MB.
		wide := slices.Clone(header)
		for i := range 20_000 {
			wide = append(wide, fmt.Sprint("N", i))
		}
		for _, tc := range []struct {
			name   string
			header []string
			pkid   func(i int) string
		}{
			{"long PKIDs", header, func(i int) string { return fmt.Sprint(i%2, strings.Repeat("x", 1<<20)) }},
			{"many count columns", wide, func(i int) string { return fmt.Sprint("absent", i) }},
		} {
			v := reconFixture(t, 1)
			c := &csvFile{member: "anon.csv", header: tc.header, headerLine: 3}
			r := v.startRecon(c, countColumns(tc.header))
			counts := make([]int64, len(countColumns(tc.header)))
			for i := range 2 * reconRowsAtOnce {
				r.row(tc.pkid(i), 4+i, counts)
				if size := r.queued.size(); size >= reconQueueBytes {
					t.Fatalf("%s: the queue holds %d bytes after row %d", tc.name, size, i)
				}
			}
			r.finish()
			var absent string
			for _, f := range v.s.finish() {
				if f.Subject == "anonymous-only" {
					absent = f.Message[:strings.Index(f.Message, " ")]
				}
			}
			if want := map[bool]string{true: "2", false: "128"}[tc.name == "long PKIDs"]; absent != want {
				t.Errorf("%s: %s PKIDs in the anonymous CSV only, want %s", tc.name, absent, want)
			}
		}
	})
	t.Run("columns", func(t *testing.T) {
		fs := reconcile(reconFixture(t, 1), []string{"Customer PKID", "A", "D"}, map[string][]int64{"pk1": {1, 7}}, []string{"pk1"}, false)
		if len(fs) != 1 || fs[0].Rule != "recon.columns" || !strings.Contains(fs[0].Message, `only in the anonymous CSV ["D"]; only in the detailed CSV ["B" "C"]`) {
			t.Errorf("findings %+v", fs)
		}
	})
}

// TestDetailedTrustedAlone: a detailed CSV of largeInput or more, which
// Run verifies beside no other large input, sizes its table trusting the
// estimate; a smaller one, which may be read beside others, does not.
func TestDetailedTrustedAlone(t *testing.T) {
	pad := strings.Repeat("x", 3500) // a long Customer name: larger files in fewer rows
	for _, c := range []struct {
		rows  int
		pad   string
		alone bool
	}{
		{5000, "", false},
		{5000, pad, true},
	} {
		var b strings.Builder
		b.WriteString("Provider,Reseller,Customer,Customer PKID,A\n")
		for i := 0; i < c.rows; i++ {
			fmt.Fprintf(&b, "P,R,C%s%d,pk%d,1\n", c.pad, i, i)
		}
		if big := b.Len() >= largeInput; big != c.alone {
			t.Fatalf("a file of %d bytes for alone=%v", b.Len(), c.alone)
		}
		path := filepath.Join(t.TempDir(), "vlf_P_H_detailed_2026-11-01_0300.csv")
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		_, table := readDetailed(&Result{}, path, "d.csv", newSink("b.zip", false), DefaultOptions(), true)
		if table == nil {
			t.Fatalf("a detailed CSV of %d bytes made no table", b.Len())
		}
		if (table.trusted > 0) != c.alone {
			t.Errorf("a detailed CSV of %d bytes: trusted room %d a bucket; want trusted %v", b.Len(), table.trusted, c.alone)
		}
	}
}

// TestDetailedRepeatedPKID: a PKID on two rows of the detailed CSV is
// reported the same whether the CSV is paired (the customer table finds
// the repeat) or on its own (the identifier log does), and the table keeps
// the first row.
func TestDetailedRepeatedPKID(t *testing.T) {
	text := "Provider,Reseller,Customer,Customer PKID,A\nP,R,C1,pk1,1\nP,R,C2,pk2,2\nP,R,C3,pk1,3\nP,R,C4,pk1,4\n"
	path := filepath.Join(t.TempDir(), "vlf_P_H_detailed_2026-11-01_0300.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"the Customer PKID on line 4 of the detailed CSV repeats line 2",
		"the Customer PKID on line 5 of the detailed CSV repeats line 2",
	}
	for _, paired := range []bool{true, false} {
		s := newSink("b.zip", false)
		_, table := readDetailed(&Result{}, path, "d.csv", s, DefaultOptions(), paired)
		var got []string
		for _, f := range s.finish() {
			got = append(got, f.Message)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("paired %v: findings %q", paired, got)
		}
		if paired {
			ref := table.find("pk1")
			if ref < 0 || table.row(ref).line != 2 || table.values(table.row(ref), nil)[0] != 1 {
				t.Errorf("the table does not keep pk1's first row")
			}
			if ref := table.find("pk2"); ref < 0 || table.row(ref).line != 3 || table.find("pk3") >= 0 {
				t.Errorf("find pk2/pk3 wrong")
			}
		}
	}
}

// TestCustomerTableChunks checks the chunks of counts: they double from
// minDataChunk to maxDataChunk, hold whole rows only, and every row's
// counts read back, the rows at the ends of chunks included.
func TestCustomerTableChunks(t *testing.T) {
	table := newCustomerTable("", "", []string{"A", "B", "C"})
	const n = 200_000 // 30 bytes a row: 6 MB, five chunks of the largest size
	row := func(i int) []int64 { return []int64{math.MinInt64 + int64(i), int64(i), math.MaxInt64 - int64(i)} }
	for i := 0; i < n; i++ {
		table.add(fmt.Sprint("pk", i), i+2, row(i))
	}
	want := minDataChunk
	for k, chunk := range table.data {
		if cap(chunk) != want {
			t.Fatalf("chunk %d holds %d bytes, want %d", k, cap(chunk), want)
		}
		if k < len(table.data)-1 && len(chunk)+3*binary.MaxVarintLen64 <= cap(chunk) {
			t.Errorf("chunk %d was left with room for a row (%d of %d bytes used)", k, len(chunk), cap(chunk))
		}
		want = min(2*want, maxDataChunk)
	}
	if len(table.data) < 12 || cap(table.data[len(table.data)-2]) != maxDataChunk {
		t.Fatalf("%d chunks; want the sizes to reach %d bytes", len(table.data), maxDataChunk)
	}
	table.seal()
	for i := 0; i < n; i++ {
		ref := table.find(fmt.Sprint("pk", i))
		if ref < 0 {
			t.Fatalf("pk%d not found", i)
		}
		if got := table.values(table.row(ref), nil); !slices.Equal(got, row(i)) {
			t.Fatalf("pk%d: values %v, want %v", i, got, row(i))
		}
	}
}

// TestCustomerTableReserveGrows replays estimates that come in low, as
// reserveAhead's capped ones do: the buckets stay one chunk each, with
// room for little more than the rows they hold (each once), and seal
// sorts them in place. Before, a bucket that outgrew its chunk got a
// second one of the same size: 2 million customers took room for 3.4.
func TestCustomerTableReserveGrows(t *testing.T) {
	const n = 300_000
	pkids := make([]string, n)
	for i := range pkids {
		pkids[i] = fmt.Sprint("pk", i)
	}
	grown := map[string]uint64{} // bytes allocated while adding the rows
	for _, c := range []struct {
		name      string
		estimates map[int]int // row -> customers estimated there
		alone     bool
		room      float64 // the most room for rows, in rows added
	}{
		{"estimated right", map[int]int{4096: 65536, 65536: n}, false, 1.25},
		{"corrected late", map[int]int{4096: 65536, 20_000: 200_000, 190_000: n}, false, 1.25},
		{"never corrected", map[int]int{4096: 65536, 20_000: 200_000}, false, 1.25},
		// A file whose first rows are far shorter than the rest: the
		// room of a doubling, not of the estimate (4.8 million rows).
		{"far too high", map[int]int{4096: 65536, 20_000: 16 * n}, false, 2.2},
		// Verified alone, the table grows to the room the estimate asks
		// for at once, up to trustedCustomers.
		{"alone, estimated right", map[int]int{4096: 65536, 65536: n}, true, 1.25},
		{"alone, corrected late", map[int]int{4096: 65536, 20_000: 200_000, 190_000: n}, true, 1.25},
		{"alone, far too high", map[int]int{4096: 65536, 20_000: 16 * n}, true, float64(idBuckets*bucketRoom(trustedCustomers)) / n},
	} {
		table := newCustomerTable("", "", []string{"A"})
		var start, end runtime.MemStats
		runtime.ReadMemStats(&start)
		for i := 0; i < n; i++ {
			if est, ok := c.estimates[i]; ok {
				table.reserve(est, c.alone)
			}
			table.add(pkids[i], i+2, []int64{int64(i)})
		}
		runtime.ReadMemStats(&end)
		grown[c.name] = end.TotalAlloc - start.TotalAlloc
		t.Logf("%s: %d bytes allocated", c.name, grown[c.name])
		room := 0
		for b, chunks := range table.chunks {
			if len(chunks) != 1 {
				t.Fatalf("%s: bucket %d is %d chunks", c.name, b, len(chunks))
			}
			room += cap(chunks[0])
		}
		if float64(room) > c.room*n {
			t.Errorf("%s: room for %d rows, %.2f times the %d added", c.name, room, float64(room)/n, n)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		table.seal()
		runtime.ReadMemStats(&after)
		if allocs := after.Mallocs - before.Mallocs; allocs > 20 {
			t.Errorf("%s: seal made %d allocations; the buckets should be sorted in place", c.name, allocs)
		}
		for _, i := range []int{0, n / 2, n - 1} {
			ref := table.find(fmt.Sprint("pk", i))
			if ref < 0 || table.row(ref).line != uint32(i+2) {
				t.Fatalf("%s: pk%d not found at its line", c.name, i)
			}
		}
	}
	// Alone, a bucket grows at once to the room estimated; otherwise by
	// doublings, each holding the old chunk and the new.
	if alone, doubled := grown["alone, estimated right"], grown["estimated right"]; float64(alone) > 0.7*float64(doubled) {
		t.Errorf("alone, the table allocated %d bytes while its rows were added, %.2f of the %d it allocates growing by doublings", alone, float64(alone)/float64(doubled), doubled)
	}
}

// TestCustomerTableMany checks the table's lookups, counts and repeats
// across many chunks of every bucket: grown chunk by chunk, and reserved
// ahead for as many customers as come, for fewer and for more. Reserved
// for as many, seal sorts each bucket in its last chunk instead of
// copying it.
func TestCustomerTableMany(t *testing.T) {
	const n = 100_000
	for _, reserve := range []int{0, n, n / 2, 2 * n} {
		table := newCustomerTable("", "", []string{"A", "B"})
		if reserve > 0 {
			table.reserve(reserve, false)
		}
		for i := 0; i < n; i++ {
			table.add(fmt.Sprint("pk", i), i+2, []int64{int64(i), int64(i) * 1000})
		}
		// Two repeats, each of a row from the first half.
		table.add("pk7", n+2, []int64{0, 0})
		table.add("pk4000", n+3, []int64{0, 0})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		reps := table.seal()
		runtime.ReadMemStats(&after)
		want := []idRepeat{{line: n + 2, first: 9}, {line: n + 3, first: 4002}}
		if !slices.Equal(reps, want) {
			t.Fatalf("reserve %d: repeats %v, want %v", reserve, reps, want)
		}
		if allocs := after.Mallocs - before.Mallocs; reserve == n && allocs > 20 {
			t.Errorf("reserve %d: seal made %d allocations; the buckets should be sorted in place", reserve, allocs)
		}
		for i := 0; i < n; i++ {
			ref := table.find(fmt.Sprint("pk", i))
			if ref < 0 {
				t.Fatalf("reserve %d: pk%d not found", reserve, i)
			}
			r := table.row(ref)
			if v := table.values(r, nil); r.line != uint32(i+2) || v[0] != int64(i) || v[1] != int64(i)*1000 {
				t.Fatalf("reserve %d: pk%d: line %d, values %v", reserve, i, r.line, v)
			}
		}
		if table.find("pk-absent") >= 0 {
			t.Fatalf("reserve %d: an absent PKID was found", reserve)
		}
		checkFindAll(t, table, n)
	}
}

// find returns the row of pkid, or -1: one lookup, as findAll makes many,
// which the tests hold findAll to.
func (t *customerTable) find(pkid string) customerRef {
	h := t.hash(pkid)
	b := bucketOf(h)
	rows := t.rows[b]
	i := searchFence(t.fences[b], len(rows), h, func(i int) uint64 { return rows[i].pk() })
	if i < len(rows) && rows[i].pk() == h {
		return customerRef(int64(b)<<32 | int64(i))
	}
	return -1
}

// BenchmarkCustomerTableFind looks up each of a million customers, in the
// order they were added (which the hashes scatter over the table), one at
// a time with find and reconRowsAtOnce at a time with findAll.
func BenchmarkCustomerTableFind(b *testing.B) {
	const n = 1_000_000
	table := newCustomerTable("", "", []string{"A"})
	table.reserve(n, false)
	pkids := make([]string, n)
	for i := range pkids {
		pkids[i] = fmt.Sprintf("%024x", uint64(i)*0x9e3779b97f4a7c15)
		table.add(pkids[i], i+2, []int64{int64(i % 40)})
	}
	table.seal()
	b.Run("find", func(b *testing.B) {
		for b.Loop() {
			for _, pk := range pkids {
				if table.find(pk) < 0 {
					b.Fatal(pk, "not found")
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/lookup")
	})
	b.Run("findAll", func(b *testing.B) {
		hashes := make([]uint64, reconRowsAtOnce)
		refs, runs := make([]customerRef, reconRowsAtOnce), make([][3]int, reconRowsAtOnce)
		for b.Loop() {
			for from := 0; from < n; from += reconRowsAtOnce {
				m := min(reconRowsAtOnce, n-from)
				for k := range m {
					hashes[k] = table.hash(pkids[from+k])
				}
				table.findAll(hashes[:m], refs[:m], runs[:m])
				if slices.Contains(refs[:m], -1) {
					b.Fatal("not found")
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/lookup")
	})
}

// checkFindAll looks up the table's PKIDs pk0 to pk<n-1> and as many
// absent ones, in runs of every length up to reconRowsAtOnce and beyond,
// with findAll, and checks it finds what find does.
func checkFindAll(t *testing.T, table *customerTable, n int) {
	t.Helper()
	var pkids []string
	for i := 0; i < n; i++ {
		pkids = append(pkids, fmt.Sprint("pk", i), fmt.Sprint("absent", i))
	}
	for from, size := 0, 1; from < len(pkids); from, size = from+size, size%(2*reconRowsAtOnce)+1 {
		run := pkids[from:min(from+size, len(pkids))]
		hashes := make([]uint64, len(run))
		for i, pk := range run {
			hashes[i] = table.hash(pk)
		}
		refs, runs := make([]customerRef, len(run)), make([][3]int, len(run))
		table.findAll(hashes, refs, runs)
		for i, pk := range run {
			if want := table.find(pk); refs[i] != want {
				t.Fatalf("findAll found %s at %d, find at %d", pk, refs[i], want)
			}
		}
	}
}

// TestPersonalData: what anon.personal-data takes for an e-mail address or
// a phone number, and the values that look alike but are not.
func TestPersonalData(t *testing.T) {
	const (
		email = "an e-mail address"
		phone = "a phone number"
	)
	cases := []struct{ cell, want string }{
		{"billing@acme-corp.example", email},
		{"Contact: j.doe@example.co.uk today", email},
		{"+44 20 7946 0958", phone},
		{"+4915112345678", phone},
		{"(555) 123-4567", phone},
		{"555-123-4567", phone},
		{"1-800-555-0199", phone},
		{"030/1234567", phone},
		{"0049.30.123456", phone},
		{"01.23.45.67.89", phone},
		{"+33 1 23 45 67 89", phone},
		{"+49 (0) 30 1234567", phone},
		{"0800 123 4567", phone},
		{"555-1234", phone}, // 7 digits, a local number

		{"", ""},
		{"@handle", ""},
		{"1234567", ""},                   // a count
		{"123456789012", ""},              // a plain integer, however long
		{"5c9b3e2f0a1b", ""},              // a PKID
		{"+1", ""},                        // too few digits
		{"555-123", ""},                   // 6 digits
		{"+1 555 123 4567 8901 2345", ""}, // over 15 digits
		{"12.5", ""},                      // a decimal
		{"3.14159265", ""},                // a decimal with 9 digits
		{"2026-11-01", ""},                // dates
		{"01.11.2026", ""},
		{"12/31/2026", ""},
		{"2026-11-01 03:00", ""}, // a time is not in a phone's alphabet
		{"10.20.30.40", ""},      // IPv4 addresses
		{"192.168.100.200", ""},
		{"21.4.0-1634567", ""}, // a version and build
		{"3.0-10045678/2", ""}, // separators mixed
		{"1-800-FLOWERS", ""},  // letters
		{"One Phone & WebEx", ""},
	}
	for _, c := range cases {
		if got := personalData(c.cell); got != c.want {
			t.Errorf("personalData(%q) = %q, want %q", c.cell, got, c.want)
		}
	}
}
