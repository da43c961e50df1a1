package sheet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// A cell that starts with a quote and goes on after its closing quote,
// such as "好市多"台中店, is read as Excel and Python's csv read it: the
// quoted section ends at the first quote that is not doubled, and the rest
// of the cell up to the separator is taken as it is. The lazy reading kept
// the quoted section open until a later quote and swallowed every row in
// between: their numbers were filed as blank, without an error.
func TestCSVQuoteThenTextReadsAsExcel(t *testing.T) {
	var b strings.Builder
	b.WriteString("發票號碼,買方名稱,發票日期,金額\n")
	for n := 100; n < 140; n++ {
		name := fmt.Sprintf("客戶%d", n)
		if n == 105 {
			name = `"好市多"台中店`
		}
		fmt.Fprintf(&b, "ZK%08d,%s,2025/09/06,100\n", n, name)
	}
	rows, _, _, err := readText(t, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 41 || rows[6][1] != "好市多台中店" || rows[7][0] != "ZK00000106" {
		t.Fatalf("got %d rows, row 7 %q: want 41 rows, 好市多台中店 in B7", len(rows), rows[min(6, len(rows)-1)])
	}
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(b.String()), "pos.csv", Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if st.Invoices != 40 {
		t.Errorf("counted %d invoices, want 40", st.Invoices)
	}
}

// The cases where Excel's reading differs from the lazy one, through the
// splitter and the parser with chunks of every size.
func TestCSVExcelQuoting(t *testing.T) {
	tests := []struct {
		in   string
		want [][]string
	}{
		{"a,\"好\"x,b\nc\n", [][]string{{"a", "好x", "b"}, {"c"}}},
		{"\"a\"b\"c\",d\n", [][]string{{"ab\"c\"", "d"}}},
		{"\"a\"\"b\"x\ny\n", [][]string{{"a\"bx"}, {"y"}}},
		{"\"a\" ,b\n", [][]string{{"a ", "b"}}},
		{"\"a\"\r\n\"b\"x\r\n", [][]string{{"a"}, {"bx"}}},
		{"\"note\nline 2\",x\nZK00000100\n", [][]string{{"note\nline 2", "x"}, {"ZK00000100"}}},
	}
	for _, tt := range tests {
		for _, size := range []int{1, 2, 3, 5, 64} {
			recs, _, err := parseChunked(t, tt.in, size)
			if err != nil || !slices.EqualFunc(recs, tt.want, slices.Equal) {
				t.Errorf("%q, chunks of %d: %q (%v), want %q", tt.in, size, recs, err, tt.want)
			}
		}
	}
}

// A quote that is never closed runs to a later stray quote, swallowing the
// rows between. A quoted cell spanning lines that holds a line looking
// like an invoice row is an error at the row where the quote opens. When
// the quote that ends the cell does not end a cell there (text follows it,
// or no quote follows at all), the quote is not closed; when it does, the
// file is well-formed, and only its writer knows whether the cell is a
// note or rows swallowed (review 14: a note of two lines, properly
// quoted, was said to have a quote "probably not closed").
func TestCSVUnclosedQuoteSwallowingRows(t *testing.T) {
	row := func(b *strings.Builder, n int, name string) {
		fmt.Fprintf(b, "ZK%08d,%s,2025/09/06,100\n", n, name)
	}
	for _, tt := range []struct {
		form, closing string
		want          error
		msg           string
	}{
		{"ZK%08d", `客戶19"`, ErrQuotedRows, `a quoted cell spans lines that look like invoice rows: its line 2 of 15, "ZK00000106,客戶106,2025/09/06,100", would not be read as an invoice; if a quote opened in this cell was not closed`},
		{"ZK-%08d", `客戶19"`, ErrQuotedRows, "if the cell is a note of several lines, put the note on one line"},
		{"ZK,%08d", `客戶19"`, ErrQuotedRows, "line 2 of 15"},
		{"ZK%08d", `"客戶19"`, ErrQuoteNotClosed, `a quote is not closed: a quote opens this cell, and the cell runs on over the lines below to a quote that does not end a cell; its line 2, "ZK00000106,客戶106,2025/09/06,100", looks like an invoice row`},
		{"ZK%08d", `客戶19`, ErrQuoteNotClosed, "a quote is not closed"},
	} {
		var b strings.Builder
		b.WriteString("發票號碼,買方名稱,發票日期,金額\n")
		for n := 100; n < 130; n++ {
			switch n {
			case 105:
				row(&b, n, `"ACME`)
			case 119:
				row(&b, n, tt.closing)
			case 110:
				fmt.Fprintf(&b, tt.form+",x,2025/09/06,100\n", n)
			default:
				row(&b, n, fmt.Sprintf("客戶%d", n))
			}
		}
		u := zkUsage(t)
		var errs ranges.ErrorList
		_, err := ReadInvoices(context.Background(), strings.NewReader(b.String()), "pos.csv", Options{}, u, &errs)
		var re *ranges.Error
		if !errors.As(err, &re) || re.Row != 7 || re.Col != 2 || !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s, %s: err %v, want one at row 7, column B: %v, %q", tt.form, tt.closing, err, tt.want, tt.msg)
		}
	}
	// A note spanning lines reads.
	data := "發票號碼,備註,發票日期\nZK00000100,\"第一行\n第二行, 12345678 元\",2025/09/06\nZK00000101,,2025/09/07\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(data), "pos.csv", Options{}, u, &errs))
	if err != nil || errs.Err() != nil || st.Invoices != 2 {
		t.Errorf("a note spanning lines: %+v, %v, %v", st, err, errs.Err())
	}
}

// Old Mac Excel's "CSV (Macintosh)" ends lines with CR alone.
func TestCSVCarriageReturnLineEnds(t *testing.T) {
	data := "發票號碼,發票日期\rZK00000100,2025/09/01\r\rZK00000101,\"2025/09/02\"\rZK00000102,2025/09/03"
	rows, nums, _, err := readText(t, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(nums, []int{1, 2, 4, 5}) || rows[2][1] != "2025/09/02" {
		t.Fatalf("rows %q numbered %v", rows, nums)
	}
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(data), "mac.csv", Options{}, u, &errs))
	if err != nil || errs.Err() != nil || st.Invoices != 3 {
		t.Errorf("%+v, %v, %v", st, err, errs.Err())
	}
}
