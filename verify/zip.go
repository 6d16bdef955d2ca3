package verify

import (
	"fmt"
	"strings"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/finding"
)

// Container rules: what the ZIP itself may and may not be.
var (
	ruleZipUnreadable = newRule("zip.unreadable", finding.Error,
		"The file is not a ZIP, is truncated, or its central directory or an entry's data is broken.",
		"Send the ZIP again exactly as the exporter wrote it; check the transfer used binary mode and completed.")
	ruleZipUnsafePath = newRule("zip.unsafe-path", finding.Error,
		"An entry name is absolute, climbs with `..`, uses a backslash or drive letter, or holds a NUL or control character.",
		"Build the ZIP from inside the export directory so every name is relative and uses forward slashes.")
	ruleZipDuplicateEntry = newRule("zip.duplicate-entry", finding.Error,
		"Two entries have the same name, or names equal after case folding or Unicode NFC normalisation.",
		"Rebuild the ZIP so that each file appears once; unpackers disagree on which copy wins.")
	ruleZipSymlink = newRule("zip.symlink", finding.Error,
		"An entry is a symbolic link.",
		"Add the file itself to the ZIP, not a link to it.")
	ruleZipEncrypted = newRule("zip.encrypted", finding.Error,
		"An entry is encrypted.",
		"Send the bundle without ZIP encryption; protect it in transit instead (SFTP).")
	ruleZipUnsupportedMethod = newRule("zip.unsupported-method", finding.Error,
		"An entry uses a compression method other than store or deflate.",
		"Rebuild the ZIP with standard deflate compression.")
	ruleZipCRCMismatch = newRule("zip.crc-mismatch", finding.Error,
		"An entry's content does not match its CRC-32: the ZIP was damaged after it was written.",
		"Copy the original bundle again from the exporting system; do not edit files inside the ZIP.")
	ruleZipHeaderMismatch = newRule("zip.header-mismatch", finding.Error,
		"An entry's local header disagrees with the central directory (name or sizes).",
		"Rebuild the ZIP with a standard tool; a mismatch means it was altered or crafted.")
	ruleZipOverlappingEntries = newRule("zip.overlapping-entries", finding.Error,
		"Two entries share bytes of the archive, as in an overlapped zip bomb.",
		"Rebuild the ZIP with a standard tool; overlapping entries are never produced by the exporter.")
	ruleZipLimitExceeded = newRule("zip.limit-exceeded", finding.Error,
		"The entry count, the total or per-entry uncompressed size, or the compression ratio is beyond the configured limits.",
		"Check the bundle is a real export; if it is, raise the limit in the configuration (limits.zip).")
	ruleZipNestedArchive = newRule("zip.nested-archive", finding.Warning,
		"The bundle holds another archive.",
		"Send the export's files directly in the bundle, not wrapped in another archive.")
	ruleZipJunkEntry = newRule("zip.junk-entry", finding.Warning,
		"The bundle holds desktop clutter such as `__MACOSX/`, `.DS_Store`, `Thumbs.db` or `desktop.ini`.",
		"Build the ZIP on the exporting system, or exclude desktop metadata when zipping.")
)

// preflightRules maps what the container layer found to its rule.
var preflightRules = map[bundle.ProblemKind]*finding.Rule{
	bundle.Unreadable:         ruleZipUnreadable,
	bundle.UnsafePath:         ruleZipUnsafePath,
	bundle.DuplicateEntry:     ruleZipDuplicateEntry,
	bundle.Symlink:            ruleZipSymlink,
	bundle.Encrypted:          ruleZipEncrypted,
	bundle.UnsupportedMethod:  ruleZipUnsupportedMethod,
	bundle.HeaderMismatch:     ruleZipHeaderMismatch,
	bundle.OverlappingEntries: ruleZipOverlappingEntries,
	bundle.LimitExceeded:      ruleZipLimitExceeded,
	bundle.NestedArchive:      ruleZipNestedArchive,
	bundle.JunkEntry:          ruleZipJunkEntry,
}

// reportPreflight turns preflight problems into findings. The member is the
// entry's name; a name that is itself unsafe is quoted in the message.
func reportPreflight(s *sink, a *bundle.Archive) {
	for _, p := range a.Problems {
		r := preflightRules[p.Kind]
		msg := "the archive " + p.Detail
		if !p.Whole {
			msg = fmt.Sprintf("the entry %q %s", p.Entry, p.Detail)
		}
		if !p.Whole && r != ruleZipJunkEntry && r != ruleZipNestedArchive {
			msg += "; it was not read"
		}
		s.add(r, at{file: sanitizeMember(p.Entry), subject: p.Detail}, "%s", msg)
	}
}

// sanitizeMember makes an entry name safe to print as a report's file field:
// control characters become U+FFFD.
func sanitizeMember(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
}
