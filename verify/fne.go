package verify

import (
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

// FlexNet Operations entitlement extract rules.
var (
	ruleFNEName = newRule("fne.name", finding.Error,
		"A ZIP or CSV name is off `Entitlements-`/`EntitlementsExtract-`/`MaintenanceLine-` + `YYYY-MM-DD-HH-MM-SS`.",
		"Keep the names FlexNet Operations wrote for the extract.")
	ruleFNEMemberMissing = newRule("fne.member-missing", finding.Error,
		"The entitlement or the maintenance CSV is absent from the extract.",
		"Download the extract ZIP again; it always holds both CSVs, header-only when nothing changed.")
	ruleFNEHeader = newRule("fne.header", finding.Error,
		"Fixed columns are missing or out of order, a tier block is incomplete, or an `LM[..|..]`/`CA[..|..]` column is malformed.",
		"Send the extract as FlexNet Operations wrote it; do not edit the header.")
	ruleFNEEntitlementID = newRule("fne.entitlement-id", finding.Error,
		"A row has an empty EntitlementID.",
		"Every row, including extra line items, repeats its EntitlementID.")
	ruleFNEActivationID = newRule("fne.activation-id", finding.Error,
		"A row has an empty ActivationId, or an ActivationId repeats within a file.",
		"Each row is one line item with its own ActivationId.")
	ruleFNEContinuation = newRule("fne.continuation", finding.Error,
		"An extra line-item row is not empty between EntitlementID and ActivationId, or is not next to its entitlement's rows.",
		"Send the extract unsorted and unedited: extra line items follow their entitlement's first row.")
	ruleFNEValue = newRule("fne.value", finding.Warning,
		"A boolean, integer or date cell does not parse.",
		"Check the value in FlexNet Operations; spreadsheets often rewrite dates when a CSV is saved.")
	ruleFNEDateFormatMixed = newRule("fne.date-format-mixed", finding.Warning,
		"ISO 8601 and legacy dates are mixed in one file.",
		"Keep one date convention per extract (the 'Use ISO 8601 time format in extracts' option).")
	ruleFNEMaintenanceLink = newRule("fne.maintenance-link", finding.Warning,
		"A maintenance row's LineItemLink is empty or not an ActivationId of the same extract.",
		"Nothing to fix if the linked line item was in an earlier extract; otherwise send the extract whole.")
)

// fneExtract is what checking one FlexNet extract knows as it goes: the
// entitlement CSV's ActivationIds, which maintenance rows link to.
type fneExtract struct {
	s    *sink
	opts Options
	// seed hashes identifiers: one per extract, so that the entitlement
	// CSV's ActivationIds can be looked up from the maintenance CSV.
	seed maphash.Seed
	// lineItems are the ActivationIds of the entitlement CSV, and
	// lineItemsFrom its name; nil when there is no usable entitlement CSV.
	lineItems     *idSet
	lineItemsFrom string
}

func newFNEExtract(s *sink, opts Options) *fneExtract {
	return &fneExtract{s: s, opts: opts, seed: maphash.MakeSeed()}
}

// fneMember is one CSV of an extract inside the ZIP.
type fneMember struct {
	entry *bundle.Entry
	kind  fneFile
}

// fneKindOf tells which CSV of an extract a base name is meant as, by its
// prefix in any case, so that a CSV named off the grammar is still checked.
func fneKindOf(base string) (fneFile, bool) {
	lower := strings.ToLower(base)
	switch {
	case strings.HasPrefix(lower, strings.ToLower(schema.FlexNetEntitlementPrefix)):
		return fneEntitlements, true
	case strings.HasPrefix(lower, strings.ToLower(schema.FlexNetMaintenancePrefix)):
		return fneMaintenance, true
	}
	return 0, false
}

// verifyFlexNetZIP checks an Entitlements-<ts>.zip: its name, its two CSVs
// (the entitlement CSV first, so that maintenance links can be checked),
// and anything else it holds.
func verifyFlexNetZIP(res *Result, in Input, a *bundle.Archive, s *sink, opts Options) {
	base := filepath.Base(in.Path)
	stamp := ""
	if n, ok := schema.ParseFlexNetName(base); ok {
		stamp = n.Stamp
		checkFNEStamp(s, "", base, n)
	}
	x := newFNEExtract(s, opts)
	var members [2][]fneMember
	present := [2]bool{}
	for _, e := range a.Entries {
		if e.Dir || bundle.IsJunk(e.Name) {
			continue
		}
		dir, name := path.Split(e.Name)
		kind, ok := fneKindOf(name)
		if !ok {
			if !e.Blocked && !hasEntryProblem(a, e.Name, bundle.NestedArchive) {
				s.add(ruleMemberUnexpected, at{file: sanitizeMember(e.Name)}, "%q is not a file of a FlexNet extract, which holds %s and %s only; remove it from the ZIP",
					e.Name, schema.FlexNetEntitlementFileName("<ts>"), schema.FlexNetMaintenanceFileName("<ts>"))
			}
			continue
		}
		present[kind] = true
		if stamp == "" {
			if n, ok := schema.ParseFlexNetName(name); ok {
				stamp = n.Stamp
			}
		}
		checkFNEMemberName(s, e.Name, dir, name, kind)
		if e.Blocked {
			continue // preflight said why
		}
		if len(members[kind]) > 0 {
			s.add(ruleMemberUnexpected, at{file: sanitizeMember(e.Name), subject: "second"}, "the ZIP holds a second %s, %s, besides %s; an extract holds one of each: send each extract in its own ZIP",
				kind, e.Name, members[kind][0].entry.Name)
		}
		members[kind] = append(members[kind], fneMember{entry: e, kind: kind})
	}
	if stamp == "" {
		stamp = "<YYYY-MM-DD-HH-MM-SS>"
	}
	if !present[fneEntitlements] {
		s.add(ruleFNEMemberMissing, at{subject: "entitlements"}, "the entitlement CSV (%s) is missing from the extract; download the extract ZIP again: it always holds both CSVs, header-only when nothing changed", schema.FlexNetEntitlementFileName(stamp))
	}
	if !present[fneMaintenance] {
		s.add(ruleFNEMemberMissing, at{subject: "maintenance"}, "the maintenance CSV (%s) is missing from the extract; download the extract ZIP again: it always holds both CSVs, header-only when nothing changed", schema.FlexNetMaintenanceFileName(stamp))
	}
	for _, kind := range []fneFile{fneEntitlements, fneMaintenance} {
		for _, m := range members[kind] {
			x.checkMember(a, m)
		}
	}
}

// checkFNEStamp reports a name whose stamp is no real date and time.
func checkFNEStamp(s *sink, member, base string, n schema.FlexNetName) {
	if _, err := n.Time(); err != nil {
		subject := ""
		if member == "" {
			subject = "bundle"
		}
		s.add(ruleFNEName, at{file: member, subject: subject}, "the timestamp %s in %q is not a real date and time (YYYY-MM-DD-HH-MM-SS); keep the name FlexNet Operations wrote", n.Stamp, base)
	}
}

// checkFNEMemberName checks a CSV's name and place in the ZIP. The CSVs'
// stamps may differ from the ZIP's: FlexNet stamps them when the job ran.
func checkFNEMemberName(s *sink, member, dir, base string, kind fneFile) {
	want := schema.FlexNetEntitlementPrefix
	if kind == fneMaintenance {
		want = schema.FlexNetMaintenancePrefix
	}
	member = sanitizeMember(member)
	n, ok := schema.ParseFlexNetName(base)
	switch {
	case !ok || n.Prefix != want:
		s.add(ruleFNEName, at{file: member, subject: "grammar"}, "the name %q is off the grammar %sYYYY-MM-DD-HH-MM-SS.csv; keep the name FlexNet Operations wrote (licaudit reads it as the %s)", base, want, kind)
	default:
		checkFNEStamp(s, member, base, n)
	}
	if dir != "" {
		s.add(ruleFNEName, at{file: member, subject: "dir"}, "%s sits in the folder %q; FlexNet writes both CSVs at the top of the extract ZIP: send the ZIP as downloaded, not repacked", base, dir)
	}
}

func hasEntryProblem(a *bundle.Archive, name string, k bundle.ProblemKind) bool {
	for _, p := range a.Problems {
		if p.Entry == name && p.Kind == k {
			return true
		}
	}
	return false
}

// checkMember streams one CSV of the ZIP once through its checks.
func (x *fneExtract) checkMember(a *bundle.Archive, m fneMember) {
	member := sanitizeMember(m.entry.Name)
	if m.entry.Size == 0 {
		x.s.add(ruleMemberEmpty, at{file: member}, "the %s is empty (0 bytes), not even a header row: the download was interrupted; download the extract again", m.kind)
		return
	}
	rc, err := a.Open(m.entry)
	if err != nil {
		reportReadError(x.s, member, err)
		return
	}
	x.checkStream(rc, member, m.kind)
}

// checkStream reads one CSV of an extract in one pass: text, CSV syntax,
// header grammar, rows and values. The ZIP layer's errors are reported by
// the member reader, the rest by the checks.
func (x *fneExtract) checkStream(rc io.ReadCloser, member string, kind fneFile) {
	mr := newMemberReader(rc)
	t := newTextScanner(mr, x.opts.CSV.MaxLineBytes)
	c := openCSV(x.s, member, t, false)
	var acts *idSet
	if c.header != nil {
		r := newFNERows(x, c, member, kind)
		for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
			r.row(rec, line)
		}
		acts = r.finish()
	}
	c.finish()
	mr.finish()
	reportReadError(x.s, member, mr.err)
	if kind == fneEntitlements && x.lineItems == nil && acts != nil && !c.failed && mr.err == nil {
		// Only a whole file can say a link is absent from it.
		x.lineItems, x.lineItemsFrom = acts, member
	}
}

