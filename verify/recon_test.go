package verify_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"flag"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/report"
	"github.com/licaudit/licaudit/verify"
)

var updateRecon = flag.Bool("update-recon", false, "rewrite testdata/recon from the generator")

const reconDir = "../testdata/recon"

func reconCorpus() []corpusCase {
	base := generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", At: exportTime, Customers: 12, Seed: 11}
	with := func(defect string) generate.VOSSOptions { o := base; o.Defect = defect; return o }
	underscores := base
	underscores.Provider, underscores.Host, underscores.Defect = "Big_Telco", "voss_prod_2", "anon.known-identifier:host"
	return []corpusCase{
		{"perfect-pair", base, ""},
		{"count-changed", with("recon.count-mismatch"), "recon.count-mismatch"},
		{"customer-dropped", with("recon.customer-set"), "recon.customer-set"},
		{"count-column-renamed", with("recon.columns"), "recon.columns"},
		{"customer-name-in-cell", with("anon.known-identifier:customer-name"), "anon.known-identifier"},
		{"reseller-name-substring", with("anon.known-identifier:reseller-substring"), "anon.known-identifier"},
		{"host-name-with-underscores", underscores, "anon.known-identifier"},
		{"hierarchy-path-in-cell", with("anon.hierarchy-path:customer-path"), "anon.hierarchy-path"},
		{"relative-path-in-cell", with("anon.hierarchy-path:relative-path"), "anon.hierarchy-path"},
	}
}

// TestReconCorpus verifies each case of testdata/recon (the ZIP paired
// with the detailed CSV beside it) and checks that it gives exactly the
// rule of its expect.txt, or nothing.
func TestReconCorpus(t *testing.T) {
	if *updateRecon {
		writeCorpus(t, reconDir, reconCorpus())
	}
	for _, c := range reconCorpus() {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(reconDir, c.name)
			b, err := os.ReadFile(filepath.Join(dir, "expect.txt"))
			if err != nil {
				t.Fatalf("%v: run go test ./verify -run ReconCorpus -update-recon", err)
			}
			want := strings.Fields(string(b))
			results, fs := verifyDir(t, dir)
			if len(results) != 1 || results[0].Kind != "voss-license" {
				t.Fatalf("got %d results, want the ZIP paired with its detailed CSV", len(results))
			}
			var got []string
			for _, f := range fs {
				if !slices.Contains(got, f.Rule) {
					got = append(got, f.Rule)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Fatalf("rules %v, want exactly %v; findings:%s", got, want, describe(fs))
			}
		})
	}
}

// TestReconCorpusIsCurrent regenerates each case and compares it with the
// checked-in files.
func TestReconCorpusIsCurrent(t *testing.T) {
	checkCorpusCurrent(t, reconDir, reconCorpus(), "go test ./verify -run ReconCorpus -update-recon")
}

// TestEveryVOSSDefectVariantBreaksExactlyItsRule is the variants' side of
// TestEveryVOSSDefectBreaksExactlyItsRule, with the smallest export and a
// style of each release.
func TestEveryVOSSDefectVariantBreaksExactlyItsRule(t *testing.T) {
	for _, variant := range generate.VOSSDefectVariants() {
		rule, _, _ := strings.Cut(variant, ":")
		for _, o := range []generate.VOSSOptions{
			{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 1, Style: generate.StyleV19},
			{Provider: "Big_Telco", Host: "voss_prod_2", Customers: 0, Style: generate.StyleV5},
		} {
			o.Defect = variant
			t.Run(variant+"/"+o.Style, func(t *testing.T) {
				_, fs := verifyDir(t, writeVOSS(t, o))
				fired := false
				for _, f := range fs {
					if f.Rule != rule {
						t.Errorf("unrelated %s: %s", f.Rule, f.Message)
					}
					fired = true
				}
				if !fired {
					t.Errorf("%s did not fire", rule)
				}
			})
		}
	}
}

