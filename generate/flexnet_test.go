package generate

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/verify"
)

var updateFlexNetCorpus = flag.Bool("update-flexnet-corpus", false, "rewrite testdata/flexnet from the generator")

// verifyFlexNet writes an extract into a temporary directory and verifies it.
func verifyFlexNet(t *testing.T, o FlexNetOptions) verify.Result {
	t.Helper()
	paths, err := WriteFlexNet(t.TempDir(), o, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || !strings.HasPrefix(filepath.Base(paths[0]), "Entitlements-") {
		t.Fatalf("wrote %q", paths)
	}
	return verify.Verify(verify.Input{Path: paths[0]}, verify.DefaultOptions())
}

func describe(res verify.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "  %s %s:%d [%s] %s\n", f.Rule, f.File, f.Line, f.Location, f.Message)
	}
	return b.String()
}

func TestFlexNetValid(t *testing.T) {
	base := DefaultFlexNetOptions()
	variants := map[string]func(o *FlexNetOptions){
		"defaults":          func(o *FlexNetOptions) {},
		"header-only":       func(o *FlexNetOptions) { o.Entitlements = 0 },
		"one entitlement":   func(o *FlexNetOptions) { o.Entitlements = 1 },
		"no tier":           func(o *FlexNetOptions) { o.Tiers = 0 },
		"one tier":          func(o *FlexNetOptions) { o.Tiers = 1 },
		"three tiers":       func(o *FlexNetOptions) { o.Tiers = 3 },
		"legacy dates":      func(o *FlexNetOptions) { o.Dates = DatesLegacy },
		"no maintenance":    func(o *FlexNetOptions) { o.Maintenance = false },
		"single line items": func(o *FlexNetOptions) { o.MaxLineItems = 1 },
		"zero values":       func(o *FlexNetOptions) { *o = FlexNetOptions{MaxLineItems: 1} },
		"many rows":         func(o *FlexNetOptions) { o.Entitlements, o.MaxLineItems, o.Seed = 400, 6, 99 },
	}
	for name, change := range variants {
		t.Run(name, func(t *testing.T) {
			o := base
			change(&o)
			res := verifyFlexNet(t, o)
			if res.Kind != bundle.FlexNet || len(res.Findings) != 0 {
				t.Fatalf("kind %s, findings:\n%s", res.Kind, describe(res))
			}
		})
	}
}

// TestFlexNetShape checks the features the options ask for are in the
// extract: line items, maintenance links, tiers, LM and CA columns.
func TestFlexNetShape(t *testing.T) {
	o := DefaultFlexNetOptions()
	o.Entitlements, o.Tiers, o.MaxLineItems = 12, 3, 4
	ent, mnt := extractCSVs(t, o)
	header := strings.SplitN(ent, "\n", 2)[0]
	for _, want := range []string{"End Customer|Account", "Partner Tier 2|UserPhone", "LM[Floating Counted|SERIAL_NUMBER]"} {
		if !strings.Contains(header, want) {
			t.Errorf("entitlement header lacks %s", want)
		}
	}
	if strings.Contains(header, "Partner Tier 3|") {
		t.Errorf("more tiers than asked")
	}
	if !strings.Contains(mnt, "CA[MAINT_LINE|") {
		t.Errorf("maintenance header lacks CA columns")
	}
	rows := strings.Split(strings.TrimSpace(ent), "\n")[1:]
	if len(rows) <= o.Entitlements {
		t.Errorf("%d rows for %d entitlements: no extra line items", len(rows), o.Entitlements)
	}
	mrows, err := csv.NewReader(strings.NewReader(mnt)).ReadAll()
	if err != nil || len(mrows) < 2 || mrows[0][7] != "LineItemLink" {
		t.Fatalf("maintenance CSV: %v, %d rows", err, len(mrows))
	}
	for _, r := range mrows[1:] {
		if link := r[7]; !strings.Contains(ent, ","+link+",") {
			t.Errorf("maintenance link %q is not a line item", link)
		}
	}

	o.Entitlements = 0
	ent, mnt = extractCSVs(t, o)
	if strings.Count(ent, "\n") != 1 || strings.Count(mnt, "\n") != 1 {
		t.Errorf("0 entitlements is not header-only:\n%s\n%s", ent, mnt)
	}
	o.Entitlements, o.Maintenance = 5, false
	if _, mnt = extractCSVs(t, o); strings.Count(mnt, "\n") != 1 {
		t.Errorf("maintenance rows without --maintenance")
	}
}

