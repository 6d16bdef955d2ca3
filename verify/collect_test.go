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

// TestCollectSpellingsOfOnePath: a file named twice, in two spellings of
// its path or once by itself and once in its directory, is one input,
// verified and counted once.
func TestCollectSpellingsOfOnePath(t *testing.T) {
	dir := t.TempDir()
	files, err := generate.WriteVOSS(dir, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", At: exportTime, Customers: 3}, false)
	if err != nil {
		t.Fatal(err)
	}
	var zip string
	for _, f := range files {
		if filepath.Ext(f) == ".zip" {
			zip = f
		}
	}
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

// TestCollectRefusesStandardInput: "-" is not read as standard input
// (a ZIP cannot be read from a stream), and the error says what to do
// rather than that no file "-" exists.
func TestCollectRefusesStandardInput(t *testing.T) {
	_, err := verify.Collect([]string{"-"}, "")
	if err == nil || !strings.Contains(err.Error(), "standard input") || !strings.Contains(err.Error(), "save the bundle to a file") {
		t.Fatalf("Collect(-): %v, want standard input refused, saying what to do", err)
	}
}
