package schema

import (
	"strconv"
	"strings"
)

// The columns of a FlexNet Operations Entitlement Data Extract, as data.
//
// The entitlement CSV is: FlexNetEntitlementLeading, then any number of tier
// blocks (FlexNetTierFields, each prefixed "<Tier>|"), then
// FlexNetEntitlementTrailing, then license-model attribute columns
// "LM[<model>|<ATTRIBUTE>]" (and custom attributes "CA[<SCOPE>|<name>]").
// The maintenance CSV is FlexNetMaintenanceFixed, then custom attribute
// columns "CA[MAINT_LINE|<name>]".

// Column names the checks refer to.
const (
	FlexNetEntitlementID = "EntitlementID"
	FlexNetActivationID  = "ActivationId"
	FlexNetLineItemLink  = "LineItemLink"
)

// FlexNetEntitlementLeading are the fixed columns before the tier blocks.
var FlexNetEntitlementLeading = []string{
	"EntitlementID", "EntitlementState", "EntitlementDescription", "AllowPortalLogin", "ShipToEmail", "Address",
}

// FlexNetTierFields are the columns of one tier block, in order; each is
// written "<Tier>|<Field>".
var FlexNetTierFields = []string{
	"Account", "AccountName", "UserName", "UserFirstName", "UserLastName", "UserEmail", "UserPhone",
}

// FlexNetEntitlementTrailing are the fixed columns after the tier blocks,
// from CurrentOwner to LicenseModel.
var FlexNetEntitlementTrailing = []string{
	"CurrentOwner", "ActivationId", "ActivationState", "LineItemQuantity", "OrderLineNumber", "OrderId",
	"StartDateType", "StartDate", "IsActivationPermanent", "EndDate", "EndDurationUnits", "EndDuration",
	"VersionDateType", "VersionDate", "VersionDurationUnits", "VersionDuration", "OrderType", "OrderParent",
	"LineItemDescription", "ProductName", "ProductVersion", "ProductType", "ProductCount", "PartNumber", "LicenseModel",
}

// FlexNetMaintenanceFixed are the fixed columns of the maintenance CSV.
var FlexNetMaintenanceFixed = []string{
	"EntitlementID", "EntitlementState", "EntitlementDescription", "AllowPortalLogin", "ShipToEmail", "Address",
	"ActivationId", "LineItemLink", "ActivationState", "ProductName", "ProductVersion", "PartNumber",
	"OrderLineNumber", "OrderId", "StartDate", "IsActivationPermanent", "EndDate",
}

// FlexNetTierName returns the default name of the i-th tier block
// (0-based): "End Customer", then "Partner Tier 1", "Partner Tier 2", ...
// Tier names are configurable in FlexNet Operations, so the checks accept
// any name; these are what the generator writes.
func FlexNetTierName(i int) string {
	if i == 0 {
		return "End Customer"
	}
	return "Partner Tier " + strconv.Itoa(i)
}

// FlexNetValueKind is the type of a column's cells, for fne.value.
type FlexNetValueKind int

// Value kinds. Text columns are not checked.
const (
	FlexNetText FlexNetValueKind = iota
	FlexNetBoolean
	FlexNetInteger
	FlexNetDate
)

// FlexNetColumnKinds gives the type of the typed fixed columns of both CSVs.
// Custom attributes carry no declared type and are not checked.
var FlexNetColumnKinds = map[string]FlexNetValueKind{
	"AllowPortalLogin":      FlexNetBoolean,
	"IsActivationPermanent": FlexNetBoolean,
	"LineItemQuantity":      FlexNetInteger,
	"EndDuration":           FlexNetInteger,
	"VersionDuration":       FlexNetInteger,
	"ProductCount":          FlexNetInteger,
	"StartDate":             FlexNetDate,
	"EndDate":               FlexNetDate,
	"VersionDate":           FlexNetDate,
}

// Attribute column prefixes.
const (
	// FlexNetLicenseModelPrefix starts "LM[<model>|<ATTRIBUTE>]".
	FlexNetLicenseModelPrefix = "LM["
	// FlexNetCustomAttributePrefix starts "CA[<SCOPE>|<name>]".
	FlexNetCustomAttributePrefix = "CA["
	// FlexNetMaintenanceScope is the custom-attribute scope of
	// maintenance line items.
	FlexNetMaintenanceScope = "MAINT_LINE"
)

// FlexNetAttribute is a parsed "LM[..|..]" or "CA[..|..]" column name.
type FlexNetAttribute struct {
	// Prefix is FlexNetLicenseModelPrefix or FlexNetCustomAttributePrefix.
	Prefix string
	// Owner is the license model (LM) or the scope (CA).
	Owner string
	// Name is the attribute's name.
	Name string
}

