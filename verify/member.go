package verify

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"
	"io"

	"github.com/licaudit/licaudit/bundle"
)

// memberReader is the one pass over a member: every byte inflated goes
// through the hashers on its way to the parser, and what the parser leaves
// unread is drained through them at the end, so the digest always covers the
// whole member without reading it twice.
type memberReader struct {
	rc      io.ReadCloser
	hashers []hash.Hash
	w       io.Writer
	n       int64
	// err is the first error of the ZIP layer (CRC, limits, corrupt data);
	// parsers see it too, but it is judged here, not by them.
	err error
}

func newMemberReader(rc io.ReadCloser, algos ...string) *memberReader {
	m := &memberReader{rc: rc}
	ws := make([]io.Writer, 0, len(algos))
	for _, a := range algos {
		h := newHash(a)
		m.hashers = append(m.hashers, h)
		ws = append(ws, h)
	}
	m.w = io.MultiWriter(ws...)
	return m
}

func (m *memberReader) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n, err := m.rc.Read(p)
	if n > 0 {
		m.w.Write(p[:n])
		m.n += int64(n)
	}
	if err != nil && err != io.EOF {
		m.err = err
	}
	return n, err
}

// finish drains what the parser did not read and closes the member.
func (m *memberReader) finish() {
	if m.err == nil {
		buf := make([]byte, 32<<10)
		for {
			if _, err := m.Read(buf); err != nil {
				break
			}
		}
	}
	m.rc.Close()
}

// sum returns the digest of algorithm index i.
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
