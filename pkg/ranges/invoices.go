package ranges

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// headerScanRows is how many rows are searched for the header row.
const headerScanRows = 10

// FileStats is what reading one invoice export found.
type FileStats struct {
	File      string
	Sheet     string // the sheet read, for a workbook
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

	HasDate   bool // the export has a date column, so the period was checked
	HasSeller bool // the export has a seller column, so purchases were skipped
	HasStatus bool // the export has a status or void column

	// Repaired lists rows with more fields than the header because the
	// portal left commas in 買方名稱 unquoted; they were read with the fields
	// after the name shifted back.
	Repaired Listing
	// NotReissued lists nullified (註銷) invoices whose number appears in no
	// other row of the file: nullified numbers are meant to be reissued.
	// They stay used.
	NotReissued Listing
}

// ReadOptions tune how invoice exports are read.
type ReadOptions struct {
	Columns Columns
	// Progress, if set, is called now and then with how much of the file has
	// been read, in units of total (bytes or rows); total is 0 when unknown.
	Progress func(done, total int64)
}

// ReadInvoices reads one export of issued invoices (.xlsx or .csv) and adds
// every invoice to u, streaming: memory does not grow with the file. Bad
// cells are added to errs (reading stops when it is full); the returned error
// is for a file that cannot be read at all.
func ReadInvoices(name string, opts ReadOptions, u *Usage, errs *ErrorList) (FileStats, error) {
	st := FileStats{File: name}
	if IsWorkbook(name) {
		return st, readInvoiceWorkbook(name, opts, u, errs, &st)
	}
	var counter *progressCounter
	if opts.Progress != nil {
		fi, err := os.Stat(name)
		if err != nil {
			return st, err
		}
		counter = &progressCounter{total: fi.Size(), report: opts.Progress}
	}
	var w io.Writer
	if counter != nil {
		w = counter
	}
	t, err := openCSV(name, w)
	if err != nil {
		return st, err
	}
	defer t.Close()
	l, err := findHeader(t, opts.Columns, name)
	if err != nil {
		return st, err
	}
	err = readInvoiceRows(t, l, u, errs, &st)
	st.Encoding = t.Encoding()
	if counter != nil {
		counter.done()
	}
	return st, err
}

