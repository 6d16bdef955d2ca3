package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/config"
	"github.com/licaudit/licaudit/finding"
	"github.com/licaudit/licaudit/report"
	"github.com/licaudit/licaudit/schema"
	"github.com/licaudit/licaudit/verify"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "verify bundles and print an audit report",
		ArgsUsage: "PATH...",
		Description: "PATH is a bundle ZIP, a detailed CSV, a FlexNet extract CSV, or a directory searched recursively.\n" +
			"A detailed CSV beside a license ZIP of the same provider, host and timestamp is reconciled with it.\n\n" +
			"Examples:\n" +
			"  licaudit verify incoming/                              # intake: every bundle of a directory\n" +
			"  licaudit verify media/data_export/license/             # partner: check before sending\n" +
			"  licaudit verify --format table --format sarif=licaudit.sarif --fail-on warning out/   # CI gate",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "format", Aliases: []string{"f"}, Usage: "report format: " + strings.Join(report.Formats, ", ") + "; FORMAT=FILE writes that format to FILE (repeatable)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of standard output"},
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 when a finding is at or above this severity: error, warning, info or never"},
			&cli.StringFlag{Name: "detailed", Usage: "reconcile VOSS bundles with this detailed CSV `FILE` (default: the one beside each ZIP)"},
			&cli.StringFlag{Name: "config", Usage: "configuration `FILE` (default: .licaudit.yaml in the working directory, if present)"},
			&cli.StringFlag{Name: "schema-dir", Usage: "`DIR` of NAME.schema.json files replacing built-in schemas"},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "bundles verified at once at most; a bundle of 16 MiB or more runs alone, and smaller ones only up to 32 MiB at once, so memory stays under 64 MiB", DefaultText: "the CPUs licaudit may use"},
			&cli.BoolFlag{Name: "show-values", Usage: "print cell values in findings in full (default: redacted, since reports get attached to tickets)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress display"},
		},
		Action: runVerify,
	}
}

// formatTarget is one report to write: a format and where to.
type formatTarget struct {
	format string
	path   string // "" for --output or standard output
}

// file is where t is written: its own path, or else output (--output),
// or else "" for standard output.
func (t formatTarget) file(output string) string {
	if t.path != "" {
		return t.path
	}
	return output
}

func parseFormats(values []string) ([]formatTarget, error) {
	if len(values) == 0 {
		values = []string{"table"}
	}
	var out []formatTarget
	bare := 0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, path, _ := strings.Cut(strings.TrimSpace(part), "=")
			if _, err := report.New(name, report.Options{}); err != nil {
				return nil, err
			}
			if path == "" {
				bare++
			}
			out = append(out, formatTarget{format: name, path: path})
		}
	}
	if bare > 1 {
		return nil, fmt.Errorf("only one --format can go to --output or standard output; give the others a file: --format sarif=report.sarif")
	}
	return out, nil
}

func parseFailOn(s string) (finding.Severity, error) {
	if strings.EqualFold(s, "never") {
		return report.Never, nil
	}
	sev, err := finding.ParseSeverity(s)
	if err != nil || sev == finding.Off {
		return 0, fmt.Errorf("--fail-on %q: want error, warning, info or never", s)
	}
	return sev, nil
}

