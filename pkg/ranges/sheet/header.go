package sheet

import (
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"golang.org/x/text/width"
)

// role is what a column of an invoice export holds.
type role uint8

const (
	roleNone      role = iota
	roleNumber         // 發票號碼: ZK37210312, or the 8 digits when a 字軌 column exists
	roleTrack          // 字軌
	roleStatus         // 發票狀態: 開立, 作廢, 註銷
	roleVoid           // 作廢註記: Y when voided
	roleDate           // 發票日期
	roleSeller         // 賣方統一編號
	roleItem           // a column only item (line) sheets have
	roleBuyerName      // 買方名稱: free text, where the portal's CSV leaves commas unquoted
	roleRowKind        // the portal's asynchronous CSV: M (invoice) or D (item)
	numRoles
)

// Ranks of header names: when several columns of one header row name the
// same role, the most specific name wins (發票號碼 over 號碼 or number), so a
// generic column such as a row index never beats the column the export
// means. Two columns of the same best rank are an AmbiguousColumnError.
const (
	generic  = 1 // 號碼, number, 日期, 狀態: words many columns could be headed with
	specific = 2 // 發票號碼, 發票狀態, 開立日期: the invoice's own field
	official = 3 // 發票日期: the portal's own name, where exports also have a near synonym
)

// headerName is a recognised header text: the role of its column and how
// specific the name is.
type headerName struct {
	role role
	rank uint8
}

// headerRoles maps normalised header texts to column roles. The names are
// those of the portal's downloads and of common POS and ERP exports
// (UXB2B, iCHEF, SHOPLINE among them). A bare "No." is not among them:
// exports use it for the row index. Nor are columns that hold other numbers
// beside the invoice's own: 作廢發票號碼, 折讓單號碼, 載具號碼, 訂單編號,
// 原始單號, 外部單號, Order No., Running Receipt Number, BillingNo, 發票金額;
// and 發票統一編號 or 買受人統編, the buyer's tax ID, is never the seller.
var headerRoles = map[string]headerName{
	"發票號碼": {roleNumber, specific}, "發票編號": {roleNumber, specific}, "發票號": {roleNumber, specific},
	"invoicenumber": {roleNumber, specific}, "invoiceno": {roleNumber, specific},
	"receiptnumber": {roleNumber, specific}, // iCHEF's English UI
	"號碼":            {roleNumber, generic}, "invoice": {roleNumber, generic}, "number": {roleNumber, generic},

	"發票字軌": {roleTrack, specific}, "發票字軌名稱": {roleTrack, specific}, "invoicetrack": {roleTrack, specific},
	"字軌": {roleTrack, generic}, "字軌名稱": {roleTrack, generic}, "track": {roleTrack, generic}, "prefix": {roleTrack, generic},

	"發票狀態": {roleStatus, specific}, "invoicestatus": {roleStatus, specific},
	"目前概況": {roleStatus, specific}, "currentstatus": {roleStatus, specific}, // iCHEF: 已開立, 已作廢 <time>
	"狀態": {roleStatus, generic}, "status": {roleStatus, generic},

	"作廢註記": {roleVoid, specific},
	"作廢":   {roleVoid, generic}, "作廢否": {roleVoid, generic}, "void": {roleVoid, generic}, "voided": {roleVoid, generic},

	"發票日期": {roleDate, official}, "invoicedate": {roleDate, official},
	"開立日期": {roleDate, specific}, "issuedate": {roleDate, specific},
	"發票開立日期": {roleDate, specific},                                      // SHOPLINE (beside 發票作廢日期, which is not the invoice's date)
	"結帳時間":   {roleDate, specific}, "paymenttime": {roleDate, specific}, // iCHEF's 結帳紀錄
	"日期": {roleDate, generic}, "date": {roleDate, generic},

	"賣方統一編號": {roleSeller, specific}, "賣方統編": {roleSeller, specific}, "sellerban": {roleSeller, specific}, "sellerid": {roleSeller, specific},
	"開立人統編": {roleSeller, specific}, // UXB2B; its 買受人統編 is the buyer

	"品名": {roleItem, generic}, "發票品名": {roleItem, generic}, "數量": {roleItem, generic}, "單價": {roleItem, generic}, "序號": {roleItem, generic},

	"買方名稱": {roleBuyerName, generic}, "買受人名稱": {roleBuyerName, generic}, "buyername": {roleBuyerName, generic},
}