// TestCollectPairsEachMonth puts three months of exports in one directory,
// as a partner's media/data_export/license holds them: each ZIP is paired
// with its own month's detailed CSV, and a month whose counts were changed
// is told from the others.
func TestCollectPairsEachMonth(t *testing.T) {
	dir := t.TempDir()
	months := []time.Time{exportTime.AddDate(0, -2, 0), exportTime.AddDate(0, -1, 0), exportTime}
	for i, at := range months {
		o := generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", At: at, Customers: 5 + i, Seed: uint64(i)}
		if i == 1 {
			o.Defect = "recon.count-mismatch"
		}
		if _, err := generate.WriteVOSS(dir, o, false); err != nil {
			t.Fatal(err)
		}
	}
	inputs, err := verify.Collect([]string{dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 3 {
		t.Fatalf("got %d inputs, want three ZIPs each with its detailed CSV: %+v", len(inputs), inputs)
	}
	for i, in := range inputs {
		stamp := months[i].Format("2006-01-02_1504")
		if !strings.HasSuffix(in.Path, "_license_"+stamp+".zip") || !strings.HasSuffix(in.Detailed, "_detailed_"+stamp+".csv") {
			t.Errorf("input %d pairs %s with %q", i, filepath.Base(in.Path), filepath.Base(in.Detailed))
		}
	}
	results := verify.Run(inputs, verify.DefaultOptions())
	for i, r := range results {
		var rules []string
		for _, f := range r.Findings {
			rules = append(rules, f.Rule)
		}
		if want := i == 1; (len(rules) > 0) != want || want && !slices.Contains(rules, "recon.count-mismatch") {
			t.Errorf("month %d: rules %v", i, rules)
		}
		if r.Totals == nil || r.Totals.Detailed == nil || r.Totals.Anonymous == nil || r.Totals.Detailed.Customers != 5+i {
			t.Errorf("month %d: totals %+v", i, r.Totals)
		}
	}
}

// TestZipAloneIsCheckedAlone removes the detailed CSV: the ZIP verifies
// without reconciliation and without complaint, and its totals hold the
// anonymous side only.
func TestZipAloneIsCheckedAlone(t *testing.T) {
	dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 7})
	detailed, _ := filepath.Glob(filepath.Join(dir, "*_detailed_*.csv"))
	if len(detailed) != 1 {
		t.Fatalf("no detailed CSV written")
	}
	if err := os.Remove(detailed[0]); err != nil {
		t.Fatal(err)
	}
	results, fs := verifyDir(t, dir)
	if len(results) != 1 || len(fs) != 0 {
		t.Fatalf("got %d results and findings:%s", len(results), describe(fs))
	}
	tot := results[0].Totals
	if tot == nil || tot.Anonymous == nil || tot.Anonymous.Customers != 7 || tot.Detailed != nil {
		t.Errorf("totals %+v", tot)
	}
}

