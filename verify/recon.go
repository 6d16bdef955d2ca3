package verify

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"
	mathbits "math/bits"
	"slices"
	"sort"
	"strings"
	"unsafe"
)

// customerTable holds the detailed CSV's customers compactly for
// reconciliation: per customer a 64-bit hash of its PKID, its line, the
// line of the anonymous CSV it was found at, and its counts as varints in
// shared chunks (about 28 bytes a customer for eight small counts), not
// the strings. Like idLog, rows go to 256 buckets by the top byte of the
// hash, in chunks, so the table grows without copying (a slice doubling
// to a million rows would briefly hold twice its size) and is sorted a
// bucket at a time when sealed.
type customerTable struct {
	path, member string
	columns      []string
	seed         maphash.Seed
	// chunks are the buckets' rows while the file is read; rows the same,
	// each bucket sorted by hash, once it is sealed.
	chunks [idBuckets][][]customerRow
	rows   [idBuckets][]customerRow
	fences [idBuckets][]uint32 // of the sealed buckets (see searchFence)
	// data holds the counts in chunks; chunk k starts at k*dataChunk of
	// the offsets rows keep, and a row's counts are never split between
	// chunks. The first chunks are smaller (see add).
	data      [][]byte
	dataChunk int
	// perBucket, when set, is how many rows each bucket is expected to
	// end with (see reserve).
	perBucket int
	trusted   int    // how many rows a bucket may grow to at once (see reserve)
	n         int    // rows added
	seen      bool   // a row's seenAt is set (see clearSeen)
	touched   uint32 // what findAll read ahead, kept so the reads are not left out
}

type customerRow struct {
	pkHi, pkLo uint32
	off        uint32 // of the counts in data: chunk*dataChunk + offset
	line       uint32
	// seenAt is the line of the anonymous CSV where the customer was
	// found (0 before it is), which tells a repeated row from a first.
	seenAt uint32
}

func (r *customerRow) pk() uint64 { return uint64(r.pkHi)<<32 | uint64(r.pkLo) }

// customerRef names a row of a sealed table: its bucket and index, or -1.
type customerRef int64

func newCustomerTable(path, member string, columns []string) *customerTable {
	return &customerTable{path: path, member: member, columns: columns, seed: maphash.MakeSeed(),
		dataChunk: max(maxDataChunk, len(columns)*binary.MaxVarintLen64)}
}

const (
	// A table's count chunks double from minDataChunk to maxDataChunk
	// bytes: a small detailed CSV (a directory holds hundreds) takes a
	// few KiB, a large one few allocations. Each allocation of a large
	// table comes with its heap at the memory limit and so costs a
	// collection: 64 KiB chunks made 120 collections while reading a
	// million customers, 2.3 s; 1 MiB chunks make 22, 2.0 s.
	minDataChunk = 4 << 10
	maxDataChunk = 1 << 20
)

func (t *customerTable) add(pkid string, line int, values []int64) {
	k := len(t.data) - 1
	if need := len(values) * binary.MaxVarintLen64; k < 0 || len(t.data[k])+need > cap(t.data[k]) {
		size := minDataChunk
		if k >= 0 {
			size = 2 * cap(t.data[k])
		}
		t.data = append(t.data, make([]byte, 0, min(t.dataChunk, max(size, need))))
		k++
	}
	h := t.hash(pkid)
	row := customerRow{pkHi: uint32(h >> 32), pkLo: uint32(h), off: uint32(k*t.dataChunk + len(t.data[k])), line: uint32(line)}
	for _, v := range values {
		t.data[k] = binary.AppendVarint(t.data[k], v)
	}
	t.n++
	b := &t.chunks[bucketOf(h)]
	if k := len(*b); t.perBucket > 0 && (k == 0 || len((*b)[k-1]) == cap((*b)[k-1])) {
		t.regrow(b)
	}
	*b = appendChunked(*b, row)
}

