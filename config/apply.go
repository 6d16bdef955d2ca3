package config

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/verify"
)

// Options returns base with the limits, the meta.datetime tolerance and the
// schemas the configuration sets; what it does not set keeps base's value.
// Command-line flags that set the same things (--schema-dir) are applied
// after it, so that they win.
func (c *Config) Options(base verify.Options) verify.Options {
	if c == nil {
		return base
	}
	for _, l := range c.Limits {
		for _, sec := range limitSections {
			if sec.name != l.Section {
				continue
			}
			_, index := limitKeys(sec)
			f := sec.field(&base).Field(index[l.Key])
			switch v := l.Value.(type) {
			case int64:
				f.SetInt(v)
			case float64:
				f.SetFloat(v)
			}
		}
	}
	if c.DatetimeTolerance != nil {
		base.DatetimeTolerance = *c.DatetimeTolerance
	}
	if c.schemas != nil {
		base.Schemas = c.schemas
	}
	for _, fc := range verify.FormChoices {
		if pin := *fc.Field(&c.Forms); pin != "" {
			*fc.Field(&base.Forms) = pin
		}
	}
	return base
}

// resolve computes the severity of every rule of the catalogue under the
// configuration. Precedence: ignore wins over everything; an exact id wins
// over globs; among globs the last one in the file wins.
func (c *Config) resolve() {
	c.effective = map[string]finding.Severity{}
	for _, r := range verify.Rules() {
		sev := r.Severity
		for _, o := range c.Severities {
			if isGlob(o.Pattern) && matchRule(o.Pattern, r.ID) {
				sev = o.Severity
			}
		}
		for _, o := range c.Severities {
			if o.Pattern == r.ID {
				sev = o.Severity
			}
		}
		for _, ig := range c.Ignore {
			if matchRule(ig.Pattern, r.ID) {
				sev = finding.Off
			}
		}
		c.effective[r.ID] = sev
	}
}

func matchRule(pattern, id string) bool {
	ok, err := path.Match(pattern, id)
	return err == nil && ok
}

// Severity returns the severity findings of rule id get under the
// configuration (finding.Off when they are dropped); def is returned for a
// rule the configuration does not know.
func (c *Config) Severity(id string, def finding.Severity) finding.Severity {
	if c == nil {
		return def
	}
	if s, ok := c.effective[id]; ok {
		return s
	}
	return def
}

// Rules returns the catalogue as the configuration makes it: each rule with
// its effective severity, the rules switched off or ignored left out. Give
// it to the report (report.Report.Rules) so that SARIF and JUnit describe
// the rules as they were applied.
func (c *Config) Rules(rules []finding.Rule) []finding.Rule {
	out := make([]finding.Rule, 0, len(rules))
	for _, r := range rules {
		r.Severity = c.Severity(r.ID, r.Severity)
		if r.Severity == finding.Off {
			continue
		}
		out = append(out, r)
	}
	return out
}

// matches reports whether the waiver covers finding f of the bundle at
// bundlePath (slash-separated).
func (w *Waiver) matches(bundlePath string, f finding.Finding) bool {
	if w.Fingerprint != "" {
		return f.Fingerprint == w.Fingerprint
	}
	return matchRule(w.Rule, f.Rule) && w.coversBundle(bundlePath) && globPathOrBase(w.Member, f.File)
}

// coversBundle reports whether the waiver's bundle glob matches the bundle
// at bundlePath. A fingerprint waiver names its bundle only through the
// fingerprint's hash, so it is taken to cover every bundle.
func (w *Waiver) coversBundle(bundlePath string) bool {
	return w.Fingerprint != "" || globPathOrBase(w.Bundle, bundlePath)
}

// globPathOrBase matches a glob against a slash-separated path and against
// its base name, so that "*.zip" matches "in/a.zip" and "in/*.zip" does too.
func globPathOrBase(glob, p string) bool {
	if ok, _ := path.Match(glob, p); ok {
		return true
	}
	ok, _ := path.Match(glob, path.Base(p))
	return ok
}

// waiverUse is what a waiver did in one run.
type waiverUse struct {
	findings int // findings it matched (whether or not it had expired)
	bundles  int // bundles holding such findings
	relevant bool
}

