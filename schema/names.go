package schema

import (
	"regexp"
	"slices"
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

// vossExt is the extension each type has; a license is a .json in the ZIP
// and the ZIP itself is a license .zip. No type ends in another, nor in
// "legacy", so a name has at most one reading (see ParseVOSSName).
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
//
// The grammar is the regular expression
//
//	^vlf_(.+)_(license|patch|adaptation_log|anonymous_breakdown|anonymous|detailed)(_legacy)?_([0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{4})\.(json|csv|zip)(\.hash)?$
//
// read from its end, where every part but the stem has a fixed form: that
// is a few comparisons where the expression backtracked through the stem
// (two fifths of the time Collect took to list 500 bundles, 3% of
// verifying them). FuzzNames holds the two to the same results.
func ParseVOSSName(base string) (VOSSName, bool) {
	var n VOSSName
	rest, ok := strings.CutPrefix(base, "vlf_")
	if !ok {
		return VOSSName{}, false
	}
	rest, n.Hash = strings.CutSuffix(rest, ".hash")
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 {
		return VOSSName{}, false
	}
	rest, n.Ext = rest[:dot], rest[dot+1:]
	const stampLen = len(VOSSStampLayout)
	if len(rest) < stampLen+1 || rest[len(rest)-stampLen-1] != '_' || !isVOSSStamp(rest[len(rest)-stampLen:]) {
		return VOSSName{}, false
	}
	rest, n.Stamp = rest[:len(rest)-stampLen-1], rest[len(rest)-stampLen:]
	rest, n.Legacy = strings.CutSuffix(rest, "_legacy")
	var exts []string
	for typ, e := range vossExt {
		if stem, ok := strings.CutSuffix(rest, "_"+typ); ok && stem != "" {
			n.Stem, n.Type, exts = stem, typ, e
			break
		}
	}
	if !slices.Contains(exts, n.Ext) ||
		strings.IndexByte(n.Stem, '\n') >= 0 ||
		strings.HasPrefix(n.Stem, "_") || strings.HasSuffix(n.Stem, "_") {
		return VOSSName{}, false
	}
	return n, true
}

// isVOSSStamp reports whether s has the form of VOSSStampLayout: digits,
// with '-' at 4 and 7 and '_' at 10.
func isVOSSStamp(s string) bool {
	for i := range len(s) {
		switch i {
		case 4, 7:
			if s[i] != '-' {
				return false
			}
		case 10:
			if s[i] != '_' {
				return false
			}
		default:
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
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
