package sheet

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// headerScanRows is how many rows are searched for the header row.
const headerScanRows = 10

// FileStats is what reading one invoice export found: a CSV file, or one
// sheet of a workbook.
type FileStats struct {
	File      string
	Sheet     string // the sheet read, for a workbook
	Hidden    bool   // the sheet is hidden in the workbook (an old copy?)
	Encoding  string // the detected encoding, for a CSV file
	HeaderRow int

	Rows          int // non-empty rows below the header, item rows excluded
	Items         int // item rows (D rows of the portal's CSV): not invoices
	NoNumber      int // rows without an invoice number (totals, notes)
	Invoices      int // invoices whose numbers count as used
	Purchases     int // invoices another business issued (進項): not counted
	OutsidePeriod int // dated outside the period: not counted
	Unallocated   int // in no loaded allocation: not counted
	Voided        int // counted invoices marked voided (作廢)
	Nullified     int // counted invoices marked nullified (註銷)
	// NoDate counts the invoices counted without a date in an export that
	// has a date column (a short row, an empty date cell): taken as in the
	// period, unchecked. NoDateRows lists the first of them.
	NoDate     int
	NoDateRows ranges.Listing

	HasDate   bool // the export has a date column, so the period was checked
	HasSeller bool // the export has a seller column, so purchases were skipped
	HasStatus bool // the export has a status or void column

	// Repaired lists rows with more fields than the header because the
	// portal left commas in 買方名稱 unquoted; they were read with the fields
	// after the name shifted back.
	Repaired ranges.Listing
}

// Options tune how invoice exports are read.
type Options struct {
	Columns Columns
	// Progress, if set, is called now and then with how much of the file has
	// been read, in units of total (bytes or rows); total is 0 when unknown.
	Progress func(done, total int64)
}

// Sink takes the invoices a reader finds. *ranges.Usage is one.
type Sink interface {
	// OwnBan reports whether b is a seller whose invoices count: an invoice
	// another business issued is a purchase (進項), not ours.
	OwnBan(b ranges.Ban) bool
	// Add records an invoice and says whether it counted.
	Add(inv ranges.Invoice) ranges.Outcome
	// AddUnread takes a cell of a sheet that was not read that holds an
	// invoice number, and says whether the number lies in a loaded
	// allocation: it counts as used only if an export that was read
	// lists it (see ranges.Usage.NotRead).
	AddUnread(c ranges.Unread) bool
}

// ErrNoHeader is an export in which no header row with an invoice-number
// column was found.
var ErrNoHeader = msg.New("no header row with an invoice-number column")

// ErrNoSheet is a workbook without the sheet the options named.
var ErrNoSheet = msg.New("no sheet")

// NamedColumnsError is ErrNoHeader when the options named columns (a
// header the user typed): no header row has them all, so the name given,
// not the file, is the likely mistake.
type NamedColumnsError struct {
	Named []string // the headers named in the options
	err   error
}

func (e *NamedColumnsError) Error() string                  { return e.err.Error() }
func (e *NamedColumnsError) Localize(p *msg.Printer) string { return p.Localize(e.err) }
func (e *NamedColumnsError) Unwrap() error                  { return e.err }

// DeepHeaderError is ErrNoHeader for an export whose header row lies
// below the rows searched for it, under title rows: naming a column cannot
// help, deleting the title rows does.
type DeepHeaderError struct {
	Row    int    // the header row found
	Header string // the header of its invoice-number column
	err    error
}

func (e *DeepHeaderError) Error() string                  { return e.err.Error() }
func (e *DeepHeaderError) Localize(p *msg.Printer) string { return p.Localize(e.err) }
func (e *DeepHeaderError) Unwrap() error                  { return e.err }

func deepHeader(l *layout) *DeepHeaderError {
	h := l.header(roleNumber)
	return &DeepHeaderError{Row: l.row, Header: h, err: msg.Errorf("%w (%s) in the first %d rows: header %s was found on row %d; delete the title rows above it, so that it is in the first %d rows",
		ErrNoHeader, knownNumberHeaders, headerScanRows, ranges.Clip(h), l.row, headerScanRows)}
}

// noHeader is the error of an export without a header row; named columns
// make it a *NamedColumnsError.
func noHeader(c Columns, err error) error {
	if named := c.named(); len(named) > 0 {
		return &NamedColumnsError{Named: named, err: err}
	}
	return err
}

