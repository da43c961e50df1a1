package job

import (
	"bytes"
	"context"
	"errors"
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
