package sheet

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Reading an invoice row has two halves: parsing its cells, which needs
// nothing but the row (rowParser: workers run it on CSV chunks in
// parallel), and giving the invoice to the sink and counting it, which
// runs in file order (rowSink).

// ErrNoCachedValue is a formula cell of a column blanktrack reads that has
// no saved value: programs that write workbooks without calculating them
// leave one, and its invoice would silently count as missing.
var ErrNoCachedValue = msg.New("a formula without a saved value")

// rowKind is what a row of an invoice export is.
type rowKind uint8

const (
	rowEmpty    rowKind = iota
	rowItem             // a D row of the portal's CSV: an item, not an invoice
	rowNoNumber         // no invoice number (a total, a note)
	rowInvoice
	rowBad // a bad cell: errs[err]
)

// parsedRow is what one row says, before the sink sees it. It holds no
// pointer, so that the rows of a chunk cost the garbage collector nothing.
type parsedRow struct {
	row      int
	number   ranges.Number
	date     int32 // days since 1970-01-01; hasDate
	err      int32 // index in parsedRows.errs of a bad cell (rowBad) or a bad date (dateErr)
	kind     rowKind
	status   ranges.Status
	track    [2]byte
	seller   [8]byte // hasSeller
	hasDate  bool
	dateErr  bool // a bad date: an error unless the row is a purchase
	repaired bool // the portal's unquoted comma in 買方名稱 was undone
	hasSell  bool
}

// parsedRows are the rows of a chunk of a CSV file, or one row of a sheet.
type parsedRows struct {
	rows []parsedRow
	errs []*ranges.Error
	err  error       // a located error after the last row
	refs []parsedRef // numbers of other invoices the rows name, by row
}

func (r *parsedRows) reset() {
	clear(r.errs)
	r.rows, r.errs, r.err, r.refs = r.rows[:0], r.errs[:0], nil, r.refs[:0]
}

// rowParser parses the rows of one sheet or file. It keeps caches, so one
// serves one goroutine.
type rowParser struct {
	l           *layout
	file, sheet string
	serials     bool // numeric date cells are Excel serials (a workbook)
	date1904    bool
	text        bool // a CSV file: a formula is text, never a value

	lastDateRaw   string
	lastDate      int32
	lastStatusRaw string
	lastStatus    statusWord
	statusSeen    bool
	statusCache   map[string]statusWord
	repairBuf     []string
	checked       []role // the roles whose cells a formula without a value must not fill
	valued        []role // the roles whose cells must be values, not formulas, in a CSV file
	width         int    // the header's columns up to its last header: a CSV field past them is an error
}

func newRowParser(l *layout, file, sheet string, serials, date1904, text bool) *rowParser {
	p := &rowParser{l: l, file: file, sheet: sheet, serials: serials, date1904: date1904, text: text,
		statusCache: map[string]statusWord{}}
	for i, h := range l.headers {
		if h != "" {
			p.width = i + 1
		}
	}
	for _, r := range []role{roleNumber, roleTrack, roleSeller, roleDate, roleStatus, roleVoid, roleRowKind} {
		if l.has(r) {
			p.checked = append(p.checked, r)
			if r == roleNumber || r == roleTrack || r == roleDate || r == roleSeller {
				p.valued = append(p.valued, r)
			}
		}
	}
	return p
}