// ReadInvoices reads one export of issued invoices, a CSV file or an .xlsx
// workbook told from its bytes, and gives every invoice to sink,
// streaming. name is the file's name in messages. It returns one FileStats
// per table read: one for a CSV file; for a workbook, one per invoice
// sheet, in the workbook's order (see readInvoiceWorkbook). Bad cells are
// added to errs (reading stops when it is full); the returned error is
// for a file that cannot be read at all, or ctx's error, with the stats of
// the sheets read before it. A workbook is read from r directly when r
// can read at offsets (an *os.File, a *bytes.Reader); from any other
// reader it is buffered, up to 64 MiB.
func ReadInvoices(ctx context.Context, r io.Reader, name string, opts Options, sink Sink, errs *ranges.ErrorList) ([]FileStats, error) {
	return readInvoices(ctx, newSource(r), name, opts, sink, errs)
}

func readInvoices(ctx context.Context, src source, name string, opts Options, sink Sink, errs *ranges.ErrorList) ([]FileStats, error) {
	format, kind, br, err := sniff(src, name)
	if err != nil {
		return nil, err
	}
	if format == FormatWorkbook {
		return readInvoiceWorkbook(ctx, src, br, name, opts, sink, errs)
	}
	st := FileStats{File: name}
	t := newCSV(ctx, newTextInput(br, kind), name)
	defer t.Close()
	l, err := findHeader(t, opts.Columns, name, newSeenHeaders(opts.Columns))
	if err == nil {
		err = readInvoiceRows(ctx, t, l, sink, errs, &st)
	}
	t.Close()
	st.Encoding = t.Encoding()
	var re *ranges.Error
	var deep *DeepHeaderError
	if t.pipe.split.sep == ';' && errors.Is(err, ErrNoHeader) && !errors.As(err, &deep) && errors.As(err, &re) {
		re.Err = msg.Errorf("%w; its first lines made the file read as semicolon-separated", re.Err)
	}
	return []FileStats{st}, err
}

// ReadInvoiceFile reads a named export as ReadInvoices does; progress, if
// asked for, counts its bytes.
func ReadInvoiceFile(ctx context.Context, name string, opts Options, sink Sink, errs *ranges.ErrorList) ([]FileStats, error) {
	src, closeFile, err := openFile(name, opts.Progress)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	return readInvoices(ctx, src, name, opts, sink, errs)
}

