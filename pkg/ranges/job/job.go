package job

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// Branch is one set of allocation downloads and the invoice exports that
// use their numbers: a business run from the command line, or one
// [[branch]] of a config.
type Branch struct {
	// Ban is the branch's 統一編號: every allocation of the branch must be
	// its own. Empty for a run from the command line, whose allocation
	// files may hold several 統編 (a head office and its branches).
	Ban      ranges.Ban
	Name     string
	Allocs   []string // allocation downloads
	Invoices []string // invoice exports
	Columns  sheet.Columns
	// NoInvoices lists the 統編 declared to have issued no invoice in the
	// period, whose every allocated number is blank. Any other 統編 with
	// allocations and no invoice counted fails the branch
	// (*NoInvoicesError): its export is probably missing.
	NoInvoices []ranges.Ban

	err error // resolving the branch's paths failed
}

// Label is how reports name the branch.
func (b Branch) Label() string {
	if b.Name != "" {
		return b.Name
	}
	return string(b.Ban)
}

// Spec is a job: one business from the command line, or many branches
// from a config.
type Spec struct {
	Branches []Branch
	// Period is the period to report; zero: the one period of every
	// branch's allocations.
	Period ranges.Period
	Head   ranges.Ban // E0402 HeadBan; empty: each 統編 is its own head office
	XML    bool       // also render E0402 messages
	// Strict fails a branch that has warnings: it writes nothing.
	Strict bool
	// Config says the branches come from a config file: they are reported
	// one by one, and one failing leaves the others' files.
	Config bool
	// Tool is the tool and its version, as the manifest records it; empty:
	// Version().
	Tool string
	// Printer is the language of the reports; nil: English.
	Printer *msg.Printer
	// Progress, if set, returns a progress reporter for an invoice file (or
	// nil for none).
	Progress func(name string) func(done, total int64)
}

// Result is what a job found and rendered.
type Result struct {
	Period   ranges.Period
	Config   bool
	Branches []*BranchResult
	// Inputs are the files the run read, with their size and SHA-256,
	// sorted by path.
	Inputs []*Input
	// Removed lists the files of an earlier run that Write removed from
	// the output folder: files of the run's 統編 and period it no longer
	// writes.
	Removed []string

	tool string       // Spec.Tool
	p    *msg.Printer // Spec.Printer
}

// BranchResult is what one branch found and rendered. When Err is set the
// branch produced nothing.
type BranchResult struct {
	Branch
	Allocs   []ranges.Allocation // the allocations of the period
	Skipped  []ranges.Allocation // allocations of other periods, left out
	Usage    *ranges.Usage
	Stats    []sheet.FileStats // one per invoice file or sheet read, in order
	Blank    *ranges.Result
	Files    []importfile.File // the rendered output files, sorted by name
	NoBlank  []ranges.Ban      // 統編 whose numbers were all used: no file
	Warnings []Warning
	Err      error
}

