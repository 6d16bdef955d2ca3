package verify

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/schema"
)

// vossBundle is what one VOSS bundle check knows as it goes: the names the
// bundle's own name fixes, its members by role, and what reading the
// detailed CSV taught about the customers.
type vossBundle struct {
	res   *Result
	in    Input
	a     *bundle.Archive
	s     *sink
	opts  Options
	stem  string // <provider>_<host>
	stamp string // <ts>
	when  time.Time

	data   []*vossMember          // JSON and CSV members, in archive order
	hashes map[string]*vossMember // .hash members by the base name they cover
	// identity is what the detailed CSV and the names say identifies a
	// customer, for the anonymity checks.
	identity *identity
	// detailed is the paired detailed CSV's customer table, nil without one.
	detailed *customerTable
}

// vossMember is a member of a VOSS bundle with its parsed name.
type vossMember struct {
	entry *bundle.Entry
	// blocked members failed preflight: they count as present (no
	// member.missing, no hash.orphan) but are not read.
	blocked bool
	name    schema.VOSSName
	base    string
	hash    *hashLine // the parsed .hash of a data member, when valid
}

// required are the members every VOSS bundle holds.
var required = []struct{ typ, what string }{
	{schema.TypeLicense, "the license JSON"},
	{schema.TypePatch, "the patch log"},
	{schema.TypeAdaptationLog, "the adaptation log"},
	{schema.TypeAnonymous, "the anonymous CSV"},
}

func verifyVOSS(res *Result, in Input, a *bundle.Archive, s *sink, opts Options) {
	v := &vossBundle{res: res, in: in, a: a, s: s, opts: opts, hashes: map[string]*vossMember{}}
	if n, ok := schema.ParseVOSSName(filepath.Base(in.Path)); ok {
		v.stem, v.stamp = n.Stem, n.Stamp
		if t, err := n.Time(); err != nil {
			s.add(ruleNameTimestamp, at{subject: "bundle"}, "the timestamp %q in the bundle name is not a real date and time (YYYY-MM-DD_HHMM); keep the name the exporter wrote", n.Stamp)
		} else {
			v.when = t
		}
	} else {
		v.adoptNamesFromMembers()
	}
	v.classify()
	v.readHashes()
	if in.Detailed != "" {
		v.identity, v.detailed = verifyDetailed(res, in.Detailed, s, opts, true)
	}
	if v.identity == nil {
		v.identity = newIdentity()
	}
	v.identity.addBundleNames(v.stem)
	for _, m := range v.data {
		v.checkMember(m)
	}
}

// adoptNamesFromMembers takes stem and stamp from the members when the
// bundle's own name is off the grammar (already reported), so the members
// are still checked against each other.
func (v *vossBundle) adoptNamesFromMembers() {
	for _, e := range v.a.Entries {
		if n, ok := schema.ParseVOSSName(path.Base(e.Name)); ok {
			v.stem, v.stamp = n.Stem, n.Stamp
			if t, err := n.Time(); err == nil {
				v.when = t
			}
			return
		}
	}
}

