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
		"明細!A2 ZK00000100 1", "明細!A3 ZK00000101 1", "明細!B3 ZK00000109 1",
		"十月!B2 ZK00000102 0", "十月!C3 ZK00000103 0",
		"十一月!A2 ZK00000104 0",
	}
	if got := u.cellsOf(); !slices.Equal(got, want) {
		t.Errorf("cells of sheets not read:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The invoice sheet was read before the item sheet before it was
	// looked through: its number is used, the others are not.
	nr := u.NotRead()
	if nr.Count != 5 || len(nr.First) != 5 || nr.First[0].Number.String() != "ZK00000101" {
		t.Errorf("NotRead = %+v: want ZK00000101 to 104 and 109", nr)
	}
	why := nr.First[2].Why.(*NotReadError)
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
	if got := u.cellsOf(); len(got) != 6 || got[0] != "明細!A2 ZK00000100 2" || got[5] != "十一月!A2 ZK00000104 0" {
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
	if got := u.cellsOf(); len(got) != 6 || got[3] != "發票!A2 ZK00000100 3" || !strings.Contains(u.cells[3].Why.Error(), "sheet 發票 was not read: sheet 十一月 alone was named to read") {
		t.Errorf("--sheet: cells %v", got)
	}
}

// Review rv1, finding 1: a sheet not read listed issued invoices with the
// 字軌 cell away from the number cell (a header below the rows looked at,
// 發票號碼 before 字軌 or 日期 between them), as ZK/00000115, inside text,
// or as a range in one cell; nothing was found, so those numbers were
// reported blank. A summary row (字軌 then a count further on) must not
// read as an invoice, nor text of fewer than 8 digits away from the track.
func TestReadInvoicesUnreadTrackApart(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	invoices := oneInvoiceSheet()
	odd := titledSheet("十月",
		xlsxfixture.Row(S("發票號碼"), S("字軌"), S("日期")),
		xlsxfixture.Row(S("00000111"), S("ZK"), S("2025/10/01")),
		xlsxfixture.Row(S("字軌"), S("日期"), S("發票號碼")),
		xlsxfixture.Row(S("zk"), S("2025/10/01"), S("00000112")),
	)
	forms := xlsxfixture.Sheet{Name: "其他", Rows: rows(
		xlsxfixture.Row(S("票號"), S("軌"), S("日期")),
		xlsxfixture.Row(N(37210311), S("ZL"), S("x")), // ZL37210311: in no allocation
		xlsxfixture.Row(N(100113), S("ZK"), S("2025/10/01")),
		xlsxfixture.Row(S("ZK"), S("2025/10/01"), S("x"), N(100114)),
		xlsxfixture.Row(S("ZK/00000115")),
		xlsxfixture.Row(S("發票ＺＫ０００００116已開立")),
		xlsxfixture.Row(S("本期空白"), S("ZK00000117~zk-00000118")),
		xlsxfixture.Row(S("ABZK00000119"), S("ZK000001190"), S("ZK 0000012")),
	)}
	summary := xlsxfixture.Sheet{Name: "統計", Rows: rows(
		xlsxfixture.Row(S("字軌"), S("期別"), S("開立張數"), S("作廢張數")),
		xlsxfixture.Row(S("ZL"), S("115/10"), N(11), N(0)),
		xlsxfixture.Row(S("ZL"), S("115/10"), S("000120"), S("00121")),
		xlsxfixture.Row(S("ZL"), N(122)), // beside the track: read, as before, and placed at the number
	)}
	name := writeWorkbook(t, "erp.xlsx", invoices, odd, forms, summary)

	u := &unreadRecorder{recorder: zkUsage(t)}
	var errs ranges.ErrorList
	sts, err := ReadInvoiceFile(context.Background(), name, Options{}, u, &errs)
	if err != nil || errs.Err() != nil || len(sts) != 1 || sts[0].Sheet != "發票" {
		t.Fatalf("stats %+v, err %v, %v: want sheet 發票 read", sts, err, errs.Err())
	}
	var got []string
	for _, c := range u.cells {
		got = append(got, fmt.Sprintf("%s!%s%d %s", c.Pos.Sheet, ranges.ColumnName(c.Pos.Col), c.Pos.Row, c.Number))
	}
	want := []string{
		"十月!A13 ZK00000111", "十月!C15 ZK00000112",
		"其他!A2 ZL37210311", "其他!A3 ZK00100113", "其他!D4 ZK00100114",
		"其他!A5 ZK00000115", "其他!A6 ZK00000116",
		"其他!B7 ZK00000117", "其他!B7 ZK00000118",
		"統計!B4 ZL00000122",
	}
	if !slices.Equal(got, want) {
		t.Errorf("cells of sheets not read:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A workbook written by a script may save a number cell's value with a
// fraction of zeros (37210312.0): beside a 字軌 or away from it, it is
// the number; a text cell is not, nor a fraction that is not zeros.
func TestUnreadScannerNumberCells(t *testing.T) {
	for _, c := range []struct {
		row     []string
		numeric []bool
		want    string
	}{
		{[]string{"ZK", "37210312.0"}, []bool{false, true}, "ZK37210312@2"},
		{[]string{"ZK", "x", "37210312.00"}, []bool{false, false, true}, "ZK37210312@3"},
		{[]string{"37210312.", "ZK"}, []bool{true, false}, "ZK37210312@1"},
		{[]string{"ZK", "37210312.0"}, []bool{false, false}, ""},
		{[]string{"ZK", "x", "37210312.5"}, []bool{false, false, true}, ""},
		{[]string{"ZK", "x", "0.0"}, []bool{false, false, true}, ""},
	} {
		var got []string
		var sc unreadScanner
		sc.row(c.row, c.numeric, func(n ranges.InvoiceNumber, col int) { got = append(got, fmt.Sprintf("%s@%d", n, col+1)) })
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q (numeric %v): found %v, want %s", c.row, c.numeric, got, c.want)
		}
	}
}

// Review rv1, finding 8: a sheet not read whose header blanktrack knows
// lies below the rows it looks at said it had no header row and to name
// one with --col-number, which cannot help. The look-through finds the
// header, and the sheet's reason says where it is and that the title rows
// above it are to be removed.
func TestReadInvoicesUnreadDeepHeader(t *testing.T) {
	S := xlsxfixture.S
	name := writeWorkbook(t, "erp.xlsx", oneInvoiceSheet(), titledSheet("十月",
		xlsxfixture.Row(S("字軌"), S("發票\n號碼"), S("日期")),
		xlsxfixture.Row(S("ZK"), S("00000111"), S("2025/10/01")),
	))
	u := &unreadRecorder{recorder: zkUsage(t)}
	var errs ranges.ErrorList
	if _, err := ReadInvoiceFile(context.Background(), name, Options{}, u, &errs); err != nil || errs.Err() != nil {
		t.Fatal(err, errs.Err())
	}
	if len(u.cells) != 1 {
		t.Fatalf("cells %v", u.cellsOf())
	}
	why := u.cells[0].Why.(*NotReadError)
	if why.Reason != DeepHeader || why.HeaderRow != 12 {
		t.Errorf("why %+v", why)
	}
	if got := why.Error(); !strings.Contains(got, "sheet 十月 was not read: its header row, row 12 (發票\\n號碼), lies below its first 10 rows") {
		t.Errorf("why: %s", got)
	}
	if got := why.Remedy().String(); !strings.Contains(got, "delete the title rows above row 12") {
		t.Errorf("remedy: %s", got)
	}
}

// oneInvoiceSheet is a sheet 發票 that lists ZK00000100.
func oneInvoiceSheet() xlsxfixture.Sheet {
	S := xlsxfixture.S
	return xlsxfixture.Sheet{Name: "發票", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("發票日期")),
		xlsxfixture.Row(S("ZK00000100"), S("2025/09/01")),
	)}
}

// titledSheet is a sheet of 11 title rows, then rs from row 12 on.
func titledSheet(name string, rs ...[]xlsxfixture.Cell) xlsxfixture.Sheet {
	var all [][]xlsxfixture.Cell
	for range 11 {
		all = append(all, xlsxfixture.Row(xlsxfixture.S("某某股份有限公司")))
	}
	return xlsxfixture.Sheet{Name: name, Rows: rows(append(all, rs...)...)}
}

// Review rv3, finding 2: a sheet not read whose header row the
// look-through knows (字軌 and 號碼, below the rows looked at) lists
// numbers that lost their leading zeros (an allocation from 00000000),
// not directly right of the 字軌: the rule that a number cell away from its
// 字軌 has at least 6 digits dropped them, and they were reported blank.
// The header names the number column: its cells are the numbers, whatever
// their digits, as a number cell or as text.
func TestReadInvoicesUnreadHeaderNamesNumber(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	far := titledSheet("十月",
		xlsxfixture.Row(S("字軌"), S("日期"), S("號碼")),
		xlsxfixture.Row(S("ZK"), S("2025/10/01"), N(111)),
		xlsxfixture.Row(S("ZK"), S("2025/10/01"), S("112")),
	)
	right := titledSheet("十一月",
		xlsxfixture.Row(S("號碼"), S("字軌")),
		xlsxfixture.Row(N(113), S("ZK")),
		xlsxfixture.Row(),
		// A second table without a header of its own: its columns are
		// read by their digits, as on a sheet without a header.
		xlsxfixture.Row(S("ZK"), S("00000114")),
	)
	name := writeWorkbook(t, "erp.xlsx", oneInvoiceSheet(), far, right)
	u := &unreadRecorder{recorder: zkUsage(t)}
	var errs ranges.ErrorList
	if _, err := ReadInvoiceFile(context.Background(), name, Options{}, u, &errs); err != nil || errs.Err() != nil {
		t.Fatal(err, errs.Err())
	}
	want := []string{"十月!C13 ZK00000111 4", "十月!C14 ZK00000112 4", "十一月!A13 ZK00000113 4", "十一月!B15 ZK00000114 4"}
	if got := u.cellsOf(); !slices.Equal(got, want) {
		t.Errorf("cells of sheets not read:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range u.cells {
		if c.Pos.Header != "號碼" && c.Pos.Header != "字軌" {
			t.Errorf("%s: header %q, want the number column's, 號碼", c.Number, c.Pos.Header)
		}
	}
}

// Review rv3, finding 5: the look-through paired a 字軌 with any 8-digit
// cell of the row, or with a count beside it: a purchases sheet's 賣方統編,
// a summary of allocations' 起號 and 迄號, an amount, a phone or an order
// number became an allocated invoice number and a false error. Under a
// header row with a 字軌 column, a column headed with another number is
// never the number; a 字軌 and its digits in one cell still are. The cell
// taken as the number is where the number is placed, with its header, so
// that the error says which cell it read.
func TestReadInvoicesUnreadOtherNumbers(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	purch := xlsxfixture.Sheet{Name: "進項", Rows: rows(
		xlsxfixture.Row(S("憑證字軌"), S("憑證號碼"), S("賣方統編"), S("金額")),
		xlsxfixture.Row(S("ZK"), S("88880001"), S("00000131"), N(150)),
	)}
	sum := xlsxfixture.Sheet{Name: "配號", Rows: rows(
		xlsxfixture.Row(S("字軌"), S("起號"), S("迄號"), S("已用張數"), S("備註")),
		xlsxfixture.Row(S("ZK"), S("00000100"), S("00000149"), N(10), S("ZK00000115 作廢")),
		xlsxfixture.Row(S("ZK"), N(150), N(199), N(0)),
	)}
	other := xlsxfixture.Sheet{Name: "統計", Rows: rows(
		xlsxfixture.Row(S("字軌"), S("張數")),
		xlsxfixture.Row(S("ZK"), N(111)),
		xlsxfixture.Row(S("字軌"), S("電話"), S("訂單編號"), S("Amount")),
		xlsxfixture.Row(S("ZK"), S("00000112"), N(100113), N(100114)),
		xlsxfixture.Row(S("字軌"), S("日期"), S("張數"), S("銷售額")),
		xlsxfixture.Row(S("ZK"), S("2025/10/12"), N(11), N(100115)),
		xlsxfixture.Row(S("列標籤"), S("計數 - 發票號碼"), S("加總 - 金額")),
		xlsxfixture.Row(S("ZK"), N(11), N(100116)),
	)}
	name := writeWorkbook(t, "erp.xlsx", oneInvoiceSheet(), purch, sum, other)
	u := &unreadRecorder{recorder: zkUsage(t)}
	var errs ranges.ErrorList
	if _, err := ReadInvoiceFile(context.Background(), name, Options{}, u, &errs); err != nil || errs.Err() != nil {
		t.Fatal(err, errs.Err())
	}
	var got []string
	for _, c := range u.cells {
		got = append(got, fmt.Sprintf("%s!%s%d(%s) %s", c.Pos.Sheet, ranges.ColumnName(c.Pos.Col), c.Pos.Row, c.Pos.Header, c.Number))
	}
	want := []string{"進項!B2(憑證號碼) ZK88880001", "配號!E2(備註) ZK00000115"}
	if !slices.Equal(got, want) {
		t.Errorf("cells of sheets not read:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
