package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrExists is returned by WriteFile when the target exists and overwriting
// was not asked for.
var ErrExists = errors.New("file exists (use --force to overwrite)")

// WriteFile writes a file atomically: the content goes to a temporary file
// in the target's directory, is synced, and only then takes the target's
// name. A failure at any point removes the temporary file, so no partial
// file is ever left behind. Without overwrite, an existing target is never
// replaced, even by a race.
//
// With overwrite:
//   - an alias of one of the process's file descriptors (/dev/stdout,
//     /dev/fd/N, /proc/self/fd/N), a character device (/dev/null) or a
//     named pipe, or a link to one, is written in place, appending as a
//     shell's redirection would: renaming over it would destroy it
//     (`--output /dev/null` run as root once turned /dev/null into a
//     file), and behind /dev/stdout may be the file of `>> log`;
//   - a symbolic link to anything else is replaced, never followed, so a
//     link planted in an output directory cannot direct the write
//     elsewhere;
//   - any other target that is not a regular file (a directory, a block
//     device, a socket) is refused.
func WriteFile(target string, overwrite bool, write func(*os.File) error) (err error) {
	if !overwrite {
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s: %w", target, ErrExists)
		}
	}
	if overwrite {
		if isDescriptorAlias(target) {
			return writeInPlace(target, write)
		}
		if st, err := os.Stat(target); err == nil {
			switch writeMode(st.Mode()) {
			case writeSpecial:
				return writeInPlace(target, write)
			case writeRefused:
				return fmt.Errorf("%s is not a regular file, a character device or a pipe: not written", target)
			}
		}
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if overwrite {
		return os.Rename(tmp.Name(), target)
	}
	// A hard link fails if the target appeared since the check above, so
	// an existing file is never clobbered.
	if err = os.Link(tmp.Name(), target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", target, ErrExists)
		}
		return err
	}
	return os.Remove(tmp.Name())
}

// How WriteFile writes over an existing target of a mode.
const (
	writeAtomic  = iota // a regular file
	writeSpecial        // written in place
	writeRefused
)

func writeMode(m os.FileMode) int {
	switch {
	case m&(os.ModeCharDevice|os.ModeNamedPipe) != 0:
		return writeSpecial
	case m.IsRegular():
		return writeAtomic
	default:
		return writeRefused
	}
}

// isDescriptorAlias reports whether path names a file descriptor of the
// process (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N). Behind
// it may be a regular file the shell opened (`> report.json`, `>> log`),
// which the descriptor must receive: a temporary file cannot even be made
// beside the alias, and a rename would replace the alias (run as root,
// /dev/stdout itself) rather than write to the file.
func isDescriptorAlias(path string) bool {
	p := filepath.ToSlash(filepath.Clean(path))
	if p == "/dev/stdout" || p == "/dev/stderr" {
		return true
	}
	dir := filepath.ToSlash(filepath.Dir(p))
	return dir == "/dev/fd" || strings.HasPrefix(dir, "/proc/") && strings.HasSuffix(dir, "/fd")
}

// writeInPlace writes to a special file (a device, a pipe, a descriptor)
// as it is, appending: a regular file behind a descriptor keeps what was
// written to it before.
func writeInPlace(target string, write func(*os.File) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
