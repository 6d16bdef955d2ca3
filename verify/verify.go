// Package verify holds the rules of the catalogue and runs them over
// received files. One file per rule family (zip.go, names.go, members.go,
// hash.go, json.go, csv.go, anon.go, recon.go, fne.go); each member of a
// bundle is read once, its bytes feeding the hashers and its parser
// together.
package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/schema"
)

// Options configure a verification run.
type Options struct {
	ZIP  bundle.Limits
	JSON JSONLimits
	CSV  CSVLimits
	// DatetimeTolerance is how far meta.datetime may be from the names'
	// timestamp before meta.datetime-mismatch.
	DatetimeTolerance time.Duration
	// Schemas are the JSON Schemas in force (built-in unless overridden).
	Schemas *schema.Set
	// Detailed is a detailed CSV to reconcile every VOSS bundle with,
	// instead of the one found beside it by name.
	Detailed string
	// ShowValues prints cell values in full instead of redacted.
	ShowValues bool
	// Jobs is how many bundles are verified at once at most (0: as many
	// as the CPUs the process may use, GOMAXPROCS); see Run.
	Jobs int
	// Forms pins forms the vendors do not publish (see Forms).
	Forms Forms
	// Progress, when set, is told as bundles start and finish.
	Progress Progress
}

// Progress receives progress events; implementations must be safe for
// concurrent use.
type Progress interface {
	// Start is called once with the number of inputs and their total size.
	Start(inputs int, bytes int64)
	// Done is called when an input is finished, with its size.
	Done(path string, bytes int64)
}

// DefaultOptions are the limits and tolerances used without a configuration.
func DefaultOptions() Options {
	return Options{
		ZIP:               bundle.DefaultLimits(),
		JSON:              DefaultJSONLimits(),
		CSV:               DefaultCSVLimits(),
		DatetimeTolerance: 24 * time.Hour,
	}
}

// Result is what verifying one input found.
type Result struct {
	Path string
	// Detailed is the detailed CSV paired with a VOSS ZIP (Input.Detailed),
	// "" if none: the file that findings marked Beside are about.
	Detailed string
	Kind     bundle.Kind
	SHA256   string
	Findings []finding.Finding
	Totals   *finding.Totals
}

// Input is one thing to verify: a file, and for a VOSS license ZIP the
// detailed CSV paired with it.
type Input struct {
	Path     string
	Detailed string
	Size     int64
}

// Collect expands paths into inputs: files as given, directories searched
// recursively for ZIPs, detailed CSVs and FlexNet CSVs. A detailed CSV
// beside a license ZIP of the same provider, host and timestamp is paired
// with it rather than verified on its own. A path that does not exist,
// or is "-", a named pipe, a socket or a device, is an error (of the
// caller's, not of a bundle).
//
// In a directory, every entry named like a bundle is an input, whatever
// it is: a link to a file is followed, and a link that leads nowhere, a
// named pipe or a socket is reported by Verify (see notAFile) rather than
// left out, so that no bundle the intake received goes unmentioned. Links
// to directories are not followed, as find(1) does not by default.
func Collect(paths []string, detailed string) ([]Input, error) {
	var files []string
	for _, p := range paths {
		if p == "-" {
			return nil, errors.New("- (standard input) is not a path licaudit reads: a ZIP is read from its end, where its directory is, so save the bundle to a file and verify that file")
		}
		// Cleaned, so that ./x.zip and x.zip, or dir and dir/, are one
		// input and not verified and counted twice.
		p = filepath.Clean(p)
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if why := whyNotAFile(p, st, nil); why != "" {
				return nil, fmt.Errorf("%s %s", p, why)
			}
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && candidate(d.Name()) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	files = dedupe(files)

	// Pair detailed CSVs with their ZIPs by directory, stem and stamp. A
	// file is stat'ed once, for its size and whether it is a file.
	zips := map[string]int{}
	inputs := make([]Input, len(files))
	isFile := make([]bool, len(files))
	for i, f := range files {
		if n, ok := schema.ParseVOSSName(filepath.Base(f)); ok && n.Type == schema.TypeLicense && n.Ext == "zip" {
			zips[pairKey(f, n)] = i
		}
		inputs[i].Path = f
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
			inputs[i].Size, isFile[i] = st.Size(), true
		}
	}
	paired := map[int]bool{}
	for i, in := range inputs {
		n, ok := schema.ParseVOSSName(filepath.Base(in.Path))
		if !ok || n.Type != schema.TypeDetailed || n.Hash {
			continue
		}
		// Only files are paired: a ZIP or CSV that is not one is an
		// input of its own, reported by Verify, and the other is then
		// verified without it.
		// The size of a paired CSV counts toward progress and the queue.
		if z, ok := zips[pairKey(in.Path, n)]; ok && detailed == "" && isFile[i] && isFile[z] {
			inputs[z].Detailed = in.Path
			inputs[z].Size += in.Size
			paired[i] = true
		}
	}
	var detailedSize int64
	if detailed != "" {
		if st, err := os.Stat(detailed); err == nil {
			detailedSize = st.Size()
		}
	}
	out := inputs[:0]
	for i, in := range inputs {
		if paired[i] {
			continue
		}
		if detailed != "" && bundle.KindOf(in.Path) == bundle.VOSSLicense {
			in.Detailed = detailed
			in.Size += detailedSize
		}
		out = append(out, in)
	}
	return out, nil
}

