package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Cases returns every case, small and large, in a fixed order.
func Cases() []Case {
	return []Case{
		{
			Name: "overlapped-bomb", File: BundleName,
			What:   "David Fifield's overlapped zip bomb: each entry's data quotes the next entry's local header, so all entries share one 4 MiB deflate kernel",
			Expect: []string{"zip.overlapping-entries", "zip.limit-exceeded"},
			Write:  func(w io.Writer) error { return writeRawZip(w, overlappedBomb(16, 4<<20)) },
		},
		{
			Name: "nested-zip-bomb", File: BundleName,
			What:   "a valid export plus archive.zip, three levels of 16 zips each (256 MiB if unpacked recursively)",
			Expect: []string{"zip.nested-archive"},
			Write: bundleOf(func() []rawFile {
				return append(validMembers(nil), deflated(Dir+"archive.zip", nestedBomb(3, 16, 1<<20)))
			}),
		},
		{
			Name: "disguised-nested-zip", File: BundleName,
			What:   "a valid export plus a stored ZIP named like a CSV",
			Expect: []string{"zip.nested-archive"},
			Write: bundleOf(func() []rawFile {
				return append(validMembers(nil), stored(Dir+"notes.csv", nestedBomb(1, 4, 1<<10)))
			}),
		},
		{
			Name: "zip-slip", File: BundleName,
			What:   "a valid export plus entries whose names climb out of the unpack directory with ..",
			Expect: []string{"zip.unsafe-path"},
			Write: bundleOf(func() []rawFile {
				return append(validMembers(nil),
					deflated("../../../../tmp/licaudit-zip-slip.sh", []byte("#!/bin/sh\necho pwned\n")),
					deflated(Dir+"../../evil.csv", []byte("a,b\n")))
			}),
		},
		{
			Name: "absolute-path", File: BundleName,
			What:   "a valid export plus entries with an absolute name, a drive letter and backslashes",
			Expect: []string{"zip.unsafe-path"},
			Write: bundleOf(func() []rawFile {
				return append(validMembers(nil),
					deflated("/etc/cron.d/licaudit", []byte("* * * * * root true\n")),
					deflated("C:/Windows/System32/evil.dll", []byte("MZ")),
					deflated(`..\..\evil.bat`, []byte("echo pwned\r\n")))
			}),
		},
		{
			Name: "symlink", File: BundleName,
			What:   "a valid export plus a symbolic link to /etc/passwd",
			Expect: []string{"zip.symlink"},
			Write: bundleOf(func() []rawFile {
				link := stored(Dir+"passwd", []byte("/etc/passwd"))
				link.mode = 0o120777
				return append(validMembers(nil), link)
			}),
		},
		{
			Name: "encrypted-entry", File: BundleName,
			What:   "the anonymous CSV with the encryption flag set (ZipCrypto)",
			Expect: []string{"zip.encrypted"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				for i := range files {
					if files[i].name == AnonymousCSV {
						f := stored(AnonymousCSV, append(bytes.Repeat([]byte{0xa5}, 12), anonymous...))
						f.flags |= 0x1
						files[i] = f
					}
				}
				return files
			}),
		},
		{
			Name: "flipped-crc", File: BundleName,
			What:   "the anonymous CSV stored with one bit of its CRC-32 flipped in both headers",
			Expect: []string{"zip.crc-mismatch"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				for i := range files {
					if files[i].name == AnonymousCSV {
						files[i] = stored(AnonymousCSV, anonymous)
						files[i].crc ^= 1 << 7
					}
				}
				return files
			}),
		},
		{
			Name: "truncated", File: BundleName,
			What:   "a valid bundle cut off at 60% of its length (an interrupted transfer)",
			Expect: []string{"zip.unreadable"},
			Write: func(w io.Writer) error {
				b := validBundle(nil)
				_, err := w.Write(b[:len(b)*6/10])
				return err
			},
		},
		{
			Name: "directory-count", File: BundleName,
			What:   "a valid bundle whose end record declares 12 central records where the directory holds 9 (a writer that counted members it did not write)",
			Expect: []string{"zip.unreadable"},
			Write: func(w io.Writer) error {
				b := validBundle(nil)
				end := bytes.LastIndex(b, binary.LittleEndian.AppendUint32(nil, 0x06054b50))
				binary.LittleEndian.PutUint16(b[end+8:], 12)  // records on this disk
				binary.LittleEndian.PutUint16(b[end+10:], 12) // records in all
				_, err := w.Write(b)
				return err
			},
		},
		{
			Name: "header-mismatch", File: BundleName,
			What:   "the local headers of the patch log and the anonymous CSV disagree with the central directory (name; uncompressed size)",
			Expect: []string{"zip.header-mismatch"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				for i := range files {
					switch files[i].name {
					case PatchJSON:
						// The local name says .jsom: a streaming unzip
						// writes another file than the listing shows.
						files[i].patchLocal = func(h []byte) { h[30+len(PatchJSON)-1] = 'm' }
					case AnonymousCSV:
						files[i].patchLocal = func(h []byte) { binary.LittleEndian.PutUint32(h[22:], 7) }
					}
				}
				return files
			}),
		},
		{
			Name: "data-past-directory", File: BundleName,
			What:   "the anonymous CSV declares more compressed bytes than there are before the central directory",
			Expect: []string{"zip.unreadable"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				for i := range files {
					if files[i].name == AnonymousCSV {
						files[i].patchCentral = func(h []byte) { binary.LittleEndian.PutUint32(h[20:], 1<<20) }
						files[i].patchLocal = func(h []byte) { binary.LittleEndian.PutUint32(h[18:], 1<<20) }
					}
				}
				return files
			}),
		},
		{
			Name: "lying-size", File: BundleName,
			What:   "the anonymous CSV declares 64 bytes but inflates to 8 MiB (both headers agree on the lie)",
			Expect: []string{"zip.limit-exceeded"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				big := append([]byte(csvHead), bytes.Repeat([]byte("5f3a9c0e2b7d41a8,3,1\n"), 400_000)...)
				for i := range files {
					if files[i].name == AnonymousCSV {
						f := deflated(AnonymousCSV, big)
						f.size = 64
						files[i] = f
					}
				}
				return files
			}),
		},
		{
			Name: "declared-huge", File: BundleName,
			What:   "an entry declaring 20 GiB uncompressed from 1 KiB (ZIP64 size)",
			Expect: []string{"zip.limit-exceeded"},
			Write: bundleOf(func() []rawFile {
				f := deflated(Dir+"vlf_P_H_anonymous_breakdown_2026-11-01_0300.csv", make([]byte, 1<<10))
				f.size = 20 << 30
				return append(validMembers(nil), f)
			}),
		},
		{
			Name: "zip64-offset-missing", File: BundleName,
			What:   "the valid export in ZIP64 form, one central record's ZIP64 extra ending before the local header offset its saturated field defers to (a broken writer)",
			Expect: []string{"zip.unreadable"},
			Write: bundleOf(func() []rawFile {
				files := inZip64Form(validMembers(nil))
				files[2].patchCentral = dropZip64Offset
				return files
			}),
		},
		{
			Name: "duplicate-entry", File: BundleName,
			What:   "the anonymous CSV twice, once in another letter case, and a file that is also a directory",
			Expect: []string{"zip.duplicate-entry"},
			Write: bundleOf(func() []rawFile {
				return append(validMembers(nil),
					deflated(AnonymousCSV, []byte(csvHead+"0000000000000000,9,9\n")),
					deflated(strings.ToUpper(AnonymousCSV), anonymous),
					deflated(Dir+"notes", []byte("x")),
					deflated(Dir+"notes/inner.txt", []byte("y")))
			}),
		},
		{
			Name: "unsupported-method", File: BundleName,
			What:   "the anonymous CSV claiming bzip2 compression (method 12)",
			Expect: []string{"zip.unsupported-method"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				for i := range files {
					if files[i].name == AnonymousCSV {
						files[i].method = 12
					}
				}
				return files
			}),
		},
		{
			Name: "many-entries", File: BundleName, Large: true,
			What:   "a valid export plus 100 000 tiny entries (ZIP64 end record)",
			Expect: []string{"zip.limit-exceeded"},
			Write:  writeManyEntries,
		},
		{
			Name: "oversized-directory", File: BundleName, Large: true,
			What:   "a valid export plus 300 entries with a 64 KiB comment each: a 19 MB central directory that archive/zip would hold in memory",
			Expect: []string{"zip.limit-exceeded"},
			Write: bundleOf(func() []rawFile {
				files := validMembers(nil)
				comment := bytes.Repeat([]byte("c"), 0xffff)
				for i := 0; i < 300; i++ {
					f := stored(fmt.Sprintf("%snote_%03d.txt", Dir, i), []byte{'x'})
					f.comment = comment
					files = append(files, f)
				}
				return files
			}),
		},
		{
			Name: "deep-json", File: BundleName,
			What:   "the license JSON nests 1 000 arrays deep",
			Expect: []string{"json.limit-exceeded"},
			Write: func(w io.Writer) error {
				deep := `{"meta": {"datetime": "2026-11-01T03:00:00Z", "export_identifier": "0b7e5c1a-4f3d-4e2a-9c61-3d2f8a9b7c10", "pipeline_type_name": "license_initial_audit"}, "resources": [{"x": ` +
					strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + "}]}\n"
				_, err := w.Write(validBundle(map[string][]byte{LicenseJSON: []byte(deep)}))
				return err
			},
		},
		{
			Name: "duplicate-keys-deep", File: BundleName,
			What:   "the license JSON repeats a key five objects deep (parsers disagree which value wins)",
			Expect: []string{"json.duplicate-key"},
			Write: func(w io.Writer) error {
				dup := `{"meta": {"datetime": "2026-11-01T03:00:00Z", "export_identifier": "0b7e5c1a-4f3d-4e2a-9c61-3d2f8a9b7c10", "pipeline_type_name": "license_initial_audit"}, "resources": [{"a": {"b": {"c": {"d": {"count": 1, "count": 1000000}}}}}]}` + "\n"
				_, err := w.Write(validBundle(map[string][]byte{LicenseJSON: []byte(dup)}))
				return err
			},
		},
		{
			Name: "long-csv-line", File: BundleName, Large: true,
			What:   "the anonymous CSV has a single 10 MB line (stored, so no ratio limit stops it first)",
			Expect: []string{"csv.syntax"},
			Write: func(w io.Writer) error {
				line := make([]byte, 0, 10<<20+64)
				line = append(line, csvHead...)
				line = append(line, "5f3a9c0e2b7d41a8,"...)
				line = append(line, randomText(rand.New(rand.NewPCG(1, 2)), 10<<20-len(line), "0123456789")...)
				line = append(line, ",1\n"...)
				files := validMembers(map[string][]byte{AnonymousCSV: line})
				for i := range files {
					if files[i].name == AnonymousCSV {
						files[i] = stored(AnonymousCSV, line)
					}
				}
				return writeRawZip(w, files)
			},
		},
		{
			Name: "long-csv-lines", File: BundleName, Large: true,
			What:   "the anonymous CSV has 100 lines of 1 MB each, just under the line limit (a count cell of a million digits on each), 49 MB zipped",
			Expect: []string{"anon.count"},
			Write: func(w io.Writer) error {
				// A 96 KiB block of random digits, repeated: deflate's
				// 32 KiB window cannot see the repeats, so the member
				// compresses like random digits, within the ratio limit.
				block := randomText(rand.New(rand.NewPCG(7, 8)), 96<<10, "0123456789")
				doc := []byte(csvHead)
				for i := 0; i < 100; i++ {
					doc = fmt.Appendf(doc, "%016x,", i)
					for n := 0; n < 1_000_000; {
						from := (i*4099 + n) % len(block)
						k := min(len(block)-from, 1_000_000-n)
						doc = append(doc, block[from:from+k]...)
						n += k
					}
					doc = append(doc, ",1\n"...)
				}
				return writeRawZip(w, validMembers(map[string][]byte{AnonymousCSV: doc}))
			},
		},
		{
			Name: "huge-json-string", File: BundleName, Large: true,
			What:   "the license JSON holds one 24 MB string (random, so it compresses only 6:1 and passes the ratio limit)",
			Expect: []string{"json.limit-exceeded"},
			Write: func(w io.Writer) error {
				doc := []byte(`{"meta": {"datetime": "2026-11-01T03:00:00Z", "export_identifier": "0b7e5c1a-4f3d-4e2a-9c61-3d2f8a9b7c10", "pipeline_type_name": "license_initial_audit"}, "resources": [{"blob": "`)
				doc = append(doc, randomText(rand.New(rand.NewPCG(3, 4)), 24<<20, "ab")...)
				doc = append(doc, "\"}]}\n"...)
				return writeRawZip(w, validMembers(map[string][]byte{LicenseJSON: doc}))
			},
		},
		{
			Name: "unclosed-quote", File: BundleName, Large: true,
			What:   "the anonymous CSV opens a quote in its first row and never closes it, then 24 MB of rows follow",
			Expect: []string{"csv.syntax"},
			Write: func(w io.Writer) error {
				doc := []byte(csvHead + "\"5f3a9c0e2b7d41a8,3,1\n")
				rng := rand.New(rand.NewPCG(5, 6))
				for len(doc) < 24<<20 {
					doc = append(doc, randomText(rng, 16, "0123456789abcdef")...)
					doc = append(doc, ",3,1\n"...)
				}
				return writeRawZip(w, validMembers(map[string][]byte{AnonymousCSV: doc}))
			},
		},
		{
			Name: "nul-bytes", File: BundleName,
			What:   "the anonymous CSV holds NUL bytes in a row",
			Expect: []string{"csv.encoding"},
			Write: func(w io.Writer) error {
				_, err := w.Write(validBundle(map[string][]byte{AnonymousCSV: []byte(csvHead + "5f3a9c0e\x00\x00b7d41a8,3,1\n")}))
				return err
			},
		},
		{
			Name: "invalid-utf8", File: BundleName,
			What:   "the anonymous CSV holds Latin-1 bytes (a spreadsheet's re-save)",
			Expect: []string{"csv.encoding"},
			Write: func(w io.Writer) error {
				_, err := w.Write(validBundle(map[string][]byte{AnonymousCSV: []byte(csvHead + "5f3a9c0e2b7d41a8,3,1\n9e1d7b2c4a6f8e03,0,2\xe9\xff\n")}))
				return err
			},
		},
		{
			Name: "invalid-utf8-json", File: BundleName,
			What:   "the patch log holds a string with invalid UTF-8",
			Expect: []string{"json.syntax"},
			Write: func(w io.Writer) error {
				_, err := w.Write(validBundle(map[string][]byte{PatchJSON: []byte("{\"meta\": {}, \"resources\": [{\"name\": \"caf\xe9\"}]}\n")}))
				return err
			},
		},
		{
			Name: "empty-member", File: BundleName,
			What:   "the anonymous CSV has zero bytes",
			Expect: []string{"member.empty"},
			Write: func(w io.Writer) error {
				_, err := w.Write(validBundle(map[string][]byte{AnonymousCSV: {}}))
				return err
			},
		},
		{
			Name: "empty-file", File: BundleName,
			What:   "a bundle of zero bytes",
			Expect: []string{"zip.unreadable"},
			Write:  func(w io.Writer) error { return nil },
		},
		{
			Name: "not-a-zip", File: BundleName,
			What:   "an HTML error page saved under the bundle's name",
			Expect: []string{"zip.unreadable"},
			Write: func(w io.Writer) error {
				_, err := io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>PK\x05\x06 is not here</body></html>\n")
				return err
			},
		},
	}
}

