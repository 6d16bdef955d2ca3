// Package generate writes reference bundles of each format, valid or
// broken on purpose (--defect), deterministically from a seed, from the same
// format knowledge (package schema) that verify checks against.
package generate

import (
	"archive/zip"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/licaudit/licaudit/bundle"
)

// member is one entry of a ZIP to write.
type member struct {
	Name string
	Data []byte
	// Dir makes a directory entry (Name ends in "/").
	Dir bool
	// Store writes the entry uncompressed.
	Store bool
	// Raw, when set, is written as the entry's data with Method, CRC32 and
	// sizes taken from the header as given: for defects the standard
	// writer refuses to make.
	Raw *zip.FileHeader
	// Mode sets the entry's file mode (a symlink defect).
	Mode os.FileMode
}

// writeZip writes members in order with every time set to modified, so
// the same input gives the same bytes.
func writeZip(w io.Writer, modified time.Time, members []member) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.DefaultCompression)
	})
	for _, m := range members {
		if m.Raw != nil {
			h := *m.Raw
			h.Modified = modified
			fw, err := zw.CreateRaw(&h)
			if err != nil {
				return err
			}
			if _, err := fw.Write(m.Data); err != nil {
				return err
			}
			continue
		}
		h := &zip.FileHeader{Name: m.Name, Method: zip.Deflate, Modified: modified}
		if m.Dir || m.Store {
			h.Method = zip.Store
		}
		if m.Mode != 0 {
			h.SetMode(m.Mode)
		} else if m.Dir {
			h.SetMode(os.ModeDir | 0o755)
		} else {
			h.SetMode(0o644)
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(m.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// storedRaw returns a header for writing data uncompressed with a given
// CRC-32, which lets a defect carry a wrong checksum.
func storedRaw(name string, data []byte, crc uint32) *zip.FileHeader {
	return &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc,
		CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data))}
}

// crcOf is the CRC-32 the ZIP format uses.
func crcOf(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// writeFiles writes the files of a bundle under dir as one (see
// bundle.WriteFiles): all or none, never a bundle half written or half
// replaced.
func writeFiles(dir string, overwrite bool, files []file) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f.name)
	}
	err := bundle.WriteFiles(paths, overwrite, func(i int, out *os.File) error {
		_, err := out.Write(files[i].data)
		return err
	})
	if err != nil {
		return nil, err
	}
	return paths, nil
}

// file is one file of a generated bundle, ready to write.
type file struct {
	name string
	data []byte
}