// fneRows checks the rows of one CSV. Its state is a few strings and the
// compact identifier logs of idLog (about 10.5 bytes per row and per
// entitlement), never the rows themselves.
type fneRows struct {
	x      *fneExtract
	s      *sink
	member string
	kind   fneFile
	header []string
	lay    fneLayout

	activationIDs *idLog
	// entitlements holds the EntitlementID of each run of rows with the
	// line it starts at: one entitlement in two runs has rows away from
	// its entitlement's.
	entitlements *idLog
	// group is the run of rows being read. Its IDs are copies, kept in
	// buffers used again from one run to the next: a row's cells last
	// only until the next row is read (see csvAhead.next).
	group struct {
		id   []byte // empty before the first row
		line int
		link []byte // the maintenance group's LineItemLink
	}
	dates fneDates
}

func newFNERows(x *fneExtract, c *csvFile, member string, kind fneFile) *fneRows {
	return &fneRows{x: x, s: x.s, member: member, kind: kind, header: c.header,
		lay:           checkFNEHeader(x.s, member, c.headerLine, c.header, kind),
		activationIDs: newIDLog(x.seed), entitlements: newIDLog(x.seed)}
}

// finish reports what needs the whole file: repeated ActivationIds,
// entitlements whose rows are apart, mixed dates. It returns the set of
// the file's ActivationIds.
func (r *fneRows) finish() *idSet {
	reps, acts := r.activationIDs.finish(true)
	for _, rep := range reps {
		r.s.add(ruleFNEActivationID, r.at(int(rep.line), r.lay.activationID), "the ActivationId at line %d repeats the one at line %d; each line item appears once per extract (rows duplicated when files were merged?)", rep.line, rep.first)
	}
	reps, _ = r.entitlements.finish(false)
	for _, rep := range reps {
		r.s.add(ruleFNEContinuation, r.at(int(rep.line), r.lay.entitlementID), "line %d repeats the EntitlementID of the rows from line %d, but rows of other entitlements come between; extra line items follow their entitlement's rows: send the extract unsorted and unedited", rep.line, rep.first)
	}
	r.dates.report(r.s, r.member)
	r.dates.pinnedConvention(r.s, r.member, r.x.opts.Forms.FlexNetDates)
	return acts
}

