package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
	"github.com/licaudit/licaudit/verify"
)

// maxProblems caps the problems reported for one file: past a few dozen the
// file is probably not a licaudit configuration at all.
const maxProblems = 20

// parser walks the YAML node tree of a configuration, so that every problem
// carries the line of the key or value at fault.
type parser struct {
	cfg      *Config
	problems []Problem
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	if len(p.problems) >= maxProblems {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	p.problems = append(p.problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
}

// yamlLine matches the "yaml: line N: reason" form of the YAML library's
// syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into a problem at its line.
func (p *parser) yamlError(err error, data []byte) {
	line, reason := splitYAMLError(err)
	if l := problemLine(data, reason); l > 0 {
		line = l
	}
	p.problems = append(p.problems, Problem{Line: line, Message: "not valid YAML: " + reason})
}

// splitYAMLError separates the line (0 when absent) from the reason in the
// YAML library's messages.
func splitYAMLError(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// problemLine finds the line a syntax error is on. The YAML library names
// the line where the enclosing block starts (for a bad indentation that can
// be line 1), so the first line whose prefix of the file fails the same way
// is taken instead. The parser reads in order, so every prefix reaching the
// error fails the same way and a binary search finds that line. Returns 0
// when no prefix fails that way.
func problemLine(data []byte, reason string) int {
	var ends []int // ends[k] is the length of the first k+1 lines
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	failsAlike := func(k int) bool {
		err := decodeAll(data[:ends[k]])
		if err == nil {
			return false
		}
		_, r := splitYAMLError(err)
		return r == reason
	}
	k := sort.Search(len(ends), failsAlike)
	if k == len(ends) {
		return 0
	}
	return k + 1
}

// decodeAll parses every document of data, returning the first error.
func decodeAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// parse reads data into p.cfg, recording every problem.
func (p *parser) parse(data []byte) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return // an empty file configures nothing
		}
		p.yamlError(err, data)
		return
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.yamlError(err, data)
		return
	default:
		p.errorf(&extra, "a second YAML document (after ---); a configuration is one document")
		return
	}
	root := &doc
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return
		}
		root = doc.Content[0]
	}
	root = deref(root)
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "the configuration must be a mapping of keys (%s), not %s", strings.Join(topKeys, ", "), describe(root))
		return
	}
	p.fields(root, "", map[string]func(key, val *yaml.Node){
		"version":            p.version,
		"rules":              p.rules,
		"waivers":            p.waivers,
		"limits":             p.limits,
		"datetime_tolerance": p.tolerance,
		"schema_dir":         p.schemaDir,
		"forms":              p.forms,
	}, topKeys)
}

// topKeys are the top-level keys in the order the starter explains them.
var topKeys = []string{"version", "rules", "waivers", "limits", "datetime_tolerance", "schema_dir", "forms"}

// deref follows aliases (*anchor) to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names what a node is, for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// where prefixes a message with the key path it is about ("rules.severity:
// ..."); the top level has no prefix.
func where(keyPath string) string {
	if keyPath == "" {
		return ""
	}
	return keyPath + ": "
}

// fields walks a mapping, calling the handler of each known key and
// reporting unknown and repeated keys. known lists the keys for messages.
func (p *parser) fields(n *yaml.Node, keyPath string, handlers map[string]func(key, val *yaml.Node), known []string) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := deref(n.Content[i]), deref(n.Content[i+1])
		if key.Kind != yaml.ScalarNode {
			p.errorf(key, "%sa key must be a plain name, not %s", where(keyPath), describe(key))
			continue
		}
		name := key.Value
		if first, dup := seen[name]; dup {
			p.errorf(key, "%skey %q appears twice (first at line %d); keep one", where(keyPath), name, first)
			continue
		}
		seen[name] = key.Line
		h, ok := handlers[name]
		if !ok {
			in := "at the top level"
			if keyPath != "" {
				in = "in " + keyPath
			}
			p.errorf(key, "unknown key %q %s (known: %s)", name, in, strings.Join(known, ", "))
			continue
		}
		h(key, val)
	}
}

