package ranges

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Allocation is one range of invoice numbers allocated (配號) to a business for
// a period: 統編, 發票類別, period, 字軌, 起號 and 迄號. The platform allocates
// booklets (本) of 50 numbers, so 起號 ends in 00 or 50 and 迄號 in 49 or 99.
type Allocation struct {
	Ban    Ban
	Type   InvoiceType
	Period Period
	Track  Track
	Start  Number
	End    Number
	Pos    Pos  // where the allocation was read
	Hidden bool // read from a hidden sheet of a workbook
}

// From names where the allocation was read: its file, and in a workbook
// its sheet, said to be hidden when it is.
func (a Allocation) From() msg.Message {
	switch {
	case a.Pos.Sheet == "":
		return msg.T("%s", VisibleName(a.Pos.File))
	case a.Hidden:
		return msg.T("%s, hidden sheet %s", VisibleName(a.Pos.File), VisibleName(a.Pos.Sheet))
	}
	return msg.T("%s, sheet %s", VisibleName(a.Pos.File), VisibleName(a.Pos.Sheet))
}

// Size is how many numbers the allocation holds.
func (a Allocation) Size() int { return int(a.End) - int(a.Start) + 1 }

// Contains reports whether n of track t lies inside the allocation.
func (a Allocation) Contains(t Track, n Number) bool {
	return a.Track == t && a.Start <= n && n <= a.End
}

func (a Allocation) String() string {
	return fmt.Sprintf("%s %s %s %s%s-%s", a.Ban, a.Type, a.Period, a.Track, a.Start, a.End)
}

// Validate checks the booklet alignment and order of the numbers.
func (a Allocation) Validate() error {
	switch {
	case a.Start%50 != 0:
		return msg.Errorf("起號 %s must end in 00 or 50 (booklets of 50 numbers)", a.Start)
	case a.End%50 != 49:
		return msg.Errorf("迄號 %s must end in 49 or 99 (booklets of 50 numbers)", a.End)
	case a.Start > a.End:
		return msg.Errorf("起號 %s is after 迄號 %s", a.Start, a.End)
	}
	return nil
}

// OverlapError is two allocations of the same 字軌 and period that share
// numbers.
type OverlapError struct{ A, B Allocation }

func (e *OverlapError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *OverlapError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *OverlapError) message() msg.Message {
	return msg.T("allocation %s (%v) overlaps allocation %s (%v)", e.A, e.A.Pos, e.B, e.B.Pos)
}

// CheckOverlaps returns an *OverlapError for each pair of allocations of the same 字軌
// and period whose numbers overlap, naming both rows.
func CheckOverlaps(allocs []Allocation) error {
	sorted := slices.Clone(allocs)
	sortAllocations(sorted)
	var errs ErrorList
	var reach Allocation // the allocation reaching furthest in the current group
	for i, cur := range sorted {
		sameGroup := i > 0 && reach.Track == cur.Track && reach.Period == cur.Period
		if sameGroup && cur.Start <= reach.End {
			if !errs.Add(&OverlapError{A: cur, B: reach}) {
				break
			}
		}
		if !sameGroup || cur.End > reach.End {
			reach = cur
		}
	}
	return errs.Err()
}

// sortAllocations orders allocations by period, 字軌 and 起號: the order in
// which numbers are looked up.
func sortAllocations(a []Allocation) {
	slices.SortFunc(a, func(x, y Allocation) int {
		return cmp.Or(
			cmp.Compare(x.Period.Year, y.Period.Year),
			cmp.Compare(x.Period.EndMonth, y.Period.EndMonth),
			cmp.Compare(x.Track, y.Track),
			cmp.Compare(x.Start, y.Start),
			cmp.Compare(x.End, y.End),
		)
	})
}

// Periods returns the distinct periods of allocs, oldest first.
func Periods(allocs []Allocation) []Period {
	var ps []Period
	for _, a := range allocs {
		if !slices.Contains(ps, a.Period) {
			ps = append(ps, a.Period)
		}
	}
	slices.SortFunc(ps, func(p, q Period) int {
		return cmp.Or(cmp.Compare(p.Year, q.Year), cmp.Compare(p.EndMonth, q.EndMonth))
	})
	return ps
}