func (r *fneRows) at(line, col int) at {
	return at{file: r.member, line: line, location: r.header[col]}
}

func (r *fneRows) row(rec []string, line int) {
	l := r.lay
	for _, col := range l.typed {
		checkFNEValue(r.s, r.member, line, col, rec[col.index], &r.dates)
	}
	link := ""
	if l.lineItemLink >= 0 {
		link = strings.TrimSpace(rec[l.lineItemLink])
	}
	extra := false
	if l.entitlementID >= 0 {
		extra = r.entitlement(rec, line, link)
	}
	if l.activationID >= 0 {
		r.activation(strings.TrimSpace(rec[l.activationID]), line)
	}
	if r.kind == fneMaintenance && l.lineItemLink >= 0 {
		r.maintenanceLink(rec, line, link, extra)
	}
}

// entitlement checks EntitlementID and where the row stands among its
// entitlement's rows; it reports whether the row is an extra line item
// (it repeats the EntitlementID of the row before).
func (r *fneRows) entitlement(rec []string, line int, link string) bool {
	id := strings.TrimSpace(rec[r.lay.entitlementID])
	if id == "" {
		r.s.add(ruleFNEEntitlementID, r.at(line, r.lay.entitlementID), "line %d has an empty EntitlementID; every row, extra line items included, repeats its entitlement's ID", line)
		return false // the row's place cannot be judged; the group goes on
	}
	if id == string(r.group.id) {
		newLineItem := r.kind == fneMaintenance && link != "" && len(r.group.link) > 0 && link != string(r.group.link)
		if newLineItem {
			// Maintenance of another line item of the same
			// entitlement: FlexNet may write it full or empty.
			r.group.link = append(r.group.link[:0], link...)
			return false
		}
		r.checkExtraRowEmpty(rec, line)
		return true
	}
	r.entitlements.add(id, line)
	r.group.id = append(r.group.id[:0], id...)
	r.group.line = line
	r.group.link = append(r.group.link[:0], link...)
	return false
}