func pairKey(path string, n schema.VOSSName) string {
	return filepath.Dir(path) + "\x00" + n.Stem + "\x00" + n.Stamp
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// candidate says whether a file found in a directory is one to verify.
func candidate(base string) bool {
	lower := strings.ToLower(base)
	if strings.HasSuffix(lower, ".zip") {
		return true
	}
	if !strings.HasSuffix(lower, ".csv") {
		return false
	}
	if n, ok := schema.ParseVOSSName(base); ok && n.Type == schema.TypeDetailed {
		return true
	}
	return strings.HasPrefix(base, schema.FlexNetEntitlementPrefix) || strings.HasPrefix(base, schema.FlexNetMaintenancePrefix)
}

// Run verifies inputs, opts.Jobs at a time at most, and returns their
// results in input order whatever order they finish in. The largest inputs
// start first; an input of 16 MiB or more runs alone, and the others only
// as many at once as their sizes fit in 32 MiB (see inputQueue), so that
// memory does not grow with the number of CPUs.
func Run(inputs []Input, opts Options) []Result {
	if opts.Progress != nil {
		var total int64
		for _, in := range inputs {
			total += in.Size
		}
		opts.Progress.Start(len(inputs), total)
	}
	results := make([]Result, len(inputs))
	queue := newInputQueue(inputs)
	var wg sync.WaitGroup
	for range workers(opts.Jobs, len(inputs)) {
		wg.Go(func() {
			for {
				i, ok := queue.take()
				if !ok {
					return
				}
				results[i] = Verify(inputs[i], opts)
				queue.done(i)
				if opts.Progress != nil {
					opts.Progress.Done(inputs[i].Path, inputs[i].Size)
				}
			}
		})
	}
	wg.Wait()
	return results
}

// workers is how many goroutines Run starts: jobs, or with jobs 0 the CPUs
// the process may use (GOMAXPROCS: in a container limited to two CPUs of a
// large machine, NumCPU would count the machine's), and no more than there
// are inputs.
func workers(jobs, inputs int) int {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	return min(jobs, inputs)
}

// builtinSchemas compiles the built-in schemas once per process, for
// callers that leave Options.Schemas unset, rather than once per bundle.
var builtinSchemas = sync.OnceValue(func() *schema.Set {
	s, err := schema.Load("")
	if err != nil {
		panic(err) // the built-in schemas compile; a schema test proves it
	}
	return s
})

// Verify checks one input. It never fails: what goes wrong with the input
// is a finding. It never writes to the input.
func Verify(in Input, opts Options) Result {
	if opts.Schemas == nil {
		opts.Schemas = builtinSchemas()
	}
	res := Result{Path: in.Path, Kind: bundle.KindOf(in.Path), Detailed: in.Detailed}
	s := newSink(filepath.Base(in.Path), opts.ShowValues)
	if why := notAFile(in.Path); why != "" {
		s.add(ruleZipUnreadable, at{}, "%s %s", filepath.Base(in.Path), why)
		checkDetailedAlone(&res, in, s, opts)
		res.Findings = s.finish()
		return res
	}
	f, err := bundle.OpenFile(in.Path)
	if err != nil {
		s.add(ruleZipUnreadable, at{}, "the file cannot be read: %v", err)
		res.Findings = s.finish()
		return res
	}
	isCSV := strings.HasSuffix(strings.ToLower(in.Path), ".csv")
	if !isCSV {
		if small, ok := readSmall(f); ok {
			f.Close()
			verifySmallZIP(&res, in, s, opts, small)
			res.Findings = s.finish()
			return res
		}
	}
	// The digest of the whole file is made while the members are
	// checked, not before: on a large bundle that was a tenth of a second
	// with nothing else to do.
	digest := make(chan fileDigest, 1)
	go func() {
		defer f.Close()
		digest <- sha256Of(f)
	}()
	if isCSV {
		verifyCSVInput(&res, in, s, opts)
	} else {
		verifyZIPInput(&res, in, s, opts)
	}
	d := <-digest
	if d.err != nil {
		s.add(ruleZipUnreadable, at{}, "the file could not be read to its end: %v", d.err)
	}
	res.SHA256 = d.sum
	res.Findings = s.finish()
	return res
}

// notAFile says why path cannot be verified, to follow its name in a
// message, or "" when it is a regular file (or a link to one). A ZIP is
// read by seeking (its directory is at its end), which a pipe does not
// allow, and opening a named pipe waits for a writer that may never come:
// such a path is reported, not opened.
func notAFile(path string) string {
	st, err := os.Stat(path)
	return whyNotAFile(path, st, err)
}

// whyNotAFile is notAFile for what os.Stat(path) returned.
func whyNotAFile(path string, st fs.FileInfo, err error) string {
	if err != nil {
		if target, lerr := os.Readlink(path); lerr == nil {
			return fmt.Sprintf("is a symbolic link to %s, which cannot be read (%v): put the file itself here, or mend the link", target, unwrapPathError(err))
		}
		return fmt.Sprintf("cannot be read: %v", unwrapPathError(err))
	}
	mode := st.Mode()
	what := "is not a regular file"
	switch {
	case mode.IsRegular():
		return ""
	case mode.IsDir():
		what = "is a directory, not a regular file"
	case mode&fs.ModeNamedPipe != 0:
		what = "is a named pipe, not a regular file"
	case mode&fs.ModeSocket != 0:
		what = "is a socket, not a regular file"
	case mode&fs.ModeDevice != 0:
		what = "is a device, not a regular file"
	}
	return what + ", and a ZIP can only be read from a file (its directory is at its end): save the bundle to a file and verify that file"
}

// unwrapPathError is err without the operation and path an *fs.PathError
// repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// smallFileMax is the largest ZIP read whole into memory before it is
// checked. A directory of small bundles spent a tenth of its time in
// system calls: archive/zip reads each member's local header and data with
// a pread of its own (56 a bundle of ten members), and the file was opened
// and read a second time for its digest. Read whole, a small bundle costs
// one open and one read.
//
// The bytes are allocated for each file, at its size (18 KB for the
// typical small bundle), not pooled in buffers of smallFileMax: a pool
// keeps its buffers live across collections, and the collector lets the
// heap grow by four times what is live between collections (see gcPercent
// in cmd/licaudit). Nor can anything point into bytes that are used again.
const smallFileMax = 256 << 10

// smallFile is the whole content of a small ZIP.
type smallFile struct {
	data []byte
	err  error // a read that failed, when the file could not be streamed instead
}

// openFileReader is what readSmall needs of an open file (an *os.File).
type openFileReader interface {
	io.ReadSeeker
	Stat() (fs.FileInfo, error)
}

// readSmall reads f whole when it is a regular file of at most
// smallFileMax bytes, and reports false otherwise, with f where it was.
//
// The bytes read are the file: one that shrank since Stat is what was read
// (to nothing, it is an empty ZIP), and one that grew is its first Stat
// size, so that its digest and its members always come from the same
// bytes. A read that fails leaves the file to the streamed path, which
// reports the failure as it does for a larger ZIP (and still checks a
// paired detailed CSV); only when f cannot be rewound for that is the
// failure returned.
func readSmall(f openFileReader) (smallFile, bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 || st.Size() > smallFileMax {
		return smallFile{}, false
	}
	data := make([]byte, st.Size())
	n, err := io.ReadFull(f, data)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		err = nil
	case err != nil:
		if _, serr := f.Seek(0, io.SeekStart); serr == nil {
			return smallFile{}, false
		}
	}
	return smallFile{data: data[:n], err: err}, true
}

