package verify_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/verify"
)

// writeVOSSPair writes a VOSS export of CS-P on VOSS-UN-1 with writeVOSS
// and returns its directory, license ZIP and detailed CSV.
func writeVOSSPair(t *testing.T, customers int) (dir, zip, detailed string) {
	t.Helper()
	dir = writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: customers})
	zips, _ := filepath.Glob(filepath.Join(dir, "*_license_*.zip"))
	csvs, _ := filepath.Glob(filepath.Join(dir, "*_detailed_*.csv"))
	if len(zips) != 1 || len(csvs) != 1 {
		t.Fatalf("generate wrote %v and %v, want a license ZIP and a detailed CSV", zips, csvs)
	}
	return dir, zips[0], csvs[0]
}

// TestCollectSpellingsOfOnePath: a file named twice, in two spellings of
// its path or once by itself and once in its directory, is one input,
// verified and counted once.
func TestCollectSpellingsOfOnePath(t *testing.T) {
	dir, zip, _ := writeVOSSPair(t, 3)
	sub := filepath.Base(dir)
	t.Chdir(filepath.Dir(dir))
	inputs, err := verify.Collect([]string{
		sub, sub + string(os.PathSeparator), "." + string(os.PathSeparator) + sub,
		filepath.Join(sub, filepath.Base(zip)),
		"." + string(os.PathSeparator) + filepath.Join(sub, ".", filepath.Base(zip)),
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range inputs {
		got = append(got, in.Path)
	}
	if want := []string{filepath.Join(sub, filepath.Base(zip))}; !slices.Equal(got, want) {
		t.Fatalf("Collect gave %q, want the one bundle once: %q", got, want)
	}
	if inputs[0].Detailed == "" {
		t.Errorf("the bundle lost its detailed CSV")
	}
}

// TestCollectSizes: an input's size, by which Run orders inputs and tells
// large ones, is its file's with the detailed CSV it is reconciled with,
// paired beside it or given by --detailed.
func TestCollectSizes(t *testing.T) {
	dir, zip, detailed := writeVOSSPair(t, 40)
	size := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	elsewhere := filepath.Join(t.TempDir(), "vlf_CS-P_VOSS-UN-1_detailed_2026-10-01_0300.csv")
	if err := os.WriteFile(elsewhere, []byte("Provider,Reseller,Customer,Customer PKID,A\nP,R,C,pk1,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		paths    []string
		detailed string
		want     []int64
	}{
		{"paired", []string{dir}, "", []int64{size(zip) + size(detailed)}},
		{"the ZIP alone", []string{zip}, "", []int64{size(zip)}},
		{"--detailed", []string{zip}, elsewhere, []int64{size(zip) + size(elsewhere)}},
		{"--detailed, the CSV beside it on its own", []string{dir}, elsewhere, []int64{size(detailed), size(zip) + size(elsewhere)}},
	} {
		inputs, err := verify.Collect(c.paths, c.detailed)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, in := range inputs {
			got = append(got, in.Size)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: sizes %v, want %v (%+v)", c.name, got, c.want, inputs)
		}
	}
}

// TestCollectRefusesStandardInput: "-" is not read as standard input
// (a ZIP cannot be read from a stream), and the error says what to do
// rather than that no file "-" exists.
func TestCollectRefusesStandardInput(t *testing.T) {
	_, err := verify.Collect([]string{"-"}, "")
	if err == nil || !strings.Contains(err.Error(), "standard input") || !strings.Contains(err.Error(), "save the bundle to a file") {
		t.Fatalf("Collect(-): %v, want standard input refused, saying what to do", err)
	}
}