// TestDetailedOption pairs a ZIP with a detailed CSV given by --detailed
// (kept elsewhere, under another name) instead of the one beside it.
func TestDetailedOption(t *testing.T) {
	o := generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 9, Seed: 4}
	good := writeVOSS(t, o)
	o.Defect = "recon.count-mismatch" // the same export with one count changed in the ZIP
	changed := writeVOSS(t, o)
	zips, _ := filepath.Glob(filepath.Join(changed, "*.zip"))
	dets, _ := filepath.Glob(filepath.Join(good, "*_detailed_*.csv"))
	if len(zips) != 1 || len(dets) != 1 {
		t.Fatal("generator wrote unexpected files")
	}
	elsewhere := filepath.Join(t.TempDir(), "customers-november.csv")
	data, _ := os.ReadFile(dets[0])
	if err := os.WriteFile(elsewhere, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Given the whole directory, whose own detailed CSV matches the
	// changed ZIP, --detailed wins, so the changed count shows.
	inputs, err := verify.Collect([]string{changed}, elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	opts := verify.DefaultOptions()
	opts.Detailed = elsewhere
	var zipInputs []verify.Input
	for _, in := range inputs {
		if strings.HasSuffix(in.Path, ".zip") {
			zipInputs = append(zipInputs, in)
		}
	}
	if len(zipInputs) != 1 || zipInputs[0].Detailed != elsewhere {
		t.Fatalf("inputs %+v, want the ZIP paired with %s", inputs, elsewhere)
	}
	r := verify.Run(zipInputs, opts)[0]
	var rules []string
	for _, f := range r.Findings {
		rules = append(rules, f.Rule)
		if f.Rule == "recon.count-mismatch" && !strings.Contains(f.Message, "line") {
			t.Errorf("the mismatch does not say where: %s", f.Message)
		}
	}
	if !slices.Equal(rules, []string{"recon.count-mismatch"}) {
		t.Errorf("rules %v, want the changed count only", rules)
	}
}

// TestTotalsOfPairedBundles checks the per-bundle totals the table shows
// side by side: equal for a perfect pair, one customer apart when the
// anonymous CSV dropped one.
func TestTotalsOfPairedBundles(t *testing.T) {
	for _, c := range []struct {
		defect string
		less   int
	}{{"", 0}, {"recon.customer-set", 1}} {
		results, _ := verifyDir(t, writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 10, Seed: 2, Defect: c.defect}))
		tot := results[0].Totals
		if tot == nil || tot.Anonymous == nil || tot.Detailed == nil {
			t.Fatalf("%q: totals %+v", c.defect, tot)
		}
		if tot.Detailed.Customers != 10 || tot.Anonymous.Customers != 10-c.less {
			t.Errorf("%q: customers %d anonymous, %d detailed", c.defect, tot.Anonymous.Customers, tot.Detailed.Customers)
		}
		if len(tot.Columns) != 8 {
			t.Errorf("%q: columns %v", c.defect, tot.Columns)
		}
		differs := 0
		for _, col := range tot.Columns {
			if tot.Anonymous.Sums[col] != tot.Detailed.Sums[col] {
				differs++
			}
		}
		if (differs > 0) != (c.less > 0) {
			t.Errorf("%q: %d columns differ", c.defect, differs)
		}
		var buf bytes.Buffer
		r, _ := report.New("table", report.Options{})
		rep := &report.Report{Bundles: []report.Bundle{{Path: results[0].Path, Kind: string(results[0].Kind), Findings: results[0].Findings, Totals: tot}}, FailOn: finding.Error}
		rep.Finalize()
		if err := r.Render(&buf, rep); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "ANONYMOUS") || !strings.Contains(buf.String(), "DETAILED") || strings.Contains(buf.String(), "differs") != (c.less > 0) {
			t.Errorf("%q: the table's totals:\n%s", c.defect, buf.String())
		}
	}
}

// TestReportsRedactCustomerData renders the findings of leaky bundles in
// every report format: the customer names and PKIDs they quote appear
// only with ShowValues.
func TestReportsRedactCustomerData(t *testing.T) {
	leaky := []string{"recon.count-mismatch", "recon.customer-set", "anon.known-identifier:customer-name",
		"anon.hierarchy-path:customer-path", "anon.hierarchy-path:relative-path", "anon.known-identifier:reseller-substring"}
	// The variants that leave the first customer's name in a cell.
	leaksName := map[string]bool{"anon.known-identifier:customer-name": true, "anon.hierarchy-path:customer-path": true, "anon.hierarchy-path:relative-path": true}
	for _, show := range []bool{false, true} {
		rep := &report.Report{Tool: report.Tool{Name: "licaudit", Version: "test"}, Rules: verify.Rules(), FailOn: finding.Error}
		var names, pkids []string
		opts := verify.DefaultOptions()
		opts.ShowValues = show
		for _, defect := range leaky {
			dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 4, Seed: 5, Defect: defect})
			n, p := detailedNamesAndPKIDs(t, dir)
			pkids = append(pkids, p...)
			if leaksName[defect] {
				names = append(names, n[0])
			}
			for _, r := range verifyWith(t, dir, opts) {
				rep.Bundles = append(rep.Bundles, report.Bundle{Path: r.Path, Kind: string(r.Kind), SHA256: r.SHA256, Findings: r.Findings, Totals: r.Totals})
			}
		}
		rep.Finalize()
		for _, format := range report.Formats {
			r, err := report.New(format, report.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := r.Render(&buf, rep); err != nil {
				t.Fatal(err)
			}
			// The table wraps long messages: compare with white space
			// runs as one space.
			out := strings.Join(strings.Fields(buf.String()), " ")
			for _, name := range names {
				if strings.Contains(out, name) != show {
					t.Errorf("show=%v %s: customer name %q in the report = %v", show, format, name, !show)
				}
			}
			quoted := 0
			for _, pk := range pkids {
				if strings.Contains(out, pk) {
					quoted++
				}
			}
			if show != (quoted > 0) {
				t.Errorf("show=%v %s: %d PKIDs quoted in full", show, format, quoted)
			}
		}
	}
}

