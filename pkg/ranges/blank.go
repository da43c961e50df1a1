package ranges

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Key identifies the numbers a blank range may span: ranges never merge across
// 統編, 發票類別, period or 字軌.
type Key struct {
	Ban    Ban
	Type   InvoiceType
	Period Period
	Track  Track
}

func compareKeys(x, y Key) int {
	return cmp.Or(
		cmp.Compare(x.Ban, y.Ban),
		cmp.Compare(x.Period.Year, y.Period.Year),
		cmp.Compare(x.Period.EndMonth, y.Period.EndMonth),
		cmp.Compare(x.Type, y.Type),
		cmp.Compare(x.Track, y.Track),
	)
}

// BlankRange is a maximal run of allocated numbers that no invoice used
// (空白未使用發票號碼). A single blank number has Start == End.
type BlankRange struct {
	Key
	Start Number
	End   Number
}

// Len is how many numbers the range holds.
func (r BlankRange) Len() int { return int(r.End) - int(r.Start) + 1 }

func (r BlankRange) String() string {
	return fmt.Sprintf("%s %s %s %s%s-%s", r.Ban, r.Type, r.Period.Code(), r.Track, r.Start, r.End)
}

// Summary counts the numbers of one (統編, 類別, period, 字軌).
type Summary struct {
	Key
	Allocated int // numbers allocated
	Used      int // distinct numbers used, voided and nullified included
	Voided    int // of Used, the numbers an export marked voided (作廢)
	Blank     int // numbers in blank ranges
	Ranges    int // blank ranges
}

// Add adds x's counts to s, for totals; s's Key stays.
func (s *Summary) Add(x Summary) {
	s.Allocated += x.Allocated
	s.Used += x.Used
	s.Voided += x.Voided
	s.Blank += x.Blank
	s.Ranges += x.Ranges
}

// Result is the blank computation of one period.
type Result struct {
	Period    Period
	Ranges    []BlankRange // ordered by 統編, 類別, 字軌, 起號
	Summaries []Summary    // ordered by 統編, 類別, 字軌
}

// Bans lists the 統一編號 that have allocations, in order.
func (r *Result) Bans() []Ban {
	var bans []Ban
	for _, s := range r.Summaries {
		if len(bans) == 0 || bans[len(bans)-1] != s.Ban {
			bans = append(bans, s.Ban)
		}
	}
	return bans
}

// RangesOf returns the blank ranges of one 統一編號.
//
// The ranges of a 統編 stand together (Compute orders them by 統編), and
// are then returned as a part of r.Ranges, not a copy: callers must not
// append to it.
func (r *Result) RangesOf(b Ban) []BlankRange {
	i := slices.IndexFunc(r.Ranges, func(br BlankRange) bool { return br.Ban == b })
	if i < 0 {
		return nil
	}
	j := i
	for j < len(r.Ranges) && r.Ranges[j].Ban == b {
		j++
	}
	if !slices.ContainsFunc(r.Ranges[j:], func(br BlankRange) bool { return br.Ban == b }) {
		return r.Ranges[i:j:j]
	}
	var out []BlankRange // a result put together by hand, out of order
	for _, br := range r.Ranges {
		if br.Ban == b {
			out = append(out, br)
		}
	}
	return out
}

// MaxRanges is how many blank ranges a computation may give. Real reports
// hold hundreds, a large chain's up to some hundred thousand; more means
// exports that use every other number, and is refused rather than
// rendered: it also bounds the memory of generate and check.
const MaxRanges = 250_000

// ErrTooManyRanges is a computation that gives more than MaxRanges ranges.
var ErrTooManyRanges = msg.Errorf("more than %d blank ranges", MaxRanges)

