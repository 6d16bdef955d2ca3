//go:build !unix

package bundle

import "os"

// openFile is os.Open where the poller question of open_unix.go does not
// arise.
func openFile(name string) (*os.File, error) {
	return os.Open(name)
}
