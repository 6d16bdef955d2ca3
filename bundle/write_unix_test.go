//go:build unix

package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestWriteFileNamedPipe writes over a named pipe: it is written in place
// and stays a pipe (a rename would have put a regular file in its place,
// as `--output /dev/null` once did to /dev/null).
func TestWriteFileNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("named pipes not available:", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // opens once the writer does, reads to its close
		got <- string(b)
	}()
	if err := WriteFile(fifo, true, writeString("report")); err != nil {
		t.Fatalf("write to a named pipe: %v", err)
	}
	select {
	case s := <-got:
		if s != "report" {
			t.Errorf("the pipe's reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing came through the pipe")
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the named pipe is no longer one: %v %v", st.Mode(), err)
	}
	if err := WriteFile(fifo, false, writeString("x")); !errors.Is(err, ErrExists) {
		t.Errorf("without overwrite: err = %v, want ErrExists", err)
	}
}

// TestWriteFileDescriptorAlias writes to /dev/fd/N and /proc/self/fd/N of
// a file opened for appending, as `licaudit verify -o /dev/stdout >> log`
// does: the report is appended to the file behind the descriptor, which
// stays the same file, and nothing is created beside the alias. Before,
// the alias was taken for the regular file it leads to and a temporary
// file was made in /proc/self/fd (or, as root, /dev renamed over).
func TestWriteFileDescriptorAlias(t *testing.T) {
	for _, dir := range []string{"/dev/fd", "/proc/self/fd"} {
		if _, err := os.Stat(dir); err != nil {
			t.Logf("%s: %v", dir, err)
			continue
		}
		log := filepath.Join(t.TempDir(), "log")
		if err := os.WriteFile(log, []byte("before\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := f.Stat()
		alias := filepath.Join(dir, strconv.Itoa(int(f.Fd())))
		if err := WriteFile(alias, true, writeString("report\n")); err != nil {
			t.Errorf("%s: %v", alias, err)
		}
		f.Close()
		if s := readString(t, log); s != "before\nreport\n" {
			t.Errorf("%s: the file behind it holds %q", alias, s)
		}
		if after, err := os.Stat(log); err != nil || !os.SameFile(before, after) {
			t.Errorf("%s: the file behind it was replaced", alias)
		}
	}
}

// TestWriteFilesReplacesLinks: with overwrite, a link at a target is
// replaced by the file, whatever it leads to: a link to /dev/null or to a
// pipe must not swallow a generated bundle while generate says it wrote it.
func TestWriteFilesReplacesLinks(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	targets := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.zip")}
	for i, to := range []string{os.DevNull, fifo} {
		if err := os.Symlink(to, targets[i]); err != nil {
			t.Fatal(err)
		}
	}
	err := WriteFiles(targets, true, func(i int, f *os.File) error {
		_, err := f.WriteString("new")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range targets {
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() {
			t.Fatalf("%s: %v, %v; want a regular file in place of the link", p, st, err)
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe the link led to changed: %v, %v", st, err)
	}
}
