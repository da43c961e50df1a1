package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// branchRun is one branch of a config run.
type branchRun struct {
	cfg      branchConfig
	allocs   []string // the allocation files
	invoices []string
	// allocations are read once, for the checks across branches and the job
	allocations []ranges.Allocation
	gen         *generation
	failed      error // why the branch produced nothing
	warnings    []string
	written     []string
}

// runConfig runs generate for every branch of a config: each branch's files
// are written when its inputs are good, whatever the other branches' are;
// the exit code is 1 if any branch failed.
func runConfig(e *env, o generateOptions) error {
	c, period, err := openConfig(e, o.Config, o.Period)
	if err != nil {
		return err
	}
	out := c.outDir(o.Out)
	if out == "" {
		return usagef("--out is required: the folder to write the files into (or out in %s)", c.path)
	}
	o.XML = o.XML || c.XML
	if o.Head == "" {
		o.Head = c.Head.Ban
	}

	runs := make([]*branchRun, len(c.Branches))
	for i, b := range c.Branches {
		r := &branchRun{cfg: b}
		runs[i] = r
		if r.allocs, r.failed = c.files(b.Alloc); r.failed == nil {
			r.invoices, r.failed = c.files(b.Invoices)
		}
		if r.failed == nil {
			r.allocations, r.failed = ranges.ReadAllocationFiles(r.allocs)
		}
	}
	period, err = configPeriod(runs, period)
	if err != nil {
		return err
	}
	checkAcrossBranches(runs, period)

	for _, r := range runs {
		if r.failed != nil {
			continue
		}
		bo := o
		bo.Allocs, bo.Invoices, bo.Period, bo.Out = r.allocs, r.invoices, period, out
		bo.Columns = r.cfg.Columns.columns()
		job := ranges.Job{Allocs: r.allocs, Allocations: r.allocations, Invoices: r.invoices, Period: period, Columns: bo.Columns,
			Progress: func(name string) func(done, total int64) { return progressFor(e, name) }}
		comp, err := job.Run()
		if err != nil {
			r.failed = err
			continue
		}
		g := &generation{Computation: comp, NoInvoices: len(r.invoices) == 0}
		if g.Files, g.NoBlank, err = render(bo, comp.Result); err != nil {
			r.failed = err
			continue
		}
		r.gen = g
		r.warnings = branchWarnings(g)
		if o.Strict && len(r.warnings) > 0 {
			r.failed = fmt.Errorf("--strict: %s", r.warnings[0])
			continue
		}
		if err := importfile.WriteFiles(out, g.Files); err != nil {
			r.failed = fmt.Errorf("writing %s: %w", out, err)
			continue
		}
		for _, f := range g.Files {
			r.written = append(r.written, filepath.Join(out, f.Name))
		}
	}
	warnPeriod(e, period)
	return branchReport(e, runs, period)
}

// configPeriod is the run's period: given, or the one period of every
// branch's allocations.
func configPeriod(runs []*branchRun, p ranges.Period) (ranges.Period, error) {
	if !p.IsZero() {
		return p, nil
	}
	var all []ranges.Allocation
	for _, r := range runs {
		if r.failed == nil {
			all = append(all, r.allocations...)
		}
	}
	ps := ranges.Periods(all)
	switch len(ps) {
	case 0:
		return p, errors.New("no branch has a readable allocation")
	case 1:
		return ps[0], nil
	}
	return p, usagef("the branches' allocations span several periods (%s): choose one with --period or period in the config", ranges.PeriodList(ps))
}

// checkAcrossBranches fails a branch whose allocation files hold another
// 統一編號, and both branches of allocations that overlap.
func checkAcrossBranches(runs []*branchRun, p ranges.Period) {
	var all []ranges.Allocation
	owner := map[ranges.Pos]*branchRun{}
	for _, r := range runs {
		if r.failed != nil {
			continue
		}
		as := r.allocations
		for _, a := range as {
			if a.Ban != r.cfg.Ban.Ban {
				r.failed = fmt.Errorf("%s: allocation of %s in the files of branch %s (%s)", a.Pos, a.Ban, r.cfg.name(), r.cfg.Ban)
				break
			}
		}
		if r.failed != nil {
			continue
		}
		for _, a := range as {
			if a.Period == p {
				all = append(all, a)
				owner[a.Pos] = r
			}
		}
	}
	err := ranges.CheckOverlaps(all)
	var list *ranges.ErrorList
	if !errors.As(err, &list) {
		return
	}
	for _, e := range list.Errs {
		var oe *ranges.OverlapError
		if !errors.As(e, &oe) {
			continue
		}
		for _, r := range []*branchRun{owner[oe.A.Pos], owner[oe.B.Pos]} {
			if r != nil && r.failed == nil {
				r.failed = oe
			}
		}
	}
}

