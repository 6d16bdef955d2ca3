package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
)

var update = flag.Bool("update", false, "rewrite report/testdata/*.golden from the current renderers")

// Paths of the fixture's bundles, named so tests can pick one out.
const (
	passingPath  = "in/vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip"
	failingPath  = "incoming/partners/Contoso Holdings International/2026/november/vlf_CS-P_VOSS-UN-1-CONTOSO-PRODUCTION-CLUSTER_license_2026-11-01_0300.zip"
	detailedPath = "in/vlf_CS-P_VOSS-UN-1_detailed_2026-11-01_0300.csv"
	brokenPath   = "in/truncated.zip"
	// besideCSV is the detailed CSV reconciled beside failingPath.
	besideCSV  = "vlf_CS-P_VOSS-UN-1-CONTOSO-PRODUCTION-CLUSTER_detailed_2026-11-01_0300.csv"
	besidePath = "incoming/partners/Contoso Holdings International/2026/november/" + besideCSV

	memberDir = "2026-11-01_0300_license/"
	anonCSV   = memberDir + "vlf_CS-P_VOSS-UN-1-CONTOSO-PRODUCTION-CLUSTER_anonymous_2026-11-01_0300.csv"
	licJSON   = memberDir + "vlf_CS-P_VOSS-UN-1-CONTOSO-PRODUCTION-CLUSTER_license_2026-11-01_0300.json"
	// hostileMember carries an ESC sequence, as a crafted ZIP may: the
	// renderers for people must not pass it to the terminal.
	hostileMember = memberDir + "\x1b[31mred.txt"

	pipeMessage = `cell starts with "=": =HYPERLINK("http://x.test"|"click") would run as a formula`
	longMessage = "Customer PKID 7f3c9a is counted 12 in the anonymous CSV but 14 in the detailed CSV " +
		"(column Number of Subscribers with Voicemail, difference 2); re-export both files from the same " +
		"snapshot so that the counts agree"
)

// fixtureRules is a slice of the catalogue: the rules the fixture's
// findings use, plus two without findings (they become passing JUnit test
// cases and SARIF rules without results).
func fixtureRules() []finding.Rule {
	return []finding.Rule{
		{ID: "zip.unreadable", Severity: finding.Error, Summary: "not a ZIP, truncated, broken central directory", Hint: "send the file again; check the transfer did not truncate it"},
		{ID: "zip.symlink", Severity: finding.Error, Summary: "a symbolic-link entry", Hint: "zip regular files only (zip without --symlinks)"},
		{ID: "member.unexpected", Severity: finding.Warning, Summary: "a member the layout does not know", Hint: "remove files that are not part of the export"},
		{ID: "hash.mismatch", Severity: finding.Error, Summary: "the digest does not match the content", Hint: "regenerate the .hash after the last change to the file"},
		{ID: "json.schema", Severity: finding.Error, Summary: "a JSON Schema violation", Hint: "fix the value at the reported JSON pointer"},
		{ID: "csv.encoding", Severity: finding.Error, Summary: "invalid UTF-8 or a NUL byte (a BOM is info)", Hint: "write the CSV as UTF-8 without BOM"},
		{ID: "csv.ragged-row", Severity: finding.Error, Summary: "a row with a different field count than the header", Hint: "quote cells that contain the delimiter"},
		{ID: "csv.formula-injection", Severity: finding.Warning, Summary: "a cell starting =, +, -, @, tab or CR that is not a number", Hint: "prefix such cells with a single quote or drop them"},
		{ID: "anon.identifying-column", Severity: finding.Error, Summary: "a Provider / Reseller / Customer column", Hint: "drop identifying columns from the anonymous CSV"},
		{ID: "anon.metadata", Severity: finding.Warning, Summary: "#Key=Value block disagrees with the names or is malformed", Hint: "write the metadata block from the same values as the file names"},
		{ID: "recon.count-mismatch", Severity: finding.Error, Summary: "a count differs for one customer", Hint: "export the detailed and anonymous CSV from the same snapshot"},
	}
}