// extractCSVs returns the two CSVs of a generated extract.
func extractCSVs(t *testing.T, o FlexNetOptions) (string, string) {
	t.Helper()
	files, err := FlexNet(o)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(files[0].data), int64(len(files[0].data)))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		texts = append(texts, string(b))
	}
	if len(texts) != 2 || !strings.HasPrefix(zr.File[0].Name, "EntitlementsExtract-") {
		t.Fatalf("members %v", zr.File)
	}
	return texts[0], texts[1]
}

// TestFlexNetDefects checks that each defect breaks its rule and no other,
// on a full extract and on a header-only one.
func TestFlexNetDefects(t *testing.T) {
	if len(FlexNetDefects()) < 9 {
		t.Fatalf("defects %v", FlexNetDefects())
	}
	for _, id := range FlexNetDefects() {
		if _, ok := verify.Rule(id); !ok {
			t.Errorf("defect %s is not a rule of the catalogue", id)
		}
		for _, n := range []int{5, 0} {
			t.Run(fmt.Sprintf("%s/%d", id, n), func(t *testing.T) {
				o := DefaultFlexNetOptions()
				o.Defect, o.Entitlements = id, n
				res := verifyFlexNet(t, o)
				if len(res.Findings) == 0 {
					t.Fatalf("no finding")
				}
				for _, f := range res.Findings {
					if f.Rule != id {
						t.Errorf("a %s finding besides %s:\n%s", f.Rule, id, describe(res))
					}
				}
			})
		}
	}
	for _, fne := range []string{"fne.name", "fne.member-missing", "fne.header", "fne.entitlement-id", "fne.activation-id",
		"fne.continuation", "fne.value", "fne.date-format-mixed", "fne.maintenance-link"} {
		if !slices.Contains(FlexNetDefects(), fne) {
			t.Errorf("no defect for %s", fne)
		}
	}
}