func readInvoiceWorkbook(name string, opts ReadOptions, u *Usage, errs *ErrorList, st *FileStats) error {
	f, err := openWorkbook(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if s := opts.Columns.Sheet; s != "" {
		found := false
		for _, have := range sheets {
			if have == s {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s: no sheet %q; its sheets are: %s", name, s, strings.Join(sheets, ", "))
		}
		sheets = []string{s}
	}
	// The invoice sheet is the first whose header has an invoice-number
	// column and is not a sheet of line items; failing that, the first with
	// an invoice-number column.
	var fallback string
	for _, sheet := range sheets {
		t, err := openSheet(f, sheet)
		if err != nil {
			return fmt.Errorf("%s: sheet %s: %w", name, sheet, err)
		}
		l, _ := findHeader(t, opts.Columns, name)
		if l == nil || (l.has(roleItem) && !l.has(roleStatus)) {
			if l != nil && fallback == "" {
				fallback = sheet
			}
			t.Close()
			continue
		}
		err = readSheet(t, l, opts, u, errs, st)
		t.Close()
		return err
	}
	if fallback != "" {
		t, err := openSheet(f, fallback)
		if err != nil {
			return err
		}
		defer t.Close()
		l, err := findHeader(t, opts.Columns, name)
		if err != nil {
			return err
		}
		return readSheet(t, l, opts, u, errs, st)
	}
	return fmt.Errorf("%s: no sheet has a header row with an invoice-number column (%s) in its first %d rows%s",
		name, knownNumberHeaders, headerScanRows, overrideHint(opts.Columns))
}

func readSheet(t *xlsxTable, l *layout, opts ReadOptions, u *Usage, errs *ErrorList, st *FileStats) error {
	st.Sheet = t.Sheet()
	if opts.Progress != nil {
		total := int64(t.total)
		p := opts.Progress
		defer p(total, total)
		return readInvoiceRows(&progressTable{xlsxTable: t, report: p, total: total}, l, u, errs, st)
	}
	return readInvoiceRows(t, l, u, errs, st)
}

const knownNumberHeaders = "發票號碼, 號碼, invoice number"

func overrideHint(c Columns) string {
	var named []string
	for _, n := range []string{c.Number, c.Track, c.Status, c.Void, c.Date} {
		if n != "" {
			named = append(named, fmt.Sprintf("%q", n))
		}
	}
	if len(named) == 0 {
		return "; name the column with --col-number"
	}
	return " that also has the columns given: " + strings.Join(named, ", ")
}

// findHeader reads up to headerScanRows rows for the header row.
func findHeader(t table, c Columns, name string) (*layout, error) {
	for t.Next() && t.RowNum() <= headerScanRows {
		if l := matchHeader(t.Row(), t.RowNum(), c); l != nil {
			if l.has(roleTrack) && l.col[roleTrack] == l.col[roleNumber] {
				l.col[roleTrack] = -1
			}
			return l, nil
		}
	}
	if err := t.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", Pos{File: name, Sheet: t.Sheet()}, err)
	}
	return nil, fmt.Errorf("%s: no header row with an invoice-number column (%s) in the first %d rows%s",
		Pos{File: name, Sheet: t.Sheet()}, knownNumberHeaders, headerScanRows, overrideHint(c))
}

func readInvoiceRows(t table, l *layout, u *Usage, errs *ErrorList, st *FileStats) error {
	st.HeaderRow = l.row
	st.HasDate = l.has(roleDate)
	st.HasSeller = l.has(roleSeller)
	st.HasStatus = l.has(roleStatus) || l.has(roleVoid)
	serials, date1904 := t.DateSerials()
	var (
		lastDateRaw string
		lastDate    time.Time
		statusCache = map[string]Status{}
		seen        []uint64  // packed number and nullified flag of every counted row, for NotReissued
		nullified   []Invoice // the counted nullified invoices
		repaired    []string
	)
	for t.Next() {
		row := t.Row()
		if emptyRow(row) {
			continue
		}
		if l.has(roleRowKind) && NormalizeCode(cell(row, 0)) == "D" {
			st.Items++
			continue
		}
		st.Rows++
		pos := Pos{File: st.File, Sheet: t.Sheet(), Row: t.RowNum()}
		if extra := len(row) - len(l.headers); extra > 0 && l.has(roleBuyerName) && !emptyRow(row[len(l.headers):]) {
			row, repaired = rejoinName(row, l.col[roleBuyerName], extra, repaired)
			st.Repaired.add(Invoice{Pos: pos})
		}
		cellErr := func(r role, err error) bool {
			i := l.col[r]
			return errs.Add(&CellError{Pos: pos, Column: i + 1, Header: l.header(r), Value: cell(row, i), Err: err})
		}
		inv, ok, err := parseInvoiceNumber(row, l)
		if err != nil {
			if !cellErr(roleNumber, err) {
				return nil
			}
			continue
		}
		if !ok {
			st.NoNumber++
			continue
		}
		inv.Pos = pos
		if l.has(roleSeller) {
			if v := cell(row, l.col[roleSeller]); NormalizeCode(v) != "" {
				b, err := ParseBan(v)
				if err != nil {
					if !cellErr(roleSeller, err) {
						return nil
					}
					continue
				}
				if !u.OwnBan(b) {
					st.Purchases++
					continue
				}
			}
		}
		if l.has(roleDate) {
			if v := cell(row, l.col[roleDate]); strings.TrimSpace(v) != "" {
				// Exports are sorted by date or number, so a date repeats
				// over many rows: parse it once.
				if v != lastDateRaw {
					d, err := ParseDate(v, serials, date1904)
					if err != nil {
						if !cellErr(roleDate, err) {
							return nil
						}
						continue
					}
					lastDateRaw, lastDate = v, d
				}
				inv.Date = lastDate
			}
		}
		inv.Status = rowStatus(row, l, &statusCache)
		switch u.Add(inv) {
		case Counted:
			st.Invoices++
			switch inv.Status {
			case StatusVoided:
				st.Voided++
			case StatusNullified:
				st.Nullified++
			}
			if l.has(roleStatus) {
				seen = append(seen, packSeen(inv))
				if inv.Status == StatusNullified {
					nullified = append(nullified, inv)
				}
			}
		case OutsidePeriod:
			st.OutsidePeriod++
		case Unallocated:
			st.Unallocated++
		}
	}
	if err := t.Err(); err != nil {
		return fmt.Errorf("%s: after row %d: %w", Pos{File: st.File, Sheet: t.Sheet()}, t.RowNum(), err)
	}
	if len(nullified) > 0 {
		for _, inv := range notReissued(seen, nullified) {
			st.NotReissued.add(inv)
		}
	}
	return nil
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

// packSeen packs an invoice number and whether it was nullified into one
// word, 8 bytes a counted invoice, so that a file's nullified numbers can
// be matched with their reissues whatever the row order.
func packSeen(inv Invoice) uint64 {
	t := inv.Number.Track
	v := uint64(t[0])<<40 | uint64(t[1])<<32 | uint64(inv.Number.Number)<<1
	if inv.Status == StatusNullified {
		v |= 1
	}
	return v
}

// notReissued returns the nullified invoices whose number has no row in the
// file that is not nullified.
func notReissued(seen []uint64, nullified []Invoice) []Invoice {
	slices.Sort(seen)
	var out []Invoice
	for _, inv := range nullified {
		// Sorted, the row that is not nullified (flag 0) comes just before
		// the nullified one (flag 1).
		reissued, _ := slices.BinarySearch(seen, packSeen(inv)&^1)
		if reissued >= len(seen) || seen[reissued] != packSeen(inv)&^1 {
			out = append(out, inv)
		}
	}
	return out
}

// parseInvoiceNumber reads the invoice number of a row: one combined column
// (ZK37210312), or a 字軌 column and a number column. ok is false when the
// row has no number at all.
func parseInvoiceNumber(row []string, l *layout) (inv Invoice, ok bool, err error) {
	raw := cell(row, l.col[roleNumber])
	v := NormalizeCode(raw)
	if v == "" {
		return inv, false, nil
	}
	if !l.has(roleTrack) {
		n, err := ParseInvoiceNumber(v)
		if err != nil {
			if isScientific(v) {
				return inv, false, errScientific(raw)
			}
			if allDigits(v) {
				return inv, false, fmt.Errorf("%q has no 字軌: want 2 letters and 8 digits, as ZK37210312 (or name the 字軌 column with --col-track)", raw)
			}
			return inv, false, fmt.Errorf("%q is not an invoice number: want 2 letters and 8 digits, as ZK37210312", raw)
		}
		inv.Number = n
		return inv, true, nil
	}
	tr, err := ParseTrack(cell(row, l.col[roleTrack]))
	if err != nil {
		// A combined number in the number column makes the 字軌 column
		// redundant; accept it only when the two agree.
		if n, err2 := ParseInvoiceNumber(v); err2 == nil && NormalizeCode(cell(row, l.col[roleTrack])) == "" {
			inv.Number = n
			return inv, true, nil
		}
		return inv, false, fmt.Errorf("字軌 %q (column %s) for number %q: want two letters A-Z",
			cell(row, l.col[roleTrack]), ColumnName(l.col[roleTrack]+1), raw)
	}
	if len(v) == 10 && isUpper(v[0]) {
		n, err := ParseInvoiceNumber(v)
		if err != nil {
			return inv, false, err
		}
		if n.Track != tr {
			return inv, false, fmt.Errorf("%q does not match 字軌 %s in column %s", raw, tr, ColumnName(l.col[roleTrack]+1))
		}
		inv.Number = n
		return inv, true, nil
	}
	n, err := parseNumberNormalized(v, raw)
	if err != nil {
		return inv, false, err
	}
	inv.Number = InvoiceNumber{Track: tr, Number: n}
	return inv, true, nil
}

// rowStatus reads the status and void columns. Unknown words count as issued:
// every status is a used number, so the status only feeds the report. The
// few distinct words of a file are parsed once each.
func rowStatus(row []string, l *layout, cache *map[string]Status) Status {
	if l.has(roleStatus) {
		v := cell(row, l.col[roleStatus])
		s, ok := (*cache)[v]
		if !ok {
			s = ParseStatus(v)
			if len(*cache) < 64 {
				(*cache)[v] = s
			}
		}
		if s != StatusIssued {
			return s
		}
	}
	if l.has(roleVoid) && isVoidMark(cell(row, l.col[roleVoid])) {
		return StatusVoided
	}
	return StatusIssued
}

// ParseStatus reads a status word: 作廢 (voided), 註銷 (nullified), anything
// else is issued.
func ParseStatus(s string) Status {
	v := strings.ToLower(NormalizeText(s))
	switch {
	case strings.Contains(v, "作廢"), strings.HasPrefix(v, "void"):
		return StatusVoided
	case strings.Contains(v, "註銷"), strings.HasPrefix(v, "cancel"):
		return StatusNullified
	}
	return StatusIssued
}

func isVoidMark(s string) bool {
	switch strings.ToUpper(NormalizeCode(s)) {
	case "Y", "YES", "V", "1", "TRUE", "是", "作廢", "已作廢":
		return true
	}
	return false
}

// progressCounter counts bytes read and reports now and then.
type progressCounter struct {
	n, last, total int64
	report         func(done, total int64)
}

func (c *progressCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	if c.n-c.last >= 256*1024 {
		c.last = c.n
		c.report(c.n, c.total)
	}
	return len(p), nil
}

func (c *progressCounter) done() { c.report(c.total, c.total) }

// progressTable reports rows read from a sheet.
type progressTable struct {
	*xlsxTable
	report func(done, total int64)
	total  int64
}

func (p *progressTable) Next() bool {
	ok := p.xlsxTable.Next()
	if ok && p.RowNum()%4096 == 0 {
		p.report(int64(p.RowNum()), p.total)
	}
	return ok
}