// parse reads one row into out; uncached lists the columns (0-based) whose
// cells are formulas without a saved value.
func (p *rowParser) parse(row []string, rowNum int, uncached []int, out *parsedRows) {
	out.rows = append(out.rows, parsedRow{row: rowNum})
	pr := &out.rows[len(out.rows)-1]
	l := p.l
	bad := func(r role, err error) int32 {
		i := l.col[r]
		e := &ranges.Error{Pos: ranges.Pos{File: p.file, Sheet: p.sheet, Row: rowNum, Col: i + 1, Header: l.header(r)},
			Value: clipValue(cell(row, i)), Err: err, Subject: p.subject(row, pr)}
		out.errs = append(out.errs, e)
		pr.kind = rowBad
		return int32(len(out.errs) - 1)
	}
	for _, c := range uncached {
		for _, r := range p.checked {
			if l.col[r] == c {
				pr.err = bad(r, msg.Errorf("%w: the program that wrote the workbook did not calculate it; open the file in Excel and save it again, or export values", ErrNoCachedValue))
				return
			}
		}
	}
	if emptyRow(row) {
		return
	}
	if l.has(roleRowKind) && ranges.NormalizeCode(cell(row, 0)) == "D" {
		pr.kind = rowItem
		return
	}
	if extra := len(row) - len(l.headers); extra > 0 && l.has(roleBuyerName) && !emptyRow(row[len(l.headers):]) {
		row, p.repairBuf = rejoinName(row, l.col[roleBuyerName], extra, p.repairBuf)
		pr.repaired = true
	}
	if p.text && len(row) > p.width {
		// Two rows glued on one line, or a separator in a cell that is not
		// quoted: a cell past the header would be dropped, and an invoice
		// in it reported blank.
		for i := p.width; i < len(row); i++ {
			if v := row[i]; ranges.NormalizeText(v) != "" {
				e := &ranges.Error{Pos: ranges.Pos{File: p.file, Sheet: p.sheet, Row: rowNum, Col: i + 1}, Value: clipValue(v),
					Err:     msg.Errorf("%s: a cell past the header's %d columns, which blanktrack would not read: two rows joined on one line, or a separator inside a cell that is not quoted? Put each row on a line of its own, or give the column a header", ranges.Quote(v), p.width),
					Subject: &ranges.Subject{}}
				out.errs = append(out.errs, e)
				pr.kind, pr.err = rowBad, int32(len(out.errs)-1)
				return
			}
		}
	}
	if p.text {
		for _, r := range p.valued {
			if v := cell(row, l.col[r]); isFormulaText(v) {
				pr.err = bad(r, msg.Errorf("%s is a formula: a CSV file keeps the formula, not its result; in Excel, paste the column as values and save the CSV again", ranges.Quote(v)))
				return
			}
		}
	}
	if len(l.refs) > 0 {
		p.parseRefs(row, len(out.rows)-1, out)
	}
	if !p.cleanNumber(row, pr) {
		inv, ok, err := parseInvoiceNumber(row, l)
		if err != nil {
			pr.err = bad(roleNumber, err)
			return
		}
		if !ok {
			pr.kind = rowNoNumber
			return
		}
		pr.track = [2]byte{inv.Number.Track[0], inv.Number.Track[1]}
		pr.number = inv.Number.Number
	}
	if l.has(roleSeller) {
		if v := cell(row, l.col[roleSeller]); ranges.NormalizeCode(v) != "" {
			b, err := ranges.ParseBan(v)
			if err != nil {
				pr.err = bad(roleSeller, err)
				return
			}
			copy(pr.seller[:], b)
			pr.hasSell = true
		}
	}
	pr.kind = rowInvoice
	status, unused := p.status(row)
	if unused {
		v := cell(row, l.col[roleStatus])
		pr.err = bad(roleStatus, msg.Errorf("%s: %w, but blanktrack counts every number an export lists as used, so it would not be reported blank; delete the rows of numbers that were never issued (they are then reported blank), or correct the status of an invoice that was issued",
			ranges.Quote(v), ErrUnusedStatus))
		return
	}
	pr.status = status
	if l.has(roleDate) {
		// Exports are sorted by date or number, so a date repeats over
		// many rows: it is parsed once.
		switch v := cell(row, l.col[roleDate]); {
		case v != "" && v == p.lastDateRaw:
			pr.date, pr.hasDate = p.lastDate, true
		case ranges.NormalizeCode(v) != "": // not empty, nor iCHEF's "--" for an empty cell
			d, err := ParseDate(v, p.serials, p.date1904)
			if err != nil {
				pr.err, pr.dateErr = bad(roleDate, err), true
				pr.kind = rowInvoice
				break
			}
			p.lastDateRaw, p.lastDate = v, int32(d.Unix()/86400)
			pr.date, pr.hasDate = p.lastDate, true
		}
	}
}

