package ranges

import (
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/benchmem"
)

// BenchmarkUsage tallies a chain's period: 20,000,000 invoices over 4
// tracks of 10,000,000 allocated numbers, the first half of each used but
// every 997th number skipped, every 50th voided, then computes and
// verifies the blank ranges (a track's skipped numbers and its unused
// half). Its peak memory is the point: bounded by the allocations, not the
// invoices.
func BenchmarkUsage(b *testing.B) {
	const tracks, perTrack, used = 4, 10_000_000, 5_000_000
	var allocs []Allocation
	names := []Track{"AA", "AB", "AC", "AD"}
	for _, tr := range names[:tracks] {
		allocs = append(allocs, Allocation{Ban: "83012410", Type: TypeGeneral, Period: testPeriod, Track: tr, Start: 10_000_000, End: 10_000_000 + perTrack - 1})
	}
	var peak uint64
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			u, err := NewUsage(testPeriod, allocs)
			if err != nil {
				b.Fatal(err)
			}
			inv := Invoice{}
			for _, tr := range names[:tracks] {
				inv.Number.Track = tr
				for n := 0; n < used; n++ {
					if n%997 == 0 {
						continue
					}
					inv.Number.Number = Number(10_000_000 + n)
					inv.Status = StatusIssued
					if n%50 == 0 {
						inv.Status = StatusVoided
					}
					u.Add(inv)
				}
			}
			res, err := u.Compute()
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Ranges) != tracks*((used+996)/997+1) {
				b.Fatalf("%d ranges", len(res.Ranges))
			}
		}))
	}
	benchmem.Report(b, peak)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tracks*used), "ns/invoice")
}
