package sheet_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/internal/benchmem"
	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// The benchmarks' inputs are written once per test binary into one
// temporary folder, removed by TestMain: never committed.
var (
	benchDirOnce sync.Once
	benchDir     string
	benchDirErr  error
)

// benchInput is a generated input file.
type benchInput struct {
	once sync.Once
	path string
	err  error
}

// get writes the file with write on first use and returns its path.
func (in *benchInput) get(b *testing.B, name string, write func(w *bufio.Writer) error) string {
	benchDirOnce.Do(func() { benchDir, benchDirErr = os.MkdirTemp("", "blanktrack-bench-") })
	if benchDirErr != nil {
		b.Fatal(benchDirErr)
	}
	in.once.Do(func() {
		in.path = filepath.Join(benchDir, name)
		f, err := os.Create(in.path)
		if err != nil {
			in.err = err
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		in.err = write(w)
		if err := w.Flush(); in.err == nil {
			in.err = err
		}
		if err := f.Close(); in.err == nil {
			in.err = err
		}
	})
	if in.err != nil {
		b.Fatal(in.err)
	}
	return in.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

var benchPeriod = ranges.Period{Year: 114, EndMonth: 10}

const benchInvoices = 300_000

var workbookInput benchInput

// benchWorkbook is an ERP-style export of benchInvoices invoices as Excel
// saves it: a title row, every text cell in the shared-string table (each
// invoice number is a unique string), dates as serials, amounts as
// numbers. Every 97th number is skipped (跳號) and every 50th is voided.
func benchWorkbook(b *testing.B) string {
	return workbookInput.get(b, "sales.xlsx", func(w *bufio.Writer) error {
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
		return xlsxfixture.Write(w, []xlsxfixture.Sheet{sheet})
	})
}

func workbookAllocs() []ranges.Allocation {
	return []ranges.Allocation{{Ban: "83012410", Type: ranges.TypeGeneral, Period: benchPeriod, Track: "ZK", Start: 37000000, End: 37399999}}
}

// BenchmarkGenerate is generate's work on the workbook: read and match every
// invoice, compute and verify the blank ranges, render the bulk file and
// E0402 XML.
func BenchmarkGenerate(b *testing.B) {
	name := benchWorkbook(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			u := readInto(b, name, workbookAllocs(), benchInvoices)
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
	benchmem.Report(b, peak)
}

// BenchmarkReadWorkbook is the reading alone: every invoice of the
// workbook into a ranges.Usage. x-excelize is its time over the bare
// excelize row iteration (BenchmarkBareExcelizeRows), the best of three
// measured in the same run.
func BenchmarkReadWorkbook(b *testing.B) {
	name := benchWorkbook(b)
	base := fastest(3, func() { bareExcelize(b, name, excelize.Options{}) })
	benchRead(b, name, workbookAllocs(), benchInvoices)
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-excelize")
}

var portalWorkbookInput benchInput

// benchPortalWorkbook is the old portal's download of benchInvoices
// invoices: a sheet of their items first, two a invoice, then the invoice
// sheet. The item sheet is not read, only looked through for numbers no
// export lists (none here).
func benchPortalWorkbook(b *testing.B) string {
	return portalWorkbookInput.get(b, "portal.xlsx", func(w *bufio.Writer) error {
		S, N := xlsxfixture.S, xlsxfixture.N
		day := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
		date := func(i int) xlsxfixture.Cell {
			return S(day.AddDate(0, 0, i*61/benchInvoices).Format("2006-01-02"))
		}
		items := xlsxfixture.Sheet{Name: "明細", Rows: func(emit func([]xlsxfixture.Cell)) {
			emit(xlsxfixture.Row(S("發票號碼"), S("發票日期"), S("序號"), S("發票品名"), S("數量"), S("單位"), S("小計")))
			for i := range benchInvoices {
				for k := range 2 {
					emit(xlsxfixture.Row(S(fmt.Sprintf("ZK%08d", 37000000+i)), date(i), N(float64(k+1)), S("商品"), N(1), S("個"), N(float64(100+i%900))))
				}
			}
		}}
		invoices := xlsxfixture.Sheet{Name: "發票", Rows: func(emit func([]xlsxfixture.Cell)) {
			emit(xlsxfixture.Row(S("發票號碼"), S("發票狀態"), S("發票日期"), S("賣方統一編號"), S("總計")))
			for i := range benchInvoices {
				emit(xlsxfixture.Row(S(fmt.Sprintf("ZK%08d", 37000000+i)), S("開立已確認"), date(i), S("83012410"), N(float64(200+i%900))))
			}
		}}
		return xlsxfixture.Write(w, []xlsxfixture.Sheet{items, invoices})
	})
}

// BenchmarkReadPortalWorkbook reads the old portal's download: the
// invoice sheet, and the item sheet, twice as long, looked through for
// numbers the invoice sheet lacks. x-read is its time over
// BenchmarkReadWorkbook's work (one sheet of as many invoices, without
// the item sheet), the best of three measured in the same run.
func BenchmarkReadPortalWorkbook(b *testing.B) {
	name, plain := benchPortalWorkbook(b), benchWorkbook(b)
	base := fastest(3, func() { readInto(b, plain, workbookAllocs(), benchInvoices) })
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			if nr := readInto(b, name, workbookAllocs(), benchInvoices).NotRead(); nr.Count != 0 {
				b.Fatalf("NotRead %+v", nr)
			}
		}))
	}
	b.StopTimer()
	benchmem.Report(b, peak)
	setBytes(b, name)
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-read")
}

