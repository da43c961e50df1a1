package ranges

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

var testPeriod = Period{Year: 114, EndMonth: 10}

func alloc(ban Ban, typ InvoiceType, track Track, start, end Number) Allocation {
	return Allocation{Ban: ban, Type: typ, Period: testPeriod, Track: track, Start: start, End: end}
}

func inv(track Track, n Number) Invoice {
	return Invoice{Number: InvoiceNumber{Track: track, Number: n}}
}

func compute(t *testing.T, allocs []Allocation, invs ...Invoice) *Result {
	t.Helper()
	u, err := NewUsage(testPeriod, allocs)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range invs {
		u.Add(i)
	}
	res, err := u.Compute()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestComputeRules(t *testing.T) {
	a := alloc("53212539", TypeGeneral, "ZK", 37210300, 37210399)
	voided := inv("ZK", 37210302)
	voided.Status = StatusVoided
	nullified := inv("ZK", 37210303)
	nullified.Status = StatusNullified
	res := compute(t, []Allocation{a},
		inv("ZK", 37210300), inv("ZK", 37210301), voided, nullified,
		// 37210304..37210309 skipped (跳號): blank
		inv("ZK", 37210310),
		inv("ZK", 37210310), // the same number in two exports counts once
	)
	want := []BlankRange{
		{Key: keyOf(a), Start: 37210304, End: 37210309},
		{Key: keyOf(a), Start: 37210311, End: 37210399},
	}
	if !reflect.DeepEqual(res.Ranges, want) {
		t.Errorf("ranges = %v, want %v", res.Ranges, want)
	}
	s := res.Summaries[0]
	if s.Allocated != 100 || s.Used != 5 || s.Voided != 1 || s.Blank != 95 || s.Ranges != 2 {
		t.Errorf("summary = %+v", s)
	}
}

func TestComputeWholeUnusedAllocationIsOneRange(t *testing.T) {
	a := alloc("53212539", TypeGeneral, "ZK", 37210300, 37210499)
	res := compute(t, []Allocation{a})
	if len(res.Ranges) != 1 || res.Ranges[0].Start != 37210300 || res.Ranges[0].End != 37210499 {
		t.Errorf("ranges = %v", res.Ranges)
	}
}

func TestComputeMergesAdjacentAllocationsOnlyWithinKey(t *testing.T) {
	allocs := []Allocation{
		alloc("53212539", TypeGeneral, "ZK", 100, 149),
		alloc("53212539", TypeGeneral, "ZK", 150, 199), // same key, adjacent: one range
		alloc("24549210", TypeGeneral, "ZK", 200, 249), // other 統編: its own range
		alloc("53212539", TypeSpecial, "ZL", 250, 299), // other 類別 and 字軌
	}
	res := compute(t, allocs)
	got := make([]string, len(res.Ranges))
	for i, r := range res.Ranges {
		got[i] = r.String()
	}
	want := []string{
		"24549210 07 11410 ZK00000200-00000249",
		"53212539 07 11410 ZK00000100-00000199",
		"53212539 08 11410 ZL00000250-00000299",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ranges = %q, want %q", got, want)
	}
}

func TestAddListsInvoicesThatDoNotCount(t *testing.T) {
	a := alloc("53212539", TypeGeneral, "ZK", 100, 199)
	u, _ := NewUsage(testPeriod, []Allocation{a})
	outside := inv("ZK", 150)
	outside.Date = time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC)
	inside := inv("ZK", 151)
	inside.Date = time.Date(2025, 10, 31, 0, 0, 0, 0, time.UTC)
	if got := u.Add(outside); got != OutsidePeriod {
		t.Errorf("Add(dated 2025-08-31) = %v, want OutsidePeriod", got)
	}
	if got := u.Add(inside); got != Counted {
		t.Errorf("Add(dated 2025-10-31) = %v, want Counted", got)
	}
	for i := 0; i < 25; i++ {
		if got := u.Add(inv("ZJ", Number(i))); got != Unallocated {
			t.Fatalf("Add(ZJ) = %v, want Unallocated", got)
		}
	}
	if u.Unallocated.Count != 25 || len(u.Unallocated.First) != ListLimit {
		t.Errorf("unallocated: count %d, listed %d", u.Unallocated.Count, len(u.Unallocated.First))
	}
	res, err := u.Compute()
	if err != nil {
		t.Fatal(err)
	}
	// Only ZK00000151 is used: the invoice dated outside the period never
	// changes the blank ranges.
	want := []BlankRange{{Key: keyOf(a), Start: 100, End: 150}, {Key: keyOf(a), Start: 152, End: 199}}
	if !reflect.DeepEqual(res.Ranges, want) {
		t.Errorf("ranges = %v, want %v", res.Ranges, want)
	}
}

