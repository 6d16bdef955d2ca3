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
func WriteFile(target string, overwrite bool, write func(*os.File) error) (err error) {
	dir := filepath.Dir(target)
	if !overwrite {
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s: %w", target, ErrExists)
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
