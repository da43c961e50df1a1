package sheet

import (
	"context"
	"io"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// allocation columns, in the order of the portal's download:
// 營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號
const (
	acBan = iota
	acTypeCode
	acTypeName
	acPeriod
	acTrack
	acStart
	acEnd
	acCount
)

var allocHeaders = map[string]int{
	"營業人統編": acBan, "營業人統一編號": acBan, "統一編號": acBan, "統編": acBan,
	"發票類別代號": acTypeCode, "類別代號": acTypeCode,
	"發票類別": acTypeName,
	"發票期別": acPeriod, "期別": acPeriod, "字軌期別": acPeriod,
	"發票字軌名稱": acTrack, "發票字軌": acTrack, "字軌": acTrack, "字軌名稱": acTrack,
	"發票起號": acStart, "起號": acStart, "起始編號": acStart,
	"發票迄號": acEnd, "迄號": acEnd, "終止編號": acEnd,
}

var allocColumnNames = [acCount]string{"營業人統編", "發票類別代號", "發票類別", "發票期別", "發票字軌名稱", "發票起號", "發票迄號"}

// ReadAllocations reads the portal's allocation download (字軌號碼取號,
// usually invnoapply*.csv): CSV (CP950 or UTF-8, detected) or an .xlsx
// workbook, told from its bytes, with or without its header row. name is
// the file's name in messages. Each allocation is validated (booklet
// alignment, order); bad cells are added to errs. A workbook is read from
// every sheet that holds allocation rows, hidden ones too (their
// allocations say so: Allocation.Hidden); a sheet of one that holds none
// (notes, a summary) is passed over.
func ReadAllocations(ctx context.Context, r io.Reader, name string, errs *ranges.ErrorList) ([]ranges.Allocation, error) {
	return readAllocations(ctx, newSource(r), name, errs)
}

func readAllocations(ctx context.Context, src source, name string, errs *ranges.ErrorList) ([]ranges.Allocation, error) {
	format, kind, br, err := sniff(src, name)
	if err != nil {
		return nil, err
	}
	var out []ranges.Allocation
	if format == FormatWorkbook {
		wb, err := openWorkbook(src, br, name)
		if err != nil {
			return nil, err
		}
		defer wb.Close()
		for _, ref := range wb.sheets {
			t, err := wb.openSheet(ctx, ref.name)
			if err != nil {
				return nil, err
			}
			// A sheet's errors count only if it holds allocation rows;
			// a workbook of one sheet is read as a CSV file is.
			sheetErrs := errs
			if len(wb.sheets) > 1 {
				sheetErrs = &ranges.ErrorList{}
			}
			as, looked, err := readAllocationTable(ctx, t, name, sheetErrs, len(wb.sheets) == 1)
			t.Close()
			if err != nil {
				return nil, err
			}
			if sheetErrs != errs && looked {
				for _, e := range sheetErrs.Errs {
					errs.Add(e)
				}
			}
			if looked {
				for i := range as {
					as[i].Hidden = ref.hidden
				}
				out = append(out, as...)
			}
			if errs.Full() {
				return out, nil
			}
		}
	} else {
		t := newCSV(ctx, newTextInput(br, kind), name)
		defer t.Close()
		if out, _, err = readAllocationTable(ctx, t, name, errs, true); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 && len(errs.Errs) == 0 {
		return nil, msg.Errorf("%s: no allocations: want rows of %s", name, strings.Join(allocColumnNames[:], ","))
	}
	return out, nil
}

// readAllocationTable reads the allocations of a CSV file or a sheet.
// looked says the table holds allocation rows, good or bad: a header row
// with several allocation headers, or a row with a 字軌 and two numbers
// after a 統編-like first cell. A table without a header row in its first
// rows is an error at once when it is the file's only one (lone), and
// else only if allocation rows follow.
func readAllocationTable(ctx context.Context, t table, name string, errs *ranges.ErrorList, lone bool) (out []ranges.Allocation, looked bool, err error) {
	cols := [acCount]int{acBan, acTypeCode, acTypeName, acPeriod, acTrack, acStart, acEnd}
	var headers [acCount]string
	width := int(acCount) // the header's columns: a field past them is an error
	inData := false       // past the header (or the first data row of a file without one)
	var noHeader *ranges.Error
	for n := 1; t.Next(); n++ {
		if err := ctxErr(ctx, n); err != nil {
			return nil, false, err
		}
		row := t.Row()
		if emptyRow(row) {
			continue
		}
		looked = looked || allocationLike(row)
		pos := ranges.Pos{File: name, Sheet: t.Sheet(), Row: t.RowNum()}
		if noHeader != nil {
			// No header in the first rows: the table is an error if it
			// holds allocation rows further down.
			if looked {
				errs.Add(&ranges.Error{Pos: pos, Err: msg.Errorf("a row of allocations below the first %d rows, in none of which a header row was found: delete the rows above the header row (or above the first allocation of a table without one)", headerScanRows)})
				return nil, true, nil
			}
			continue
		}
		if !inData && !ranges.AllDigits(ranges.NormalizeCode(cell(row, 0))) {
			// A header row, or a title row above it.
			err := allocHeader(row, &cols, &headers)
			if err == nil {
				inData = true
				width = len(row)
				for width > 0 && ranges.NormalizeText(row[width-1]) == "" {
					width--
				}
				continue
			}
			if t.RowNum() < headerScanRows {
				continue
			}
			noHeader = &ranges.Error{Pos: pos, Err: err}
			if looked || lone {
				errs.Add(noHeader)
				return nil, true, nil
			}
			continue
		}
		inData = true
		a, ok := parseAllocationRow(row, pos, cols, headers, width, errs)
		if !ok {
			if errs.Full() {
				return out, looked, nil
			}
			continue
		}
		looked = true
		out = append(out, a)
	}
	if err := t.Err(); err != nil {
		return nil, looked, err
	}
	return out, looked, nil
}

// allocationLike reports whether a row looks like part of an allocation
// table: three or more allocation headers, or a 統編-like first cell (up
// to 8 digits) followed by a 字軌 cell and, after it, two numbers.
func allocationLike(row []string) bool {
	headers := 0
	for _, h := range row {
		if _, ok := allocColumn(h); ok {
			headers++
		}
	}
	if headers >= 3 {
		return true
	}
	if v := ranges.NormalizeCode(cell(row, 0)); len(v) > 8 || !ranges.AllDigits(v) {
		return false
	}
	numbers := -1 // counted after the 字軌
	for _, v := range row[1:] {
		v = ranges.NormalizeCode(v)
		switch {
		case numbers < 0 && len(v) == 2 && isUpperASCII(v[0]) && isUpperASCII(v[1]):
			numbers = 0
		case numbers >= 0 && len(v) <= 8 && ranges.AllDigits(v):
			numbers++
		}
	}
	return numbers >= 2
}

// ReadAllocationFile reads a named allocation download.
func ReadAllocationFile(ctx context.Context, name string, errs *ranges.ErrorList) ([]ranges.Allocation, error) {
	src, closeFile, err := openFile(name, nil)
	if err != nil {
		return nil, err
	}
	defer closeFile()
	return readAllocations(ctx, src, name, errs)
}

// ReadAllocationFiles reads allocation downloads. Bad rows are returned as
// an *ranges.ErrorList of at most ranges.MaxErrors, read across the files.
func ReadAllocationFiles(ctx context.Context, names []string) ([]ranges.Allocation, error) {
	var errs ranges.ErrorList
	var allocs []ranges.Allocation
	for _, name := range names {
		as, err := ReadAllocationFile(ctx, name, &errs)
		if err != nil {
			return nil, err
		}
		allocs = append(allocs, as...)
		if errs.Full() {
			break
		}
	}
	return allocs, errs.Err()
}

// allocHeader maps a header row's names to columns.
func allocHeader(row []string, cols *[acCount]int, headers *[acCount]string) error {
	for i := range cols {
		cols[i] = -1
	}
	for i, h := range row {
		if c, ok := allocColumn(h); ok && cols[c] < 0 {
			cols[c] = i
			headers[c] = ranges.NormalizeText(h)
		}
	}
	var missing []string
	for c, i := range cols {
		if i < 0 && c != acTypeCode && c != acTypeName {
			missing = append(missing, allocColumnNames[c])
		}
	}
	if cols[acTypeCode] < 0 && cols[acTypeName] < 0 {
		missing = append(missing, "發票類別代號 or 發票類別")
	}
	if len(missing) > 0 {
		return msg.Errorf("header row lacks %s: want the columns %s", strings.Join(missing, ", "), strings.Join(allocColumnNames[:], ","))
	}
	return nil
}

// allocColumn is the allocation column a header cell names; a cell with
// line breaks (a bilingual header) by its lines, as lookupRole reads them.
func allocColumn(h string) (int, bool) {
	c, ok := allocHeaders[normalizeHeader(h)]
	if ok || !strings.ContainsAny(h, "\n\r") {
		return c, ok
	}
	found := false
	for _, line := range headerLines(h) {
		if d, ok := allocHeaders[line]; ok {
			if found && d != c {
				return 0, false
			}
			c, found = d, true
		}
	}
	return c, found
}

func parseAllocationRow(row []string, pos ranges.Pos, cols [acCount]int, headers [acCount]string, width int, errs *ranges.ErrorList) (ranges.Allocation, bool) {
	a := ranges.Allocation{Pos: pos}
	ok := true
	fail := func(c int, err error) {
		ok = false
		at := pos
		at.Col, at.Header = cols[c]+1, headerOr(headers[c], allocColumnNames[c])
		errs.Add(&ranges.Error{Pos: at, Value: cell(row, cols[c]), Err: err})
	}
	var err error
	if a.Ban, err = ranges.ParseBan(cell(row, cols[acBan])); err != nil {
		fail(acBan, err)
	}
	typeCol := acTypeCode
	if cols[acTypeCode] < 0 || ranges.NormalizeCode(cell(row, cols[acTypeCode])) == "" {
		typeCol = acTypeName
	}
	if a.Type, err = ranges.ParseInvoiceType(cell(row, cols[typeCol])); err != nil {
		fail(typeCol, err)
	} else if name := cell(row, cols[acTypeName]); typeCol == acTypeCode && cols[acTypeName] >= 0 && ranges.NormalizeText(name) != "" {
		// The code and the name must say the same type.
		if nt, err := ranges.ParseInvoiceType(name); err == nil && nt != a.Type {
			fail(acTypeCode, msg.Errorf("%s (%s, %s) contradicts 發票類別 %s in column %s: correct one of them",
				ranges.Quote(cell(row, cols[acTypeCode])), a.Type, a.Type.Name(), ranges.Quote(name), ranges.ColumnName(cols[acTypeName]+1)))
		}
	}
	if a.Period, err = ranges.ParsePeriod(cell(row, cols[acPeriod])); err != nil {
		fail(acPeriod, err)
	}
	if a.Track, err = ranges.ParseTrack(cell(row, cols[acTrack])); err != nil {
		fail(acTrack, err)
	}
	if a.Start, err = ranges.ParseNumber(cell(row, cols[acStart])); err != nil {
		fail(acStart, err)
	}
	if a.End, err = ranges.ParseNumber(cell(row, cols[acEnd])); err != nil {
		fail(acEnd, err)
	}
	for i := width; i < len(row); i++ {
		if v := row[i]; ranges.NormalizeText(v) != "" {
			ok = false
			at := pos
			at.Col = i + 1
			errs.Add(&ranges.Error{Pos: at, Value: clipValue(v), Err: msg.Errorf("%s: a field past the header's %d columns: the row has more fields than the header (a comma inside a cell that is not quoted?)", ranges.Quote(v), width)})
			break
		}
	}
	if ok {
		if err := a.Validate(); err != nil {
			c := acEnd
			if a.Start%50 != 0 {
				c = acStart
			}
			fail(c, err)
		}
	}
	return a, ok
}

func headerOr(h, def string) string {
	if h != "" {
		return h
	}
	return def
}