// lookupRole finds the role a header cell names. A cell with line breaks
// is known by its whole text, its lines joined (發票\n號碼, a header
// wrapped in a narrow column), or else by its lines (a bilingual header
// written with Alt+Enter, 發票號碼 over Invoice No.): the lines blanktrack
// knows must name one role, and the most specific of them is the cell's
// rank; lines that name different roles name none, and a generic word
// (號碼) under a line blanktrack does not know (折讓單\n號碼, an allowance's
// number) names nothing.
func lookupRole(h string) (headerName, bool) {
	n, ok := headerRoles[normalizeHeader(h)]
	if ok || !strings.ContainsAny(h, "\n\r") {
		return n, ok
	}
	found, unknown := false, false
	for _, line := range headerLines(h) {
		m, ok := headerRoles[line]
		switch {
		case !ok:
			unknown = true
		case found && m.role != n.role:
			return headerName{}, false
		case !found || m.rank > n.rank:
			n, found = m, true
		}
	}
	if unknown && n.rank == generic {
		return headerName{}, false
	}
	return n, found
}

// headerLines are the normalised lines of a header cell with line breaks.
func headerLines(h string) []string {
	var lines []string
	for _, line := range strings.FieldsFunc(h, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if n := normalizeHeader(line); n != "" {
			lines = append(lines, n)
		}
	}
	return lines
}

// headerIs reports whether the header cell h reads as the name given (a
// --col-* value): its whole text, or one of its lines.
func headerIs(h, name string) bool {
	name = normalizeHeader(name)
	if normalizeHeader(h) == name {
		return true
	}
	if !strings.ContainsAny(h, "\n\r") {
		return false
	}
	for _, line := range headerLines(h) {
		if line == name {
			return true
		}
	}
	return false
}

// normalizeHeader is a header as blanktrack compares it: lower case and
// narrow, without spaces, line breaks and punctuation, so that a --col-*
// value typed with a space where the header has a line break names it.
func normalizeHeader(s string) string {
	s = strings.ToLower(width.Narrow.String(ranges.NormalizeText(s)))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '\t', '(', ')', '\n', '\r':
			return -1
		}
		return r
	}, s)
}

// Columns names columns of an invoice export by their header text,
// overriding the names blanktrack recognises, and the sheet to read.
type Columns struct {
	Sheet  string
	Number string
	Track  string
	Status string
	Void   string
	Date   string
	Seller string
}

func (c Columns) override(r role) string {
	switch r {
	case roleNumber:
		return c.Number
	case roleTrack:
		return c.Track
	case roleStatus:
		return c.Status
	case roleVoid:
		return c.Void
	case roleDate:
		return c.Date
	case roleSeller:
		return c.Seller
	}
	return ""
}

// roleColumns names, for the roles a reader must not guess between, the
// Columns field (in lower case, as the config's [branch.columns] keys
// are) that picks the column, and what the column holds.
var roleColumns = map[role]struct {
	field string
	what  msg.Message
}{
	roleNumber: {"number", msg.T("invoice-number column (發票號碼)")},
	roleTrack:  {"track", msg.T("字軌 column")},
	roleStatus: {"status", msg.T("status column (發票狀態)")},
	roleVoid:   {"void", msg.T("void-mark column (作廢註記)")},
	roleDate:   {"date", msg.T("invoice-date column (發票日期)")},
	roleSeller: {"seller", msg.T("seller column (賣方統一編號)")},
}

// AmbiguousColumnError is a header row with two or more columns that name
// the same role equally well (two 發票號碼 columns, or 開立日期 beside
// 開立日期): blanktrack does not guess which one the export means.
type AmbiguousColumnError struct {
	// Column is the Columns field that picks one, in lower case: number,
	// track, status, void, date or seller.
	Column  string
	What    msg.Message // what the column holds, for the message
	Cols    []int       // the candidates, 1-based
	Headers []string    // their header texts
}

