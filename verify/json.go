package verify

import "github.com/licaudit/licaudit/finding"

// JSON rules: syntax, duplicate keys, limits and schema of JSON members.
var (
	ruleJSONSyntax = newRule("json.syntax", finding.Error,
		"A JSON member is not valid JSON: a syntax error, trailing data, a byte-order mark or invalid UTF-8.",
		"Re-run the export; do not edit the JSON by hand.")
	ruleJSONDuplicateKey = newRule("json.duplicate-key", finding.Error,
		"An object has the same key twice; parsers disagree which value wins.",
		"Re-run the export; each object key must appear once.")
	ruleJSONLimitExceeded = newRule("json.limit-exceeded", finding.Error,
		"A JSON member's nesting depth or size is beyond the configured limits.",
		"Check the file is a real export; if it is, raise limits.json in the configuration.")
	ruleJSONSchema = newRule("json.schema", finding.Error,
		"A JSON member violates its JSON Schema (location is a JSON pointer).",
		"Re-run the export; if the vendor changed the format, drop its schema into --schema-dir.")
)

// Meta rules: the meta block of the license JSON.
var (
	ruleMetaDatetime = newRule("meta.datetime", finding.Error,
		"`meta.datetime` of the license JSON is missing or not a date and time.",
		"Re-run the export; meta.datetime must be an ISO 8601 timestamp.")
	ruleMetaDatetimeMismatch = newRule("meta.datetime-mismatch", finding.Warning,
		"`meta.datetime` is far from the timestamp in the file names (tolerance configurable).",
		"Send the files of one export together, unrenamed; adjust meta.datetime tolerance if your exporter audits ahead of saving.")
	ruleMetaExportIdentifier = newRule("meta.export-identifier", finding.Error,
		"`meta.export_identifier` is missing or not a UUID.",
		"Re-run the export; each export carries a UUID export_identifier.")
	ruleMetaPipelineType = newRule("meta.pipeline-type", finding.Error,
		"`meta.pipeline_type_name` is not `license_initial_audit`.",
		"Send the license audit export (pipeline license_initial_audit), not another pipeline's output.")
)
