package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its two ends: what is
// written to the terminal end (a program's stderr) is read from the
// controller end. The test is skipped where there is none.
func openPTY(t *testing.T) (controller, terminal *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	fd := int(ptmx.Fd())
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0)
	}
	if err != nil {
		ptmx.Close()
		t.Skip("no pseudo-terminal:", err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		ptmx.Close()
		t.Skip("no pseudo-terminal:", err)
	}
	t.Cleanup(func() { ptmx.Close(); pts.Close() })
	// A new pseudo-terminal is 0 columns wide until a terminal emulator
	// says otherwise; this one is an ordinary 100 x 30.
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 30, Col: 100}); err != nil {
		t.Skip("pseudo-terminal size:", err)
	}
	return ptmx, pts
}

// verifyOnTerminal runs licaudit with standard error on a terminal and
// returns the exit status and what the terminal received.
func verifyOnTerminal(t *testing.T, args ...string) (int, string) {
	t.Helper()
	return onTerminal(t, false, args...)
}

// onTerminal runs licaudit with standard error, and standard output too
// when both is set, on a terminal and returns the exit status and what
// the terminal received.
func onTerminal(t *testing.T, both bool, args ...string) (int, string) {
	t.Helper()
	controller, terminal := openPTY(t)
	received := make(chan string, 1)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, controller) // ends with EIO once the terminal end is closed
		received <- b.String()
	}()
	var out io.Writer = new(bytes.Buffer)
	if both {
		out = terminal
	}
	code := run(append([]string{"licaudit"}, args...), out, terminal)
	terminal.Close()
	return code, <-received
}

// bundlesDir writes n small reference bundles into one directory.
func bundlesDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		at := fmt.Sprintf("2026-11-%02d 03:00", i+1)
		if code, _, errOut := licaudit(t, "generate", "voss", "--customers", "3", "--at", at, "--out", dir); code != exitOK {
			t.Fatalf("generate: exit %d: %s", code, errOut)
		}
	}
	zips, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if len(zips) != n {
		t.Fatalf("%d bundles written, want %d", len(zips), n)
	}
	return dir
}

// TestProgressOnTerminal: with standard error on a terminal, verifying
// many bundles shows the bundles done of the total and the bytes verified,
// and the display is cleared at the end; --quiet and a short run show
// nothing.
func TestProgressOnTerminal(t *testing.T) {
	dir := bundlesDir(t, longWorkInputs)
	report := filepath.Join(t.TempDir(), "report.json")

	code, shown := verifyOnTerminal(t, "verify", "--format", "json", "--output", report, dir)
	if code != exitOK {
		t.Fatalf("exit %d; the terminal showed %q", code, shown)
	}
	// The display is redrawn at most every 100 ms, so a quick run shows
	// some count of the total, not every one.
	want := regexp.MustCompile(fmt.Sprintf(`\b\d+/%d bundles, [0-9.]+ [kMG]?B verified`, longWorkInputs))
	if !want.MatchString(shown) {
		t.Errorf("the terminal showed %q, want the bundles done of the total and the bytes verified (%s)", shown, want)
	}
	// Cleared on finish, so that nothing is left above the shell's
	// prompt: the last thing written moves the cursor up to the line drawn
	// and erases from there to the end of the screen.
	const upAndErase = "\x1b[1A\x1b[J"
	if !strings.HasSuffix(shown, upAndErase) {
		t.Errorf("the display was not cleared: the terminal showed %q, which does not end with %q", shown, upAndErase)
	}

	if code, shown := verifyOnTerminal(t, "verify", "--quiet", "--format", "json", "--output", report, dir); code != exitOK || shown != "" {
		t.Errorf("--quiet: exit %d, the terminal showed %q, want nothing", code, shown)
	}
	one, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	if code, shown := verifyOnTerminal(t, "verify", "--format", "json", "--output", report, one[0]); code != exitOK || shown != "" {
		t.Errorf("one small bundle: exit %d, the terminal showed %q, want nothing", code, shown)
	}
}

// TestProgressClearedBeforeReport: with the table report and the display
// on one terminal, the display is cleared before the report begins, so
// that no redraw lands in the middle of the report.
func TestProgressClearedBeforeReport(t *testing.T) {
	dir := bundlesDir(t, longWorkInputs)
	code, shown := onTerminal(t, true, "verify", dir)
	if code != exitOK {
		t.Fatalf("exit %d; the terminal showed %q", code, shown)
	}
	report := strings.Index(shown, "PASS")
	if report < 0 {
		t.Fatalf("no report on the terminal: %q", shown)
	}
	const upAndErase = "\x1b[1A\x1b[J"
	if clear := strings.LastIndex(shown, upAndErase); clear < 0 || clear > report {
		t.Errorf("the display was cleared at byte %d, after the report began at byte %d: %q", clear, report, shown)
	}
	if last := strings.LastIndex(shown, " bundles, "); last > report {
		t.Errorf("the display was drawn at byte %d, after the report began at byte %d", last, report)
	}
}
