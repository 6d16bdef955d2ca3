package schema

import (
	"regexp"
	"strings"
	"time"
)

// VOSS file types, the word before the timestamp in a vlf_ name.
const (
	TypeLicense            = "license"
	TypePatch              = "patch"
	TypeAdaptationLog      = "adaptation_log"
	TypeAnonymous          = "anonymous"
	TypeAnonymousBreakdown = "anonymous_breakdown"
	TypeDetailed           = "detailed"
)

// VOSSStampLayout is the time layout of <ts> in VOSS names (UTC).
const VOSSStampLayout = "2006-01-02_1504"

// VOSSName is a parsed vlf_<provider>_<host>_<type>[_legacy]_<ts>.<ext>[.hash]
// name. Provider and host are kept together as Stem: both are free text and
// may hold underscores, so only the whole <provider>_<host> string can be
// compared between the names of one bundle.
type VOSSName struct {
	Stem   string // <provider>_<host>
	Type   string // one of the Type* constants
	Legacy bool   // the _legacy form of older releases
	Stamp  string // <ts> as written
	Ext    string // "json", "csv" or "zip"
	Hash   bool   // a .hash sidecar of that file
}

var vossName = regexp.MustCompile(`^vlf_(.+)_(license|patch|adaptation_log|anonymous_breakdown|anonymous|detailed)(_legacy)?_([0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{4})\.(json|csv|zip)(\.hash)?$`)

// vossExt is the extension each type has; a license is a .json in the ZIP
// and the ZIP itself is a license .zip.
var vossExt = map[string][]string{
	TypeLicense:            {"json", "zip"},
	TypePatch:              {"json"},
	TypeAdaptationLog:      {"json"},
	TypeAnonymous:          {"csv"},
	TypeAnonymousBreakdown: {"csv"},
	TypeDetailed:           {"csv"},
}

// ParseVOSSName parses a base name. It reports false for a name off the
// grammar, including a type with the wrong extension; the timestamp's digits
// are not checked to be a real date here (see VOSSName.Time).
func ParseVOSSName(base string) (VOSSName, bool) {
	m := vossName.FindStringSubmatch(base)
	if m == nil {
		return VOSSName{}, false
	}
	n := VOSSName{Stem: m[1], Type: m[2], Legacy: m[3] != "", Stamp: m[4], Ext: m[5], Hash: m[6] != ""}
	ok := false
	for _, ext := range vossExt[n.Type] {
		ok = ok || ext == n.Ext
	}
	if !ok || strings.HasPrefix(n.Stem, "_") || strings.HasSuffix(n.Stem, "_") {
		return VOSSName{}, false
	}
	return n, true
}

// String writes the name back.
func (n VOSSName) String() string {
	s := "vlf_" + n.Stem + "_" + n.Type
	if n.Legacy {
		s += "_legacy"
	}
	s += "_" + n.Stamp + "." + n.Ext
	if n.Hash {
		s += ".hash"
	}
	return s
}

// Time parses the timestamp; it fails for digits that are no real date and
// time (2026-02-30_2561).
func (n VOSSName) Time() (time.Time, error) { return time.Parse(VOSSStampLayout, n.Stamp) }

// VOSSFileName builds the name of a file of an export.
func VOSSFileName(stem, typ, stamp, ext string) string {
	return VOSSName{Stem: stem, Type: typ, Stamp: stamp, Ext: ext}.String()
}

var vossDir = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{4})_license/$`)

// ParseVOSSDir parses the "<ts>_license/" directory of a VOSS ZIP (with its
// trailing slash) and returns <ts>.
func ParseVOSSDir(dir string) (string, bool) {
	m := vossDir.FindStringSubmatch(dir)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// VOSSDir is the directory of the members of an export stamped stamp.
func VOSSDir(stamp string) string { return stamp + "_license/" }

// FlexNet extract names: <prefix>YYYY-MM-DD-HH-MM-SS.<ext>.
const (
	FlexNetZipPrefix         = "Entitlements-"
	FlexNetEntitlementPrefix = "EntitlementsExtract-"
	FlexNetMaintenancePrefix = "MaintenanceLine-"
	FlexNetStampLayout       = "2006-01-02-15-04-05"
)

var flexNetName = regexp.MustCompile(`^(Entitlements-|EntitlementsExtract-|MaintenanceLine-)([0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2})\.(zip|csv)$`)

// FlexNetName is a parsed FlexNet extract name.
type FlexNetName struct {
	Prefix string // one of the FlexNet*Prefix constants
	Stamp  string
	Ext    string
}

// ParseFlexNetName parses a base name; the ZIP prefix goes with .zip and the
// two CSV prefixes with .csv.
func ParseFlexNetName(base string) (FlexNetName, bool) {
	m := flexNetName.FindStringSubmatch(base)
	if m == nil {
		return FlexNetName{}, false
	}
	n := FlexNetName{Prefix: m[1], Stamp: m[2], Ext: m[3]}
	if (n.Prefix == FlexNetZipPrefix) != (n.Ext == "zip") {
		return FlexNetName{}, false
	}
	return n, true
}

// Time parses the timestamp.
func (n FlexNetName) Time() (time.Time, error) { return time.Parse(FlexNetStampLayout, n.Stamp) }
