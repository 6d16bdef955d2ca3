package bundle

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriteFiles writes the two files of a bundle as one: all of them, or
// (on an existing target without overwrite, a failing callback, a target
// that is a directory) none, and never a temporary file left.
func TestWriteFiles(t *testing.T) {
	cases := []struct {
		name      string
		existing  []string // targets present before, holding "old"
		dir       bool     // b.zip is a directory
		overwrite bool
		failAt    int // the callback fails on this file (-1: never)
		wantErr   error
		want      []string // the directory after
		wantNew   bool     // the targets hold the new content
	}{
		{name: "new", failAt: -1, want: []string{"a.csv", "b.zip"}, wantNew: true},
		{name: "overwrite", existing: []string{"a.csv", "b.zip"}, overwrite: true, failAt: -1, want: []string{"a.csv", "b.zip"}, wantNew: true},
		{name: "one exists", existing: []string{"b.zip"}, failAt: -1, wantErr: ErrExists, want: []string{"b.zip"}},
		{name: "second fails", failAt: 1, wantErr: errCallback, want: nil},
		{name: "second fails, overwrite", existing: []string{"a.csv", "b.zip"}, overwrite: true, failAt: 1, wantErr: errCallback, want: []string{"a.csv", "b.zip"}},
		{name: "a directory at a target", dir: true, overwrite: true, failAt: -1, want: []string{"b.zip"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			targets := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.zip")}
			for _, name := range c.existing {
				if err := os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if c.dir {
				if err := os.Mkdir(targets[1], 0o755); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFiles(targets, c.overwrite, func(i int, f *os.File) error {
				io.WriteString(f, "new")
				if i == c.failAt {
					return errCallback
				}
				return nil
			})
			switch {
			case c.dir && err == nil:
				t.Fatal("a directory at a target was written over")
			case !c.dir && !errors.Is(err, c.wantErr):
				t.Fatalf("err = %v, want %v", err, c.wantErr)
			}
			if got := listDir(t, dir); !slices.Equal(got, c.want) {
				t.Fatalf("directory holds %v, want %v", got, c.want)
			}
			for _, name := range c.existing {
				want := "old"
				if c.wantNew {
					want = "new"
				}
				if s := readString(t, filepath.Join(dir, name)); s != want {
					t.Errorf("%s holds %q, want %q", name, s, want)
				}
			}
			if c.wantNew {
				for _, p := range targets {
					if s := readString(t, p); s != "new" {
						t.Errorf("%s holds %q", p, s)
					}
				}
			}
		})
	}
}

// TestWriteFilesRace: without overwrite, a target that appears while the
// files are written is not clobbered, and the targets put in place before
// it are taken back: no half bundle.
func TestWriteFilesRace(t *testing.T) {
	dir := t.TempDir()
	targets := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.zip")}
	err := WriteFiles(targets, false, func(i int, f *os.File) error {
		if i == 1 {
			if err := os.WriteFile(targets[1], []byte("theirs"), 0o644); err != nil {
				return err
			}
		}
		_, err := io.WriteString(f, "ours")
		return err
	})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"b.zip"}) {
		t.Fatalf("directory holds %v, want only the other writer's b.zip", got)
	}
	if s := readString(t, targets[1]); s != "theirs" {
		t.Errorf("b.zip holds %q", s)
	}
}

// TestInterrupt: an interrupt while the files are being written removes
// what was written and makes every later write fail, whatever it writes.
func TestInterrupt(t *testing.T) {
	defer func() {
		temps.Lock()
		temps.interrupted = false
		temps.Unlock()
	}()
	dir := t.TempDir()
	targets := []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.zip")}
	err := WriteFiles(targets, false, func(i int, f *os.File) error {
		io.WriteString(f, "partial")
		if i == 1 {
			Interrupt() // as the signal handler would, from anywhere
			// The process may die of the signal right after: what was
			// written so far must be gone already.
			if got := listDir(t, dir); len(got) != 0 {
				t.Errorf("directory holds %v just after the interrupt, want nothing", got)
			}
		}
		return nil
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Fatalf("directory holds %v after the interrupt, want nothing", got)
	}
	if err := WriteFile(filepath.Join(dir, "report.json"), false, writeString("{}")); !errors.Is(err, ErrInterrupted) {
		t.Errorf("a write after the interrupt: err = %v, want ErrInterrupted", err)
	}
	if got := listDir(t, dir); len(got) != 0 {
		t.Fatalf("directory holds %v, want nothing", got)
	}
}
