package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
// With overwrite, a target that is a character device or a named pipe, or
// a link to one (/dev/null, /dev/stdout, a FIFO), is written in place: it
// cannot be replaced atomically, and renaming over it would destroy it
// (`--output /dev/null` run as root once turned /dev/null into a file).
// Any other target that is not a regular file (a block device, a socket)
// is refused.
func WriteFile(target string, overwrite bool, write func(*os.File) error) (err error) {
	dir := filepath.Dir(target)
	if !overwrite {
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s: %w", target, ErrExists)
		}
	}
	if overwrite {
		if st, err := os.Stat(target); err == nil {
			switch writeMode(st.Mode()) {
			case writeSpecial:
				return writeInPlace(target, write)
			case writeRefused:
				return fmt.Errorf("%s is not a regular file, a character device or a pipe: not written", target)
			}
		}
	}
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
	writeAtomic  = iota // a regular file (or a directory, which fails)
	writeSpecial        // written in place
	writeRefused
)

func writeMode(m os.FileMode) int {
	switch {
	case m&(os.ModeCharDevice|os.ModeNamedPipe) != 0:
		return writeSpecial
	case m.IsRegular() || m.IsDir():
		return writeAtomic
	default:
		return writeRefused
	}
}

// writeInPlace writes to a special file (a device, a pipe) as it is.
func writeInPlace(target string, write func(*os.File) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
