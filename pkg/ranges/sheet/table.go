package sheet

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
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
	// Uncached lists the columns (0-based) of the current row whose cells
	// are formulas without a saved value.
	Uncached() []int
}

// ctxCheckRows is how often the row loops look at their context: often
// enough to stop within a second, seldom enough to cost nothing.
const ctxCheckRows = 1024

// openFile opens a named input and gives progress reports, if asked, by
// bytes read of its size.
func openFile(name string, progress func(done, total int64)) (source, func() error, error) {
	f, err := os.Open(name)
	if err != nil {
		return source{}, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return source{}, nil, err
	}
	if fi.IsDir() {
		f.Close()
		return source{}, nil, msg.Errorf("%s is a folder: want a file", name)
	}
	src := newSource(f)
	if progress != nil {
		src.r = &progressReader{r: f, total: fi.Size(), report: progress}
	}
	return src, f.Close, nil
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

// ctxErr checks ctx every ctxCheckRows rows: n counts the rows read, not
// their numbers, which may skip.
func ctxErr(ctx context.Context, n int) error {
	if n%ctxCheckRows == 0 {
		return ctx.Err()
	}
	return nil
}
