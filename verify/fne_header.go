package verify

import (
	"fmt"
	"strings"

	"github.com/licaudit/licaudit/schema"
)

// fneFile tells the two CSVs of a FlexNet extract apart.
type fneFile int

const (
	fneEntitlements fneFile = iota
	fneMaintenance
)

func (f fneFile) String() string {
	if f == fneMaintenance {
		return "maintenance CSV"
	}
	return "entitlement CSV"
}

// fneLayout is where the columns the row checks need are, once the header
// has been checked. An index is -1 when the column is absent (the header
// finding already said so) and the checks that need it are skipped.
type fneLayout struct {
	entitlementID, activationID, lineItemLink int
	// between are the columns an extra line-item row leaves empty: those
	// strictly between EntitlementID and ActivationId, but LineItemLink.
	between []int
	// typed are the boolean, integer and date columns.
	typed []fneTypedColumn
}

type fneTypedColumn struct {
	index int
	name  string
	kind  schema.FlexNetValueKind
}

// Header sections, in the order they must come.
const (
	sectionLeading   = iota // fixed columns before the tier blocks
	sectionTiers            // "<Tier>|<Field>" blocks
	sectionTrailing         // fixed columns from CurrentOwner to LicenseModel
	sectionAttribute        // LM[..|..] and CA[..|..]
)

// fneColumn is one header column as the grammar sees it.
type fneColumn struct {
	index   int // 0-based position in the header
	name    string
	section int
	fixed   int // position in the fixed-column list, or -1
}

// checkFNEHeader checks a FlexNet header against its grammar and returns
// where the columns are. Each finding names the column and what was
// expected there. Blank and repeated names are csv.header's and are passed
// over here.
func checkFNEHeader(s *sink, member string, line int, header []string, kind fneFile) fneLayout {
	h := fneHeaderCheck{s: s, member: member, line: line, kind: kind, reported: map[int]bool{}, explained: map[string]bool{}}
	if kind == fneEntitlements {
		h.fixed = append(append([]string(nil), schema.FlexNetEntitlementLeading...), schema.FlexNetEntitlementTrailing...)
	} else {
		h.fixed = schema.FlexNetMaintenanceFixed
	}
	h.classify(header)
	h.checkOrder()
	h.checkMissing()
	if kind == fneEntitlements {
		h.checkTiers()
	}
	return h.layout(header)
}

type fneHeaderCheck struct {
	s      *sink
	member string
	line   int
	kind   fneFile
	fixed  []string

	columns []fneColumn
	found   map[string]int // fixed column name -> its header index
	// reported marks columns already given a finding, so that one
	// misplaced column is not reported by two checks.
	reported map[int]bool
	// explained are missing fixed columns a finding already named as
	// what a misspelt column should have been.
	explained map[string]bool
}

func (h *fneHeaderCheck) add(col int, name, format string, args ...any) {
	h.reported[col] = true
	loc := name
	if loc == "" {
		loc = fmt.Sprintf("column %d", col+1)
	}
	h.s.add(ruleFNEHeader, at{file: h.member, line: h.line, location: loc}, format, args...)
}

func (h *fneHeaderCheck) fixedSection(pos int) int {
	if h.kind == fneEntitlements && pos < len(schema.FlexNetEntitlementLeading) {
		return sectionLeading
	}
	return sectionTrailing
}

// classify sorts the columns into fixed, tier and attribute columns and
// reports those that are none of them or are malformed.
func (h *fneHeaderCheck) classify(header []string) {
	h.found = map[string]int{}
	fixedPos := map[string]int{}
	for i, n := range h.fixed {
		fixedPos[n] = i
	}
	seen := map[string]bool{}
	for i, raw := range header {
		name := strings.TrimSpace(raw)
		if name == "" || seen[name] {
			continue // csv.header
		}
		seen[name] = true
		if pos, ok := fixedPos[name]; ok {
			h.found[name] = i
			h.columns = append(h.columns, fneColumn{index: i, name: name, section: h.fixedSection(pos), fixed: pos})
			continue
		}
		if schema.IsFlexNetAttributeColumn(name) {
			a, why := schema.ParseFlexNetAttribute(name)
			switch {
			case why != "":
				h.add(i, name, "column %d %q is a malformed attribute column: %s; expected LM[<license model>|<ATTRIBUTE>] or CA[<SCOPE>|<name>]", i+1, name, why)
			case h.kind == fneMaintenance && a.Prefix == schema.FlexNetLicenseModelPrefix:
				h.add(i, name, "column %d %q is a license-model attribute, which belongs to the entitlement CSV; the maintenance CSV has CA[MAINT_LINE|<name>] columns", i+1, name)
			}
			h.columns = append(h.columns, fneColumn{index: i, name: name, section: sectionAttribute, fixed: -1})
			continue
		}
		if _, _, ok := schema.FlexNetTierColumn(name); ok && h.kind == fneEntitlements {
			h.columns = append(h.columns, fneColumn{index: i, name: name, section: sectionTiers, fixed: -1})
			continue
		}
		h.add(i, name, "column %d %q is not a column of the FlexNet %s; expected %s", i+1, name, h.kind, h.expectedAt(i, header))
	}
}