// subject is the invoice number a bad row names, as far as its cells can
// be read: the row may be the invoice of whoever is allocated it.
func (p *rowParser) subject(row []string, pr *parsedRow) *ranges.Subject {
	if pr.track[0] != 0 { // read before the bad cell
		return &ranges.Subject{Number: ranges.InvoiceNumber{Track: trackName(pr.track), Number: pr.number}, Whole: true}
	}
	if inv, ok, err := parseInvoiceNumber(row, p.l); ok && err == nil {
		return &ranges.Subject{Number: inv.Number, Whole: true}
	}
	if p.l.has(roleTrack) {
		if tr, err := ranges.ParseTrack(cell(row, p.l.col[roleTrack])); err == nil {
			return &ranges.Subject{Number: ranges.InvoiceNumber{Track: tr}}
		}
	}
	return subjectOf(cell(row, p.l.col[roleNumber]))
}

// subjectOf is the invoice number a cell names, whole, or its 字軌 when
// the rest is not a number (ZK3721O302), or nothing.
func subjectOf(v string) *ranges.Subject {
	if n, err := ranges.ParseInvoiceNumber(v); err == nil {
		return &ranges.Subject{Number: n, Whole: true}
	}
	if tr, err := ranges.ParseTrack(prefix(ranges.NormalizeCode(v), 2)); err == nil {
		return &ranges.Subject{Number: ranges.InvoiceNumber{Track: tr}}
	}
	return &ranges.Subject{}
}

// prefix is the first n bytes of s, or s when shorter.
func prefix(s string, n int) string { return s[:min(n, len(s))] }

// ErrUnusedStatus is a row whose status says its number was not used
// (空白未使用, 跳號, unused): an export that lists the numbers it never
// issued would have them counted as used.
var ErrUnusedStatus = msg.New("a status that says the number was not used")

// statusWord is what a status cell says.
type statusWord struct {
	status ranges.Status
	unused bool // the number was not used: ranges.UnusedStatus
}

// status reads the status and void columns. Unknown words count as
// issued: every status is a used number, so the status only feeds the
// report; unused says the status denies the number was used at all. A
// file has a few status words, mostly one after the other: the last is
// kept, the others in a small map.
func (p *rowParser) status(row []string) (s ranges.Status, unused bool) {
	l := p.l
	if l.has(roleStatus) {
		v := cell(row, l.col[roleStatus])
		if v != p.lastStatusRaw || !p.statusSeen {
			w, ok := p.statusCache[v]
			if !ok {
				w = statusWord{ranges.ParseStatus(v), ranges.UnusedStatus(v)}
				if len(p.statusCache) < 64 {
					// A copy: v may be a piece of a large chunk of the file.
					p.statusCache[strings.Clone(v)] = w
				}
			}
			p.lastStatusRaw, p.lastStatus, p.statusSeen = strings.Clone(v), w, true
		}
		if p.lastStatus.unused {
			return 0, true
		}
		if p.lastStatus.status != ranges.StatusIssued {
			return p.lastStatus.status, false
		}
	}
	if l.has(roleVoid) && isVoidMark(cell(row, l.col[roleVoid])) {
		return ranges.StatusVoided, false
	}
	return ranges.StatusIssued, false
}

