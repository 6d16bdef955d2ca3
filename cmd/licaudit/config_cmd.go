package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/config"
	"github.com/licaudit/licaudit/verify"
)

func configCommand() *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "write a starter configuration, or check one",
		Description: "The configuration (" + config.DefaultFile + " in the working directory, or verify --config FILE)\n" +
			"sets rule severities, ignores, waivers, limits and a schema override directory.",
		Subcommands: []*cli.Command{
			{
				Name:      "init",
				Usage:     "write a commented starter configuration (every key explained)",
				ArgsUsage: "[PATH]",
				Description: "Writes " + config.DefaultFile + " (or PATH; a directory gets " + config.DefaultFile + " inside;\n" +
					"- writes to standard output). An existing file is kept unless --force is given.",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "force", Usage: "overwrite an existing file"},
				},
				Action: configInit,
			},
			{
				Name:      "check",
				Usage:     "check a configuration and summarise what it sets",
				ArgsUsage: "[PATH...]",
				Description: "Checks each PATH (default: " + config.DefaultFile + " in the working directory) as verify would:\n" +
					"exit status 2 with every problem at its line, 0 otherwise. Waivers past their expiry date\n" +
					"and those expiring within 30 days are listed.",
				Action: configCheck,
			},
		},
	}
}

func configInit(c *cli.Context) error {
	if c.NArg() > 1 {
		return usageError("config init takes one PATH (got %s); put --force before it", strings.Join(c.Args().Slice(), " "))
	}
	target := c.Args().First()
	if target == "-" {
		_, err := io.WriteString(c.App.Writer, config.Starter)
		return err
	}
	if target == "" {
		target = config.DefaultFile
	}
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		target = filepath.Join(target, config.DefaultFile)
	}
	err := bundle.WriteFile(target, c.Bool("force"), func(f *os.File) error {
		_, err := io.WriteString(f, config.Starter)
		return err
	})
	switch {
	case errors.Is(err, bundle.ErrExists):
		return usageError("%s exists; use config init --force to overwrite it", target)
	case err != nil:
		return usageError("cannot write %s: %v", target, err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %s: every key is explained in it; check it with \"licaudit config check %s\"\n", target, target)
	return nil
}

// expiringSoon is how far ahead config check warns of waivers expiring.
const expiringSoon = 30 * 24 * time.Hour

func configCheck(c *cli.Context) error {
	paths := c.Args().Slice()
	if len(paths) == 0 {
		p, ok := config.Find(".")
		if !ok {
			return usageError("no %s in the working directory; give a PATH or write one with licaudit config init", config.DefaultFile)
		}
		paths = []string{p}
	}
	var problems []string
	for _, path := range paths {
		cfg, err := config.Load(path)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		summarise(c.App.Writer, path, cfg, time.Now())
	}
	if len(problems) > 0 {
		return usageError("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// summarise prints what a valid configuration sets, and its waivers that
// expired or expire soon.
func summarise(w io.Writer, path string, cfg *config.Config, now time.Time) {
	fmt.Fprintf(w, "%s: valid\n", path)
	fmt.Fprintf(w, "  severity overrides: %d, ignored rules or globs: %d, waivers: %d, limits: %d\n",
		len(cfg.Severities), len(cfg.Ignore), len(cfg.Waivers), len(cfg.Limits))
	if cfg.DatetimeTolerance != nil {
		fmt.Fprintf(w, "  meta.datetime tolerance: %v\n", *cfg.DatetimeTolerance)
	}
	if cfg.SchemaDir != "" {
		fmt.Fprintf(w, "  schema overrides from %s\n", cfg.SchemaDir)
	}
	var pinned []string
	for _, fc := range verify.FormChoices {
		if pin := *fc.Field(&cfg.Forms); pin != "" {
			pinned = append(pinned, fc.Key+"="+pin)
		}
	}
	if len(pinned) > 0 {
		fmt.Fprintf(w, "  pinned forms: %s\n", strings.Join(pinned, ", "))
	}
	for _, wv := range cfg.Waivers {
		switch {
		case wv.Expired(now):
			fmt.Fprintf(w, "  %s:%d: waivers[%d] expired on %s and no longer applies\n", path, wv.Line, wv.Index, wv.Expires.Format(time.DateOnly))
		case wv.Expired(now.Add(expiringSoon)):
			fmt.Fprintf(w, "  %s:%d: waivers[%d] expires on %s\n", path, wv.Line, wv.Index, wv.Expires.Format(time.DateOnly))
		}
	}
}
