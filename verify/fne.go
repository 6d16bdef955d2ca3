package verify

import "github.com/licaudit/licaudit/finding"

// FlexNet Operations entitlement extract rules.
var (
	ruleFNEName = newRule("fne.name", finding.Error,
		"A ZIP or CSV name is off `Entitlements-`/`EntitlementsExtract-`/`MaintenanceLine-` + `YYYY-MM-DD-HH-MM-SS`.",
		"Keep the names FlexNet Operations wrote for the extract.")
	ruleFNEMemberMissing = newRule("fne.member-missing", finding.Error,
		"The entitlement or the maintenance CSV is absent from the extract.",
		"Download the extract ZIP again; it always holds both CSVs, header-only when nothing changed.")
	ruleFNEHeader = newRule("fne.header", finding.Error,
		"Fixed columns are missing or out of order, a tier block is incomplete, or an `LM[..|..]`/`CA[..|..]` column is malformed.",
		"Send the extract as FlexNet Operations wrote it; do not edit the header.")
	ruleFNEEntitlementID = newRule("fne.entitlement-id", finding.Error,
		"A row has an empty EntitlementID.",
		"Every row, including extra line items, repeats its EntitlementID.")
	ruleFNEActivationID = newRule("fne.activation-id", finding.Error,
		"A row has an empty ActivationId, or an ActivationId repeats within a file.",
		"Each row is one line item with its own ActivationId.")
	ruleFNEContinuation = newRule("fne.continuation", finding.Error,
		"An extra line-item row is not empty between EntitlementID and ActivationId, or is not next to its entitlement's rows.",
		"Send the extract unsorted and unedited: extra line items follow their entitlement's first row.")
	ruleFNEValue = newRule("fne.value", finding.Warning,
		"A boolean, integer or date cell does not parse.",
		"Check the value in FlexNet Operations; spreadsheets often rewrite dates when a CSV is saved.")
	ruleFNEDateFormatMixed = newRule("fne.date-format-mixed", finding.Warning,
		"ISO 8601 and legacy dates are mixed in one file.",
		"Keep one date convention per extract (the 'Use ISO 8601 time format in extracts' option).")
	ruleFNEMaintenanceLink = newRule("fne.maintenance-link", finding.Warning,
		"A maintenance row's LineItemLink is empty or not an ActivationId of the same extract.",
		"Nothing to fix if the linked line item was in an earlier extract; otherwise send the extract whole.")
)
