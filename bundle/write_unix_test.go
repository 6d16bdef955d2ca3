//go:build unix

package bundle

import (
	"errors"
	"os"
	"path/filepath"
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