// BenchmarkBareExcelizeRows is the floor: excelize iterating the same rows
// with raw values and doing nothing with them, with excelize's default
// options (the shared-string table of this file is parsed into memory).
func BenchmarkBareExcelizeRows(b *testing.B) {
	benchBare(b, excelize.Options{})
}

// BenchmarkBareExcelizeRowsSpilled is the same iteration with parts over
// 1 MiB, the shared strings included, kept in temporary files, as
// blanktrack opened workbooks before it had its own reader.
func BenchmarkBareExcelizeRowsSpilled(b *testing.B) {
	benchBare(b, excelize.Options{UnzipXMLSizeLimit: 1 << 20})
}

func benchBare(b *testing.B, opts excelize.Options) {
	name := benchWorkbook(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() { bareExcelize(b, name, opts) }))
	}
	b.StopTimer()
	benchmem.Report(b, peak)
	setBytes(b, name)
}

func bareExcelize(b *testing.B, name string, opts excelize.Options) {
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
}

// The chain's CSV: 20,000,000 invoices of 4 registers, one track of
// 10,000,000 numbers each, about 660 MB.
const (
	csvInvoices = 20_000_000
	csvTracks   = 4
)

var csvInput benchInput

// benchCSV is a POS export of the chain's period as UTF-8 CSV with CRLF:
// the registers' rows interleaved, every 97th number skipped (跳號), every
// 50th invoice voided.
func benchCSV(b *testing.B) string {
	return csvInput.get(b, "pos.csv", func(w *bufio.Writer) error {
		w.WriteString("發票號碼,發票日期,發票狀態,金額\r\n")
		var next [csvTracks]int
		var line []byte
		for i := 0; i < csvInvoices; i++ {
			t := i % csvTracks
			if next[t]%97 == 96 {
				next[t]++
			}
			line = append(line[:0], 'A', byte('A'+t))
			line = strconv.AppendInt(line, int64(10_000_000+next[t]), 10)
			next[t]++
			month, day := 9, 1+i*61/csvInvoices
			if day > 30 {
				month, day = 10, day-30
			}
			line = fmt.Appendf(line, ",2025/%02d/%02d,", month, day)
			if i%50 == 0 {
				line = append(line, "作廢"...)
			} else {
				line = append(line, "開立"...)
			}
			line = append(line, ',')
			line = strconv.AppendInt(line, int64(10+i%90), 10)
			line = append(line, '\r', '\n')
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
}

func csvAllocs() []ranges.Allocation {
	var allocs []ranges.Allocation
	for t := range csvTracks {
		allocs = append(allocs, ranges.Allocation{Ban: "83012410", Type: ranges.TypeGeneral, Period: benchPeriod,
			Track: ranges.Track([]byte{'A', byte('A' + t)}), Start: 10_000_000, End: 19_999_999})
	}
	return allocs
}

// BenchmarkReadCSV reads the chain's 20,000,000-invoice CSV into a
// ranges.Usage. x-lines is its time over BenchmarkCSVLineCount's loop on
// the same file, the best of three measured in the same run.
func BenchmarkReadCSV(b *testing.B) {
	name := benchCSV(b)
	base := fastest(3, func() { countLines(b, name) })
	benchRead(b, name, csvAllocs(), csvInvoices)
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(base), "x-lines")
}

// BenchmarkCSVLineCount is the floor: a plain loop that reads the file and
// counts its lines.
func BenchmarkCSVLineCount(b *testing.B) {
	name := benchCSV(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() { countLines(b, name) }))
	}
	b.StopTimer()
	benchmem.Report(b, peak)
	setBytes(b, name)
}

func countLines(b *testing.B, name string) {
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	lines := 0
	for {
		n, err := f.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if lines != csvInvoices+1 {
		b.Fatalf("%d lines", lines)
	}
}

// benchRead reads name into a Usage of allocs b.N times.
func benchRead(b *testing.B, name string, allocs []ranges.Allocation, want int) {
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() { readInto(b, name, allocs, want) }))
	}
	b.StopTimer()
	benchmem.Report(b, peak)
	setBytes(b, name)
}

// readInto reads name into a new Usage and checks the count.
func readInto(b *testing.B, name string, allocs []ranges.Allocation, want int) *ranges.Usage {
	u, err := ranges.NewUsage(benchPeriod, allocs)
	if err != nil {
		b.Fatal(err)
	}
	var errs ranges.ErrorList
	sts, err := sheet.ReadInvoiceFile(context.Background(), name, sheet.Options{}, u, &errs)
	if err != nil || errs.Err() != nil {
		b.Fatal(err, errs.Err())
	}
	if len(sts) != 1 || sts[0].Invoices != want {
		b.Fatalf("read %+v, want one sheet of %d invoices", sts, want)
	}
	return u
}

func setBytes(b *testing.B, name string) {
	if fi, err := os.Stat(name); err == nil {
		b.SetBytes(fi.Size())
	}
}

// fastest is the shortest of n runs of f.
func fastest(n int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}
