package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/job"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// checkOptions are the parsed flags of blanktrack check.
type checkOptions struct {
	Config   string
	Files    []string
	Allocs   []string
	Invoices []string
	Format   string
	All      bool
	Period   ranges.Period
	Columns  sheet.Columns
	// NoInvoices are the 統編 declared to have issued no invoice.
	NoInvoices []ranges.Ban
}

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     e.p.Text("check 匯入字軌 bulk files and E0402 XML before they are uploaded"),
		ArgsUsage: "FILE...",
		Description: e.p.Text("Checks every field, the sequence, overlaps within and across the files, and E0402 structure.\n" +
			"With --alloc, every range must lie in an allocation; with --alloc and --invoices, the files\n" +
			"must hold exactly what generate would write from those inputs. Never modifies a file."),
		OnUsageError: onUsageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "config", TakesFile: true, Usage: e.p.Text("a blanktrack.toml: the files must be exactly what generate --config writes")},
			&cli.StringSliceFlag{Name: "alloc", TakesFile: true, Usage: e.p.Text("allocation download(s): every range must lie in an allocation")},
			&cli.StringSliceFlag{Name: "invoices", TakesFile: true, Usage: e.p.Text("invoice export(s), with --alloc: the files must be exactly what generate writes")},
			noInvoicesFlag(e),
			&cli.BoolFlag{Name: "all", Usage: e.p.Text("the files are the whole output: a 統編 with blank numbers and no bulk file among them is a finding")},
			&cli.StringFlag{Name: "format", Value: "text", Usage: e.p.Text("findings as text, json (one object a line) or github (workflow annotations)")},
			&cli.StringFlag{Name: "period", Usage: e.p.Text("period of the inputs, as 114/09~114/10, 11410 or last (default: the allocations' period)")},
		}, columnFlags(e)...),
		Action: func(c *cli.Context) error {
			setInterruptNote(msg.T("the check did not finish"))
			e.checking = true
			o, err := parseCheckOptions(e, c)
			if err != nil {
				return err
			}
			return runCheck(e, o)
		},
	}
}

func parseCheckOptions(e *env, c *cli.Context) (checkOptions, error) {
	o := checkOptions{
		Config:   c.String("config"),
		Files:    c.Args().Slice(),
		Allocs:   c.StringSlice("alloc"),
		Invoices: c.StringSlice("invoices"),
		Format:   c.String("format"),
		All:      c.Bool("all"),
		Columns:  columnsFrom(c),
	}
	if err := flagsBeforeFiles(o.Files); err != nil {
		return o, err
	}
	if err := checkToday(e); err != nil {
		return o, err
	}
	if len(o.Files) == 0 {
		return o, usagef("check: no file to check: give the bulk CSV or E0402 XML files")
	}
	if !slices.Contains(importfile.FindingFormats, o.Format) {
		return o, usagef("--format %q: want one of %s", o.Format, strings.Join(importfile.FindingFormats, ", "))
	}
	var err error
	if o.NoInvoices, err = noInvoicesFrom(c); err != nil {
		return o, err
	}
	if (len(o.Invoices) > 0 || len(o.NoInvoices) > 0) && len(o.Allocs) == 0 && o.Config == "" {
		return o, usagef("--invoices and --no-invoices need --alloc: the allocations say which numbers could be blank")
	}
	if o.Config != "" {
		if err := configReplaces(c, o.Config, nil); err != nil {
			return o, err
		}
	}
	if o.Period, err = periodFlag(e, c.String("period")); err != nil {
		return o, err
	}
	if o.Config != "" {
		if err := checkInputs([]string{o.Config}); err != nil {
			return o, err
		}
	}
	return o, checkInputs(o.Files, o.Allocs, o.Invoices)
}

func runCheck(e *env, o checkOptions) error {
	ck := importfile.Checker{All: o.All}
	switch {
	case o.Config != "" || len(o.Invoices) > 0 || len(o.NoInvoices) > 0:
		gen := generateOptions{Config: o.Config, Allocs: o.Allocs, Invoices: o.Invoices, Period: o.Period, Columns: o.Columns, NoInvoices: o.NoInvoices}
		spec, _, err := gen.spec(e)
		if err != nil {
			return err
		}
		// The files may be E0402 of a track no bulk file holds, which
		// generate writes only with XML: the comparison is with its ranges.
		spec.XML = true
		res, err := job.Run(e.ctx, spec)
		if err != nil {
			return runError(err, spec.Config)
		}
		for _, br := range res.Branches {
			if br.Err == nil {
				continue
			}
			if spec.Config {
				e.p.Say(e.stderr, "error: branch %s (%s):\n", br.Label(), br.Ban)
			}
			if err := inputError(e, br.Err, spec.Config); err != nil {
				return err
			}
		}
		ck.Allocs, ck.Expected = res.Expected()
		ck.Head = spec.Head
		note, err := noteFor(e, res.Period)
		if err != nil {
			return err
		}
		note.before(e)
		defer note.after(e)
	case len(o.Allocs) > 0:
		allocs, err := sheet.ReadAllocationFiles(e.ctx, o.Allocs)
		if err != nil {
			return inputError(e, err, false)
		}
		ck.Allocs = allocs
		if ck.Allocs == nil {
			ck.Allocs = []ranges.Allocation{}
		}
	}
	rep := ck.Check(o.Files)
	for _, name := range rep.Skipped {
		e.p.Say(e.stderr, "note: %s is generate's manifest or report, not a file for the portal: not checked\n", name)
	}
	if err := importfile.WriteFindings(e.stdout, e.p, o.Format, rep.Findings); err != nil {
		return err
	}
	if len(rep.Findings) > 0 {
		e.p.Say(e.stderr, "blanktrack: check: %d finding(s) in %v\n", len(rep.Findings), filesFound(o.Files, rep.Findings))
		return reportedError{exitData}
	}
	if o.Format == "text" {
		e.p.Say(e.stdout, "ok: %v, %v: no finding\n", plural(rep.Files, msg.T("1 file"), msg.T("%d files", rep.Files)), plural(rep.Ranges, msg.T("1 range"), msg.T("%d ranges", rep.Ranges)))
	}
	return nil
}

// filesFound counts the files the findings are about; with --all some are
// files that should be there and are not.
func filesFound(checked []string, fs []importfile.Finding) msg.Message {
	about := map[string]bool{}
	missing := 0
	for _, f := range fs {
		if !about[f.File] {
			about[f.File] = true
			if !slices.Contains(checked, f.File) {
				missing++
			}
		}
	}
	n := plural(len(about), msg.T("1 file"), msg.T("%d files", len(about)))
	if missing > 0 {
		return msg.T("%v (%d missing)", n, missing)
	}
	return n
}

// plural picks the text of a count: English has a singular, Chinese not.
func plural(n int, one, many msg.Message) msg.Message {
	if n == 1 {
		return one
	}
	return many
}