// IsFlexNetAttributeColumn tells whether a column name is meant as an
// attribute column (it starts "LM[" or "CA["), well-formed or not.
func IsFlexNetAttributeColumn(name string) bool {
	return strings.HasPrefix(name, FlexNetLicenseModelPrefix) || strings.HasPrefix(name, FlexNetCustomAttributePrefix)
}

// ParseFlexNetAttribute parses an attribute column name. On failure it
// returns why, in words for a finding ("" on success). The grammar is
// PREFIX OWNER "|" NAME "]" where OWNER and NAME are non-empty, hold no
// "|", "[" or "]", and do not start or end with a space; a CA scope is
// upper-case letters, digits and underscores (MAINT_LINE, ACCT, USER).
func ParseFlexNetAttribute(col string) (FlexNetAttribute, string) {
	var a FlexNetAttribute
	switch {
	case strings.HasPrefix(col, FlexNetLicenseModelPrefix):
		a.Prefix = FlexNetLicenseModelPrefix
	case strings.HasPrefix(col, FlexNetCustomAttributePrefix):
		a.Prefix = FlexNetCustomAttributePrefix
	default:
		return a, "it does not start with LM[ or CA["
	}
	what := "license model"
	if a.Prefix == FlexNetCustomAttributePrefix {
		what = "scope"
	}
	body, closed := strings.CutSuffix(col[len(a.Prefix):], "]")
	if !closed {
		return a, "it does not end with ]"
	}
	owner, name, ok := strings.Cut(body, "|")
	if !ok {
		return a, "it lacks the | between the " + what + " and the attribute name"
	}
	if bad := attributePart(owner); bad != "" {
		return a, "its " + what + " " + bad
	}
	if bad := attributePart(name); bad != "" {
		return a, "its attribute name " + bad
	}
	if a.Prefix == FlexNetCustomAttributePrefix {
		for _, r := range owner {
			if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
				return a, "its scope " + quote(owner) + " is not an upper-case scope such as MAINT_LINE, ACCT or USER"
			}
		}
	}
	a.Owner, a.Name = owner, name
	return a, ""
}

func attributePart(s string) string {
	switch {
	case s == "":
		return "is empty"
	case strings.ContainsAny(s, "|[]"):
		return "holds a |, [ or ]"
	case strings.TrimSpace(s) != s:
		return "starts or ends with a space"
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

// String writes the column name back.
func (a FlexNetAttribute) String() string { return a.Prefix + a.Owner + "|" + a.Name + "]" }

// FlexNetTierColumn splits a tier column "<Tier>|<Field>"; ok is false when
// the name holds no "|" or is an attribute column.
func FlexNetTierColumn(col string) (tier, field string, ok bool) {
	if IsFlexNetAttributeColumn(col) {
		return "", "", false
	}
	i := strings.LastIndexByte(col, '|')
	if i < 0 {
		return "", "", false
	}
	return col[:i], col[i+1:], true
}

// IsFlexNetTierField tells whether field is one of FlexNetTierFields and
// returns its position in a block.
func IsFlexNetTierField(field string) (int, bool) {
	for i, f := range FlexNetTierFields {
		if f == field {
			return i, true
		}
	}
	return -1, false
}

// FlexNetEntitlementHeader builds the header of an entitlement CSV with the
// given tier names and attribute columns.
func FlexNetEntitlementHeader(tiers []string, attributes []FlexNetAttribute) []string {
	h := append([]string(nil), FlexNetEntitlementLeading...)
	for _, t := range tiers {
		for _, f := range FlexNetTierFields {
			h = append(h, t+"|"+f)
		}
	}
	h = append(h, FlexNetEntitlementTrailing...)
	for _, a := range attributes {
		h = append(h, a.String())
	}
	return h
}

// FlexNetMaintenanceHeader builds the header of a maintenance CSV with the
// given custom attribute columns.
func FlexNetMaintenanceHeader(attributes []FlexNetAttribute) []string {
	h := append([]string(nil), FlexNetMaintenanceFixed...)
	for _, a := range attributes {
		h = append(h, a.String())
	}
	return h
}

// FlexNetEntitlementFileName is the entitlement CSV's name for a stamp
// (YYYY-MM-DD-HH-MM-SS).
func FlexNetEntitlementFileName(stamp string) string {
	return FlexNetEntitlementPrefix + stamp + ".csv"
}

// FlexNetMaintenanceFileName is the maintenance CSV's name.
func FlexNetMaintenanceFileName(stamp string) string {
	return FlexNetMaintenancePrefix + stamp + ".csv"
}

// FlexNetZipFileName is the extract ZIP's name.
func FlexNetZipFileName(stamp string) string { return FlexNetZipPrefix + stamp + ".zip" }
