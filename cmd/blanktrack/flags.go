package main

import (
	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// columnFlags are the flags that name the sheet and columns of invoice
// exports, shared by the commands that read them.
func columnFlags(e *env) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "sheet", Usage: e.p.Text("workbook sheet to read alone (default: every sheet whose header has an invoice-number column)")},
		&cli.StringFlag{Name: "col-number", Usage: e.p.Text("header of the invoice-number column")},
		&cli.StringFlag{Name: "col-track", Usage: e.p.Text("header of the 字軌 column")},
		&cli.StringFlag{Name: "col-status", Usage: e.p.Text("header of the status column")},
		&cli.StringFlag{Name: "col-void", Usage: e.p.Text("header of the void-mark column")},
		&cli.StringFlag{Name: "col-date", Usage: e.p.Text("header of the invoice-date column")},
		&cli.StringFlag{Name: "col-seller", Usage: e.p.Text("header of the seller 統一編號 column")},
	}
}

// configKeys are the flags a config replaces, each with the key of a
// [[branch]] (or of its [branch.columns]) that says it there.
var configKeys = []struct {
	flag, key string
	columns   bool // the key is in [branch.columns]
}{
	{"alloc", "alloc", false}, {"invoices", "invoices", false},
	{"sheet", "sheet", true}, {"col-number", "number", true}, {"col-track", "track", true},
	{"col-status", "status", true}, {"col-void", "void", true}, {"col-date", "date", true},
	{"col-seller", "seller", true},
}

// configReplaces refuses, with --config, a flag that the config says per
// branch: it would be ignored, and the run read what the user meant to
// change. files are the invoice exports given as arguments (generate's),
// which the config names too.
func configReplaces(c *cli.Context, config string, files []string) error {
	for _, k := range configKeys {
		if !c.IsSet(k.flag) {
			continue
		}
		if k.columns {
			return usagef("--%s: %s names each branch's columns: use %s = \"…\" in its [branch.columns] instead", k.flag, config, k.key)
		}
		return usagef("--%s: %s names each branch's files: use %s = [\"…\"] in its [[branch]] instead", k.flag, config, k.key)
	}
	if len(files) > 0 {
		return usagef("%s: %s names each branch's invoice exports: give no files with it; use invoices = [\"…\"] in its [[branch]] instead", files[0], config)
	}
	return nil
}

func columnsFrom(c *cli.Context) sheet.Columns {
	return sheet.Columns{
		Sheet:  c.String("sheet"),
		Number: c.String("col-number"),
		Track:  c.String("col-track"),
		Status: c.String("col-status"),
		Void:   c.String("col-void"),
		Date:   c.String("col-date"),
		Seller: c.String("col-seller"),
	}
}

// flagsBeforeFiles catches a flag written after the positional arguments,
// which urfave/cli v2 would take for a file name.
func flagsBeforeFiles(args []string) error {
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' {
			return usagef("flag %s after the files: flags go before the files", a)
		}
	}
	return nil
}

// noInvoicesFlag declares, for one run, that a 統編 issued no invoice in the
// period; a config says it with no_invoices = true.
func noInvoicesFlag(e *env) cli.Flag {
	return &cli.StringSliceFlag{Name: "no-invoices", Usage: e.p.Text("統一編號 that issued no invoice in the period: all its allocated numbers are blank (repeat for several); without it a 統編 with allocations and no invoice is an error")}
}

func noInvoicesFrom(c *cli.Context) ([]ranges.Ban, error) {
	var bans []ranges.Ban
	for _, v := range c.StringSlice("no-invoices") {
		b, err := ranges.ParseBan(v)
		if err != nil {
			return nil, usagef("--no-invoices: %v", err)
		}
		bans = append(bans, b)
	}
	return bans, nil
}