// expectedAt says what the grammar expects in place of an unknown column:
// a fixed column that is missing, if the neighbours suggest one.
func (h *fneHeaderCheck) expectedAt(i int, header []string) string {
	var missing []string
	for _, n := range h.fixed {
		if _, ok := h.found[n]; !ok && !inHeader(header, n) {
			missing = append(missing, n)
		}
	}
	switch {
	case len(missing) == 1:
		h.explained[missing[0]] = true
		return fmt.Sprintf("the fixed column %s, which is missing (is this column misspelt?)", missing[0])
	case len(missing) > 1:
		return fmt.Sprintf("one of the fixed columns (missing: %s)", strings.Join(missing, ", "))
	case h.kind == fneEntitlements:
		return "a fixed column, a tier column <Tier>|<Field>, or an LM[..|..] / CA[..|..] attribute column"
	}
	return "a fixed column or a CA[MAINT_LINE|<name>] custom attribute column"
}

func inHeader(header []string, name string) bool {
	for _, h := range header {
		if strings.TrimSpace(h) == name {
			return true
		}
	}
	return false
}

// checkOrder reports the columns that stand out of order. It keeps the
// longest run of columns already in order (fixed columns by their place
// in the list, tier blocks and attributes by section) and reports the
// others, so that one moved column gives one finding, not one for every
// column it jumped over.
func (h *fneHeaderCheck) checkOrder() {
	var cols []fneColumn
	var keys []int
	for _, c := range h.columns {
		if h.reported[c.index] {
			continue
		}
		cols = append(cols, c)
		keys = append(keys, h.orderKey(c))
	}
	keep := longestOrdered(keys)
	for i, c := range cols {
		if !keep[i] {
			h.add(c.index, c.name, "column %d %q is out of order: %s", c.index+1, c.name, h.placeOf(c))
		}
	}
}

// orderKey sorts columns as the grammar wants them.
func (h *fneHeaderCheck) orderKey(c fneColumn) int {
	switch c.section {
	case sectionTiers:
		return len(schema.FlexNetEntitlementLeading)*2 - 1 // after the leading fixed columns
	case sectionAttribute:
		return len(h.fixed) * 2
	}
	return c.fixed * 2
}

// placeOf says where a column belongs.
func (h *fneHeaderCheck) placeOf(c fneColumn) string {
	last := h.fixed[len(h.fixed)-1]
	switch {
	case c.section == sectionTiers:
		return "tier columns stand together between Address and CurrentOwner"
	case c.section == sectionAttribute:
		return "attribute columns come after the fixed columns, from " + last + " on"
	case c.fixed == 0:
		return "it belongs first"
	case h.kind == fneEntitlements && c.fixed == len(schema.FlexNetEntitlementLeading):
		return "it belongs after the tier blocks, before " + h.fixed[c.fixed+1]
	}
	return "it belongs after " + h.fixed[c.fixed-1]
}

// longestOrdered marks a longest non-decreasing subsequence of keys, in
// O(n log n): a hostile header may have many thousands of columns.
func longestOrdered(keys []int) []bool {
	var tails []int // tails[k]: index of the smallest last key of a run of length k+1
	prev := make([]int, len(keys))
	for i, k := range keys {
		// the first run whose last key is greater than k
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if keys[tails[mid]] <= k {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[i] = -1
		if lo > 0 {
			prev[i] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, i)
		} else {
			tails[lo] = i
		}
	}
	keep := make([]bool, len(keys))
	if len(tails) > 0 {
		for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
			keep[i] = true
		}
	}
	return keep
}