// regrow moves a full bucket of a table sized ahead into one chunk with
// room for every row it is expected to end with (see reserve), at most
// twice what it holds (or the trusted room, when that is more), or an
// eighth more than it holds when it has outgrown the estimate. A bucket
// is thus always one chunk, which seal sorts in place; the table never
// holds room for a bucket's rows twice (a second chunk the size of the
// first, when a later estimate grew, came to a second table); and an
// estimate far too high (a file whose first rows are much shorter than
// the rest) costs at most the room of a doubling, or the trusted room.
func (t *customerTable) regrow(b *[][]customerRow) {
	n := 0
	for _, c := range *b {
		n += len(c)
	}
	rows := make([]customerRow, 0, max(min(t.perBucket, max(2*n+idChunkMin, t.trusted)), n+n/8+idChunkMin))
	for _, c := range *b {
		rows = append(rows, c...)
	}
	*b = append((*b)[:0], rows)
}

// reserve sizes the buckets for n customers in all: a bucket that fills
// gets one chunk that holds every row it is expected to end with, a few
// standard deviations over the mean, so that seal finds them all in one
// chunk and sorts them there instead of copying each bucket (20 MB at a
// million customers, made at the memory limit: a collection a bucket).
//
// alone says the file is verified beside no other input (see
// largeInput): such a table trusts the estimate up to trustedCustomers,
// and its buckets grow to the room it asks for at once rather than by
// doublings. The buckets fill evenly, so they doubled all at about the
// same row, each holding its old chunk and its new one at once: a million
// customers' last doubling moved 10 MB of rows into 21 MB, with the
// names and the counts already near the memory limit, and the collector
// ran every 2 to 3 ms for a tenth of the file (35 collections in all
// against 23 trusting the estimate, and 0.935 of the time). An estimate
// far too high then costs at most the room of trustedCustomers (22 MB),
// as the set of names already pays for as many names; a smaller file,
// which may be read beside others, keeps to doublings.
func (t *customerTable) reserve(n int, alone bool) {
	t.perBucket = bucketRoom(n)
	if alone {
		t.trusted = max(t.trusted, bucketRoom(min(n, trustedCustomers)))
	}
}

// bucketRoom is the room a bucket gets for n customers in all: a few
// standard deviations over their mean share.
func bucketRoom(n int) int {
	mean := float64(n) / idBuckets
	return int(mean*1.02 + 4*math.Sqrt(mean) + idChunkMin)
}

// trustedCustomers is the most customers a table verified alone makes
// room for at once (see reserve): the most reserveAhead estimates at
// row reserveFirst*reserveStep, where the first real estimate is made.
const trustedCustomers = reserveFirst * reserveStep * reserveStep

// seal sorts the rows for lookup once the file is read. It keeps the
// first row of a repeated PKID and returns the others, in line order, for
// anon.customer-key.
func (t *customerTable) seal() []idRepeat {
	// In halves at once, as idLog.finish: a million customers took 0.28 s
	// on one core, the other idle, when the buckets were sorted by
	// comparison alone (see rowSorter).
	return bucketsInHalves(t.n >= idParallelFinish, t.sealBuckets)
}

// sealBuckets sorts buckets [from, to) and makes their fences, returning
// the rows that repeat a PKID of an earlier row.
func (t *customerTable) sealBuckets(from, to int) []idRepeat {
	var reps []idRepeat
	total, largest := 0, 0
	for _, chunks := range t.chunks[from:to] {
		n := 0
		for _, c := range chunks {
			n += len(c)
		}
		total += n
		largest = max(largest, n)
	}
	// One array holds the fences of these buckets.
	fences := make([]uint32, 0, total/fenceStep+(to-from))
	sc := newRowSorter(largest)
	for b := from; b < to; b++ {
		n := 0
		for _, c := range t.chunks[b] {
			n += len(c)
		}
		var rows []customerRow
		if chunks := t.chunks[b]; len(chunks) > 0 && n <= cap(chunks[len(chunks)-1]) {
			// The last chunk has room for the others (see reserve).
			rows = chunks[len(chunks)-1]
			for _, c := range chunks[:len(chunks)-1] {
				rows = append(rows, c...)
			}
		} else {
			rows = make([]customerRow, 0, n)
			for _, c := range chunks {
				rows = append(rows, c...)
			}
		}
		t.chunks[b] = nil
		sc.sort(rows)
		kept := rows[:0]
		for i := range rows {
			if len(kept) > 0 && rows[i].pk() == kept[len(kept)-1].pk() {
				reps = append(reps, idRepeat{line: rows[i].line, first: kept[len(kept)-1].line})
				continue
			}
			kept = append(kept, rows[i])
		}
		t.rows[b] = slices.Clip(kept)
		start := len(fences)
		fences = appendFence(fences, len(kept), func(i int) uint64 { return kept[i].pk() })
		t.fences[b] = fences[start:len(fences):len(fences)]
	}
	return reps
}

