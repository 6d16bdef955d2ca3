// Command licaudit verifies received license-export bundles (VOSS license
// ZIPs and FlexNet Operations entitlement extracts), prints audit reports,
// and writes reference bundles, valid or broken on purpose.
//
// This package only turns flags into options, options into calls of the
// verify and generate packages, and the result into reports.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/licaudit/licaudit/bundle"
	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build information is used.
var version = ""

// Exit statuses (DESIGN.md): 0 nothing at or above --fail-on, 1 a finding
// at or above it, 2 a usage, configuration or I/O error of the tool itself.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// softMemoryLimit keeps the heap close to what is live. Streaming a large
// member makes short-lived garbage fast, and the collector's default target
// (twice the live heap) would let RSS grow past the 64 MiB bar of DESIGN.md
// although little is kept. It is a soft limit: a bundle that really needs
// more gets it (the collector caps its own CPU share). GOMEMLIMIT overrides.
const softMemoryLimit = 48 << 20

// gcPercent lets the heap grow four times the live data between
// collections, up to the soft limit: with the default (100) the collector
// kept most of a second core busy on streams of short-lived rows, which
// --jobs 2 then lacked (measured: 500 bundles 0.43 s -> 0.31 s, a 570 MB
// FlexNet extract 3.42 s -> 2.99 s). GOGC overrides.
const gcPercent = 400

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	cleanUpOnSignal()
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// cleanUpOnSignal makes an interrupt (Ctrl-C) or a termination request
// remove the temporary files of the writes in progress (a generated
// bundle, a report) before the process dies of the signal as it would
// have: stopped half way, generate left a partial temporary file and, for
// a VOSS bundle, the detailed CSV without its ZIP. The signals are caught
// from its return, before any write can start.
func cleanUpOnSignal() {
	signals := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		// A signal the parent ignores (a background job of a script
		// ignores Ctrl-C) stays ignored, as it would without this.
		if !signal.Ignored(sig) {
			signal.Notify(signals, sig)
		}
	}
	go dieCleanly(signals)
}

// dieCleanly waits for a signal, removes the temporary files and ends the
// process as the signal would have.
func dieCleanly(signals <-chan os.Signal) {
	sig := <-signals
	bundle.Interrupt()
	// Die of the signal, so that a shell or a make running licaudit sees
	// it was interrupted; where a process cannot signal itself, exit as
	// a shell reports an interrupted command.
	signal.Reset(sig)
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
		select {}
	}
	code := 128 + 2
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	os.Exit(code)
}

// run executes the command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp()
	app.Writer = stdout
	app.ErrWriter = stderr
	err := app.Run(flagsFirst(app, args))
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := ec.Error(); msg != "" {
			fmt.Fprintln(stderr, "licaudit:", msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "licaudit:", err)
	return exitUsage
}

// newApp builds the command-line application. Exit statuses come back as
// cli.ExitCoder errors and are never acted on inside, so tests can run the
// app in-process.
func newApp() *cli.App {
	app := &cli.App{
		Name:    "licaudit",
		Usage:   "verify and audit license-export bundles; write reference bundles",
		Version: toolVersion(),
		Description: "licaudit checks VOSS license export ZIPs (and their detailed CSVs) and FlexNet Operations\n" +
			"entitlement extracts: names, hashes, JSON meta data, CSV structure and customer anonymity.\n" +
			"Exit status: 0 no finding at or above --fail-on, 1 there is one, 2 usage, configuration or I/O error.",
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		},
		Commands: []*cli.Command{
			verifyCommand(),
			generateCommand(),
			rulesCommand(),
			schemaCommand(),
			configCommand(),
			{
				Name:  "version",
				Usage: "print the version",
				Action: func(c *cli.Context) error {
					fmt.Fprintln(c.App.Writer, "licaudit", toolVersion())
					return nil
				},
			},
		},
	}
	noHelpSubcommands(app.Commands)
	return app
}

// noHelpSubcommands stops urfave/cli from adding a "help" (alias "h")
// subcommand to leaf commands, which would swallow a path named "h" or
// "help": "licaudit verify h" must verify the directory h. --help still
// works everywhere.
func noHelpSubcommands(cmds []*cli.Command) {
	for _, c := range cmds {
		if len(c.Subcommands) == 0 {
			c.HideHelpCommand = true
		}
		noHelpSubcommands(c.Subcommands)
	}
}

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// usageError is a mistake in the command line: exit status 2.
func usageError(format string, args ...any) error {
	return cli.Exit(fmt.Sprintf(format, args...), exitUsage)
}

// flagsFirst moves a subcommand's flags before its paths, so that
// "licaudit verify DIR --format json" works as people type it: urfave/cli v2
// stops reading flags at the first argument. A "--" ends the flags as usual.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(args[1]) {
			cmd = c
		}
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	boolean := map[string]bool{"help": true, "h": true}
	for _, f := range cmd.Flags {
		if _, ok := f.(*cli.BoolFlag); ok {
			for _, n := range f.Names() {
				boolean[n] = true
			}
		}
	}
	var flags, rest []string
	tail := args[2:]
	for i := 0; i < len(tail); i++ {
		a := tail[i]
		if a == "--" {
			rest = append(rest, tail[i:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") || boolean[name] {
			continue
		}
		if i+1 < len(tail) {
			i++
			flags = append(flags, tail[i])
		}
	}
	out := append([]string{}, args[:2]...)
	out = append(out, flags...)
	return append(out, rest...)
}
