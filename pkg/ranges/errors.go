package ranges

import (
	"errors"
	"fmt"
	"strings"
)

// Pos is where a row came from: the file, the sheet of a workbook (empty for
// a CSV) and the row as the spreadsheet numbers it (1-based).
type Pos struct {
	File  string
	Sheet string
	Row   int
}

func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %s", p.Sheet)
	}
	if p.Row > 0 {
		if p.Sheet != "" {
			b.WriteString(",")
		} else {
			b.WriteString(":")
		}
		fmt.Fprintf(&b, " row %d", p.Row)
	}
	return b.String()
}

// CellError is bad input at one place of a spreadsheet or CSV file. Its
// message names the file, sheet, row, column and value and says what was
// expected, so that a user can fix the file from the message alone.
type CellError struct {
	Pos
	Column int    // 1-based; 0 when the error concerns the whole row or file
	Header string // the column's header text, when known
	Value  string // the offending value, as read
	Err    error  // what is wrong and what was expected
}

func (e *CellError) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	if e.Column > 0 {
		fmt.Fprintf(&b, ", column %s", ColumnName(e.Column))
		if e.Header != "" {
			fmt.Fprintf(&b, " (%s)", e.Header)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *CellError) Unwrap() error { return e.Err }

// ColumnName is the spreadsheet's name of a 1-based column: 1 is A, 27 is AA.
func ColumnName(col int) string {
	var b []byte
	for col > 0 {
		col--
		b = append([]byte{byte('A' + col%26)}, b...)
		col /= 26
	}
	return string(b)
}

// MaxErrors is how many input errors are collected before reading stops.
const MaxErrors = 20

// ErrorList is the input errors of one run, at most MaxErrors of them.
type ErrorList struct {
	Errs      []error
	Truncated bool // reading stopped after MaxErrors errors
}

// Add records err and reports whether reading should go on.
func (l *ErrorList) Add(err error) bool {
	if len(l.Errs) >= MaxErrors {
		l.Truncated = true
		return false
	}
	l.Errs = append(l.Errs, err)
	if len(l.Errs) >= MaxErrors {
		l.Truncated = true
		return false
	}
	return true
}

// Full reports whether no more errors are taken.
func (l *ErrorList) Full() bool { return len(l.Errs) >= MaxErrors }

// Err returns the list as an error, or nil when it is empty.
func (l *ErrorList) Err() error {
	if len(l.Errs) == 0 {
		return nil
	}
	return l
}

func (l *ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	if l.Truncated {
		fmt.Fprintf(&b, "\nstopped after %d errors", MaxErrors)
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As access to every error in the list.
func (l *ErrorList) Unwrap() []error { return l.Errs }

// ErrCoverage means the blank computation failed its own check: blank and used
// numbers did not cover every allocated number exactly once. It is a bug in
// blanktrack, never a problem of the input.
var ErrCoverage = errors.New("internal check failed: blank and used numbers do not cover the allocations exactly once")
