package ranges

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

// table is a stream of rows from one sheet of a workbook or from a CSV file.
type table interface {
	Next() bool
	Row() []string // valid until the next call of Next
	RowNum() int   // 1-based, as the spreadsheet numbers the row
	Err() error
	Close() error
	Sheet() string // empty for a CSV file
	// DateSerials reports whether numeric cells of a date column are Excel
	// date serials (a workbook), and whether they count from 1904.
	DateSerials() (ok, date1904 bool)
}

// IsWorkbook reports whether name is an Excel workbook by its extension.
func IsWorkbook(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return true
	}
	return false
}

// --- CSV ---------------------------------------------------------------------

type csvTable struct {
	f        *os.File
	r        *csv.Reader
	row      []string
	n        int
	err      error
	encoding *sniffReader

	extraLines int
}

// openCSV opens a CSV file whose encoding (UTF-8, UTF-8 with BOM or CP950) is
// detected from its bytes. counter, if not nil, sees every byte read.
func openCSV(name string, counter io.Writer) (*csvTable, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	var src io.Reader = f
	if counter != nil {
		src = io.TeeReader(f, counter)
	}
	sr := newSniffReader(src)
	r := csv.NewReader(sr)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true // ="00000050" and stray quotes from hand-made files
	r.ReuseRecord = true
	return &csvTable{f: f, r: r, encoding: sr}, nil
}

func (t *csvTable) Next() bool {
	if t.err != nil {
		return false
	}
	rec, err := t.r.Read()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			t.err = err
		}
		return false
	}
	// encoding/csv skips blank lines, which a spreadsheet counts as rows, so
	// the row is the record's first line less the extra lines that quoted
	// multi-line fields of earlier records took.
	start, _ := t.r.FieldPos(0)
	end, _ := t.r.FieldPos(len(rec) - 1)
	t.n = start - t.extraLines
	t.extraLines += end - start
	t.row = rec
	return true
}

func (t *csvTable) Row() []string             { return t.row }
func (t *csvTable) RowNum() int               { return t.n }
func (t *csvTable) Err() error                { return t.err }
func (t *csvTable) Close() error              { return t.f.Close() }
func (t *csvTable) Sheet() string             { return "" }
func (t *csvTable) DateSerials() (bool, bool) { return false, false }
func (t *csvTable) Encoding() string          { return t.encoding.Name() }

// sniffReader decodes a text file that is UTF-8 (with or without a BOM) or
// CP950 (Big5), the encodings Taiwanese portals and POS systems write. It
// passes ASCII through and decides at the first non-ASCII byte: if the bytes
// from there are valid UTF-8 the file is UTF-8, otherwise CP950.
type sniffReader struct {
	br   *bufio.Reader
	mode encodingMode
	dec  io.Reader
	bom  bool
}

type encodingMode uint8

const (
	modeUndecided encodingMode = iota
	modeUTF8
	modeCP950
)

const sniffWindow = 4096

func newSniffReader(r io.Reader) *sniffReader {
	s := &sniffReader{br: bufio.NewReaderSize(r, 64*1024)}
	if b, _ := s.br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = s.br.Discard(3)
		s.bom = true
		s.mode = modeUTF8
	}
	return s
}

// Name is the encoding found so far.
func (s *sniffReader) Name() string {
	switch {
	case s.bom:
		return "UTF-8 with BOM"
	case s.mode == modeUTF8:
		return "UTF-8"
	case s.mode == modeCP950:
		return "CP950"
	}
	return "ASCII"
}

func (s *sniffReader) Read(p []byte) (int, error) {
	switch s.mode {
	case modeUTF8:
		return s.br.Read(p)
	case modeCP950:
		return s.dec.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := s.br.Peek(1); err != nil {
		return 0, err
	}
	buf, _ := s.br.Peek(s.br.Buffered())
	i := bytes.IndexFunc(buf, func(r rune) bool { return r >= utf8.RuneSelf })
	switch {
	case i < 0:
		n := copy(p, buf)
		_, _ = s.br.Discard(n)
		return n, nil
	case i > 0:
		n := copy(p, buf[:i])
		_, _ = s.br.Discard(n)
		return n, nil
	}
	look, err := s.br.Peek(sniffWindow)
	atEOF := err != nil
	if looksUTF8(look, atEOF) {
		s.mode = modeUTF8
	} else {
		s.mode = modeCP950
		s.dec = transform.NewReader(s.br, traditionalchinese.Big5.NewDecoder())
	}
	return s.Read(p)
}

// looksUTF8 reports whether b is valid UTF-8, allowing a rune cut off at the
// end of the window when more bytes follow.
func looksUTF8(b []byte, atEOF bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if atEOF {
		return false
	}
	for k := 1; k <= utf8.UTFMax && k <= len(b); k++ {
		j := len(b) - k
		if utf8.RuneStart(b[j]) {
			return !utf8.FullRune(b[j:]) && utf8.Valid(b[:j])
		}
	}
	return false
}

// --- xlsx --------------------------------------------------------------------

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
func openWorkbook(name string) (*excelize.File, error) {
	f, err := excelize.OpenFile(name, excelize.Options{UnzipXMLSizeLimit: workbookPartLimit})
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

// cell returns the i-th cell of row, or "" when the row is shorter (trailing
// empty cells are not stored).
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

func emptyRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
