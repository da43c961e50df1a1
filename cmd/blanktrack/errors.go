package main

import (
	"context"
	"errors"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/job"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// runError turns a job's own error into the command's: several periods
// without --period is a usage error.
func runError(err error, config bool) error {
	if errors.Is(err, ranges.ErrSeveralPeriods) {
		if config {
			return usagef("%v with --period or period in the config", err)
		}
		return usagef("%v with --period", err)
	}
	return err
}

// inputError prints input errors one a line, with a hint naming the flag
// that fixes them, and turns the rest into the error exitCode expects.
func inputError(e *env, err error, config bool) error {
	if !config && errors.Is(err, sheet.ErrNoSheet) {
		// --sheet names a sheet the workbook lacks: a bad flag value.
		return usageError{err: err}
	}
	list := ranges.AsList(err)
	if list == nil {
		return err
	}
	for _, err := range list.Errs {
		e.p.Say(e.stderr, "error: %v\n", err)
	}
	if list.Truncated {
		e.p.Say(e.stderr, "error: stopped after %d errors\n", ranges.MaxErrors)
	}
	for _, h := range hints(err, config) {
		e.p.Say(e.stderr, "hint: %v\n", h)
	}
	if e.checking {
		e.p.Say(e.stderr, "blanktrack: %d input error(s); nothing checked\n", len(list.Errs))
	} else {
		e.p.Say(e.stderr, "blanktrack: %d input error(s); no file written\n", len(list.Errs))
	}
	return reportedError{exitData}
}

// hints names the flags (or config keys) that fix kinds of input errors
// the library reports without knowing how it was called.
func hints(err error, config bool) []msg.Message {
	var h []msg.Message
	flag := func(f, key string) msg.Message {
		if config {
			return msg.T("%s in [branch.columns]", key)
		}
		return msg.T("%s", f)
	}
	var named *sheet.NamedColumnsError
	var deep *sheet.DeepHeaderError
	switch {
	case errors.As(err, &deep):
		// The error says where the header row is and to delete the title
		// rows above it: naming a column cannot help.
	case errors.As(err, &named):
		where := msg.T("%s", "--col-…")
		if config {
			where = msg.T("%s", "[branch.columns]")
		}
		h = append(h, msg.T("a header named with %v must be written exactly as in the file: compare it with the header rows listed", where))
	case errors.Is(err, sheet.ErrNoHeader):
		h = append(h, msg.T("name the invoice-number column with %v, or the sheet with %v", flag("--col-number", "number"), flag("--sheet", "sheet")))
	}
	for _, r := range notReadReasons(err) {
		switch r {
		case sheet.NoHeaderRow:
			h = append(h, msg.T("name a header blanktrack does not know with %v; every invoice sheet read must then have it", flag("--col-number", "number")))
		case sheet.ItemSheet:
			h = append(h, msg.T("%v reads the sheet it names alone, a sheet of line items too", flag("--sheet", "sheet")))
		case sheet.LacksNamedColumn:
			where := msg.T("%s", "--col-…")
			if config {
				where = msg.T("%s", "[branch.columns]")
			}
			h = append(h, msg.T("a column named with %v must be in every invoice sheet of the workbook", where))
		case sheet.OtherSheetPicked:
			h = append(h, msg.T("without %v, every invoice sheet of a workbook is read", flag("--sheet", "sheet")))
		}
	}
	if errors.Is(err, ranges.ErrNoTrack) {
		h = append(h, msg.T("name the 字軌 column with %v", flag("--col-track", "track")))
	}
	var none *job.NoInvoicesError
	if errors.As(err, &none) {
		say := msg.T("--no-invoices %s", none.Ban)
		if config {
			say = msg.T("no_invoices = true in its [[branch]]")
		}
		h = append(h, msg.T("give %s's invoice export; if it issued no invoice in %s, say so with %v", none.Ban, none.Period, say))
	}
	var amb *sheet.AmbiguousColumnError
	if errors.As(err, &amb) && !amb.SameText() {
		example := msg.T("--col-%s %q", amb.Column, amb.Example())
		if config {
			example = msg.T("%s = %q", amb.Column, amb.Example())
		}
		h = append(h, msg.T("pick the %v with %v, as %v", amb.What, flag("--col-"+amb.Column, amb.Column), example))
	}
	return h
}

// notReadReasons lists, once each, why the sheets of err's errors were
// not read.
func notReadReasons(err error) []sheet.NotReadReason {
	list := ranges.AsList(err)
	if list == nil {
		return nil
	}
	var reasons []sheet.NotReadReason
	for _, e := range list.Errs {
		var nr *sheet.NotReadError
		if errors.As(e, &nr) && !slices.Contains(reasons, nr.Reason) {
			reasons = append(reasons, nr.Reason)
		}
	}
	return reasons
}

// branchHints prints, once each, the hints for the failures of a config
// run's branches.
func branchHints(e *env, res *job.Result) {
	seen := map[string]bool{}
	for _, br := range res.Branches {
		if br.Err == nil {
			continue
		}
		for _, h := range hints(br.Err, true) {
			if s := h.Localize(e.p); !seen[s] {
				seen[s] = true
				e.p.Say(e.stderr, "hint: %s\n", s)
			}
		}
	}
}

// writeError is a failure to write the output files: an output that is an
// input, or a file of --out that blanktrack did not write and the run would
// replace or remove, is a usage error.
func writeError(out string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var over *job.OverwriteError
	var foreign *job.ForeignFileError
	if errors.As(err, &over) || errors.As(err, &foreign) {
		return usagef("%v; nothing written", err)
	}
	return msg.Errorf("writing %s: %w", out, err)
}

// openConfig loads the config --config names, printing its errors (exit
// 2).
func openConfig(e *env, name string) (*job.Config, error) {
	c, err := job.LoadConfig(name)
	if err == nil {
		return c, nil
	}
	list := ranges.AsList(err)
	if list == nil {
		return nil, usagef("%v", err)
	}
	for _, err := range list.Errs {
		e.p.Say(e.stderr, "error: %v\n", err)
	}
	return nil, reportedError{exitUsage}
}
