package verify_test

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/generate"
	"github.com/licaudit/licaudit/schema"
	"github.com/licaudit/licaudit/verify"
)

// These tests take a reference bundle, change a member or its .hash, and
// check what each change gives.

// referenceZip generates a small VOSS bundle and returns its ZIP's path.
func referenceZip(t *testing.T) string {
	t.Helper()
	zips, _ := filepath.Glob(filepath.Join(writeVOSS(t, generate.VOSSOptions{Provider: "CS-P", Host: "VOSS-UN-1", Customers: 3}), "*.zip"))
	if len(zips) != 1 {
		t.Fatalf("%d ZIPs generated", len(zips))
	}
	return zips[0]
}

// rewrittenCopy copies the ZIP at from, under its name, into a directory of
// its own, each member's content being content(its name, every member's
// original content by name); it returns the copy's path.
func rewrittenCopy(t *testing.T, from string, content func(name string, members map[string][]byte) []byte) string {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	members := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		members[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method, Modified: f.Modified})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content(f.Name, members))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), filepath.Base(from))
	if err := os.WriteFile(to, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

// textEdit changes a member's text; t is the test it runs for.
type textEdit func(t *testing.T, text string) string

// unchanged is the edit that changes nothing.
func unchanged(_ *testing.T, text string) string { return text }

// replace is the edit of the first match of pattern, which must match.
func replace(pattern, with string) textEdit {
	re := regexp.MustCompile(pattern)
	return func(t *testing.T, text string) string {
		loc := re.FindStringIndex(text)
		if loc == nil {
			t.Fatalf("nothing matches %q in\n%s", pattern, text)
		}
		return text[:loc[0]] + with + text[loc[1]:]
	}
}

// editedCopy is a copy of the ZIP at from (see rewrittenCopy) whose member
// with kind in its name (such as "_anonymous_") is changed by edit, and
// its .hash made again, SHA-256 in the GNU form, to match.
func editedCopy(t *testing.T, from, kind string, edit textEdit) string {
	t.Helper()
	edited := map[string][]byte{} // by member, made once for it and its .hash
	out := rewrittenCopy(t, from, func(name string, members map[string][]byte) []byte {
		member, isHash := strings.CutSuffix(name, ".hash")
		if !strings.Contains(path.Base(member), kind) {
			return members[name]
		}
		text, ok := edited[member]
		if !ok {
			text = []byte(edit(t, string(members[member])))
			edited[member] = text
		}
		if !isHash {
			return text
		}
		sum := sha256.Sum256(text)
		return []byte(hex.EncodeToString(sum[:]) + "  " + path.Base(member) + "\n")
	})
	if len(edited) != 1 {
		t.Fatalf("%d members with %q in their name, want 1", len(edited), kind)
	}
	return out
}

// checkFindings compares findings, in report order, with want, each
// "rule: part of the message".
func checkFindings(t *testing.T, fs []finding.Finding, want []string) {
	t.Helper()
	if len(fs) != len(want) {
		t.Fatalf("%d findings, want %d %q:%s", len(fs), len(want), want, describe(fs))
	}
	for i, f := range fs {
		rule, part, _ := strings.Cut(want[i], ": ")
		if f.Rule != rule || !strings.Contains(f.Message, part) {
			t.Errorf("finding %d: %s %q, want %s saying %q", i, f.Rule, f.Message, rule, part)
		}
	}
}

// TestHashAlgorithms checks each member against a .hash of every algorithm
// the sidecars may use, in both the bare and the BSD form: the exporter's
// algorithm is not published, so a digest of the right content passes
// whichever it is (MD5 and SHA-1 with a warning), and a digest of other
// content is a mismatch.
func TestHashAlgorithms(t *testing.T) {
	algorithms := []struct {
		tag  string
		sum  func([]byte) []byte
		weak bool
	}{
		{"MD5", func(b []byte) []byte { s := md5.Sum(b); return s[:] }, true},
		{"SHA1", func(b []byte) []byte { s := sha1.Sum(b); return s[:] }, true},
		{"SHA256", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }, false},
		{"SHA512", func(b []byte) []byte { s := sha512.Sum512(b); return s[:] }, false},
	}
	zipPath := referenceZip(t)
	for _, alg := range algorithms {
		for _, bsd := range []bool{false, true} {
			for _, tampered := range []bool{false, true} {
				name := fmt.Sprintf("%s bsd=%v tampered=%v", alg.tag, bsd, tampered)
				t.Run(name, func(t *testing.T) {
					replaced := 0
					out := rewrittenCopy(t, zipPath, func(name string, members map[string][]byte) []byte {
						member, ok := strings.CutSuffix(name, ".hash")
						if !ok {
							return members[name]
						}
						replaced++
						content := members[member]
						if tampered && strings.HasSuffix(member, ".csv") {
							content = append([]byte("edited "), content...)
						}
						digest := hex.EncodeToString(alg.sum(content))
						if bsd {
							return []byte(fmt.Sprintf("%s (%s) = %s\n", alg.tag, path.Base(member), digest))
						}
						return []byte(digest + "\n")
					})
					if replaced != 4 {
						t.Fatalf("%d .hash members replaced, want 4", replaced)
					}
					_, fs := verifyDir(t, filepath.Dir(out))
					weak, mismatched := 0, 0
					for _, f := range fs {
						switch f.Rule {
						case "hash.weak-algorithm":
							weak++
						case "hash.mismatch":
							mismatched++
							if !strings.HasSuffix(f.File, ".csv") {
								t.Errorf("mismatch on %s, whose .hash is right", f.File)
							}
						default:
							t.Errorf("unexpected finding %s %s: %s", f.Rule, f.File, f.Message)
						}
					}
					if want := map[bool]int{true: 4}[alg.weak]; weak != want {
						t.Errorf("%d weak-algorithm findings, want %d:%s", weak, want, describe(fs))
					}
					if want := map[bool]int{true: 1}[tampered]; mismatched != want {
						t.Errorf("%d mismatches, want %d:%s", mismatched, want, describe(fs))
					}
				})
			}
		}
	}
}

