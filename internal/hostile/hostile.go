// Package hostile makes the hostile-input corpus: files built to crash,
// hang, exhaust or trick a verifier (zip bombs, zip slip, lying headers,
// pathological JSON and CSV), each with the rule ids licaudit must report
// for it.
//
// The small cases are checked in under testdata/hostile/ by
// `go run ./testdata/hostile/gen`; the large ones (a hundred thousand
// entries, a 10 MB line) are written by tests into a temporary directory
// with the same code, so the repository stays small.
package hostile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The one export every case is built around. Cases that need members are
// VOSS bundles of this export, so that only the defect under test differs
// from a valid bundle.
const (
	Stamp      = "2026-11-01_0300"
	Stem       = "P_H"
	BundleName = "vlf_" + Stem + "_license_" + Stamp + ".zip"
	Dir        = Stamp + "_license/"
)

// Case is one hostile input.
type Case struct {
	// Name is the case's directory under testdata/hostile.
	Name string
	// File is the input's file name inside that directory.
	File string
	// Expect are the rule ids verifying the input must report (others
	// may fire too: a bundle broken one way is often broken several).
	Expect []string
	// Large cases are generated at test time rather than checked in.
	Large bool
	// What says what the case is, for the corpus README and test names.
	What string
	// Write writes the input.
	Write func(w io.Writer) error
}

// Path is where the case's input goes under root.
func (c Case) Path(root string) string { return filepath.Join(root, c.Name, c.File) }

// WriteTo writes the case's input under root, creating its directory.
func (c Case) WriteTo(root string) (string, error) {
	p := c.Path(root)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 256<<10)
	err = c.Write(w)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Close()
		os.Remove(p)
		return "", fmt.Errorf("case %s: %w", c.Name, err)
	}
	return p, f.Close()
}

// Bytes returns the case's input in memory (for the small cases).
func (c Case) Bytes() ([]byte, error) {
	var b bytes.Buffer
	err := c.Write(&b)
	return b.Bytes(), err
}

// Valid is the control: the export every case breaks, unbroken. It is not
// one of Cases; tests verify it to show that what a case reports comes from
// its defect.
func Valid() Case {
	return Case{Name: "valid", File: BundleName, What: "the valid export the cases are built from",
		Write: func(w io.Writer) error { return writeRawZip(w, validMembers(nil)) }}
}

// ValidZip64 is a second control: the valid export with every entry and
// the end of the central directory in ZIP64 form, as Info-ZIP's zip -fz
// writes it and the streaming writers of Java and .NET may. Readers that
// misread ZIP64 extra fields find headers that disagree in it.
func ValidZip64() Case {
	return Case{Name: "valid-zip64", File: BundleName, What: "the valid export in ZIP64 form (zip -fz)",
		Write: bundleOf(func() []rawFile { return inZip64Form(validMembers(nil)) })}
}

// inZip64Form puts every entry of files in ZIP64 form (see rawFile.zip64).
func inZip64Form(files []rawFile) []rawFile {
	for i := range files {
		files[i].zip64 = true
	}
	return files
}

// Controls returns the controls: valid exports that no case's rule may
// fire on.
func Controls() []Case { return []Case{Valid(), ValidZip64()} }

// Lookup returns the case of that name (the controls included).
func Lookup(name string) (Case, bool) {
	for _, c := range append(Cases(), Controls()...) {
		if c.Name == name {
			return c, true
		}
	}
	return Case{}, false
}

// member is the path of a VOSS member of the export in the bundle.
func member(typ, ext string) string {
	return Dir + "vlf_" + Stem + "_" + typ + "_" + Stamp + "." + ext
}

// Member names of the export.
var (
	LicenseJSON   = member("license", "json")
	PatchJSON     = member("patch", "json")
	AdaptationLog = member("adaptation_log", "json")
	AnonymousCSV  = member("anonymous", "csv")
)

// Valid contents of the export's members.
var (
	licenseJSON = []byte(`{"meta": {"datetime": "2026-11-01T03:00:00Z", "export_identifier": "0b7e5c1a-4f3d-4e2a-9c61-3d2f8a9b7c10", "pipeline_type_name": "license_initial_audit"}, "resources": [{"name": "License Subscriber Profile Data Export", "count": 2}]}` + "\n")
	emptyLog    = []byte(`{"meta": {}, "resources": []}` + "\n")
	csvHead     = "#OrgID=1\n#hostname=H\n#Provider Name=P\n#Date Time=2026-11-01 03:00\n#Audit Version=4.1.5\nCustomer PKID,One Phone & WebEx,Multiple Phones\n"
	anonymous   = []byte(csvHead + "5f3a9c0e2b7d41a8,3,1\n9e1d7b2c4a6f8e03,0,2\n")
)

// validMembers is the export with contents overridden by name: a nil
// content leaves the member (and its .hash) out.
func validMembers(override map[string][]byte) []rawFile {
	contents := []struct {
		name string
		data []byte
	}{
		{LicenseJSON, licenseJSON},
		{PatchJSON, emptyLog},
		{AdaptationLog, emptyLog},
		{AnonymousCSV, anonymous},
	}
	files := []rawFile{stored(Dir, nil)}
	for _, c := range contents {
		data := c.data
		if o, ok := override[c.name]; ok {
			if o == nil {
				continue
			}
			data = o
		}
		files = append(files, deflated(c.name, data), deflated(c.name+".hash", hashLine(c.name, data)))
	}
	return files
}

// hashLine is the GNU sha256sum line of a member, as the exporter writes.
func hashLine(name string, data []byte) []byte {
	sum := sha256.Sum256(data)
	return []byte(hex.EncodeToString(sum[:]) + "  " + filepath.Base(name) + "\n")
}

// bundleOf writes a bundle of files.
func bundleOf(files func() []rawFile) func(io.Writer) error {
	return func(w io.Writer) error { return writeRawZip(w, files()) }
}

// validBundle returns the valid bundle with member contents overridden.
func validBundle(override map[string][]byte) []byte {
	var b bytes.Buffer
	writeRawZip(&b, validMembers(override))
	return b.Bytes()
}
