//go:build unix

package bundle

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestOpenFileDescriptor: the descriptor is closed on exec, as os.Open's
// is, so a child process started while a bundle is open does not inherit
// it, and it is blocking, so reads wait for data rather than fail.
func TestOpenFileDescriptor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(path, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	if flags, err := unix.FcntlInt(uintptr(fd), syscall.F_GETFD, 0); err != nil || flags&syscall.FD_CLOEXEC == 0 {
		t.Errorf("descriptor flags %#x (%v): not close-on-exec", flags, err)
	}
	if flags, err := unix.FcntlInt(uintptr(fd), syscall.F_GETFL, 0); err != nil || flags&syscall.O_NONBLOCK != 0 || flags&syscall.O_ACCMODE != syscall.O_RDONLY {
		t.Errorf("file status flags %#x (%v): want read-only and blocking", flags, err)
	}
}
