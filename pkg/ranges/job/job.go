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
	// Today is the calendar date the reports say the period's timing on
	// (still running, or past its deadline); zero: they say nothing of it.
	Today time.Time
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
	// RemovedTemps are the temporary files of a killed earlier run that
	// Write removed.
	RemovedTemps []string

	tool  string       // Spec.Tool
	p     *msg.Printer // Spec.Printer
	today time.Time    // Spec.Today
	// written says Write wrote the run's files and reports.
	written bool
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

	// NoBulk lists the tracks too large for a bulk file (with XML): their
	// 統編 get E0402 files only.
	NoBulk []*importfile.TrackTooLargeError
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
	res := &Result{Config: spec.Config, tool: cmp.Or(spec.Tool, Version()), p: spec.Printer, today: spec.Today}
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
	if err := res.readInvoices(ctx, spec, p); err != nil {
		return nil, err
	}
	for _, br := range res.ok() {
		if err := br.finish(ctx, spec, p); err != nil {
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

// readInvoices reads every branch's invoice exports. The exports of a
// branch may hold other branches' invoices (a head office's ERP export
// holds its branches' too): each invoice is tallied for the branch whose
// allocation holds its number, so that no branch reports a number blank
// that another branch's export shows used. A branch fails when one of its
// exports fails, and so does every branch that export gave invoices to:
// without the rest of that export their tallies are not complete. An
// export whose reading stopped before its end (too many errors, a fatal
// one) may have held invoices of any branch in its rest: every branch
// fails with it. The returned error is ctx's.
func (r *Result) readInvoices(ctx context.Context, spec Spec, p ranges.Period) error {
	rt := &router{bans: map[ranges.Ban]bool{}}
	for _, br := range r.ok() {
		u, err := ranges.NewUsage(p, br.Allocs)
		if err != nil {
			br.Err = err
			continue
		}
		br.Usage = u
		rt.branches = append(rt.branches, br)
		for _, a := range br.Allocs {
			rt.bans[a.Ban] = true
		}
	}
	failed := map[*BranchResult]error{}
	var stop *stoppedExport // the first export not read to its end
	for _, br := range r.ok() {
		sink := &branchSink{rt: rt, br: br, got: map[*BranchResult]bool{}}
		stopped, err := br.readExports(ctx, spec, p, sink)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err == nil {
			continue
		}
		failed[br] = err
		if stopped != nil && stop == nil {
			stop = stopped
		}
		for other := range sink.got {
			if other != br && failed[other] == nil {
				failed[other] = msg.Errorf("an export of branch %s (%s) that also holds this branch's invoices failed, so its invoices are not all read: %v", br.Label(), br.Ban, firstLine(err))
			}
		}
		if stopped == nil { // else every branch fails with it, below
			rt.failBadRows(br, err, failed)
		}
	}
	for _, br := range r.ok() {
		if err := notRead(br.Usage.NotRead()); err != nil && failed[br] == nil {
			failed[br] = err
		}
	}
	if stop != nil {
		for _, other := range rt.branches {
			if failed[other] == nil {
				failed[other] = stop.failure()
			}
		}
	}
	for br, err := range failed {
		br.Err = err
	}
	return nil
}

// notRead fails a branch whose numbers were found in sheets that were not
// read and in no export that was: they would be reported blank. An error
// a sheet names the sheet's first such cell and why it was not read.
func notRead(nr ranges.NotRead) error {
	if nr.Count == 0 {
		return nil
	}
	var errs ranges.ErrorList
	type sheetCells struct {
		first ranges.Unread
		n     int
	}
	var sheets []*sheetCells
	bySheet := map[error]*sheetCells{}
	for _, c := range nr.First {
		s := bySheet[c.Why]
		if s == nil {
			s = &sheetCells{first: c}
			bySheet[c.Why] = s
			sheets = append(sheets, s)
		}
		s.n++
	}
	// The numbers past the cells kept: when they are all of a sheet
	// already named, its count takes them; else a line names their
	// sheets.
	more := nr.Count - len(nr.First)
	if more > 0 && len(nr.More) == 1 {
		if s := bySheet[nr.More[0].Why]; s != nil {
			s.n += more
			more = 0
		}
	}
	for _, s := range sheets {
		c := s.first
		if col, ok := c.Why.(*sheet.NamedOnlyError); ok {
			err := msg.Errorf("%s is named in %v but no row lists it as an invoice, so it would be reported blank; add its row (as 作廢 if it was voided)", c.Number, col)
			if s.n > 1 {
				err = msg.Errorf("%s and %d more allocated numbers are named in %v but no row lists them as invoices, so they would be reported blank; add their rows (as 作廢 if they were voided)", c.Number, s.n-1, col)
			}
			if !errs.Add(&ranges.Error{Pos: c.Pos, Value: c.Number.String(), Err: err}) {
				return &errs
			}
			continue
		}
		var remedy msg.Message
		if why, ok := c.Why.(*sheet.NotReadError); ok {
			remedy = why.Remedy()
		}
		err := msg.Errorf("%w, so %s, an allocated number listed in no export that was read, would be reported blank; %v", c.Why, c.Number, remedy)
		if s.n > 1 {
			err = msg.Errorf("%w, so %s and %d more allocated numbers, listed in no export that was read, would be reported blank; %v", c.Why, c.Number, s.n-1, remedy)
		}
		if !errs.Add(&ranges.Error{Pos: c.Pos, Value: c.Number.String(), Err: err}) {
			return &errs
		}
	}
	if more > 0 {
		// Too many to keep each cell: counted, not located; their sheets
		// are named.
		var where msg.Semicolons
		for _, c := range nr.More {
			where = append(where, msg.T("%v", ranges.Pos{File: c.Pos.File, Sheet: c.Pos.Sheet}))
		}
		if len(where) == 0 {
			errs.Add(msg.Errorf("%d more allocated number(s), listed in no export that was read, are in sheets that were not read, and would be reported blank", more))
		} else {
			errs.Add(msg.Errorf("%d more allocated number(s), listed in no export that was read, are in sheets that were not read (%v), and would be reported blank", more, where))
		}
	}
	return &errs
}

// stoppedExport is an export whose reading stopped before its end: its
// rest, and the branch's exports after it, were not read.
type stoppedExport struct {
	br    *BranchResult
	name  string
	after bool        // the branch has exports after it, not read either
	why   msg.Message // why it stopped
}

// failure is the error of a branch that the export's rest may have held
// invoices of.
func (s *stoppedExport) failure() error {
	if s.after {
		return msg.Errorf("%s, an export of branch %s (%s), was not read to its end, nor were that branch's exports after it: their rest may hold this branch's invoices (%v)", s.name, s.br.Label(), s.br.Ban, s.why)
	}
	return msg.Errorf("%s, an export of branch %s (%s), was not read to its end: its rest may hold this branch's invoices (%v)", s.name, s.br.Label(), s.br.Ban, s.why)
}

// firstLine is an error's first line, for naming it inside another.
func firstLine(err error) msg.Message {
	if list := ranges.AsList(err); list != nil && len(list.Errs) > 0 {
		return msg.T("%v", list.Errs[0])
	}
	return msg.T("%v", err)
}

// readExports reads one branch's invoice exports into sink. stopped is
// set when the reading of an export stopped before its end: a fatal error,
// or too many errors.
func (br *BranchResult) readExports(ctx context.Context, spec Spec, p ranges.Period, sink *branchSink) (stopped *stoppedExport, err error) {
	var errs ranges.ErrorList
	for i, name := range br.Invoices {
		stop := func(why msg.Message) *stoppedExport {
			return &stoppedExport{br: br, name: ranges.VisibleName(name), after: i < len(br.Invoices)-1, why: why}
		}
		opts := sheet.Options{Columns: br.Columns}
		if spec.Progress != nil {
			opts.Progress = spec.Progress(name)
		}
		before := len(errs.Errs)
		sts, err := sheet.ReadInvoiceFile(ctx, name, opts, sink, &errs)
		if err != nil {
			return stop(firstLine(err)), err
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
			return stop(msg.T("stopped after %d errors", ranges.MaxErrors)), errs.Err()
		}
	}
	return nil, errs.Err()
}

// router finds the branch whose allocation holds an invoice's number.
type router struct {
	branches []*BranchResult // every branch with a tally
	bans     map[ranges.Ban]bool
}

// failBadRows fails, with the branch br whose exports gave err, every
// branch a bad row of them may be the invoice of: the one whose allocation
// holds the row's number; when only the row's 字軌 could be read, every
// branch allocated that 字軌; when not even that, every branch. Its number
// is then neither used nor blank: as one run over every file, which would
// stop.
func (rt *router) failBadRows(br *BranchResult, err error, failed map[*BranchResult]error) {
	list := ranges.AsList(err)
	if list == nil {
		return
	}
	for _, e := range list.Errs {
		var re *ranges.Error
		if !errors.As(e, &re) || re.Subject == nil {
			continue
		}
		s := re.Subject
		for _, other := range rt.branches {
			if other == br || failed[other] != nil || !other.mayHold(s) {
				continue
			}
			switch {
			case s.Whole:
				failed[other] = msg.Errorf("an export of branch %s (%s) has a row that could not be read whose invoice number %s lies in this branch's allocation, so this branch's invoices are not all read: %v", br.Label(), br.Ban, s.Number, re)
			case s.Number.Track != "":
				failed[other] = msg.Errorf("an export of branch %s (%s) has a row that could not be read whose 字軌 %s this branch is allocated, so it may be this branch's invoice: %v", br.Label(), br.Ban, s.Number.Track, re)
			default:
				failed[other] = msg.Errorf("an export of branch %s (%s) has a row that could not be read whose invoice number cannot be read either, so it may be this branch's invoice: %v", br.Label(), br.Ban, re)
			}
		}
	}
}

// mayHold reports whether the invoice a bad row names may be the branch's.
func (br *BranchResult) mayHold(s *ranges.Subject) bool {
	switch {
	case s.Whole:
		_, ok := br.Usage.Allocation(s.Number)
		return ok
	case s.Number.Track != "":
		return slices.ContainsFunc(br.Allocs, func(a ranges.Allocation) bool { return a.Track == s.Number.Track })
	}
	return true
}

// branchSink takes one branch's exports: an invoice goes to the branch
// whose allocation holds it, the reading branch first; one in no branch's
// allocation stays with the reading branch, which lists it.
type branchSink struct {
	rt   *router
	br   *BranchResult
	last *BranchResult // the owner of the last invoice: exports run in number order
	got  map[*BranchResult]bool
}

// OwnBan reports whether b is the 統一編號 of any branch's allocation: a
// head office's export lists its branches' invoices as its own sales.
func (s *branchSink) OwnBan(b ranges.Ban) bool { return s.rt.bans[b] }

func (s *branchSink) Add(inv ranges.Invoice) ranges.Outcome {
	owner := s.owner(inv.Number)
	s.got[owner] = true
	return owner.Usage.Add(inv)
}

// AddUnread gives a number of a sheet that was not read to the branch
// whose allocation holds it.
func (s *branchSink) AddUnread(c ranges.Unread) bool {
	owner := s.owner(c.Number)
	if !owner.Usage.AddUnread(c) {
		return false
	}
	s.got[owner] = true
	return true
}

func (s *branchSink) owner(n ranges.InvoiceNumber) *BranchResult {
	if _, ok := s.br.Usage.Allocation(n); ok {
		return s.br
	}
	if s.last != nil {
		if _, ok := s.last.Usage.Allocation(n); ok {
			return s.last
		}
	}
	for _, other := range s.rt.branches {
		if _, ok := other.Usage.Allocation(n); ok {
			s.last = other
			return other
		}
	}
	return s.br
}

// finish computes one branch's blank ranges from its tally, renders its
// files and applies the warning policy; a failure goes to br.Err. The
// returned error is ctx's.
func (br *BranchResult) finish(ctx context.Context, spec Spec, p ranges.Period) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var err error
	if br.Blank, err = br.Usage.Compute(); err != nil {
		br.Err = err
		return nil
	}
	if err := br.checkInvoiceCounts(p); err != nil {
		br.Err = err
		return nil
	}
	br.Files, br.NoBlank, br.NoBulk, err = importfile.Render(ctx, br.Blank, importfile.RenderOptions{XML: spec.XML, Head: spec.Head})
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
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

// Calendar is where today (Spec.Today) stands with the period, as
// CalendarNote says it; zero when the spec gave no date or the report is
// due.
func (r *Result) Calendar() (note msg.Message, warning bool) {
	if r.today.IsZero() || r.Period.IsZero() {
		return msg.Message{}, false
	}
	return CalendarNote(r.Period, r.today)
}
