package verify_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/verify"
)

var exportTime = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

// writeVOSS generates a VOSS export into a fresh directory and returns it.
func writeVOSS(t *testing.T, o generate.VOSSOptions) string {
	t.Helper()
	dir := t.TempDir()
	if o.At.IsZero() {
		o.At = exportTime
	}
	if _, err := generate.WriteVOSS(dir, o, false); err != nil {
		t.Fatalf("generate: %v", err)
	}
	return dir
}

// verifyDir verifies every bundle of a directory and returns the findings.
func verifyDir(t *testing.T, dir string) ([]verify.Result, []finding.Finding) {
	t.Helper()
	results := verifyWith(t, dir, verify.DefaultOptions())
	var all []finding.Finding
	for _, r := range results {
		all = append(all, r.Findings...)
	}
	return results, all
}

// verifyWith verifies the inputs found at path, a file or a directory,
// with opts.
func verifyWith(t *testing.T, path string, opts verify.Options) []verify.Result {
	t.Helper()
	inputs, err := verify.Collect([]string{path}, "")
	if err != nil {
		t.Fatal(err)
	}
	return verify.Run(inputs, opts)
}

func describe(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  " + f.Rule + " " + f.File + ": " + f.Message)
	}
	return b.String()
}

func TestValidVOSSBundlesHaveNoFindings(t *testing.T) {
	cases := []struct {
		name string
		o    generate.VOSSOptions
	}{
		{"hyphens", generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 30}},
		{"underscores", generate.VOSSOptions{Provider: "Big_Telco", Host: "voss_prod_2", Customers: 12}},
		{"gnu hash", generate.VOSSOptions{Provider: "P", Host: "H", Customers: 3, HashForm: generate.HashGNU}},
		{"bare hash", generate.VOSSOptions{Provider: "P", Host: "H", Customers: 3, HashForm: generate.HashBare}},
		{"bsd hash", generate.VOSSOptions{Provider: "P", Host: "H", Customers: 3, HashForm: generate.HashBSD}},
		{"19.x metadata", generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 8, Style: generate.StyleV19}},
		{"21.x metadata", generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 8, Style: generate.StyleV21}},
		{"audit 5", generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 8, Style: generate.StyleV5}},
		{"patches and adaptations", generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 5, Patches: 3, Adaptations: 2}},
		{"no customers", generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			results, fs := verifyDir(t, writeVOSS(t, tc.o))
			if len(results) != 1 {
				t.Fatalf("got %d results, want the ZIP paired with its detailed CSV", len(results))
			}
			if len(fs) != 0 {
				t.Fatalf("valid bundle gave findings:%s", describe(fs))
			}
			if results[0].Kind != "voss-license" {
				t.Errorf("kind = %q", results[0].Kind)
			}
		})
	}
}

// TestEveryVOSSDefectBreaksExactlyItsRule generates each defect bundle and
// checks that its rule fires and no other rule does.
func TestEveryVOSSDefectBreaksExactlyItsRule(t *testing.T) {
	for _, rule := range generate.VOSSDefects() {
		t.Run(rule, func(t *testing.T) {
			if _, ok := verify.Rule(rule); !ok {
				t.Fatalf("defect for a rule the catalogue does not have")
			}
			_, fs := verifyDir(t, writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 6, Defect: rule}))
			var got []string
			fired := false
			for _, f := range fs {
				if f.Rule == rule {
					fired = true
				} else {
					got = append(got, f.Rule)
				}
			}
			if !fired {
				t.Fatalf("rule %s did not fire; findings:%s", rule, describe(fs))
			}
			if len(got) > 0 {
				sort.Strings(got)
				t.Fatalf("unrelated rules fired too: %v%s", got, describe(fs))
			}
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	o := generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 20, Seed: 7}
	a, b := writeVOSS(t, o), writeVOSS(t, o)
	entries, _ := os.ReadDir(a)
	if len(entries) != 2 {
		t.Fatalf("wrote %d files, want the ZIP and the detailed CSV", len(entries))
	}
	for _, e := range entries {
		x, _ := os.ReadFile(filepath.Join(a, e.Name()))
		y, err := os.ReadFile(filepath.Join(b, e.Name()))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between two runs with the same seed", e.Name())
		}
	}
}

// TestInputsByNameAndContent: an input is taken for a VOSS bundle or a
// FlexNet extract by its name, else by its content; a name off the
// grammar is a finding of its own, and what is neither is said to be so.
func TestInputsByNameAndContent(t *testing.T) {
	voss := referenceZip(t)
	fne, err := generate.WriteFlexNet(t.TempDir(), generate.DefaultFlexNetOptions(), false)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	copyTo := func(from, name string) string {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, b)
	}
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	w, _ := zw.Create("notes/readme.txt")
	io.WriteString(w, "not an export\n")
	zw.Close()
	otherZip := write("other.zip", other.Bytes())
	notes := write("notes.csv", []byte("a,b\n1,2\n"))
	cases := []struct {
		path, kind string
		want       []string // "rule: part of the message"
	}{
		{copyTo(voss, "renamed.zip"), "voss-license", []string{`name.pattern: the bundle name "renamed.zip" is off the grammar vlf_<provider>_<host>_license_<YYYY-MM-DD_HHMM>.zip`}},
		{copyTo(fne[0], "extract.zip"), "flexnet-entitlements", []string{`fne.name: the extract name "extract.zip" is off the grammar Entitlements-YYYY-MM-DD-HH-MM-SS.zip`}},
		{otherZip, "unknown", []string{`name.pattern: "other.zip" is neither a VOSS license bundle`}},
		{notes, "unknown", []string{`name.pattern: "notes.csv" is neither a VOSS detailed CSV`}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			results := verifyWith(t, c.path, verify.DefaultOptions())
			if len(results) != 1 {
				t.Fatalf("%d inputs found, want 1", len(results))
			}
			r := results[0]
			if string(r.Kind) != c.kind {
				t.Errorf("kind %q, want %q", r.Kind, c.kind)
			}
			checkFindings(t, r.Findings, c.want)
		})
	}
}
