package config

// Starter is the commented configuration "licaudit config init" writes: it
// changes nothing as written, explains every key, and shows each one as an
// example to uncomment. The limits shown are the defaults (a test keeps
// them so).
const Starter = `# licaudit configuration.
#
# "licaudit verify" reads .licaudit.yaml from the working directory, or the
# file given with --config. Every key is optional. The commented lines under
# a key are examples: remove the "# " in front of them to use them. A mistake
# in this file (an unknown key, a rule id that does not exist, a malformed
# date) stops the run with exit status 2 and names the line.
#
# Rule ids are stable: "licaudit rules" lists them with their default
# severity, what they find and how to fix it.

# The version of this file's format. Only 1 exists.
version: 1

rules:
  # Severity overrides, by rule id or by glob over rule ids ("anon.*"; the
  # wildcards are * ? and [...] as in shell patterns): error, warning, info,
  # or off to drop the rule's findings. An exact id wins over a glob; among
  # globs, the last one wins. A finding at or above --fail-on (default
  # error) fails the run.
  severity:
  #   hash.weak-algorithm: error
  #   csv.bom: off
  #   "anon.*": warning
  # Rules whose findings are dropped, by id or glob: the same as off, and
  # it wins over any severity above.
  ignore:
  #   - zip.junk-entry

# Waivers accept findings until a date. A waived finding is still listed in
# reports, with the waiver's reason, but it is not counted and does not fail
# the run. A waiver names either
#   one finding, by its fingerprint (the "fingerprint" of the finding in the
#   JSON report, 16 hex digits), or
#   a rule (id or glob), with optionally a bundle glob (matched against the
#   bundle's path and its base name) and a member glob (matched against the
#   member's path inside the ZIP and its base name); both default to "*",
#   which matches everything.
# Every waiver needs a reason and an expiry date YYYY-MM-DD; it applies
# through that day (UTC). Past it, the waiver no longer applies and the run
# reports a config.waiver-expired warning; a waiver that matched no finding
# gives a config.waiver-unused info. Both are reported against this file,
# at the waiver's line, and only when the waiver's bundle glob matches a
# bundle of the run.
waivers:
#   - fingerprint: 3f2a9c4e1b7d8e60
#     reason: "CS-P confirmed the extra member is intended (ticket LIC-1234)"
#     expires: 2027-12-31
#   - rule: hash.weak-algorithm
#     bundle: "vlf_CS-P_*.zip"
#     member: "*.hash"
#     reason: "The CS-P exporter writes SHA-1 sidecars until its release 24.2"
#     expires: 2027-06-30

# Limits on what a received file may make licaudit do. The values shown are
# the defaults. Sizes are a number of bytes, or a number with a unit: KB, MB,
# GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024). A file
# beyond a limit gives a zip.limit-exceeded, json.limit-exceeded or
# csv.syntax finding instead of being read further.
limits:
  # ZIP containers, checked on the sizes the archive declares before
  # anything is inflated, and again on the bytes actually inflated.
  # zip:
  #   max_entries: 1000      # entries in one archive
  #   max_entry_size: 16GiB  # uncompressed bytes of one entry
  #   max_total_size: 32GiB  # uncompressed bytes of all entries together
  #   max_ratio: 200         # uncompressed:compressed ratio of one entry
  # JSON members.
  # json:
  #   max_bytes: 16MiB       # largest JSON checked against its schema (a larger one is still hashed and syntax-checked)
  #   max_depth: 64          # deepest nesting of objects and arrays
  # CSV members and files.
  # csv:
  #   max_line_bytes: 1MiB   # longest physical line

# How far meta.datetime in the license JSON may be from the timestamp in the
# file names before meta.datetime-mismatch: a duration (36h, 90m) or a number
# of hours. The default is 24h.
# datetime_tolerance: 24h

# A directory of JSON Schemas replacing the built-in ones, relative to this
# file. A license.schema.json, patch.schema.json or adaptation_log.schema.json
# there replaces the built-in schema of that name ("licaudit schema NAME"
# prints a built-in one to start from). --schema-dir on the command line wins
# over it.
# schema_dir: schemas

# Forms the vendors do not publish are all accepted ("any", the default),
# and findings name the one seen. Pin the ones your partners' exporters
# write; a value in another form is then form.mismatch (a warning).
# forms:
#   hash_form: any            # or bare, gnu (HEX  NAME), bsd (SHA256 (NAME) = HEX)
#   hash_algorithm: any       # or md5, sha1, sha256, sha512
#   datetime: any             # meta.datetime: or iso8601 (2026-11-01T03:00:00Z), space (2026-11-01 03:00:00)
#   flexnet_dates: any        # or iso8601, legacy (the extract option "Use ISO 8601 time format" off)
`