// detailedNamesAndPKIDs reads a generated export's detailed CSV: its
// customer names (the first row's first, the one the defect variants
// leak) and its Customer PKIDs.
func detailedNamesAndPKIDs(t *testing.T, dir string) (names, pkids []string) {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*_detailed_*.csv"))
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile(`(?m)^#.*\n`).ReplaceAll(data, nil)
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cust, pk := slices.Index(rows[0], "Customer"), slices.Index(rows[0], "Customer PKID")
	for _, row := range rows[1:] {
		names, pkids = append(names, row[cust]), append(pkids, row[pk])
	}
	return names, pkids
}

// TestReconNamesAnonymousOnlyPKIDs drops two customers from the detailed
// CSV: the finding lists the anonymous CSV's PKIDs that are not in it,
// by value and line. (Under the arenacheck build tag this also proves the
// list keeps copies, not cells of rows read long before.)
func TestReconNamesAnonymousOnlyPKIDs(t *testing.T) {
	dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 9, Seed: 3})
	paths, _ := filepath.Glob(filepath.Join(dir, "*_detailed_*.csv"))
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	_, pkids := detailedNamesAndPKIDs(t, dir)
	var kept []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		if !strings.Contains(l, pkids[2]) && !strings.Contains(l, pkids[6]) {
			kept = append(kept, l)
		}
	}
	if err := os.WriteFile(paths[0], []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := verify.DefaultOptions()
	opts.ShowValues = true
	var msg string
	for _, f := range verifyWith(t, dir, opts)[0].Findings {
		if f.Rule == "recon.customer-set" && f.Subject == "anonymous-only" {
			msg = f.Message
		}
	}
	for _, pk := range []string{pkids[2], pkids[6]} {
		if !strings.Contains(msg, strconv.Quote(pk)) {
			t.Errorf("the anonymous-only finding does not name %q: %q", pk, msg)
		}
	}
	if !strings.HasPrefix(msg, "2 Customer PKID(s)") {
		t.Errorf("message %q, want it to count 2", msg)
	}
}

// TestReconLargePair verifies pairs of more customers than the first point
// where the detailed CSV's names and customer table are sized ahead (see
// reserveAhead): a perfect pair gives nothing, and a changed count, a
// dropped customer and a customer name left in a cell give their rule.
func TestReconLargePair(t *testing.T) {
	for _, defect := range []string{"", "recon.count-mismatch", "recon.customer-set", "anon.known-identifier:customer-name"} {
		dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 9000, Seed: 8, Defect: defect})
		results, fs := verifyDir(t, dir)
		if len(results) != 1 {
			t.Fatalf("%q: %d results, want the pair", defect, len(results))
		}
		var got []string
		for _, f := range fs {
			if !slices.Contains(got, f.Rule) {
				got = append(got, f.Rule)
			}
		}
		var want []string
		if defect != "" {
			want = []string{strings.Split(defect, ":")[0]}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: rules %v, want %v; findings:%s", defect, got, want, describe(fs))
		}
	}
}

// TestReconEachAnonymousCSV adds a copy of the anonymous CSV at the top of
// the ZIP: it is reported as outside the export directory, and reconciled
// on its own, so its rows are not repeats of the first CSV's.
func TestReconEachAnonymousCSV(t *testing.T) {
	dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 5, Seed: 4})
	paths, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	zr, err := zip.OpenReader(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name, ".csv") {
			h := f.FileHeader
			h.Name = path.Base(f.Name)
			raw, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			w, err := zw.CreateRaw(&h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(w, raw); err != nil {
				t.Fatal(err)
			}
		}
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[0], out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, fs := verifyDir(t, dir)
	var got []string
	for _, f := range fs {
		if !slices.Contains(got, f.Rule) {
			got = append(got, f.Rule)
		}
	}
	if want := []string{"member.outside-directory"}; !slices.Equal(got, want) {
		t.Errorf("rules %v, want %v; findings:%s", got, want, describe(fs))
	}
}