// mapping checks that val is a mapping (or empty, which sets nothing).
func (p *parser) mapping(key, val *yaml.Node, keyPath string) bool {
	if isNull(val) {
		return false
	}
	if val.Kind != yaml.MappingNode {
		p.errorf(val, "%s: must be a mapping of keys, not %s", keyPath, describe(val))
		return false
	}
	return true
}

// scalar returns the text of a scalar value, reporting anything else.
func (p *parser) scalar(val *yaml.Node, keyPath string) (string, bool) {
	if val.Kind != yaml.ScalarNode {
		p.errorf(val, "%s: must be a single value, not %s", keyPath, describe(val))
		return "", false
	}
	if isNull(val) {
		p.errorf(val, "%s: is empty", keyPath)
		return "", false
	}
	return val.Value, true
}

func (p *parser) version(key, val *yaml.Node) {
	s, ok := p.scalar(val, "version")
	if !ok {
		return
	}
	if v, err := strconv.Atoi(s); err != nil || v != Version {
		p.errorf(val, "version: %q is not a configuration version this licaudit reads (want %d)", s, Version)
	}
}

func (p *parser) rules(key, val *yaml.Node) {
	if !p.mapping(key, val, "rules") {
		return
	}
	p.fields(val, "rules", map[string]func(key, val *yaml.Node){
		"severity": p.severities,
		"ignore":   p.ignores,
	}, []string{"severity", "ignore"})
}

