package ranges

import (
	"cmp"
	"slices"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Outcome is what Usage.Add did with an invoice.
type Outcome uint8

// Outcomes of Usage.Add.
const (
	Counted       Outcome = iota // the number is used in the period
	OutsidePeriod                // dated outside the period: not counted
	Unallocated                  // in no loaded allocation: not counted
)

// tally is what was seen of one allocation's numbers, a bit a number.
type tally struct {
	Allocation
	used      bitset // every number an invoice used, whatever its status
	voided    bitset // of used, the numbers an export marked voided (作廢)
	nullified bitset // numbers a row marked nullified (註銷)
	reissued  bitset // of nullified, the numbers another row used too
	outside   bitset // numbers of invoices dated outside the period: listed, not used
	unread    bitset // numbers found in sheets that were not read (AddUnread)
}

// Usage tallies the numbers used in one period. Its memory is bounded by the
// allocations (a bit a number, in chunks allocated where invoices fall),
// never by the number of invoices added.
type Usage struct {
	period     Period
	start, end time.Time          // the period's first day and the day after it, UTC
	byTrack    map[Track][]*tally // each sorted by Start
	bans       map[Ban]struct{}
	last       *tally // the tally the last invoice fell in: exports run in number order

	// Invoices that do not change the blank ranges.
	Unallocated   Listing // number in no loaded allocation
	OutsidePeriod Listing // dated outside the period

	// nullifiedSeen keeps the first nullified invoices, with where they
	// were read, to list those never reissued.
	nullifiedSeen []Invoice

	// unreadSeen keeps the first numbers found in sheets not read that
	// were not used when found, with where; unreadFull: no more are kept.
	// unreadMore keeps the first cell of each sheet (a Why) whose numbers
	// were found after, to name the sheets.
	unreadSeen []Unread
	unreadFull bool
	unreadMore []Unread
}

// nullifiedKeep is how many nullified invoices a Usage keeps to list;
// unreadKeep, how many numbers of sheets not read.
const (
	nullifiedKeep  = 4096
	unreadKeep     = 4096
	unreadMoreKeep = 8
)

// NewUsage starts collecting the used numbers of allocs, which must all be of
// period p, valid and not overlapping (see Allocation.Validate and
// CheckOverlaps).
func NewUsage(p Period, allocs []Allocation) (*Usage, error) {
	u := &Usage{
		period:  p,
		start:   p.Start(time.UTC),
		end:     p.End(time.UTC),
		byTrack: make(map[Track][]*tally),
		bans:    make(map[Ban]struct{}),
	}
	for _, a := range allocs {
		if a.Period != p {
			return nil, msg.Errorf("allocation %s (%s) is not of period %s", a, a.Pos, p)
		}
		if err := a.Validate(); err != nil {
			return nil, msg.Errorf("allocation %s (%s): %w", a, a.Pos, err)
		}
		n := a.Size()
		u.byTrack[a.Track] = append(u.byTrack[a.Track], &tally{
			Allocation: a,
			used:       newBitset(n), voided: newBitset(n), nullified: newBitset(n), reissued: newBitset(n),
			outside: newBitset(n), unread: newBitset(n),
		})
		u.bans[a.Ban] = struct{}{}
	}
	for _, ts := range u.byTrack {
		slices.SortFunc(ts, func(x, y *tally) int { return cmp.Compare(x.Start, y.Start) })
	}
	return u, nil
}

// OwnBan reports whether b is the 統一編號 of a loaded allocation: an invoice
// whose seller it is not is a purchase (進項), not ours.
func (u *Usage) OwnBan(b Ban) bool {
	_, ok := u.bans[b]
	return ok
}

// Period is the period whose numbers are collected.
func (u *Usage) Period() Period { return u.period }

// tallyOf returns the tally of the allocation holding n, or nil.
func (u *Usage) tallyOf(n InvoiceNumber) *tally {
	if t := u.last; t != nil && t.Track == n.Track && t.Start <= n.Number && n.Number <= t.End {
		return t
	}
	ts := u.byTrack[n.Track]
	i, _ := slices.BinarySearchFunc(ts, n.Number, func(t *tally, n Number) int {
		if t.End < n {
			return -1
		}
		if t.Start > n {
			return 1
		}
		return 0
	})
	if i < len(ts) && ts[i].Start <= n.Number && n.Number <= ts[i].End {
		u.last = ts[i]
		return ts[i]
	}
	return nil
}

// Allocation returns the allocation holding n, if any.
func (u *Usage) Allocation(n InvoiceNumber) (Allocation, bool) {
	if t := u.tallyOf(n); t != nil {
		return t.Allocation, true
	}
	return Allocation{}, false
}

// Add records one invoice. An invoice dated outside the period, or whose
// number lies in no allocation, is listed and does not change the blank
// ranges.
func (u *Usage) Add(inv Invoice) Outcome {
	if !inv.Date.IsZero() && !u.contains(inv.Date) {
		u.OutsidePeriod.Add(inv)
		if t := u.tallyOf(inv.Number); t != nil {
			t.outside.set(uint32(inv.Number.Number - t.Start))
		}
		return OutsidePeriod
	}
	t := u.tallyOf(inv.Number)
	if t == nil {
		u.Unallocated.Add(inv)
		return Unallocated
	}
	i := uint32(inv.Number.Number - t.Start)
	wasUsed := t.used.set(i)
	switch {
	case inv.Status == StatusNullified:
		// Used before by a row that was not nullified: reissued.
		if wasNullified := t.nullified.set(i); wasUsed && !wasNullified {
			t.reissued.set(i)
		}
		if len(u.nullifiedSeen) < nullifiedKeep {
			u.nullifiedSeen = append(u.nullifiedSeen, inv)
		}
	case t.nullified.has(i):
		t.reissued.set(i)
	}
	if inv.Status == StatusVoided {
		t.voided.set(i)
	}
	return Counted
}

// Unread is an invoice-number-like cell of a sheet that a reader did not
// read (a sheet without a header row it knows, a sheet of line items): the
// number is accounted for only if an export that was read lists it, used
// or dated outside the period. A number a read sheet names only in a
// column of other invoices' numbers (作廢發票號碼) is taken the same way.
type Unread struct {
	Number InvoiceNumber
	Pos    Pos   // the cell
	Why    error // why the sheet was not read: one value for every cell of a sheet
}

// AddUnread records the number of a cell of a sheet that was not read,
// and reports whether it lies in a loaded allocation; one that does not is
// no concern of this tally. Its memory is bounded by the allocations, as
// Add's, and a few thousand cells kept to locate them.
func (u *Usage) AddUnread(c Unread) bool {
	t := u.tallyOf(c.Number)
	if t == nil {
		return false
	}
	i := uint32(c.Number.Number - t.Start)
	if t.listed(i) || t.unread.set(i) {
		return true // listed already, or found before
	}
	if !u.unreadFull && len(u.unreadSeen) == unreadKeep {
		// Drop the cells whose numbers an export has listed since; when
		// few go, stop keeping: NotRead counts every number all the same.
		kept := slices.DeleteFunc(u.unreadSeen, func(c Unread) bool { return u.listed(c.Number) })
		clear(u.unreadSeen[len(kept):])
		u.unreadSeen = kept
		u.unreadFull = len(kept) > unreadKeep*3/4
	}
	if u.unreadFull {
		u.noteMore(c)
		return true
	}
	u.unreadSeen = append(u.unreadSeen, c)
	return true
}

// noteMore keeps c, a cell not kept, if it is the first of its sheet.
func (u *Usage) noteMore(c Unread) {
	if n := len(u.unreadMore); n == unreadMoreKeep || n > 0 && u.unreadMore[n-1].Why == c.Why {
		return
	}
	if !slices.ContainsFunc(u.unreadMore, func(m Unread) bool { return m.Why == c.Why }) {
		u.unreadMore = append(u.unreadMore, c)
	}
}

// NotRead is what the sheets that were not read hold that no export read.
type NotRead struct {
	// Count is how many numbers of the allocations were found in sheets not
	// read and in no invoice of an export that was read: not used, and not
	// dated outside the period either.
	Count int
	// First are the cells of the first of them, in the order found, a
	// number once; fewer than Count when more were found than are kept.
	First []Unread
	// More are, when First is fewer than Count, the first cell of each
	// sheet (up to 8) whose numbers were found after First was full: the
	// sheets that hold the rest.
	More []Unread
}

// NotRead says which numbers found in sheets that were not read no export
// that was read lists: they would be reported blank.
func (u *Usage) NotRead() NotRead {
	var nr NotRead
	for _, ts := range u.byTrack {
		for _, t := range ts {
			nr.Count += t.unread.countAndNot(&t.used, &t.outside)
		}
	}
	if nr.Count == 0 {
		return nr
	}
	for _, c := range u.unreadSeen {
		if !u.listed(c.Number) {
			nr.First = append(nr.First, c)
		}
	}
	if len(nr.First) < nr.Count {
		nr.More = slices.Clone(u.unreadMore)
	}
	return nr
}

// listed reports whether an invoice of an export that was read has n, a
// number of an allocation: used, or dated outside the period.
func (u *Usage) listed(n InvoiceNumber) bool {
	t := u.tallyOf(n)
	return t != nil && t.listed(uint32(n.Number-t.Start))
}

func (t *tally) listed(i uint32) bool { return t.used.has(i) || t.outside.has(i) }

// NotReissued lists the nullified (註銷) numbers that no other invoice
// used: nullified numbers are meant to be issued again with the same
// number. They stay used; the list is for a person to check.
func (u *Usage) NotReissued() Listing {
	var l Listing
	for _, ts := range u.byTrack {
		for _, t := range ts {
			l.Count += t.nullified.count(0, uint32(t.Size()-1)) - t.reissued.count(0, uint32(t.Size()-1))
		}
	}
	if l.Count == 0 {
		return l
	}
	seen := map[InvoiceNumber]bool{}
	for _, inv := range u.nullifiedSeen {
		t := u.tallyOf(inv.Number)
		i := uint32(inv.Number.Number - t.Start)
		if seen[inv.Number] || t.reissued.has(i) {
			continue
		}
		seen[inv.Number] = true
		if len(l.First) < ListLimit {
			l.First = append(l.First, inv)
		}
	}
	return l
}

// contains is Period.Contains, fast for the dates the readers make (UTC:
// the instant then says the calendar date); any other zone asks the
// calendar.
func (u *Usage) contains(d time.Time) bool {
	if d.Location() == time.UTC {
		return !d.Before(u.start) && d.Before(u.end)
	}
	return u.period.Contains(d)
}