// branchWarnings are the warnings of one branch, one line each; they fail
// the branch under --strict.
func branchWarnings(g *generation) []string {
	var w []string
	if g.NoInvoices {
		w = append(w, "no invoice file: every allocated number would be reported blank")
	}
	if n := g.Usage.Unallocated.Count; n > 0 {
		w = append(w, fmt.Sprintf("%d invoice(s) in no allocation, first %s", n, firstInvoice(g.Usage.Unallocated)))
	}
	if n := g.Usage.OutsidePeriod.Count; n > 0 {
		w = append(w, fmt.Sprintf("%d invoice(s) dated outside %s, first %s", n, g.Result.Period, firstInvoice(g.Usage.OutsidePeriod)))
	}
	for _, st := range g.Stats {
		if n := st.NotReissued.Count; n > 0 {
			w = append(w, fmt.Sprintf("%d nullified invoice(s) never reissued in %s, first %s", n, st.File, firstInvoice(st.NotReissued)))
		}
	}
	return w
}

func firstInvoice(l ranges.Listing) string {
	inv := l.First[0]
	return fmt.Sprintf("%s at %s", inv.Number, inv.Pos)
}

// branchReport prints one row per branch and a total, then each branch's
// failure or warnings.
func branchReport(e *env, runs []*branchRun, p ranges.Period) error {
	w := e.stdout
	fmt.Fprintf(w, "Period %s (%s)\n\n", p, p.Code())
	t := &textTable{
		header: []string{"BRANCH", "BAN", "ALLOCATED", "USED", "VOIDED", "BLANK", "RANGES", "FILES", "STATUS"},
		right:  []bool{false, false, true, true, true, true, true, true, false},
	}
	var tot ranges.Summary
	files, failed := 0, 0
	for _, r := range runs {
		if r.failed != nil {
			failed++
			t.add(r.cfg.name(), string(r.cfg.Ban.Ban), "", "", "", "", "", "", "FAILED")
			continue
		}
		var s ranges.Summary
		for _, x := range r.gen.Result.Summaries {
			s.Add(x)
		}
		status := "ok"
		if len(r.warnings) > 0 {
			status = plural(len(r.warnings), "warning")
		}
		t.add(r.cfg.name(), string(r.cfg.Ban.Ban), itoa(s.Allocated), itoa(s.Used), itoa(s.Voided), itoa(s.Blank), itoa(s.Ranges), itoa(len(r.written)), status)
		tot.Add(s)
		files += len(r.written)
	}
	t.add("TOTAL", "", itoa(tot.Allocated), itoa(tot.Used), itoa(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges), itoa(files), fmt.Sprintf("%d of %d ok", len(runs)-failed, len(runs)))
	t.write(w)
	fmt.Fprintln(w)
	for _, r := range runs {
		for _, f := range r.written {
			fmt.Fprintf(w, "wrote %s\n", f)
		}
	}
	for _, r := range runs {
		label := fmt.Sprintf("branch %s (%s)", r.cfg.name(), r.cfg.Ban)
		if r.failed != nil {
			fmt.Fprintf(e.stderr, "error: %s failed, nothing written for it:\n", label)
			for _, line := range strings.Split(r.failed.Error(), "\n") {
				fmt.Fprintf(e.stderr, "  %s\n", line)
			}
			continue
		}
		for _, warn := range r.warnings {
			fmt.Fprintf(e.stderr, "warning: %s: %s\n", label, warn)
		}
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "blanktrack: %d of %d branches failed\n", failed, len(runs))
		return reportedError{exitData}
	}
	return nil
}