// classify sorts the entries into data members and .hash members, and
// checks their names and places.
func (v *vossBundle) classify() {
	s := v.s
	wantDir := schema.VOSSDir(v.stamp)
	dirs := map[string]bool{}
	for _, e := range v.a.Entries {
		if bundle.IsJunk(e.Name) {
			continue
		}
		if e.Blocked {
			v.addBlocked(e)
			continue
		}
		member := e.Name
		if e.Dir {
			dirs[e.Name] = true
			continue
		}
		dir, base := path.Split(e.Name)
		if dir != "" {
			dirs[dir] = true
		}
		n, ok := schema.ParseVOSSName(base)
		switch {
		case dir == wantDir:
		case dir == "":
			s.add(ruleMemberOutsideDirectory, at{file: member}, "%s is at the top of the ZIP, not in %s; keep the export's directory layout", base, wantDir)
		default:
			if ts, isDir := schema.ParseVOSSDir(dir); isDir && ts != v.stamp {
				s.add(ruleNameMismatch, at{file: member, subject: "dir"}, "the directory %s has the timestamp %s but the bundle name has %s; send the files of one export together", dir, ts, v.stamp)
			} else {
				s.add(ruleMemberOutsideDirectory, at{file: member}, "%s is in %s, not in %s; keep the export's directory layout", base, dir, wantDir)
			}
		}
		if !ok {
			if isVOSSDataName(base) {
				s.add(ruleNamePattern, at{file: member}, "the name %q is off the grammar vlf_<provider>_<host>_<type>_<YYYY-MM-DD_HHMM>.<json|csv>[.hash]; keep the names the exporter wrote", base)
			} else {
				s.add(ruleMemberUnexpected, at{file: member}, "%q is not a file of the VOSS export layout; remove it from the ZIP", base)
			}
			continue
		}
		if n.Stem != v.stem || n.Stamp != v.stamp {
			s.add(ruleNameMismatch, at{file: member}, "the name %q has provider/host %q and timestamp %s, but the bundle has %q and %s; send the files of one export together, unrenamed", base, n.Stem, n.Stamp, v.stem, v.stamp)
		} else if _, err := n.Time(); err != nil {
			s.add(ruleNameTimestamp, at{file: member}, "the timestamp %q in %q is not a real date and time", n.Stamp, base)
		}
		m := &vossMember{entry: e, name: n, base: base}
		if n.Hash {
			target := strings.TrimSuffix(base, ".hash")
			if prev, ok := v.hashes[target]; !ok || prev.blocked {
				v.hashes[target] = m
			}
			continue
		}
		if n.Type == schema.TypeDetailed {
			s.add(ruleMemberDetailedCSV, at{file: member}, "the detailed CSV %s names customers and must not be sent; remove it from the ZIP (it stays with the partner)", base)
			continue
		}
		if n.Type == schema.TypeLicense && n.Ext == "zip" {
			continue // a nested bundle: zip.nested-archive already warned
		}
		v.data = append(v.data, m)
	}
	for d := range dirs {
		if d != wantDir && !strings.Contains(strings.TrimSuffix(d, "/"), "/") {
			if _, ok := schema.ParseVOSSDir(d); !ok && d != "__MACOSX/" {
				s.add(ruleNamePattern, at{file: d, subject: "dir"}, "the directory %q is off the grammar <YYYY-MM-DD_HHMM>_license/", d)
			}
		}
	}
	for _, r := range required {
		if !v.has(r.typ) {
			s.add(ruleMemberMissing, at{subject: r.typ}, "%s (%s) is missing from the ZIP; send the complete export", r.what, schema.VOSSDir(v.stamp)+schema.VOSSFileName(v.stem, r.typ, v.stamp, vossDataExt(r.typ)))
		}
	}
}

// addBlocked records an entry that failed preflight under its role, if it
// has one, so that it is not also reported missing.
func (v *vossBundle) addBlocked(e *bundle.Entry) {
	base := path.Base(e.Name)
	n, ok := schema.ParseVOSSName(base)
	if !ok || e.Dir {
		return
	}
	m := &vossMember{entry: e, name: n, base: base, blocked: true}
	if n.Hash {
		target := strings.TrimSuffix(base, ".hash")
		if _, seen := v.hashes[target]; !seen {
			v.hashes[target] = m
		}
		return
	}
	if n.Type != schema.TypeDetailed && n.Ext != "zip" {
		v.data = append(v.data, m)
	}
}

func (v *vossBundle) has(typ string) bool {
	for _, m := range v.data {
		if m.name.Type == typ && !m.name.Legacy {
			return true
		}
	}
	return false
}

func vossDataExt(typ string) string {
	if typ == schema.TypeAnonymous || typ == schema.TypeAnonymousBreakdown || typ == schema.TypeDetailed {
		return "csv"
	}
	return "json"
}

// isVOSSDataName tells a file meant as part of the export (and so held to
// the name grammar) from a stray file.
func isVOSSDataName(base string) bool {
	lower := strings.ToLower(base)
	return strings.HasPrefix(lower, "vlf") || strings.HasSuffix(lower, ".json") || strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".hash")
}

