// Command mkexamples writes the input files of the examples, shaped as the
// real files are. examples/basic: the allocation downloads and a month of
// exports of a head office and one branch (an ERP workbook with a title row,
// shared strings and date serials; a POS CSV in CP950 with ROC dates and a
// void mark). examples/portal-export: one business's invoices as the
// e-invoice portal itself gives them (see portal.go). examples/branches:
// a head office and three branches for a config run (see branches.go).
// Run it from the repository root: go run ./pkg/internal/xlsxfixture/mkexamples
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
)

const dir = "examples/basic"

func main() {
	for _, d := range []string{"alloc", "invoices"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			log.Fatal(err)
		}
	}
	// The new portal's allocation download: UTF-8, CRLF, spaces around "~".
	write("alloc/invnoapply_53212539_11510.csv", []byte(
		"營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n"+
			"53212539,7,一般稅額計算,115/09 ~ 115/10,ZK,37210300,37210499\r\n"))
	// The old portal's download for the branch: CP950, and no spaces.
	write("alloc/invnoapply_24549210_11510.csv", big5(
		"營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n"+
			"24549210,7,一般稅額計算,115/09~115/10,ZL,48120050,48120149\r\n"+
			"24549210,8,特種稅額計算,115/09~115/10,ZM,00012300,00012349\r\n"))

	writeHeadWorkbook()
	writeBranchCSV()
	writePortalExports()
	writeBranches()
}

// writeHeadWorkbook writes the head office's ERP export.
func writeHeadWorkbook() {
	S, N, D := xlsxfixture.S, xlsxfixture.N, xlsxfixture.D
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	invoices := func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("台灣範例股份有限公司 115年9-10月 銷項發票明細")))
		emit(nil)
		emit(xlsxfixture.Row(S("發票日期"), S("發票號碼"), S("買受人統編"), S("銷售額"), S("狀態"), S("備註")))
		// A previous-period invoice the ERP export also holds.
		emit(xlsxfixture.Row(D(day(8, 31)), S("ZJ55550049"), S(""), N(1200), S("開立")))
		n := 37210300
		for i := 0; n <= 37210411; i++ {
			// 37210357 and 37210358 were skipped (跳號) by the cashier.
			if n == 37210357 || n == 37210358 {
				n++
				continue
			}
			status := "開立"
			note := ""
			if n == 37210390 || n == 37210391 {
				status, note = "作廢", "客戶退貨"
			}
			d := day(9, 1+i%30)
			if i >= 60 {
				d = day(10, 1+i%31)
			}
			buyer := S("")
			if i%7 == 0 {
				buyer = S("22099131")
			}
			emit(xlsxfixture.Row(D(d), S(fmt.Sprintf("ZK%08d", n)), buyer, N(float64(100+i*13%900)), S(status), S(note)))
			n++
		}
	}
	notes := func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("匯出時間"), S("2026/11/02 09:15")))
		emit(xlsxfixture.Row(S("匯出者"), S("會計部")))
	}
	var b bytes.Buffer
	err := xlsxfixture.Write(&b, []xlsxfixture.Sheet{{Name: "銷項發票", Rows: invoices}, {Name: "說明", Rows: notes}})
	if err != nil {
		log.Fatal(err)
	}
	write("invoices/head-erp-115-09-10.xlsx", b.Bytes())
}

// writeBranchCSV writes the branch's POS export: CP950, 字軌 and number in
// two columns, ROC dates, a void mark, and the flaws of hand-kept files: a
// number that lost its leading zeros in Excel, full-width letters, stray
// spaces and a trailing totals row.
func writeBranchCSV() {
	var b bytes.Buffer
	b.WriteString("發票字軌,號碼,開立日期,作廢註記,金額\r\n")
	for n, i := 48120050, 0; n <= 48120130; n, i = n+1, i+1 {
		if n == 48120077 {
			continue // 跳號
		}
		track := "ZL"
		if n == 48120061 {
			track = "ＺＬ"
		}
		void := "N"
		if n == 48120100 {
			void = "Y"
		}
		fmt.Fprintf(&b, "%s,%d,115/%02d/%02d,%s,%d\r\n", track, n, 9+i/45, 1+i%28, void, 50+i*7%400)
	}
	for n := 12300; n <= 12310; n++ {
		num := fmt.Sprintf("%08d", n)
		if n%2 == 1 {
			num = fmt.Sprint(n) // re-saved by Excel: leading zeros lost
		}
		fmt.Fprintf(&b, "ZM, %s ,115/10/%02d,N,%d\r\n", num, 1+n%28, 300)
	}
	b.WriteString("合計,,,,\r\n")
	write("invoices/branch-pos-115-09-10.csv", big5(b.String()))
}

func big5(s string) []byte {
	out, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatal(err)
	}
	return out
}

func write(name string, data []byte) {
	writeIn(dir, name, data)
}

func writeIn(dir, name string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		log.Fatal(err)
	}
}