// TestAnonymousMetadata edits the "#Key=Value" block of the anonymous CSV
// and checks what anon.metadata says.
func TestAnonymousMetadata(t *testing.T) {
	zipPath := referenceZip(t)
	const names = `("CS-P_VOSS-UN-1")`
	cases := []struct {
		name string
		edit textEdit
		want []string // "rule: part of the message"
	}{
		{"as written", unchanged, nil},
		{"a line without =", replace("\nCustomer PKID,", "\n#Exported by the nightly job\nCustomer PKID,"),
			[]string{`anon.metadata: the metadata line "#Exported by the nightly job" is not #Key=Value`}},
		{"no date and time", replace("#Date Time=2026-11-01 03:00", "#Date Time=yesterday"),
			[]string{"anon.metadata: #Date Time=yesterday is not a date and time"}},
		{"another day", replace("#Date Time=2026-11-01 03:00", "#Date Time=2026-10-01 03:00"),
			[]string{"anon.metadata: #Date Time=2026-10-01 03:00 is far from the names' timestamp 2026-11-01 03:00"}},
		{"another host and provider", replace("#hostname=VOSS-UN-1", "#hostname=VOSS-UN-2"),
			[]string{`anon.metadata: #Provider Name=CS-P and #hostname=VOSS-UN-2 do not make the names' provider and host "CS-P_VOSS-UN-1"`}},
		{"another host, no provider", func(t *testing.T, text string) string {
			return replace("#hostname=VOSS-UN-1", "#hostname=VOSS-UN-2")(t, replace("#Provider Name=CS-P\n", "")(t, text))
		}, []string{"anon.metadata: #hostname=VOSS-UN-2 is not the host in the names " + names}},
		{"another provider, no host", func(t *testing.T, text string) string {
			return replace("#Provider Name=CS-P", "#Provider Name=CS-Q")(t, replace("#hostname=VOSS-UN-1\n", "")(t, text))
		}, []string{"anon.metadata: #Provider Name=CS-Q is not the provider in the names " + names}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, fs := verifyDir(t, filepath.Dir(editedCopy(t, zipPath, "_anonymous_", c.edit)))
			checkFindings(t, fs, c.want)
		})
	}
}

// TestLicenseJSONMeta edits the meta block of the license JSON and checks
// the findings each edit gives: the schema's where it speaks, the meta
// checks where it does not.
func TestLicenseJSONMeta(t *testing.T) {
	zipPath := referenceZip(t)
	const (
		datetime = `"datetime": "2026-11-01T03:00:00Z",`
		exportID = `"export_identifier": "[^"]*"`
		pipeline = `,\s*"pipeline_type_name": "license_initial_audit"`
	)
	// A schema that requires nothing leaves every key to the meta checks,
	// as a --schema-dir override may.
	laxDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(laxDir, "license.schema.json"), []byte(`{"type": "object"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	lax, err := schema.Load(laxDir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit textEdit
		want []string // "rule: part of the message", in report order
		lax  bool     // under the schema that requires nothing
	}{
		{"as written", unchanged, nil, false},
		{"as written, lax schema", unchanged, nil, true},
		{"a byte-order mark", func(_ *testing.T, text string) string { return "\ufeff" + text },
			[]string{"json.syntax: starts with a UTF-8 byte-order mark"}, false},
		{"no datetime", replace(datetime, ""), []string{`json.schema: lacks the required key "datetime" at /meta`}, false},
		{"a number for datetime", replace(datetime, `"datetime": 20261101,`), []string{"json.schema: the license JSON at /meta/datetime"}, false},
		{"no pipeline type", replace(pipeline, ""), []string{`json.schema: lacks the required key "pipeline_type_name" at /meta`}, false},
		{"the nil UUID", replace(exportID, `"export_identifier": "00000000-0000-0000-0000-000000000000"`),
			[]string{"meta.export-identifier: meta.export_identifier is the nil UUID"}, false},
		{"no export identifier", replace(exportID+`,\s*`, ""), []string{`json.schema: lacks the required key "export_identifier" at /meta`}, false},
		{"no datetime, lax schema", replace(datetime, ""), []string{"meta.datetime: the license JSON has no meta.datetime"}, true},
		{"a number for datetime, lax schema", replace(datetime, `"datetime": 20261101,`), []string{"meta.datetime: meta.datetime is not a string"}, true},
		{"no export identifier, lax schema", replace(exportID+`,\s*`, ""),
			[]string{"meta.export-identifier: the license JSON has no meta.export_identifier"}, true},
		{"a number for export identifier, lax schema", replace(exportID, `"export_identifier": 42`),
			[]string{"meta.export-identifier: meta.export_identifier is not a string"}, true},
		{"no pipeline type, lax schema", replace(pipeline, ""), []string{"meta.pipeline-type: meta.pipeline_type_name is missing"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := editedCopy(t, zipPath, "_license_", c.edit)
			opts := verify.DefaultOptions()
			if c.lax {
				opts.Schemas = lax
			}
			checkFindings(t, verifyWith(t, out, opts)[0].Findings, c.want)
		})
	}
}