// Apply returns results as the configuration makes them, at time now:
//
//   - findings of ignored or switched-off rules are dropped, and the others
//     take their rule's configured severity;
//   - a finding matched by a waiver that has not expired gets Waived set to
//     the waiver's reason (reports list it, counts leave it out);
//   - when a waiver has expired (warning config.waiver-expired) or matched
//     nothing (info config.waiver-unused), one more result is appended, for
//     the configuration file itself (Kind, Path the configuration's path),
//     holding those findings at the waivers' lines.
//
// A waiver is only reported as expired or unused when its bundle glob
// matches a bundle of the run, so that a configuration shared by many
// bundles verified one at a time does not warn about the others' waivers
// (a fingerprint waiver cannot tell its bundle and is always considered).
// The input results are not modified.
func (c *Config) Apply(results []verify.Result, now time.Time) []verify.Result {
	if c == nil {
		return results
	}
	out := make([]verify.Result, len(results), len(results)+1)
	uses := make([]waiverUse, len(c.Waivers))
	expired := make([]bool, len(c.Waivers))
	for i, w := range c.Waivers {
		expired[i] = w.Expired(now)
	}
	for i, r := range results {
		out[i] = r
		bundlePath := filepath.ToSlash(r.Path)
		inBundle := make([]bool, len(c.Waivers))
		for wi := range c.Waivers {
			if c.Waivers[wi].coversBundle(bundlePath) {
				uses[wi].relevant = true
			}
		}
		fs := make([]finding.Finding, 0, len(r.Findings))
		for _, f := range r.Findings {
			f.Severity = c.Severity(f.Rule, f.Severity)
			if f.Severity == finding.Off {
				continue
			}
			for wi := range c.Waivers {
				w := &c.Waivers[wi]
				if !w.matches(bundlePath, f) {
					continue
				}
				uses[wi].findings++
				if !inBundle[wi] {
					inBundle[wi] = true
					uses[wi].bundles++
				}
				if !expired[wi] && f.Waived == "" {
					f.Waived = w.Reason
				}
			}
			fs = append(fs, f)
		}
		out[i].Findings = fs
	}
	if own := c.waiverFindings(uses, expired); len(own) > 0 {
		out = append(out, verify.Result{Path: c.Path, Kind: Kind, SHA256: c.sha256, Findings: own})
	}
	return out
}

// waiverFindings reports the waivers that expired or matched nothing.
func (c *Config) waiverFindings(uses []waiverUse, expired []bool) []finding.Finding {
	var out []finding.Finding
	add := func(r *finding.Rule, w Waiver, msg string) {
		f := finding.Finding{
			Rule:     r.ID,
			Severity: c.Severity(r.ID, r.Severity),
			Line:     w.Line,
			Location: fmt.Sprintf("waivers[%d]", w.Index),
			Message:  msg,
			Subject:  w.identity(),
		}
		if f.Severity == finding.Off {
			return
		}
		f.Fingerprint = finding.Fingerprint(filepath.Base(c.Path), f)
		out = append(out, f)
	}
	for i, w := range c.Waivers {
		u := uses[i]
		switch {
		case expired[i] && (u.relevant || u.findings > 0):
			msg := fmt.Sprintf("the waiver of %s (reason %q) expired on %s and no longer applies", w.describe(), w.Reason, w.Expires.Format(time.DateOnly))
			if u.findings > 0 {
				verb := "count"
				if u.findings == 1 {
					verb = "counts"
				}
				msg += fmt.Sprintf("; the %s it matches in %s of this run %s again", plural(u.findings, "finding"), plural(u.bundles, "bundle"), verb)
			}
			add(verify.RuleConfigWaiverExpired, w, msg+". Fix what it waived, or renew it with a new expiry date and reason.")
		case !expired[i] && u.relevant && u.findings == 0:
			add(verify.RuleConfigWaiverUnused, w, fmt.Sprintf("the waiver of %s (reason %q) matched no finding in this run; remove it if the problem it covered is gone.", w.describe(), w.Reason))
		}
	}
	return out
}

// identity distinguishes a waiver for fingerprints without depending on
// its line, which moves as the file is edited.
func (w Waiver) identity() string {
	if w.Fingerprint != "" {
		return "fingerprint:" + w.Fingerprint
	}
	return strings.Join([]string{"rule:" + w.Rule, w.Bundle, w.Member}, "\x00")
}

// describe says what a waiver waives, in the user's own terms.
func (w Waiver) describe() string {
	if w.Fingerprint != "" {
		return "finding " + w.Fingerprint
	}
	s := w.Rule
	if w.Bundle != "*" {
		s += fmt.Sprintf(" in bundle %q", w.Bundle)
	}
	if w.Member != "*" {
		s += fmt.Sprintf(" in member %q", w.Member)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
