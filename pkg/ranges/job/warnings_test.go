package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
)

// Invoices a reader counted on trust are warnings: those of a hidden sheet
// (an old copy kept out of sight would hide blank numbers) and those
// without a date in an export that has a date column. A strict run fails
// the branch on either.
func TestWarnsOfHiddenSheetsAndUndatedInvoices(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "alloc.csv", []byte("83012410,7,一般稅額計算,114/09~114/10,ZK,37210300,37210399\n"))
	S, D := xlsxfixture.S, xlsxfixture.D
	day := D(time.Date(2025, 9, 3, 0, 0, 0, 0, time.UTC))
	var wb bytes.Buffer
	err := xlsxfixture.Write(&wb, []xlsxfixture.Sheet{
		{Name: "銷項", Rows: func(emit func([]xlsxfixture.Cell)) {
			emit(xlsxfixture.Row(S("發票號碼"), S("發票日期")))
			emit(xlsxfixture.Row(S("ZK37210300"), day))
		}},
		{Name: "舊版", State: "hidden", Rows: func(emit func([]xlsxfixture.Cell)) {
			emit(xlsxfixture.Row(S("發票號碼"), S("發票日期")))
			emit(xlsxfixture.Row(S("ZK37210301"), day))
			emit(xlsxfixture.Row(S("ZK37210302"), day))
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	erp := writeTestFile(t, dir, "erp.xlsx", wb.Bytes())
	pos := writeTestFile(t, dir, "pos.csv", []byte("發票號碼,發票日期\nZK37210310,114/09/05\nZK37210311,\n"))

	spec := Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{erp, pos}}}}
	res, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	br := res.Branches[0]
	if br.Err != nil {
		t.Fatal(br.Err)
	}
	var lines []string
	for _, w := range br.Warnings {
		lines = append(lines, w.String())
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"erp.xlsx, sheet 舊版 is hidden, and its 2 invoice(s) were counted",
		"1 invoice(s) without a date counted, first ZK37210311 at " + pos + ": row 3",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings:\n%s\nwant one saying %q", got, want)
		}
	}
	var report strings.Builder
	if err := res.WriteWarnings(&report); err != nil || !strings.Contains(report.String(), "if it is an old copy, delete it") {
		t.Errorf("report: %v\n%s", err, report.String())
	}

	spec.Strict = true
	res, err = Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	var strict *StrictError
	if !errors.As(res.Branches[0].Err, &strict) || len(strict.Warnings) != 2 {
		t.Errorf("strict: %v, want the branch failed on both warnings", res.Branches[0].Err)
	}
}

// Review 14: the note of an export without a seller column was printed
// once a sheet, without the sheet's name (5,000 lines for a workbook of
// 5,000 sheets). It is one note a file, naming the first sheets.
func TestNoSellerNoteOncePerFile(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "alloc.csv", []byte("83012410,7,一般稅額計算,114/09~114/10,ZK,37210300,37210399\n"))
	S := xlsxfixture.S
	var sheets []xlsxfixture.Sheet
	for i := range 8 {
		header := xlsxfixture.Row(S("發票號碼"), S("發票日期"))
		if i == 1 {
			header = append(header, S("賣方統一編號"))
		}
		sheets = append(sheets, xlsxfixture.Sheet{Name: fmt.Sprintf("%d月", i+1), Rows: rows(header,
			xlsxfixture.Row(S(fmt.Sprintf("ZK%08d", 37210300+i)), S("2025/09/03"), S("83012410")))})
	}
	var wb bytes.Buffer
	if err := xlsxfixture.Write(&wb, sheets); err != nil {
		t.Fatal(err)
	}
	erp := writeTestFile(t, dir, "erp.xlsx", wb.Bytes())
	wb.Reset()
	if err := xlsxfixture.Write(&wb, sheets[:3]); err != nil {
		t.Fatal(err)
	}
	small := writeTestFile(t, dir, "small.xlsx", wb.Bytes())
	pos := writeTestFile(t, dir, "pos.csv", []byte("發票號碼,發票日期\nZK37210310,114/09/05\n"))
	res, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{erp, small, pos}}}})
	if err != nil || res.Branches[0].Err != nil {
		t.Fatal(err, res.Branches[0].Err)
	}
	var got []string
	for _, n := range res.Branches[0].notes() {
		got = append(got, n.String())
	}
	want := []string{
		erp + " has no column for seller (賣方統一編號) in 7 sheets (1月, 3月, 4月, 5月, 6月 and 2 more): purchases cannot be told apart",
		small + " has no column for seller (賣方統一編號) in sheet(s) 1月, 3月: purchases cannot be told apart",
		pos + " has no column for seller (賣方統一編號): purchases cannot be told apart",
	}
	if !slices.Equal(got, want) {
		t.Errorf("notes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
