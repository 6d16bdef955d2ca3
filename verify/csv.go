package verify

import "github.com/licaudit/licaudit/finding"

// CSV rules shared by every CSV member of either format.
var (
	ruleCSVEncoding = newRule("csv.encoding", finding.Error,
		"A CSV holds invalid UTF-8 or a NUL byte (a byte-order mark is reported as info).",
		"Export the CSV again as UTF-8; do not save it from a spreadsheet in another encoding.")
	ruleCSVSyntax = newRule("csv.syntax", finding.Error,
		"A CSV has an unterminated or stray quote, or a line beyond the row length limit.",
		"Re-run the export; a quote inside a field must be doubled and the field quoted.")
	ruleCSVHeader = newRule("csv.header", finding.Error,
		"The CSV header row is missing, or a column name is blank or repeated.",
		"Re-run the export; the first row after the metadata lines names every column once.")
	ruleCSVRaggedRow = newRule("csv.ragged-row", finding.Error,
		"A row has a different number of fields than the header.",
		"Re-run the export; quote fields that contain commas.")
	ruleCSVFormulaInjection = newRule("csv.formula-injection", finding.Warning,
		"A cell starts with `=`, `+`, `-`, `@`, tab or CR and is not a number: a spreadsheet would run it as a formula.",
		"Remove the leading character or prefix the value with a single quote before sending.")
	ruleCSVBOM = newRule("csv.bom", finding.Info,
		"A CSV starts with a UTF-8 byte-order mark.",
		"Nothing to fix; the byte-order mark is tolerated but not needed.")
	ruleCSVLineEndings = newRule("csv.line-endings", finding.Info,
		"A CSV mixes CRLF and LF line endings.",
		"Nothing to fix if the file came from the exporter; mixed endings suggest it was edited.")
)