func runVerify(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError("verify needs at least one PATH (a ZIP, a CSV or a directory)")
	}
	targets, err := parseFormats(c.StringSlice("format"))
	if err != nil {
		return usageError("%v", err)
	}
	reports := reportFiles(targets, c.String("output"))
	if err := reportsApart(reports); err != nil {
		return usageError("%v", err)
	}
	failOn, err := parseFailOn(c.String("fail-on"))
	if err != nil {
		return usageError("%v", err)
	}
	cfgPath := c.String("config")
	if cfgPath == "" {
		if p, ok := config.Find("."); ok {
			cfgPath = p
		}
	}
	var cfg *config.Config
	if cfgPath != "" {
		if cfg, err = config.Load(cfgPath); err != nil {
			return usageError("%v", err)
		}
	}
	opts := cfg.Options(verify.DefaultOptions())
	opts.Detailed = c.String("detailed")
	opts.ShowValues = c.Bool("show-values")
	opts.Jobs = c.Int("jobs")
	if opts.Jobs < 0 {
		return usageError("--jobs must be 1 or more")
	}
	if opts.Detailed != "" {
		if st, err := os.Stat(opts.Detailed); err != nil || st.IsDir() {
			return usageError("--detailed %s: not a readable file", opts.Detailed)
		}
	}
	// The schemas compile while the inputs are found: both come before
	// any bundle is verified, and on a directory of small bundles such
	// serial time is what keeps --jobs from scaling (2 ms each for 500
	// bundles). A schema error is reported before an input error.
	var inputs []verify.Input
	var collectErr error
	var collecting sync.WaitGroup
	collecting.Go(func() { inputs, collectErr = verify.Collect(c.Args().Slice(), opts.Detailed) })
	opts.Schemas, err = loadSchemas(c.String("schema-dir"), opts.Schemas)
	collecting.Wait()
	if err != nil {
		return err
	}
	if collectErr != nil {
		return usageError("%v", collectErr)
	}
	if len(inputs) == 0 {
		return usageError("no bundle found in %s (looked for .zip, vlf_*_detailed_*.csv and FlexNet CSVs)", strings.Join(c.Args().Slice(), ", "))
	}
	if err := reportsAvoidInputs(reports, inputs, opts.Detailed); err != nil {
		return usageError("%v", err)
	}
	var display *progress
	if stderr, ok := c.App.ErrWriter.(*os.File); ok && !c.Bool("quiet") {
		if display = newProgress(stderr, inputs); display != nil {
			opts.Progress = display
		}
	}
	results := verify.Run(inputs, opts)
	if display != nil {
		// Cleared before the report is written: clearing moves the
		// cursor up a line and erases to the end of the screen, which
		// after a report on the same terminal erased its last line.
		display.finish()
	}
	results = cfg.Apply(results, time.Now())

	rep := buildReport(results, cfg.Rules(verify.Rules()), opts.Schemas, failOn)
	// Every report is attempted: one that cannot be written must not
	// keep the others (a CI step uploads the SARIF whatever else failed).
	var writeErrs []error
	for _, t := range targets {
		if err := writeReport(c, rep, t, c.String("output")); err != nil {
			writeErrs = append(writeErrs, err)
		}
	}
	if len(writeErrs) > 0 {
		return cli.Exit(errors.Join(writeErrs...).Error(), exitUsage)
	}
	if rep.Failed() {
		return cli.Exit("", exitFindings)
	}
	return nil
}

// reportFile is a report that goes to a file: its format and path, and
// what os.Stat said of the path before anything was verified (nil for a
// file yet to be made).
type reportFile struct {
	format, path string
	st           os.FileInfo
}

// reportFiles lists the reports of targets that go to files (their own, or
// --output), leaving out the one for standard output.
func reportFiles(targets []formatTarget, output string) []reportFile {
	var files []reportFile
	for _, t := range targets {
		if path := t.file(output); path != "" {
			r := reportFile{format: t.format, path: path}
			if st, err := os.Stat(path); err == nil {
				r.st = st
			}
			files = append(files, r)
		}
	}
	return files
}

// writtenInPlace says the report's path is a device or a named pipe, which
// WriteFile writes as it is rather than replaces.
func (r reportFile) writtenInPlace() bool {
	return r.st != nil && r.st.Mode()&(os.ModeDevice|os.ModeCharDevice|os.ModeNamedPipe) != 0
}

// reportsApart refuses two reports written to one file, where the second
// would replace the first without a word: the same path, however spelled,
// or two names of one existing file. A device or a named pipe is written
// in place and may take several (two reports to /dev/null).
func reportsApart(reports []reportFile) error {
	keys := make([]string, len(reports))
	for i, r := range reports {
		if r.writtenInPlace() {
			continue
		}
		keys[i] = filepath.Clean(r.path)
		if abs, err := filepath.Abs(r.path); err == nil {
			keys[i] = abs
		}
		for j, o := range reports[:i] {
			if keys[j] == "" {
				continue
			}
			if keys[j] == keys[i] || (o.st != nil && r.st != nil && os.SameFile(o.st, r.st)) {
				return fmt.Errorf("the %s and %s reports would both be written to %s, and the second would replace the first; give each its own file", o.format, r.format, r.path)
			}
		}
	}
	return nil
}

