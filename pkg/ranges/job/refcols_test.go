package job

import (
	"bytes"
	"context"
	"fmt"
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

// A reference cell was read only when it was one whole invoice number:
// 8 digits whose 字軌 is the row's, several numbers in one cell, a number
// inside a note, were dropped and their numbers reported blank, exit 0;
// so was a value that is a broken number. Every number a reference cell
// holds counts; a broken one is an error at the cell; a note without a
// number is no concern.
func TestReferenceCellForms(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "alloc.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,37210300,37210349\n"))
	listed := "ZK37210300,2026/10/01,開立,\nZK37210301,2026/10/01,開立,無\nZK37210302,2026/10/01,開立,同上\n"
	for _, tc := range []struct {
		name, data, want string
	}{
		{"digits", "字軌,號碼,發票日期,原發票號碼\nZK,37210300,2026/10/01,\nZK,37210301,2026/10/01,N/A\nZK,37210302,2026/10/05,37210315\n",
			"row 4, column D (原發票號碼): ZK37210315 is named in column D (原發票號碼) but no row lists it as an invoice"},
		{"digits combined", "發票號碼,發票日期,發票狀態,原發票號碼\n" + listed + "ZK37210303,2026/10/05,開立,37210315\n",
			"row 5, column D (原發票號碼): ZK37210315 is named in column D (原發票號碼) but no row lists it as an invoice"},
		{"slash", "發票號碼,發票日期,發票狀態,原發票號碼\n" + listed + "ZK37210303,2026/10/05,開立,ZK37210300/ZK37210315\n",
			"row 5, column D (原發票號碼): ZK37210315 is named in column D (原發票號碼) but no row lists it as an invoice"},
		{"list", "發票號碼,發票日期,發票狀態,原發票號碼\n" + listed + "ZK37210303,2026/10/05,開立,\"ZK37210302、ZK37210316\"\n",
			"row 5, column D (原發票號碼): ZK37210316 is named in column D (原發票號碼) but no row lists it as an invoice"},
		{"text", "發票號碼,發票日期,發票狀態,原發票號碼\n" + listed + "ZK37210303,2026/10/05,開立,作廢重開 ZK37210315\n",
			"row 5, column D (原發票號碼): ZK37210315 is named in column D (原發票號碼) but no row lists it as an invoice"},
		{"broken", "發票號碼,發票日期,發票狀態,原發票號碼\n" + listed + "ZK37210303,2026/10/05,開立,ZK3721031O\n",
			`row 5, column D (原發票號碼): "ZK3721031O" is not an invoice number: want 2 letters and 8 digits`},
		{"broken digits", "發票號碼,發票日期,發票狀態,原發票號碼\n" + listed + "ZK37210303,2026/10/05,開立,3721031O\n",
			`row 5, column D (原發票號碼): "3721031O" is not an invoice number: want 2 letters and 8 digits`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := writeTestFile(t, dir, "refs.csv", []byte(tc.data))
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
		})
	}
	// Notes without a number and numbers the file lists are no concern.
	inv := writeTestFile(t, dir, "fine.csv", []byte("發票號碼,發票日期,發票狀態,原發票號碼\n"+listed+
		"ZK37210303,2026/10/05,開立,作廢重開 ZK37210300/ZK37210301\nZK37210304,2026/10/05,開立,退貨 2 件\n"))
	res, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{inv}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Branches[0].Err; err != nil {
		t.Errorf("notes and listed numbers: %v", err)
	}
}

// With a configuration, a reference cell of one branch's export that
// names another branch's number, in text or broken, must fail that
// branch: its file was written with the number blank, exit 0.
func TestReferenceCellFailsItsNumbersBranch(t *testing.T) {
	dir := t.TempDir()
	headAlloc := writeTestFile(t, dir, "head.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,TA,10000000,10000199\n"))
	branchAlloc := writeTestFile(t, dir, "branch.csv", []byte(allocHeader+"24549210,7,一般稅額計算,115/09~115/10,TB,20000000,20000099\n"))
	var rows strings.Builder
	rows.WriteString("發票號碼,發票日期\n")
	for n := 0; n < 20; n++ {
		fmt.Fprintf(&rows, "TB200000%02d,2026/09/01\n", n)
	}
	branchInv := writeTestFile(t, dir, "branch_inv.csv", []byte(rows.String()))
	for _, tc := range []struct{ name, cell, want string }{
		{"text", "原TB20000060", "TB20000060 is named in column D (原發票號碼) but no row lists it as an invoice"},
		{"broken", "TB2000006O", `"TB2000006O" is not an invoice number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headInv := writeTestFile(t, dir, "head_inv.csv", []byte("發票號碼,發票日期,發票狀態,原發票號碼\nTA10000000,2026/09/01,開立,\nTA10000010,2026/10/01,作廢,"+tc.cell+"\n"))
			res, err := Run(context.Background(), Spec{Branches: []Branch{
				{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: []string{headInv}},
				{Ban: "24549210", Allocs: []string{branchAlloc}, Invoices: []string{branchInv}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Branches[1].Err; err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("branch 24549210: error %v\nwant %q; files %v", err, tc.want, res.Files())
			}
		})
	}
}
