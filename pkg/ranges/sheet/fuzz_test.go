package sheet

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

func FuzzReadInvoicesCSV(f *testing.F) {
	f.Add([]byte("發票號碼,發票狀態,發票日期\r\nZK00000100,開立,2025/10/01\r\n"))
	f.Add([]byte("字軌,號碼,作廢註記\nZK,101,Y\nZL,00000120,\n"))
	f.Add(append([]byte{0xEF, 0xBB, 0xBF}, "invoice number\nZK00000150\n\n\"ZK00000151\"\n"...))
	f.Add(big5(f, "標題\n\n發票號碼,狀態\nZK00000100,作廢\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := zkUsage(t)
		if _, err := fuzzReadInvoices(t, data, "in.csv", u); err != nil {
			return
		}
		res, err := u.Compute()
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		if n := res.Summaries[0].Allocated + res.Summaries[1].Allocated; n != 150 {
			t.Fatalf("allocated %d, want 150", n)
		}
	})
}

func FuzzReadAllocationsCSV(f *testing.F) {
	f.Add([]byte("營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n24634102,7,一般稅額計算,110/11 ~ 110/12,NQ,42519550,42522049\r\n"))
	f.Add([]byte("24634102,8,特種稅額計算,110/11~110/12,NR,0,=\"00000049\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var errs ranges.ErrorList
		as, err := ReadAllocations(context.Background(), bytes.NewReader(data), "in.csv", &errs)
		if err != nil {
			return
		}
		for _, a := range as {
			if a.Validate() != nil || a.Period.IsZero() || len(a.Ban) != 8 || len(a.Track) != 2 {
				t.Fatalf("invalid allocation accepted: %+v", a)
			}
		}
	})
}

// fuzzReadInvoices reads data as an invoice export and checks what any
// input must give: located cell errors, a short message for a file that
// cannot be read, and no more invoices than rows in each table read.
func fuzzReadInvoices(t *testing.T, data []byte, name string, u *recorder) ([]FileStats, error) {
	var errs ranges.ErrorList
	sts, err := ReadInvoices(context.Background(), bytes.NewReader(data), name, Options{}, u, &errs)
	for _, e := range errs.Errs {
		var ce *ranges.Error
		if !errors.As(e, &ce) || ce.Row < 1 || ce.Col < 1 {
			t.Fatalf("input error without a cell: %v", e)
		}
	}
	if err != nil {
		if len(err.Error()) > 2000 {
			t.Fatalf("a message of %d bytes", len(err.Error()))
		}
		return sts, err
	}
	for _, st := range sts {
		if st.Invoices+st.OutsidePeriod+st.Unallocated+st.NoNumber > st.Rows {
			t.Fatalf("more invoices than rows: %+v", st)
		}
	}
	return sts, nil
}

// FuzzReadInvoicesXLSX feeds workbook bytes through io.Reader: whatever
// they are, the reader returns, bounded, and bad cells are located.
func FuzzReadInvoicesXLSX(f *testing.F) {
	for seed := uint64(0); seed < 4; seed++ {
		f.Add(genWorkbook(seed))
	}
	var b bytes.Buffer
	S, N := xlsxfixture.S, xlsxfixture.N
	if err := xlsxfixture.Write(&b, []xlsxfixture.Sheet{{Name: "Sheet1", Rows: rows(
		xlsxfixture.Row(S("字軌"), S("號碼"), S("作廢註記"), S("開立日期")),
		xlsxfixture.Row(S("ZK"), N(110), S("N"), S("114/10/01")),
		xlsxfixture.Row(S("ZL"), S("00000120"), S("Y"), N(45931)),
	)}}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzReadInvoices(t, data, "in.xlsx", zkUsage(t))
	})
}