// compareRows orders rows by PKID hash, then line.
func compareRows(x, y customerRow) int {
	if c := cmp.Compare(x.pk(), y.pk()); c != 0 {
		return c
	}
	return cmp.Compare(x.line, y.line)
}

// rowSorter sorts a bucket's rows by compareRows, reusing its scratch from
// one bucket to the next. The hashes are seeded and uniform below the
// bucket's bits, so one counting pass on the next bits leaves slots of a
// row or two to order: sealing a million customers took 0.27 s of CPU
// when slices.SortFunc sorted each bucket, and takes 0.04 s.
type rowSorter struct {
	counts []int
	moved  []customerRow
}

// newRowSorter returns a rowSorter whose scratch fits buckets of up to n
// rows, so that sorting them allocates nothing.
func newRowSorter(n int) rowSorter {
	if n < 2*sortSlotMax {
		return rowSorter{}
	}
	return rowSorter{counts: make([]int, 0, 1<<mathbits.Len(uint(n))+1), moved: make([]customerRow, 0, n)}
}

// sortSlotMax is the most rows a slot is put in order by insertion: more
// (the same PKID on many rows, which a hostile file may hold) go through
// slices.SortFunc, so the time stays O(n log n).
const sortSlotMax = 16

// sort puts rows in the order of compareRows.
func (s *rowSorter) sort(rows []customerRow) {
	n := len(rows)
	if n < 2*sortSlotMax {
		slices.SortFunc(rows, compareRows)
		return
	}
	bits := min(mathbits.Len(uint(n)), 64-idBucketBits)
	shift := 64 - idBucketBits - bits
	mask := uint64(1)<<bits - 1
	// The scratch is reused from bucket to bucket, and made large enough
	// for all of them at once by newRowSorter: sealing allocates nothing
	// per bucket (TestCustomerTableMany).
	if slots := 1<<bits + 1; cap(s.counts) < slots {
		s.counts = make([]int, slots)
	} else {
		s.counts = s.counts[:slots]
		clear(s.counts)
	}
	if cap(s.moved) < n {
		s.moved = make([]customerRow, n)
	}
	s.moved = s.moved[:n]
	for i := range rows {
		s.counts[int(rows[i].pk()>>shift&mask)+1]++
	}
	for k := 1; k < len(s.counts); k++ {
		s.counts[k] += s.counts[k-1]
	}
	next := s.counts[:1<<bits] // next free place of each slot, from its start
	for i := range rows {
		k := int(rows[i].pk() >> shift & mask)
		s.moved[next[k]] = rows[i]
		next[k]++
	}
	copy(rows, s.moved)
	// next[k] is now where slot k ends, and so slot k+1 starts.
	start := 0
	for _, end := range next {
		run := rows[start:end]
		if len(run) > sortSlotMax {
			slices.SortFunc(run, compareRows)
		} else {
			for i := 1; i < len(run); i++ {
				for j := i; j > 0 && compareRows(run[j], run[j-1]) < 0; j-- {
					run[j], run[j-1] = run[j-1], run[j]
				}
			}
		}
		start = end
	}
}

// clearSeen forgets where the rows were found: each anonymous CSV of a
// bundle (a copy outside the export directory, say) is reconciled on its
// own, and a row found in the one before is no repeat in the next.
func (t *customerTable) clearSeen() {
	if !t.seen {
		return // nothing to forget: 20 MB not written at a million customers
	}
	t.seen = false
	for _, rows := range t.rows {
		for i := range rows {
			rows[i].seenAt = 0
		}
	}
}

// hash is the hash of a PKID that findAll takes, and an idLog made with
// the table's seed.
func (t *customerTable) hash(pkid string) uint64 { return maphash.String(t.seed, pkid) }