func (p *parser) severities(key, val *yaml.Node) {
	if !p.mapping(key, val, "rules.severity") {
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(val.Content); i += 2 {
		k, v := deref(val.Content[i]), deref(val.Content[i+1])
		if k.Kind != yaml.ScalarNode || isNull(k) {
			p.errorf(k, "rules.severity: a key must be a rule id or glob, not %s", describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(k, "rules.severity: %q appears twice (first at line %d); keep one", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		keyPath := "rules.severity." + k.Value
		pat, okPat := p.rulePattern(k, k.Value, "rules.severity")
		s, ok := p.scalar(v, keyPath)
		if !ok {
			continue
		}
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			p.errorf(v, "%s: %q is not a severity (want error, warning, info or off)", keyPath, s)
			continue
		}
		if okPat {
			p.cfg.Severities = append(p.cfg.Severities, SeverityOverride{RulePattern: pat, Severity: sev})
		}
	}
}

func (p *parser) ignores(key, val *yaml.Node) {
	for _, item := range p.list(val, "rules.ignore") {
		s, ok := p.scalar(item.node, item.path)
		if !ok {
			continue
		}
		if pat, ok := p.rulePattern(item.node, s, item.path); ok {
			p.cfg.Ignore = append(p.cfg.Ignore, pat)
		}
	}
}

type listItem struct {
	node *yaml.Node
	path string
}

// list returns the items of a sequence with their key paths ("waivers[2]");
// a single value stands for a list of one; empty is an empty list.
func (p *parser) list(val *yaml.Node, keyPath string) []listItem {
	switch {
	case isNull(val):
		return nil
	case val.Kind == yaml.ScalarNode:
		return []listItem{{val, keyPath}}
	case val.Kind != yaml.SequenceNode:
		p.errorf(val, "%s: must be a list, not %s", keyPath, describe(val))
		return nil
	}
	out := make([]listItem, 0, len(val.Content))
	for i, n := range val.Content {
		out = append(out, listItem{deref(n), fmt.Sprintf("%s[%d]", keyPath, i)})
	}
	return out
}

// rulePattern checks a rule id or glob: an id must be in the catalogue, a
// glob must be well formed and match at least one rule, so a typo cannot
// silently configure nothing.
func (p *parser) rulePattern(n *yaml.Node, pattern, keyPath string) (RulePattern, bool) {
	if !isGlob(pattern) {
		if _, ok := verify.Rule(pattern); !ok {
			p.errorf(n, "%s: unknown rule id %q%s (licaudit rules lists them)", keyPath, pattern, suggest(pattern))
			return RulePattern{}, false
		}
		return RulePattern{Pattern: pattern, Line: n.Line}, true
	}
	matched := false
	for _, r := range verify.Rules() {
		ok, err := path.Match(pattern, r.ID)
		if err != nil {
			p.errorf(n, "%s: %q is not a valid glob (%v)", keyPath, pattern, err)
			return RulePattern{}, false
		}
		matched = matched || ok
	}
	if !matched {
		p.errorf(n, "%s: the glob %q matches no rule id (licaudit rules lists them)", keyPath, pattern)
		return RulePattern{}, false
	}
	return RulePattern{Pattern: pattern, Line: n.Line}, true
}

func isGlob(s string) bool { return strings.ContainsAny(s, `*?[\`) }

// suggest proposes the catalogue id closest to a mistyped one.
func suggest(id string) string {
	best, bestDist := "", 4
	for _, r := range verify.Rules() {
		if d := editDistance(id, r.ID); d < bestDist {
			best, bestDist = r.ID, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// waiverKeys are the keys of one waiver, in the order the starter explains
// them.
var waiverKeys = []string{"fingerprint", "rule", "bundle", "member", "reason", "expires"}

// fingerprintPattern is the form finding.Fingerprint writes.
var fingerprintPattern = regexp.MustCompile(`^[0-9a-f]{16}$`)

func (p *parser) waivers(key, val *yaml.Node) {
	for i, item := range p.list(val, "waivers") {
		n := item.node
		if n.Kind != yaml.MappingNode {
			p.errorf(n, "%s: a waiver must be a mapping with reason, expires and either fingerprint or rule, not %s", item.path, describe(n))
			continue
		}
		w := Waiver{Index: i, Line: n.Line, Bundle: "*", Member: "*"}
		given := map[string]bool{}
		valid := true
		str := func(k string, dst *string, check func(v *yaml.Node, s string) bool) func(key, val *yaml.Node) {
			return func(key, val *yaml.Node) {
				given[k] = true
				s, ok := p.scalar(val, item.path+"."+k)
				if ok && check != nil {
					ok = check(val, s)
				}
				if !ok {
					valid = false
					return
				}
				*dst = s
			}
		}
		glob := func(k string) func(v *yaml.Node, s string) bool {
			return func(v *yaml.Node, s string) bool {
				if _, err := path.Match(s, ""); err != nil {
					p.errorf(v, "%s.%s: %q is not a valid glob (%v)", item.path, k, s, err)
					return false
				}
				return true
			}
		}
		p.fields(n, item.path, map[string]func(key, val *yaml.Node){
			"fingerprint": str("fingerprint", &w.Fingerprint, func(v *yaml.Node, s string) bool {
				if !fingerprintPattern.MatchString(s) {
					p.errorf(v, "%s.fingerprint: %q is not a finding fingerprint (16 lower-case hex digits, as in the JSON report)", item.path, s)
					return false
				}
				return true
			}),
			"rule": str("rule", &w.Rule, func(v *yaml.Node, s string) bool {
				_, ok := p.rulePattern(v, s, item.path+".rule")
				return ok
			}),
			"bundle": str("bundle", &w.Bundle, glob("bundle")),
			"member": str("member", &w.Member, glob("member")),
			"reason": str("reason", &w.Reason, func(v *yaml.Node, s string) bool {
				if strings.TrimSpace(s) == "" {
					p.errorf(v, "%s.reason: is blank; say why the findings are accepted", item.path)
					return false
				}
				return true
			}),
			"expires": func(key, val *yaml.Node) {
				given["expires"] = true
				s, ok := p.scalar(val, item.path+".expires")
				if !ok {
					valid = false
					return
				}
				d, err := time.Parse(time.DateOnly, s)
				if err != nil || len(s) != len(time.DateOnly) {
					p.errorf(val, "%s.expires: %q is not a date YYYY-MM-DD", item.path, s)
					valid = false
					return
				}
				w.Expires = d
			},
		}, waiverKeys)

		switch {
		case given["fingerprint"] && (given["rule"] || given["bundle"] || given["member"]):
			p.errorf(n, "%s: a fingerprint names one finding already; give either fingerprint, or rule with bundle and member, not both", item.path)
			valid = false
		case !given["fingerprint"] && !given["rule"]:
			p.errorf(n, "%s: says nothing to waive; give a fingerprint (from the JSON report) or a rule id or glob", item.path)
			valid = false
		}
		if !given["reason"] {
			p.errorf(n, "%s.reason: missing; every waiver says why the findings are accepted", item.path)
			valid = false
		}
		if !given["expires"] {
			p.errorf(n, "%s.expires: missing; every waiver has an expiry date YYYY-MM-DD", item.path)
			valid = false
		}
		if valid {
			p.cfg.Waivers = append(p.cfg.Waivers, w)
		}
	}
}

// limitSection is one group of limits under "limits": the yaml names of
// its keys are those of the fields of the struct field points at, so a new
// limit field becomes configurable without touching this package.
type limitSection struct {
	name  string
	field func(*verify.Options) reflect.Value
}

var limitSections = []limitSection{
	{"zip", func(o *verify.Options) reflect.Value { return reflect.ValueOf(&o.ZIP).Elem() }},
	{"json", func(o *verify.Options) reflect.Value { return reflect.ValueOf(&o.JSON).Elem() }},
	{"csv", func(o *verify.Options) reflect.Value { return reflect.ValueOf(&o.CSV).Elem() }},
}

// limitKeys returns the yaml names of a section's fields and their field
// indexes.
func limitKeys(sec limitSection) ([]string, map[string]int) {
	var o verify.Options
	t := sec.field(&o).Type()
	var names []string
	index := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		names = append(names, tag)
		index[tag] = i
	}
	return names, index
}

// sizeKey says whether a limit is a size in bytes, which may be written
// with a unit.
func sizeKey(key string) bool {
	return strings.HasSuffix(key, "_size") || strings.HasSuffix(key, "_bytes")
}

func (p *parser) limits(key, val *yaml.Node) {
	if !p.mapping(key, val, "limits") {
		return
	}
	handlers := map[string]func(key, val *yaml.Node){}
	var names []string
	for _, sec := range limitSections {
		names = append(names, sec.name)
		handlers[sec.name] = func(key, val *yaml.Node) { p.limitSection(sec, val) }
	}
	p.fields(val, "limits", handlers, names)
}

func (p *parser) limitSection(sec limitSection, val *yaml.Node) {
	keyPath := "limits." + sec.name
	if !p.mapping(nil, val, keyPath) {
		return
	}
	names, index := limitKeys(sec)
	var o verify.Options
	t := sec.field(&o).Type()
	handlers := map[string]func(key, val *yaml.Node){}
	for _, name := range names {
		f := t.Field(index[name])
		handlers[name] = func(key, val *yaml.Node) {
			kp := keyPath + "." + name
			s, ok := p.scalar(val, kp)
			if !ok {
				return
			}
			v, ok := p.limitValue(val, kp, name, f.Type, s)
			if ok {
				p.cfg.Limits = append(p.cfg.Limits, Limit{Section: sec.name, Key: name, Value: v, Line: val.Line})
			}
		}
	}
	p.fields(val, keyPath, handlers, names)
}

// limitValue parses a limit for a field of type t: a positive integer (a
// size may carry a unit such as 16MiB) or a positive number.
func (p *parser) limitValue(val *yaml.Node, keyPath, key string, t reflect.Type, s string) (any, bool) {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		var n int64
		var err error
		if sizeKey(key) {
			n, err = parseSize(s)
		} else {
			n, err = strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
		}
		if err != nil || n <= 0 || reflect.New(t).Elem().OverflowInt(n) {
			want := "a positive whole number"
			if sizeKey(key) {
				want = "a positive size in bytes, optionally with a unit (16MiB, 2GiB, 500MB)"
			}
			p.errorf(val, "%s: %q is not %s", keyPath, s, want)
			return nil, false
		}
		return n, true
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f > 0) || math.IsInf(f, 0) {
			p.errorf(val, "%s: %q is not a positive number", keyPath, s)
			return nil, false
		}
		return f, true
	}
	p.errorf(val, "%s: this limit cannot be set from a configuration", keyPath)
	return nil, false
}

var sizePattern = regexp.MustCompile(`^([0-9][0-9_]*)\s*([A-Za-z]*)$`)

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// parseSize reads a byte count: digits with an optional unit, decimal (KB,
// MB, GB, TB) or binary (KiB, MiB, GiB, TiB; K, M, G, T), any case.
func parseSize(s string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("not a size")
	}
	unit, ok := sizeUnits[strings.ToLower(m[2])]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q", m[2])
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(m[1], "_", ""), 10, 64)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt64/unit {
		return 0, fmt.Errorf("too large")
	}
	return n * unit, nil
}

func (p *parser) tolerance(key, val *yaml.Node) {
	s, ok := p.scalar(val, "datetime_tolerance")
	if !ok {
		return
	}
	d, err := parseTolerance(s)
	if err != nil {
		p.errorf(val, "datetime_tolerance: %q is %v", s, err)
		return
	}
	p.cfg.DatetimeTolerance = &d
}

// parseTolerance reads a Go duration ("36h", "90m") or a number of hours.
func parseTolerance(s string) (time.Duration, error) {
	var d time.Duration
	if h, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(h) || math.IsInf(h, 0) || h*float64(time.Hour) > math.MaxInt64 || h*float64(time.Hour) < math.MinInt64 {
			return 0, errors.New("too large a number of hours")
		}
		d = time.Duration(h * float64(time.Hour))
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, errors.New("neither a duration (36h, 90m) nor a number of hours")
	}
	if d < 0 {
		return 0, errors.New("negative; the tolerance is how far apart the timestamps may be")
	}
	return d, nil
}

// forms reads the forms the file pins: each key one of its choices, or
// "any" for the default (every form accepted).
func (p *parser) forms(key, val *yaml.Node) {
	if !p.mapping(key, val, "forms") {
		return
	}
	handlers := map[string]func(key, val *yaml.Node){}
	var names []string
	for _, fc := range verify.FormChoices {
		names = append(names, fc.Key)
		handlers[fc.Key] = func(key, val *yaml.Node) {
			kp := "forms." + fc.Key
			s, ok := p.scalar(val, kp)
			if !ok {
				return
			}
			s = strings.ToLower(strings.TrimSpace(s))
			switch {
			case s == "any":
			case slices.Contains(fc.Choices, s):
				*fc.Field(&p.cfg.Forms) = s
			default:
				p.errorf(val, "%s: %q is not one of %s, or any", kp, s, strings.Join(fc.Choices, ", "))
			}
		}
	}
	p.fields(val, "forms", handlers, names)
}

func (p *parser) schemaDir(key, val *yaml.Node) {
	s, ok := p.scalar(val, "schema_dir")
	if !ok {
		return
	}
	dir := s
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(p.cfg.Path), dir)
	}
	set, err := schema.Load(dir)
	if err != nil {
		p.errorf(val, "schema_dir: %s", strings.TrimPrefix(err.Error(), "schema directory: "))
		return
	}
	p.cfg.SchemaDir = dir
	p.cfg.schemas = set
}
