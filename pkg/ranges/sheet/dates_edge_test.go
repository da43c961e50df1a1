package sheet

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// Issue 10, case 6: a workbook date-time is cut to the day it shows, never
// rounded. 2025-10-31 23:59:59.750, the last moment of 114/09~114/10, was
// read as 2025-11-01 and its number reported blank; 2025-08-31
// 23:59:59.750, the day before the period, counted inside it. Each edge
// of the period, through the reader, as Excel stores date-times (a serial
// with a date format).
func TestReadInvoicesDateTimesAtPeriodEdges(t *testing.T) {
	at := func(y int, m time.Month, d, h, mi, s, ms int) time.Time {
		return time.Date(y, m, d, h, mi, s, ms*int(time.Millisecond), time.UTC)
	}
	tests := []struct {
		name    string
		when    time.Time
		counted bool
	}{
		{"last moment of the period", at(2025, 10, 31, 23, 59, 59, 750), true},
		{"last millisecond of the period", at(2025, 10, 31, 23, 59, 59, 999), true},
		{"first moment of the period", at(2025, 9, 1, 0, 0, 0, 0), true},
		{"last moment before the period", at(2025, 8, 31, 23, 59, 59, 750), false},
		{"last millisecond before the period", at(2025, 8, 31, 23, 59, 59, 999), false},
		{"first moment after the period", at(2025, 11, 1, 0, 0, 0, 0), false},
	}
	S, D := xlsxfixture.S, xlsxfixture.D
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := writeWorkbook(t, "erp.xlsx", xlsxfixture.Sheet{Name: "銷項", Rows: rows(
				xlsxfixture.Row(S("發票號碼"), S("發票日期")),
				xlsxfixture.Row(S("ZK00000100"), D(tt.when)),
			)})
			u := zkUsage(t)
			var errs ranges.ErrorList
			st, err := one(ReadInvoiceFile(context.Background(), name, Options{}, u, &errs))
			if err != nil || errs.Err() != nil {
				t.Fatalf("err %v, errs %v", err, errs.Err())
			}
			if counted := st.Invoices == 1; counted != tt.counted || st.OutsidePeriod+st.Invoices != 1 {
				t.Errorf("%s: stats %+v, want counted %v", tt.when.Format("2006-01-02 15:04:05.000"), st, tt.counted)
			}
			if !tt.counted {
				got := u.OutsidePeriod.First[0].Date
				if want := time.Date(tt.when.Year(), tt.when.Month(), tt.when.Day(), 0, 0, 0, 0, time.UTC); !got.Equal(want) {
					t.Errorf("read as %v, want the day it shows, %v", got, want)
				}
			}
		})
	}
}

// The same edges written as text, as CSV exports and text cells hold them.
func TestReadInvoicesTextDateTimesAtPeriodEdges(t *testing.T) {
	data := "發票號碼,發票日期\n" +
		"ZK00000100,2025/10/31 23:59:59.750\n" +
		"ZK00000101,2025-10-31T23:59:59.999\n" +
		"ZK00000102,2025/08/31 23:59:59.750\n" +
		"ZK00000103,114/11/01 00:00:00\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, "pos.csv", []byte(data)), Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if got, want := usedNumbers(t, u), []string{"ZK00000100", "ZK00000101"}; !slicesEqual(got, want) || st.OutsidePeriod != 2 {
		t.Errorf("counted %v (outside %d), want %v and 2 outside", got, st.OutsidePeriod, want)
	}
}

// A date-time with a zone belongs to the day it is in Taiwan: the UTC
// date was taken, so an invoice issued at 01:30 on the period's first day
// (17:30Z the day before) was outside the period.
func TestReadInvoicesZonedDateTimes(t *testing.T) {
	data := "發票號碼,發票日期\n" +
		"ZK00000100,2025-08-31T17:30:00Z\n" +
		"ZK00000101,2025-09-01T01:30:00+08:00\n" +
		"ZK00000102,2025-10-31T16:30:00Z\n" +
		"ZK00000103,2025-08-31T15:59:59Z\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(data), "shop.csv", Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if got, want := usedNumbers(t, u), []string{"ZK00000100", "ZK00000101"}; !slicesEqual(got, want) || st.OutsidePeriod != 2 {
		t.Errorf("counted %v (outside %d), want %v and 2 outside", got, st.OutsidePeriod, want)
	}
}

// A time that is not a time of day is an error naming the cell.
func TestReadInvoicesBadTimeIsAnError(t *testing.T) {
	data := "發票號碼,發票日期\nZK00000100,115/10/31 25:61:00\n"
	var errs ranges.ErrorList
	_, err := ReadInvoices(context.Background(), strings.NewReader(data), "pos.csv", Options{}, zkUsage(t), &errs)
	if err != nil || len(errs.Errs) != 1 {
		t.Fatalf("err %v, errs %v: want one cell error", err, errs.Err())
	}
	var ce *ranges.Error
	if !errors.As(errs.Errs[0], &ce) || ce.Row != 2 || ce.Col != 2 || ce.Value != "115/10/31 25:61:00" {
		t.Errorf("error %v: want it at B2 with the value", errs.Errs[0])
	}
}

// A row without a date in an export with a date column counts, as before,
// but is counted in FileStats so that the job can warn: it was taken as
// in the period without a word.
func TestReadInvoicesRowsWithoutDate(t *testing.T) {
	data := "發票號碼,發票日期,金額\nZK00000100,2025/09/01,10\nZK00000101\nZK00000102,,30\nZK00000103, ,40\nZK00000104,2025/07/01,50\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(data), "pos.csv", Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	var rows []int
	for _, inv := range st.NoDateRows.First {
		rows = append(rows, inv.Pos.Row)
	}
	if st.Invoices != 4 || st.NoDate != 3 || st.NoDateRows.Count != 3 || !slices.Equal(rows, []int{3, 4, 5}) {
		t.Errorf("invoices %d, no date %d at rows %v (count %d): want 4 counted, 3 without a date at rows 3-5",
			st.Invoices, st.NoDate, rows, st.NoDateRows.Count)
	}
}
