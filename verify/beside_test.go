package verify

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/licaudit/licaudit/generate"
)

// TestDetailedFindingsAreBeside: findings about the detailed CSV paired
// with a ZIP are marked Beside, and the result names that CSV, so that
// reports place them on the file and not on a member of the same name,
// which the ZIP here also holds (wrongly: member.detailed-csv).
func TestDetailedFindingsAreBeside(t *testing.T) {
	dir := t.TempDir()
	paths, err := generate.WriteVOSS(dir, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1",
		At: time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC), Customers: 5, Seed: 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	var zipPath, csvPath string
	for _, p := range paths {
		switch filepath.Ext(p) {
		case ".zip":
			zipPath = p
		case ".csv":
			csvPath = p
		}
	}
	// A row of two fields at the end of the detailed CSV: csv.ragged-row.
	raw, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvPath, append(bytes.Clone(raw), "a,b\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same CSV at the root of the ZIP too.
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&f.FileHeader)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	zr.Close()
	w, err := zw.Create(filepath.Base(csvPath))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	res := Verify(Input{Path: zipPath, Detailed: csvPath}, DefaultOptions())
	if res.Detailed != csvPath {
		t.Errorf("Result.Detailed = %q, want %q", res.Detailed, csvPath)
	}
	var beside, member bool
	for _, f := range res.Findings {
		switch {
		case f.Rule == ruleCSVRaggedRow.ID && f.File == filepath.Base(csvPath):
			beside = true
			if !f.Beside {
				t.Errorf("%s on the detailed CSV beside the ZIP is not marked Beside", f.Rule)
			}
		case f.Rule == ruleMemberDetailedCSV.ID:
			member = true
			if f.Beside {
				t.Errorf("%s on a member of the ZIP is marked Beside", f.Rule)
			}
		case f.Beside:
			t.Errorf("%s %s: %s is marked Beside", f.Rule, f.File, f.Message)
		}
	}
	if !beside || !member {
		t.Errorf("findings %+v: want %s beside the ZIP and %s in it", res.Findings, ruleCSVRaggedRow.ID, ruleMemberDetailedCSV.ID)
	}
}
