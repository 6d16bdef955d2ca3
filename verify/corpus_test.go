package verify_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/generate"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/voss/cases from the generator")

const corpusDir = "../testdata/voss"

// corpusCase is one checked-in export of a generated corpus: how it is
// made, and the rule it must give ("" for none), kept in its expect.txt.
type corpusCase struct {
	name string
	o    generate.VOSSOptions
	rule string
}

// vossCorpus lists the generated cases: valid bundles of every supported
// form, then one defect bundle per rule the generator can break.
func vossCorpus() []corpusCase {
	base := generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", At: exportTime, Customers: 6, Seed: 3}
	with := func(edit func(o *generate.VOSSOptions)) generate.VOSSOptions { o := base; edit(&o); return o }
	cases := []corpusCase{
		{"valid-hyphens", base, ""},
		{"valid-underscores", with(func(o *generate.VOSSOptions) { o.Provider, o.Host = "Big_Telco", "voss_prod_2" }), ""},
		{"valid-hash-bare", with(func(o *generate.VOSSOptions) { o.HashForm = generate.HashBare }), ""},
		{"valid-hash-bsd", with(func(o *generate.VOSSOptions) { o.HashForm = generate.HashBSD }), ""},
		{"valid-style-19", with(func(o *generate.VOSSOptions) { o.Style = generate.StyleV19 }), ""},
		{"valid-style-21", with(func(o *generate.VOSSOptions) { o.Style = generate.StyleV21 }), ""},
		{"valid-audit-5", with(func(o *generate.VOSSOptions) { o.Style = generate.StyleV5 }), ""},
		{"valid-patches", with(func(o *generate.VOSSOptions) { o.Patches, o.Adaptations = 3, 2 }), ""},
	}
	for _, rule := range generate.VOSSDefects() {
		r := rule
		cases = append(cases, corpusCase{"defect-" + r, with(func(o *generate.VOSSOptions) { o.Defect = r }), r})
	}
	return cases
}

// TestVOSSCorpus verifies every checked-in case and compares the rules
// found with its expect.txt: valid cases give no finding, each defect case
// its rule and no other. The external cases were written by Python's
// zipfile and the zip command (testdata/voss/external/make.sh).
func TestVOSSCorpus(t *testing.T) {
	if *updateCorpus {
		writeCorpus(t, filepath.Join(corpusDir, "cases"), vossCorpus())
	}
	dirs, _ := filepath.Glob(filepath.Join(corpusDir, "cases", "*"))
	ext, _ := filepath.Glob(filepath.Join(corpusDir, "external", "*"))
	for _, d := range ext {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) < len(vossCorpus()) {
		t.Fatalf("found %d corpus cases, want at least %d: run go test ./verify -run VOSSCorpus -update-corpus", len(dirs), len(vossCorpus()))
	}
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			want := map[string]bool{}
			if b, err := os.ReadFile(filepath.Join(d, "expect.txt")); err == nil {
				for _, l := range strings.Fields(string(b)) {
					want[l] = true
				}
			}
			_, fs := verifyDir(t, d)
			got := map[string]bool{}
			for _, f := range fs {
				got[f.Rule] = true
				if !want[f.Rule] {
					t.Errorf("unexpected %s: %s: %s", f.Rule, f.File, f.Message)
				}
			}
			for r := range want {
				if !got[r] {
					t.Errorf("expected rule %s did not fire; findings:%s", r, describe(fs))
				}
			}
		})
	}
}

// TestVOSSCorpusIsCurrent regenerates each case and compares it byte for
// byte with the checked-in files, so the corpus cannot drift from the
// generator (and the generator stays deterministic).
func TestVOSSCorpusIsCurrent(t *testing.T) {
	checkCorpusCurrent(t, filepath.Join(corpusDir, "cases"), vossCorpus(), "go test ./verify -run VOSSCorpus -update-corpus")
}

// checkCorpusCurrent fails for every checked-in file under root that the
// generator would now write differently, naming the command that fixes it.
func checkCorpusCurrent(t *testing.T, root string, cases []corpusCase, fix string) {
	t.Helper()
	for _, c := range cases {
		for name, data := range generateCase(t, c) {
			got, err := os.ReadFile(filepath.Join(root, c.name, name))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("%s/%s is stale: run %s", c.name, name, fix)
			}
		}
	}
}

func generateCase(t *testing.T, c corpusCase) map[string][]byte {
	t.Helper()
	tmp := t.TempDir()
	if _, err := generate.WriteVOSS(tmp, c.o, false); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	expect := ""
	if c.rule != "" {
		expect = c.rule + "\n"
	}
	out := map[string][]byte{"expect.txt": []byte(expect)}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(tmp, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// writeCorpus replaces the corpus under root with freshly generated cases.
func writeCorpus(t *testing.T, root string, cases []corpusCase) {
	t.Helper()
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		dir := filepath.Join(root, c.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		files := generateCase(t, c)
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
