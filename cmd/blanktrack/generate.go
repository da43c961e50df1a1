package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// generateOptions are the parsed flags of blanktrack generate.
type generateOptions struct {
	Config   string // a blanktrack.toml: head office and branches
	Allocs   []string
	Invoices []string
	Out      string
	XML      bool
	Head     ranges.Ban // "" when each 統編 is its own head office
	Period   ranges.Period
	Strict   bool
	Columns  ranges.Columns
}

func generateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "compute blank ranges and write the portal's 匯入字軌 files (and E0402 XML)",
		ArgsUsage: "INVOICE_FILE... | --config blanktrack.toml",
		Description: "Reads the allocation download(s) and the exports of issued invoices (.xlsx or .csv),\n" +
			"computes every allocated number no invoice used (voided and nullified count as used),\n" +
			"and writes <統編>_<yyyMM>.csv for the portal's 匯入字軌 button into --out.",
		OnUsageError: onUsageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "a blanktrack.toml naming the head office and every branch's files, instead of --alloc and files"},
			&cli.StringSliceFlag{Name: "alloc", Usage: "allocation download from the portal (.csv or .xlsx); repeat for several (required)"},
			&cli.StringFlag{Name: "out", Usage: "folder to write the files into (required)"},
			&cli.BoolFlag{Name: "xml", Usage: "also write E0402 XML for Turnkey"},
			&cli.StringFlag{Name: "head", Usage: "head office 統一編號 for E0402 HeadBan (default: each 統編 itself)"},
			&cli.StringFlag{Name: "period", Usage: "period to report, as 114/09~114/10, 11410 or last (default: the allocations' period)"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1, writing nothing, when any invoice is outside the allocations or the period"},
		}, columnFlags()...),
		Action: func(c *cli.Context) error {
			opts, err := parseGenerateOptions(e, c)
			if err != nil {
				return err
			}
			if opts.Config != "" {
				return runConfig(e, opts)
			}
			return runGenerate(e, opts)
		},
	}
}

func parseGenerateOptions(e *env, c *cli.Context) (generateOptions, error) {
	o := generateOptions{
		Config:   c.String("config"),
		Allocs:   c.StringSlice("alloc"),
		Invoices: c.Args().Slice(),
		Out:      c.String("out"),
		XML:      c.Bool("xml"),
		Strict:   c.Bool("strict"),
		Columns:  columnsFrom(c),
	}
	if err := flagsBeforeFiles(o.Invoices); err != nil {
		return o, err
	}
	if o.Config != "" {
		if len(o.Allocs) > 0 || len(o.Invoices) > 0 {
			return o, usagef("--config names every file: give no --alloc and no invoice files with it")
		}
		if err := checkInputs([]string{o.Config}); err != nil {
			return o, err
		}
	}
	// Required flags are checked here, not by cli, so that their absence
	// is a usage error like any other.
	if len(o.Allocs) == 0 && o.Config == "" {
		return o, usagef("--alloc is required: the allocation download(s) from the portal")
	}
	if o.Out == "" && o.Config == "" {
		return o, usagef("--out is required: the folder to write the files into")
	}
	if h := c.String("head"); h != "" {
		b, err := ranges.ParseBan(h)
		if err != nil {
			return o, usagef("--head: %v", err)
		}
		o.Head = b
	}
	var err error
	if o.Period, err = periodFlag(e, c.String("period")); err != nil {
		return o, err
	}
	if err := checkInputs(o.Allocs, o.Invoices); err != nil {
		return o, err
	}
	return o, nil
}

// generation is everything one generate run found and made.
type generation struct {
	*ranges.Computation
	Files      []importfile.File
	NoBlank    []ranges.Ban // 統編 with no blank number: no file
	NoInvoices bool
}

func runGenerate(e *env, o generateOptions) error {
	g, err := generate(e, o)
	if err != nil {
		return inputError(e, err)
	}
	warnPeriod(e, g.Result.Period)
	warnings := printWarnings(e, o, g)
	if o.Strict && warnings > 0 {
		fmt.Fprintf(e.stderr, "blanktrack: --strict: %d warning(s); no file written\n", warnings)
		return reportedError{exitData}
	}
	if err := importfile.WriteFiles(o.Out, g.Files); err != nil {
		return fmt.Errorf("writing %s: %w", o.Out, err)
	}
	printReport(e.stdout, o, g)
	return nil
}

// inputError prints input errors one a line and turns the rest into the
// error exitCode expects.
func inputError(e *env, err error) error {
	var list *ranges.ErrorList
	if asErrorList(err, &list) {
		printErrors(e, list)
		return reportedError{exitData}
	}
	if errors.Is(err, ranges.ErrSeveralPeriods) {
		return usageError{err}
	}
	return err
}

// generate reads, computes and renders, in memory; it writes nothing.
func generate(e *env, o generateOptions) (*generation, error) {
	job := ranges.Job{
		Allocs:   o.Allocs,
		Invoices: o.Invoices,
		Period:   o.Period,
		Columns:  o.Columns,
		Progress: func(name string) func(done, total int64) { return progressFor(e, name) },
	}
	out, err := job.Run()
	if err != nil {
		return nil, err
	}
	g := &generation{Computation: out, NoInvoices: len(o.Invoices) == 0}
	g.Files, g.NoBlank, err = render(o, out.Result)
	return g, err
}

// render makes the output files of a result: a bulk file per 統編 and, with
// --xml, the E0402 messages.
func render(o generateOptions, res *ranges.Result) ([]importfile.File, []ranges.Ban, error) {
	var files []importfile.File
	var noBlank []ranges.Ban
	for _, b := range res.Bans() {
		rs := res.RangesOf(b)
		if len(rs) == 0 {
			noBlank = append(noBlank, b)
			continue
		}
		data, err := importfile.AppendBulk(nil, rs)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, importfile.File{Name: importfile.BulkFileName(b, res.Period), Data: data})
		if o.XML {
			for _, m := range importfile.E0402Messages(o.Head, rs) {
				data, err := importfile.MarshalE0402(m.Message)
				if err != nil {
					return nil, nil, err
				}
				files = append(files, importfile.File{Name: m.Name, Data: data})
			}
		}
	}
	slices.SortFunc(files, func(a, b importfile.File) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return files, noBlank, nil
}

// progressFor returns a progress reporter for a large file when stderr is a
// terminal, else nil.
func progressFor(e *env, name string) func(done, total int64) {
	f, ok := e.stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Size() < progressMinBytes {
		return nil
	}
	return newProgressBar(f, filepath.Base(name)).update
}
