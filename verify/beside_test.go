package verify_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/licaudit/licaudit/verify"
)

// TestDetailedFindingsAreBeside: findings about the detailed CSV paired
// with a ZIP are marked Beside, and the result names that CSV, so that
// reports place them on the file and not on a member of the same name,
// which the ZIP here also holds (wrongly: member.detailed-csv).
func TestDetailedFindingsAreBeside(t *testing.T) {
	_, zipPath, csvPath := writeVOSSPair(t, 5)
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

	res := verify.Verify(verify.Input{Path: zipPath, Detailed: csvPath}, verify.DefaultOptions())
	if res.Detailed != csvPath {
		t.Errorf("Result.Detailed = %q, want %q", res.Detailed, csvPath)
	}
	var beside, member bool
	for _, f := range res.Findings {
		switch {
		case f.Rule == "csv.ragged-row" && f.File == filepath.Base(csvPath):
			beside = true
			if !f.Beside {
				t.Errorf("%s on the detailed CSV beside the ZIP is not marked Beside", f.Rule)
			}
		case f.Rule == "member.detailed-csv":
			member = true
			if f.Beside {
				t.Errorf("%s on a member of the ZIP is marked Beside", f.Rule)
			}
		case f.Beside:
			t.Errorf("%s %s: %s is marked Beside", f.Rule, f.File, f.Message)
		}
	}
	if !beside || !member {
		t.Errorf("findings %+v: want csv.ragged-row beside the ZIP and member.detailed-csv in it", res.Findings)
	}
}
