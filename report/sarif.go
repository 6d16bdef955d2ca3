package report

import (
	"io"
	"net/url"
	"strings"

	"github.com/licaudit/licaudit/finding"
)

func init() {
	renderers["sarif"] = func(Options) Renderer { return SARIF{} }
}

// SARIF renders the report as a SARIF 2.1.0 log with one run, for GitHub
// code scanning and other SARIF viewers.
//
// Locations. A finding is usually about a member inside a ZIP, which is not
// a file of the repository the log is uploaded for, and GitHub code scanning
// drops or cannot place a result whose primary location is not a repository
// file. So:
//
//   - the primary location (locations[0]) is always the bundle file
//     (artifactLocation.uri = the bundle path as given, which is what is in
//     the repository), with region.startLine only when the line is a line of
//     that very file (a detailed CSV verified on its own); a member's line
//     numbers would be meaningless lines of a ZIP;
//   - the member is described the SARIF way as well: run.artifacts lists each
//     bundle (with its SHA-256) and each member with findings as a nested
//     artifact (parentIndex = its bundle, uri = its path inside the ZIP), and
//     the result's relatedLocations[0] points at that nested artifact with
//     region.startLine = the member line, for viewers that follow it;
//   - message.text starts with "member:line [location]:", so the place is
//     readable wherever only the message is shown (GitHub's alert list).
//
// Waived findings are reported with an external suppression carrying the
// waiver's reason, which GitHub shows as a dismissed alert.
type SARIF struct{}

// SARIFSchemaURI is the $schema of the log: the OASIS-published schema of
// SARIF 2.1.0 (errata 01).
const SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// InformationURI is the tool's home page, named in SARIF logs.
const InformationURI = "https://github.com/licaudit/licaudit"

// FingerprintKey names licaudit's fingerprint in partialFingerprints. The
// version suffix lets the fingerprint's definition change without matching
// old alerts to new ones by accident.
const FingerprintKey = "licaudit/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool       `json:"tool"`
	Artifacts  []sarifArtifact `json:"artifacts,omitempty"`
	Results    []sarifResult   `json:"results"`
	Properties map[string]any  `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	ShortDescription     *sarifText         `json:"shortDescription,omitempty"`
	FullDescription      *sarifText         `json:"fullDescription,omitempty"`
	Help                 *sarifText         `json:"help,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           *sarifRuleProps    `json:"properties,omitempty"`
}

