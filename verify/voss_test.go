package verify_test

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/schema"
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
	inputs, err := verify.Collect([]string{dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	results := verify.Run(inputs, verify.DefaultOptions())
	var all []finding.Finding
	for _, r := range results {
		all = append(all, r.Findings...)
	}
	return results, all
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

// TestHashAlgorithms checks each member against a .hash of every algorithm
// the sidecars may use, in both the bare and the BSD form: the exporter's
// algorithm is not published, so a digest of the right content passes
// whichever it is (MD5 and SHA-1 with a warning), and a digest of other
// content is a mismatch.
func TestHashAlgorithms(t *testing.T) {
	algorithms := []struct {
		tag  string
		sum  func([]byte) []byte
		weak bool
	}{
		{"MD5", func(b []byte) []byte { s := md5.Sum(b); return s[:] }, true},
		{"SHA1", func(b []byte) []byte { s := sha1.Sum(b); return s[:] }, true},
		{"SHA256", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }, false},
		{"SHA512", func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }, false},
	}
	dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 4})
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("%d ZIPs generated", len(zips))
	}
	for _, alg := range algorithms {
		for _, bsd := range []bool{false, true} {
			for _, tampered := range []bool{false, true} {
				name := fmt.Sprintf("%s bsd=%v tampered=%v", alg.tag, bsd, tampered)
				t.Run(name, func(t *testing.T) {
					sidecar := func(member string, content []byte) []byte {
						if tampered && strings.HasSuffix(member, ".csv") {
							content = append([]byte("edited "), content...)
						}
						digest := hex.EncodeToString(alg.sum(content))
						if bsd {
							return []byte(fmt.Sprintf("%s (%s) = %s\n", alg.tag, path.Base(member), digest))
						}
						return []byte(digest + "\n")
					}
					out := filepath.Join(t.TempDir(), filepath.Base(zips[0]))
					rewriteHashes(t, zips[0], out, sidecar)
					_, fs := verifyDir(t, filepath.Dir(out))
					weak, mismatched := 0, 0
					for _, f := range fs {
						switch f.Rule {
						case "hash.weak-algorithm":
							weak++
						case "hash.mismatch":
							mismatched++
							if !strings.HasSuffix(f.File, ".csv") {
								t.Errorf("mismatch on %s, whose .hash is right", f.File)
							}
						default:
							t.Errorf("unexpected finding %s %s: %s", f.Rule, f.File, f.Message)
						}
					}
					if want := map[bool]int{true: 4}[alg.weak]; weak != want {
						t.Errorf("%d weak-algorithm findings, want %d:%s", weak, want, describe(fs))
					}
					if want := map[bool]int{true: 1}[tampered]; mismatched != want {
						t.Errorf("%d mismatches, want %d:%s", mismatched, want, describe(fs))
					}
				})
			}
		}
	}
}

// rewriteHashes copies the ZIP at from to to with each .hash member
// replaced by sidecar(its member's path, the member's content).
func rewriteHashes(t *testing.T, from, to string, sidecar func(member string, content []byte) []byte) {
	t.Helper()
	replaced := 0
	rewriteZip(t, from, to, func(name string, members map[string][]byte) []byte {
		if member, ok := strings.CutSuffix(name, ".hash"); ok {
			replaced++
			return sidecar(member, members[member])
		}
		return members[name]
	})
	if replaced != 4 {
		t.Fatalf("%d .hash members replaced, want 4", replaced)
	}
}

