package verify

import (
	"strings"
	"unsafe"
)

// nameFeed adds the detailed CSV's names to an identity on a goroutine of
// its own. Building the set of names (folding, classifying and hashing a
// million names) was half of reading a reconciled detailed CSV, on the
// same goroutine as the customer table and the counts while the second
// core mostly waited; now the two run side by side.
//
// Names travel in batches of copies, not as the row's cells, which last
// only until the next row is read (see csvAhead.next). The identity
// belongs to the feed's goroutine from start to finish: nothing else may
// touch it in between.
type nameFeed struct {
	id      *identity
	cur     *nameBatch
	batches chan *nameBatch
	free    chan *nameBatch
	done    chan struct{}
	last    [2][]byte // the last provider and reseller queued (see add)
	// queued are providers and resellers queued before (see add).
	queued [2]map[string]struct{}
	keys   []nameKey // of the feed's goroutine: names hashed, to be added together
}

// repeatSlot is where nameFeed.add keeps the last name of a kind that
// repeats from row to row, or -1.
func (k nameKind) repeatSlot() int {
	switch k {
	case kindProvider:
		return 0
	case kindReseller:
		return 1
	}
	return -1
}

// nameBatch is a run of names: name i is text[ends[i-1]:ends[i]], of kind
// kinds[i]. reserve, when set, is applied before the names are added.
type nameBatch struct {
	text    []byte
	ends    []int
	kinds   []nameKind
	reserve int
}

const (
	// A batch closes at nameBatchNames names or nameBatchBytes bytes of
	// them, whichever comes first, so that the nameBatchesMax batches in
	// flight hold a few hundred KiB to a MiB of names even when a hostile
	// file's names are as long as its lines may be.
	nameBatchNames = 4096
	nameBatchBytes = 256 << 10
	nameBatchesMax = 4
)

// maxQueuedRepeats is how many provider or reseller names the feed
// remembers having queued; past that it forgets them all and starts
// again, so a hostile file of a million resellers costs a few hundred KiB.
const maxQueuedRepeats = 1024

// nameKeysAtOnce is how many names the feed hashes before it adds them
// together (see nameSet.addKeys): a million names took 0.43 s added one
// by one, 0.33 s 256 at a time (64 and 1024 were no different).
const nameKeysAtOnce = 256

func startNameFeed(id *identity) *nameFeed {
	f := &nameFeed{
		id:      id,
		cur:     &nameBatch{},
		batches: make(chan *nameBatch, nameBatchesMax-2),
		free:    make(chan *nameBatch, nameBatchesMax),
		done:    make(chan struct{}),
		keys:    make([]nameKey, 0, nameKeysAtOnce),
	}
	go f.run()
	return f
}

func (f *nameFeed) run() {
	defer close(f.done)
	for b := range f.batches {
		if b.reserve > 0 {
			f.id.reserveNames(b.reserve)
		}
		// The names are strings over the batch's text, which is not
		// written again before every one is added (the identity copies
		// what it keeps).
		from := 0
		for i, end := range b.ends {
			name := ""
			if end > from {
				name = unsafe.String(&b.text[from], end-from)
			}
			if k, ok := f.id.nameKey(name, b.kinds[i]); ok {
				f.keys = append(f.keys, k)
				if len(f.keys) == cap(f.keys) {
					f.id.detailed.addKeys(f.keys)
					f.keys = f.keys[:0]
				}
			}
			from = end
		}
		f.id.detailed.addKeys(f.keys)
		f.keys = f.keys[:0]
		select {
		case f.free <- b:
		default:
		}
	}
}

// add queues a name of the detailed CSV; it may be a cell of the row.
// Provider and reseller names repeat on row after row: one that is the
// last queued of its kind, or one the feed remembers queuing (up to
// maxQueuedRepeats a kind, forgotten all at once), is not queued again. A
// file in reseller order repeats the last; one in customer or PKID order
// mixes every reseller's customers, and 3 in 4 of the benchmark's rows
// then queued a reseller the set already held. (Both are copies: a
// cell's text lasts only until the next row is read, and a stale cell
// that happened to read as the next name would skip it.)
func (f *nameFeed) add(name string, kind nameKind) {
	if k := kind.repeatSlot(); k >= 0 {
		if string(f.last[k]) == name {
			return
		}
		f.last[k] = append(f.last[k][:0], name...)
		queued := &f.queued[k]
		if _, ok := (*queued)[name]; ok {
			return
		}
		switch {
		case *queued == nil:
			*queued = map[string]struct{}{}
		case len(*queued) == maxQueuedRepeats:
			clear(*queued)
		}
		(*queued)[strings.Clone(name)] = struct{}{}
	}
	b := f.cur
	b.text = append(b.text, name...)
	b.ends = append(b.ends, len(b.text))
	b.kinds = append(b.kinds, kind)
	if len(b.ends) == nameBatchNames || len(b.text) >= nameBatchBytes {
		f.flush()
	}
}

// reserve asks for room for n names (see nameSet.reserve) before the
// names queued next are added.
func (f *nameFeed) reserve(n int) {
	f.cur.reserve = max(f.cur.reserve, n)
}

func (f *nameFeed) flush() {
	f.batches <- f.cur
	select {
	case b := <-f.free:
		b.text, b.ends, b.kinds, b.reserve = b.text[:0], b.ends[:0], b.kinds[:0], 0
		f.cur = b
	default:
		f.cur = &nameBatch{}
	}
}

// finish adds what is queued and waits until every name is in the
// identity, which then belongs to the caller again.
func (f *nameFeed) finish() {
	if len(f.cur.ends) > 0 || f.cur.reserve > 0 {
		f.batches <- f.cur
	}
	f.cur = nil
	close(f.batches)
	<-f.done
}
