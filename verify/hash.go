package verify

import "github.com/licaudit/licaudit/finding"

// Hash rules: the .hash sidecar of each JSON and CSV member.
var (
	ruleHashMissing = newRule("hash.missing", finding.Error,
		"A JSON or CSV member has no `.hash` file.",
		"Send the .hash files the exporter wrote alongside each JSON and CSV file.")
	ruleHashOrphan = newRule("hash.orphan", finding.Warning,
		"A `.hash` file names a member that is absent.",
		"Send the file the .hash belongs to, or remove the stray .hash.")
	ruleHashMalformed = newRule("hash.malformed", finding.Error,
		"A `.hash` file is not a bare hex digest, a GNU `sha256sum` line or a BSD tag line.",
		"Regenerate the .hash with the exporter (or `sha256sum FILE > FILE.hash`).")
	ruleHashWrongTarget = newRule("hash.wrong-target", finding.Error,
		"The digest line names a file other than the one the `.hash` belongs to.",
		"Regenerate the .hash for the file it is named after.")
	ruleHashMismatch = newRule("hash.mismatch", finding.Error,
		"The digest does not match the member's content: it changed after export or was damaged.",
		"Regenerate the export; never edit a file after its .hash was written.")
	ruleHashWeakAlgorithm = newRule("hash.weak-algorithm", finding.Warning,
		"The digest is MD5 or SHA-1, which no longer protect against deliberate changes.",
		"Use SHA-256 digests (the exporter's default).")
)