// checkExtraRowEmpty reports an extra line-item row that fills a column
// between EntitlementID and ActivationId.
func (r *fneRows) checkExtraRowEmpty(rec []string, line int) {
	var filled []string
	first := -1
	for _, i := range r.lay.between {
		if strings.TrimSpace(rec[i]) != "" {
			if first < 0 {
				first = i
			}
			filled = append(filled, r.header[i])
		}
	}
	if first < 0 {
		return
	}
	if len(filled) > 4 {
		filled = append(filled[:4], fmt.Sprintf("and %d more", len(filled)-4))
	}
	r.s.add(ruleFNEContinuation, r.at(line, first), "line %d repeats the EntitlementID of line %d, so it is an extra line item, but it fills %s; extra line items leave every column between EntitlementID and ActivationId empty (a whole entitlement twice? an edited row?)",
		line, r.group.line, strings.Join(filled, ", "))
}

// activation checks that ActivationId is filled and records it; repeats
// are reported when the file is done.
func (r *fneRows) activation(id string, line int) {
	w := r.at(line, r.lay.activationID)
	if id == "" {
		r.s.add(ruleFNEActivationID, w, "line %d has an empty ActivationId; each row is one line item with its own ActivationId", line)
		return
	}
	r.activationIDs.add(id, line)
}

