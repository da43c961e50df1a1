package ranges

import (
	"errors"
	"fmt"
	"strings"
)

// Job is one blank computation from files: allocation downloads and
// invoice exports, as blanktrack generate and check run it.
type Job struct {
	Allocs []string // allocation downloads
	// Allocations, if not nil, are Allocs already read (ReadAllocationFiles):
	// they are used as they are, and Allocs only names them in messages.
	Allocations []Allocation
	Invoices    []string // invoice exports
	Period      Period   // the period to report; zero: the allocations' only period
	Columns     Columns  // column and sheet overrides for the invoice exports
	// Progress, if set, returns a progress reporter for an invoice file (or
	// nil for none).
	Progress func(name string) func(done, total int64)
	// Check, if set, is called with the allocations of the period before any
	// invoice is read; an error stops the job.
	Check func([]Allocation) error
}

// Computation is what a Job found and computed.
type Computation struct {
	Result  *Result
	Usage   *Usage
	Stats   []FileStats  // one per invoice file, in order
	Allocs  []Allocation // the allocations of the period
	Skipped []Allocation // allocations of other periods, left out
}

// ReadAllocationFiles reads allocation downloads. Bad rows are returned as
// an *ErrorList of at most MaxErrors, read across the files.
func ReadAllocationFiles(names []string) ([]Allocation, error) {
	var errs ErrorList
	var allocs []Allocation
	for _, name := range names {
		as, err := ReadAllocations(name, &errs)
		if err != nil {
			return nil, err
		}
		allocs = append(allocs, as...)
		if errs.Full() {
			break
		}
	}
	return allocs, errs.Err()
}

// ErrSeveralPeriods means the allocations span several periods and the job
// named none.
var ErrSeveralPeriods = errors.New("the allocations span several periods")

// Run reads the allocations, checks them (booklets, overlaps), reads every
// invoice export and computes the blank ranges. Input errors are returned as
// an *ErrorList (at most MaxErrors); nothing is written.
func (j Job) Run() (*Computation, error) {
	allocs := j.Allocations
	if allocs == nil {
		var err error
		if allocs, err = ReadAllocationFiles(j.Allocs); err != nil {
			return nil, err
		}
	}
	if err := CheckOverlaps(allocs); err != nil {
		return nil, err
	}
	out := &Computation{}
	period := j.Period
	if period.IsZero() {
		ps := Periods(allocs)
		if len(ps) > 1 {
			return nil, fmt.Errorf("%w (%s): choose one with --period", ErrSeveralPeriods, PeriodList(ps))
		}
		period = ps[0]
	}
	for _, a := range allocs {
		if a.Period == period {
			out.Allocs = append(out.Allocs, a)
		} else {
			out.Skipped = append(out.Skipped, a)
		}
	}
	if len(out.Allocs) == 0 {
		return nil, fmt.Errorf("no allocation of period %s in %s (they are of %s)", period, strings.Join(j.Allocs, ", "), PeriodList(Periods(allocs)))
	}
	if j.Check != nil {
		if err := j.Check(out.Allocs); err != nil {
			return nil, err
		}
	}
	u, err := NewUsage(period, out.Allocs)
	if err != nil {
		return nil, err
	}
	out.Usage = u
	var errs ErrorList
	for _, name := range j.Invoices {
		opts := ReadOptions{Columns: j.Columns}
		if j.Progress != nil {
			opts.Progress = j.Progress(name)
		}
		st, err := ReadInvoices(name, opts, u, &errs)
		if err != nil {
			return nil, err
		}
		out.Stats = append(out.Stats, st)
		if errs.Full() {
			break
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if out.Result, err = u.Compute(); err != nil {
		return nil, err
	}
	return out, nil
}

// PeriodList prints periods as a comma-separated list.
func PeriodList(ps []Period) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