// fixture is the report every golden file renders: a passing bundle with
// totals that agree, an info finding and a waived one; a failing bundle on
// a long path with errors, warnings and info on members with lines and
// locations, a message with a pipe, a hostile member name, a finding on
// the detailed CSV reconciled beside it and totals that differ; a detailed
// CSV with a finding on a line of the bundle itself; and an unreadable
// bundle without digest.
func fixture() *Report {
	fp := func(bundle string, f finding.Finding) finding.Finding {
		f.Fingerprint = finding.Fingerprint(baseName(bundle), f)
		return f
	}
	r := &Report{
		Tool: Tool{Name: "licaudit", Version: "1.4.0"},
		Provenance: &Provenance{
			RulesSHA256:   strings.Repeat("ab", 32),
			SchemasSHA256: strings.Repeat("cd", 32),
			FailOn:        "error",
		},
		Rules:  fixtureRules(),
		FailOn: finding.Error,
		Bundles: []Bundle{
			{
				Path: passingPath, Kind: "voss-license",
				SHA256: "3f1d0c5e9a7b2468ace0f13579bdf02468ace13579bdf02468ace13579bdf024",
				Findings: []finding.Finding{
					fp(passingPath, finding.Finding{Rule: "csv.encoding", Severity: finding.Info,
						File: memberDir + "vlf_CS-P_VOSS-UN-1_anonymous_2026-11-01_0300.csv", Line: 1,
						Message: "the file starts with a UTF-8 byte order mark", Subject: "bom"}),
					fp(passingPath, finding.Finding{Rule: "anon.metadata", Severity: finding.Warning,
						File: memberDir + "vlf_CS-P_VOSS-UN-1_anonymous_2026-11-01_0300.csv", Line: 3, Location: "#Hostname",
						Message: "hostname VOSS-UN-01 differs from VOSS-UN-1 in the file name", Subject: "Hostname",
						Waived: "host renamed on 2026-10-12, ticket LIC-42"}),
				},
				Totals: &finding.Totals{
					Columns:   []string{"Subscribers", "Voicemail"},
					Anonymous: &finding.CSVTotals{Customers: 3, Sums: map[string]int64{"Subscribers": 120, "Voicemail": 45}},
					Detailed:  &finding.CSVTotals{Customers: 3, Sums: map[string]int64{"Subscribers": 120, "Voicemail": 45}},
				},
			},
			{
				Path: failingPath, Detailed: besidePath, Kind: "voss-license",
				SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				Findings: []finding.Finding{
					// Deliberately unsorted: Finalize orders them.
					fp(failingPath, finding.Finding{Rule: "recon.count-mismatch", Severity: finding.Error,
						File: anonCSV, Line: 12, Location: "Number of Subscribers with Voicemail",
						Message: longMessage, Subject: "7f3c9a/Number of Subscribers with Voicemail"}),
					fp(failingPath, finding.Finding{Rule: "hash.mismatch", Severity: finding.Error,
						File: anonCSV, Message: "SHA-256 of the content is 9b74c9897bac770ffc029102a200c5de, the .hash says e3b0c44298fc1c149afbf4c8996fb924"}),
					fp(failingPath, finding.Finding{Rule: "csv.formula-injection", Severity: finding.Warning,
						File: anonCSV, Line: 17, Location: "Notes", Message: pipeMessage, Subject: "17/Notes"}),
					fp(failingPath, finding.Finding{Rule: "anon.identifying-column", Severity: finding.Error,
						File: anonCSV, Line: 1, Location: "Customer Name", Message: `column "Customer Name" identifies customers`, Subject: "Customer Name"}),
					fp(failingPath, finding.Finding{Rule: "anon.identifying-column", Severity: finding.Error,
						File: anonCSV, Line: 1, Location: "Reseller", Message: `column "Reseller" identifies resellers`, Subject: "Reseller"}),
					fp(failingPath, finding.Finding{Rule: "json.schema", Severity: finding.Error,
						File: licJSON, Location: "/meta/export_identifier", Message: "missing property export_identifier", Subject: "/meta/export_identifier"}),
					fp(failingPath, finding.Finding{Rule: "member.unexpected", Severity: finding.Warning,
						File: hostileMember, Message: "a member the VOSS layout does not know", Subject: hostileMember}),
					fp(failingPath, finding.Finding{Rule: "csv.encoding", Severity: finding.Info,
						File: anonCSV, Line: 1, Message: "the file starts with a UTF-8 byte order mark", Subject: "bom"}),
					fp(failingPath, finding.Finding{Rule: "csv.ragged-row", Severity: finding.Error,
						File: besideCSV, Beside: true, Line: 9, Message: "row has 9 fields, the header 10", Subject: "9"}),
				},
				Totals: &finding.Totals{
					Columns:   []string{"Subscribers", "Number of Subscribers with Voicemail"},
					Anonymous: &finding.CSVTotals{Customers: 4, Sums: map[string]int64{"Subscribers": 310, "Number of Subscribers with Voicemail": 98}},
					Detailed:  &finding.CSVTotals{Customers: 4, Sums: map[string]int64{"Subscribers": 310, "Number of Subscribers with Voicemail": 100, "Fax Lines": 7}},
				},
			},
			{
				Path: detailedPath, Kind: "voss-detailed",
				SHA256: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
				Findings: []finding.Finding{
					fp(detailedPath, finding.Finding{Rule: "csv.ragged-row", Severity: finding.Error, Line: 5,
						Message: "row has 7 fields, the header 8", Subject: "5"}),
				},
			},
			{
				Path: brokenPath, Kind: "unknown",
				Findings: []finding.Finding{
					fp(brokenPath, finding.Finding{Rule: "zip.unreadable", Severity: finding.Error,
						Message: "zip: not a valid zip file (no end of central directory)"}),
				},
			},
		},
	}
	r.Finalize()
	return r
}

// render renders the fixture (or r) in a format and fails the test on error.
func render(t testing.TB, format string, opts Options, r *Report) []byte {
	t.Helper()
	if r == nil {
		r = fixture()
	}
	rd, err := New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rd.Render(&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/<name>.golden, or rewrites the file
// under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs from the golden file at line %d:\n got: %q\nwant: %q\n(run go test ./report -update if the change is intended)", path, i+1, gl, wl)
		}
	}
	t.Fatalf("%s differs from the golden file", path)
}

// manyBundles is a report of n bundles made of the fixture's, each under a
// path of its own: the size of a month's intake, where a renderer's cost
// per bundle shows.
func manyBundles(n int) *Report {
	base := fixture()
	r := *base
	r.Bundles = make([]Bundle, 0, n)
	for i := range n {
		b := base.Bundles[i%len(base.Bundles)]
		b.Path = fmt.Sprintf("in/%04d/%s", i, baseName(b.Path))
		r.Bundles = append(r.Bundles, b)
	}
	r.Finalize()
	return &r
}
