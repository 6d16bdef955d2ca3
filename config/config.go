// Package config reads licaudit's configuration file (.licaudit.yaml): rule
// severities and ignores, waivers with a reason and an expiry date, limits,
// the meta.datetime tolerance and a schema override directory.
//
// A run uses it in three steps:
//
//	cfg, err := config.Load(path)                 // usage error (exit 2) if bad
//	opts := cfg.Options(verify.DefaultOptions())   // limits, tolerance, schemas
//	results = cfg.Apply(verify.Run(inputs, opts), time.Now())
//
// A nil *Config is valid and changes nothing, so a run without a
// configuration file goes through the same three calls.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
	"github.com/licaudit/licaudit/verify"
)

// DefaultFile is the configuration a run picks up from the working
// directory when --config is not given.
const DefaultFile = ".licaudit.yaml"

// Version is the only configuration version this build reads. The "version"
// key is optional; when present it must be this.
const Version = 1

// maxFileSize bounds the configuration file: a real one is a few KiB even
// with hundreds of waivers, and the whole file is parsed in memory.
const maxFileSize = 1 << 20

// Kind is the kind of the result Apply adds for the configuration's own
// findings (an expired or unused waiver). Those findings are about the
// configuration file, not about any bundle, so they are reported against it:
// SARIF and GitHub annotations then point at the waiver's line in the
// configuration, where the fix is, and no partner's bundle changes verdict
// because of the receiver's stale waiver.
const Kind bundle.Kind = "config"

// Config is a loaded configuration. Build one with Load or Parse.
type Config struct {
	// Path is the configuration file as given to Load (or the name given
	// to Parse); findings about the configuration are reported against it.
	Path string
	// Severities are the severity overrides in file order.
	Severities []SeverityOverride
	// Ignore are the rule ids or globs whose findings are dropped.
	Ignore []RulePattern
	// Waivers in file order.
	Waivers []Waiver
	// Limits are the limits the file sets, in file order; limits it does
	// not mention keep the values Options is given.
	Limits []Limit
	// DatetimeTolerance, when set, replaces the meta.datetime tolerance.
	DatetimeTolerance *time.Duration
	// SchemaDir is the schema override directory resolved against the
	// configuration file's directory ("" for none).
	SchemaDir string
	// Forms are the forms the file pins (see verify.Forms); a form it
	// does not mention is not pinned.
	Forms verify.Forms

	schemas *schema.Set
	sha256  string
	// effective maps every rule id of the catalogue to its severity under
	// this configuration (finding.Off when ignored or switched off).
	effective map[string]finding.Severity
}

// RulePattern is a rule id or a glob over rule ids (path.Match syntax,
// e.g. "anon.*"), with the line it was written on.
type RulePattern struct {
	Pattern string
	Line    int
}

// SeverityOverride changes the severity of the rules a pattern matches.
type SeverityOverride struct {
	RulePattern
	Severity finding.Severity
}

// Waiver marks findings as accepted until a date. It matches either by
// fingerprint, or by rule pattern, bundle glob and member glob together.
type Waiver struct {
	// Fingerprint, when set, is the one finding waived; Rule, Bundle and
	// Member are then empty.
	Fingerprint string
	// Rule is a rule id or a glob over rule ids.
	Rule string
	// Bundle is a glob matched against the bundle's path and its base
	// name; "*" (the default) matches every bundle.
	Bundle string
	// Member is a glob matched against the finding's member path and its
	// base name; "*" (the default) matches every member and the bundle
	// itself.
	Member string
	// Reason is why the findings are accepted; it is reported with them.
	Reason string
	// Expires is the last day (UTC) the waiver applies.
	Expires time.Time
	// Index is the waiver's position in the file (0-based) and Line its
	// line, for messages.
	Index int
	Line  int
}

// Expired reports whether the waiver no longer applies at now: it applies
// through the whole of its expiry day, in UTC.
func (w Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// Limit is one limit the file sets: section (zip, json or csv), key (the
// yaml name of a field of bundle.Limits, verify.JSONLimits or
// verify.CSVLimits) and value (of that field's type).
type Limit struct {
	Section string
	Key     string
	Value   any
	Line    int
}

// Problem is one thing wrong with a configuration file.
type Problem struct {
	// Line is 1-based, 0 when the problem is not at a line (the file
	// cannot be read).
	Line int
	// Message names the key and says what is wrong with it.
	Message string
}

// Error lists everything wrong with a configuration file, one problem per
// line as "FILE:LINE: message", so that a user can fix them all at once.
type Error struct {
	Path     string
	Problems []Problem
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", e.Path, p.Line, p.Message)
		} else {
			fmt.Fprintf(&b, "%s: %s", e.Path, p.Message)
		}
	}
	return b.String()
}

// Find returns the default configuration file of dir when there is one.
func Find(dir string) (string, bool) {
	p := filepath.Join(dir, DefaultFile)
	st, err := os.Stat(p)
	if err != nil || st.IsDir() {
		return "", false
	}
	return p, true
}

// Load reads and checks the configuration file at path. Every error is an
// *Error naming the file, the line and the key.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, &Error{Path: path, Problems: []Problem{{Message: err.Error()}}}
	}
	return Parse(path, data)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the configuration: %s", osReason(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errors.New("is a directory, not a configuration file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the configuration: %s", osReason(err))
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("the configuration is larger than %d KiB; is it the right file?", maxFileSize>>10)
	}
	return data, nil
}

// osReason is the reason of a file error without the path, which the
// caller's message already names.
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse checks the configuration text data; name is the file it came from,
// used in messages, in the report and to resolve schema_dir.
func Parse(name string, data []byte) (*Config, error) {
	p := &parser{cfg: &Config{Path: name}}
	p.parse(data)
	if len(p.problems) > 0 {
		return nil, &Error{Path: name, Problems: p.problems}
	}
	sum := sha256.Sum256(data)
	p.cfg.sha256 = hex.EncodeToString(sum[:])
	p.cfg.resolve()
	return p.cfg, nil
}