// Run reads every branch's allocations, settles the period, checks the
// allocations within and across branches, reads the invoice exports and
// computes and renders the blank ranges. It writes nothing (see Write).
//
// A branch whose inputs fail has Err set; input errors are an
// *ranges.ErrorList of located errors. The returned error is for the run as
// a whole: a period that cannot be settled (ranges.ErrSeveralPeriods), or
// ctx's error.
func Run(ctx context.Context, spec Spec) (*Result, error) {
	res := &Result{Config: spec.Config, tool: cmp.Or(spec.Tool, Version()), p: spec.Printer}
	for _, b := range spec.Branches {
		res.Branches = append(res.Branches, &BranchResult{Branch: b, Err: b.err})
	}
	if err := res.hashInputs(ctx); err != nil {
		return nil, err
	}
	for _, br := range res.ok() {
		br.Allocs, br.Err = sheet.ReadAllocationFiles(ctx, br.Branch.Allocs)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	var all []ranges.Allocation
	for _, br := range res.ok() {
		all = append(all, br.Allocs...)
	}
	if len(all) == 0 {
		return res, nil // every branch failed: their errors say why
	}
	p, err := ranges.SettlePeriod(spec.Period, all)
	if err != nil {
		return nil, err
	}
	res.Period = p
	for _, br := range res.ok() {
		br.Allocs, br.Skipped = splitPeriod(br.Allocs, p)
		if len(br.Allocs) == 0 {
			br.Err = msg.Errorf("no allocation of period %s in %s (they are of %s)", p, strings.Join(br.Branch.Allocs, ", "), ranges.PeriodList(ranges.Periods(br.Skipped)))
		}
	}
	res.checkAllocations()
	for _, br := range res.ok() {
		if err := br.run(ctx, spec, p); err != nil {
			return nil, err
		}
	}
	res.checkInputsUnchanged()
	return res, nil
}

// ok lists the branches that have not failed.
func (r *Result) ok() []*BranchResult {
	var out []*BranchResult
	for _, br := range r.Branches {
		if br.Err == nil {
			out = append(out, br)
		}
	}
	return out
}

func splitPeriod(allocs []ranges.Allocation, p ranges.Period) (in, other []ranges.Allocation) {
	for _, a := range allocs {
		if a.Period == p {
			in = append(in, a)
		} else {
			other = append(other, a)
		}
	}
	return in, other
}

// checkAllocations fails a branch whose allocation files hold another
// 統一編號, a branch whose allocations overlap, and both branches of
// allocations that overlap across branches.
func (r *Result) checkAllocations() {
	for _, br := range r.ok() {
		if br.Ban != "" {
			for _, a := range br.Allocs {
				if a.Ban != br.Ban {
					br.Err = ranges.Errorf(a.Pos, "allocation of %s in the files of branch %s (%s)", a.Ban, br.Label(), br.Ban)
					break
				}
			}
		}
	}
	for _, br := range r.ok() {
		br.Err = ranges.CheckOverlaps(br.Allocs)
	}
	var all []ranges.Allocation
	owner := map[ranges.Pos]*BranchResult{}
	for _, br := range r.ok() {
		for _, a := range br.Allocs {
			all = append(all, a)
			owner[a.Pos] = br
		}
	}
	list := ranges.AsList(ranges.CheckOverlaps(all))
	if list == nil {
		return
	}
	for _, e := range list.Errs {
		var oe *ranges.OverlapError
		if !errors.As(e, &oe) {
			continue
		}
		for _, br := range []*BranchResult{owner[oe.A.Pos], owner[oe.B.Pos]} {
			if br != nil && br.Err == nil {
				br.Err = oe
			}
		}
	}
}

// run reads one branch's invoices, computes its blank ranges, renders its
// files and applies the warning policy. The returned error is ctx's;
// the branch's own failure goes to br.Err.
func (br *BranchResult) run(ctx context.Context, spec Spec, p ranges.Period) error {
	u, err := ranges.NewUsage(p, br.Allocs)
	if err != nil {
		br.Err = err
		return nil
	}
	br.Usage = u
	var errs ranges.ErrorList
	for _, name := range br.Invoices {
		opts := sheet.Options{Columns: br.Columns}
		if spec.Progress != nil {
			opts.Progress = spec.Progress(name)
		}
		before := len(errs.Errs)
		sts, err := sheet.ReadInvoiceFile(ctx, name, opts, u, &errs)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			br.Err = err
			return nil
		}
		// A file that counts nothing (and whose cells were not the
		// trouble) would report every number blank without a word.
		counted, clean := 0, len(errs.Errs) == before
		for _, st := range sts {
			counted += st.Invoices
		}
		for _, st := range sts {
			if counted == 0 && clean {
				errs.Add(emptyExport(st, p))
			}
			br.Stats = append(br.Stats, st)
		}
		if errs.Full() {
			break
		}
	}
	if err := errs.Err(); err != nil {
		br.Err = err
		return nil
	}
	if br.Blank, err = u.Compute(); err != nil {
		br.Err = err
		return nil
	}
	if err := br.checkInvoiceCounts(p); err != nil {
		br.Err = err
		return nil
	}
	if br.Files, br.NoBlank, err = importfile.Render(br.Blank, importfile.RenderOptions{XML: spec.XML, Head: spec.Head}); err != nil {
		br.Err = err
		return nil
	}
	br.Warnings = br.warnings()
	if spec.Strict && len(br.Warnings) > 0 {
		br.Err = &StrictError{Warnings: br.Warnings}
	}
	return nil
}

// Failed counts the branches that failed.
func (r *Result) Failed() int { return len(r.Branches) - len(r.ok()) }

// Files lists every file the job renders, from the branches that did not
// fail, sorted by name.
func (r *Result) Files() []importfile.File {
	var files []importfile.File
	for _, br := range r.ok() {
		files = append(files, br.Files...)
	}
	slices.SortFunc(files, func(a, b importfile.File) int { return strings.Compare(a.Name, b.Name) })
	return files
}

// Expected is what the job computed, for check to compare files with: the
// allocations of the period and the blank ranges of every branch that did
// not fail.
func (r *Result) Expected() ([]ranges.Allocation, *ranges.Result) {
	allocs := []ranges.Allocation{}
	want := &ranges.Result{Period: r.Period}
	for _, br := range r.ok() {
		allocs = append(allocs, br.Allocs...)
		want.Ranges = append(want.Ranges, br.Blank.Ranges...)
		want.Summaries = append(want.Summaries, br.Blank.Summaries...)
	}
	return allocs, want
}

// CalendarNote says, on the calendar date today, whether the period is
// still running (a warning: numbers reported blank can still be used) or its
// deadline has passed (a note: the report may have been filed already);
// "" when the report is due. Strict ignores both: they are about the
// calendar, not the data.
func CalendarNote(p ranges.Period, today time.Time) (note msg.Message, warning bool) {
	switch p.TimingOn(today) {
	case ranges.Running:
		return msg.T("%s is still running until %s: numbers reported blank can still be used; report after it ends",
			p, p.End(time.UTC).AddDate(0, 0, -1).Format("2006-01-02")), true
	case ranges.Late:
		return msg.T("%s was due by %s (today is %s): if it is not filed yet, file it now",
			p, p.Deadline().Format("2006-01-02"), today.Format("2006-01-02")), false
	}
	return msg.Message{}, false
}
