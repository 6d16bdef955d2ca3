package verify

import "github.com/licaudit/licaudit/finding"

// Member rules: which files a VOSS bundle holds and where.
var (
	ruleMemberMissing = newRule("member.missing", finding.Error,
		"The license JSON, patch log, adaptation log or anonymous CSV is absent.",
		"Send the complete ZIP the exporter wrote; re-run the export if a file is missing.")
	ruleMemberOutsideDirectory = newRule("member.outside-directory", finding.Error,
		"A member is not under the `<ts>_license/` directory.",
		"Keep the directory layout of the export: every file sits in <YYYY-MM-DD_HHMM>_license/.")
	ruleMemberUnexpected = newRule("member.unexpected", finding.Warning,
		"The bundle holds a member the documented layout does not know.",
		"Remove files that the exporter did not write.")
	ruleMemberDetailedCSV = newRule("member.detailed-csv", finding.Error,
		"The customer-identifying detailed CSV is inside the ZIP.",
		"Remove the detailed CSV from the ZIP: it is for the partner's internal use and must not be sent.")
	ruleMemberEmpty = newRule("member.empty", finding.Error,
		"A JSON or CSV member has zero bytes.",
		"Re-run the export; an empty file means the export was interrupted.")
)