// rewriteZip copies the ZIP at from to to, each member's content being
// content(its name, every member's original content by name).
func rewriteZip(t *testing.T, from, to string, content func(name string, members map[string][]byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	members := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		members[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content(f.Name, members))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAnonymousMetadata edits the "#Key=Value" block of the anonymous CSV
// (its .hash made again to match) and checks what anon.metadata says.
func TestAnonymousMetadata(t *testing.T) {
	dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 3})
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("%d ZIPs generated", len(zips))
	}
	cases := []struct {
		name string
		edit func(meta string) string
		want string // in the one anon.metadata message; "" for none
	}{
		{"as written", func(m string) string { return m }, ""},
		{"a line without =", func(m string) string { return m + "#Exported by the nightly job\n" }, `the metadata line "#Exported by the nightly job" is not #Key=Value`},
		{"no date and time", func(m string) string {
			return strings.Replace(m, "#Date Time=2026-11-01 03:00", "#Date Time=yesterday", 1)
		}, "#Date Time=yesterday is not a date and time"},
		{"another day", func(m string) string {
			return strings.Replace(m, "#Date Time=2026-11-01 03:00", "#Date Time=2026-10-01 03:00", 1)
		}, "#Date Time=2026-10-01 03:00 is far from the names' timestamp 2026-11-01 03:00"},
		{"another host and provider", func(m string) string {
			return strings.Replace(m, "#hostname=VOSS-UN-1", "#hostname=VOSS-UN-2", 1)
		}, `#Provider Name=CS-P and #hostname=VOSS-UN-2 do not make the names' provider and host "CS-P_VOSS-UN-1"`},
		{"another host, no provider", func(m string) string {
			m = strings.Replace(m, "#Provider Name=CS-P\n", "", 1)
			return strings.Replace(m, "#hostname=VOSS-UN-1", "#hostname=VOSS-UN-2", 1)
		}, `#hostname=VOSS-UN-2 is not the host in the names ("CS-P_VOSS-UN-1")`},
		{"another provider, no host", func(m string) string {
			m = strings.Replace(m, "#hostname=VOSS-UN-1\n", "", 1)
			return strings.Replace(m, "#Provider Name=CS-P", "#Provider Name=CS-Q", 1)
		}, `#Provider Name=CS-Q is not the provider in the names ("CS-P_VOSS-UN-1")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), filepath.Base(zips[0]))
			rewriteZip(t, zips[0], out, func(name string, members map[string][]byte) []byte {
				anon := func(name string) bool { return strings.Contains(name, "_anonymous_") }
				if !anon(name) {
					return members[name]
				}
				csvName, _ := strings.CutSuffix(name, ".hash")
				csv := string(members[csvName])
				header := strings.Index(csv, "\nCustomer PKID,") + 1
				if header == 0 {
					t.Fatalf("no header line in %s", csvName)
				}
				edited := []byte(c.edit(csv[:header]) + csv[header:])
				if name == csvName {
					return edited
				}
				sum := sha256.Sum256(edited)
				return []byte(hex.EncodeToString(sum[:]) + "  " + path.Base(csvName) + "\n")
			})
			_, fs := verifyDir(t, filepath.Dir(out))
			var got []string
			for _, f := range fs {
				if f.Rule != "anon.metadata" {
					t.Errorf("unexpected finding %s %s: %s", f.Rule, f.File, f.Message)
					continue
				}
				got = append(got, f.Message)
			}
			switch {
			case c.want == "" && len(got) != 0:
				t.Errorf("findings %q, want none", got)
			case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
				t.Errorf("findings %q, want one saying %q", got, c.want)
			}
		})
	}
}

// TestLicenseJSONMeta edits the meta block of the license JSON (its .hash
// made again to match) and checks the findings each edit gives: the
// schema's where it speaks, the meta checks where it does not.
func TestLicenseJSONMeta(t *testing.T) {
	dir := writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 3})
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("%d ZIPs generated", len(zips))
	}
	const (
		datetime = `"datetime": "2026-11-01T03:00:00Z",`
		pipeline = `,
    "pipeline_type_name": "license_initial_audit"`
	)
	replace := func(old, new string) func(string) string {
		return func(doc string) string {
			if !strings.Contains(doc, old) {
				t.Fatalf("the license JSON has no %q", old)
			}
			return strings.Replace(doc, old, new, 1)
		}
	}
	exportID := func(doc string) string {
		i := strings.Index(doc, `"export_identifier": "`)
		if i < 0 {
			t.Fatal("the license JSON has no export_identifier")
		}
		end := i + len(`"export_identifier": "`) + 36 + 1
		return doc[i:end]
	}
	// A schema that requires nothing leaves every key to the meta checks,
	// as a --schema-dir override may.
	laxDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(laxDir, "license.schema.json"), []byte(`{"type": "object"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	lax, err := schema.Load(laxDir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(string) string
		want []string // "rule: part of the message", in report order
		lax  bool     // under the schema that requires nothing
	}{
		{"as written", func(d string) string { return d }, nil, false},
		{"as written, lax schema", func(d string) string { return d }, nil, true},
		{"a byte-order mark", func(d string) string { return "\ufeff" + d }, []string{"json.syntax: starts with a UTF-8 byte-order mark"}, false},
		{"no datetime", replace(datetime, ""), []string{"json.schema: lacks the required key \"datetime\" at /meta"}, false},
		{"a number for datetime", replace(datetime, `"datetime": 20261101,`), []string{"json.schema: the license JSON at /meta/datetime"}, false},
		{"no pipeline type", replace(pipeline, ""), []string{"json.schema: lacks the required key \"pipeline_type_name\" at /meta"}, false},
		{"the nil UUID", func(d string) string {
			return strings.Replace(d, exportID(d), `"export_identifier": "00000000-0000-0000-0000-000000000000"`, 1)
		}, []string{"meta.export-identifier: meta.export_identifier is the nil UUID"}, false},
		{"no export identifier", func(d string) string { return strings.Replace(d, exportID(d)+",", "", 1) },
			[]string{"json.schema: lacks the required key \"export_identifier\" at /meta"}, false},
		{"no datetime, lax schema", replace(datetime, ""), []string{"meta.datetime: the license JSON has no meta.datetime"}, true},
		{"a number for datetime, lax schema", replace(datetime, `"datetime": 20261101,`), []string{"meta.datetime: meta.datetime is not a string"}, true},
		{"no export identifier, lax schema", func(d string) string { return strings.Replace(d, exportID(d)+",", "", 1) },
			[]string{"meta.export-identifier: the license JSON has no meta.export_identifier"}, true},
		{"a number for export identifier, lax schema", func(d string) string {
			return strings.Replace(d, exportID(d), `"export_identifier": 42`, 1)
		}, []string{"meta.export-identifier: meta.export_identifier is not a string"}, true},
		{"no pipeline type, lax schema", replace(pipeline, ""), []string{"meta.pipeline-type: meta.pipeline_type_name is missing"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), filepath.Base(zips[0]))
			rewriteZip(t, zips[0], out, func(name string, members map[string][]byte) []byte {
				if !strings.Contains(name, "_license_") {
					return members[name]
				}
				jsonName, _ := strings.CutSuffix(name, ".hash")
				edited := []byte(c.edit(string(members[jsonName])))
				if name == jsonName {
					return edited
				}
				sum := sha256.Sum256(edited)
				return []byte(hex.EncodeToString(sum[:]) + "  " + path.Base(jsonName) + "\n")
			})
			opts := verify.DefaultOptions()
			if c.lax {
				opts.Schemas = lax
			}
			inputs, err := verify.Collect([]string{out}, "")
			if err != nil {
				t.Fatal(err)
			}
			fs := verify.Run(inputs, opts)[0].Findings
			if len(fs) != len(c.want) {
				t.Fatalf("%d findings, want %d %q:%s", len(fs), len(c.want), c.want, describe(fs))
			}
			for i, f := range fs {
				rule, part, _ := strings.Cut(c.want[i], ": ")
				if f.Rule != rule || !strings.Contains(f.Message, part) {
					t.Errorf("finding %d: %s %q, want %s saying %q", i, f.Rule, f.Message, rule, part)

				}
			}
		})
	}
}

// TestInputsByNameAndContent: an input is taken for a VOSS bundle or a
// FlexNet extract by its name, else by its content; a name off the
// grammar is a finding of its own, and what is neither is said to be so.
func TestInputsByNameAndContent(t *testing.T) {
	voss, _ := filepath.Glob(filepath.Join(writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 3}), "*.zip"))
	fne, err := generate.WriteFlexNet(t.TempDir(), generate.DefaultFlexNetOptions(), false)
	if err != nil || len(voss) != 1 {
		t.Fatalf("generate: %v, %d VOSS ZIPs", err, len(voss))
	}
	var fneZip string
	for _, p := range fne {
		if strings.HasSuffix(p, ".zip") {
			fneZip = p
		}
	}
	dir := t.TempDir()
	copyTo := func(from, name string) string {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, name)
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return to
	}
	var other bytes.Buffer
	zw := zip.NewWriter(&other)
	w, _ := zw.Create("notes/readme.txt")
	io.WriteString(w, "not an export\n")
	zw.Close()
	otherZip := filepath.Join(dir, "other.zip")
	if err := os.WriteFile(otherZip, other.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.csv")
	if err := os.WriteFile(notes, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, kind string
		want       []string // "rule: part of the message"
	}{
		{copyTo(voss[0], "renamed.zip"), "voss-license", []string{`name.pattern: the bundle name "renamed.zip" is off the grammar vlf_<provider>_<host>_license_<YYYY-MM-DD_HHMM>.zip`}},
		{copyTo(fneZip, "extract.zip"), "flexnet-entitlements", []string{`fne.name: the extract name "extract.zip" is off the grammar Entitlements-YYYY-MM-DD-HH-MM-SS.zip`}},
		{otherZip, "unknown", []string{`name.pattern: "other.zip" is neither a VOSS license bundle`}},
		{notes, "unknown", []string{`name.pattern: "notes.csv" is neither a VOSS detailed CSV`}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			inputs, err := verify.Collect([]string{c.path}, "")
			if err != nil || len(inputs) != 1 {
				t.Fatalf("collect: %v, %d inputs", err, len(inputs))
			}
			r := verify.Run(inputs, verify.DefaultOptions())[0]
			if string(r.Kind) != c.kind {
				t.Errorf("kind %q, want %q", r.Kind, c.kind)
			}
			if len(r.Findings) != len(c.want) {
				t.Fatalf("%d findings, want %d %q:%s", len(r.Findings), len(c.want), c.want, describe(r.Findings))
			}
			for i, f := range r.Findings {
				rule, part, _ := strings.Cut(c.want[i], ": ")
				if f.Rule != rule || !strings.Contains(f.Message, part) {
					t.Errorf("finding %d: %s %q, want %s saying %q", i, f.Rule, f.Message, rule, part)
				}
			}
		})
	}
}