func TestVerifyCatchesWrongResults(t *testing.T) {
	a := alloc("53212539", TypeGeneral, "ZK", 100, 199)
	u, _ := NewUsage(testPeriod, []Allocation{a})
	u.Add(inv("ZK", 120))
	res, err := u.Compute()
	if err != nil {
		t.Fatal(err)
	}
	corrupt := map[string]func(r *Result){
		"a used number reported blank": func(r *Result) { r.Ranges[0].End = 120 },
		"a blank number lost":          func(r *Result) { r.Ranges[1].End = 198 },
		"a range outside allocations":  func(r *Result) { r.Ranges[1].End = 205 },
		"ranges out of order":          func(r *Result) { r.Ranges[0], r.Ranges[1] = r.Ranges[1], r.Ranges[0] },
		"a duplicated range": func(r *Result) {
			r.Ranges = append(r.Ranges, r.Ranges[1])
		},
	}
	for name, f := range corrupt {
		t.Run(name, func(t *testing.T) {
			bad := &Result{Period: res.Period, Ranges: slices.Clone(res.Ranges)}
			f(bad)
			if err := u.verify(u.byTrack["ZK"], bad); !errors.Is(err, ErrCoverage) {
				t.Errorf("verify = %v, want ErrCoverage", err)
			}
		})
	}
}

// TestComputeMatchesReference compares Compute with a slow, obvious
// reference on random allocations and invoices.
func TestComputeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bans := []Ban{"53212539", "24549210", "04595257"}
	tracks := []Track{"ZK", "ZL", "AB"}
	for iter := 0; iter < 300; iter++ {
		var allocs []Allocation
		next := map[Track]Number{}
		for i := 0; i < 1+rng.IntN(6); i++ {
			tr := tracks[rng.IntN(len(tracks))]
			start := next[tr] + Number(50*rng.IntN(3)) // sometimes adjacent
			end := start + Number(50*(1+rng.IntN(3))) - 1
			next[tr] = end + 1
			typ := TypeGeneral
			if rng.IntN(4) == 0 {
				typ = TypeSpecial
			}
			allocs = append(allocs, alloc(bans[rng.IntN(len(bans))], typ, tr, start, end))
		}
		var invs []Invoice
		for i := 0; i < rng.IntN(400); i++ {
			n := inv(tracks[rng.IntN(len(tracks))], Number(rng.IntN(int(max(next["ZK"], next["ZL"], next["AB"])+60))))
			if rng.IntN(10) == 0 {
				n.Status = StatusVoided
			}
			invs = append(invs, n)
		}
		got := compute(t, allocs, invs...)
		want := reference(allocs, invs)
		if !reflect.DeepEqual(got.Ranges, want.Ranges) {
			t.Fatalf("iteration %d: ranges\n got %v\nwant %v\nallocs %v", iter, got.Ranges, want.Ranges, allocs)
		}
		if !reflect.DeepEqual(got.Summaries, want.Summaries) {
			t.Fatalf("iteration %d: summaries\n got %+v\nwant %+v", iter, got.Summaries, want.Summaries)
		}
	}
}

