package bundle

import "os"

// OpenFile opens the named file for reading, as os.Open does, for files
// that are read from start to end and never waited on: received bundles
// and CSVs. Where the system allows, it skips what os.Open does for files
// that might be pipes (see openFile).
func OpenFile(name string) (*os.File, error) {
	return openFile(name)
}