// verifySmallZIP checks a ZIP read whole: its digest and its members come
// from the same bytes.
func verifySmallZIP(res *Result, in Input, s *sink, opts Options, small smallFile) {
	if small.err != nil {
		s.add(ruleZipUnreadable, at{}, "the file could not be read to its end: %v", small.err)
		checkDetailedAlone(res, in, s, opts)
		return
	}
	res.SHA256 = sha256Of(bytes.NewReader(small.data)).sum
	a := bundle.NewArchive(bytes.NewReader(small.data), int64(len(small.data)), opts.ZIP)
	verifyArchive(res, in, a, s, opts)
}

// fileDigest is the SHA-256 of a file, or why it could not be read.
type fileDigest struct {
	sum string
	err error
}

func sha256Of(r io.Reader) fileDigest {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fileDigest{err: err}
	}
	return fileDigest{sum: hex.EncodeToString(h.Sum(nil))}
}

// verifyZIPInput opens the ZIP at in.Path, reading it as it goes, and
// checks it (see verifyArchive).
func verifyZIPInput(res *Result, in Input, s *sink, opts Options) {
	a, err := bundle.Open(in.Path, opts.ZIP)
	if err != nil {
		s.add(ruleZipUnreadable, at{}, "the file cannot be opened: %v", err)
		return
	}
	defer a.Close()
	verifyArchive(res, in, a, s, opts)
}

