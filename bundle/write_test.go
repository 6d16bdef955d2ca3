package bundle

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeString(s string) func(*os.File) error {
	return func(f *os.File) error {
		_, err := io.WriteString(f, s)
		return err
	}
}

var errCallback = errors.New("the generator failed half-way")

// failAfter writes part of the content, then fails, as a generator might.
func failAfter(s string) func(*os.File) error {
	return func(f *os.File) error {
		io.WriteString(f, s)
		return errCallback
	}
}

func TestWriteFile(t *testing.T) {
	cases := []struct {
		name      string
		existing  string // content of the target before, "" for none
		overwrite bool
		write     func(*os.File) error
		wantErr   error
		want      string // content of the target after, "" for absent
	}{
		{"new file", "", false, writeString("new"), nil, "new"},
		{"overwrite asked", "old", true, writeString("new"), nil, "new"},
		{"callback fails, new file", "", false, failAfter("partial"), errCallback, ""},
		{"callback fails, overwrite", "old", true, failAfter("partial"), errCallback, "old"},
		{"exists without overwrite", "old", false, writeString("new"), ErrExists, "old"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "out.zip")
			if c.existing != "" {
				if err := os.WriteFile(target, []byte(c.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFile(target, c.overwrite, c.write)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			got := listDir(t, dir)
			switch {
			case c.want == "" && len(got) != 0:
				t.Fatalf("directory holds %v, want nothing", got)
			case c.want != "" && (len(got) != 1 || got[0] != "out.zip"):
				t.Fatalf("directory holds %v, want only out.zip (no temporary file left)", got)
			case c.want != "":
				if s := readString(t, target); s != c.want {
					t.Errorf("target holds %q, want %q", s, c.want)
				}
			}
			if c.wantErr == nil {
				st, _ := os.Stat(target)
				if st.Mode().Perm() != 0o644 {
					t.Errorf("mode %v, want 0644", st.Mode().Perm())
				}
			}
		})
	}
}

// TestWriteFileRace: a target that appears while the content is being
// written (another process, a second run) is not clobbered without
// overwrite, and the temporary file goes away.
func TestWriteFileRace(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.zip")
	err := WriteFile(target, false, func(f *os.File) error {
		if err := os.WriteFile(target, []byte("theirs"), 0o644); err != nil {
			return err
		}
		_, err := io.WriteString(f, "ours")
		return err
	})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if s := readString(t, target); s != "theirs" {
		t.Errorf("target holds %q, want the other writer's content", s)
	}
	if got := listDir(t, dir); len(got) != 1 {
		t.Errorf("directory holds %v, want only out.zip", got)
	}
}

// TestWriteFileSymlinkTarget: a symbolic link planted at the target is
// never followed, so nothing is written outside the output directory.
func TestWriteFileSymlinkTarget(t *testing.T) {
	outside := t.TempDir()
	victim := filepath.Join(outside, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "out.zip")
	if err := os.Symlink(victim, target); err != nil {
		t.Skip("symbolic links not available:", err)
	}
	if err := WriteFile(target, false, writeString("new")); !errors.Is(err, ErrExists) {
		t.Fatalf("without overwrite: err = %v, want ErrExists", err)
	}
	if err := WriteFile(target, true, writeString("new")); err != nil {
		t.Fatalf("with overwrite: %v", err)
	}
	if s := readString(t, victim); s != "precious" {
		t.Fatalf("the file the link pointed at now holds %q", s)
	}
	if st, _ := os.Lstat(target); st.Mode()&os.ModeSymlink != 0 {
		t.Errorf("the target is still a link")
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	err := WriteFile(filepath.Join(dir, "no", "such", "out.zip"), false, writeString("x"))
	if err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Errorf("directory holds %v", got)
	}
}

// TestIsDescriptorAlias names the paths written as the process's file
// descriptors, and some that only look like them.
func TestIsDescriptorAlias(t *testing.T) {
	for path, want := range map[string]bool{
		"/dev/stdout": true, "/dev/stderr": true, "/dev/fd/1": true, "/dev/fd/17": true,
		"/proc/self/fd/1": true, "/proc/1234/fd/3": true, "/dev/./stdout": true,
		"/dev/null": false, "/dev/shm/report.json": false, "/proc/self/status": false,
		"out/fd/1": false, "report.json": false, "/tmp/dev/stdout": false,
	} {
		if got := isDescriptorAlias(path); got != want {
			t.Errorf("isDescriptorAlias(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestWriteMode says how each kind of existing target is written over:
// devices like /dev/null and pipes in place, regular files atomically,
// the rest not at all.
func TestWriteMode(t *testing.T) {
	for _, c := range []struct {
		mode os.FileMode
		want int
	}{
		{0o644, writeAtomic},
		{os.ModeDir | 0o755, writeRefused},
		{os.ModeDevice | os.ModeCharDevice | 0o666, writeSpecial}, // /dev/null, a terminal
		{os.ModeNamedPipe | 0o600, writeSpecial},
		{os.ModeDevice | 0o660, writeRefused}, // a block device
		{os.ModeSocket | 0o755, writeRefused},
		{os.ModeIrregular, writeRefused},
	} {
		if got := writeMode(c.mode); got != c.want {
			t.Errorf("%v: %d, want %d", c.mode, got, c.want)
		}
	}
}
