package verify

import (
	"encoding/csv"
	"errors"
	"io"
	"sync"
)

// csvAhead reads a CSV's records on a goroutine of its own, ahead of the
// checks that consume them, so that splitting rows into fields overlaps
// with checking them (the member pipeline already overlaps inflating and
// hashing). Records travel in batches, in order, each record with its line
// or the error met in its place. At most csvAheadBatches+1 batches are
// alive (one being filled, csvAheadBatches-1 queued, one being checked): a
// few hundred KiB, a few MiB for lines near the line limit.
//
// The checks see exactly what a synchronous read would show them: the same
// records, lines and errors in the same order. The goroutine reads no
// further after an error other than a syntax error, as the synchronous
// read stops there.
type csvAhead struct {
	batches chan *csvBatch
	free    chan *csvBatch
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once

	cur *csvBatch
	pos int
}

// csvBatch is a run of records: items[i] is fields[from:to], or an error.
// The fields are text in the batch's arenas.
type csvBatch struct {
	items  []csvItem
	fields []string
	text   lineArenas
	// consumed is the scanner's count of bytes read when the batch
	// closed (csvFile.consumed).
	consumed int64
}

type csvItem struct {
	from, to int
	line     int
	err      error
	formula  bool // see csvScanner.formula
}

const (
	// csvAheadBatches-1 batches wait between the goroutine and the
	// checks.
	csvAheadBatches = 3
	// A batch closes at csvBatchRecords records, csvBatchFields fields or
	// csvBatchBytes bytes of lines, whichever comes first: large enough
	// that the hand-over costs nothing next to the work on a batch, small
	// enough that the batches in flight stay a few hundred KiB even for
	// rows of a hundred fields (measured on a 1.1 GB FlexNet member: 32 Ki
	// fields a batch held 4 MiB more at peak, and were no faster), and a
	// few MiB for rows as long as the line limit allows (without the bytes
	// bound, a hundred lines of 1 MB went in one batch: 125 MiB of RSS).
	csvBatchRecords = 1024
	csvBatchFields  = 8 << 10
	csvBatchBytes   = 1 << 20
)

// batchRecords is csvBatchRecords, or 2 under the arenacheck build tag,
// which also reads every member ahead (see openCSV), so that the small
// files of the tests recycle batches and arenas many times over.
func batchRecords() int {
	if arenaCheck {
		return 2
	}
	return csvBatchRecords
}

// startAhead starts reading sc's records on a goroutine. The caller stops
// it with stopAhead (csvFile.finish and memberReader.finish do).
func startAhead(sc *csvScanner) *csvAhead {
	a := &csvAhead{
		batches: make(chan *csvBatch, csvAheadBatches-1),
		free:    make(chan *csvBatch, csvAheadBatches+1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go a.run(sc)
	return a
}

func (a *csvAhead) run(sc *csvScanner) {
	defer close(a.done)
	defer close(a.batches)
	// The scanner goes back to its caller allocating its arenas: the
	// batches' arenas may be written again.
	defer func() { sc.arenas, sc.arena = nil, nil }()
	limit := batchRecords()
	for {
		var b *csvBatch
		select {
		case b = <-a.free:
			// Lines too long for an arena are strings of their own:
			// let them go with their batch. Only then: clearing the
			// fields of a batch of short rows was a tenth of the time
			// a VOSS row took to split.
			if b.text.own {
				clear(b.fields[:cap(b.fields)])
			}
			b.items, b.fields, b.text.used, b.text.own = b.items[:0], b.fields[:0], 0, false
		default:
			b = &csvBatch{}
		}
		sc.arenas, sc.arena = &b.text, nil
		start := sc.consumed
		last := false
		for len(b.items) < limit && len(b.fields) < csvBatchFields && sc.consumed-start < csvBatchBytes {
			from := len(b.fields)
			fields, err := sc.readAppend(b.fields)
			if err == nil {
				b.fields = fields
				b.items = append(b.items, csvItem{from: from, to: len(b.fields), line: sc.line(), formula: sc.formula})
				continue
			}
			b.fields = fields[:from]
			b.items = append(b.items, csvItem{err: err})
			if !isSyntaxError(err) {
				last = true
				break
			}
		}
		b.consumed = sc.consumed
		select {
		case a.batches <- b:
		case <-a.stop:
			return
		}
		if last {
			return
		}
	}
}

// next returns the next record and its line, or the error in its place;
// io.EOF once the goroutine has stopped. The record, its strings included,
// is valid until the next call: its batch may then be reused, arenas and
// all, so a caller keeps a copy of any field it needs later (a finding's
// text is copied by the sink). formula reports csvScanner.formula for it.
func (a *csvAhead) next() (rec []string, line int, formula bool, err error) {
	for a.cur == nil || a.pos == len(a.cur.items) {
		if a.cur != nil {
			a.cur.text.retire()
			select {
			case a.free <- a.cur:
			default:
			}
			a.cur = nil
		}
		b, ok := <-a.batches
		if !ok {
			return nil, 0, false, io.EOF
		}
		a.cur, a.pos = b, 0
	}
	it := a.cur.items[a.pos]
	a.pos++
	if it.err != nil {
		return nil, 0, false, it.err
	}
	return a.cur.fields[it.from:it.to:it.to], it.line, it.formula, nil
}

// isSyntaxError tells a CSV syntax error, after which reading goes on,
// from an error that ends reading.
func isSyntaxError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote))
}

// stopAhead stops the goroutine and waits for it, wherever it is; after it
// the scanner and what it reads from belong to the caller again. It may be
// called more than once.
func (a *csvAhead) stopAhead() {
	a.once.Do(func() { close(a.stop) })
	<-a.done
}
