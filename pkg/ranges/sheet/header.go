package sheet

import (
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
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

// headerRoles maps normalised header texts to column roles. The names are
// those of the portal's downloads and of common POS and ERP exports.
var headerRoles = map[string]role{
	"發票號碼": roleNumber, "號碼": roleNumber, "發票編號": roleNumber, "發票號": roleNumber,
	"invoicenumber": roleNumber, "invoiceno": roleNumber, "invoice": roleNumber, "number": roleNumber, "no": roleNumber,

	"字軌": roleTrack, "發票字軌": roleTrack, "字軌名稱": roleTrack, "發票字軌名稱": roleTrack,
	"track": roleTrack, "invoicetrack": roleTrack, "prefix": roleTrack,

	"發票狀態": roleStatus, "狀態": roleStatus, "status": roleStatus, "invoicestatus": roleStatus,

	"作廢註記": roleVoid, "作廢": roleVoid, "作廢否": roleVoid, "void": roleVoid, "voided": roleVoid,

	"發票日期": roleDate, "開立日期": roleDate, "日期": roleDate,
	"date": roleDate, "invoicedate": roleDate, "issuedate": roleDate,

	"賣方統一編號": roleSeller, "賣方統編": roleSeller, "sellerban": roleSeller, "sellerid": roleSeller,

	"品名": roleItem, "發票品名": roleItem, "數量": roleItem, "單價": roleItem, "序號": roleItem,

	"買方名稱": roleBuyerName, "買受人名稱": roleBuyerName, "buyername": roleBuyerName,
}

func normalizeHeader(s string) string {
	s = strings.ToLower(width.Narrow.String(ranges.NormalizeText(s)))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '\t', '(', ')':
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
	}
	return ""
}

// layout is where the roles are in one header row: column indexes, -1 when
// absent.
type layout struct {
	row     int
	col     [numRoles]int
	headers []string
}

func (l *layout) has(r role) bool { return l.col[r] >= 0 }

func (l *layout) header(r role) string {
	if i := l.col[r]; i >= 0 && i < len(l.headers) {
		return l.headers[i]
	}
	return ""
}

// matchHeader reads row as a header row. It returns nil when the row has no
// invoice-number column or lacks a column that c names.
func matchHeader(row []string, rowNum int, c Columns) *layout {
	l := &layout{row: rowNum, headers: make([]string, len(row))}
	for i := range l.col {
		l.col[i] = -1
	}
	norm := make([]string, len(row))
	for i, h := range row {
		l.headers[i] = ranges.NormalizeText(h)
		norm[i] = normalizeHeader(h)
		if r := headerRoles[norm[i]]; r != roleNone && l.col[r] < 0 {
			l.col[r] = i
		}
	}
	for r := roleNumber; r < numRoles; r++ {
		name := c.override(r)
		if name == "" {
			continue
		}
		i := indexOf(norm, normalizeHeader(name))
		if i < 0 {
			return nil
		}
		l.col[r] = i
	}
	if l.col[roleNumber] < 0 {
		return nil
	}
	// The portal's asynchronous CSV has two header rows, M,發票號碼,... for
	// invoices and D,發票號碼,品名,... for their items; the M row is the
	// header, and rows starting with D are items.
	switch norm[0] {
	case "m":
		l.col[roleRowKind] = 0
	case "d":
		return nil
	}
	return l
}

func indexOf(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}
