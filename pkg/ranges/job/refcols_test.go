package job

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
)

// A voided original named only in a column that names other invoices'
// numbers (作廢發票號碼, 原發票號碼) of a sheet that is read was reported
// blank, exit 0: a voided number must never be. It is an error at its
// cell unless a row lists it as an invoice; a number no allocation holds,
// or one a row lists, is no concern.
func TestNumberNamedOnlyInAReferenceColumn(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "alloc.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,37210300,37210349\n"))
	csvText := "發票號碼,發票日期,作廢發票號碼,原發票號碼\n" +
		"ZK37210300,2026/09/01,,\n" +
		"ZK37210301,2026/09/01,,ZK37210300\n" +
		"ZK37210303,2026/09/02,ZK37210302,ZK37210302\n" +
		"ZK37210304,2026/09/02,,AB12345678\n"
	S := xlsxfixture.S
	var wb bytes.Buffer
	err := xlsxfixture.Write(&wb, []xlsxfixture.Sheet{{Name: "發票", Rows: func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("發票號碼"), S("發票日期"), S("原始發票號碼")))
		emit(xlsxfixture.Row(S("ZK37210300"), S("2026/09/01"), S("")))
		emit(xlsxfixture.Row(S("ZK37210303"), S("2026/09/02"), S("ZK37210302")))
	}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"csv", csvText, "voids.csv: row 4, column C (作廢發票號碼): ZK37210302 is named in column C (作廢發票號碼) but no row lists it as an invoice, so it would be reported blank; add its row (as 作廢 if it was voided)"},
		{"xlsx", wb.String(), "voids.xlsx: sheet 發票, row 3, column C (原始發票號碼): ZK37210302 is named in column C (原始發票號碼) but no row lists it as an invoice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := writeTestFile(t, dir, "voids."+tc.name, []byte(tc.data))
			res, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{inv}}}})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Branches[0].Err
			if got == nil {
				t.Fatalf("no error; files %v", res.Files())
			}
			if !strings.Contains(got.Error(), tc.want) {
				t.Errorf("error %v\nwant %q", got, tc.want)
			}
			// Listed as an invoice too, in this file or another: no error.
			more := writeTestFile(t, dir, "more.csv", []byte("發票號碼,發票日期,發票狀態\nZK37210302,2026/09/02,作廢\n"))
			res, err = Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{inv, more}}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Branches[0].Err; err != nil {
				t.Errorf("with the row given: %v", err)
			}
		})
	}
}