// overlappedBomb builds n entries over one deflate kernel that inflates to
// kernelSize zero bytes. Entry i's data is a stored deflate block quoting
// entry i+1's local header, followed by entry i+1's data; so entry 0
// inflates to every later header plus the kernel, and the archive's
// declared total grows with n squared while its size grows with n.
func overlappedBomb(n, kernelSize int) []rawFile {
	var kb bytes.Buffer
	fw, _ := newBestFlate(&kb)
	fw.Write(make([]byte, kernelSize))
	fw.Close()
	kernel := kb.Bytes()
	kernelCRC := crc32.ChecksumIEEE(make([]byte, kernelSize))

	files := make([]rawFile, n)
	headers := make([][]byte, n)
	// Built back to front: each entry's sizes depend on the next one's.
	var suffixPlain []byte // headers of later entries, as entry i inflates them
	for i := n - 1; i >= 0; i-- {
		f := rawFile{name: fmt.Sprintf("%sbomb_%02d.csv", Dir, i), method: 8}
		if i == n-1 {
			f.data = kernel
			f.size = uint64(kernelSize)
			f.crc = kernelCRC
		} else {
			next := headers[i+1]
			quote := []byte{0x00, byte(len(next)), byte(len(next) >> 8), ^byte(len(next)), ^byte(len(next) >> 8)}
			f.data = append(append(quote, next...), files[i+1].data...)
			suffixPlain = append(append([]byte(nil), next...), suffixPlain...)
			f.size = uint64(len(suffixPlain) + kernelSize)
			crc := crc32.Update(0, crc32.IEEETable, suffixPlain)
			f.crc = crc32Zeros(crc, kernelSize)
		}
		files[i] = f
		headers[i] = localHeader(&files[i])
	}
	// Only entry 0's local header and data are written: every later
	// entry's header already sits inside it, at a known offset.
	var off uint64
	for i := range files {
		files[i].at = off
		off += uint64(len(headers[i])) + 5
		if i > 0 {
			files[i].noLocal = true
		}
	}
	return files
}

