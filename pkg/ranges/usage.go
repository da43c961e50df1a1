package ranges

import (
	"cmp"
	"fmt"
	"slices"
)

// Outcome is what Usage.Add did with an invoice.
type Outcome uint8

// Outcomes of Usage.Add.
const (
	Counted       Outcome = iota // the number is used in the period
	OutsidePeriod                // dated outside the period: not counted
	Unallocated                  // in no loaded allocation: not counted
)

// Usage collects the numbers used in one period. Its memory grows with the
// number of invoices added, never with the size of the allocations.
type Usage struct {
	period  Period
	allocs  []Allocation
	byTrack map[Track][]Allocation // each sorted by Start
	bans    map[Ban]struct{}
	used    map[Track][]Number
	voided  map[Track][]Number

	// Invoices that do not change the blank ranges.
	Unallocated   Listing // number in no loaded allocation
	OutsidePeriod Listing // dated outside the period
}

// NewUsage starts collecting the used numbers of allocs, which must all be of
// period p, valid and not overlapping (see Allocation.Validate and
// CheckOverlaps).
func NewUsage(p Period, allocs []Allocation) (*Usage, error) {
	u := &Usage{
		period:  p,
		allocs:  slices.Clone(allocs),
		byTrack: make(map[Track][]Allocation),
		used:    make(map[Track][]Number),
		voided:  make(map[Track][]Number),
		bans:    make(map[Ban]struct{}),
	}
	for _, a := range allocs {
		if a.Period != p {
			return nil, fmt.Errorf("allocation %s (%s) is not of period %s", a, a.Pos, p)
		}
		u.byTrack[a.Track] = append(u.byTrack[a.Track], a)
		u.bans[a.Ban] = struct{}{}
	}
	for _, as := range u.byTrack {
		slices.SortFunc(as, func(x, y Allocation) int { return cmp.Compare(x.Start, y.Start) })
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

// Allocation returns the allocation holding n, if any.
func (u *Usage) Allocation(n InvoiceNumber) (Allocation, bool) {
	as := u.byTrack[n.Track]
	i, _ := slices.BinarySearchFunc(as, n.Number, func(a Allocation, n Number) int {
		if a.End < n {
			return -1
		}
		if a.Start > n {
			return 1
		}
		return 0
	})
	if i < len(as) && as[i].Start <= n.Number && n.Number <= as[i].End {
		return as[i], true
	}
	return Allocation{}, false
}

// Add records one invoice. An invoice dated outside the period, or whose
// number lies in no allocation, is listed and does not change the blank
// ranges.
func (u *Usage) Add(inv Invoice) Outcome {
	if !inv.Date.IsZero() && !u.period.Contains(inv.Date) {
		u.OutsidePeriod.Add(inv)
		return OutsidePeriod
	}
	if _, ok := u.Allocation(inv.Number); !ok {
		u.Unallocated.Add(inv)
		return Unallocated
	}
	t := inv.Number.Track
	u.used[t] = append(u.used[t], inv.Number.Number)
	if inv.Status == StatusVoided {
		u.voided[t] = append(u.voided[t], inv.Number.Number)
	}
	return Counted
}
