package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	tmp, err := stage(target, write)
	if err != nil {
		return err
	}
	return commit([]string{tmp}, []string{target}, overwrite)
}

// WriteFiles writes several files as one, for the files of a generated
// bundle: each goes to a temporary file beside its target (write(i, f)
// fills the i-th), and only when all are written are they put in place,
// together. A failure before that, or an Interrupt, leaves no file of
// them, whole or partial; without overwrite a target that appears in the
// meantime is never clobbered, and the targets already put in place are
// taken back. Unlike WriteFile, nothing is ever written in place: a
// symbolic link at a target, whatever it leads to (/dev/null, a pipe), is
// replaced, and a target that is not a regular file or a link is refused.
func WriteFiles(targets []string, overwrite bool, write func(i int, f *os.File) error) error {
	for _, target := range targets {
		st, err := os.Lstat(target)
		switch {
		case err != nil:
			continue
		case !overwrite:
			return fmt.Errorf("%s: %w", target, ErrExists)
		case !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0:
			return fmt.Errorf("%s is not a regular file: not written", target)
		}
	}
	tmps := make([]string, 0, len(targets))
	for i, target := range targets {
		tmp, err := stage(target, func(f *os.File) error { return write(i, f) })
		if err != nil {
			discard(tmps)
			return err
		}
		tmps = append(tmps, tmp)
	}
	return commit(tmps, targets, overwrite)
}

// temps are the temporary files of the writes in progress, which Interrupt
// removes.
var temps = struct {
	sync.Mutex
	live        map[string]bool
	interrupted bool
}{live: map[string]bool{}}

// ErrInterrupted is returned by a write that Interrupt stopped.
var ErrInterrupted = errors.New("interrupted: nothing was written")

// Interrupt removes the temporary files of every write in progress and
// makes those writes and any later one fail with ErrInterrupted, so that a
// process stopped by a signal leaves no partial file behind. Files being
// put in place when it is called are put in place first, whole.
func Interrupt() {
	temps.Lock()
	defer temps.Unlock()
	temps.interrupted = true
	for name := range temps.live {
		removeTemp(name)
	}
}

// stage writes a temporary file beside target with write, mode 0644 and
// synced, and returns its name; on failure it leaves none.
func stage(target string, write func(*os.File) error) (name string, err error) {
	temps.Lock()
	if temps.interrupted {
		temps.Unlock()
		return "", ErrInterrupted
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err == nil {
		temps.live[tmp.Name()] = true
	}
	temps.Unlock()
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			discard([]string{tmp.Name()})
		}
	}()
	if err = write(tmp); err != nil {
		return "", err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return "", err
	}
	if err = tmp.Sync(); err != nil {
		return "", err
	}
	return tmp.Name(), tmp.Close()
}

// discard removes temporary files that will not be put in place.
func discard(tmps []string) {
	temps.Lock()
	defer temps.Unlock()
	for _, name := range tmps {
		removeTemp(name)
	}
}

// removeTemp removes a temporary file (one put in place is gone already)
// and forgets it; temps is locked.
func removeTemp(name string) {
	os.Remove(name)
	delete(temps.live, name)
}

// commit puts the temporary files tmps in place as targets, all or (without
// overwrite) none, and removes them. It holds the lock Interrupt takes, so
// an interrupt comes before, when nothing is in place, or after, when all
// is.
func commit(tmps, targets []string, overwrite bool) error {
	temps.Lock()
	defer temps.Unlock()
	defer func() {
		for _, name := range tmps {
			removeTemp(name)
		}
	}()
	if temps.interrupted {
		return ErrInterrupted
	}
	for i, tmp := range tmps {
		if overwrite {
			if err := os.Rename(tmp, targets[i]); err != nil {
				return err
			}
			continue
		}
		// A hard link fails if the target appeared since it was checked,
		// so an existing file is never clobbered; the targets linked
		// before it are taken back, as nothing was there.
		if err := os.Link(tmp, targets[i]); err != nil {
			for _, done := range targets[:i] {
				os.Remove(done)
			}
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s: %w", targets[i], ErrExists)
			}
			return err
		}
	}
	return nil
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
