package job

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// Issues 1 and 2: a workbook's sheet that was not read (here one whose
// header blanktrack does not know) left its invoices out, and they were
// filed blank with exit 0. Its numbers are harmless only when an export
// that was read lists them, in any file, before or after; otherwise the
// branch that owns them fails with an error at the sheet's first such
// cell, saying why the sheet was not read.
func TestSheetNotReadFailsTheBranchItHides(t *testing.T) {
	dir := t.TempDir()
	headAlloc := writeTestFile(t, dir, "a-head.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00000049\n"))
	branchAlloc := writeTestFile(t, dir, "a-branch.csv", []byte(allocHeader+"04595257,7,一般稅額計算,115/09~115/10,ZL,00000000,00000049\n"))
	S := xlsxfixture.S
	var wb bytes.Buffer
	err := xlsxfixture.Write(&wb, []xlsxfixture.Sheet{
		{Name: "九月", Rows: rows(
			xlsxfixture.Row(S("發票號碼"), S("發票日期")),
			xlsxfixture.Row(S("ZK00000001"), S("2026/09/01")),
			xlsxfixture.Row(S("ZK00000002"), S("2026/08/31")), // of the period before: listed, not used
		)},
		{Name: "十月", Rows: rows(
			xlsxfixture.Row(S("發票#"), S("發票日期")),
			xlsxfixture.Row(S("ZK00000001"), S("2026/09/01")),
			xlsxfixture.Row(S("ZK00000002"), S("2026/08/31")),
			xlsxfixture.Row(S("ZK00000003"), S("2026/10/01")), // in pos.csv
			xlsxfixture.Row(S("ZL00000004"), S("2026/10/01")), // the branch's
			xlsxfixture.Row(S("ZM00000005"), S("2026/10/01")), // in no allocation
		)},
	})
	if err != nil {
		t.Fatal(err)
	}
	erp := writeTestFile(t, dir, "erp.xlsx", wb.Bytes())
	pos := writeTestFile(t, dir, "pos.csv", []byte("發票號碼,發票日期\nZK00000003,2026/10/01\nZL00000001,2026/10/01\n"))

	// Every number of 十月 an export lists: nothing to say.
	pos2 := writeTestFile(t, dir, "pos2.csv", []byte("發票號碼,發票日期\nZL00000004,2026/10/01\n"))
	res, err := Run(context.Background(), Spec{Config: true, Branches: []Branch{
		{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: []string{erp, pos}},
		{Ban: "04595257", Allocs: []string{branchAlloc}, Invoices: []string{pos2}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, br := range res.Branches {
		if br.Err != nil {
			t.Errorf("branch %s: %v", br.Ban, br.Err)
		}
	}

	// ZL00000004 is in no export read: the branch it belongs to fails,
	// the head office does not.
	res, err = Run(context.Background(), Spec{Config: true, Branches: []Branch{
		{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: []string{erp, pos}},
		{Ban: "04595257", Allocs: []string{branchAlloc}, Invoices: []string{pos}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Branches[0].Err; e != nil {
		t.Errorf("head office: %v", e)
	}
	list := ranges.AsList(res.Branches[1].Err)
	var located *ranges.Error
	var why *sheet.NotReadError
	if list == nil || len(list.Errs) != 1 || !errors.As(list.Errs[0], &located) || !errors.As(list.Errs[0], &why) {
		t.Fatalf("branch error %v: want one located error of a sheet not read", res.Branches[1].Err)
	}
	if located.File != erp || located.Sheet != "十月" || located.Row != 5 || located.Col != 1 || located.Value != "ZL00000004" || why.Reason != sheet.NoHeaderRow {
		t.Errorf("error at %+v, value %q, reason %d", located.Pos, located.Value, why.Reason)
	}
	if msg := located.Error(); !strings.Contains(msg, "sheet 十月 was not read: it has no header row") ||
		!strings.Contains(msg, "so ZL00000004, an allocated number listed in no export that was read, would be reported blank; if the sheet lists invoices that were issued") {
		t.Errorf("message: %s", msg)
	}
	if len(res.Files()) != 1 {
		t.Errorf("files %v: want the head office's alone", res.Files())
	}
}

func rows(rs ...[]xlsxfixture.Cell) func(func([]xlsxfixture.Cell)) {
	return func(emit func([]xlsxfixture.Cell)) {
		for _, r := range rs {
			emit(r)
		}
	}
}

// Review rv1, finding 8: past the cells kept, "N more allocated
// number(s) … are in sheets that were not read" named no sheet, and the
// sheet's own error counted only the cells kept. The numbers of one sheet
// named already are counted in its error; those of other sheets are on a
// line that names them.
func TestNotReadMoreNamesTheSheets(t *testing.T) {
	cell := func(file, sh string, n ranges.Number, why error) ranges.Unread {
		return ranges.Unread{Number: ranges.InvoiceNumber{Track: "ZK", Number: n}, Pos: ranges.Pos{File: file, Sheet: sh, Row: 2, Col: 1}, Why: why}
	}
	a, b := errors.New("sheet A was not read"), errors.New("sheet B was not read")
	nr := ranges.NotRead{Count: 1000, First: []ranges.Unread{cell("x.xlsx", "A", 1, a), cell("x.xlsx", "A", 2, a)}, More: []ranges.Unread{cell("x.xlsx", "A", 3, a)}}
	if err := notRead(nr); err == nil || !strings.Contains(err.Error(), "ZK00000001 and 999 more allocated numbers") || strings.Contains(err.Error(), "in sheets that were not read") {
		t.Errorf("one sheet: %v", err)
	}
	nr.More = append(nr.More, cell("y.xlsx", "B", 4, b))
	if err := notRead(nr); err == nil || !strings.Contains(err.Error(), "ZK00000001 and 1 more allocated numbers") ||
		!strings.Contains(err.Error(), "998 more allocated number(s), listed in no export that was read, are in sheets that were not read (x.xlsx: sheet A; y.xlsx: sheet B)") {
		t.Errorf("two sheets: %v", err)
	}
}