// verifyArchive reports preflight and checks the members of an opened ZIP
// by the kind of bundle it is.
func verifyArchive(res *Result, in Input, a *bundle.Archive, s *sink, opts Options) {
	reportPreflight(s, a)
	if res.Kind == bundle.Unknown {
		var names []string
		for _, e := range a.Entries {
			names = append(names, e.Name)
		}
		res.Kind = bundle.KindOfEntries(names)
		switch res.Kind {
		case bundle.VOSSLicense:
			s.add(ruleNamePattern, at{subject: "bundle"}, "the bundle name %q is off the grammar vlf_<provider>_<host>_license_<YYYY-MM-DD_HHMM>.zip; keep the name the exporter wrote", filepath.Base(in.Path))
		case bundle.FlexNet:
			s.add(ruleFNEName, at{subject: "bundle"}, "the extract name %q is off the grammar Entitlements-YYYY-MM-DD-HH-MM-SS.zip; keep the name FlexNet Operations wrote", filepath.Base(in.Path))
		default:
			if len(a.Entries) > 0 || !hasProblem(a, bundle.Unreadable) {
				s.add(ruleNamePattern, at{subject: "bundle"}, "%q is neither a VOSS license bundle (vlf_<provider>_<host>_license_<ts>.zip) nor a FlexNet extract (Entitlements-<ts>.zip), and its content is neither", filepath.Base(in.Path))
			}
			return
		}
	}
	// An archive refused whole (unreadable, or too many entries to list)
	// has no members to check: reporting each as missing would only bury
	// the one finding that matters.
	refused := hasProblem(a, bundle.Unreadable) || (len(a.Entries) == 0 && hasProblem(a, bundle.LimitExceeded))
	if refused {
		checkDetailedAlone(res, in, s, opts)
		return
	}
	switch res.Kind {
	case bundle.VOSSLicense:
		verifyVOSS(res, in, a, s, opts)
	case bundle.FlexNet:
		verifyFlexNetZIP(res, in, a, s, opts)
	default:
		s.add(ruleNamePattern, at{subject: "bundle"}, "%q is a %s, not a ZIP bundle", filepath.Base(in.Path), res.Kind)
	}
}

// checkDetailedAlone checks the detailed CSV paired with a ZIP that cannot
// be read: the partner's own file is still checked on its own, without the
// names and table only reconciliation needs.
func checkDetailedAlone(res *Result, in Input, s *sink, opts Options) {
	if in.Detailed != "" {
		verifyDetailed(res, in.Detailed, s, opts, false)
	}
}

// verifyCSVInput checks a CSV given on its own: a VOSS detailed CSV or a
// FlexNet extract CSV.
func verifyCSVInput(res *Result, in Input, s *sink, opts Options) {
	switch res.Kind {
	case bundle.VOSSDetailed:
		verifyDetailedFile(res, in, s, opts)
	case bundle.FlexNet:
		verifyFlexNetCSVFile(res, in, s, opts)
	default:
		s.add(ruleNamePattern, at{subject: "bundle"}, "%q is neither a VOSS detailed CSV (vlf_<provider>_<host>_detailed_<ts>.csv) nor a FlexNet extract CSV (EntitlementsExtract-<ts>.csv, MaintenanceLine-<ts>.csv)", filepath.Base(in.Path))
	}
}

// hasProblem tells whether preflight found a problem of kind k with the
// archive as a whole; a problem of one entry (an entry whose data cannot be
// located is Unreadable too) leaves the rest of the bundle to be checked.
func hasProblem(a *bundle.Archive, k bundle.ProblemKind) bool {
	for _, p := range a.Problems {
		if p.Kind == k && p.Whole {
			return true
		}
	}
	return false
}

// openFile opens a plain file as a member-like stream for the CSV and JSON
// readers.
func openFile(path string) (io.ReadCloser, error) {
	f, err := bundle.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	return f, nil
}
