package verify

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyEntryNameIsAnEntry: an entry with an empty name is reported as
// that entry, not as the archive ("the archive has an empty name").
func TestEmptyEntryNameIsAnEntry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vlf_CS-P_VOSS-UN-1_license_2026-11-01_0300.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"", "2026-11-01_0300_license/notes.txt"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := Verify(Input{Path: path}, DefaultOptions())
	found := false
	for _, f := range res.Findings {
		if f.Rule == ruleZipUnsafePath.ID {
			found = true
			if want := `the entry "" has an empty name; it was not read`; f.Message != want {
				t.Errorf("message %q, want %q", f.Message, want)
			}
		}
		if strings.Contains(f.Message, "the archive has an empty name") {
			t.Errorf("%s: %s", f.Rule, f.Message)
		}
	}
	if !found {
		t.Errorf("no %s finding in %+v", ruleZipUnsafePath.ID, res.Findings)
	}
}
