package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/verify"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string // each a line of the error, "FILE:LINE: message" prefix included
	}{
		{"unknown top-level key", "version: 1\nseverty: {}\n",
			[]string{`.licaudit.yaml:2: unknown key "severty" at the top level (known: version, rules,`}},
		{"unknown key in rules", "rules:\n  severity: {}\n  severty:\n    csv.bom: off\n",
			[]string{`.licaudit.yaml:3: unknown key "severty" in rules (known: severity, ignore)`}},
		{"duplicate key", "version: 1\nversion: 1\n",
			[]string{`.licaudit.yaml:2: key "version" appears twice (first at line 1)`}},
		{"version", "version: 2\n",
			[]string{`.licaudit.yaml:1: version: "2" is not a configuration version`}},
		{"bad severity", "rules:\n  severity:\n    csv.bom: fatal\n",
			[]string{`.licaudit.yaml:3: rules.severity.csv.bom: "fatal" is not a severity (want error, warning, info or off)`}},
		{"severity not a value", "rules:\n  severity:\n    csv.bom: [error]\n",
			[]string{`.licaudit.yaml:3: rules.severity.csv.bom: must be a single value, not a list`}},
		{"severity empty", "rules:\n  severity:\n    csv.bom:\n",
			[]string{`.licaudit.yaml:3: rules.severity.csv.bom: is empty`}},
		{"unknown rule id with suggestion", "rules:\n  severity:\n    hash.mismatc: warning\n",
			[]string{`.licaudit.yaml:3: rules.severity: unknown rule id "hash.mismatc"; did you mean "hash.mismatch"? (licaudit rules lists them)`}},
		{"unknown rule id", "rules:\n  severity:\n    nothing-like-it: warning\n",
			[]string{`.licaudit.yaml:3: rules.severity: unknown rule id "nothing-like-it" (licaudit rules lists them)`}},
		{"glob matching nothing", "rules:\n  severity:\n    \"nothing.*\": off\n",
			[]string{`.licaudit.yaml:3: rules.severity: the glob "nothing.*" matches no rule id`}},
		{"malformed glob", "rules:\n  ignore: [\"zip.[\"]\n",
			[]string{`.licaudit.yaml:2: rules.ignore[0]: "zip.[" is not a valid glob`}},
		{"ignore unknown id", "rules:\n  ignore:\n    - zip.junk\n",
			[]string{`.licaudit.yaml:3: rules.ignore[0]: unknown rule id "zip.junk"`}},
		{"ignore not a list", "rules:\n  ignore: {a: b}\n",
			[]string{`.licaudit.yaml:2: rules.ignore: must be a list, not a mapping`}},
		{"rules not a mapping", "rules: [csv.bom]\n",
			[]string{`.licaudit.yaml:1: rules: must be a mapping of keys, not a list`}},
		{"waivers not a list", "waivers: {rule: csv.bom}\n",
			[]string{`.licaudit.yaml:1: waivers: must be a list, not a mapping`}},
		{"waiver not a mapping", "waivers:\n  - csv.bom\n",
			[]string{`.licaudit.yaml:2: waivers[0]: a waiver must be a mapping`}},
		{"waiver bad date", "waivers:\n  - rule: csv.bom\n    reason: r\n    expires: 2026-02-01\n  - rule: csv.bom\n    reason: r\n    expires: 2026-13-01\n",
			[]string{`.licaudit.yaml:7: waivers[1].expires: "2026-13-01" is not a date YYYY-MM-DD`}},
		{"waiver short date", "waivers:\n  - rule: csv.bom\n    reason: r\n    expires: 2026-1-5\n",
			[]string{`.licaudit.yaml:4: waivers[0].expires: "2026-1-5" is not a date YYYY-MM-DD`}},
		{"waiver date with time", "waivers:\n  - rule: csv.bom\n    reason: r\n    expires: 2026-01-05T10:00:00Z\n",
			[]string{`.licaudit.yaml:4: waivers[0].expires: "2026-01-05T10:00:00Z" is not a date YYYY-MM-DD`}},
		{"waiver missing reason and expiry", "waivers:\n  - rule: csv.bom\n",
			[]string{
				`.licaudit.yaml:2: waivers[0].reason: missing; every waiver says why the findings are accepted`,
				`.licaudit.yaml:2: waivers[0].expires: missing; every waiver has an expiry date YYYY-MM-DD`,
			}},
		{"waiver blank reason", "waivers:\n  - rule: csv.bom\n    reason: \"  \"\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:3: waivers[0].reason: is blank`}},
		{"waiver nothing to waive", "waivers:\n  - reason: r\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:2: waivers[0]: says nothing to waive; give a fingerprint`}},
		{"waiver fingerprint and rule", "waivers:\n  - fingerprint: 0123456789abcdef\n    rule: csv.bom\n    reason: r\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:2: waivers[0]: a fingerprint names one finding already`}},
		{"waiver bad fingerprint", "waivers:\n  - fingerprint: 0123456789ABCDEF\n    reason: r\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:2: waivers[0].fingerprint: "0123456789ABCDEF" is not a finding fingerprint`}},
		{"waiver unknown rule", "waivers:\n  - rule: hash.mismach\n    reason: r\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:2: waivers[0].rule: unknown rule id "hash.mismach"; did you mean "hash.mismatch"?`}},
		{"waiver unknown key", "waivers:\n  - rule: csv.bom\n    reasn: r\n    reason: r\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:3: unknown key "reasn" in waivers[0] (known: fingerprint, rule, bundle, member, reason, expires)`}},
		{"waiver bad bundle glob", "waivers:\n  - rule: csv.bom\n    bundle: \"[\"\n    reason: r\n    expires: 2026-01-05\n",
			[]string{`.licaudit.yaml:3: waivers[0].bundle: "[" is not a valid glob`}},
		{"limits unknown section", "limits:\n  xml: {}\n",
			[]string{`.licaudit.yaml:2: unknown key "xml" in limits (known: zip, json, csv)`}},
		{"limits unknown key", "limits:\n  zip:\n    max_entrys: 5\n",
			[]string{`.licaudit.yaml:3: unknown key "max_entrys" in limits.zip (known: max_entries, max_entry_size, max_total_size, max_ratio)`}},
		{"limits negative", "limits:\n  zip:\n    max_entries: -5\n",
			[]string{`.licaudit.yaml:3: limits.zip.max_entries: "-5" is not a positive whole number`}},
		{"limits unit on a count", "limits:\n  json:\n    max_depth: 64KiB\n",
			[]string{`.licaudit.yaml:3: limits.json.max_depth: "64KiB" is not a positive whole number`}},
		{"limits bad unit", "limits:\n  zip:\n    max_entry_size: 16XB\n",
			[]string{`.licaudit.yaml:3: limits.zip.max_entry_size: "16XB" is not a positive size in bytes`}},
		{"limits size overflow", "limits:\n  zip:\n    max_total_size: 9999999999TiB\n",
			[]string{`.licaudit.yaml:3: limits.zip.max_total_size: "9999999999TiB" is not a positive size`}},
		{"limits zero", "limits:\n  csv:\n    max_line_bytes: 0\n",
			[]string{`.licaudit.yaml:3: limits.csv.max_line_bytes: "0" is not a positive size`}},
		{"limits ratio", "limits:\n  zip:\n    max_ratio: lots\n",
			[]string{`.licaudit.yaml:3: limits.zip.max_ratio: "lots" is not a positive number`}},
		{"limits section not a mapping", "limits:\n  zip: 5\n",
			[]string{`.licaudit.yaml:2: limits.zip: must be a mapping of keys, not "5"`}},
		{"tolerance", "datetime_tolerance: 1 day\n",
			[]string{`.licaudit.yaml:1: datetime_tolerance: "1 day" is neither a duration (36h, 90m) nor a number of hours`}},
		{"negative tolerance", "datetime_tolerance: -2h\n",
			[]string{`.licaudit.yaml:1: datetime_tolerance: "-2h" is negative`}},
		{"form value", "forms:\n  hash_form: sha256sum\n",
			[]string{`.licaudit.yaml:2: forms.hash_form: "sha256sum" is not one of bare, gnu, bsd, or any`}},
		{"form key", "forms:\n  date: iso8601\n",
			[]string{`.licaudit.yaml:2: unknown key "date" in forms (known: hash_form, hash_algorithm, datetime, flexnet_dates)`}},
		{"forms not a mapping", "forms: gnu\n",
			[]string{`.licaudit.yaml:1: forms: must be a mapping of keys, not "gnu"`}},
		{"schema dir missing", "schema_dir: no-such-dir\n",
			[]string{`.licaudit.yaml:1: schema_dir: open no-such-dir: no such file or directory`}},
		{"yaml syntax", "rules:\n  severity:\n    csv.bom: [off\n",
			[]string{`.licaudit.yaml:3: not valid YAML: did not find expected ',' or ']'`}},
		{"yaml bad indentation", "version: 1\nrules:\n  severity:\n    csv.bom: off\n   ignore: []\n",
			[]string{`.licaudit.yaml:5: not valid YAML: did not find expected key`}},
		{"yaml unterminated string", "waivers:\n  - rule: csv.bom\n    reason: \"x\n",
			[]string{`.licaudit.yaml:3: not valid YAML: found unexpected end of stream`}},
		{"tab indentation", "rules:\n\tseverity: {}\n",
			[]string{`.licaudit.yaml:2: not valid YAML: found character that cannot start any token`}},
		{"not a mapping", "- csv.bom\n",
			[]string{`.licaudit.yaml:1: the configuration must be a mapping of keys (version, rules,`}},
		{"second document", "version: 1\n---\nversion: 1\n",
			[]string{`.licaudit.yaml:2: a second YAML document (after ---)`}},
		{"several problems at once", "version: 1\nrulez: {}\nwaivers:\n  - rule: csv.bom\n    reason: r\n    expires: tomorrow\n",
			[]string{
				`.licaudit.yaml:2: unknown key "rulez" at the top level`,
				`.licaudit.yaml:6: waivers[0].expires: "tomorrow" is not a date YYYY-MM-DD`,
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse(".licaudit.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse accepted:\n%s\nconfig: %+v", tc.yaml, cfg)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *config.Error", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(lines), len(tc.want), err)
			}
			for i, want := range tc.want {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("problem %d:\n got %s\nwant %s...", i, lines[i], want)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !regexp.MustCompile(`nope\.yaml: cannot read the configuration: no such file or directory$`).MatchString(err.Error()) {
		t.Fatalf("err = %v", err)
	}
	_, err = Load(t.TempDir())
	if err == nil || !strings.HasSuffix(err.Error(), ": is a directory, not a configuration file") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, []byte(strings.Repeat("# comment\n", maxFileSize/10+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "larger than 1024 KiB") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseValid(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "schemas"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := `
version: 1
rules:
  severity:
    hash.weak-algorithm: error
    "anon.*": warning
    anon.count: info
    csv.bom: off
  ignore: zip.junk-entry
waivers:
  - fingerprint: 0123456789abcdef
    reason: accepted
    expires: 2026-12-31
  - rule: "hash.*"
    bundle: "vlf_*.zip"
    member: "*.hash"
    reason: "old exporter"
    expires: 2027-01-15
limits:
  zip:
    max_entries: 1_000
    max_entry_size: 2GiB
    max_total_size: 3 GB
    max_ratio: 150.5
  json:
    max_bytes: 8MiB
    max_depth: 32
  csv:
    max_line_bytes: 64k
datetime_tolerance: 36
schema_dir: schemas
forms:
  hash_form: GNU
  hash_algorithm: sha256
  datetime: any
  flexnet_dates: legacy
`
	cfg, err := Parse(filepath.Join(dir, ".licaudit.yaml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	wantWaivers := []Waiver{
		{Fingerprint: "0123456789abcdef", Bundle: "*", Member: "*", Reason: "accepted", Expires: date(2026, 12, 31), Index: 0, Line: 11},
		{Rule: "hash.*", Bundle: "vlf_*.zip", Member: "*.hash", Reason: "old exporter", Expires: date(2027, 1, 15), Index: 1, Line: 14},
	}
	if !reflect.DeepEqual(cfg.Waivers, wantWaivers) {
		t.Errorf("waivers:\n got %+v\nwant %+v", cfg.Waivers, wantWaivers)
	}
	severities := map[string]finding.Severity{
		"hash.weak-algorithm": finding.Error,
		"anon.personal-data":  finding.Warning, // glob
		"anon.count":          finding.Info,    // exact id wins over the glob
		"csv.bom":             finding.Off,
		"zip.junk-entry":      finding.Off, // ignored
		"hash.mismatch":       finding.Error,
	}
	for id, want := range severities {
		if got := cfg.Severity(id, finding.Info); got != want {
			t.Errorf("Severity(%s) = %v, want %v", id, got, want)
		}
	}
	opts := cfg.Options(verify.DefaultOptions())
	if opts.ZIP.MaxEntries != 1000 || opts.ZIP.MaxEntrySize != 2<<30 || opts.ZIP.MaxTotalSize != 3e9 || opts.ZIP.MaxRatio != 150.5 {
		t.Errorf("zip limits = %+v", opts.ZIP)
	}
	if opts.JSON.MaxBytes != 8<<20 || opts.JSON.MaxDepth != 32 {
		t.Errorf("json limits = %+v", opts.JSON)
	}
	if opts.CSV.MaxLineBytes != 64<<10 {
		t.Errorf("csv limits = %+v", opts.CSV)
	}
	if opts.DatetimeTolerance != 36*time.Hour {
		t.Errorf("tolerance = %v", opts.DatetimeTolerance)
	}
	if opts.Schemas == nil || cfg.SchemaDir != filepath.Join(dir, "schemas") {
		t.Errorf("schemas = %v from %q", opts.Schemas, cfg.SchemaDir)
	}
	if want := (verify.Forms{HashForm: "gnu", HashAlgorithm: "sha256", FlexNetDates: "legacy"}); opts.Forms != want {
		t.Errorf("forms = %+v, want %+v", opts.Forms, want)
	}
}

func TestPartialLimitsKeepBase(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("limits:\n  zip:\n    max_ratio: 50\ndatetime_tolerance: 90m\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := verify.DefaultOptions()
	base.Jobs = 3
	got := cfg.Options(base)
	want := base
	want.ZIP.MaxRatio = 50
	want.DatetimeTolerance = 90 * time.Minute
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Options:\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(base, func() verify.Options { o := verify.DefaultOptions(); o.Jobs = 3; return o }()) {
		t.Error("Options modified its argument")
	}
}

func TestEmptyConfigurations(t *testing.T) {
	for _, text := range []string{"", "# only a comment\n", "---\n", "~\n", "rules:\nwaivers:\nlimits:\n"} {
		cfg, err := Parse("c.yaml", []byte(text))
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if got := cfg.Options(verify.DefaultOptions()); !reflect.DeepEqual(got, verify.DefaultOptions()) {
			t.Errorf("%q changed the options: %+v", text, got)
		}
	}
}

func TestParseSize(t *testing.T) {
	cases := map[string]int64{
		"1": 1, "16MiB": 16 << 20, "16 MiB": 16 << 20, "16mib": 16 << 20, "2G": 2 << 30,
		"500MB": 500e6, "1_024": 1024, "3TB": 3e12, "7B": 7, "1KiB": 1024,
	}
	for in, want := range cases {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "1.5GiB", "-1", "16 XB", "99999999999999999999"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	if p, ok := Find(dir); ok {
		t.Fatalf("Find in an empty directory = %q", p)
	}
	want := filepath.Join(dir, DefaultFile)
	if err := os.WriteFile(want, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(dir); !ok || p != want {
		t.Fatalf("Find = %q, %v; want %q", p, ok, want)
	}
}

// TestLimitKeysFollowStructTags guards that every yaml-tagged limit field is
// configurable and explained in the starter.
func TestLimitKeysFollowStructTags(t *testing.T) {
	want := map[string][]string{
		"zip":  {"max_entries", "max_entry_size", "max_total_size", "max_ratio"},
		"json": {"max_bytes", "max_depth"},
		"csv":  {"max_line_bytes"},
	}
	for _, sec := range limitSections {
		names, _ := limitKeys(sec)
		if !reflect.DeepEqual(names, want[sec.name]) {
			t.Errorf("limits.%s keys = %v, want %v", sec.name, names, want[sec.name])
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func FuzzParse(f *testing.F) {
	f.Add([]byte(Starter))
	f.Add([]byte("rules:\n  severity:\n    csv.bom: off\n  ignore: [\"anon.*\"]\n"))
	f.Add([]byte("waivers:\n  - rule: csv.bom\n    reason: r\n    expires: 2026-01-05\n"))
	f.Add([]byte("limits:\n  zip: {max_entries: 5, max_entry_size: 1GiB}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("rules: &r\n  severity: *r\n"))
	f.Add([]byte("datetime_tolerance: 1e308\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 || len(ce.Problems) > maxProblems {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		cfg.Options(verify.DefaultOptions())
		cfg.Apply([]verify.Result{{Path: "x.zip", Findings: []finding.Finding{{Rule: "csv.bom", Fingerprint: "0123456789abcdef"}}}}, time.Now())
	})
}

// TestSyntaxErrorLineInALongFile: the line of a syntax error is found
// quickly however long the file.
func TestSyntaxErrorLineInALongFile(t *testing.T) {
	text := strings.Repeat("# padding\n", 30000) + "version: 1\nrules:\n  severity:\n    csv.bom: off\n   ignore: []\n"
	start := time.Now()
	_, err := Parse("c.yaml", []byte(text))
	if err == nil || err.Error() != "c.yaml:30005: not valid YAML: did not find expected key" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
