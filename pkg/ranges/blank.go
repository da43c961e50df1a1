package ranges

import (
	"cmp"
	"fmt"
	"slices"
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
func (r *Result) RangesOf(b Ban) []BlankRange {
	var out []BlankRange
	for _, br := range r.Ranges {
		if br.Ban == b {
			out = append(out, br)
		}
	}
	return out
}

// Compute returns the blank ranges: every allocated number minus every used
// number, merged into maximal runs per Key. It checks its own result and
// returns ErrCoverage if blank and used numbers do not cover the allocations
// exactly once.
func (u *Usage) Compute() (*Result, error) {
	for t := range u.used {
		u.used[t] = sortedUnique(u.used[t])
	}
	for t := range u.voided {
		u.voided[t] = sortedUnique(u.voided[t])
	}
	allocs := slices.Clone(u.allocs)
	slices.SortFunc(allocs, func(x, y Allocation) int {
		return cmp.Or(compareKeys(keyOf(x), keyOf(y)), cmp.Compare(x.Start, y.Start))
	})

	res := &Result{Period: u.period}
	for _, a := range allocs {
		k := keyOf(a)
		used := within(u.used[a.Track], a.Start, a.End)
		voided := within(u.voided[a.Track], a.Start, a.End)
		if n := len(res.Summaries); n == 0 || res.Summaries[n-1].Key != k {
			res.Summaries = append(res.Summaries, Summary{Key: k})
		}
		s := &res.Summaries[len(res.Summaries)-1]
		s.Allocated += a.Size()
		s.Used += len(used)
		s.Voided += len(voided)

		next := a.Start
		for _, n := range used {
			if n > next {
				res.Ranges = appendMerged(res.Ranges, BlankRange{Key: k, Start: next, End: n - 1})
			}
			next = n + 1
		}
		if len(used) == 0 || used[len(used)-1] < a.End {
			res.Ranges = appendMerged(res.Ranges, BlankRange{Key: k, Start: next, End: a.End})
		}
	}
	si := 0
	for _, r := range res.Ranges {
		for res.Summaries[si].Key != r.Key {
			si++
		}
		res.Summaries[si].Blank += r.Len()
		res.Summaries[si].Ranges++
	}
	if err := u.verify(allocs, res); err != nil {
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
func (u *Usage) verify(allocs []Allocation, res *Result) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrCoverage}, args...)...)
	}
	blankInAllocs := 0
	for _, a := range allocs {
		k := keyOf(a)
		blank := 0
		first, _ := slices.BinarySearchFunc(res.Ranges, a.Start, func(r BlankRange, start Number) int {
			return cmp.Or(compareKeys(r.Key, k), cmp.Compare(r.End, start))
		})
		for _, r := range res.Ranges[first:] {
			if r.Key != k || r.Start > a.End {
				break
			}
			lo, hi := max(r.Start, a.Start), min(r.End, a.End)
			blank += int(hi) - int(lo) + 1
			if len(within(u.used[a.Track], lo, hi)) != 0 {
				return fail("blank range %s holds a used number", r)
			}
		}
		used := len(within(u.used[a.Track], a.Start, a.End))
		if blank+used != a.Size() {
			return fail("allocation %s: %d blank + %d used != %d allocated", a, blank, used, a.Size())
		}
		blankInAllocs += blank
	}
	total := 0
	for i, r := range res.Ranges {
		if r.Start > r.End {
			return fail("blank range %s is reversed", r)
		}
		if i > 0 {
			p := res.Ranges[i-1]
			if c := compareKeys(p.Key, r.Key); c > 0 || (c == 0 && p.End >= r.Start) {
				return fail("blank ranges %s and %s overlap or are out of order", p, r)
			}
		}
		total += r.Len()
	}
	if total != blankInAllocs {
		return fail("%d blank numbers lie outside every allocation", total-blankInAllocs)
	}
	return nil
}

func keyOf(a Allocation) Key {
	return Key{Ban: a.Ban, Type: a.Type, Period: a.Period, Track: a.Track}
}

// within returns the part of the sorted slice ns that lies in [lo, hi].
func within(ns []Number, lo, hi Number) []Number {
	i, _ := slices.BinarySearch(ns, lo)
	j, found := slices.BinarySearch(ns, hi)
	if found {
		j++
	}
	return ns[i:j]
}

func sortedUnique(ns []Number) []Number {
	slices.Sort(ns)
	return slices.Compact(ns)
}
