package sheet

import (
	"context"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"golang.org/x/text/width"
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
	// DeepHeader: a header row with an invoice-number column, found when
	// the sheet was looked through, lies below the first rows of the
	// sheet, under title rows.
	DeepHeader
)

// deepHeaderRows is how far down the look-through of a sheet without a
// header row looks for one: below the rows a reader looks at, title
// rows, not data.
const deepHeaderRows = 100

// NotReadError is a sheet of a workbook that was not read, and why. It is
// the Why of the ranges.Unread cells of the sheet; the caller wraps it in
// an error when the sheet holds numbers no export that was read lists.
type NotReadError struct {
	Sheet     string
	Hidden    bool
	Reason    NotReadReason
	HeaderRow int      // ItemSheet, LacksNamedColumn, DeepHeader: the header row found
	Header    string   // ItemSheet: the header of the item column; DeepHeader: of the number column
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
	case DeepHeader:
		return p.Text("%s was not read: its header row, row %d (%s), lies below its first %d rows, where blanktrack looks for it", sheet, e.HeaderRow, ranges.Clip(e.Header), headerScanRows)
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
	case DeepHeader:
		return msg.T("if the sheet lists invoices that were issued, delete the title rows above row %d, so that its header is in its first %d rows; if it lists none, delete the sheet", e.HeaderRow, headerScanRows)
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
// A sheet without a header row in its first rows may have one further
// down, under title rows: the reason then says where (DeepHeader). c are
// the columns the options name.
func (w *workbook) scanUnread(ctx context.Context, s skippedSheet, c Columns, sink Sink) error {
	t, err := w.openSheet(ctx, s.ref.name)
	if err != nil {
		return err
	}
	defer t.Close()
	var sc unreadScanner
	c.Sheet = ""
	for n := 1; t.Next(); n++ {
		if err := ctxErr(ctx, n); err != nil {
			return err
		}
		if s.why.Reason == NoHeaderRow && t.RowNum() > headerScanRows && t.RowNum() <= deepHeaderRows {
			if l, _ := matchHeader(t.Row(), t.RowNum(), c); l != nil {
				s.why.Reason, s.why.HeaderRow, s.why.Header = DeepHeader, t.RowNum(), l.header(roleNumber)
			}
		}
		if sc.lookHeader(t.Row()) {
			continue
		}
		sc.row(t.Row(), t.Numeric(), func(num ranges.InvoiceNumber, col int) {
			sink.AddUnread(ranges.Unread{Number: num, Why: s.why,
				Pos: ranges.Pos{File: w.name, Sheet: s.ref.name, Row: t.RowNum(), Col: col + 1, Header: sc.header(col)}})
		})
	}
	return t.Err()
}

// unreadScanner finds the invoice numbers of the rows of a sheet not
// read, in the forms people write them:
//
//   - a 字軌 and its 8 digits anywhere in a cell's text (ZK37210312,
//     ZK-37210312, ZK 37210312, ZK/37210312, in full-width forms, lower
//     case, inside a sentence, both ends of a range written in one cell);
//   - under a header row that names the invoice-number column (號碼,
//     發票號碼, below the rows a reader looks at, or on a sheet of line
//     items), a 字軌 cell and that column's cell, whatever its digits (a
//     number Excel left without its leading zeros): the header says what
//     the cell is;
//   - a cell of 2 letters (the 字軌) followed by a cell of up to 8 digits,
//     or a 字軌 cell and a number cell elsewhere in the row (字軌, 日期,
//     發票號碼, or the number first). A count or a month beside a 字軌 on a
//     summary sheet must not read as an invoice, so a cell away from the
//     字軌 (outside the number column a header names) must be 8 digits of
//     text, or a number cell of at least 6 digits.
//
// A column whose header names another number (統編, 金額, 張數, 起號, …:
// see otherNumberHeader) is never taken as the number; a 字軌 and its 8
// digits in one of its cells still are. A header row holds for the rows
// below it, to the next: a table further down without one keeps the
// columns it names, and any other column is read by its digits, so that a
// second table is not missed.
//
// It keeps buffers and the last header row seen, so one serves one sheet.
type unreadScanner struct {
	tracks  []int     // the row's 字軌 cells
	paired  []int     // the row's number cells taken beside a 字軌
	kinds   []colKind // by column, from the last header row seen
	headers []string  // the last header row seen, for where a number was
}

// colKind is what the look-through takes a column for, by its header.
type colKind uint8

const (
	colAny    colKind = iota // no header, or one that says nothing: the digits decide
	colNumber                // the header names the invoice number: any digits
	colOther                 // the header names another number: never the invoice's
)

// minApartDigits is how many digits a number cell away from its 字軌 cell
// must have: a count or an amount has fewer, an invoice number more.
const minApartDigits = 6

// kind is what column i is taken for.
func (sc *unreadScanner) kind(i int) colKind {
	if i < len(sc.kinds) {
		return sc.kinds[i]
	}
	return colAny
}

// header is the header text of column i, "" when none is known.
func (sc *unreadScanner) header(i int) string {
	if i < len(sc.headers) {
		return sc.headers[i]
	}
	return ""
}

// lookHeader takes row for the sheet's header row, for the rows below
// it, if it is one: a row of two or more cells of text without digits or
// a 字軌, one of which is a header blanktrack knows (發票號碼, 開立日期), a
// 字軌 (字軌, 憑證字軌: a summary or a purchases sheet) or another number
// (金額, 統編: see otherNumberHeader). When blanktrack would read the row as a
// header row, it names the number column.
func (sc *unreadScanner) lookHeader(row []string) bool {
	named, cells := false, 0
	for _, c := range row {
		if c == "" {
			continue
		}
		cells++
		if strings.ContainsAny(c, "0123456789") {
			return false
		}
		if v := codeCell(c); len(v) == 2 && isUpperASCII(v[0]) && isUpperASCII(v[1]) {
			return false
		}
		if !named && len(c) <= 64 {
			h := normalizeHeader(c)
			_, ok := lookupRole(c)
			named = ok || strings.Contains(h, "字軌") || otherNumberHeader(c)
		}
	}
	if !named || cells < 2 {
		return false
	}
	l, _ := matchHeader(row, 0, Columns{})
	sc.kinds, sc.headers = sc.kinds[:0], sc.headers[:0]
	for i, c := range row {
		k := colAny
		switch {
		case l != nil && i == l.col[roleNumber]:
			k = colNumber
		case otherNumberHeader(c):
			k = colOther
		}
		sc.kinds = append(sc.kinds, k)
		sc.headers = append(sc.headers, ranges.NormalizeText(c))
	}
	return true
}

// otherNumbers are words of headers of columns that hold numbers that are
// not invoice numbers, though they may have as many digits: a business's
// 統編 (a purchases sheet's seller has our 字軌 letters), a phone, an
// amount (金額, 稅額, 銷售額), a count, an order; and the ends of ranges of
// a summary of allocations (字軌, 起號, 迄號), which lists numbers, not
// invoices.
var otherNumbers = []string{
	"統編", "統一編號", "賣方", "買方",
	"電話", "phone",
	"額", "amount", "price", "價",
	"張數", "count", "數量", "計數", "加總", "合計", "小計", "總計",
	"訂單", "order",
	"起號", "迄號", "止號",
}

// otherNumberHeader reports whether the header cell h names a number that
// is not an invoice's own: it has a word of otherNumbers.
func otherNumberHeader(h string) bool {
	h = normalizeHeader(h)
	return slices.ContainsFunc(otherNumbers, func(w string) bool { return strings.Contains(h, w) })
}

// row finds the invoice numbers of row (numeric says which cells are
// number cells, nil for text) and gives each with the column of the cell
// taken as the number.
func (sc *unreadScanner) row(row []string, numeric []bool, found func(ranges.InvoiceNumber, int)) {
	sc.tracks, sc.paired = sc.tracks[:0], sc.paired[:0]
	for i, c := range row {
		if c == "" {
			continue
		}
		v := codeCell(c)
		if len(v) == 2 && isUpperASCII(v[0]) && isUpperASCII(v[1]) {
			tr := trackName([2]byte{v[0], v[1]})
			sc.tracks = append(sc.tracks, i)
			if i+1 < len(row) && sc.kind(i+1) != colOther {
				if d := digitsCell(row[i+1], isNumeric(numeric, i+1)); len(d) <= 8 && allDigits(d) {
					found(ranges.InvoiceNumber{Track: tr, Number: digitsValue(d)}, i+1)
					sc.paired = append(sc.paired, i+1)
				}
			}
			continue
		}
		textCodes(c, func(n ranges.InvoiceNumber) { found(n, i) })
	}
	if len(sc.tracks) == 0 {
		return
	}
	for i, c := range row {
		k := sc.kind(i)
		if c == "" || k == colOther || slices.Contains(sc.paired, i) {
			continue
		}
		num := isNumeric(numeric, i)
		d := digitsCell(c, num)
		if len(d) > 8 || !allDigits(d) || k == colAny && len(d) < 8 && (!num || len(d) < minApartDigits) {
			continue
		}
		for _, j := range sc.tracks {
			v := codeCell(row[j])
			found(ranges.InvoiceNumber{Track: trackName([2]byte{v[0], v[1]}), Number: digitsValue(d)}, i)
		}
	}
}

func isNumeric(numeric []bool, i int) bool { return i < len(numeric) && numeric[i] }

// digitsCell is a cell as codeCell reads it, and a number cell's value
// without a fraction of zeros: a workbook written by a script may save
// 37210312 as 37210312.0.
func digitsCell(c string, numeric bool) string {
	d := codeCell(c)
	if numeric {
		if dot := strings.IndexByte(d, '.'); dot > 0 && strings.Trim(d[dot+1:], "0") == "" {
			d = d[:dot]
		}
	}
	return d
}

// textCodes finds in the text of a cell each 字軌 and 8 digits, apart or
// joined by one '-', ' ' or '/': 2 letters that follow no letter, and 8
// digits that no digit follows. Full-width forms and lower case count.
func textCodes(s string, found func(ranges.InvoiceNumber)) {
	// Most cells hold fewer than 8 digits: they are passed over without
	// a copy.
	digits, wide := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99: // ０ to ９
			digits++
			wide = true
		case c == 0xEF || c == 0xE3: // other full-width forms, an ideographic space
			wide = true
		}
	}
	if digits < 8 {
		return
	}
	if wide {
		s = width.Narrow.String(strings.ReplaceAll(s, "\u3000", " "))
	}
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j-i == 8 {
			p := i
			if p > 0 && (s[p-1] == '-' || s[p-1] == ' ' || s[p-1] == '/') {
				p--
			}
			if p >= 2 && isLetter(s[p-2]) && isLetter(s[p-1]) && (p == 2 || !isLetter(s[p-3])) {
				tr := trackName([2]byte{s[p-2] &^ 0x20, s[p-1] &^ 0x20})
				found(ranges.InvoiceNumber{Track: tr, Number: digitsValue(s[i:j])})
			}
		}
		i = j
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

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
