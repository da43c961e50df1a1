package ranges

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"37210312", "50", `="00000050"`, "３７２１０３１２", "4.25E+07", "", "-1", " 1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			return
		}
		if n > MaxNumber {
			t.Fatalf("ParseNumber(%q) = %d, beyond 8 digits", s, n)
		}
		back, err := ParseNumber(n.String())
		if err != nil || back != n || len(n.String()) != 8 {
			t.Fatalf("round trip of %q: %q -> %v, %v", s, n.String(), back, err)
		}
	})
}

func FuzzParseInvoiceNumber(f *testing.F) {
	for _, s := range []string{"ZK37210312", "zk-37210312", "ＺＫ３７２１０３１２", "ZK3721031", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ParseInvoiceNumber(s)
		if err != nil {
			return
		}
		back, err := ParseInvoiceNumber(in.String())
		if err != nil || back != in || len(in.String()) != 10 {
			t.Fatalf("round trip of %q: %q -> %v, %v", s, in, back, err)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"114/09 ~ 114/10", "114/09~114/10", "11410", "114年09-10月", "11409", "999/11~999/12", "0/1~0/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if p.EndMonth < 2 || p.EndMonth > 12 || p.EndMonth%2 != 0 || p.Year < 1 {
			t.Fatalf("ParsePeriod(%q) = %+v: not a period", s, p)
		}
		for _, form := range []string{p.String(), p.Code()} {
			if q, err := ParsePeriod(form); err != nil || q != p {
				t.Fatalf("%q printed as %q parses to %v, %v", s, form, q, err)
			}
		}
	})
}

func FuzzParseBan(f *testing.F) {
	for _, s := range []string{"04595257", "4595257", "22099131", "10458574", "12345678", "", "０４５９５２５７"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBan(s)
		if err != nil {
			return
		}
		if len(b) != 8 || !allDigits(string(b)) || !banChecksumOK(string(b)) {
			t.Fatalf("ParseBan(%q) = %q: not a valid 統一編號", s, b)
		}
		if again, err := ParseBan(string(b)); err != nil || again != b {
			t.Fatalf("ParseBan(%q) is not stable: %q, %v", b, again, err)
		}
	})
}

var (
	fuzzDirOnce sync.Once
	fuzzDir     string
	fuzzSeq     atomic.Int64
)

// fuzzFile writes data to a fresh file for one fuzz input and removes it
// when the input is done. The folder is made once per process: a TempDir
// for every input would cost more than the reading under test.
func fuzzFile(t *testing.T, data []byte) string {
	fuzzDirOnce.Do(func() {
		var err error
		if fuzzDir, err = os.MkdirTemp("", "blanktrack-fuzz-"); err != nil {
			panic(err)
		}
	})
	p := filepath.Join(fuzzDir, fmt.Sprintf("in-%d.csv", fuzzSeq.Add(1)))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(p) })
	return p
}

func FuzzReadInvoicesCSV(f *testing.F) {
	f.Add([]byte("發票號碼,發票狀態,發票日期\r\nZK00000100,開立,2025/10/01\r\n"))
	f.Add([]byte("字軌,號碼,作廢註記\nZK,101,Y\nZL,00000120,\n"))
	f.Add(append([]byte{0xEF, 0xBB, 0xBF}, "invoice number\nZK00000150\n\n\"ZK00000151\"\n"...))
	f.Add(big5(f, "標題\n\n發票號碼,狀態\nZK00000100,作廢\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, _ := NewUsage(testPeriod, []Allocation{alloc("53212539", TypeGeneral, "ZK", 100, 199), alloc("53212539", TypeGeneral, "ZL", 100, 149)})
		var errs ErrorList
		st, err := ReadInvoices(fuzzFile(t, data), ReadOptions{}, u, &errs)
		for _, e := range errs.Errs {
			var ce *CellError
			if !errors.As(e, &ce) || ce.Row < 1 || ce.Column < 1 {
				t.Fatalf("input error without a cell: %v", e)
			}
		}
		if err != nil {
			return
		}
		if st.Invoices+st.OutsidePeriod+st.Unallocated+st.NoNumber > st.Rows {
			t.Fatalf("more invoices than rows: %+v", st)
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
		var errs ErrorList
		as, err := ReadAllocations(fuzzFile(t, data), &errs)
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