// reportsAvoidInputs refuses a report path that is one of the files being
// verified (a bundle, or a detailed CSV paired with one or given by
// --detailed, as detailed is): writing the report there would replace a
// received file, which licaudit never changes. It runs before anything is
// verified, so nothing is lost but the command. Only a report path that
// exists already as a file can be an input, so the inputs are stat'ed only
// then.
func reportsAvoidInputs(reports []reportFile, inputs []verify.Input, detailed string) error {
	var existing []reportFile
	for _, r := range reports {
		if r.st != nil && r.st.Mode().IsRegular() {
			existing = append(existing, r)
		}
	}
	if len(existing) == 0 {
		return nil
	}
	verified := []string{detailed}
	for _, in := range inputs {
		verified = append(verified, in.Path, in.Detailed)
	}
	for _, p := range verified {
		if p == "" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		for _, r := range existing {
			if os.SameFile(r.st, st) {
				return fmt.Errorf("cannot write the %s report to %s: that is %s, a file being verified, and licaudit never changes what it verifies; write the report elsewhere", r.format, r.path, p)
			}
		}
	}
	return nil
}

// loadSchemas compiles the schemas of --schema-dir (dir), or else the
// built-in ones unless the configuration gave some (fromConfig).
func loadSchemas(dir string, fromConfig *schema.Set) (*schema.Set, error) {
	switch {
	case dir != "":
		set, err := schema.Load(dir)
		if err != nil {
			return nil, usageError("%v", err)
		}
		return set, nil
	case fromConfig != nil:
		return fromConfig, nil
	}
	set, err := schema.Load("")
	if err != nil {
		return nil, cli.Exit(err.Error(), exitUsage)
	}
	return set, nil
}

// buildReport turns results into the report every format renders.
func buildReport(results []verify.Result, rules []finding.Rule, schemas *schema.Set, failOn finding.Severity) *report.Report {
	rep := &report.Report{
		Tool:   report.Tool{Name: "licaudit", Version: toolVersion()},
		Rules:  rules,
		FailOn: failOn,
		Provenance: &report.Provenance{
			RulesSHA256:   verify.CatalogueDigest(),
			SchemasSHA256: schemas.Digest(),
			FailOn:        failOnName(failOn),
		},
	}
	for _, r := range results {
		rep.Bundles = append(rep.Bundles, report.Bundle{
			Path: r.Path, Detailed: r.Detailed, Kind: string(r.Kind), SHA256: r.SHA256, Findings: r.Findings, Totals: r.Totals,
		})
	}
	rep.Finalize()
	return rep
}

func failOnName(s finding.Severity) string {
	if s == report.Never {
		return "never"
	}
	return s.String()
}

// writeReport renders one format to its file or the --output file (see
// bundle.WriteFile: atomically, or in place for a device or a named pipe),
// or to standard output.
func writeReport(c *cli.Context, rep *report.Report, t formatTarget, output string) error {
	path := t.file(output)
	var opts report.Options
	if path == "" && t.format == "table" {
		opts = tableOptions(c.App.Writer)
	}
	r, err := report.New(t.format, opts)
	if err != nil {
		return err
	}
	if path == "" {
		return r.Render(c.App.Writer, rep)
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, rep); err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("cannot write the %s report to %s: no such directory %s", t.format, path, dir)
		}
	}
	err = bundle.WriteFile(path, true, func(f *os.File) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return fmt.Errorf("cannot write the %s report to %s: %v", t.format, path, err)
	}
	return nil
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// tableOptions lays out a table written to out: on a terminal, in colour
// (unless NO_COLOR is set) and as wide as the terminal (see
// report.Table.Width); anywhere else, without colour and TableWidth wide,
// the same whatever window the run started from.
func tableOptions(out io.Writer) report.Options {
	f, ok := out.(*os.File)
	if !ok || !isTerminal(f) {
		return report.Options{}
	}
	o := report.Options{Color: os.Getenv("NO_COLOR") == ""}
	if w, _, err := term.GetSize(int(f.Fd())); err == nil {
		o.Width = w
	}
	return o
}