// reference walks every allocated number one by one.
func reference(allocs []Allocation, invs []Invoice) *Result {
	used := map[InvoiceNumber]bool{}
	voided := map[InvoiceNumber]bool{}
	for _, i := range invs {
		used[i.Number] = true
		if i.Status == StatusVoided {
			voided[i.Number] = true
		}
	}
	type numKey struct {
		k Key
		n Number
	}
	blank := map[numKey]bool{}
	sums := map[Key]*Summary{}
	for _, a := range allocs {
		k := keyOf(a)
		if sums[k] == nil {
			sums[k] = &Summary{Key: k}
		}
		for n := a.Start; n <= a.End; n++ {
			in := InvoiceNumber{Track: a.Track, Number: n}
			sums[k].Allocated++
			switch {
			case used[in]:
				sums[k].Used++
				if voided[in] {
					sums[k].Voided++
				}
			default:
				blank[numKey{k, n}] = true
				sums[k].Blank++
			}
		}
	}
	res := &Result{Period: testPeriod}
	var keys []Key
	for k := range sums {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		for n := Number(0); n < 2000; n++ {
			if blank[numKey{k, n}] && !blank[numKey{k, n - 1}] || (n == 0 && blank[numKey{k, 0}]) {
				e := n
				for blank[numKey{k, e + 1}] {
					e++
				}
				res.Ranges = append(res.Ranges, BlankRange{Key: k, Start: n, End: e})
				sums[k].Ranges++
			}
		}
		res.Summaries = append(res.Summaries, *sums[k])
	}
	return res
}

// A nullified (註銷) number is reissued when another row, before or after
// it, in any export, uses the number; the rest are listed, each once.
func TestNotReissued(t *testing.T) {
	a := alloc("53212539", TypeGeneral, "ZK", 100, 199)
	u, err := NewUsage(testPeriod, []Allocation{a})
	if err != nil {
		t.Fatal(err)
	}
	null := func(n Number, row int) Invoice {
		i := inv("ZK", n)
		i.Status, i.Pos = StatusNullified, Pos{File: "x.csv", Row: row}
		return i
	}
	u.Add(inv("ZK", 101)) // issued, then nullified: reissued
	u.Add(null(101, 2))
	u.Add(null(102, 3)) // nullified, then issued: reissued
	u.Add(inv("ZK", 102))
	u.Add(null(103, 5)) // nullified twice, never issued
	u.Add(null(103, 6))
	u.Add(null(104, 7)) // nullified, then voided: reissued
	voided := inv("ZK", 104)
	voided.Status = StatusVoided
	u.Add(voided)
	u.Add(null(105, 9)) // never issued
	l := u.NotReissued()
	if l.Count != 2 || len(l.First) != 2 || l.First[0].Number.Number != 103 || l.First[0].Pos.Row != 5 || l.First[1].Number.Number != 105 {
		t.Errorf("not reissued = %+v, want ZK00000103 (row 5) and ZK00000105", l)
	}
	res, err := u.Compute()
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Summaries[0]; s.Used != 5 || s.Voided != 1 {
		t.Errorf("summary %+v: nullified numbers are used", s)
	}
}

// Exports that use every other number of a large allocation give more
// ranges than any report holds: an error, not a gigabyte file.
func TestComputeRefusesTooManyRanges(t *testing.T) {
	a := alloc("53212539", TypeGeneral, "ZK", 0, 2*MaxRanges+99)
	u, err := NewUsage(testPeriod, []Allocation{a})
	if err != nil {
		t.Fatal(err)
	}
	for n := Number(0); n <= a.End; n += 2 {
		u.Add(inv("ZK", n))
	}
	if _, err := u.Compute(); !errors.Is(err, ErrTooManyRanges) {
		t.Fatalf("Compute = %v, want ErrTooManyRanges", err)
	}
}

// An invoice's date counts by the calendar date it shows, in its own zone:
// 00:30 on November 1st in Taiwan is November, although it is still
// October in UTC.
func TestAddDatesByTheirCalendarDay(t *testing.T) {
	u, _ := NewUsage(testPeriod, []Allocation{alloc("53212539", TypeGeneral, "ZK", 100, 199)})
	taipei := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		date time.Time
		want Outcome
	}{
		{time.Date(2025, 10, 31, 23, 59, 59, 0, time.UTC), Counted},
		{time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), OutsidePeriod},
		{time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC), OutsidePeriod},
		{time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Counted},
		{time.Date(2025, 11, 1, 0, 30, 0, 0, taipei), OutsidePeriod},
		{time.Date(2025, 9, 1, 0, 30, 0, 0, taipei), Counted},
	} {
		i := inv("ZK", 100)
		i.Date = c.date
		if got := u.Add(i); got != c.want {
			t.Errorf("%v: %v, want %v", c.date, got, c.want)
		}
	}
}
