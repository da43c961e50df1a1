package sheet

import (
	"context"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// sheetTable streams the rows of one worksheet with raw cell values, as
// excelize's Rows with RawCellValue reads them: numbers as written, dates
// as serials, text from the shared strings or the cell. Rows without a
// value are skipped; each row is as long as its last cell with a value.
type sheetTable struct {
	file     string
	sheet    string
	part     string
	rc       io.ReadCloser
	x        *xmlCursor
	sst      *sharedStrings
	date1904 bool
	total    int // rows in the sheet's dimension, 0 if unknown

	inData, done bool
	tag          xmlTag
	lastRow      int

	row      []string
	numeric  []bool // of row: the cell is a number, not text
	n        int
	uncached []int
	err      error

	// the cells of the row being read: their text is collected in rowBuf,
	// or is a shared string
	cells  []rawCell
	rowBuf []byte
}

type rawCell struct {
	col        int
	start, end int    // in rowBuf, when str is not set
	str        string // a shared string
	shared     bool
	uncached   bool
	numeric    bool // a number cell (no t, or t="n"), not text
}

// openSheet starts reading a sheet by name.
func (w *workbook) openSheet(ctx context.Context, name string) (*sheetTable, error) {
	var ref sheetRef
	for _, s := range w.sheets {
		if s.name == name {
			ref = s
		}
	}
	t := &sheetTable{file: w.name, sheet: name, part: ref.part, date1904: w.date1904}
	f := w.part(ref.part)
	if f == nil {
		t.done = true // a chart sheet or a missing part: no rows
		return t, nil
	}
	sst, err := w.sharedStrings(ctx)
	if err != nil {
		return nil, err
	}
	rc, err := w.open(f, maxPartBytes)
	if err != nil {
		return nil, err
	}
	t.rc, t.sst, t.part = rc, sst, f.Name
	t.x = newXMLCursor(rc, f.Name)
	return t, nil
}

func (t *sheetTable) Row() []string             { return t.row }
func (t *sheetTable) RowNum() int               { return t.n }
func (t *sheetTable) Err() error                { return t.err }
func (t *sheetTable) Sheet() string             { return t.sheet }
func (t *sheetTable) DateSerials() (bool, bool) { return true, t.date1904 }
func (t *sheetTable) Uncached() []int           { return t.uncached }

// Numeric reports which cells of the current row are numbers, not text:
// valid until the next call of Next.
func (t *sheetTable) Numeric() []bool { return t.numeric }

func (t *sheetTable) Close() error {
	if t.rc != nil {
		return t.rc.Close()
	}
	return nil
}

// fail ends the sheet with an error at a row and column (0 if unknown).
func (t *sheetTable) fail(row, col int, err error) bool {
	t.err = &ranges.Error{Pos: ranges.Pos{File: t.file, Sheet: t.sheet, Row: row, Col: col}, Err: err}
	t.done = true
	return false
}

// partFailed ends the sheet after its XML stopped: a read error, or the
// end of the part inside the rows, which only a damaged file has.
func (t *sheetTable) partFailed() bool {
	t.done = true
	switch {
	case t.x.err != nil:
		t.err = msg.Errorf("%s: sheet %s: after row %d: %w", t.file, t.sheet, t.lastRow, partError(t.part, t.x.err))
	case t.inData:
		t.err = msg.Errorf("%s: sheet %s: after row %d: %w", t.file, t.sheet, t.lastRow, partError(t.part, msg.New("it ends inside its rows")))
	}
	return false
}

func (t *sheetTable) Next() bool {
	if t.done || t.err != nil {
		return false
	}
	x := t.x
	tag := &t.tag
	if !t.inData {
		for {
			if !x.nextTag(tag) {
				return t.partFailed()
			}
			if tag.end {
				continue
			}
			switch {
			case tag.is("dimension"):
				if ref, ok := attr(tag.attrs, "ref"); ok {
					t.total = dimensionRows(ref)
				}
			case tag.is("sheetData"):
				if tag.empty {
					t.done = true
					return false
				}
				t.inData = true
			}
			if t.inData {
				break
			}
		}
	}
	for x.nextTag(tag) {
		switch {
		case tag.is("sheetData") && tag.end:
			t.done = true
			return false
		case tag.is("row") && !tag.end:
			if ok, err := t.readRow(); err != nil || !ok {
				if err != nil {
					return false
				}
				continue
			}
			return true
		}
	}
	return t.partFailed()
}

// readRow reads the row whose start tag was just read; ok is false for a
// row without a value.
func (t *sheetTable) readRow() (bool, error) {
	x := t.x
	tag := &t.tag
	num := t.lastRow + 1
	if v, ok := attr(tag.attrs, "r"); ok {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 {
			t.fail(t.lastRow+1, 0, msg.Errorf("row number %s is not a number", ranges.Quote(string(v))))
			return false, t.err
		}
		num = n
	}
	if num > maxSheetRows {
		t.fail(num, 0, msg.Errorf("a worksheet has at most %d rows (Excel's limit)", maxSheetRows))
		return false, t.err
	}
	if num <= t.lastRow {
		t.fail(num, 0, msg.Errorf("this row comes after row %d: the rows are out of order; the file was not written by a spreadsheet", t.lastRow))
		return false, t.err
	}
	t.lastRow = num
	t.cells, t.rowBuf = t.cells[:0], t.rowBuf[:0]
	if tag.empty {
		return false, nil
	}
	col := 0
	for x.nextTag(tag) {
		switch {
		case tag.is("row") && tag.end:
			return t.finishRow(num)
		case tag.is("c") && !tag.end:
			next, err := t.readCell(num, col)
			if err != nil {
				return false, err
			}
			col = next
		}
	}
	t.partFailed()
	return false, t.err
}

// readCell reads the cell whose start tag was just read and returns its
// column.
func (t *sheetTable) readCell(row, prev int) (int, error) {
	x := t.x
	tag := &t.tag
	col := prev + 1
	if ref, ok := attr(tag.attrs, "r"); ok {
		c, ok := refColumn(ref)
		if !ok {
			t.fail(row, 0, msg.Errorf("cell reference %s is not a cell", ranges.Quote(string(ref))))
			return 0, t.err
		}
		col = c
	}
	if col > maxColumns {
		t.fail(row, 0, msg.Errorf("a cell past column XFD, the last column of a worksheet"))
		return 0, t.err
	}
	if col <= prev {
		t.fail(row, col, msg.Errorf("cells out of order: the file was not written by a spreadsheet"))
		return 0, t.err
	}
	typ, _ := attr(tag.attrs, "t")
	kind := cellKind(typ)
	if tag.empty {
		return col, nil
	}
	var hasV, hasF, hasIS, inIS, inRPh bool
	start := len(t.rowBuf)
	vStart, vEnd := start, start
	isStart := start
	for x.nextTag(tag) {
		switch {
		case tag.is("c") && tag.end:
			return col, t.addCell(row, col, kind, hasV, hasF, hasIS, vStart, vEnd, isStart)
		case tag.is("v") && !tag.end && !inIS:
			hasV = true
			if !tag.empty {
				vStart = len(t.rowBuf)
				var ok bool
				if t.rowBuf, ok = x.text(t.rowBuf); !ok {
					t.partFailed()
					return 0, t.err
				}
				vEnd = len(t.rowBuf)
			}
		case tag.is("f"):
			if !tag.end {
				hasF = true
			}
		case tag.is("is"):
			if !tag.end {
				hasIS, inIS = true, !tag.empty
				isStart = len(t.rowBuf)
			} else {
				inIS = false
			}
		case tag.is("rPh"):
			inRPh = !tag.end && !tag.empty
		case tag.is("t") && inIS && !inRPh && !tag.end && !tag.empty:
			var ok bool
			if t.rowBuf, ok = x.text(t.rowBuf); !ok {
				t.partFailed()
				return 0, t.err
			}
		}
		if len(t.rowBuf) > maxRowBytes {
			t.fail(row, col, msg.Errorf("a row of more than %d MiB of text: not a spreadsheet export", maxRowBytes>>20))
			return 0, t.err
		}
	}
	t.partFailed()
	return 0, t.err
}

// Cell types (the t attribute) that change how the value is read.
const (
	cellNumber        = iota // n, b, d, e or none: the value as written
	cellShared               // s: an index into the shared strings
	cellFormulaString        // str: a formula's text result
	cellInline               // inlineStr: the text in <is>
)

func cellKind(t []byte) int {
	switch string(t) {
	case "s":
		return cellShared
	case "str":
		return cellFormulaString
	case "inlineStr":
		return cellInline
	}
	return cellNumber
}

// addCell records a cell's value, if it has one, as excelize reads it.
func (t *sheetTable) addCell(row, col, kind int, hasV, hasF, hasIS bool, vStart, vEnd, isStart int) error {
	c := rawCell{col: col, start: vStart, end: vEnd, numeric: kind == cellNumber}
	switch {
	case kind == cellShared && vEnd > vStart:
		v := string(t.rowBuf[vStart:vEnd])
		i, err := strconv.Atoi(trimXMLSpace(v))
		if err != nil {
			t.fail(row, col, msg.Errorf("shared-string index %s is not a number", ranges.Quote(v)))
			return t.err
		}
		if t.sst == nil {
			t.fail(row, col, msg.Errorf("the cell refers to shared string %d, but the workbook has no shared-strings part (xl/sharedStrings.xml): the program that wrote it left it out; open the file in Excel and save it again", i))
			return t.err
		}
		s, err := t.sst.get(i)
		if err != nil {
			if errors.Is(err, errSSTIndex) {
				t.fail(row, col, msg.Errorf("the cell refers to shared string %d, but the table has %d strings: a damaged workbook", i, t.sst.Len()))
			} else {
				t.fail(row, col, err)
			}
			return t.err
		}
		c.str, c.shared = s, true
		t.rowBuf = t.rowBuf[:vStart]
	case kind == cellInline && hasIS:
		b := bstrUnescape(t.rowBuf[isStart:])
		if len(b) != len(t.rowBuf)-isStart {
			t.rowBuf = append(t.rowBuf[:isStart], b...)
		}
		c.start, c.end = isStart, len(t.rowBuf)
	}
	// A formula has a saved value when Excel wrote one: a <v>, empty only
	// for a text result.
	c.uncached = hasF && !hasIS && (!hasV || (vEnd == vStart && kind != cellFormulaString))
	if n := c.end - c.start; !c.shared && n > maxCellChars {
		if chars := utf8.RuneCount(t.rowBuf[c.start:c.end]); chars > maxCellChars {
			t.err = cellTooLong(ranges.Pos{File: t.file, Sheet: t.sheet, Row: row, Col: col}, string(t.rowBuf[c.start:c.end]), chars)
			t.done = true
			return t.err
		}
	}
	if c.shared && c.str == "" || !c.shared && c.end == c.start {
		if !hasF {
			return nil // no value: excelize keeps no such cell
		}
	}
	t.cells = append(t.cells, c)
	return nil
}

// finishRow turns the cells read into the row.
func (t *sheetTable) finishRow(num int) (bool, error) {
	if len(t.cells) == 0 {
		return false, nil
	}
	width := t.cells[len(t.cells)-1].col
	if cap(t.row) < width {
		t.row = make([]string, width)
	}
	t.row = t.row[:width]
	clear(t.row)
	if cap(t.numeric) < width {
		t.numeric = make([]bool, width)
	}
	t.numeric = t.numeric[:width]
	clear(t.numeric)
	t.uncached = t.uncached[:0]
	text := string(t.rowBuf)
	for _, c := range t.cells {
		v := c.str
		if !c.shared {
			v = text[c.start:c.end]
		}
		t.row[c.col-1] = v
		t.numeric[c.col-1] = c.numeric
		if c.uncached {
			t.uncached = append(t.uncached, c.col-1)
		}
	}
	t.n = num
	return true, nil
}

// refColumn reads the column of a cell reference such as AB12.
func refColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}

// dimensionRows is the last row of a dimension such as A1:F300002.
func dimensionRows(ref []byte) int {
	s := string(ref)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < '0' || s[i] > '9' {
			n, _ := strconv.Atoi(s[i+1:])
			return n
		}
	}
	n, _ := strconv.Atoi(s)
	return n
}

func trimXMLSpace(s string) string {
	for len(s) > 0 && isXMLSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isXMLSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