// Compute returns the blank ranges: every allocated number minus every used
// number, merged into maximal runs per Key. It checks its own result and
// returns ErrCoverage if blank and used numbers do not cover the allocations
// exactly once.
func (u *Usage) Compute() (*Result, error) {
	var ts []*tally
	for _, tr := range u.byTrack {
		ts = append(ts, tr...)
	}
	slices.SortFunc(ts, func(x, y *tally) int {
		return cmp.Or(compareKeys(keyOf(x.Allocation), keyOf(y.Allocation)), cmp.Compare(x.Start, y.Start))
	})

	// Count the runs first: the ranges are the one large thing a
	// computation holds, so they are allocated once, at their size.
	runs := 0
	for _, t := range ts {
		t.used.clearRuns(0, uint32(t.Size()-1), func(uint32, uint32) { runs++ })
	}
	if runs > MaxRanges {
		return nil, msg.Errorf("%w (%d): the exports leave more gaps than any real report has; check that the right number column was read", ErrTooManyRanges, runs)
	}
	res := &Result{Period: u.period, Ranges: make([]BlankRange, 0, runs)}
	for _, t := range ts {
		k := keyOf(t.Allocation)
		last := uint32(t.Size() - 1)
		if n := len(res.Summaries); n == 0 || res.Summaries[n-1].Key != k {
			res.Summaries = append(res.Summaries, Summary{Key: k})
		}
		s := &res.Summaries[len(res.Summaries)-1]
		s.Allocated += t.Size()
		s.Used += t.used.count(0, last)
		s.Voided += t.voided.count(0, last)
		t.used.clearRuns(0, last, func(first, end uint32) {
			res.Ranges = appendMerged(res.Ranges, BlankRange{Key: k, Start: t.Start + Number(first), End: t.Start + Number(end)})
		})
	}
	si := 0
	for _, r := range res.Ranges {
		for res.Summaries[si].Key != r.Key {
			si++
		}
		res.Summaries[si].Blank += r.Len()
		res.Summaries[si].Ranges++
	}
	if err := u.verify(ts, res); err != nil {
		return nil, err
	}
	return res, nil
}

// appendMerged appends r, joining it to the last range when they are of the
// same key and adjacent (two allocations of one 字軌 that follow each other).
func appendMerged(rs []BlankRange, r BlankRange) []BlankRange {
	if n := len(rs); n > 0 && rs[n-1].Key == r.Key && rs[n-1].End+1 == r.Start {
		rs[n-1].End = r.End
		return rs
	}
	return append(rs, r)
}

// verify checks, independently of how the ranges were made, that for every
// allocation the blank numbers inside it plus the used numbers inside it are
// its size, that no blank number is used, and that every blank number is
// allocated.
func (u *Usage) verify(ts []*tally, res *Result) error {
	fail := func(what msg.Message) error { return msg.Errorf("%w: %v", ErrCoverage, what) }
	blankInAllocs := 0
	for _, t := range ts {
		k := keyOf(t.Allocation)
		blank := 0
		first, _ := slices.BinarySearchFunc(res.Ranges, t.Start, func(r BlankRange, start Number) int {
			return cmp.Or(compareKeys(r.Key, k), cmp.Compare(r.End, start))
		})
		for _, r := range res.Ranges[first:] {
			if r.Key != k || r.Start > t.End {
				break
			}
			lo, hi := max(r.Start, t.Start), min(r.End, t.End)
			blank += int(hi) - int(lo) + 1
			if t.used.count(uint32(lo-t.Start), uint32(hi-t.Start)) != 0 {
				return fail(msg.T("blank range %s holds a used number", r))
			}
		}
		used := t.used.count(0, uint32(t.Size()-1))
		if blank+used != t.Size() {
			return fail(msg.T("allocation %s: %d blank + %d used != %d allocated", t.Allocation, blank, used, t.Size()))
		}
		blankInAllocs += blank
	}
	total := 0
	for i, r := range res.Ranges {
		if r.Start > r.End {
			return fail(msg.T("blank range %s is reversed", r))
		}
		if i > 0 {
			p := res.Ranges[i-1]
			if c := compareKeys(p.Key, r.Key); c > 0 || (c == 0 && p.End >= r.Start) {
				return fail(msg.T("blank ranges %s and %s overlap or are out of order", p, r))
			}
		}
		total += r.Len()
	}
	if total != blankInAllocs {
		return fail(msg.T("%d blank numbers lie outside every allocation", total-blankInAllocs))
	}
	return nil
}

func keyOf(a Allocation) Key {
	return Key{Ban: a.Ban, Type: a.Type, Period: a.Period, Track: a.Track}
}
