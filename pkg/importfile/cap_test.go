package importfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/benchmem"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// sameRangeLines is n well-formed bulk lines of 53212539 that all hold
// ZK37210300-37210300: every line after the first overlaps another.
func sameRangeLines(n int) []byte {
	var b []byte
	for i := 1; i <= n; i++ {
		b = fmt.Appendf(b, "%05d,53212539,11510,ZK,37210300,37210300,07\r\n", i)
	}
	return b
}

// Every kind of finding stops at MaxFindings a file, with one finding
// saying so, last. Before, only the readers' own findings stopped: 300
// lines that repeat one range gave 299 overlap findings, and the files
// compared with generate's or the allocations one finding per line.
func TestCheckStopsEveryFindingKindPerFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	period, _ := ranges.ParsePeriod("11510")
	var spread []byte // 300 lines that do not overlap: outside allocations, not generate's
	for i := 1; i <= 300; i++ {
		spread = fmt.Appendf(spread, "%05d,53212539,11510,ZK,%08d,%08d,07\r\n", i, 2*i, 2*i)
	}
	for _, tc := range []struct {
		name string
		c    Checker
		data []byte
		want string
	}{
		{"overlaps", Checker{}, sameRangeLines(300), "repeats ZK37210300-37210300"},
		{"outside the allocations", Checker{Allocs: []ranges.Allocation{}}, spread, "is in no allocation"},
		{"not generate's", Checker{Expected: &ranges.Result{Period: period}}, spread, "generate would not write it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := write("a.csv", tc.data)
			b := write("b.csv", sameRangeLines(3)) // overlaps a.csv too
			rep := tc.c.Check([]string{a, b})
			n, last := 0, Finding{}
			for _, f := range rep.Findings {
				if f.File == a {
					n++
					last = f
				}
			}
			if n != MaxFindings+1 {
				t.Errorf("%d findings for %s, want %d: %d findings and one that says they stopped", n, a, MaxFindings+1, MaxFindings)
			}
			if last.Problem != fmt.Sprintf("stopped after %d findings", MaxFindings) {
				t.Errorf("last finding for %s: %v", a, last)
			}
			if !strings.Contains(findingsText(rep.Findings), tc.want) {
				t.Errorf("findings %q do not say %q", clipText(findingsText(rep.Findings)), tc.want)
			}
		})
	}
}

// BenchmarkCheckManyOverlappingFiles reports the peak memory of check on
// 40 files of 99,999 lines that all overlap: the ranges kept are bounded
// by ranges.MaxRanges and the findings by MaxFindings a file (before, one
// finding a line: 200,000 findings, 197 MB RSS).
func BenchmarkCheckManyOverlappingFiles(b *testing.B) {
	dir := b.TempDir()
	data := sameRangeLines(MaxBulkLines)
	var names []string
	for i := range 40 {
		p := filepath.Join(dir, fmt.Sprintf("f%02d.csv", i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		names = append(names, p)
	}
	var peak uint64
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			var c Checker
			if rep := c.Check(names); len(rep.Findings) > 3*(MaxFindings+1) {
				b.Fatalf("%d findings", len(rep.Findings))
			}
		}))
	}
	benchmem.Report(b, peak)
}
