package main

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/licaudit/licaudit/verify"
)

func TestDescribeProgress(t *testing.T) {
	tests := []struct {
		done, total int
		bytes       int64
		elapsed     time.Duration
		want        string
	}{
		{0, 1, 0, 0, "0/1 bundle, 0 B verified"},
		{3, 500, 1_234_567_890, 3 * time.Second, "3/500 bundles, 1.2 GB verified, 411.5 MB/s"},
		{0, 1, 999, 100 * time.Millisecond, "0/1 bundle, 999 B verified"},
		{1, 2, 64_000, time.Second, "1/2 bundles, 64.0 kB verified, 64.0 kB/s"},
	}
	for _, tc := range tests {
		if got := describeProgress(tc.done, tc.total, tc.bytes, tc.elapsed); got != tc.want {
			t.Errorf("describeProgress(%d, %d, %d, %v) = %q, want %q", tc.done, tc.total, tc.bytes, tc.elapsed, got, tc.want)
		}
	}
}

func TestLongWork(t *testing.T) {
	many := make([]verify.Input, longWorkInputs)
	tests := []struct {
		name   string
		inputs []verify.Input
		want   bool
	}{
		{"one small bundle", []verify.Input{{Size: 1 << 20}}, false},
		{"one large bundle", []verify.Input{{Size: longWorkBytes}}, true},
		{"many bundles", many, true},
		{"a few bundles", many[:longWorkInputs-1], false},
	}
	for _, tc := range tests {
		if got := longWork(tc.inputs); got != tc.want {
			t.Errorf("%s: longWork = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestNoProgressOffTerminal checks that nothing is drawn on a pipe, however
// long the work.
func TestNoProgressOffTerminal(t *testing.T) {
	w := pipeWriter(t)
	if p := newProgress(w, make([]verify.Input, 1000)); p != nil {
		t.Fatal("a progress display on a pipe")
	}
}

// TestTableOptionsOffTerminal checks that a table written to a pipe or a
// buffer is laid out the same whatever the terminal: no colour and the
// default width.
func TestTableOptionsOffTerminal(t *testing.T) {
	w := pipeWriter(t)
	for name, out := range map[string]io.Writer{"pipe": w, "buffer": &bytes.Buffer{}} {
		if o := tableOptions(out); o.Color || o.Width != 0 {
			t.Errorf("%s: %+v, want the defaults", name, o)
		}
	}
}

// pipeWriter returns the writing end of a pipe, which is no terminal; both
// ends close when the test ends.
func pipeWriter(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return w
}
