package verify

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
	"io"
	"sync"
	"sync/atomic"

	"github.com/licaudit/licaudit/bundle"
)

// memberReader is the one pass over a member. A member larger than one
// block is read as a pipeline of two goroutines, so that inflating overlaps
// hashing and parsing:
//
//	inflate: fills blocks of memberBlockSize from the member (the ZIP
//	         layer inflates and checks CRC-32 and limits here)
//	parser:  the caller's goroutine, reading blocks through Read; each
//	         block goes through the hashers as Read takes it
//
// Hashing has no goroutine of its own: SHA-256 runs at over 1 GB/s, a
// fraction of the parser's time, and on two cores one more goroutine made
// the inflating goroutine, once woken, wait longer for a core (execution
// traces of a VOSS bundle of a million customers: 120 ms a run with a
// hashing goroutine, 26 ms without) for about 2% more CPU time.
//
// The first block is read and hashed in place by the parser's first Read;
// the goroutine starts only when the member goes on past it, so the small
// members of a bundle (and the many bundles of a directory, verified
// --jobs at a time) cost no hand-over between goroutines.
//
// At most memberBlocks blocks are in flight, so a member of any size needs
// about a MiB. What the parser leaves unread is drained through the hashers
// by finish, so the digest always covers the whole member without reading
// it twice. Blocks come from the member's own spare blocks, else from a
// pool shared by all members.
//
// Errors of the ZIP layer travel with the block they ended: the parser
// reads every byte inflated before the error, then the error (ErrChecksum
// comes only after the member's last byte, as archive/zip reports it).
// After finish the fields n and err and the digests (sum) are final; err
// may be read before, and then says what the parser has met so far.
type memberReader struct {
	rc      io.ReadCloser
	hashers []hash.Hash
	// n counts the bytes of the member read, by the parser or by finish.
	n int64
	// err is the first error of the ZIP layer (CRC, limits, corrupt data);
	// parsers see it too, but it is judged here, not by them.
	err error

	slots chan struct{} // one token per block in flight
	// spare holds the member's blocks between uses: a pool may be emptied
	// by every collection, and a collector working hard (a large state
	// near the memory limit) then made it allocate 256 KiB a block.
	spare    chan *[]byte
	inflated chan memberBlock // nil until the pipeline starts
	begun    bool             // the first block has been read
	cur      memberBlock
	off      int   // bytes of cur already read
	final    error // the error that ended the member, once Read met it
	// onFinish, when set, stops a reader of this member running on
	// another goroutine (csvAhead) before finish takes over.
	onFinish func()
}

// memberBlock is a run of inflated bytes and, on the last block, the error
// that ended the member (io.EOF at a normal end).
type memberBlock struct {
	buf *[]byte
	n   int
	err error
}

const (
	// memberBlockSize is large enough that the hand-over between
	// goroutines costs nothing next to the work on a block, small enough
	// that the parser starts at once.
	memberBlockSize = 256 << 10
	// memberBlocks bounds a member's blocks in flight: one being
	// inflated, two waiting, one parsed.
	memberBlocks = 4
	// maxEmptyMemberReads of (0, nil) in a row mean a broken reader.
	maxEmptyMemberReads = 100
)

// bytesRead counts the bytes every member reader of the process has read.
var bytesRead atomic.Int64

// BytesRead returns how many bytes all verifications in this process have
// read so far: members as inflated, plain files as they are. A progress
// display samples it to show bytes done and a rate while a large member is
// read; it only grows.
func BytesRead() int64 { return bytesRead.Load() }

var memberBlockPool = sync.Pool{New: func() any {
	b := make([]byte, memberBlockSize)
	return &b
}}

// newMemberReader reads rc with a hasher per algorithm (see newHash). The
// caller must call finish, which also closes rc.
func newMemberReader(rc io.ReadCloser, algos ...string) *memberReader {
	m := &memberReader{rc: rc, slots: make(chan struct{}, memberBlocks), spare: make(chan *[]byte, memberBlocks)}
	for _, a := range algos {
		m.hashers = append(m.hashers, newHash(a))
	}
	return m
}

// fill reads the next block from the member, waiting for a free slot.
func (m *memberReader) fill() memberBlock {
	m.slots <- struct{}{}
	var buf *[]byte
	select {
	case buf = <-m.spare:
	default:
		buf = memberBlockPool.Get().(*[]byte)
	}
	b := memberBlock{buf: buf}
	for empty := 0; b.n < len(*buf) && b.err == nil; {
		k, err := m.rc.Read((*buf)[b.n:])
		b.n += k
		b.err = err
		if k == 0 && err == nil {
			if empty++; empty == maxEmptyMemberReads {
				b.err = io.ErrNoProgress
			}
		}
	}
	bytesRead.Add(int64(b.n))
	return b
}

