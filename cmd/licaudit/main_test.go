package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// licaudit runs the command line in-process and returns its exit status and
// outputs.
func licaudit(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"licaudit"}, args...), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// reference writes a valid VOSS export (ZIP and detailed CSV) into a temp
// directory.
func reference(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"generate", "voss", "--customers", "5", "--out", dir}, extra...)
	if code, _, errOut := licaudit(t, args...); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	return dir
}

func TestVerifyReferenceBundlePasses(t *testing.T) {
	dir := reference(t)
	code, out, errOut := licaudit(t, "verify", dir)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip") {
		t.Errorf("table does not name the bundle:\n%s", out)
	}
}

func TestExitStatus(t *testing.T) {
	broken := reference(t, "--defect", "hash.mismatch")
	warnOnly := reference(t, "--defect", "member.unexpected")
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"error finding", []string{"verify", broken}, exitFindings},
		{"fail-on never", []string{"verify", "--fail-on", "never", broken}, exitOK},
		{"warning below default threshold", []string{"verify", warnOnly}, exitOK},
		{"warning at fail-on warning", []string{"verify", "--fail-on", "warning", warnOnly}, exitFindings},
		{"flags after the path", []string{"verify", warnOnly, "--fail-on", "warning", "--quiet"}, exitFindings},
		{"missing path", []string{"verify", filepath.Join(broken, "nope.zip")}, exitUsage},
		{"no path", []string{"verify"}, exitUsage},
		{"bad fail-on", []string{"verify", "--fail-on", "sometimes", broken}, exitUsage},
		{"unknown format", []string{"verify", "--format", "yaml", broken}, exitUsage},
		{"two formats on stdout", []string{"verify", "--format", "json", "--format", "sarif", broken}, exitUsage},
		{"unwritable output", []string{"verify", "--output", filepath.Join(broken, "no", "such", "dir", "r.json"), broken}, exitUsage},
		{"unknown flag", []string{"verify", "--colour", broken}, exitUsage},
		{"unknown defect", []string{"generate", "voss", "--defect", "no.such-rule", "--out", t.TempDir()}, exitUsage},
		{"unknown schema", []string{"schema", "nope"}, exitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := licaudit(t, tc.args...)
			if code != tc.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, out, errOut)
			}
			if tc.want == exitUsage && strings.TrimSpace(errOut) == "" {
				t.Errorf("usage error without a message")
			}
		})
	}
}

