// Package report is the audit report of one licaudit run and its renderers,
// one per output format. Every format renders the same Report value.
package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/licaudit/licaudit/finding"
)

// SchemaVersion is the version of the JSON report contract.
const SchemaVersion = 1

// Never is a --fail-on threshold above every severity: no finding fails.
const Never finding.Severity = 99

// Verdicts of a bundle.
const (
	Pass = "pass"
	Fail = "fail"
)

// Report is everything a run found, in the shape of the JSON report contract.
type Report struct {
	SchemaVersion int         `json:"schema_version"`
	Tool          Tool        `json:"tool"`
	Provenance    *Provenance `json:"provenance,omitempty"`
	Bundles       []Bundle    `json:"bundles"`
	Summary       Summary     `json:"summary"`

	// Rules is the catalogue the run checked against, for formats that
	// describe their rules (SARIF, JUnit). Not part of the JSON contract.
	Rules []finding.Rule `json:"-"`
	// FailOn is the threshold at or above which a finding fails its bundle.
	FailOn finding.Severity `json:"-"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Provenance records what produced the verdicts, so an archived report can be
// traced to the rule set and schemas in force.
type Provenance struct {
	RulesSHA256   string `json:"rules_sha256"`
	SchemasSHA256 string `json:"schemas_sha256"`
	FailOn        string `json:"fail_on"`
}

// Bundle is the result for one input file.
type Bundle struct {
	Path string `json:"path"`
	// Detailed is the path of the detailed CSV paired with a VOSS ZIP, ""
	// if none: the file of the findings marked Beside. The JSON report of
	// schema_version 1 names it only by its base name, in their file.
	Detailed string            `json:"-"`
	Kind     string            `json:"kind"`
	SHA256   string            `json:"sha256"`
	Verdict  string            `json:"verdict"`
	Counts   Counts            `json:"counts"`
	Findings []finding.Finding `json:"findings"`
	Totals   *finding.Totals   `json:"totals,omitempty"`
}

// fileOf is the file on disk that finding f is on: the bundle, or the
// detailed CSV reconciled beside it for a finding about that CSV. ownLine
// says f.Line is a line of that very file, not of a member inside it.
func (b Bundle) fileOf(f finding.Finding) (path string, ownLine bool) {
	if f.Beside && b.Detailed != "" {
		return b.Detailed, true
	}
	return b.Path, f.File == ""
}

// Counts is the number of unwaived findings per severity.
type Counts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

func (c *Counts) add(s finding.Severity) {
	switch s {
	case finding.Error:
		c.Error++
	case finding.Warning:
		c.Warning++
	case finding.Info:
		c.Info++
	}
}

// Summary totals a run.
type Summary struct {
	Bundles int `json:"bundles"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Finalize sorts every bundle's findings (file, line, rule), counts the
// unwaived ones, sets each verdict against FailOn and fills the summary. Call
// it once the bundles are in place and before rendering.
func (r *Report) Finalize() {
	r.SchemaVersion = SchemaVersion
	r.Summary = Summary{Bundles: len(r.Bundles)}
	for i := range r.Bundles {
		b := &r.Bundles[i]
		if b.Findings == nil {
			b.Findings = []finding.Finding{}
		}
		SortFindings(b.Findings)
		b.Counts = Counts{}
		b.Verdict = Pass
		for _, f := range b.Findings {
			if f.Waived != "" {
				continue
			}
			b.Counts.add(f.Severity)
			if r.Fails(f) {
				b.Verdict = Fail
			}
		}
		if b.Verdict == Pass {
			r.Summary.Passed++
		} else {
			r.Summary.Failed++
		}
		r.Summary.Error += b.Counts.Error
		r.Summary.Warning += b.Counts.Warning
		r.Summary.Info += b.Counts.Info
	}
}

// Fails reports whether f fails its bundle: unwaived and at or above FailOn.
func (r *Report) Fails(f finding.Finding) bool {
	return f.Waived == "" && f.Severity >= r.FailOn
}

// SortFindings orders findings by file, line, rule, then location and
// message, so that reports diff cleanly between runs.
func SortFindings(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		return a.Message < b.Message
	})
}

// Failed reports whether any bundle failed.
func (r *Report) Failed() bool { return r.Summary.Failed > 0 }

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// Options are the presentation choices a renderer may honour.
type Options struct {
	// Color enables ANSI colour (the table only; decided by the caller from
	// the terminal and NO_COLOR).
	Color bool
	// Width is the table's width in columns (the table only): 0 for
	// TableWidth; the caller sets a terminal's width when writing to one.
	Width int
}

// Formats lists the format names New accepts.
var Formats = []string{"table", "json", "junit", "sarif", "markdown", "github"}

// New returns the renderer of the named format.
func New(format string, opts Options) (Renderer, error) {
	switch format {
	case "json":
		return JSON{}, nil
	}
	if mk, ok := renderers[format]; ok {
		return mk(opts), nil
	}
	return nil, fmt.Errorf("unknown report format %q (want one of %v)", format, Formats)
}

// renderers holds the constructors of the formats other than JSON; each
// format's file registers itself.
var renderers = map[string]func(Options) Renderer{}
