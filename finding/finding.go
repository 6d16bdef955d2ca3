// Package finding is the vocabulary shared by the checks and the reports:
// severities, rule descriptions and the findings a check emits.
//
// It sits below both verify (which produces findings) and report (which
// renders them), so that neither depends on the other.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Severity orders findings. The zero value is Info.
type Severity int

// Severities, from least to most serious. Off is only used by configuration
// to switch a rule off; no finding carries it.
const (
	Info Severity = iota
	Warning
	Error
	Off Severity = -1
)

// String returns the lower-case name used in reports and configuration.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	case Off:
		return "off"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "error", "warning", "info" or "off" (any case).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	case "off":
		return Off, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want error, warning, info or off)", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Rule describes one check of the public catalogue. IDs are stable: users
// put them in configurations and waivers.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"default_severity"`
	// Summary is the one-line description of what the rule finds.
	Summary string `json:"description"`
	// Hint tells the sender how to fix what the rule finds.
	Hint string `json:"fix_hint"`
}

// Family is the part of the id before the first dot ("zip", "hash", ...).
func (r Rule) Family() string {
	fam, _, _ := strings.Cut(r.ID, ".")
	return fam
}

// Finding is one problem found in one bundle.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// File is the member path inside the ZIP, or "" for the bundle itself.
	File string `json:"file"`
	// Line is 1-based where the member is line-oriented, 0 otherwise.
	Line int `json:"line"`
	// Location is a CSV column name or a JSON pointer, "" when not applicable.
	Location    string `json:"location"`
	Message     string `json:"message"`
	Fingerprint string `json:"fingerprint"`
	// Waived holds the reason of the waiver that matched, if any. A waived
	// finding is reported but not counted.
	Waived string `json:"waived,omitempty"`
	// Beside says File is not a member but the detailed CSV reconciled
	// beside the ZIP, named by its base name (see the bundle's Detailed
	// path in package report). The JSON report of schema_version 1 has no
	// place for it; SARIF and GitHub annotations point at that file.
	Beside bool `json:"-"`

	// Subject distinguishes findings of one rule at one place for the
	// fingerprint (a column, a value's key) without depending on the
	// message wording or on redaction. It is not reported.
	Subject string `json:"-"`
}

// Fingerprint computes a stable identifier for waivers from the bundle's base
// name and what the finding is about. It does not depend on the message, on
// the line (rows move between exports) unless the subject carries it, or on
// whether values are redacted.
func Fingerprint(bundleName string, f Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Rule, bundleName, f.File, f.Location, f.Subject} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Totals summarises the customer counts of the VOSS CSVs of one bundle, so a
// partner can see at a glance that the detailed and anonymous CSVs agree.
type Totals struct {
	// Columns are the count columns, in the anonymous CSV's order.
	Columns   []string   `json:"columns"`
	Anonymous *CSVTotals `json:"anonymous,omitempty"`
	Detailed  *CSVTotals `json:"detailed,omitempty"`
}

// CSVTotals is the number of customers and the sum of each count column of
// one CSV.
type CSVTotals struct {
	Customers int              `json:"customers"`
	Sums      map[string]int64 `json:"sums"`
}