// readInvoiceWorkbook reads every invoice sheet of a workbook: each sheet
// whose header has an invoice-number column and is not a sheet of line
// items, hidden ones too (an export may keep a month per sheet); failing
// any, the first with an invoice-number column. Options.Columns.Sheet
// picks one sheet. Each sheet finds its own header. Every other sheet is
// then looked through for invoice numbers, given to sink.AddUnread.
func readInvoiceWorkbook(ctx context.Context, src source, br io.Reader, name string, opts Options, sink Sink, errs *ranges.ErrorList) ([]FileStats, error) {
	wb, err := openWorkbook(src, br, name)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	pick := opts.Columns.Sheet
	if pick != "" && !slices.ContainsFunc(wb.sheets, func(r sheetRef) bool { return r.name == pick }) {
		list := wb.SheetNames()
		if len(list) > 10 {
			list = append(slices.Clip(list[:10]), "…")
		}
		return nil, &ranges.Error{Pos: ranges.Pos{File: name}, Value: pick,
			Err: msg.Errorf("%w %s; its sheets are: %s", ErrNoSheet, ranges.Quote(pick), strings.Join(list, ", "))}
	}
	var stats []FileStats
	var skipped []skippedSheet
	fallback := -1    // in skipped: the first sheet of line items
	var deepErr error // the first sheet's whose header row lies below the rows searched
	seen := newSeenHeaders(opts.Columns)
	// read reads a sheet whose header was found, and closes it.
	read := func(ref sheetRef, t *sheetTable, l *layout) error {
		st := FileStats{File: name, Hidden: ref.hidden}
		err := readSheet(ctx, t, l, opts, sink, errs, &st)
		t.Close()
		stats = append(stats, st)
		return err
	}
	for _, ref := range wb.sheets {
		why := &NotReadError{Sheet: ref.name, Hidden: ref.hidden}
		if pick != "" && ref.name != pick {
			why.Reason, why.Picked = OtherSheetPicked, pick
			skipped = append(skipped, skippedSheet{ref, why})
			continue
		}
		t, err := wb.openSheet(ctx, ref.name)
		if err != nil {
			return stats, err
		}
		l, err := findHeader(t, opts.Columns, name, seen)
		if terr := t.Err(); terr != nil { // a damaged sheet
			t.Close()
			return stats, terr
		}
		var deep *DeepHeaderError
		if l == nil || (l.has(roleItem) && !l.has(roleStatus)) {
			t.Close()
			if l != nil {
				if fallback < 0 {
					fallback = len(skipped)
				}
				why.Reason, why.HeaderRow, why.Header = ItemSheet, l.row, l.header(roleItem)
			} else if errors.As(err, &deep) {
				why.Reason, why.HeaderRow, why.Header = DeepHeader, deep.Row, deep.Header
				if deepErr == nil {
					deepErr = err
				}
			} else if err := wb.lacksNamed(ctx, ref, opts.Columns, why); err != nil {
				return stats, err
			}
			skipped = append(skipped, skippedSheet{ref, why})
			continue
		}
		if err != nil { // the sheet's header is ambiguous
			t.Close()
			return stats, err
		}
		if err := read(ref, t, l); err != nil || errs.Full() {
			return stats, err
		}
	}
	if len(stats) == 0 && fallback >= 0 {
		ref := skipped[fallback].ref
		skipped = slices.Delete(skipped, fallback, fallback+1)
		t, err := wb.openSheet(ctx, ref.name)
		if err != nil {
			return nil, err
		}
		l, err := findHeader(t, opts.Columns, name, nil)
		if err != nil {
			t.Close()
			return nil, err
		}
		if err := read(ref, t, l); err != nil || errs.Full() {
			return stats, err
		}
	}
	if len(stats) == 0 && deepErr != nil {
		return nil, deepErr
	}
	if len(stats) == 0 {
		return nil, &ranges.Error{Pos: ranges.Pos{File: name}, Err: noHeader(opts.Columns, msg.Errorf("%w (%s) in the first %d rows of any sheet%v%v",
			ErrNoHeader, knownNumberHeaders, headerScanRows, givenColumns(opts.Columns), seen))}
	}
	for _, s := range skipped {
		if err := wb.scanUnread(ctx, s, opts.Columns, sink); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// lacksNamed tells a sheet without a header row from one whose header
// row lacks a column the options name: why says which.
func (w *workbook) lacksNamed(ctx context.Context, ref sheetRef, c Columns, why *NotReadError) error {
	why.Reason = NoHeaderRow
	if len(c.named()) == 0 {
		return nil
	}
	t, err := w.openSheet(ctx, ref.name)
	if err != nil {
		return err
	}
	defer t.Close()
	l, _ := findHeader(t, Columns{}, w.name, nil)
	if err := t.Err(); err != nil {
		return err
	}
	if l == nil {
		return nil
	}
	why.Reason, why.HeaderRow = LacksNamedColumn, l.row
	for _, n := range c.named() {
		if !slices.ContainsFunc(l.headers, func(h string) bool { return headerIs(h, n) }) {
			why.Missing = append(why.Missing, n)
		}
	}
	return nil
}

func readSheet(ctx context.Context, t *sheetTable, l *layout, opts Options, sink Sink, errs *ranges.ErrorList, st *FileStats) error {
	st.Sheet = t.Sheet()
	if opts.Progress != nil {
		// A workbook's bytes are read at once: rows tell the progress.
		total := int64(t.total)
		p := opts.Progress
		defer p(total, total)
		return readInvoiceRows(ctx, &progressTable{sheetTable: t, report: p, total: total}, l, sink, errs, st)
	}
	return readInvoiceRows(ctx, t, l, sink, errs, st)
}

const knownNumberHeaders = "發票號碼, 號碼, invoice number"

// givenColumns names the columns the options asked for, for a message.
func givenColumns(c Columns) msg.Message {
	named := c.named()
	if len(named) == 0 {
		return msg.T("")
	}
	for i, n := range named {
		named[i] = ranges.Quote(n)
	}
	return msg.T(" that also has the columns given: %s", strings.Join(named, ", "))
}

// named lists the header texts c names.
func (c Columns) named() []string {
	var named []string
	for _, n := range []string{c.Number, c.Track, c.Status, c.Void, c.Date, c.Seller} {
		if n != "" {
			named = append(named, n)
		}
	}
	return named
}

// findHeader reads up to headerScanRows rows for the header row. A header
// row that names a role in two columns equally well is returned with a
// located *AmbiguousColumnError. Cells above the header that hold invoice
// numbers are kept in the layout as errors: those rows are not read.
func findHeader(t table, c Columns, name string, seen *seenHeaders) (*layout, error) {
	var above []*ranges.Error
	for t.Next() {
		if t.RowNum() > headerScanRows {
			if err := findDeepHeader(t, c, name); err != nil {
				return nil, err
			}
			break
		}
		row := t.Row()
		seen.look(row, t.RowNum(), t.Sheet())
		if l, err := matchHeader(row, t.RowNum(), c); l != nil {
			if l.has(roleTrack) && l.col[roleTrack] == l.col[roleNumber] {
				l.col[roleTrack] = -1
			}
			if err != nil {
				err = &ranges.Error{Pos: ranges.Pos{File: name, Sheet: t.Sheet(), Row: t.RowNum()}, Err: err}
			}
			for _, e := range above {
				e.Err = msg.Errorf("an invoice number above the header row (row %d): the rows above the header are not read (two exports joined into one file, or a list above the table?); move the row below the header, or delete it", l.row)
			}
			l.above = above
			return l, err
		}
		for i, v := range row {
			if isInvoiceNumberText(ranges.NormalizeCode(v)) {
				above = append(above, &ranges.Error{Pos: ranges.Pos{File: name, Sheet: t.Sheet(), Row: t.RowNum(), Col: i + 1}, Value: clipValue(v), Subject: subjectOf(v)})
				break
			}
		}
	}
	pos := ranges.Pos{File: name, Sheet: t.Sheet()}
	if err := t.Err(); err != nil {
		return nil, err
	}
	return nil, &ranges.Error{Pos: pos, Err: noHeader(c, msg.Errorf("%w (%s) in the first %d rows%v%v",
		ErrNoHeader, knownNumberHeaders, headerScanRows, givenColumns(c), seen))}
}

// findDeepHeader looks, t at the first row below those searched for the
// header row, for one further down, under title rows (up to row
// deepHeaderRows): it returns a *DeepHeaderError at the row, or t's error,
// or nil.
func findDeepHeader(t table, c Columns, name string) error {
	for ok := true; ok && t.RowNum() <= deepHeaderRows; ok = t.Next() {
		if l, _ := matchHeader(t.Row(), t.RowNum(), c); l != nil {
			return &ranges.Error{Pos: ranges.Pos{File: name, Sheet: t.Sheet(), Row: l.row}, Err: noHeader(c, deepHeader(l))}
		}
	}
	return t.Err()
}

// seenHeaders keeps, for the error of a header row not found when columns
// were named, the rows that looked like header rows: those with a header
// name blanktrack knows, or else the first row with text. The user sees
// how the file spells its headers.
type seenHeaders struct {
	rows  []seenRow
	first *seenRow
	off   bool // no columns named: the error lists nothing
}

type seenRow struct {
	sheet string
	row   int
	cells string
}

const (
	seenRowsMax  = 3
	seenCellsMax = 12
)

func newSeenHeaders(c Columns) *seenHeaders {
	return &seenHeaders{off: len(c.named()) == 0}
}

// look takes a row of the scan for the header.
func (s *seenHeaders) look(row []string, rowNum int, sheet string) {
	if s == nil || s.off || len(s.rows) == seenRowsMax {
		return
	}
	known, cells := false, make([]string, 0, min(len(row), seenCellsMax+1))
	for _, v := range row {
		v = ranges.NormalizeText(v)
		if v == "" {
			continue
		}
		if len(cells) == seenCellsMax {
			cells = append(cells, "…")
			break
		}
		cells = append(cells, ranges.Clip(v))
		if _, ok := lookupRole(v); ok {
			known = true
		}
	}
	r := seenRow{sheet: sheet, row: rowNum, cells: strings.Join(cells, ", ")}
	switch {
	case known:
		s.rows = append(s.rows, r)
	case len(cells) > 0 && s.first == nil:
		s.first = &r
	}
}

// Localize lists the rows seen, as the end of the error's message.
func (s *seenHeaders) Localize(p *msg.Printer) string {
	if s == nil {
		return ""
	}
	rows := s.rows
	if len(rows) == 0 && s.first != nil {
		rows = []seenRow{*s.first}
	}
	if len(rows) == 0 {
		return ""
	}
	list := make([]string, len(rows))
	for i, r := range rows {
		if r.sheet != "" {
			list[i] = p.Text("sheet %s row %d: %s", r.sheet, r.row, r.cells)
		} else {
			list[i] = p.Text("row %d: %s", r.row, r.cells)
		}
	}
	return p.Text("; the rows that look like header rows have: %s", strings.Join(list, p.Text("; ")))
}

// readInvoiceRows reads the rows after the header. A CSV file's rows are
// parsed by its workers in parallel; a sheet's here.
func readInvoiceRows(ctx context.Context, t table, l *layout, sink Sink, errs *ranges.ErrorList, st *FileStats) error {
	st.HeaderRow = l.row
	for _, e := range l.above {
		if !errs.Add(e) {
			return nil
		}
	}
	st.HasDate = l.has(roleDate)
	st.HasSeller = l.has(roleSeller)
	st.HasStatus = l.has(roleStatus) || l.has(roleVoid)
	serials, date1904 := t.DateSerials()
	ct, isCSV := t.(*csvTable)
	newParser := func() *rowParser { return newRowParser(l, st.File, t.Sheet(), serials, date1904, isCSV) }
	s := &rowSink{st: st, sink: sink, errs: errs, sheet: t.Sheet(), l: l}
	if isCSV {
		return ct.readParsed(ctx, newParser, s.take)
	}
	p := newParser()
	var rows parsedRows
	for n := 1; t.Next(); n++ {
		if err := ctxErr(ctx, n); err != nil {
			return err
		}
		rows.reset()
		p.parse(t.Row(), t.RowNum(), t.Uncached(), &rows)
		if !s.take(&rows, 0) {
			return nil
		}
	}
	return t.Err()
}

// rejoinName undoes the portal CSV's defect: a comma inside 買方名稱 is not
// quoted, so the name spans extra+1 fields and every later field is shifted
// by extra. buf is reused between rows.
func rejoinName(row []string, name, extra int, buf []string) ([]string, []string) {
	buf = append(buf[:0], row[:name]...)
	buf = append(buf, strings.Join(row[name:name+extra+1], ","))
	buf = append(buf, row[name+extra+1:]...)
	return buf, buf
}

// parseInvoiceNumber reads the invoice number of a row: one combined column
// (ZK37210312), or a 字軌 column and a number column. ok is false when the
// row has no number at all.
func parseInvoiceNumber(row []string, l *layout) (inv ranges.Invoice, ok bool, err error) {
	raw := cell(row, l.col[roleNumber])
	v := ranges.NormalizeCode(raw)
	if v == "" {
		return inv, false, nil
	}
	if !l.has(roleTrack) {
		n, err := ranges.ParseInvoiceNumber(raw)
		if err != nil {
			return inv, false, err
		}
		inv.Number = n
		return inv, true, nil
	}
	trackRaw := cell(row, l.col[roleTrack])
	combined, combinedErr := ranges.ParseInvoiceNumber(raw)
	tr, err := ranges.ParseTrack(trackRaw)
	if err != nil {
		// A combined number in the number column makes an empty 字軌
		// column redundant.
		if combinedErr == nil && ranges.NormalizeCode(trackRaw) == "" {
			inv.Number = combined
			return inv, true, nil
		}
		return inv, false, msg.Errorf("字軌 %s (column %s) for number %s: want two letters A-Z",
			ranges.Quote(trackRaw), ranges.ColumnName(l.col[roleTrack]+1), ranges.Quote(raw))
	}
	if combinedErr == nil {
		if combined.Track != tr {
			return inv, false, msg.Errorf("%s does not match 字軌 %s in column %s", ranges.Quote(raw), tr, ranges.ColumnName(l.col[roleTrack]+1))
		}
		inv.Number = combined
		return inv, true, nil
	}
	n, err := ranges.ParseNumber(raw)
	if err != nil {
		return inv, false, err
	}
	inv.Number = ranges.InvoiceNumber{Track: tr, Number: n}
	return inv, true, nil
}

func isVoidMark(s string) bool {
	switch ranges.NormalizeCode(s) {
	case "Y", "YES", "V", "1", "TRUE", "是", "作廢", "已作廢":
		return true
	}
	return false
}

// progressTable reports rows read from a sheet.
type progressTable struct {
	*sheetTable
	report func(done, total int64)
	total  int64
}

func (p *progressTable) Next() bool {
	ok := p.sheetTable.Next()
	if ok && p.RowNum()%4096 == 0 {
		p.report(int64(p.RowNum()), p.total)
	}
	return ok
}