// readHashes parses every .hash member (they are tiny) before the data
// members are streamed, so each data member is hashed with the algorithm
// its .hash uses in the same pass as its parse.
func (v *vossBundle) readHashes() {
	byBase := map[string]*vossMember{}
	for _, m := range v.data {
		if prev, ok := byBase[m.base]; !ok || prev.blocked {
			byBase[m.base] = m
		}
	}
	targets := make([]string, 0, len(v.hashes))
	for t := range v.hashes {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	for _, target := range targets {
		hm := v.hashes[target]
		dm, ok := byBase[target]
		if hm.blocked {
			continue
		}
		if !ok {
			v.s.add(ruleHashOrphan, at{file: hm.entry.Name}, "%s covers %s, which is not in the ZIP; send that file or remove the stray .hash", hm.base, target)
			continue
		}
		text, err := v.readSmall(hm.entry, maxHashFile)
		if err != nil {
			if err != errTooLarge {
				reportReadError(v.s, hm.entry.Name, err)
			} else {
				v.s.add(ruleHashMalformed, at{file: hm.entry.Name}, "%s is larger than %d bytes; a .hash holds one digest line", hm.base, maxHashFile)
			}
			continue
		}
		hl, err := parseHashFile(text)
		if err != nil {
			v.s.add(ruleHashMalformed, at{file: hm.entry.Name, line: 1}, "%s is not a digest line: %v; regenerate it (sha256sum FILE > FILE.hash)", hm.base, err)
			continue
		}
		if hl.Name != "" && path.Base(strings.ReplaceAll(hl.Name, "\\", "/")) != target {
			v.s.add(ruleHashWrongTarget, at{file: hm.entry.Name, line: 1}, "%s names %q in its %s, not %s; regenerate the .hash for the file it belongs to", hm.base, hl.Name, hl.Form, target)
		}
		if hl.Algo == "MD5" || hl.Algo == "SHA1" {
			v.s.add(ruleHashWeakAlgorithm, at{file: hm.entry.Name, line: 1}, "%s is an %s digest (%s); use SHA-256", hm.base, algoName(hl.Algo), hl.Form)
		}
		checkHashForm(v.s, hm.entry.Name, hl, v.opts.Forms)
		dm.hash = &hl
	}
	for _, m := range v.data {
		if _, ok := v.hashes[m.base]; !ok {
			v.s.add(ruleHashMissing, at{file: m.entry.Name}, "%s has no %s.hash beside it; send the .hash the exporter wrote", m.base, m.base)
		}
	}
}

func algoName(a string) string {
	switch a {
	case "SHA1":
		return "SHA-1"
	case "SHA256":
		return "SHA-256"
	case "SHA512":
		return "SHA-512"
	}
	return a
}

var errTooLarge = fmt.Errorf("larger than expected")

// readSmall reads a member known to be tiny, refusing more than limit bytes.
func (v *vossBundle) readSmall(e *bundle.Entry, limit int64) ([]byte, error) {
	if e.Size > limit {
		return nil, errTooLarge
	}
	rc, err := v.a.Open(e)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// checkMember streams one JSON or CSV member once through its hashers and
// its parser, then compares the digest with its .hash.
func (v *vossBundle) checkMember(m *vossMember) {
	if m.blocked {
		return
	}
	algos := []string{"SHA256"}
	if m.hash != nil && m.hash.Algo != "SHA256" {
		algos = append(algos, m.hash.Algo)
	}
	rc, err := v.a.Open(m.entry)
	if err != nil {
		reportReadError(v.s, m.entry.Name, err)
		return
	}
	mr := newMemberReader(rc, algos...)
	t := newTextScanner(mr, 0)
	switch {
	case m.entry.Size == 0:
		// member.empty below; an empty file has nothing to parse
	case m.name.Ext == "json":
		t.maxLine = 0
		t.keepRecent()
		v.checkJSON(m, t)
	case m.name.Ext == "csv":
		t.maxLine = v.opts.CSV.MaxLineBytes
		v.checkCSV(m, t)
	}
	mr.finish()
	if mr.n == 0 && mr.err == nil {
		v.s.add(ruleMemberEmpty, at{file: m.entry.Name}, "%s is empty (0 bytes): the export was interrupted; re-run it", m.base)
	}
	if reportReadError(v.s, m.entry.Name, mr.err) && mr.err != nil && !isChecksumOnly(mr.err) {
		return // the digest covers only part of the member
	}
	if m.hash == nil {
		return
	}
	got := mr.sum(0)
	if m.hash.Algo != "SHA256" {
		got = mr.sum(1)
	}
	if !bytes.Equal(got, m.hash.Digest) {
		v.s.add(ruleHashMismatch, at{file: m.entry.Name}, "the .hash of %s does not match its content (%s %s, content has %s): the file changed after export or was damaged; regenerate the export",
			describeMember(m.name), algoName(m.hash.Algo), shortHex(m.hash.Digest), shortHex(got))
	}
}

func isChecksumOnly(err error) bool { return errors.Is(err, bundle.ErrChecksum) }

func shortHex(b []byte) string {
	h := hex.EncodeToString(b)
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// describeMember names a member's role in the partner's terms.
func describeMember(n schema.VOSSName) string {
	what := map[string]string{
		schema.TypeLicense:            "the license JSON",
		schema.TypePatch:              "the patch log",
		schema.TypeAdaptationLog:      "the adaptation log",
		schema.TypeAnonymous:          "the anonymous CSV",
		schema.TypeAnonymousBreakdown: "the anonymous breakdown CSV",
		schema.TypeDetailed:           "the detailed CSV",
	}[n.Type]
	if n.Legacy {
		what += " (legacy form)"
	}
	return what
}
