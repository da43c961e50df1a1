package ranges

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Pos is where something was read: a file and, as far as known, the sheet
// of a workbook, the row as the spreadsheet numbers it, the line of a text
// file, the column, its header text, or the key of a config file. Zero
// fields are unknown and not printed.
type Pos struct {
	File   string
	Sheet  string // a workbook's sheet; empty for a CSV file
	Row    int    // 1-based, as the spreadsheet numbers the row
	Line   int    // 1-based line of a text file (config, bulk file)
	Col    int    // 1-based column: 1 is A
	Header string // the column's header text, when known
	Key    string // a config file's key, as branch[2].alloc
}

func (p Pos) String() string { return p.Localize(nil) }

// Localize prints the place in pr's language (English for a nil printer):
// file:line: sheet S, row R, column C (header), key.
func (p Pos) Localize(pr *msg.Printer) string {
	var b strings.Builder
	b.WriteString(VisibleName(p.File))
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	first := true
	part := func(m msg.Message) {
		if first {
			b.WriteString(pr.Text(": "))
			first = false
		} else {
			b.WriteString(pr.Text(", "))
		}
		b.WriteString(m.Localize(pr))
	}
	if p.Sheet != "" {
		part(msg.T("sheet %s", VisibleName(p.Sheet)))
	}
	if p.Row > 0 {
		part(msg.T("row %d", p.Row))
	}
	if p.Col > 0 {
		if p.Header != "" {
			part(msg.T("column %s (%s)", ColumnName(p.Col), Clip(p.Header)))
		} else {
			part(msg.T("column %s", ColumnName(p.Col)))
		}
	}
	if p.Key != "" {
		part(msg.T("%s", p.Key))
	}
	return b.String()
}

// Error is bad input at a place: its message names the place and says what
// is wrong and what was expected (Err), so that a user can fix the file from
// the message alone. Value is the offending value as read, when there is
// one; Err's message quotes it already.
type Error struct {
	Pos
	Value string
	Err   error
	// Subject, on the error of a row of an invoice export, is the invoice
	// number the row names, as far as it could be read: the row may be the
	// invoice of whoever is allocated that number. Nil on other errors.
	Subject *Subject
}

// Subject is the invoice number a bad row of an export names.
type Subject struct {
	// Number is the row's invoice number when Whole; otherwise its Track
	// alone, or nothing ("") when not even the 字軌 could be read.
	Number InvoiceNumber
	Whole  bool
}

func (e *Error) Error() string { return e.Localize(nil) }

// Localize prints the error in p's language (English for a nil printer).
func (e *Error) Localize(p *msg.Printer) string {
	return e.Pos.Localize(p) + p.Text(": ") + p.Localize(e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Err: msg.Errorf(format, args...)}
}

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

// quoteMax is how many characters of a value a message quotes.
const quoteMax = 40

// Quote quotes a value for a message, cut to a few dozen characters: a
// message must name the value, never echo a megabyte cell.
func Quote(s string) string {
	head, cut := clip(s)
	if !cut {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q… (%d B)", head, len(s))
}

// Clip is Quote without the quotes, for text such as a header.
func Clip(s string) string {
	head, cut := clip(s)
	if !cut {
		return VisibleName(s)
	}
	return fmt.Sprintf("%s… (%d B)", VisibleName(head), len(s))
}

func clip(s string) (string, bool) {
	if len(s) <= quoteMax || utf8.RuneCountInString(s) <= quoteMax {
		return s, false
	}
	n := 0
	for i := range s {
		if n == quoteMax {
			return s[:i], true
		}
		n++
	}
	return s, false
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

func (l *ErrorList) Error() string { return l.Localize(nil) }

// Localize prints the list in p's language, an error a line.
func (l *ErrorList) Localize(p *msg.Printer) string {
	var b strings.Builder
	for i, e := range l.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Localize(e))
	}
	if l.Truncated {
		b.WriteString(p.Text("\nstopped after %d errors", MaxErrors))
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As access to every error in the list.
func (l *ErrorList) Unwrap() []error { return l.Errs }

// AsList returns err as a list: the list itself, a single located *Error
// as a list of one, or nil for any other error.
func AsList(err error) *ErrorList {
	var list *ErrorList
	if errors.As(err, &list) {
		return list
	}
	var e *Error
	if errors.As(err, &e) {
		return &ErrorList{Errs: []error{err}}
	}
	return nil
}

// ErrCoverage means the blank computation failed its own check: blank and used
// numbers did not cover every allocated number exactly once. It is a bug in
// blanktrack, never a problem of the input.
var ErrCoverage = msg.New("internal check failed: blank and used numbers do not cover the allocations exactly once")
