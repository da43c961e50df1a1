package sheet

import (
	"context"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// A sheet of a workbook that is not read as invoices must not drop the
// invoices it lists without a word: they would be reported blank. The
// reader looks through every such sheet, once the invoice sheets are read,
// for cells that hold invoice numbers and gives them to the sink
// (Sink.AddUnread); the caller decides, once every export is read,
// whether an export that was read lists them (ranges.Usage.NotRead).

// NotReadReason is why a sheet of a workbook was not read.
type NotReadReason uint8

// Reasons for a sheet not read.
const (
	// NoHeaderRow: no header row with an invoice-number column in the
	// first rows of the sheet.
	NoHeaderRow NotReadReason = iota
	// ItemSheet: the header has a column only sheets of line items have
	// (品名, 數量, …): the items of invoices listed on another sheet, as the
	// old portal's download has.
	ItemSheet
	// LacksNamedColumn: the header lacks a column the options name
	// (Columns.Number, …).
	LacksNamedColumn
	// OtherSheetPicked: the options pick another sheet (Columns.Sheet).
	OtherSheetPicked
)

// NotReadError is a sheet of a workbook that was not read, and why. It is
// the Why of the ranges.Unread cells of the sheet; the caller wraps it in
// an error when the sheet holds numbers no export that was read lists.
type NotReadError struct {
	Sheet     string
	Hidden    bool
	Reason    NotReadReason
	HeaderRow int      // ItemSheet, LacksNamedColumn: the header row found
	Header    string   // ItemSheet: the header of the item column
	Missing   []string // LacksNamedColumn: the headers named that the row lacks
	Picked    string   // OtherSheetPicked: the sheet picked
}

func (e *NotReadError) Error() string { return e.Localize(nil) }

// Localize says, in p's language, that the sheet was not read and why.
func (e *NotReadError) Localize(p *msg.Printer) string {
	sheet := p.Text("sheet %s", ranges.Visible(e.Sheet))
	if e.Hidden {
		sheet = p.Text("hidden sheet %s", ranges.Visible(e.Sheet))
	}
	switch e.Reason {
	case NoHeaderRow:
		return p.Text("%s was not read: it has no header row with an invoice-number column (%s) in its first %d rows", sheet, knownNumberHeaders, headerScanRows)
	case ItemSheet:
		return p.Text("%s was not read: its column %s (row %d) makes it a sheet of line items, taken for the items of invoices listed elsewhere", sheet, ranges.Clip(e.Header), e.HeaderRow)
	case LacksNamedColumn:
		quoted := make([]string, len(e.Missing))
		for i, m := range e.Missing {
			quoted[i] = ranges.Quote(m)
		}
		return p.Text("%s was not read: its header row (row %d) lacks the column(s) named to read: %s", sheet, e.HeaderRow, strings.Join(quoted, ", "))
	}
	return p.Text("%s was not read: sheet %s alone was named to read", sheet, ranges.Visible(e.Picked))
}

// Remedy says how to have the sheet read, or to leave it out.
func (e *NotReadError) Remedy() msg.Message {
	switch e.Reason {
	case NoHeaderRow:
		return msg.T("if the sheet lists invoices that were issued, head their column 發票號碼 in one of its first %d rows, or name the header it has; if it lists none, delete the sheet", headerScanRows)
	case ItemSheet:
		return msg.T("if its rows are invoices that were issued, save the sheet as a file of its own and give that file as well; if it lists none, delete the sheet")
	case LacksNamedColumn:
		return msg.T("if the sheet lists invoices that were issued, give it the header named; if it lists none, delete the sheet")
	}
	return msg.T("name no sheet to read every invoice sheet of the workbook; if the sheet lists no invoice that was issued, delete it")
}

// skippedSheet is a sheet of a workbook not read, to look through for
// invoice numbers once the invoice sheets are read.
type skippedSheet struct {
	ref sheetRef
	why *NotReadError
}

// scanUnread gives sink every cell of a sheet that was not read that
// holds an invoice number.
func (w *workbook) scanUnread(ctx context.Context, s skippedSheet, sink Sink) error {
	t, err := w.openSheet(ctx, s.ref.name)
	if err != nil {
		return err
	}
	defer t.Close()
	for n := 1; t.Next(); n++ {
		if err := ctxErr(ctx, n); err != nil {
			return err
		}
		row := t.Row()
		for i := 0; i < len(row); i++ {
			num, cells, ok := unreadNumber(row, i)
			if !ok {
				continue
			}
			sink.AddUnread(ranges.Unread{Number: num, Why: s.why,
				Pos: ranges.Pos{File: w.name, Sheet: s.ref.name, Row: t.RowNum(), Col: i + 1}})
			i += cells - 1
		}
	}
	return t.Err()
}

// unreadNumber reads an invoice number at row[i], in the forms a reader
// takes: ZK37210312 (or ZK-37210312) in one cell, or a 字軌 cell followed by
// a cell of up to 8 digits (a number Excel left without its leading
// zeros). cells is how many cells it took.
func unreadNumber(row []string, i int) (n ranges.InvoiceNumber, cells int, ok bool) {
	v := codeCell(row[i])
	if len(v) == 11 && (v[2] == '-' || v[2] == ' ') {
		v = v[:2] + v[3:]
	}
	switch {
	case len(v) == 10 && isUpperASCII(v[0]) && isUpperASCII(v[1]) && allDigits(v[2:]):
		return ranges.InvoiceNumber{Track: trackName([2]byte{v[0], v[1]}), Number: digitsValue(v[2:])}, 1, true
	case len(v) == 2 && isUpperASCII(v[0]) && isUpperASCII(v[1]) && i+1 < len(row):
		if d := codeCell(row[i+1]); len(d) <= 8 && allDigits(d) {
			return ranges.InvoiceNumber{Track: trackName([2]byte{v[0], v[1]}), Number: digitsValue(d)}, 2, true
		}
	}
	return n, 0, false
}

// codeCell is a cell normalised as ranges.NormalizeCode does, or "" for a
// cell that cannot hold a code: text that starts with a character beyond
// ASCII other than a full-width form or an ideographic space (Chinese
// text), or longer than a code written in full-width forms and wrapped as
// ="…".
func codeCell(v string) string {
	if v == "" || len(v) > 48 {
		return ""
	}
	if c := v[0]; c >= 0x80 && c != 0xEF && c != 0xE3 {
		return ""
	}
	return ranges.NormalizeCode(v)
}
