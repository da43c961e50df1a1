package sheet_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

const benchInvoices = 300_000

var (
	benchOnce sync.Once
	benchDir  string
	benchFile string
	benchErr  error
)

// benchWorkbook writes, once per test binary, an ERP-style export of
// benchInvoices invoices as Excel saves it: a title row, every text cell in
// the shared-string table (each invoice number is a unique string), dates as
// serials, amounts as numbers. Every 97th number is skipped (跳號) and every
// 50th is voided.
func benchWorkbook(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "blanktrack-bench-")
		if benchErr != nil {
			return
		}
		benchFile = filepath.Join(benchDir, "sales.xlsx")
		f, err := os.Create(benchFile)
		if err != nil {
			benchErr = err
			return
		}
		S, N, D := xlsxfixture.S, xlsxfixture.N, xlsxfixture.D
		sheet := xlsxfixture.Sheet{Name: "銷項發票", Rows: func(emit func([]xlsxfixture.Cell)) {
			emit(xlsxfixture.Row(S("範例股份有限公司 114年9-10月 銷項發票明細")))
			emit(xlsxfixture.Row(S("發票日期"), S("發票號碼"), S("買受人統編"), S("銷售額"), S("發票狀態"), S("備註")))
			day := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
			n := 0
			for i := 0; i < benchInvoices; n++ {
				if n%97 == 96 {
					continue
				}
				status := "開立"
				if i%50 == 0 {
					status = "作廢"
				}
				emit(xlsxfixture.Row(D(day.AddDate(0, 0, i*61/benchInvoices)), S(fmt.Sprintf("ZK%08d", 37000000+n)),
					S("22099131"), N(float64(100+i%900)), S(status), S("")))
				i++
			}
		}}
		benchErr = xlsxfixture.Write(f, []xlsxfixture.Sheet{sheet})
		if err := f.Close(); benchErr == nil {
			benchErr = err
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFile
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{benchDir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

// peakMemory samples the memory the Go runtime holds from the OS (what RSS
// sees of the heap) while f runs, and returns the peak.
func peakMemory(f func()) uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var peak atomic.Uint64
	read := func() {
		metrics.Read(samples)
		if v := samples[0].Value.Uint64() - samples[1].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	f()
	read()
	close(done)
	wg.Wait()
	return peak.Load()
}

func reportPeak(b *testing.B, peak uint64) {
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// BenchmarkGenerate is generate's work on the workbook: read and match every
// invoice, compute and verify the blank ranges, render the bulk file and
// E0402 XML.
func BenchmarkGenerate(b *testing.B) {
	name := benchWorkbook(b)
	p := ranges.Period{Year: 114, EndMonth: 10}
	allocs := []ranges.Allocation{{Ban: "83012410", Type: ranges.TypeGeneral, Period: p, Track: "ZK", Start: 37000000, End: 37399999}}
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, peakMemory(func() {
			u, err := ranges.NewUsage(p, allocs)
			if err != nil {
				b.Fatal(err)
			}
			var errs ranges.ErrorList
			st, err := sheet.ReadInvoiceFile(context.Background(), name, sheet.Options{}, u, &errs)
			if err != nil || errs.Err() != nil {
				b.Fatal(err, errs.Err())
			}
			if st.Invoices != benchInvoices {
				b.Fatalf("read %d invoices, want %d", st.Invoices, benchInvoices)
			}
			res, err := u.Compute()
			if err != nil {
				b.Fatal(err)
			}
			data, err := importfile.AppendBulk(nil, res.Ranges)
			if err != nil {
				b.Fatal(err)
			}
			for _, m := range importfile.E0402Messages("", res.Ranges) {
				x, err := importfile.MarshalE0402(m.Message)
				if err != nil {
					b.Fatal(err)
				}
				data = append(data, x...)
			}
			io.Discard.Write(data)
		}))
	}
	reportPeak(b, peak)
}

// BenchmarkBareExcelizeRows is the floor: excelize iterating the same rows
// with raw values and doing nothing with them, with excelize's default
// options (the shared-string table of this file is parsed into memory).
func BenchmarkBareExcelizeRows(b *testing.B) {
	benchBare(b, excelize.Options{})
}

// BenchmarkBareExcelizeRowsSpilled is the same iteration with the option
// blanktrack opens workbooks with: parts over 1 MiB, the shared strings
// included, stay in temporary files.
func BenchmarkBareExcelizeRowsSpilled(b *testing.B) {
	benchBare(b, excelize.Options{UnzipXMLSizeLimit: 1 << 20})
}

func benchBare(b *testing.B, opts excelize.Options) {
	name := benchWorkbook(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, peakMemory(func() {
			f, err := excelize.OpenFile(name, opts)
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows("銷項發票")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
				n++
			}
			rows.Close()
			f.Close()
			if n != benchInvoices+2 {
				b.Fatalf("%d rows", n)
			}
		}))
	}
	reportPeak(b, peak)
}