func (e *AmbiguousColumnError) Error() string { return e.Localize(nil) }

// Localize prints the error in p's language.
func (e *AmbiguousColumnError) Localize(p *msg.Printer) string {
	names := make([]string, len(e.Cols))
	for i, c := range e.Cols {
		names[i] = p.Text("%s (%s)", ranges.ColumnName(c), ranges.Clip(e.Headers[i]))
	}
	text := p.Text("columns %s could each be the %v: name the one to read", strings.Join(names, p.Text(" and ")), e.What)
	if e.SameText() {
		text += p.Text("; their headers are the same text, so rename one of them in the file first")
	}
	return text
}

// Example is a candidate's header as it can be typed after --col-* (its
// line breaks as spaces), to show in a hint: the last candidate whose
// header blanktrack knows as a whole, or the last.
func (e *AmbiguousColumnError) Example() string {
	h := e.Headers[len(e.Headers)-1]
	for _, c := range e.Headers {
		if _, ok := headerRoles[normalizeHeader(c)]; ok {
			h = c
		}
	}
	return strings.Join(strings.FieldsFunc(h, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
}

// SameText reports whether the candidates' headers read the same, so that
// naming a header text cannot pick one.
func (e *AmbiguousColumnError) SameText() bool {
	for _, h := range e.Headers[1:] {
		if normalizeHeader(h) != normalizeHeader(e.Headers[0]) {
			return false
		}
	}
	return true
}

// layout is where the roles are in one header row: column indexes, -1 when
// absent.
type layout struct {
	row     int
	col     [numRoles]int
	headers []string
	above   []*ranges.Error // invoice numbers in the rows above the header
	refs    []int           // columns of other invoices' numbers (作廢發票號碼): refcols.go
}

func (l *layout) has(r role) bool { return l.col[r] >= 0 }

func (l *layout) header(r role) string {
	if i := l.col[r]; i >= 0 && i < len(l.headers) {
		return l.headers[i]
	}
	return ""
}

// matchHeader reads row as a header row. It returns nil when the row has no
// invoice-number column or lacks a column that c names. A header row whose
// columns name a role equally well is returned with an
// *AmbiguousColumnError: the row is the header, but cannot be read.
func matchHeader(row []string, rowNum int, c Columns) (*layout, error) {
	l := &layout{row: rowNum, headers: make([]string, len(row))}
	for i := range l.col {
		l.col[i] = -1
	}
	var best [numRoles]uint8
	var tied [numRoles][]int // columns sharing the best rank of a role
	norm := make([]string, len(row))
	for i, h := range row {
		l.headers[i] = ranges.NormalizeText(h)
		norm[i] = normalizeHeader(h)
		n, ok := lookupRole(h)
		if !ok {
			continue
		}
		switch r := n.role; {
		case n.rank > best[r]:
			best[r], l.col[r], tied[r] = n.rank, i, []int{i}
		case n.rank == best[r]:
			tied[r] = append(tied[r], i)
		}
	}
	for r := roleNumber; r < numRoles; r++ {
		name := c.override(r)
		if name == "" {
			continue
		}
		var at []int
		for i, h := range row {
			if headerIs(h, name) {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			return nil, nil
		}
		l.col[r], tied[r] = at[0], at
	}
	if l.col[roleNumber] < 0 {
		return nil, nil
	}
	l.referenceColumns(row)
	// The portal's asynchronous CSV has two header rows, M,發票號碼,... for
	// invoices and D,發票號碼,品名,... for their items; the M row is the
	// header, and rows starting with D are items.
	switch norm[0] {
	case "m":
		l.col[roleRowKind] = 0
	case "d":
		return nil, nil
	}
	for r := roleNumber; r < numRoles; r++ {
		rc, guarded := roleColumns[r]
		if !guarded || len(tied[r]) < 2 {
			continue
		}
		e := &AmbiguousColumnError{Column: rc.field, What: rc.what}
		for _, i := range tied[r] {
			e.Cols = append(e.Cols, i+1)
			e.Headers = append(e.Headers, l.headers[i])
		}
		return l, e
	}
	return l, nil
}
