package sheet

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// unreadRecorder is a recorder that also keeps the cells of sheets not
// read that it was given.
type unreadRecorder struct {
	*recorder
	cells []ranges.Unread
}

func (r *unreadRecorder) AddUnread(c ranges.Unread) bool {
	r.cells = append(r.cells, c)
	return r.recorder.AddUnread(c)
}

// cellsOf says where the cells given were and why their sheets were not
// read: "sheet!A1 ZK00000100 reason".
func (r *unreadRecorder) cellsOf() []string {
	var out []string
	for _, c := range r.cells {
		why := c.Why.(*NotReadError)
		out = append(out, fmt.Sprintf("%s!%s%d %s %d", c.Pos.Sheet, ranges.ColumnName(c.Pos.Col), c.Pos.Row, c.Number, why.Reason))
	}
	return out
}

// Issue 1 and 2: a sheet of a workbook that was not read (no header row
// found, a sheet of line items, a header without a column named, another
// sheet picked) dropped its invoices without a word. Every such sheet is
// looked through, after the invoice sheets, and each cell holding an
// invoice number (one cell, or a 字軌 cell beside the digits) is given to
// the sink with where it is and why its sheet was not read.
func TestReadInvoicesSheetsNotRead(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	items := xlsxfixture.Sheet{Name: "明細", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("品名"), S("數量")),
		xlsxfixture.Row(S("ZK00000100"), S("咖啡"), N(2)),
		xlsxfixture.Row(S("zk-00000101"), S("ZK00000109 贈品"), N(1)),
	)}
	invoices := xlsxfixture.Sheet{Name: "發票", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("發票日期")),
		xlsxfixture.Row(S("ZK00000100"), S("2025/09/01")),
	)}
	bare := xlsxfixture.Sheet{Name: "十月", Rows: rows(
		xlsxfixture.Row(S("月報")),
		xlsxfixture.Row(S("ＺＫ"), N(102), S("ZK"), S("x")),
		xlsxfixture.Row(S("PC"), S("1.5"), S("ZK00000103")),
	), State: "hidden"}
	odd := xlsxfixture.Sheet{Name: "十一月", Rows: rows(
		xlsxfixture.Row(S("發票#"), S("開立日期")),
		xlsxfixture.Row(S("ZK00000104"), S("2025/10/02")),
	)}
	name := writeWorkbook(t, "erp.xlsx", items, invoices, bare, odd)

	u := &unreadRecorder{recorder: zkUsage(t)}
	var errs ranges.ErrorList
	sts, err := ReadInvoiceFile(context.Background(), name, Options{}, u, &errs)
	if err != nil || errs.Err() != nil || len(sts) != 1 || sts[0].Sheet != "發票" {
		t.Fatalf("stats %+v, err %v, %v: want sheet 發票 read", sts, err, errs.Err())
	}
	want := []string{
		"明細!A2 ZK00000100 1", "明細!A3 ZK00000101 1",
		"十月!A2 ZK00000102 0", "十月!C3 ZK00000103 0",
		"十一月!A2 ZK00000104 0",
	}
	if got := u.cellsOf(); !slices.Equal(got, want) {
		t.Errorf("cells of sheets not read:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The invoice sheet was read before the item sheet before it was
	// looked through: its number is used, the others are not.
	nr := u.NotRead()
	if nr.Count != 4 || len(nr.First) != 4 || nr.First[0].Number.String() != "ZK00000101" {
		t.Errorf("NotRead = %+v: want ZK00000101 to 104", nr)
	}
	why := nr.First[1].Why.(*NotReadError)
	if !why.Hidden || why.Sheet != "十月" || !strings.Contains(why.Error(), "hidden sheet 十月 was not read: it has no header row") {
		t.Errorf("why = %+v: %v", why, why)
	}
	if why := nr.First[0].Why.Error(); !strings.Contains(why, "sheet 明細 was not read: its column 品名 (row 1) makes it a sheet of line items") {
		t.Errorf("why = %s", why)
	}

	// A column named that a sheet lacks, and a sheet picked.
	u = &unreadRecorder{recorder: zkUsage(t)}
	_, err = ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Date: "發票日期"}}, u, &errs)
	if err != nil || errs.Err() != nil {
		t.Fatal(err, errs.Err())
	}
	if got := u.cellsOf(); len(got) != 5 || got[0] != "明細!A2 ZK00000100 2" || got[4] != "十一月!A2 ZK00000104 0" {
		t.Errorf("--col-date: cells %v", got)
	}
	if why := u.cells[0].Why.Error(); !strings.Contains(why, `sheet 明細 was not read: its header row (row 1) lacks the column(s) named to read: "發票日期"`) {
		t.Errorf("why = %s", why)
	}
	u = &unreadRecorder{recorder: zkUsage(t)}
	_, err = ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Sheet: "十一月", Number: "發票#"}}, u, &errs)
	if err != nil || errs.Err() != nil || !slices.Equal(usedNumbers(t, u.recorder), []string{"ZK00000104"}) {
		t.Fatal(err, errs.Err(), usedNumbers(t, u.recorder))
	}
	if got := u.cellsOf(); len(got) != 5 || got[2] != "發票!A2 ZK00000100 3" || !strings.Contains(u.cells[2].Why.Error(), "sheet 發票 was not read: sheet 十一月 alone was named to read") {
		t.Errorf("--sheet: cells %v", got)
	}
}