// fixedTime stamps the entries of nested archives, so their bytes never
// depend on the clock.
var fixedTime = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

func newBestFlate(w io.Writer) (*flate.Writer, error) {
	return flate.NewWriter(w, flate.BestCompression)
}

// randomText returns n bytes drawn from alphabet by rng: text that
// compresses too little for the ratio limit to stop it. A fixed seed makes
// it the same every time.
func randomText(rng *rand.Rand, n int, alphabet string) []byte {
	b := make([]byte, n)
	for i := 0; i < n; {
		v := rng.Uint64() // eight characters per draw: megabytes are drawn
		for k := 0; k < 8 && i < n; k, i = k+1, i+1 {
			b[i] = alphabet[int(byte(v>>(8*k)))%len(alphabet)]
		}
	}
	return b
}

// crc32Zeros extends crc over n zero bytes.
func crc32Zeros(crc uint32, n int) uint32 {
	zeros := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, len(zeros))
		crc = crc32.Update(crc, crc32.IEEETable, zeros[:k])
		n -= k
	}
	return crc
}

// nestedBomb builds a ZIP of width entries, each itself such a ZIP, depth
// levels down to entries of leaf zero bytes.
func nestedBomb(depth, width, leaf int) []byte {
	content := make([]byte, leaf)
	name := "zeros.bin"
	for d := 0; d < depth; d++ {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return newBestFlate(w) })
		for i := 0; i < width; i++ {
			h := &zip.FileHeader{Name: fmt.Sprintf("%d_%s", i, name), Method: zip.Deflate, Modified: fixedTime}
			w, err := zw.CreateHeader(h)
			if err == nil {
				w.Write(content)
			}
		}
		zw.Close()
		content = b.Bytes()
		name = fmt.Sprintf("level%d.zip", d+1)
	}
	return content
}

// writeManyEntries writes a valid export followed by 100 000 one-byte
// entries.
func writeManyEntries(w io.Writer) error {
	files := validMembers(nil)
	for i := 0; i < 100_000; i++ {
		files = append(files, stored(fmt.Sprintf("%sx/%06d.txt", Dir, i), []byte{'x'}))
	}
	return writeRawZip(w, files)
}

// dropZip64Offset shortens the ZIP64 extra of a central record in ZIP64
// form (see rawFile.zip64) to the two sizes, and turns the offset's eight
// bytes into a field of their own (Java's 0xCAFE marker), so that the
// extra block still frames and only the offset is missing.
func dropZip64Offset(h []byte) {
	le := binary.LittleEndian
	extra := h[46+int(le.Uint16(h[28:])):]
	le.PutUint16(extra[2:], 16)
	le.PutUint16(extra[20:], 0xcafe)
	le.PutUint16(extra[22:], 4)
	clear(extra[24:28])
}