// checkMissing reports each absent fixed column and where it belongs.
func (h *fneHeaderCheck) checkMissing() {
	for i, n := range h.fixed {
		if _, ok := h.found[n]; ok || h.explained[n] {
			continue
		}
		where := "first"
		if i > 0 {
			where = "after " + h.fixed[i-1]
		}
		h.s.add(ruleFNEHeader, at{file: h.member, line: h.line, location: n},
			"the fixed column %s is missing from the %s header; it belongs %s", n, h.kind, where)
	}
}

// tierBlock is the columns of one tier, in header order.
type tierBlock struct {
	tier   string
	cols   []fneColumn
	fields []string
}

// checkTiers checks the tier blocks: each tier's seven columns together,
// complete and in order.
func (h *fneHeaderCheck) checkTiers() {
	var blocks []*tierBlock
	byTier := map[string]*tierBlock{}
	fields := strings.Join(schema.FlexNetTierFields, ", ")
	prevIndex, prevTier := -2, ""
	for _, c := range h.columns {
		if c.section != sectionTiers {
			continue
		}
		tier, field, _ := schema.FlexNetTierColumn(c.name)
		b, seen := byTier[tier]
		switch {
		case !seen:
			b = &tierBlock{tier: tier}
			byTier[tier] = b
			blocks = append(blocks, b)
		case prevTier != tier || c.index != prevIndex+1:
			// A later run of a tier already seen: one finding for the
			// split; its fields still count toward the block.
			if !h.reported[c.index] {
				h.add(c.index, c.name, "the tier block %q is split: its columns start at column %d and again at column %d; a tier's columns %s stand together",
					tier, b.cols[0].index+1, c.index+1, fields)
			}
		}
		b.cols = append(b.cols, c)
		b.fields = append(b.fields, field)
		prevIndex, prevTier = c.index, tier
	}
	for _, b := range blocks {
		if b.tier == "" {
			first := b.cols[0]
			h.add(first.index, first.name, "column %d %q has no tier name before the |; expected <Tier>|<Field> such as End Customer|Account", first.index+1, first.name)
			continue
		}
		h.checkTierBlock(b)
	}
}

// checkTierBlock checks one tier's columns against FlexNetTierFields.
func (h *fneHeaderCheck) checkTierBlock(b *tierBlock) {
	all := strings.Join(schema.FlexNetTierFields, ", ")
	have := map[string]bool{}
	var known []fneColumn
	var positions []int
	for i, f := range b.fields {
		c := b.cols[i]
		have[f] = true
		pos, ok := schema.IsFlexNetTierField(f)
		if !ok {
			h.add(c.index, c.name, "column %d %q: %q is not a tier field; the block of tier %q is %s", c.index+1, c.name, f, b.tier, all)
			continue
		}
		known = append(known, c)
		positions = append(positions, pos)
	}
	keep := longestOrdered(positions)
	for i, c := range known {
		if !keep[i] && !h.reported[c.index] {
			h.add(c.index, c.name, "column %d %q is out of order in the block of tier %q; expected %s", c.index+1, c.name, b.tier, all)
		}
	}
	for i, f := range schema.FlexNetTierFields {
		if have[f] {
			continue
		}
		where := "first"
		if i > 0 {
			where = "after " + b.tier + "|" + schema.FlexNetTierFields[i-1]
		}
		h.s.add(ruleFNEHeader, at{file: h.member, line: h.line, location: b.tier + "|" + f},
			"the tier block %q is incomplete: %s|%s is missing; it belongs %s (a tier block is %s)", b.tier, b.tier, f, where, all)
	}
}

// layout returns where the columns the row checks need are.
func (h *fneHeaderCheck) layout(header []string) fneLayout {
	l := fneLayout{entitlementID: -1, activationID: -1, lineItemLink: -1}
	if i, ok := h.found[schema.FlexNetEntitlementID]; ok {
		l.entitlementID = i
	}
	if i, ok := h.found[schema.FlexNetActivationID]; ok {
		l.activationID = i
	}
	if i, ok := h.found[schema.FlexNetLineItemLink]; ok && h.kind == fneMaintenance {
		l.lineItemLink = i
	}
	if l.entitlementID >= 0 && l.activationID > l.entitlementID {
		for i := l.entitlementID + 1; i < l.activationID; i++ {
			if i != l.lineItemLink {
				l.between = append(l.between, i)
			}
		}
	}
	for _, c := range h.columns {
		if c.fixed < 0 {
			continue
		}
		if k := schema.FlexNetColumnKinds[c.name]; k != schema.FlexNetText {
			l.typed = append(l.typed, fneTypedColumn{index: c.index, name: c.name, kind: k})
		}
	}
	return l
}
