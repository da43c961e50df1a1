// Package texttable prints aligned columns of text for reports.
package texttable

import (
	"io"
	"strings"

	"golang.org/x/text/width"
)

// Table prints aligned columns. Unlike text/tabwriter it measures cells
// in terminal cells, so Chinese sheet names and file names (two cells a
// character) do not push the columns out of line.
type Table struct {
	Header []string
	Right  []bool // right-align column i (numbers)
	rows   [][]string
}

// Add adds a row.
func (t *Table) Add(cells ...string) { t.rows = append(t.rows, cells) }

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
