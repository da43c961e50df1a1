package main

import (
	"errors"
	"os"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/job"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
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
	Columns  sheet.Columns
	// NoInvoices are the 統編 declared to have issued no invoice in the
	// period.
	NoInvoices []ranges.Ban
}

func generateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     e.p.Text("compute blank ranges and write the portal's 匯入字軌 files (and E0402 XML)"),
		ArgsUsage: "INVOICE_FILE... | --config blanktrack.toml",
		Description: e.p.Text("Reads the allocation download(s) and the exports of issued invoices (.xlsx or .csv),\n" +
			"computes every allocated number no invoice used (voided and nullified count as used),\n" +
			"and writes <統編>_<yyyMM>.csv for the portal's 匯入字軌 button into --out."),
		OnUsageError: onUsageError,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "config", TakesFile: true, Usage: e.p.Text("a blanktrack.toml naming the head office and every branch's files, instead of --alloc and files")},
			&cli.StringSliceFlag{Name: "alloc", TakesFile: true, Usage: e.p.Text("allocation download from the portal (.csv or .xlsx); repeat for several (required)")},
			&cli.StringFlag{Name: "out", TakesFile: true, Usage: e.p.Text("folder to write the files into (required)")},
			&cli.BoolFlag{Name: "xml", Usage: e.p.Text("also write E0402 XML for Turnkey")},
			&cli.StringFlag{Name: "head", Usage: e.p.Text("head office 統一編號 for E0402 HeadBan (default: each 統編 itself)")},
			&cli.StringFlag{Name: "period", Usage: e.p.Text("period to report, as 114/09~114/10, 11410 or last (default: the allocations' period)")},
			&cli.BoolFlag{Name: "strict", Usage: e.p.Text("exit 1, writing nothing, when any invoice is outside the allocations or the period")},
			noInvoicesFlag(e),
		}, columnFlags(e)...),
		Action: func(c *cli.Context) error {
			opts, err := parseGenerateOptions(e, c)
			if err != nil {
				return err
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
	if err := checkToday(e); err != nil {
		return o, err
	}
	if o.Config != "" {
		if err := configReplaces(c, o.Config, o.Invoices); err != nil {
			return o, err
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
	if o.NoInvoices, err = noInvoicesFrom(c); err != nil {
		return o, err
	}
	if err := checkInputs(o.Allocs, o.Invoices); err != nil {
		return o, err
	}
	return o, nil
}

// spec is the job the options describe, and the folder it writes into.
func (o generateOptions) spec(e *env) (job.Spec, string, error) {
	if o.Config == "" {
		return job.Spec{
			Branches: []job.Branch{{Allocs: o.Allocs, Invoices: o.Invoices, Columns: o.Columns, NoInvoices: o.NoInvoices}},
			Period:   o.Period, Head: o.Head, XML: o.XML, Strict: o.Strict, Printer: e.p,
		}, o.Out, nil
	}
	c, err := openConfig(e, o.Config)
	if err != nil {
		return job.Spec{}, "", err
	}
	d, err := today(e)
	if err != nil {
		return job.Spec{}, "", err
	}
	spec := c.Spec(d)
	if !o.Period.IsZero() {
		spec.Period = o.Period
	}
	if o.Head != "" {
		spec.Head = o.Head
	}
	spec.XML = spec.XML || o.XML
	spec.Strict = o.Strict
	spec.Printer = e.p
	for _, b := range o.NoInvoices {
		i := slices.IndexFunc(spec.Branches, func(br job.Branch) bool { return br.Ban == b })
		if i < 0 {
			return job.Spec{}, "", usagef("--no-invoices %s: no [[branch]] of %s has that 統一編號", b, o.Config)
		}
		spec.Branches[i].NoInvoices = append(spec.Branches[i].NoInvoices, b)
	}
	out := o.Out
	if out == "" {
		out = c.OutDir()
	}
	return spec, out, nil
}

func runGenerate(e *env, o generateOptions) error {
	spec, out, err := o.spec(e)
	if err != nil {
		return err
	}
	if out == "" {
		return usagef("--out is required: the folder to write the files into (or out in %s)", o.Config)
	}
	// A folder that cannot be written is found before any input is read.
	if err := job.CheckOut(out); err != nil {
		return usagef("--out: %v", err)
	}
	spec.Progress = func(name string) func(done, total int64) { return progressFor(e, name) }
	spec.Tool = readBuildInfo().String()
	if spec.Today, err = today(e); err != nil {
		return err
	}
	res, err := job.Run(e.ctx, spec)
	if err != nil {
		return runError(err, spec.Config)
	}
	if !spec.Config {
		var strict *job.StrictError
		if err := res.Branches[0].Err; err != nil && !errors.As(err, &strict) {
			return inputError(e, err, spec.Config)
		}
	}
	if res.Period.IsZero() {
		// Every branch failed before the period was known.
		_ = res.WriteWarnings(e.stderr)
		return msg.New("every branch failed before its allocations were read; nothing written")
	}
	note, err := noteFor(e, res.Period)
	if err != nil {
		return err
	}
	note.before(e)
	_ = res.WriteWarnings(e.stderr)
	defer note.after(e)
	if spec.Config {
		branchHints(e, res)
	}
	if !spec.Config && res.Failed() > 0 {
		e.p.Say(e.stderr, "blanktrack: --strict: %d warning(s); no file written\n", len(strictWarnings(res)))
		return reportedError{exitData}
	}
	// A run in which every branch failed creates no folder; in a folder of
	// an earlier run it still removes that run's files of its 統編 (they
	// would be taken for this run's) and records the failure.
	if res.Failed() < len(res.Branches) || folderExists(out) {
		if err := res.Write(e.ctx, out); err != nil {
			return writeError(out, err)
		}
	}
	_ = res.WriteReport(e.stdout, out)
	if e.ctx.Err() != nil {
		// The interrupt came after the files were complete and in place.
		e.p.Say(e.stderr, "note: interrupted after the files were written: they are complete\n")
	}
	if n := res.Failed(); n > 0 {
		e.p.Say(e.stderr, "blanktrack: %d of %d branches failed\n", n, len(res.Branches))
		return reportedError{exitData}
	}
	return nil
}

func strictWarnings(res *job.Result) []job.Warning {
	var strict *job.StrictError
	if errors.As(res.Branches[0].Err, &strict) {
		return strict.Warnings
	}
	return nil
}

func folderExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}