// cleanNumber reads the invoice number in the clean forms most exports
// write, without normalising: ZK37210312, or ZK beside 37210312. Anything
// else is parseInvoiceNumber's.
func (p *rowParser) cleanNumber(row []string, pr *parsedRow) bool {
	l := p.l
	raw := cell(row, l.col[roleNumber])
	if !l.has(roleTrack) {
		if len(raw) != 10 || !isUpperASCII(raw[0]) || !isUpperASCII(raw[1]) || !allDigits(raw[2:]) {
			return false
		}
		pr.track, pr.number = [2]byte{raw[0], raw[1]}, digitsValue(raw[2:])
		return true
	}
	tr := cell(row, l.col[roleTrack])
	if len(tr) != 2 || !isUpperASCII(tr[0]) || !isUpperASCII(tr[1]) || len(raw) > 8 || !allDigits(raw) {
		return false
	}
	pr.track, pr.number = [2]byte{tr[0], tr[1]}, digitsValue(raw)
	return true
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// digitsValue is the value of at most 8 ASCII digits.
func digitsValue(s string) ranges.Number {
	var n ranges.Number
	for i := 0; i < len(s); i++ {
		n = n*10 + ranges.Number(s[i]-'0')
	}
	return n
}

// isFormulaText reports whether a CSV cell holds a formula (=B2+1) rather
// than Excel's ="..." wrapping of a text.
func isFormulaText(v string) bool {
	if v == "" {
		return false
	}
	if c := v[0]; c < utf8.RuneSelf && c != ' ' && c != '\t' && c != '=' {
		return false
	}
	v = strings.TrimSpace(v)
	return len(v) > 1 && v[0] == '=' && ranges.UnwrapExcelText(v) == v
}

// rowSink gives parsed rows to the sink in file order and counts them.
type rowSink struct {
	st    *FileStats
	sink  Sink
	errs  *ranges.ErrorList
	sheet string
	l     *layout

	refWhy map[int]*NamedOnlyError // by column: refcols.go

	lastSeller [8]byte // the seller asked about last, and the answer
	lastBan    ranges.Ban
	lastOwn    bool
}

// take records row i of rows; false means reading stops (the error list
// is full).
func (s *rowSink) take(rows *parsedRows, i int) bool {
	pr := &rows.rows[i]
	st := s.st
	switch pr.kind {
	case rowEmpty:
		return true
	case rowItem:
		st.Items++
		return true
	}
	st.Rows++
	pos := ranges.Pos{File: st.File, Sheet: s.sheet, Row: pr.row}
	if pr.repaired {
		st.Repaired.Add(ranges.Invoice{Pos: pos})
	}
	switch pr.kind {
	case rowBad:
		return s.errs.Add(rows.errs[pr.err])
	case rowNoNumber:
		st.NoNumber++
		if len(rows.refs) > 0 {
			return s.takeRefs(rows, i)
		}
		return true
	}
	if pr.hasSell {
		if pr.seller != s.lastSeller || s.lastBan == "" {
			s.lastSeller, s.lastBan = pr.seller, ranges.Ban(pr.seller[:])
			s.lastOwn = s.sink.OwnBan(s.lastBan)
		}
		if !s.lastOwn {
			st.Purchases++
			return true
		}
	}
	if pr.dateErr {
		return s.errs.Add(rows.errs[pr.err])
	}
	inv := ranges.Invoice{
		Number: ranges.InvoiceNumber{Track: trackName(pr.track), Number: pr.number},
		Status: pr.status,
		Pos:    pos,
	}
	if pr.hasDate {
		inv.Date = time.Unix(int64(pr.date)*86400, 0).UTC()
	}
	outcome := s.sink.Add(inv)
	if len(rows.refs) > 0 && outcome != ranges.OutsidePeriod && !s.takeRefs(rows, i) { // another period's row names another period's numbers
		return false
	}
	switch outcome {
	case ranges.Counted:
		st.Invoices++
		if st.HasDate && !pr.hasDate {
			st.NoDate++
			st.NoDateRows.Add(inv)
		}
		switch inv.Status {
		case ranges.StatusVoided:
			st.Voided++
		case ranges.StatusNullified:
			st.Nullified++
		}
	case ranges.OutsidePeriod:
		st.OutsidePeriod++
	case ranges.Unallocated:
		st.Unallocated++
	}
	return true
}

// trackNames holds every 字軌, so that invoices share these strings rather
// than pieces of the text they were read from.
var trackNames = func() (t [26 * 26]ranges.Track) {
	for i := range t {
		t[i] = ranges.Track([]byte{byte('A' + i/26), byte('A' + i%26)})
	}
	return t
}()

func trackName(t [2]byte) ranges.Track {
	return trackNames[int(t[0]-'A')*26+int(t[1]-'A')]
}
