//go:build unix

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestVerifyOutputToPipe gives --output a named pipe, as a shell's process
// substitution or a CI step reading the report would: the JSON report
// arrives through it and the pipe is left a pipe.
func TestVerifyOutputToPipe(t *testing.T) {
	dir := reference(t)
	fifo := filepath.Join(t.TempDir(), "report.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("named pipes not available:", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if code, _, errOut := licaudit(t, "verify", "--format", "json", "--output", fifo, dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var b []byte
	select {
	case b = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing came through the pipe")
	}
	var rep struct{ Bundles []json.RawMessage }
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Bundles) != 1 {
		t.Errorf("the pipe carried no report of one bundle: %v", err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("--output replaced the named pipe: %v %v", st.Mode(), err)
	}
}
