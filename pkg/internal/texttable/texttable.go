// Package texttable prints aligned columns of text for reports.
package texttable

import (
	"io"
	"strings"

	"golang.org/x/text/width"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// Table prints aligned columns. Unlike text/tabwriter it measures cells
// in terminal cells, so Chinese sheet names and file names (two cells a
// character) do not push the columns out of line.
type Table struct {
	Header []string
	Right  []bool // right-align column i (numbers)
	rows   [][]string
}

// Add adds a row. A cell is one line: control characters in it (a file or
// branch name with a newline or an escape sequence) are written out, so
// that no cell can break the table or forge a line.
func (t *Table) Add(cells ...string) {
	for i, c := range cells {
		cells[i] = ranges.VisibleName(c)
	}
	t.rows = append(t.rows, cells)
}

// Write prints the header and the rows.
func (t *Table) Write(w io.Writer) error {
	widths := make([]int, len(t.Header))
	for _, r := range append([][]string{t.Header}, t.rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range append([][]string{t.Header}, t.rows...) {
		line := strings.Builder{}
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if i < len(t.Right) && t.Right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
