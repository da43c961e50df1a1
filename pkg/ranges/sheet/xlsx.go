package sheet

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxTable streams the rows of one sheet of a workbook.
type xlsxTable struct {
	f        *excelize.File
	rows     *excelize.Rows
	sheet    string
	row      []string
	n        int
	err      error
	date1904 bool
	total    int // rows in the sheet's dimension, 0 if unknown
}

// workbookPartLimit is the size from which excelize keeps a worksheet or the
// shared-string table in a temporary file instead of memory. Its default,
// 16 MiB, keeps the shared strings of a 300,000-invoice export (one unique
// string per invoice number) in memory, parsed into structs: about 200 MiB.
// Spilled, excelize reads each string by its offset in the file.
const workbookPartLimit = 1 << 20

// openWorkbook opens a workbook for streaming.
func openWorkbook(r io.Reader, name string) (*excelize.File, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipXMLSizeLimit: workbookPartLimit})
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable .xlsx workbook: %w", name, err)
	}
	return f, nil
}

// openSheet streams one sheet of an open workbook, with raw cell values:
// numbers as written and dates as serials.
func openSheet(f *excelize.File, sheet string) (*xlsxTable, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	t := &xlsxTable{f: f, rows: rows, sheet: sheet}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.date1904 = *props.Date1904
	}
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if i := strings.IndexByte(dim, ':'); i >= 0 {
			if _, r, err := excelize.CellNameToCoordinates(dim[i+1:]); err == nil {
				t.total = r
			}
		}
	}
	return t, nil
}

func (t *xlsxTable) Next() bool {
	if t.err != nil || !t.rows.Next() {
		if t.err == nil {
			t.err = t.rows.Error()
		}
		return false
	}
	t.n++
	t.row, t.err = t.rows.Columns(excelize.Options{RawCellValue: true})
	return t.err == nil
}

func (t *xlsxTable) Row() []string             { return t.row }
func (t *xlsxTable) RowNum() int               { return t.n }
func (t *xlsxTable) Err() error                { return t.err }
func (t *xlsxTable) Close() error              { return t.rows.Close() }
func (t *xlsxTable) Sheet() string             { return t.sheet }
func (t *xlsxTable) DateSerials() (bool, bool) { return true, t.date1904 }
