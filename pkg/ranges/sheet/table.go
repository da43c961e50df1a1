package sheet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// table is a stream of rows from one sheet of a workbook or from a CSV file.
type table interface {
	Next() bool
	Row() []string // valid until the next call of Next
	RowNum() int   // 1-based, as the spreadsheet numbers the row
	Err() error
	Sheet() string // empty for a CSV file
	// DateSerials reports whether numeric cells of a date column are Excel
	// date serials (a workbook), and whether they count from 1904.
	DateSerials() (ok, date1904 bool)
}

// Format is what a file holds, told from its first bytes, never from its
// name: an export saved as .csv may be a workbook, and the other way round.
type Format uint8

// Formats of input files.
const (
	FormatText     Format = iota // CSV text: UTF-8, UTF-8 with BOM or CP950
	FormatWorkbook               // an .xlsx workbook (a zip archive)
)

// ctxCheckRows is how often the row loops look at their context: often
// enough to stop within a second, seldom enough to cost nothing.
const ctxCheckRows = 1024

// sniff reads the first bytes of r to tell its format, and returns a reader
// that still yields every byte.
func sniff(r io.Reader, name string) (Format, *bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 64*1024)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatWorkbook, br, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return 0, nil, fmt.Errorf("%s: an old Excel .xls workbook, or a password-protected one: save it in Excel as .xlsx (Excel Workbook) without a password, or as CSV", name)
	}
	return FormatText, br, nil
}

// openFile opens a named input and gives progress reports, if asked, by
// bytes read of its size.
func openFile(name string, progress func(done, total int64)) (io.Reader, func() error, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("%s is a folder: want a file", name)
	}
	var r io.Reader = f
	if progress != nil {
		r = &progressReader{r: f, total: fi.Size(), report: progress}
	}
	return r, f.Close, nil
}

// progressReader counts bytes read and reports now and then.
type progressReader struct {
	r              io.Reader
	n, last, total int64
	report         func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n-p.last >= 256*1024 || (err != nil && p.n != p.last) {
		p.last = p.n
		p.report(p.n, p.total)
	}
	return n, err
}

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

// ctxErr checks ctx every ctxCheckRows rows.
func ctxErr(ctx context.Context, row int) error {
	if row%ctxCheckRows == 0 {
		return ctx.Err()
	}
	return nil
}