func TestSeveralFormatsInOneRun(t *testing.T) {
	dir := reference(t, "--defect", "anon.metadata")
	out := t.TempDir()
	jsonPath, sarifPath, junitPath := filepath.Join(out, "r.json"), filepath.Join(out, "r.sarif"), filepath.Join(out, "r.xml")
	code, table, errOut := licaudit(t, "verify", "--format", "table", "--format", "json="+jsonPath,
		"--format", "sarif="+sarifPath, "--format", "junit="+junitPath, dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(table, "anon.metadata") {
		t.Errorf("table lacks the finding:\n%s", table)
	}
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	validateReport(t, raw)
	var rep struct {
		Provenance struct{ RulesSHA256, SchemasSHA256 string } `json:"provenance"`
		Bundles    []struct {
			SHA256   string `json:"sha256"`
			Findings []struct{ Rule string }
		} `json:"bundles"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Bundles) != 1 || len(rep.Bundles[0].SHA256) != 64 || rep.Bundles[0].Findings[0].Rule != "anon.metadata" {
		t.Errorf("unexpected JSON report: %s", raw)
	}
	for _, p := range []string{sarifPath, junitPath} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s not written", p)
		}
	}
}

func TestGenerateNeverOverwritesWithoutForce(t *testing.T) {
	dir := reference(t)
	zipPath := filepath.Join(dir, "vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip")
	before, _ := os.ReadFile(zipPath)
	code, _, errOut := licaudit(t, "generate", "voss", "--customers", "9", "--out", dir)
	if code != exitUsage || !strings.Contains(errOut, "--force") {
		t.Fatalf("exit %d, stderr %q: want a refusal naming --force", code, errOut)
	}
	after, _ := os.ReadFile(zipPath)
	if !bytes.Equal(before, after) {
		t.Fatal("the existing bundle was changed")
	}
	if code, _, errOut := licaudit(t, "generate", "voss", "--customers", "9", "--out", dir, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	after, _ = os.ReadFile(zipPath)
	if bytes.Equal(before, after) {
		t.Fatal("--force did not replace the bundle")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left behind: %v", leftovers)
	}
}

func TestFlexNetReferencePasses(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := licaudit(t, "generate", "flexnet", "--entitlements", "4", "--tiers", "3", "--out", dir); code != 0 {
		t.Fatalf("generate flexnet: exit %d: %s", code, errOut)
	}
	if code, out, _ := licaudit(t, "verify", "--format", "json", dir); code != exitOK || !strings.Contains(out, `"flexnet-entitlements"`) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestSchemaCommand(t *testing.T) {
	code, out, _ := licaudit(t, "schema")
	if code != 0 || !strings.Contains(out, "license") || !strings.Contains(out, "report") {
		t.Fatalf("schema list: %d %q", code, out)
	}
	code, out, _ = licaudit(t, "schema", "license")
	if code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, "export_identifier") {
		t.Fatalf("schema license: %d %q", code, out)
	}
}

// A directory named like urfave/cli's help command is still a path.
func TestPathNamedHelp(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "h")
	if err := os.Rename(reference(t), dir); err != nil {
		t.Fatal(err)
	}
	old, _ := os.Getwd()
	if err := os.Chdir(parent); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	code, out, _ := licaudit(t, "verify", "--format", "json", "h")
	if code != exitOK || !strings.Contains(out, `"voss-license"`) {
		t.Fatalf("verify h: exit %d:\n%s", code, out)
	}
}

func TestFlagsFirst(t *testing.T) {
	app := newApp()
	got := strings.Join(flagsFirst(app, []string{"licaudit", "verify", "a.zip", "--format", "json", "--quiet", "b/", "--jobs=2", "--", "-odd.zip"}), " ")
	want := "licaudit verify --format json --quiet --jobs=2 a.zip b/ -- -odd.zip"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestSchemaDir: --schema-dir and the configuration's schema_dir replace
// the built-in license schema, the flag before the configuration, and a
// directory that cannot be used is a usage error before any bundle is read.
func TestSchemaDir(t *testing.T) {
	bundles := reference(t)
	schemaDir := func(license string) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "license.schema.json"), []byte(license), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	strict := schemaDir(`{"type": "object", "required": ["vendor_signature"]}`)
	lax := schemaDir(`{}`)
	broken := schemaDir(`{"type": `)
	cfg := filepath.Join(t.TempDir(), ".licaudit.yaml")
	if err := os.WriteFile(cfg, []byte("schema_dir: "+strict+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		args       []string
		want       int
		wantStderr string // part of the message of a usage error
	}{
		{"built-in schemas", []string{bundles}, exitOK, ""},
		{"strict override", []string{"--schema-dir", strict, bundles}, exitFindings, ""},
		{"lax override", []string{"--schema-dir", lax, bundles}, exitOK, ""},
		{"configuration", []string{"--config", cfg, bundles}, exitFindings, ""},
		{"flag before configuration", []string{"--config", cfg, "--schema-dir", lax, bundles}, exitOK, ""},
		{"missing directory", []string{"--schema-dir", filepath.Join(lax, "nope"), bundles}, exitUsage, "nope"},
		{"broken schema", []string{"--schema-dir", broken, bundles}, exitUsage, "license.schema.json"},
		{"schema error before a missing input", []string{"--schema-dir", broken, filepath.Join(lax, "nope.zip")}, exitUsage, "license.schema.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := licaudit(t, append([]string{"verify", "--quiet", "--format", "json"}, tc.args...)...)
			if code != tc.want {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.want, errOut)
			}
			if tc.want == exitUsage {
				if !strings.Contains(errOut, tc.wantStderr) {
					t.Errorf("stderr %q does not name %q", errOut, tc.wantStderr)
				}
				return
			}
			hasSchemaFinding := strings.Contains(out, `"rule": "json.schema"`)
			if hasSchemaFinding != (tc.want == exitFindings) {
				t.Errorf("json.schema finding: %v, want %v\n%s", hasSchemaFinding, tc.want == exitFindings, out)
			}
		})
	}
}

// TestReportNeverReplacesAnInput: a report path that is a file being
// verified (by the same path, another spelling of it, or a hard link), or
// the --detailed CSV even where no VOSS bundle reads it, is refused before
// anything is verified, and the file stays as it was. A new path beside
// the bundle is written.
func TestReportNeverReplacesAnInput(t *testing.T) {
	dir := reference(t)
	zips, _ := filepath.Glob(filepath.Join(dir, "*_license_*.zip"))
	csvs, _ := filepath.Glob(filepath.Join(dir, "*_detailed_*.csv"))
	if len(zips) != 1 || len(csvs) != 1 {
		t.Fatalf("reference wrote %v and %v", zips, csvs)
	}
	zip, csv := zips[0], csvs[0]
	link := filepath.Join(t.TempDir(), "link.json")
	if err := os.Link(zip, link); err != nil {
		t.Fatal(err)
	}
	extract := t.TempDir()
	if code, _, errOut := licaudit(t, "generate", "flexnet", "--entitlements", "2", "--out", extract); code != 0 {
		t.Fatalf("generate flexnet: exit %d: %s", code, errOut)
	}
	before := map[string][]byte{}
	for _, p := range []string{zip, csv} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		before[p] = b
	}
	for _, args := range [][]string{
		{"verify", "--format", "json", "--output", zip, zip},
		{"verify", "--format", "sarif=" + filepath.Join(dir, ".", filepath.Base(csv)), dir},
		{"verify", "--format", "json=" + link, "--format", "table", dir},
		{"verify", "--detailed", csv, "--output", csv, zip},
		// No VOSS bundle reads it, but it is a file the command was given.
		{"verify", "--detailed", csv, "--output", csv, extract},
	} {
		code, out, errOut := licaudit(t, args...)
		if code != exitUsage || !strings.Contains(errOut, "a file being verified") || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d refusing the path, before any report", args, code, out, errOut, exitUsage)
		}
		for p, b := range before {
			if now, err := os.ReadFile(p); err != nil || !bytes.Equal(now, b) {
				t.Fatalf("%q changed %s", args, p)
			}
		}
	}
	report := filepath.Join(dir, "report.json")
	if code, _, errOut := licaudit(t, "verify", "--format", "json", "--output", report, dir); code != exitOK {
		t.Fatalf("a new report path beside the bundle: exit %d: %s", code, errOut)
	}
	if raw, err := os.ReadFile(report); err != nil {
		t.Fatal(err)
	} else {
		validateReport(t, raw)
	}
}

// TestReportsApart: two reports to one file, however the path is spelled or
// linked, are refused before anything is verified, since the second would
// replace the first; a device takes several.
func TestReportsApart(t *testing.T) {
	dir := reference(t)
	out := t.TempDir()
	report := filepath.Join(out, "r.out")
	if err := os.WriteFile(report, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(out, "link.out")
	if err := os.Symlink(report, link); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--format", "json=" + report, "--format", "sarif=" + report},
		{"--format", "json=" + report, "--output", filepath.Join(out, ".", "r.out"), "--format", "sarif"},
		{"--format", "json=" + report, "--format", "junit=" + link},
		{"--format", "json=" + filepath.Join(out, "new.out"), "--format", "markdown=" + filepath.Join(out, "new.out")},
	} {
		code, stdout, errOut := licaudit(t, append(append([]string{"verify"}, args...), dir)...)
		if code != exitUsage || !strings.Contains(errOut, "would both be written to") || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d refusing the second report", args, code, stdout, errOut, exitUsage)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "new.out")); err == nil {
		t.Error("a refused command wrote a report")
	}
	if code, _, errOut := licaudit(t, "verify", "--format", "json="+os.DevNull, "--format", "sarif="+os.DevNull, dir); code != exitOK {
		t.Errorf("two reports to %s: exit %d: %s", os.DevNull, code, errOut)
	}
}

// TestEveryReportAttempted: a report that cannot be written fails the
// command (exit 2) but does not keep the reports after it from being written.
func TestEveryReportAttempted(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	dir := reference(t)
	sarif := filepath.Join(t.TempDir(), "r.sarif")
	code, _, errOut := licaudit(t, "verify", "--format", "json=/dev/full", "--format", "sarif="+sarif, dir)
	if code != exitUsage || !strings.Contains(errOut, "/dev/full") {
		t.Errorf("exit %d, stderr %q; want exit %d naming /dev/full", code, errOut, exitUsage)
	}
	raw, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatalf("the SARIF report after the failed one was not written: %v", err)
	}
	if !json.Valid(raw) {
		t.Error("the SARIF report is not JSON")
	}
}
