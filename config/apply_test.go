package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/report"
	"github.com/licaudit/licaudit/verify"
)

const (
	bundleA = "in/vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip"
	bundleB = "in/Entitlements-2026-11-01-03-00-00.zip"
	memberA = "2026-11-01_0300_license/vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.json.hash"
)

// mk builds a finding of a catalogue rule with its real default severity
// and fingerprint.
func mk(t *testing.T, bundle, rule, file, subject string) finding.Finding {
	t.Helper()
	r, ok := verify.Rule(rule)
	if !ok {
		t.Fatalf("no rule %s", rule)
	}
	f := finding.Finding{Rule: r.ID, Severity: r.Severity, File: file, Message: rule + " here", Subject: subject}
	f.Fingerprint = finding.Fingerprint(baseName(bundle), f)
	return f
}

func baseName(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func sample(t *testing.T) []verify.Result {
	return []verify.Result{
		{Path: bundleA, Kind: "voss-license", Findings: []finding.Finding{
			mk(t, bundleA, "hash.weak-algorithm", memberA, ""),
			mk(t, bundleA, "zip.junk-entry", "__MACOSX/x", ""),
			mk(t, bundleA, "anon.personal-data", "a.csv", "3"),
			mk(t, bundleA, "anon.count", "a.csv", "4"),
			mk(t, bundleA, "csv.bom", "a.csv", ""),
		}},
		{Path: bundleB, Kind: "flexnet-entitlements", Findings: []finding.Finding{
			mk(t, bundleB, "fne.value", "EntitlementsExtract-2026-11-01-03-00-00.csv", "7"),
			mk(t, bundleB, "hash.weak-algorithm", "", ""),
		}},
	}
}

func parse(t *testing.T, text string) *Config {
	t.Helper()
	cfg, err := Parse("conf/.licaudit.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// view is what the tests compare: per bundle, "rule severity [waived]".
func view(results []verify.Result) map[string][]string {
	out := map[string][]string{}
	for _, r := range results {
		var fs []string
		for _, f := range r.Findings {
			s := f.Rule + " " + f.Severity.String()
			if f.Waived != "" {
				s += " waived:" + f.Waived
			}
			fs = append(fs, s)
		}
		out[r.Path] = fs
	}
	return out
}

func TestApply(t *testing.T) {
	fpAnon := mk(t, bundleA, "anon.personal-data", "a.csv", "3").Fingerprint
	cases := []struct {
		name string
		yaml string
		want map[string][]string
		// wantConfig are the messages of the configuration's own findings.
		wantConfig []string
	}{
		{
			name: "no configuration changes nothing",
			yaml: "",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning"},
			},
		},
		{
			name: "severity override, off and ignore glob",
			yaml: "rules:\n  severity:\n    hash.weak-algorithm: error\n    csv.bom: off\n    \"anon.*\": warning\n  ignore: [\"zip.*\", fne.value]\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm error", "anon.personal-data warning", "anon.count warning"},
				bundleB: {"hash.weak-algorithm error"},
			},
		},
		{
			name: "waiver by fingerprint",
			yaml: "waivers:\n  - fingerprint: " + fpAnon + "\n    reason: test data\n    expires: 2026-06-01\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error waived:test data", "anon.count error", "csv.bom info"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning"},
			},
		},
		{
			name: "waiver by rule glob, bundle base-name glob and member base-name glob",
			yaml: "waivers:\n  - rule: \"hash.*\"\n    bundle: \"vlf_*.zip\"\n    member: \"*.json.hash\"\n    reason: sha-1 until 24.2\n    expires: 2026-12-31\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning waived:sha-1 until 24.2", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning"},
			},
		},
		{
			name: "waiver by bundle path glob and member path glob",
			yaml: "waivers:\n  - rule: zip.junk-entry\n    bundle: \"in/*.zip\"\n    member: \"__MACOSX/*\"\n    reason: mac\n    expires: 2026-12-31\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning", "zip.junk-entry warning waived:mac", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning"},
			},
		},
		{
			name: "a default member glob covers bundle-level findings",
			yaml: "waivers:\n  - rule: hash.weak-algorithm\n    bundle: \"Entitlements-*\"\n    reason: fne\n    expires: 2026-12-31\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning waived:fne"},
			},
		},
		{
			name: "the first matching waiver gives the reason",
			yaml: "waivers:\n  - rule: csv.bom\n    reason: first\n    expires: 2026-12-31\n  - rule: \"csv.*\"\n    reason: second\n    expires: 2026-12-31\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info waived:first"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning"},
			},
		},
		{
			name: "an expired waiver does not apply and warns",
			yaml: "waivers:\n  - rule: anon.count\n    member: a.csv\n    reason: old\n    expires: 2026-05-31\n",
			want: map[string][]string{
				bundleA:               {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB:               {"fne.value warning", "hash.weak-algorithm warning"},
				"conf/.licaudit.yaml": {"config.waiver-expired warning"},
			},
			wantConfig: []string{`the waiver of anon.count in member "a.csv" (reason "old") expired on 2026-05-31 and no longer applies; the 1 finding it matches in 1 bundle of this run counts again. Fix what it waived, or renew it with a new expiry date and reason.`},
		},
		{
			name: "an unused waiver is reported",
			yaml: "waivers:\n  - rule: json.schema\n    reason: gone\n    expires: 2026-12-31\n",
			want: map[string][]string{
				bundleA:               {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB:               {"fne.value warning", "hash.weak-algorithm warning"},
				"conf/.licaudit.yaml": {"config.waiver-unused info"},
			},
			wantConfig: []string{`the waiver of json.schema (reason "gone") matched no finding in this run; remove it if the problem it covered is gone.`},
		},
		{
			name: "waivers of bundles not in the run are not reported",
			yaml: "waivers:\n  - rule: json.schema\n    bundle: \"vlf_OTHER_*\"\n    reason: other partner\n    expires: 2026-12-31\n  - rule: json.schema\n    bundle: \"vlf_OTHER_*\"\n    reason: other partner\n    expires: 2020-01-01\n",
			want: map[string][]string{
				bundleA: {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB: {"fne.value warning", "hash.weak-algorithm warning"},
			},
		},
		{
			name: "a waiver of an ignored rule is unused",
			yaml: "rules:\n  ignore: [csv.bom]\nwaivers:\n  - rule: csv.bom\n    reason: r\n    expires: 2026-12-31\n",
			want: map[string][]string{
				bundleA:               {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error"},
				bundleB:               {"fne.value warning", "hash.weak-algorithm warning"},
				"conf/.licaudit.yaml": {"config.waiver-unused info"},
			},
			wantConfig: []string{`the waiver of csv.bom (reason "r") matched no finding in this run; remove it if the problem it covered is gone.`},
		},
		{
			name: "the configuration's own rules obey severities",
			yaml: "rules:\n  severity:\n    config.waiver-unused: off\n    config.waiver-expired: error\nwaivers:\n  - rule: json.schema\n    reason: gone\n    expires: 2026-12-31\n  - rule: json.syntax\n    reason: old\n    expires: 2026-01-01\n",
			want: map[string][]string{
				bundleA:               {"hash.weak-algorithm warning", "zip.junk-entry warning", "anon.personal-data error", "anon.count error", "csv.bom info"},
				bundleB:               {"fne.value warning", "hash.weak-algorithm warning"},
				"conf/.licaudit.yaml": {"config.waiver-expired error"},
			},
			wantConfig: []string{`the waiver of json.syntax (reason "old") expired on 2026-01-01 and no longer applies. Fix what it waived, or renew it with a new expiry date and reason.`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := parse(t, tc.yaml)
			in := sample(t)
			out := cfg.Apply(in, now)
			if got := view(out); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings:\n got %v\nwant %v", got, tc.want)
			}
			if !reflect.DeepEqual(in, sample(t)) {
				t.Error("Apply modified its input")
			}
			var msgs []string
			for _, r := range out {
				if r.Kind != Kind {
					continue
				}
				if r.Path != "conf/.licaudit.yaml" || len(r.SHA256) != 64 {
					t.Errorf("configuration result: path %q sha256 %q", r.Path, r.SHA256)
				}
				for _, f := range r.Findings {
					msgs = append(msgs, f.Message)
					if f.File != "" || f.Line == 0 || !strings.HasPrefix(f.Location, "waivers[") || len(f.Fingerprint) != 16 {
						t.Errorf("configuration finding not at its waiver: %+v", f)
					}
				}
			}
			if !reflect.DeepEqual(msgs, tc.wantConfig) {
				t.Errorf("configuration findings:\n got %q\nwant %q", msgs, tc.wantConfig)
			}
		})
	}
}

func TestWaiverExpiry(t *testing.T) {
	w := Waiver{Expires: date(2026, 6, 1)}
	cases := []struct {
		at      time.Time
		expired bool
	}{
		{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 6, 1, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), true},
		// 2026-06-02 01:00 in Paris is still 2026-06-01 in UTC.
		{time.Date(2026, 6, 2, 1, 0, 0, 0, time.FixedZone("CEST", 2*3600)), false},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tc := range cases {
		if got := w.Expired(tc.at); got != tc.expired {
			t.Errorf("Expired(%v) = %v, want %v", tc.at, got, tc.expired)
		}
	}
}

// TestCountsFollowConfiguration checks through the report that overrides,
// ignores and waivers change the counts and verdicts, not only the findings.
func TestCountsFollowConfiguration(t *testing.T) {
	cfg := parse(t, `
rules:
  severity:
    hash.weak-algorithm: error
  ignore: ["anon.count", "csv.*"]
waivers:
  - rule: anon.personal-data
    reason: synthetic data
    expires: 2026-12-31
  - rule: fne.value
    reason: expired
    expires: 2026-01-01
`)
	r := report.Report{FailOn: finding.Error}
	for _, res := range cfg.Apply(sample(t), now) {
		r.Bundles = append(r.Bundles, report.Bundle{Path: res.Path, Kind: string(res.Kind), SHA256: res.SHA256, Findings: res.Findings})
	}
	r.Finalize()
	got := map[string]report.Counts{}
	verdicts := map[string]string{}
	for _, b := range r.Bundles {
		got[b.Path] = b.Counts
		verdicts[b.Path] = b.Verdict
	}
	want := map[string]report.Counts{
		bundleA:               {Error: 1, Warning: 1}, // hash raised; anon.personal-data waived; anon.count, csv.bom ignored
		bundleB:               {Error: 1, Warning: 1}, // hash raised; fne.value's waiver expired
		"conf/.licaudit.yaml": {Warning: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("counts:\n got %+v\nwant %+v", got, want)
	}
	if verdicts["conf/.licaudit.yaml"] != report.Pass || verdicts[bundleA] != report.Fail {
		t.Errorf("verdicts = %v", verdicts)
	}
}

func TestRulesCatalogue(t *testing.T) {
	cfg := parse(t, "rules:\n  severity:\n    csv.bom: error\n  ignore: [\"zip.*\"]\n")
	rules := cfg.Rules(verify.Rules())
	for _, r := range rules {
		if strings.HasPrefix(r.ID, "zip.") {
			t.Errorf("ignored rule %s still in the catalogue", r.ID)
		}
		if r.ID == "csv.bom" && r.Severity != finding.Error {
			t.Errorf("csv.bom severity %v", r.Severity)
		}
	}
	var nilCfg *Config
	if got := nilCfg.Rules(verify.Rules()); !reflect.DeepEqual(got, verify.Rules()) {
		t.Error("a nil configuration changed the catalogue")
	}
}

func TestNilConfig(t *testing.T) {
	var cfg *Config
	in := sample(t)
	if got := cfg.Apply(in, now); !reflect.DeepEqual(got, in) {
		t.Error("nil Apply changed results")
	}
	if got := cfg.Options(verify.DefaultOptions()); !reflect.DeepEqual(got, verify.DefaultOptions()) {
		t.Error("nil Options changed options")
	}
}
