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
// of row at of a parsedRows, or (err > 0) a value there that is a broken
// invoice number: parsedRows.errs[err-1].
type parsedRef struct {
	at     int32
	col    int32
	err    int32
	number ranges.Number
	track  [2]byte
}

// parseRefs keeps the invoice numbers of row's reference columns, for
// the row at in out: every 字軌 and 8 digits inside a cell's text
// (ZK37210300/ZK37210315, 作廢重開 ZK37210315), found as the look-through
// of unread sheets finds them; 8 digits alone with the row's own 字軌. A
// note without a number is no concern: the column is not the row's own
// number. A value that yields no number but looks like a broken one
// (ZK3721031O) is an error at the cell, as in the number column: the
// number it was meant to be would be reported blank.
func (p *rowParser) parseRefs(row []string, at int, out *parsedRows) {
	for _, c := range p.l.refs {
		v := cell(row, c)
		if v == "" {
			continue
		}
		add := func(n ranges.InvoiceNumber) {
			out.refs = append(out.refs, parsedRef{at: int32(at), col: int32(c), number: n.Number, track: [2]byte{n.Track[0], n.Track[1]}})
		}
		if n, err := ranges.ParseInvoiceNumber(v); err == nil {
			add(n)
			continue
		}
		found := len(out.refs)
		textCodes(v, add)
		if len(out.refs) > found {
			continue
		}
		code := ranges.NormalizeCode(v)
		if len(code) == 8 && allDigits(code) {
			if tr, ok := p.rowTrack(row); ok {
				add(ranges.InvoiceNumber{Track: tr, Number: digitsValue(code)})
				continue
			}
		}
		if !brokenNumber(code) {
			continue
		}
		_, err := ranges.ParseInvoiceNumber(v)
		out.errs = append(out.errs, &ranges.Error{
			Pos:   ranges.Pos{File: p.file, Sheet: p.sheet, Row: out.rows[at].row, Col: c + 1, Header: p.l.headers[c]},
			Value: clipValue(v), Err: err, Subject: subjectOf(v)})
		out.refs = append(out.refs, parsedRef{at: int32(at), col: int32(c), err: int32(len(out.errs))})
	}
}

// rowTrack is the 字軌 of the row's own invoice: its 字軌 column, or its
// combined number.
func (p *rowParser) rowTrack(row []string) (ranges.Track, bool) {
	if p.l.has(roleTrack) {
		tr, err := ranges.ParseTrack(cell(row, p.l.col[roleTrack]))
		return tr, err == nil
	}
	n, err := ranges.ParseInvoiceNumber(cell(row, p.l.col[roleNumber]))
	return n.Track, err == nil
}

// brokenNumber reports whether a normalised cell that holds no invoice
// number looks like one written wrong: two letters and 7 or 8 characters
// mostly digits (ZK3721031O, ZK3721031), or 8 characters mostly digits
// (3721031O, or 8 digits with no 字軌 to read them with). A note, a dash,
// 無 or N/A is not.
func brokenNumber(v string) bool {
	if len(v) > 2 && isUpperASCII(v[0]) && isUpperASCII(v[1]) {
		rest := v[2:]
		if rest[0] == '-' || rest[0] == ' ' {
			rest = rest[1:]
		}
		if len(rest) == 7 || len(rest) == 8 {
			return mostlyDigits(rest)
		}
	}
	return len(v) == 8 && mostlyDigits(v)
}

// mostlyDigits reports whether at least three quarters of s's bytes are
// ASCII digits.
func mostlyDigits(s string) bool {
	d := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			d++
		}
	}
	return 4*d >= 3*len(s)
}

// takeRefs gives the numbers of row i's reference columns to the sink.
// A broken value goes to the error list: false means reading stops (the
// list is full).
func (s *rowSink) takeRefs(rows *parsedRows, i int) bool {
	k, _ := slices.BinarySearchFunc(rows.refs, int32(i), func(r parsedRef, at int32) int { return cmp.Compare(r.at, at) })
	for ; k < len(rows.refs) && rows.refs[k].at == int32(i); k++ {
		r := rows.refs[k]
		if r.err > 0 {
			if !s.errs.Add(rows.errs[r.err-1]) {
				return false
			}
			continue
		}
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
	return true
}