// findAll sets refs[i] to the row of the PKID whose hash is hashes[i], or
// -1; runs is its scratch, an entry a hash. A table of many customers is
// far larger than the caches, so each lookup reads rows from memory. One
// lookup after the other (find, in the tests), each waits for its rows
// before the next begins; findAll first finds every lookup's run of rows
// in the fences, which stay in the cache, then reads the cache lines
// around each run's guess (see fenceRun) in a loop that depends on nothing
// it reads, where the processor waits for many at once, and then searches
// the runs, in the cache.
func (t *customerTable) findAll(hashes []uint64, refs []customerRef, runs [][3]int) {
	for i, h := range hashes {
		b := bucketOf(h)
		from, to, guess := fenceRun(t.fences[b], len(t.rows[b]), h)
		runs[i] = [3]int{from, to, guess}
	}
	var touched uint32
	for i, h := range hashes {
		rows := t.rows[bucketOf(h)]
		// Rows are 20 bytes: these are the cache lines around the guess.
		for k := max(runs[i][2]-3, runs[i][0]); k < min(runs[i][2]+4, runs[i][1]); k += 3 {
			touched += rows[k].pkLo
		}
	}
	t.touched += touched
	for i, h := range hashes {
		b := bucketOf(h)
		rows := t.rows[b]
		k := searchRun(runs[i][0], runs[i][1], runs[i][2], h, func(i int) uint64 { return rows[i].pk() })
		refs[i] = -1
		if k < len(rows) && rows[k].pk() == h {
			refs[i] = customerRef(int64(b)<<32 | int64(k))
		}
	}
}

// row returns the row ref names.
func (t *customerTable) row(ref customerRef) *customerRow {
	return &t.rows[int(ref>>32)][int(ref&(1<<32-1))]
}

// values decodes the counts of a row into out (reused between rows).
func (t *customerTable) values(r *customerRow, out []int64) []int64 {
	out = append(out[:0], make([]int64, len(t.columns))...)
	b := t.data[int(r.off)/t.dataChunk][int(r.off)%t.dataChunk:]
	for k := range out {
		v, n := binary.Varint(b)
		out[k] = v
		b = b[n:]
	}
	return out
}

// maxListed caps the PKIDs a recon.customer-set finding lists.
const maxListed = 20

// reconRun reconciles the anonymous CSV with the detailed one row by row as
// the anonymous CSV streams by. Its messages quote PKIDs through the sink
// (redacted by default, like every cell value) beside their line numbers,
// which locate the rows either way.
type reconRun struct {
	v            *vossBundle
	c            *csvFile
	columns      []string // anonymous count columns
	toDet        []int    // anonymous count column -> detailed column, or -1
	missing      []string // PKIDs in the anonymous CSV only (first maxListed)
	missingLines []int    // and their lines
	// absent logs every such row's PKID, so that a PKID on several rows
	// is counted once. It hashes with the table's seed, so the hash the
	// row was looked up by is the one it logs.
	absent *idLog
	// repeats are the rows whose PKID a row before them had, found in
	// the table (those of absent PKIDs are found when absent finishes).
	repeats []idRepeat
	det     []int64 // scratch: the detailed row's counts
	// queued are the rows taken and not yet compared (see row).
	queued reconQueue
}

// reconQueue holds anonymous rows for reconRun to look up together (see
// customerTable.findAll): their PKIDs' hashes, lines and counts, and the
// PKIDs themselves, copied, since a row's cells last only until the next
// row is read.
type reconQueue struct {
	hashes []uint64
	lines  []int
	ends   []int   // of each PKID in text
	text   []byte  // the PKIDs
	values []int64 // the counts, a row's after the row before's
	refs   []customerRef
	runs   [][3]int
}

const (
	// reconRowsAtOnce is how many rows reconRun looks up together: enough
	// for the processor to wait for many at once, few enough that the
	// rows they read stay in the cache until they are compared.
	reconRowsAtOnce = 64
	// reconQueueBytes bounds the queue's copies: a real row queues a
	// PKID of a few dozen bytes and a few counts, but a hostile one may
	// hold a PKID of a megabyte (the line limit) or a header of half a
	// million count columns, and 64 such rows would pass the memory bar.
	// A queue that reaches it is compared at once, down to a row at a
	// time.
	reconQueueBytes = 64 << 10
)

