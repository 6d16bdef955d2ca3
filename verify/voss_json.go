package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/licaudit/licaudit/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// checkJSON parses a license, patch or adaptation JSON in the member's one
// pass, then validates it against its schema and, for the license JSON,
// checks the meta block.
func (v *vossBundle) checkJSON(m *vossMember, t *textScanner) {
	member := m.entry.Name
	val, built, ok := readJSON(v.s, member, t, v.opts.JSON)
	if t.bom {
		v.s.add(ruleJSONSyntax, at{file: member, line: 1, subject: "bom"}, "%s starts with a UTF-8 byte-order mark, which JSON forbids (RFC 8259); re-run the export", describeMember(m.name))
	}
	if t.nulLine != 0 || t.badUTF8Line != 0 {
		line := t.badUTF8Line
		if line == 0 {
			line = t.nulLine
		}
		v.s.add(ruleJSONSyntax, at{file: member, line: line, subject: "utf8"}, "line %d of %s is not valid UTF-8 text; JSON must be UTF-8: re-run the export", line, describeMember(m.name))
	}
	if !ok || !built || m.name.Legacy {
		return
	}
	name := map[string]string{schema.TypeLicense: schema.License, schema.TypePatch: schema.Patch, schema.TypeAdaptationLog: schema.AdaptationLog}[m.name.Type]
	reported := map[string]bool{}
	if name != "" {
		reported = v.validate(member, name, val)
	}
	if m.name.Type == schema.TypeLicense {
		v.checkMeta(member, val, reported)
	}
}

var englishPrinter = message.NewPrinter(language.English)

// validate checks val against the named schema and reports each leaf error
// at its JSON pointer. It returns the pointers reported, so that the meta
// checks do not report the same missing key twice.
func (v *vossBundle) validate(member, name string, val any) map[string]bool {
	reported := map[string]bool{}
	sch, err := v.opts.Schemas.Validator(name)
	if err != nil {
		v.s.add(ruleJSONSchema, at{file: member, subject: "schema"}, "the %s schema in force (%s) cannot be used: %v", name, v.opts.Schemas.Origin(name), err)
		return reported
	}
	err = sch.Validate(val)
	var ve *jsonschema.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return reported
	}
	for _, leaf := range leaves(ve) {
		ptr := "/" + strings.Join(escapeAll(leaf.InstanceLocation), "/")
		if len(leaf.InstanceLocation) == 0 {
			ptr = ""
		}
		if req, ok := leaf.ErrorKind.(*kind.Required); ok {
			for _, missing := range req.Missing {
				p := ptr + "/" + escapePointer(missing)
				reported[p] = true
				v.s.add(ruleJSONSchema, at{file: member, location: p}, "%s lacks the required key %q at %s (schema %s); re-run the export", describeMember(mustName(member)), missing, pointerOrRoot(ptr), v.opts.Schemas.Origin(name))
			}
			continue
		}
		reported[ptr] = true
		v.s.add(ruleJSONSchema, at{file: member, location: ptr, subject: fmt.Sprintf("%T", leaf.ErrorKind)}, "%s at %s: %s (schema %s)", describeMember(mustName(member)), pointerOrRoot(ptr), leaf.ErrorKind.LocalizedString(englishPrinter), v.opts.Schemas.Origin(name))
	}
	return reported
}

func mustName(member string) schema.VOSSName {
	n, _ := schema.ParseVOSSName(member[strings.LastIndex(member, "/")+1:])
	return n
}

// leaves flattens a validation error tree into the errors that say what is
// wrong (the inner nodes only group them).
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Join(out[i].InstanceLocation, "/") < strings.Join(out[j].InstanceLocation, "/")
	})
	return out
}

func escapeAll(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = escapePointer(t)
	}
	return out
}

// checkMeta checks the meta block of the license JSON. Keys the schema
// already reported missing or mistyped are not reported again.
func (v *vossBundle) checkMeta(member string, val any, reported map[string]bool) {
	doc, _ := val.(map[string]any)
	meta, _ := doc["meta"].(map[string]any)
	if doc == nil || (meta == nil && reported["/meta"]) {
		return
	}
	field := func(key string) (string, bool, bool) {
		raw, present := meta[key]
		s, isString := raw.(string)
		return s, present, isString
	}
	// meta.datetime
	if dt, present, isString := field("datetime"); !reported["/meta/datetime"] {
		switch {
		case !present:
			v.s.add(ruleMetaDatetime, at{file: member, location: "/meta/datetime"}, "the license JSON has no meta.datetime; re-run the export")
		case !isString:
			v.s.add(ruleMetaDatetime, at{file: member, location: "/meta/datetime"}, "meta.datetime is not a string; it must be a timestamp such as 2026-11-01T03:00:00Z")
		default:
			t, err := parseMetaDatetime(dt)
			if err != nil {
				v.s.add(ruleMetaDatetime, at{file: member, location: "/meta/datetime"}, "meta.datetime %q is not a date and time (ISO 8601 or YYYY-MM-DD HH:MM[:SS]); re-run the export", truncate(dt, 60))
				break
			}
			checkDatetimeForm(v.s, member, dt, v.opts.Forms)
			if !v.when.IsZero() && absDuration(t.Sub(v.when)) > v.opts.DatetimeTolerance {
				v.s.add(ruleMetaDatetimeMismatch, at{file: member, location: "/meta/datetime"}, "meta.datetime %s is %s away from the names' timestamp %s (tolerance %s); check the files belong to one export",
					t.UTC().Format(time.RFC3339), absDuration(t.Sub(v.when)).Round(time.Minute), v.when.Format("2006-01-02 15:04"), v.opts.DatetimeTolerance)
			}
		}
	}
	if id, present, isString := field("export_identifier"); !reported["/meta/export_identifier"] {
		switch {
		case !present:
			v.s.add(ruleMetaExportIdentifier, at{file: member, location: "/meta/export_identifier"}, "the license JSON has no meta.export_identifier; re-run the export")
		case !isString:
			v.s.add(ruleMetaExportIdentifier, at{file: member, location: "/meta/export_identifier"}, "meta.export_identifier is not a string; it must be a UUID")
		default:
			u, err := uuid.Parse(id)
			switch {
			case err != nil:
				v.s.add(ruleMetaExportIdentifier, at{file: member, location: "/meta/export_identifier"}, "meta.export_identifier %q is not a UUID; re-run the export", truncate(id, 60))
			case u == uuid.Nil:
				v.s.add(ruleMetaExportIdentifier, at{file: member, location: "/meta/export_identifier"}, "meta.export_identifier is the nil UUID, which identifies nothing; re-run the export")
			}
		}
	}
	if p, present, isString := field("pipeline_type_name"); !reported["/meta/pipeline_type_name"] && (!present || !isString || p != "license_initial_audit") {
		got := "missing"
		if present {
			b, _ := json.Marshal(meta["pipeline_type_name"])
			got = truncate(string(b), 60)
		}
		v.s.add(ruleMetaPipelineType, at{file: member, location: "/meta/pipeline_type_name"}, "meta.pipeline_type_name is %s, not \"license_initial_audit\"; send the license audit export", got)
	}
}

// datetimeLayouts are the forms accepted for meta.datetime: the format is
// not published, so every reasonable one is, and a time without a zone is
// UTC (the producer runs on UTC).
var datetimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
}

func parseMetaDatetime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range datetimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date and time %q", s)
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