// maintenanceLink checks that a maintenance row links to a line item of
// the same extract.
func (r *fneRows) maintenanceLink(rec []string, line int, link string, extra bool) {
	w := r.at(line, r.lay.lineItemLink)
	switch {
	case link == "" && extra && len(r.group.link) > 0:
		r.s.add(ruleFNEMaintenanceLink, w, "line %d is an extra maintenance item of line %d but its LineItemLink is empty; extra maintenance rows repeat the EntitlementID and the LineItemLink", line, r.group.line)
	case link == "":
		// The item is named only here: quoting it on every row cost a
		// third of a second per million rows.
		item := ""
		if r.lay.activationID >= 0 {
			item = " " + r.s.value(strings.TrimSpace(rec[r.lay.activationID]))
		}
		r.s.add(ruleFNEMaintenanceLink, w, "the maintenance line item%s at line %d has an empty LineItemLink: it is linked to no entitlement line item; link it in FlexNet Operations if it should be", item, line)
	case r.x.lineItems != nil && !r.x.lineItems.has(link):
		r.s.add(ruleFNEMaintenanceLink, w, "the LineItemLink %s at line %d is not an ActivationId of %s; nothing to fix if that line item was sent in an earlier extract, otherwise send the extract whole", r.s.value(link), line, r.x.lineItemsFrom)
	}
}

// verifyFlexNetCSVFile checks an EntitlementsExtract-<ts>.csv or a
// MaintenanceLine-<ts>.csv given on its own. For a maintenance CSV, the
// entitlement CSV of the same stamp beside it, when there is one, supplies
// the line items its rows link to.
func verifyFlexNetCSVFile(res *Result, in Input, s *sink, opts Options) {
	base := filepath.Base(in.Path)
	n, ok := schema.ParseFlexNetName(base)
	if !ok {
		s.add(ruleFNEName, at{subject: "bundle"}, "the name %q is off the grammar EntitlementsExtract-YYYY-MM-DD-HH-MM-SS.csv or MaintenanceLine-YYYY-MM-DD-HH-MM-SS.csv", base)
	} else {
		checkFNEStamp(s, "", base, n)
	}
	kind, _ := fneKindOf(base)
	x := newFNEExtract(s, opts)
	if kind == fneMaintenance && ok {
		sibling := filepath.Join(filepath.Dir(in.Path), schema.FlexNetEntitlementFileName(n.Stamp))
		x.lineItems = x.collectActivationIDs(sibling)
		x.lineItemsFrom = filepath.Base(sibling)
	}
	st, err := os.Stat(in.Path)
	if err == nil && st.Size() == 0 {
		s.add(ruleMemberEmpty, at{}, "the %s is empty (0 bytes), not even a header row: the download was interrupted; download the extract again", kind)
		return
	}
	rc, err := openFile(in.Path)
	if err != nil {
		s.add(ruleZipUnreadable, at{}, "the %s cannot be read: %v", kind, err)
		return
	}
	x.checkStream(rc, "", kind)
}

// collectActivationIDs reads the ActivationIds of an entitlement CSV that
// is not itself under check here (it is verified as its own input). It
// returns nil when the file is absent or cannot be read whole, so that no
// link is called absent on partial knowledge.
func (x *fneExtract) collectActivationIDs(path string) *idSet {
	rc, err := openFile(path)
	if err != nil {
		return nil
	}
	mr := newMemberReader(rc)
	defer mr.finish()
	quiet := newSink("", false)
	c := openCSV(quiet, "", newTextScanner(mr, x.opts.CSV.MaxLineBytes), false)
	defer c.finish()
	col := c.column(schema.FlexNetActivationID)
	if col < 0 {
		return nil
	}
	ids := newIDLog(x.seed)
	for rec, line, ok := c.next(); ok; rec, line, ok = c.next() {
		if id := strings.TrimSpace(rec[col]); id != "" {
			ids.add(id, line)
		}
	}
	if c.failed || mr.err != nil {
		return nil
	}
	_, set := ids.finish(true)
	return set
}
