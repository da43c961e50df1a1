package sheet

import (
	"cmp"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Columns that name another invoice's number beside the row's own: the
// voided original of a reissue (作廢發票號碼), the invoice an allowance or a
// reissue refers to (原發票號碼). They are never the invoice-number column
// (headerRoles leaves them out), but a number they name must not be
// reported blank when no row lists it: it was issued. Their numbers go to
// Sink.AddUnread, to be resolved, as the numbers of sheets not read are,
// once every export is read.

// referenceHeaders are the normalised headers of such columns.
var referenceHeaders = map[string]bool{
	"作廢發票號碼": true, "原發票號碼": true, "原始發票號碼": true, "作廢原發票號碼": true,
	"voidinvoicenumber": true, "voidedinvoicenumber": true, "originalinvoicenumber": true, "originalinvoiceno": true,
}

// isReferenceHeader reports whether h heads a column of other invoices'
// numbers: by its whole text, or its lines joined (作廢 over 發票號碼).
func isReferenceHeader(h string) bool {
	if referenceHeaders[normalizeHeader(h)] {
		return true
	}
	return strings.ContainsAny(h, "\n\r") && referenceHeaders[strings.Join(headerLines(h), "")]
}

// referenceColumns lists the columns of a header row that name other
// invoices' numbers, leaving out any the layout reads for a role (a
// --col-number that names one).
func (l *layout) referenceColumns(row []string) {
	for i, h := range row {
		if isReferenceHeader(h) && !slices.Contains(l.col[:], i) {
			l.refs = append(l.refs, i)
		}
	}
}

// NamedOnlyError is why a number of a column that names other invoices'
// numbers (作廢發票號碼, 原發票號碼) is in the tally of numbers no row may
// list (ranges.Unread.Why): one value a column of a sheet.
type NamedOnlyError struct {
	Sheet  string
	Column int // 1-based
	Header string
}

func (e *NamedOnlyError) Error() string { return e.Localize(nil) }

// Localize names the column in p's language.
func (e *NamedOnlyError) Localize(p *msg.Printer) string {
	return p.Text("column %s (%s)", ranges.ColumnName(e.Column), ranges.Clip(e.Header))
}

// parsedRef is an invoice number in a column of other invoices' numbers
// of row at of a parsedRows.
type parsedRef struct {
	at     int32
	col    int32
	number ranges.Number
	track  [2]byte
}

// parseRefs keeps the invoice numbers of row's reference columns, for
// the row at in out. A cell that is not an invoice number is no concern:
// the column is not the row's own number.
func (p *rowParser) parseRefs(row []string, at int, out *parsedRows) {
	for _, c := range p.l.refs {
		v := cell(row, c)
		if v == "" {
			continue
		}
		if n, err := ranges.ParseInvoiceNumber(v); err == nil {
			out.refs = append(out.refs, parsedRef{at: int32(at), col: int32(c), number: n.Number, track: [2]byte{n.Track[0], n.Track[1]}})
		}
	}
}

// takeRefs gives the numbers of row i's reference columns to the sink.
func (s *rowSink) takeRefs(rows *parsedRows, i int) {
	k, _ := slices.BinarySearchFunc(rows.refs, int32(i), func(r parsedRef, at int32) int { return cmp.Compare(r.at, at) })
	for ; k < len(rows.refs) && rows.refs[k].at == int32(i); k++ {
		r := rows.refs[k]
		why := s.refWhy[int(r.col)]
		if why == nil {
			if s.refWhy == nil {
				s.refWhy = map[int]*NamedOnlyError{}
			}
			why = &NamedOnlyError{Sheet: s.sheet, Column: int(r.col) + 1, Header: s.l.headers[r.col]}
			s.refWhy[int(r.col)] = why
		}
		s.sink.AddUnread(ranges.Unread{
			Number: ranges.InvoiceNumber{Track: trackName(r.track), Number: r.number},
			Pos:    ranges.Pos{File: s.st.File, Sheet: s.sheet, Row: rows.rows[i].row, Col: int(r.col) + 1, Header: why.Header},
			Why:    why,
		})
	}
}
