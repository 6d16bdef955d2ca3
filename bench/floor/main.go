// Command floor is the yardstick of bench/run.sh: it does only what no
// verifier of a bundle can skip, inflating every member of each ZIP (with
// the same klauspost inflate licaudit uses, and archive/zip's CRC-32 check)
// and hashing it with SHA-256, one member after another on one goroutine.
// Plain files (a detailed CSV, a FlexNet CSV) are hashed. With
// -inflate-only it skips the hashing, which gives the time of inflating
// alone, the bound of any pipeline over one member. With -jobs N it reads
// N files at a time: how well this machine scales that least work is a
// reference for licaudit's --jobs on the same files (not a ceiling: the
// floor makes system calls per member that licaudit does not).
//
// Usage: floor [-inflate-only] [-jobs N] PATH...   (a PATH may be a directory)
package main

import (
	"archive/zip"
	"crypto/sha256"
	"flag"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

func main() {
	inflateOnly := flag.Bool("inflate-only", false, "inflate without hashing")
	jobs := flag.Int("jobs", 1, "files read at a time")
	flag.Parse()
	var files []string
	for _, p := range flag.Args() {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			lower := strings.ToLower(path)
			if d.Type().IsRegular() && (strings.HasSuffix(lower, ".zip") || strings.HasSuffix(lower, ".csv")) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			fail(err)
		}
	}
	var total atomic.Int64
	next := make(chan string, len(files))
	for _, f := range files {
		next <- f
	}
	close(next)
	var wg sync.WaitGroup
	for range max(*jobs, 1) {
		wg.Go(func() {
			buf := make([]byte, 256<<10)
			for f := range next {
				n, err := floor(f, buf, *inflateOnly)
				if err != nil {
					fail(fmt.Errorf("%s: %w", f, err))
				}
				total.Add(n)
			}
		})
	}
	wg.Wait()
	fmt.Printf("%d files, %d bytes inflated or read\n", len(files), total.Load())
}

// floor reads one file's content once: every member of a ZIP, or the file.
func floor(path string, buf []byte, inflateOnly bool) (int64, error) {
	newHash := func() hash.Hash {
		if inflateOnly {
			return nil
		}
		return sha256.New()
	}
	if !strings.HasSuffix(strings.ToLower(path), ".zip") {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		return consume(f, newHash(), buf)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	var total int64
	for _, e := range zr.File {
		if strings.HasSuffix(e.Name, "/") {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			return total, err
		}
		n, err := consume(rc, newHash(), buf)
		rc.Close()
		total += n
		if err != nil {
			return total, fmt.Errorf("%s: %w", e.Name, err)
		}
	}
	return total, nil
}

func consume(r io.Reader, h hash.Hash, buf []byte) (int64, error) {
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 && h != nil {
			h.Write(buf[:n])
		}
		total += int64(n)
		if err == io.EOF {
			if h != nil {
				h.Sum(nil)
			}
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(2)
}
