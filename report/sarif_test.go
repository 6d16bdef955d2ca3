package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchemaPath is the official SARIF 2.1.0 schema in the shared
// directory beside the repository; it is not copied into the repository.
var sarifSchemaPath = filepath.Join("..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")

// TestSARIFSchema validates the fixture's SARIF against the OASIS schema,
// with format assertions on so that the URIs must be valid too.
func TestSARIFSchema(t *testing.T) {
	f, err := os.Open(sarifSchemaPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("official SARIF schema not found at %s (../shared/schemas/sarif-schema-2.1.0.json from the repository root): not validating against it", sarifSchemaPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Report{"fixture": fixture(), "extreme": extremeReport(), "empty": {}} {
		out := render(t, "sarif", Options{}, r)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
	// The check has teeth: a log with a bad level is refused.
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.Replace(render(t, "sarif", Options{}, nil), []byte(`"level": "note"`), []byte(`"level": "info"`), 1)))
	if sch.Validate(v) == nil {
		t.Errorf("the SARIF schema accepts level info")
	}
}

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID                   string `json:"id"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Help *struct{ Text string } `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Artifacts []struct {
			Location    struct{ URI string } `json:"location"`
			ParentIndex *int                 `json:"parentIndex"`
			Hashes      map[string]string    `json:"hashes"`
		} `json:"artifacts"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []sarifLoc        `json:"locations"`
			Related   []sarifLoc        `json:"relatedLocations"`
			Partial   map[string]string `json:"partialFingerprints"`
			Suppress  []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

type sarifLoc struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI   string `json:"uri"`
			Index int    `json:"index"`
		} `json:"artifactLocation"`
		Region *struct {
			StartLine int `json:"startLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

// TestSARIFContent checks what the schema cannot: every result points at
// its rule, its bundle file and (for a member) the nested artifact with
// the member line; fingerprints, suppressions and levels are carried over.
func TestSARIFContent(t *testing.T) {
	r := fixture()
	var doc sarifDoc
	if err := json.Unmarshal(render(t, "sarif", Options{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "licaudit" || len(run.Tool.Driver.Rules) != len(fixtureRules()) {
		t.Fatalf("driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
	}
	for i, rule := range fixtureRules() {
		d := run.Tool.Driver.Rules[i]
		if d.ID != rule.ID || d.DefaultConfiguration.Level != sarifLevel(rule.Severity) || d.Help == nil || d.Help.Text != rule.Hint {
			t.Errorf("rule %d = %+v, want %s at %s with help", i, d, rule.ID, sarifLevel(rule.Severity))
		}
	}
	var want []struct {
		bundle Bundle
		i      int
	}
	for _, b := range r.Bundles {
		for i := range b.Findings {
			want = append(want, struct {
				bundle Bundle
				i      int
			}{b, i})
		}
	}
	if len(run.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(run.Results), len(want))
	}
	for k, res := range run.Results {
		b, f := want[k].bundle, want[k].bundle.Findings[want[k].i]
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: ruleId %s, ruleIndex %d", k, res.RuleID, res.RuleIndex)
		}
		if res.Level != sarifLevel(f.Severity) || res.Partial[FingerprintKey] != f.Fingerprint {
			t.Errorf("result %d: level %s, fingerprints %v", k, res.Level, res.Partial)
		}
		// The result is placed on the bundle, or on the detailed CSV
		// beside it, at the line when it is a line of that very file.
		loc := res.Locations[0].PhysicalLocation
		primary, ownLine := b.Path, f.File == ""
		if f.Beside {
			primary, ownLine = b.Detailed, true
		}
		if loc.ArtifactLocation.URI != pathURI(primary) || run.Artifacts[loc.ArtifactLocation.Index].Location.URI != pathURI(primary) {
			t.Errorf("result %d: primary location %+v, want %s", k, loc.ArtifactLocation, primary)
		}
		if (loc.Region != nil) != (ownLine && f.Line > 0) || loc.Region != nil && loc.Region.StartLine != f.Line {
			t.Errorf("result %d: region %+v for file %q line %d", k, loc.Region, f.File, f.Line)
		}
		switch {
		case f.Beside:
			rel := res.Related[0].PhysicalLocation
			if art := run.Artifacts[rel.ArtifactLocation.Index]; art.Location.URI != pathURI(b.Path) || art.ParentIndex != nil || rel.Region != nil {
				t.Errorf("result %d: related %+v, want the bundle %s", k, art, b.Path)
			}
			if art := run.Artifacts[loc.ArtifactLocation.Index]; art.ParentIndex != nil {
				t.Errorf("result %d: the detailed CSV beside the ZIP is listed inside artifact %d", k, *art.ParentIndex)
			}
		case f.File == "":
			if len(res.Related) != 0 {
				t.Errorf("result %d: related locations for a bundle-level finding", k)
			}
		default:
			rel := res.Related[0].PhysicalLocation
			art := run.Artifacts[rel.ArtifactLocation.Index]
			if art.Location.URI != memberURI(f.File) || art.ParentIndex == nil || *art.ParentIndex != loc.ArtifactLocation.Index {
				t.Errorf("result %d: member artifact %+v, want %s inside artifact %d", k, art, f.File, loc.ArtifactLocation.Index)
			}
			if (f.Line > 0) != (rel.Region != nil) || rel.Region != nil && rel.Region.StartLine != f.Line {
				t.Errorf("result %d: member region %+v, want line %d", k, rel.Region, f.Line)
			}
		}
		if f.Waived != "" {
			if len(res.Suppress) != 1 || res.Suppress[0].Kind != "external" || res.Suppress[0].Justification != f.Waived {
				t.Errorf("result %d: suppressions %+v for waiver %q", k, res.Suppress, f.Waived)
			}
		} else if len(res.Suppress) != 0 {
			t.Errorf("result %d: suppressed without a waiver", k)
		}
	}
	if h := run.Artifacts[0].Hashes["sha-256"]; h != r.Bundles[0].SHA256 {
		t.Errorf("bundle artifact hash %q", h)
	}
}

func TestPathURI(t *testing.T) {
	for in, want := range map[string]string{
		"in/a.zip":                     "in/a.zip",
		"in/Contoso Holdings/a b.zip":  "in/Contoso%20Holdings/a%20b.zip",
		"in/100%/a#1?.zip":             "in/100%25/a%231%3F.zip",
		`drop\partner\a.zip`:           "drop/partner/a.zip",
		"C:/drop/a.zip":                "./C:/drop/a.zip",
		"/abs/a.zip":                   "/abs/a.zip",
		"in/Grüße.zip":                 "in/Gr%C3%BC%C3%9Fe.zip",
		"2026_license/\x1b[31mred.txt": "2026_license/%1B%5B31mred.txt",
	} {
		if got := pathURI(in); got != want {
			t.Errorf("pathURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMemberURI: a member's name never makes a URI that names a host, as
// a bundle path on a Windows share may.
func TestMemberURI(t *testing.T) {
	for in, want := range map[string]string{
		"2026_license/a.csv":      "2026_license/a.csv",
		"/abs/a.csv":              "/abs/a.csv",
		"//evil.example/host.txt": "/evil.example/host.txt",
		`\\evil.example\x.txt`:    "/evil.example/x.txt",
		"///x":                    "/x",
		"C:/x.csv":                "./C:/x.csv",
	} {
		if got := memberURI(in); got != want {
			t.Errorf("memberURI(%q) = %q, want %q", in, got, want)
		}
	}
	if got := pathURI(`\\server\share\a.zip`); got != "//server/share/a.zip" {
		t.Errorf("the bundle path of a Windows share became %q", got)
	}
}
