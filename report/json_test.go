package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

// reportSchema compiles the built-in report schema the CLI ships.
func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	text, err := schema.Builtin(schema.Report)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("report schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "licaudit:///report.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("report schema does not compile: %v", err)
	}
	return sch
}

func validateJSON(t *testing.T, sch *jsonschema.Schema, b []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return sch.Validate(v)
}

// TestJSONMatchesSchema validates the JSON rendering of the fixture (every
// optional part present: provenance, totals, a waiver, an unreadable
// bundle's empty digest) and of an empty run against the shipped schema.
func TestJSONMatchesSchema(t *testing.T) {
	sch := reportSchema(t)
	if err := validateJSON(t, sch, render(t, "json", Options{}, nil)); err != nil {
		t.Errorf("fixture report does not validate: %v", err)
	}
	empty := &Report{Tool: Tool{Name: "licaudit", Version: "dev"}}
	empty.Finalize()
	out := render(t, "json", Options{}, empty)
	if err := validateJSON(t, sch, out); err != nil {
		t.Errorf("empty report does not validate: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte(`"bundles": []`)) {
		t.Errorf("empty report: want \"bundles\": [], got\n%s", out)
	}
}

// TestJSONNilCollections: a bundle whose findings were never set, totals
// of a CSV without count columns still render arrays and objects, and
// rendering does not modify the report.
func TestJSONNilCollections(t *testing.T) {
	r := &Report{SchemaVersion: 1, Tool: Tool{Name: "licaudit"}, Bundles: []Bundle{{
		Path: "a.zip", Kind: "unknown", Verdict: Pass,
		Totals: &finding.Totals{Anonymous: &finding.CSVTotals{Customers: 2}},
	}}}
	out := render(t, "json", Options{}, r)
	for _, want := range []string{`"findings": []`, `"columns": []`, `"sums": {}`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("want %s, got\n%s", want, out)
		}
	}
	if r.Bundles[0].Findings != nil || r.Bundles[0].Totals.Columns != nil || r.Bundles[0].Totals.Anonymous.Sums != nil {
		t.Errorf("rendering modified the report")
	}
	if err := validateJSON(t, reportSchema(t), out); err != nil {
		t.Errorf("does not validate: %v", err)
	}
}

// TestSchemaIsStrict breaks the fixture's JSON one way at a time; the
// schema must reject each, or it would not protect the contract.
func TestSchemaIsStrict(t *testing.T) {
	sch := reportSchema(t)
	base := render(t, "json", Options{}, nil)
	cases := map[string]func(m map[string]any){
		"unknown top-level property": func(m map[string]any) { m["extra"] = 1 },
		"schema_version 2":           func(m map[string]any) { m["schema_version"] = 2 },
		"no summary":                 func(m map[string]any) { delete(m, "summary") },
		"negative summary count":     func(m map[string]any) { obj(m, "summary")["failed"] = -1 },
		"unknown fail_on":            func(m map[string]any) { obj(m, "provenance")["fail_on"] = "sometimes" },
		"short rules digest":         func(m map[string]any) { obj(m, "provenance")["rules_sha256"] = "abc" },
		"unknown kind":               func(m map[string]any) { bundle(m, 0)["kind"] = "zip" },
		"upper-case digest":          func(m map[string]any) { bundle(m, 0)["sha256"] = strings.Repeat("AB", 32) },
		"verdict maybe":              func(m map[string]any) { bundle(m, 0)["verdict"] = "maybe" },
		"counts without info":        func(m map[string]any) { delete(obj(bundle(m, 0), "counts"), "info") },
		"findings null":              func(m map[string]any) { bundle(m, 0)["findings"] = nil },
		"bundle property":            func(m map[string]any) { bundle(m, 0)["size"] = 3 },
		"severity off":               func(m map[string]any) { find(m, 1, 0)["severity"] = "off" },
		"negative line":              func(m map[string]any) { find(m, 1, 0)["line"] = -1 },
		"fractional line":            func(m map[string]any) { find(m, 1, 0)["line"] = 1.5 },
		"no fingerprint":             func(m map[string]any) { delete(find(m, 1, 0), "fingerprint") },
		"empty waiver reason":        func(m map[string]any) { find(m, 1, 0)["waived"] = "" },
		"rule id without family":     func(m map[string]any) { find(m, 1, 0)["rule"] = "mismatch" },
		"finding property":           func(m map[string]any) { find(m, 1, 0)["subject"] = "x" },
		"string sum":                 func(m map[string]any) { obj(obj(obj(bundle(m, 0), "totals"), "anonymous"), "sums")["Voicemail"] = "45" },
		"totals property":            func(m map[string]any) { obj(bundle(m, 0), "totals")["grand"] = 1 },
	}
	for name, breakIt := range cases {
		var m map[string]any
		if err := json.Unmarshal(base, &m); err != nil {
			t.Fatal(err)
		}
		breakIt(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if validateJSON(t, sch, b) == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func bundle(m map[string]any, i int) map[string]any {
	return m["bundles"].([]any)[i].(map[string]any)
}

func find(m map[string]any, b, i int) map[string]any {
	return bundle(m, b)["findings"].([]any)[i].(map[string]any)
}

// TestSchemaLoads: the schema package compiles every built-in schema,
// including this one, at start-up; a broken report schema would stop the
// CLI.
func TestSchemaLoads(t *testing.T) {
	s, err := schema.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Validator(schema.Report); err != nil {
		t.Fatal(err)
	}
}
