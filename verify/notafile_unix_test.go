//go:build unix

package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/licaudit/licaudit/verify"
)

// TestDirectoryEntriesThatAreNotFiles: in a received directory, every entry
// named like a bundle is reported, whatever it is. A link to a bundle is
// verified as the bundle; a link that leads nowhere, a link to itself, a
// named pipe (which nobody writes: opening it would wait forever) and a
// link to a directory each get one zip.unreadable that says what the entry
// is, and none of them is paired with a detailed CSV. Links to directories
// are not followed.
func TestDirectoryEntriesThatAreNotFiles(t *testing.T) {
	dir, bundle, detailed := writeVOSSPair(t, 5)
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	// A month whose license ZIP is a dangling link and whose detailed CSV
	// is a named pipe: neither may be paired, or opened.
	month := "vlf_CS-P_VOSS-UN-1_%s_2026-10-01_0300.%s"
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	link(filepath.Base(bundle), "linked.zip")
	link(filepath.Join(dir, "nowhere.zip"), "dangling.zip")
	link("loop.zip", "loop.zip")
	link("sub", "linkdir")
	link("sub", "dir.zip")
	link("missing", fmt.Sprintf(month, "license", "zip"))
	for _, name := range []string{"pipe.zip", fmt.Sprintf(month, "detailed", "csv")} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Skipf("cannot make a named pipe here: %v", err)
		}
	}
	if err := os.Symlink(bundle, filepath.Join(sub, "inner.zip")); err != nil {
		t.Fatal(err)
	}

	var inputs []verify.Input
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		inputs, err = verify.Collect([]string{dir}, "")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Collect did not return in 10 s: it opened a named pipe")
	}
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	pairs := map[string]string{}
	for _, in := range inputs {
		rel, _ := filepath.Rel(dir, in.Path)
		got = append(got, rel)
		pairs[rel] = in.Detailed
	}
	want := []string{
		"dangling.zip", "dir.zip", "linked.zip", "loop.zip", "pipe.zip",
		"sub/inner.zip",
		fmt.Sprintf(month, "detailed", "csv"), fmt.Sprintf(month, "license", "zip"),
		filepath.Base(bundle),
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Collect found\n%q\nwant\n%q", got, want)
	}
	if pairs[filepath.Base(bundle)] != detailed {
		t.Errorf("%s paired with %q, want its detailed CSV %s", filepath.Base(bundle), pairs[filepath.Base(bundle)], detailed)
	}
	if d := pairs[fmt.Sprintf(month, "license", "zip")]; d != "" {
		t.Errorf("the dangling license link was paired with %s", d)
	}

	results := make(chan []verify.Result, 1)
	go func() { results <- verify.Run(inputs, verify.DefaultOptions()) }()
	var res []verify.Result
	select {
	case res = <-results:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return in 30 s: it opened a named pipe")
	}
	says := map[string]string{
		"dangling.zip":                        "dangling.zip is a symbolic link to " + filepath.Join(dir, "nowhere.zip") + ", which cannot be read (no such file or directory)",
		"loop.zip":                            "loop.zip is a symbolic link to loop.zip, which cannot be read (too many levels of symbolic links)",
		"dir.zip":                             "dir.zip is a directory, not a regular file",
		"pipe.zip":                            "pipe.zip is a named pipe, not a regular file",
		fmt.Sprintf(month, "detailed", "csv"): "is a named pipe, not a regular file",
		fmt.Sprintf(month, "license", "zip"):  "is a symbolic link to missing, which cannot be read",
	}
	rulesOf := func(r verify.Result) []string {
		var ids []string
		for _, f := range r.Findings {
			ids = append(ids, f.Rule)
		}
		return ids
	}
	byName := map[string]verify.Result{}
	for i, r := range res {
		byName[got[i]] = r
	}
	for name, msg := range says {
		r := byName[name]
		if len(r.Findings) != 1 || r.Findings[0].Rule != "zip.unreadable" || !strings.Contains(r.Findings[0].Message, msg) {
			t.Errorf("%s: %+v\nwant one zip.unreadable saying %q", name, r.Findings, msg)
		}
	}
	// The link is verified as what it links to: the same findings (the
	// name of a link off the grammar aside), and the same digest.
	if l, b := byName["linked.zip"], byName[filepath.Base(bundle)]; l.SHA256 != b.SHA256 || l.SHA256 == "" {
		t.Errorf("linked.zip digest %q, the bundle's %q", l.SHA256, b.SHA256)
	}
	if r := byName["sub/inner.zip"]; r.SHA256 != byName[filepath.Base(bundle)].SHA256 {
		t.Errorf("sub/inner.zip, a link to the bundle, was not verified as the bundle: %+v", r)
	}
	if r := byName[filepath.Base(bundle)]; len(r.Findings) != 0 {
		t.Errorf("the bundle with its detailed CSV: %v, want no findings", rulesOf(r))
	}
}

// TestCollectRefusesAPipeByName: a named pipe given as a path (as the
// shell's <(...) gives one) is the caller's error, said before anything is
// verified, and never opened.
func TestCollectRefusesAPipeByName(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "bundle.zip")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := verify.Collect([]string{pipe}, "")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), pipe+" is a named pipe, not a regular file") || !strings.Contains(err.Error(), "save the bundle to a file") {
			t.Errorf("Collect: %v, want the pipe refused, saying what to do", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Collect did not return in 10 s: it opened the named pipe")
	}
}