// inflate fills blocks from the member until it ends or fails.
func (m *memberReader) inflate(out chan<- memberBlock) {
	defer close(out)
	for {
		b := m.fill()
		out <- b
		if b.err != nil {
			return
		}
	}
}

func (m *memberReader) write(b memberBlock) {
	for _, h := range m.hashers {
		h.Write((*b.buf)[:b.n])
	}
}

// Read hands the parser the member's bytes in order, then the error that
// ended it. io.EOF comes with the last bytes when the reads that filled
// their block met it, else (the member ending just as a block filled) on
// the Read after them.
func (m *memberReader) Read(p []byte) (int, error) {
	for m.off == m.cur.n {
		if m.final != nil {
			return 0, m.final
		}
		if m.cur.buf != nil {
			if err := m.release(); err != nil {
				return 0, err
			}
		}
		if !m.begun {
			m.begun = true
			b := m.fill()
			m.write(b)
			if b.err == nil {
				m.inflated = make(chan memberBlock, memberBlocks)
				go m.inflate(m.inflated)
			}
			m.cur, m.off = b, 0
			continue
		}
		b, ok := <-m.inflated
		if !ok {
			// inflate always ends on a block with an error; this is
			// not reached, but a parser must not wait for ever.
			m.final = io.ErrUnexpectedEOF
			return 0, m.final
		}
		m.write(b)
		m.cur, m.off = b, 0
	}
	n := copy(p, (*m.cur.buf)[m.off:m.cur.n])
	m.off += n
	m.n += int64(n)
	if m.off == m.cur.n && m.cur.err == io.EOF {
		// The end comes with the last bytes, as io.Reader allows: a
		// parser then knows it holds the rest of the member (a small
		// CSV sizes its arena to it). The next Read releases the block.
		return n, io.EOF
	}
	return n, nil
}

// lastBlock reports whether the parser holds the member's last block: all
// that is left to read is in memory.
func (m *memberReader) lastBlock() bool { return m.final != nil || m.cur.err != nil }

// release gives the current block back and returns the error it ended on.
func (m *memberReader) release() error {
	err := m.cur.err
	m.spare <- m.cur.buf // never blocks: at most memberBlocks are out
	m.cur = memberBlock{}
	<-m.slots
	if err != nil {
		m.final = err
		if err != io.EOF {
			m.err = err
		}
	}
	return err
}

// finish drains what the parser did not read through the hashers, waits
// for the pipeline to stop and closes the member.
func (m *memberReader) finish() {
	if m.onFinish != nil {
		m.onFinish()
	}
	for m.final == nil {
		m.n += int64(m.cur.n - m.off)
		m.off = m.cur.n
		m.Read(nil)
	}
	if m.inflated != nil {
		for range m.inflated {
			// inflate closes the channel after the member's last block
		}
	}
	for len(m.spare) > 0 {
		memberBlockPool.Put(<-m.spare)
	}
	m.rc.Close()
}

// sum returns the digest of algorithm index i; it is the member's digest
// once finish has returned.
func (m *memberReader) sum(i int) []byte { return m.hashers[i].Sum(nil) }

func newHash(algo string) hash.Hash {
	switch algo {
	case "MD5":
		return md5.New()
	case "SHA1":
		return sha1.New()
	case "SHA512":
		return sha512.New()
	}
	return sha256.New()
}

// reportReadError turns an error of the ZIP layer met while reading a member
// into its finding. It reports whether there was one.
func reportReadError(s *sink, member string, err error) bool {
	if err == nil {
		return false
	}
	w := at{file: member}
	var lim *bundle.LimitError
	switch {
	case errors.Is(err, bundle.ErrChecksum):
		s.add(ruleZipCRCMismatch, w, "the content does not match the CRC-32 in the ZIP: the archive was damaged after it was written; copy the original bundle again")
	case errors.As(err, &lim):
		s.add(ruleZipLimitExceeded, w, "inflating stopped: %s; check this is a real export or raise limits.zip in the configuration", lim.Error())
	default:
		s.add(ruleZipUnreadable, w, "the compressed data cannot be inflated (%v): the ZIP is damaged; send it again", err)
	}
	return true
}

// isZipLayer tells errors of the ZIP layer from a parser's own.
func isZipLayer(err error) bool {
	return errors.Is(err, bundle.ErrChecksum) || errors.Is(err, bundle.ErrLimit) || errors.Is(err, bundle.ErrCorrupt)
}