func TestFlexNetDeterministic(t *testing.T) {
	o := DefaultFlexNetOptions()
	a, err := FlexNet(o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := FlexNet(o)
	if !bytes.Equal(a[0].data, b[0].data) || a[0].name != b[0].name {
		t.Fatalf("two runs differ")
	}
	o.Seed++
	c, _ := FlexNet(o)
	if bytes.Equal(a[0].data, c[0].data) {
		t.Errorf("another seed gives the same bytes")
	}
	o.At = time.Date(2027, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	d, _ := FlexNet(o)
	if d[0].name != "Entitlements-2027-01-02-02-04-05.zip" {
		t.Errorf("name %s: the stamp is not UTC", d[0].name)
	}
}

func TestFlexNetOptionErrors(t *testing.T) {
	for name, o := range map[string]FlexNetOptions{
		"negative entitlements": {Entitlements: -1, MaxLineItems: 1},
		"too many entitlements": {Entitlements: maxFlexNetEntitlements + 1, MaxLineItems: 1},
		"negative tiers":        {Tiers: -1, MaxLineItems: 1},
		"no line item":          {Entitlements: 1},
		"unknown dates":         {MaxLineItems: 1, Dates: "rfc2822"},
		"unknown defect":        {MaxLineItems: 1, Defect: "hash.mismatch"},
		"year 0":                {MaxLineItems: 1, At: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
		"year 9999":             {MaxLineItems: 1, At: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
	} {
		if _, err := FlexNet(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWriteFlexNetOverwrite(t *testing.T) {
	dir := t.TempDir()
	o := DefaultFlexNetOptions()
	if _, err := WriteFlexNet(dir, o, false); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFlexNet(dir, o, false); !errors.Is(err, bundle.ErrExists) {
		t.Fatalf("second write: %v", err)
	}
	if _, err := WriteFlexNet(dir, o, true); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left %d files (temporary files?)", len(entries))
	}
}

// flexNetCorpusCase is one directory of testdata/flexnet written by the
// generator: its options, and why it is there.
type flexNetCorpusCase struct {
	dir  string
	why  string
	opts FlexNetOptions
}

func flexNetCorpus() []flexNetCorpusCase {
	at := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	cases := []flexNetCorpusCase{
		{"valid-iso8601-1tier", "a valid extract: one tier, ISO 8601 dates, maintenance",
			FlexNetOptions{Entitlements: 8, Tiers: 1, MaxLineItems: 3, Maintenance: true, Dates: DatesISO8601, At: at, Seed: 11}},
		{"valid-legacy-3tiers", "a valid extract: three tiers, legacy dates, maintenance",
			FlexNetOptions{Entitlements: 8, Tiers: 3, MaxLineItems: 4, Maintenance: true, Dates: DatesLegacy, At: at, Seed: 12}},
		{"valid-header-only", "a period with no changes: both CSVs header-only",
			FlexNetOptions{Entitlements: 0, Tiers: 2, MaxLineItems: 1, Dates: DatesISO8601, At: at, Seed: 13}},
		{"valid-no-maintenance", "line items but no maintenance: a header-only maintenance CSV",
			FlexNetOptions{Entitlements: 4, Tiers: 2, MaxLineItems: 2, Dates: DatesLegacy, At: at, Seed: 14}},
	}
	for _, id := range FlexNetDefects() {
		o := DefaultFlexNetOptions()
		o.At, o.Seed, o.Defect = at, 21, id
		cases = append(cases, flexNetCorpusCase{"defect-" + id, "breaks " + id + " and nothing else", o})
	}
	return cases
}

// flexNetCaseFiles renders a corpus case: the extract and its expect file.
func flexNetCaseFiles(c flexNetCorpusCase) ([]file, error) {
	files, err := FlexNet(c.opts)
	if err != nil {
		return nil, err
	}
	o := c.opts
	var b strings.Builder
	fmt.Fprintf(&b, "# %s.\n# Written by the generator (go test ./generate -run TestFlexNetCorpus -update-flexnet-corpus):\n", c.why)
	fmt.Fprintf(&b, "# --entitlements %d --tiers %d --max-line-items %d --maintenance=%v --dates %s --at %s --seed %d",
		o.Entitlements, o.Tiers, o.MaxLineItems, o.Maintenance, o.Dates, o.At.Format(time.RFC3339), o.Seed)
	if o.Defect != "" {
		fmt.Fprintf(&b, " --defect %s", o.Defect)
	}
	b.WriteString("\n# Each line: a file of this directory and a rule it must give; a file not listed gives no finding.\n")
	if o.Defect != "" {
		fmt.Fprintf(&b, "%s %s\n", files[0].name, o.Defect)
	}
	return append(files, file{name: "expect", data: []byte(b.String())}), nil
}

// vendorZipFiles packs the vendor's sample CSVs (hand-made from the spec)
// as FlexNet ships them: the CSV stamps differ from the ZIP's.
func vendorZipFiles() ([]file, error) {
	src := filepath.Join("..", "testdata", "flexnet", "vendor-csvs")
	var members []member
	for _, n := range []string{"EntitlementsExtract-2017-07-05-03-07-21.csv", "MaintenanceLine-2017-07-05-03-07-21.csv"} {
		b, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			return nil, err
		}
		members = append(members, member{Name: n, Data: b})
	}
	var buf bytes.Buffer
	if err := writeZip(&buf, time.Date(2017, 7, 7, 2, 27, 18, 0, time.UTC), members); err != nil {
		return nil, err
	}
	expect := `# The vendor's two sample rows (see vendor-csvs) in the ZIP FlexNet ships;
# the CSV stamps differ from the ZIP's, which is allowed.
# Written by go test ./generate -run TestFlexNetCorpus -update-flexnet-corpus.
# Each line: a file of this directory and a rule it must give; a file not listed gives no finding.
# StartDate "30:00.0" (a spreadsheet artefact) and the empty LineItemLink are warnings.
Entitlements-2017-07-07-02-27-18.zip fne.value
Entitlements-2017-07-07-02-27-18.zip fne.maintenance-link
`
	return []file{{name: "Entitlements-2017-07-07-02-27-18.zip", data: buf.Bytes()}, {name: "expect", data: []byte(expect)}}, nil
}

// TestFlexNetCorpus checks that testdata/flexnet holds what the generator
// writes today, or rewrites it with -update-flexnet-corpus. The verify
// package's corpus test checks each case's expectations.
func TestFlexNetCorpus(t *testing.T) {
	root := filepath.Join("..", "testdata", "flexnet")
	type dirFiles struct {
		dir   string
		files []file
	}
	var all []dirFiles
	for _, c := range flexNetCorpus() {
		files, err := flexNetCaseFiles(c)
		if err != nil {
			t.Fatalf("%s: %v", c.dir, err)
		}
		all = append(all, dirFiles{c.dir, files})
	}
	vendor, err := vendorZipFiles()
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, dirFiles{"vendor-zip", vendor})
	for _, d := range all {
		dir := filepath.Join(root, d.dir)
		if *updateFlexNetCorpus {
			if _, err := writeFiles(dir, true, d.files); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for _, f := range d.files {
			got, err := os.ReadFile(filepath.Join(dir, f.name))
			switch {
			case err != nil:
				t.Errorf("%s/%s: %v (run go test ./generate -run TestFlexNetCorpus -update-flexnet-corpus)", d.dir, f.name, err)
			case !bytes.Equal(got, f.data):
				t.Errorf("%s/%s is not what the generator writes: %d bytes, the generator writes %d (run go test ./generate -run TestFlexNetCorpus -update-flexnet-corpus)", d.dir, f.name, len(got), len(f.data))
			}
		}
	}
}