// startRecon compares the count columns and prepares the row comparison;
// it returns nil when there is no detailed CSV to reconcile with. The
// anonymous CSV must have its Customer PKID column (anon.customer-key says
// when it has not).
func (v *vossBundle) startRecon(c *csvFile, counts []int) *reconRun {
	t := v.detailed
	if t == nil {
		return nil
	}
	t.clearSeen()
	r := &reconRun{v: v, c: c, absent: newIDLog(t.seed)}
	det := map[string]int{}
	for i, col := range t.columns {
		det[strings.TrimSpace(col)] = i
	}
	anon := map[string]bool{}
	for _, i := range counts {
		col := strings.TrimSpace(c.header[i])
		r.columns = append(r.columns, col)
		anon[col] = true
		if j, ok := det[col]; ok {
			r.toDet = append(r.toDet, j)
		} else {
			r.toDet = append(r.toDet, -1)
		}
	}
	var onlyAnon, onlyDet []string
	for _, col := range r.columns {
		if _, ok := det[col]; !ok {
			onlyAnon = append(onlyAnon, col)
		}
	}
	for _, col := range t.columns {
		if !anon[strings.TrimSpace(col)] {
			onlyDet = append(onlyDet, col)
		}
	}
	if len(onlyAnon)+len(onlyDet) > 0 {
		v.s.add(ruleReconColumns, at{file: c.member, line: c.headerLine, subject: strings.Join(append(onlyAnon, onlyDet...), "|")},
			"the count columns differ: only in the anonymous CSV %s; only in the detailed CSV %s; counts are compared on the columns both have", listOrNone(onlyAnon), listOrNone(onlyDet))
	}
	return r
}

func listOrNone(cols []string) string {
	if len(cols) == 0 {
		return "none"
	}
	return fmt.Sprintf("%q", cols)
}

// row compares one anonymous row with its detailed row: it queues the
// row, and compares the queued rows once reconRowsAtOnce are queued, or at
// finish. The findings are the same either way; they are sorted in the
// report, so coming a few rows late changes nothing.
func (r *reconRun) row(pkid string, line int, values []int64) {
	q := &r.queued
	q.hashes = append(q.hashes, r.v.detailed.hash(pkid))
	q.lines = append(q.lines, line)
	q.text = append(q.text, pkid...)
	q.ends = append(q.ends, len(q.text))
	q.values = append(q.values, values...)
	if len(q.hashes) == reconRowsAtOnce || q.size() >= reconQueueBytes {
		r.compareQueued()
	}
}

// size is about how many bytes the queue's copies take.
func (q *reconQueue) size() int {
	return len(q.text) + 8*len(q.values)
}

// compareQueued compares the queued rows, in the order they came, and
// empties the queue.
func (r *reconRun) compareQueued() {
	q := &r.queued
	n := len(q.hashes)
	if n == 0 {
		return
	}
	q.refs = slices.Grow(q.refs[:0], n)[:n]
	q.runs = slices.Grow(q.runs[:0], n)[:n]
	r.v.detailed.findAll(q.hashes, q.refs, q.runs)
	width, from := len(r.columns), 0
	for i, ref := range q.refs {
		// The PKIDs stay in text until the queue is emptied, below; what
		// outlives that is copied (r.missing, the sink's findings).
		pkid := unsafe.String(unsafe.SliceData(q.text[from:]), q.ends[i]-from)
		r.compare(ref, q.hashes[i], pkid, q.lines[i], q.values[i*width:(i+1)*width])
		from = q.ends[i]
	}
	q.hashes, q.lines, q.ends, q.text, q.values = q.hashes[:0], q.lines[:0], q.ends[:0], q.text[:0], q.values[:0]
}

