package bundle

import (
	"path/filepath"
	"strings"

	"github.com/licaudit/licaudit/schema"
)

// Kind is what a received file is, as reported in the "kind" field.
type Kind string

// The kinds of input licaudit knows.
const (
	VOSSLicense  Kind = "voss-license"
	VOSSDetailed Kind = "voss-detailed"
	FlexNet      Kind = "flexnet-entitlements"
	Unknown      Kind = "unknown"
)

// KindOf tells the kind of a file from its name alone. A ZIP whose name is
// off both grammars is Unknown here; KindOfEntries may still recognise it.
func KindOf(path string) Kind {
	base := filepath.Base(path)
	if n, ok := schema.ParseVOSSName(base); ok && !n.Hash {
		switch {
		case n.Type == schema.TypeLicense && n.Ext == "zip":
			return VOSSLicense
		case n.Type == schema.TypeDetailed:
			return VOSSDetailed
		}
	}
	if _, ok := schema.ParseFlexNetName(base); ok {
		return FlexNet
	}
	return Unknown
}

// KindOfEntries recognises a misnamed ZIP by what it holds: a VOSS export
// directory, or a FlexNet extract CSV.
func KindOfEntries(names []string) Kind {
	for _, n := range names {
		dir, _, _ := strings.Cut(n, "/")
		if strings.HasSuffix(dir, "_license") || strings.HasPrefix(filepath.Base(n), "vlf_") {
			return VOSSLicense
		}
		base := filepath.Base(n)
		if strings.HasPrefix(base, schema.FlexNetEntitlementPrefix) || strings.HasPrefix(base, schema.FlexNetMaintenancePrefix) {
			return FlexNet
		}
	}
	return Unknown
}
