package main

import (
	"fmt"
	"strings"

	"github.com/licaudit/licaudit/schema"
	"github.com/urfave/cli/v2"
)

func schemaCommand() *cli.Command {
	return &cli.Command{
		Name:      "schema",
		Usage:     "print a built-in JSON Schema, or list them",
		ArgsUsage: "[NAME]",
		Description: "Without NAME, lists the built-in schemas. To use another schema (the vendor's own, say),\n" +
			"put NAME.schema.json in a directory and pass it to verify with --schema-dir.",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				fmt.Fprintln(c.App.Writer, strings.Join(schema.Names(), "\n"))
				return nil
			}
			if c.NArg() > 1 {
				return usageError("schema takes one NAME")
			}
			b, err := schema.Builtin(c.Args().First())
			if err != nil {
				return usageError("%v", err)
			}
			_, err = c.App.Writer.Write(b)
			return err
		},
	}
}
