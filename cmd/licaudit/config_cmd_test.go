package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/licaudit/licaudit/config"
	"github.com/licaudit/licaudit/schema"
)

func TestConfigInit(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "licaudit.yaml")
	if code, out, errOut := licaudit(t, "config", "init", target); code != exitOK || !strings.Contains(out, "wrote "+target) {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	got, err := os.ReadFile(target)
	if err != nil || string(got) != config.Starter {
		t.Fatalf("written file differs from the starter (%v)", err)
	}
	if _, err := config.Load(target); err != nil {
		t.Fatalf("the written starter does not load: %v", err)
	}

	// Never overwrite without --force.
	if err := os.WriteFile(target, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := licaudit(t, "config", "init", target)
	if code != exitUsage || !strings.Contains(errOut, "exists; use config init --force") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got, _ := os.ReadFile(target); string(got) != "version: 1\n" {
		t.Fatal("config init overwrote a file without --force")
	}
	if code, _, errOut := licaudit(t, "config", "init", "--force", target); code != exitOK {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if got, _ := os.ReadFile(target); string(got) != config.Starter {
		t.Fatal("--force did not overwrite")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestConfigInitTargets(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := licaudit(t, "config", "init", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, config.DefaultFile)); err != nil {
		t.Errorf("a directory PATH did not get %s: %v", config.DefaultFile, err)
	}
	code, out, _ := licaudit(t, "config", "init", "-")
	if code != exitOK || out != config.Starter {
		t.Errorf("config init - printed %q (exit %d)", out, code)
	}
	t.Chdir(t.TempDir())
	if code, _, errOut := licaudit(t, "config", "init"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(config.DefaultFile); err != nil {
		t.Errorf("no %s in the working directory: %v", config.DefaultFile, err)
	}
	for _, args := range [][]string{
		{"config", "init", filepath.Join("no", "such", "dir", "x.yaml")},
		{"config", "init", "a.yaml", "b.yaml"},
	} {
		if code, _, errOut := licaudit(t, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	write(t, good, "rules:\n  ignore: [csv.bom]\nwaivers:\n  - rule: csv.bom\n    reason: old\n    expires: 2020-01-01\nforms:\n  hash_form: gnu\n  datetime: any\n  flexnet_dates: iso8601\n")
	write(t, bad, "rules:\n  severty: {}\n")

	code, out, errOut := licaudit(t, "config", "check", good)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{good + ": valid", "ignored rules or globs: 1, waivers: 1", good + ":4: waivers[0] expired on 2020-01-01", "pinned forms: hash_form=gnu, flexnet_dates=iso8601\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, _, errOut = licaudit(t, "config", "check", bad)
	if code != exitUsage || !strings.Contains(errOut, bad+`:2: unknown key "severty" in rules`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	t.Chdir(t.TempDir())
	if code, _, errOut := licaudit(t, "config", "check"); code != exitUsage || !strings.Contains(errOut, "no .licaudit.yaml") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestVerifyReportsWaiversAgainstTheConfig runs verify with a configuration
// whose waivers expired or matched nothing, and checks that the JSON report
// holds them as a result for the configuration file, at the waivers' lines,
// and still satisfies the report schema.
func TestVerifyReportsWaiversAgainstTheConfig(t *testing.T) {
	bundles := t.TempDir()
	if code, _, errOut := licaudit(t, "generate", "voss", "--customers", "3", "--defect", "hash.weak-algorithm", "--out", bundles); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ci.yaml")
	write(t, cfg, `version: 1
waivers:
  - rule: hash.weak-algorithm
    reason: SHA-1 until 24.2
    expires: 2099-12-31
  - rule: json.schema
    reason: fixed long ago
    expires: 2099-12-31
  - rule: csv.bom
    reason: old
    expires: 2020-01-01
`)
	reportPath := filepath.Join(dir, "r.json")
	code, _, errOut := licaudit(t, "verify", "--quiet", "--config", cfg, "--fail-on", "warning", "--format", "json="+reportPath, bundles)
	// The expired waiver's warning fails the run at --fail-on warning; the
	// weak hash itself is waived.
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	raw, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	validateReport(t, raw)
	var rep struct {
		Bundles []struct {
			Path     string
			Kind     string
			Verdict  string
			Counts   map[string]int
			Findings []struct {
				Rule, Waived, Location string
				Line                   int
			}
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Bundles) != 2 {
		t.Fatalf("want the bundle and the configuration, got %s", raw)
	}
	b, c := rep.Bundles[0], rep.Bundles[1]
	if b.Verdict != "pass" || len(b.Findings) == 0 || b.Findings[0].Waived != "SHA-1 until 24.2" {
		t.Errorf("bundle: %+v", b)
	}
	type at struct {
		Rule     string
		Line     int
		Location string
	}
	var got []at
	for _, f := range c.Findings {
		got = append(got, at{f.Rule, f.Line, f.Location})
	}
	want := []at{{"config.waiver-unused", 6, "waivers[1]"}, {"config.waiver-expired", 9, "waivers[2]"}}
	if c.Path != cfg || c.Kind != "config" || c.Verdict != "fail" || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("configuration result: %+v, findings %+v", c, got)
	}

	// A bad configuration is a usage error naming the line, before any
	// bundle is read.
	write(t, cfg, "waivers:\n  - rule: hash.weak-algorithm\n    reason: r\n    expires: 2026-13-01\n")
	code, _, errOut = licaudit(t, "verify", "--quiet", "--config", cfg, bundles)
	if code != exitUsage || !strings.Contains(errOut, cfg+`:4: waivers[0].expires: "2026-13-01" is not a date YYYY-MM-DD`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func validateReport(t *testing.T, raw []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	set, err := schema.Load("")
	if err != nil {
		t.Fatal(err)
	}
	sch, err := set.Validator(schema.Report)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("JSON report violates its schema: %v", err)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyPinnedForms: a configuration that pins the .hash form fails a
// bundle written in another form at --fail-on warning, and passes one in
// the pinned form.
func TestVerifyPinnedForms(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "forms.yaml")
	write(t, cfg, "forms:\n  hash_form: gnu\n  hash_algorithm: sha256\n")
	for _, tc := range []struct {
		form string
		want int
	}{{"gnu", exitOK}, {"bsd", exitFindings}} {
		out := filepath.Join(dir, tc.form)
		if code, _, errOut := licaudit(t, "generate", "voss", "--customers", "3", "--hash-form", tc.form, "--out", out); code != exitOK {
			t.Fatalf("generate: exit %d: %s", code, errOut)
		}
		code, stdout, errOut := licaudit(t, "verify", "--quiet", "--config", cfg, "--fail-on", "warning", "--format", "json", out)
		if code != tc.want {
			t.Fatalf("%s: exit %d, want %d: %s\n%s", tc.form, code, tc.want, errOut, stdout)
		}
		if mentions := strings.Contains(stdout, `"form.mismatch"`); mentions != (tc.want == exitFindings) {
			t.Errorf("%s: form.mismatch in the report: %v\n%s", tc.form, mentions, stdout)
		}
	}
}
