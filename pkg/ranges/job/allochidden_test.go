package job

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// allocWorkbook writes an allocation workbook: a visible sheet 配號 with
// rows, and a hidden one of the given state with hidden rows.
func allocWorkbook(t *testing.T, dir, name, state string, rows, hidden [][]string) string {
	t.Helper()
	S := xlsxfixture.S
	sheetRows := func(rows [][]string) func(emit func([]xlsxfixture.Cell)) {
		return func(emit func([]xlsxfixture.Cell)) {
			emit(xlsxfixture.Row(S("營業人統編"), S("發票類別代號"), S("發票類別"), S("發票期別"), S("發票字軌名稱"), S("發票起號"), S("發票迄號")))
			for _, r := range rows {
				var cells []xlsxfixture.Cell
				for _, v := range r {
					cells = append(cells, S(v))
				}
				emit(xlsxfixture.Row(cells...))
			}
		}
	}
	var wb bytes.Buffer
	if err := xlsxfixture.Write(&wb, []xlsxfixture.Sheet{{Name: "配號", Rows: sheetRows(rows)}, {Name: "old", State: state, Rows: sheetRows(hidden)}}); err != nil {
		t.Fatal(err)
	}
	return writeTestFile(t, dir, name, wb.Bytes())
}

// A hidden sheet of an allocation workbook was read without a word: its
// allocations (an old copy, a template) were reported blank whole, exit 0,
// also with --strict. It is a warning naming the file and the sheet, and
// the note of a track no invoice used names where its allocation was read.
func TestHiddenAllocationSheetWarns(t *testing.T) {
	dir := t.TempDir()
	zk := []string{"53212539", "7", "一般稅額計算", "115/09~115/10", "ZK", "37210300", "37210349"}
	zm := []string{"53212539", "7", "一般稅額計算", "115/09~115/10", "ZM", "10000000", "10000049"}
	inv := writeTestFile(t, dir, "inv.csv", []byte("發票號碼,發票日期\nZK37210300,2026/09/01\n"))
	for _, state := range []string{"hidden", "veryHidden"} {
		t.Run(state, func(t *testing.T) {
			alloc := allocWorkbook(t, dir, "alloc.xlsx", state, [][]string{zk}, [][]string{zm})
			res, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{inv}}}})
			if err != nil {
				t.Fatal(err)
			}
			br := res.Branches[0]
			if br.Err != nil {
				t.Fatal(br.Err)
			}
			var found bool
			for _, w := range br.Warnings {
				if w.Kind == HiddenAllocationSheet && w.File == alloc && w.Sheet == "old" {
					found = true
					if want := "sheet old is hidden, and its 1 allocation(s) were read"; !strings.Contains(w.String(), want) {
						t.Errorf("warning %q, want %q", w, want)
					}
				}
			}
			if !found {
				t.Errorf("warnings %v: want one for hidden sheet old of %s", br.Warnings, alloc)
			}
			var notes []string
			for _, n := range br.unusedTracks() {
				notes = append(notes, n.String())
			}
			if want := "track ZM (ZM10000000-10000049, 50 numbers, allocated in " + alloc + ", hidden sheet old)"; len(notes) != 1 || !strings.Contains(notes[0], want) {
				t.Errorf("notes %q, want one with %q", notes, want)
			}
			res, err = Run(context.Background(), Spec{Strict: true, Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{inv}}}})
			if err != nil {
				t.Fatal(err)
			}
			var strict *StrictError
			if !errors.As(res.Branches[0].Err, &strict) {
				t.Errorf("strict: error %v, want a StrictError", res.Branches[0].Err)
			}
		})
	}
}

// Allocations of several periods: the error names, per period, where its
// first allocation was read, so that a hidden template sheet can be found.
func TestSeveralPeriodsNameWhereFrom(t *testing.T) {
	dir := t.TempDir()
	zk := []string{"53212539", "7", "一般稅額計算", "115/09~115/10", "ZK", "37210300", "37210349"}
	old := []string{"53212539", "7", "一般稅額計算", "110/11~110/12", "AB", "10000000", "10000049"}
	alloc := allocWorkbook(t, dir, "alloc.xlsx", "hidden", [][]string{zk}, [][]string{old})
	inv := writeTestFile(t, dir, "inv.csv", []byte("發票號碼,發票日期\nZK37210300,2026/09/01\n"))
	_, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{inv}}}})
	if !errors.Is(err, ranges.ErrSeveralPeriods) {
		t.Fatalf("error %v, want ErrSeveralPeriods", err)
	}
	want := "(110/11~110/12 from " + alloc + ", hidden sheet old, row 2; 115/09~115/10 from " + alloc + ", sheet 配號, row 2)"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q\nwant it to say %q", err, want)
	}
}
