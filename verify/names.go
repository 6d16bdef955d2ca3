package verify

import "github.com/licaudit/licaudit/finding"

// Name rules: the file and directory names of the documented grammar.
var (
	ruleNamePattern = newRule("name.pattern", finding.Error,
		"A file or directory name is off the documented grammar.",
		"Keep the names the exporter wrote, such as vlf_<provider>_<host>_license_<YYYY-MM-DD_HHMM>.zip; do not rename files.")
	ruleNameMismatch = newRule("name.mismatch", finding.Error,
		"Provider, host or timestamp differ between the names of one bundle.",
		"Send the files of a single export together; do not mix files of different exports or rename them.")
	ruleNameTimestamp = newRule("name.timestamp", finding.Error,
		"The timestamp in a name is not a real date and time.",
		"Keep the timestamp the exporter wrote (YYYY-MM-DD_HHMM, UTC).")
)