type sarifConfiguration struct {
	Enabled *bool  `json:"enabled,omitempty"`
	Level   string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifArtifact struct {
	Location    sarifArtifactLocation `json:"location"`
	ParentIndex *int                  `json:"parentIndex,omitempty"`
	Hashes      map[string]string     `json:"hashes,omitempty"`
	Roles       []string              `json:"roles,omitempty"`
}

type sarifArtifactLocation struct {
	URI   string `json:"uri"`
	Index int    `json:"index"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifSuppress struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// Render implements Renderer.
func (SARIF) Render(w io.Writer, r *Report) error {
	ids := ruleIDs(r.Rules, allFindings(r))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           nonEmpty(r.Tool.Name, "licaudit"),
			Version:        r.Tool.Version,
			InformationURI: InformationURI,
			Rules:          sarifRules(r.Rules, ids),
		}},
		Results: []sarifResult{},
	}
	if r.Provenance != nil {
		run.Properties = map[string]any{"licaudit/provenance": r.Provenance}
	}
	arts := sarifArtifacts{index: map[artifactKey]int{}}
	for _, b := range r.Bundles {
		bundleIdx := arts.file(b.Path, b.SHA256)
		for _, f := range b.Findings {
			path, ownLine := b.fileOf(f)
			line := 0
			if ownLine {
				line = f.Line
			}
			res := sarifResult{
				RuleID:    f.Rule,
				RuleIndex: index[f.Rule],
				Level:     sarifLevel(f.Severity),
				// Viewers show the text as is: escape what a hostile
				// member name could carry (the JSON report keeps it raw).
				Message:   sarifText{Text: cleanText(describe(f))},
				Locations: []sarifLocation{{PhysicalLocation: arts.at(arts.file(path, ""), line)}},
			}
			// The related location is what the result's file holds or
			// sits beside: the member, or the ZIP the detailed CSV was
			// reconciled with.
			one := 1
			switch {
			case path != b.Path:
				res.RelatedLocations = []sarifLocation{{ID: &one, PhysicalLocation: arts.at(bundleIdx, 0),
					Message: &sarifText{Text: "reconciled with " + baseName(b.Path)}}}
			case f.File != "":
				res.RelatedLocations = []sarifLocation{{ID: &one, PhysicalLocation: arts.at(arts.member(b.Path, bundleIdx, f.File), f.Line),
					Message: &sarifText{Text: "member of " + baseName(b.Path)}}}
			}
			if f.Fingerprint != "" {
				res.PartialFingerprints = map[string]string{FingerprintKey: f.Fingerprint}
			}
			if f.Waived != "" {
				res.Suppressions = []sarifSuppress{{Kind: "external", Justification: f.Waived}}
			}
			run.Results = append(run.Results, res)
		}
	}
	run.Artifacts = arts.list
	return encodeIndented(w, sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}})
}

// artifactKey names an artifact: a file on disk (member ""), or a member
// of the bundle file.
type artifactKey struct{ file, member string }

// sarifArtifacts lists each artifact once, even when a path was given
// twice, in the order first met.
type sarifArtifacts struct {
	list  []sarifArtifact
	index map[artifactKey]int
}

// file is the index of the artifact of a file on disk (a bundle, or the
// detailed CSV beside one), an analysis target; sha256 is its digest, ""
// when unknown.
func (a *sarifArtifacts) file(path, sha256 string) int {
	key := artifactKey{file: path}
	if i, ok := a.index[key]; ok {
		if sha256 != "" && a.list[i].Hashes == nil {
			a.list[i].Hashes = map[string]string{"sha-256": sha256}
		}
		return i
	}
	art := sarifArtifact{Location: sarifArtifactLocation{URI: pathURI(path), Index: len(a.list)}, Roles: []string{"analysisTarget"}}
	if sha256 != "" {
		art.Hashes = map[string]string{"sha-256": sha256}
	}
	return a.add(key, art)
}

// member is the index of the artifact of member name inside the bundle
// file whose artifact is parent.
func (a *sarifArtifacts) member(bundle string, parent int, name string) int {
	key := artifactKey{file: bundle, member: name}
	if i, ok := a.index[key]; ok {
		return i
	}
	return a.add(key, sarifArtifact{Location: sarifArtifactLocation{URI: memberURI(name), Index: len(a.list)}, ParentIndex: &parent})
}

func (a *sarifArtifacts) add(key artifactKey, art sarifArtifact) int {
	a.index[key] = len(a.list)
	a.list = append(a.list, art)
	return art.Location.Index
}

// at is the location of artifact i, at line when line > 0.
func (a *sarifArtifacts) at(i, line int) sarifPhysicalLocation {
	loc := sarifPhysicalLocation{ArtifactLocation: a.list[i].Location}
	if line > 0 {
		loc.Region = &sarifRegion{StartLine: line}
	}
	return loc
}

// sarifRules describes each rule of ids: from the catalogue where it has
// the rule, by id alone otherwise (a result's ruleIndex must point at a
// descriptor).
func sarifRules(catalogue []finding.Rule, ids []string) []sarifRule {
	byID := make(map[string]finding.Rule, len(catalogue))
	for _, r := range catalogue {
		if _, dup := byID[r.ID]; !dup {
			byID[r.ID] = r
		}
	}
	out := make([]sarifRule, 0, len(ids))
	for _, id := range ids {
		r, ok := byID[id]
		d := sarifRule{ID: id, DefaultConfiguration: sarifConfiguration{Level: "warning"}}
		if ok {
			d.DefaultConfiguration.Level = sarifLevel(r.Severity)
			if r.Severity == finding.Off {
				off := false
				d.DefaultConfiguration.Enabled = &off
			}
			if r.Summary != "" {
				d.ShortDescription = &sarifText{Text: r.Summary}
				full := strings.TrimSuffix(r.Summary, ".") + "."
				if r.Hint != "" {
					full += " Fix: " + r.Hint
				}
				d.FullDescription = &sarifText{Text: full}
			}
			if r.Hint != "" {
				d.Help = &sarifText{Text: r.Hint}
			}
			d.Properties = &sarifRuleProps{Tags: []string{r.Family()}}
		}
		out = append(out, d)
	}
	return out
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	case finding.Info:
		return "note"
	}
	return "none"
}

// pathURI turns a file path into a relative URI reference: slashes for
// Windows separators, and percent-encoding for spaces, '%', '#', '?' and
// anything else a URI cannot hold, as SARIF requires a valid URI and a path
// from a partner may contain any of those.
func pathURI(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	u := (&url.URL{Path: p}).EscapedPath()
	// A relative path whose first segment has a colon ("C:/x", "a:b/c")
	// would read as a scheme; "./" keeps it a path.
	if first, _, _ := strings.Cut(u, "/"); strings.Contains(first, ":") {
		u = "./" + u
	}
	return u
}

// memberURI is pathURI for the name of a member, which the bundle chose: a
// name that starts with two slashes (or backslashes) would make a
// network-path reference, "//host/x", which a SARIF viewer resolves to
// another machine. One slash is kept; the finding's message quotes the
// name as it is. (A bundle path may be a Windows share, \\server\share,
// and keeps its two.)
func memberURI(name string) string {
	u := pathURI(name)
	if strings.HasPrefix(u, "//") {
		u = "/" + strings.TrimLeft(u, "/")
	}
	return u
}

// allFindings is every finding of the report, for rule lookups.
func allFindings(r *Report) []finding.Finding {
	var fs []finding.Finding
	for _, b := range r.Bundles {
		fs = append(fs, b.Findings...)
	}
	return fs
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