// compare compares one anonymous row, whose PKID hashes to h, with its
// detailed row, ref (-1 when the detailed CSV has none). It also finds
// the rows that repeat a PKID (anon.customer-key), so that the anonymous
// CSV needs no identifier log of its own when it is reconciled: a matched
// customer remembers its line, and an absent PKID goes to r.absent.
func (r *reconRun) compare(ref customerRef, h uint64, pkid string, line int, values []int64) {
	t := r.v.detailed
	if ref < 0 {
		r.absent.addHash(h, line)
		if len(r.missing) < maxListed && !slices.Contains(r.missing, pkid) {
			r.missing = append(r.missing, strings.Clone(pkid))
			r.missingLines = append(r.missingLines, line)
		}
		return
	}
	row := t.row(ref)
	if row.seenAt != 0 {
		r.repeats = append(r.repeats, idRepeat{line: uint32(line), first: row.seenAt})
		return
	}
	row.seenAt = uint32(line)
	t.seen = true
	r.det = t.values(row, r.det)
	for k, j := range r.toDet {
		if j < 0 || values[k] == invalidCount || r.det[j] == invalidCount || values[k] == r.det[j] {
			continue
		}
		r.v.s.add(ruleReconCountMismatch, at{file: r.c.member, line: line, location: r.columns[k], subject: pkid},
			"Customer PKID %s (line %d here, line %d of the detailed CSV): %q is %d in the anonymous CSV but %d in the detailed CSV; re-run the export so both come from one audit",
			r.v.s.value(pkid), line, row.line, r.columns[k], values[k], r.det[j])
	}
}

// finish reports the customers found in only one of the two CSVs. When the
// anonymous CSV could not be read to its end, the detailed customers past
// that point are not reported missing: csv.syntax or a zip rule already
// says why the rest was not read.
func (r *reconRun) finish() {
	r.compareQueued()
	t := r.v.detailed
	rows := r.absent.len()
	absentReps, _ := r.absent.finish(false)
	// Repeats in line order, found in the table or among the absent
	// PKIDs, so that the repeats kept under the cap are the first (the
	// rule's findings of empty PKIDs, made as rows came, go before them).
	reps := append(r.repeats, absentReps...)
	sortRepeats(reps)
	for _, rep := range reps {
		r.v.repeatedPKID(r.c.member, rep.line, rep.first)
	}
	if n := rows - len(absentReps); n > 0 {
		r.v.s.add(ruleReconCustomerSet, at{file: r.c.member, subject: "anonymous-only"},
			"%d Customer PKID(s) are in the anonymous CSV but not in the detailed CSV: %s; send the detailed and anonymous CSV of one export",
			n, r.listPKIDs(r.missing, r.missingLines, n, "line"))
	}
	if r.c.failed {
		return
	}
	// The rows are in hash order, which changes between runs: list the
	// first lines of the file, so the report does not.
	var lines []int
	for _, rows := range t.rows {
		for _, row := range rows {
			if row.seenAt == 0 {
				lines = append(lines, int(row.line))
			}
		}
	}
	if n := len(lines); n > 0 {
		sort.Ints(lines)
		lines = lines[:min(n, maxListed)]
		r.v.s.add(ruleReconCustomerSet, at{file: r.c.member, subject: "detailed-only"},
			"%d Customer PKID(s) of the detailed CSV are missing from the anonymous CSV: %s; re-run the export, which writes every customer to both",
			n, r.listPKIDs(t.pkidsAt(lines), lines, n, "detailed CSV line"))
	}
}

// listPKIDs lists PKIDs (quoted through the sink) with their lines, and
// how many more there are than listed.
func (r *reconRun) listPKIDs(ids []string, lines []int, total int, where string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s (%s %d)", r.v.s.value(id), where, lines[i])
	}
	s := strings.Join(parts, ", ")
	if total > len(ids) {
		s += fmt.Sprintf(" and %d more", total-len(ids))
	}
	return s
}

// pkidsAt reads the detailed CSV again for the PKIDs on the given lines
// (ascending): the table keeps hashes, and the strings are needed only for
// a report, so a second read of the partner's local file (never of a ZIP
// member) is cheaper than holding every PKID.
func (t *customerTable) pkidsAt(lines []int) []string {
	want := map[int]bool{}
	for _, l := range lines {
		want[l] = true
	}
	f, err := openFile(t.path)
	if err != nil {
		return make([]string, len(lines)) // the lines still say where
	}
	defer f.Close()
	scratch := newSink("", false)
	c := openCSV(scratch, t.member, newTextScanner(f, 0), true)
	defer c.finish()
	c.spreadsheet = false
	pk := c.column(colCustomerPKID)
	byLine := map[int]string{}
	for rec, line, ok := c.next(); ok && pk >= 0; rec, line, ok = c.next() {
		if want[line] {
			byLine[line] = strings.Clone(strings.TrimSpace(rec[pk]))
		}
	}
	var out []string
	for _, l := range lines {
		out = append(out, byLine[l])
	}
	return out
}
