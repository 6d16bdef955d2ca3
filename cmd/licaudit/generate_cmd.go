package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/licaudit/licaudit/bundle"
	"github.com/licaudit/licaudit/generate"
	"github.com/urfave/cli/v2"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:  "generate",
		Usage: "write a reference bundle, valid or breaking one rule (--defect)",
		Subcommands: []*cli.Command{
			generateVOSSCommand(),
			generateFlexNetCommand(),
		},
	}
}

// commonGenerateFlags are the flags of every generator.
func commonGenerateFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: "`DIR` to write into (created if missing)", Required: true},
		&cli.StringFlag{Name: "at", Usage: "export time, RFC 3339 or YYYY-MM-DD HH:MM (UTC), in the years 1900 to 9000; default 2026-11-01 03:00", Value: "2026-11-01T03:00:00Z"},
		&cli.Uint64Flag{Name: "seed", Usage: "seed of the content: the same flags give the same bytes", Value: 1},
		&cli.StringFlag{Name: "defect", Usage: "write a bundle that breaks exactly the rule `RULE-ID` (see licaudit rules)"},
		&cli.BoolFlag{Name: "force", Usage: "overwrite existing files"},
	}
}

func generateVOSSCommand() *cli.Command {
	return &cli.Command{
		Name:  "voss",
		Usage: "write a VOSS license export: the ZIP and the detailed CSV beside it",
		Description: "Defects: " + strings.Join(generate.VOSSDefects(), ", ") + ".\n" +
			"Variants (RULE:VARIANT): " + strings.Join(generate.VOSSDefectVariants(), ", ") + ".\n\n" +
			"Example: licaudit generate voss --provider CS-P --host VOSS-UN-1 --customers 50 --out demo/",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "provider", Usage: "provider `NAME` (hyphens and underscores are fine)", Value: "CS-P"},
			&cli.StringFlag{Name: "host", Usage: "host `NAME`", Value: "VOSS-UN-1"},
			&cli.IntFlag{Name: "customers", Usage: "customer rows in the CSVs (0 to 5000000)", Value: 25},
			&cli.IntFlag{Name: "patches", Usage: "entries of the patch log (0: the documented empty form)"},
			&cli.IntFlag{Name: "adaptations", Usage: "entries of the adaptation log (0: the documented empty form)"},
			&cli.StringFlag{Name: "style", Usage: "release style of the CSVs: 19 (audit 3.0.0), 21 (audit 4.1.5) or 5 (audit 5.2.0)", Value: generate.StyleV21},
			&cli.StringFlag{Name: "hash-form", Usage: "form of the .hash files: gnu, bare or bsd", Value: generate.HashGNU},
		}, commonGenerateFlags()...),
		Action: func(c *cli.Context) error {
			at, err := parseAt(c.String("at"))
			if err != nil {
				return usageError("%v", err)
			}
			o := generate.VOSSOptions{
				Provider: c.String("provider"), Host: c.String("host"), At: at,
				Customers: c.Int("customers"), Seed: c.Uint64("seed"),
				Patches: c.Int("patches"), Adaptations: c.Int("adaptations"),
				Style: c.String("style"), HashForm: c.String("hash-form"), Defect: c.String("defect"),
			}
			paths, err := generate.WriteVOSS(c.String("out"), o, c.Bool("force"))
			return reportWritten(c, paths, err)
		},
	}
}

// reportWritten prints the files written, or turns the error into exit 2.
func reportWritten(c *cli.Context, paths []string, err error) error {
	for _, p := range paths {
		fmt.Fprintln(c.App.Writer, p)
	}
	if errors.Is(err, bundle.ErrExists) {
		return cli.Exit(err.Error(), exitUsage)
	}
	if err != nil {
		return cli.Exit("generate: "+err.Error(), exitUsage)
	}
	return nil
}

var atLayouts = []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02_1504", "2006-01-02-15-04-05", "2006-01-02"}

// parseAt reads --at in any of the layouts users write; without a zone it
// is UTC.
func parseAt(s string) (time.Time, error) {
	for _, l := range atLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q: want RFC 3339 (2026-11-01T03:00:00Z) or YYYY-MM-DD HH:MM", s)
}

func generateFlexNetCommand() *cli.Command {
	def := generate.DefaultFlexNetOptions()
	return &cli.Command{
		Name:  "flexnet",
		Usage: "write a FlexNet Operations entitlement extract ZIP",
		Description: "Defects: " + strings.Join(generate.FlexNetDefects(), ", ") + ".\n\n" +
			"Example: licaudit generate flexnet --entitlements 100 --tiers 3 --max-line-items 4 --maintenance --out ref/",
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "entitlements", Usage: "entitlements in the extract (0: header-only CSVs, a period with no changes)", Value: def.Entitlements},
			&cli.IntFlag{Name: "tiers", Usage: "tier blocks: End Customer, Partner Tier 1, ...", Value: def.Tiers},
			&cli.IntFlag{Name: "max-line-items", Usage: "most line items (activation ids) of one entitlement", Value: def.MaxLineItems},
			&cli.BoolFlag{Name: "maintenance", Usage: "write maintenance line items linked to line items", Value: def.Maintenance},
			&cli.StringFlag{Name: "dates", Usage: "date convention: iso8601 or legacy", Value: def.Dates},
		}, commonGenerateFlags()...),
		Action: func(c *cli.Context) error {
			at, err := parseAt(c.String("at"))
			if err != nil {
				return usageError("%v", err)
			}
			o := generate.FlexNetOptions{
				Entitlements: c.Int("entitlements"), Tiers: c.Int("tiers"), MaxLineItems: c.Int("max-line-items"),
				Maintenance: c.Bool("maintenance"), Dates: c.String("dates"), At: at,
				Seed: c.Uint64("seed"), Defect: c.String("defect"),
			}
			paths, err := generate.WriteFlexNet(c.String("out"), o, c.Bool("force"))
			return reportWritten(c, paths, err)
		},
	}
}
