package main

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
)

const portalDir = "examples/portal-export"

// writePortalExports writes the invoices of business 83012410 for
// 115/09~115/10 as the portal gives them: September from the old portal's
// Excel download (an item sheet before the invoice sheet, purchases mixed
// in, an invoice of the previous period whose 字軌 and number reappear in
// this period's allocation), October from the new portal's asynchronous CSV
// (M and D rows, UTF-8 with BOM, a comma left unquoted in 買方名稱, and
// nullified numbers, one of them never reissued).
func writePortalExports() {
	writeIn(portalDir, "alloc/invnoapply_83012410_11510.csv", []byte(
		"營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n"+
			"83012410,7,一般稅額計算,115/09 ~ 115/10,ZK,37210300,37210399\r\n"+
			"83012410,7,一般稅額計算,115/09 ~ 115/10,ZL,48120000,48120049\r\n"))
	writeOldPortalWorkbook()
	writeNewPortalCSV()
}

func writeOldPortalWorkbook() {
	S, N := xlsxfixture.S, xlsxfixture.N
	type row struct {
		number, status, date, buyer, buyerName, seller, sellerName string
		total                                                      float64
	}
	var invoices []row
	for n := 37210300; n <= 37210349; n++ {
		status := "開立已確認"
		if n == 37210320 {
			status = "作廢已確認"
		}
		d := time.Date(2026, 9, 1+(n-37210300)*29/50, 0, 0, 0, 0, time.UTC)
		invoices = append(invoices, row{fmt.Sprintf("ZK%d", n), status, d.Format("2006-01-02"), "", "", "83012410", "範例商行", float64(100 + n%7*35)})
		if n%12 == 0 { // a purchase from a supplier, now and then
			invoices = append(invoices, row{fmt.Sprintf("QW%d", 61200000+n%1000), "開立已確認", d.Format("2006-01-02"), "83012410", "範例商行", "22099131", "大盤供應股份有限公司", 5250})
		}
	}
	// The previous period: ZK37210350 was a number of 115/07~115/08 and is
	// allocated again in 115/09~115/10. Only the date tells them apart.
	invoices = append(invoices, row{"ZK37210350", "開立已確認", "2026-07-15", "", "", "83012410", "範例商行", 880})

	items := func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("發票號碼"), S("發票日期"), S("序號"), S("發票品名"), S("數量"), S("單位"), S("小計")))
		for _, r := range invoices {
			emit(xlsxfixture.Row(S(r.number), S(r.date), S("1"), S("商品"), N(1), S("個"), N(r.total)))
		}
	}
	inv := func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("發票號碼"), S("註記欄"), S("格式代號"), S("發票狀態"), S("發票日期"), S("買方統一編號"), S("買方名稱"),
			S("賣方統一編號"), S("賣方名稱"), S("寄送日期"), S("銷售額合計"), S("零稅銷售額"), S("免稅銷售額"), S("營業稅"), S("總計"), S("課稅別")))
		for _, r := range invoices {
			tax := float64(int(r.total * 5 / 105))
			emit(xlsxfixture.Row(S(r.number), S(""), S("35"), S(r.status), S(r.date), S(r.buyer), S(r.buyerName),
				S(r.seller), S(r.sellerName), S(r.date), N(r.total-tax), N(0), N(0), N(tax), N(r.total), S("應稅")))
		}
	}
	var b bytes.Buffer
	if err := xlsxfixture.Write(&b, []xlsxfixture.Sheet{{Name: "明細", Rows: items}, {Name: "發票", Rows: inv}}); err != nil {
		log.Fatal(err)
	}
	writeIn(portalDir, "invoices/old-portal-115-09.xlsx", b.Bytes())
}

func writeNewPortalCSV() {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	b.WriteString("M,發票號碼,發票日期,發票狀態,買方統一編號,買方名稱,賣方統一編號,寄送日期,課稅別,總計,總備註,傳送方名稱,最後異動時間\r\n")
	b.WriteString("D,發票號碼,品名,數量,單價,小計\r\n")
	m := func(number, date, status, buyer, buyerName, seller string, total int) {
		fmt.Fprintf(&b, "M,%s,%s,%s,%s,%s,%s,%s,1,%d,,範例加值中心,%s 18:02:11\r\n", number, date, status, buyer, buyerName, seller, date, total, date)
		fmt.Fprintf(&b, "D,%s,商品,1,%d,%d\r\n", number, total, total)
	}
	for n := 37210351; n <= 37210380; n++ {
		date := fmt.Sprintf("2026/10/%02d", 1+(n-37210351))
		number := fmt.Sprintf("ZK%d", n)
		switch n {
		case 37210360:
			// The portal does not quote a comma inside 買方名稱.
			m(number, date, "開立已確認", "53212539", "好食,餐飲有限公司", "83012410", 1680)
		case 37210365:
			// Nullified, then reissued with the same number.
			m(number, date, "已註銷", "24549210", "範例企業社", "83012410", 990)
			m(number, date, "開立已確認", "24549210", "範例企業社", "83012410", 990)
		case 37210372:
			// Nullified and not reissued: a warning.
			m(number, date, "已註銷", "", "", "83012410", 450)
		default:
			m(number, date, "開立已確認", "", "", "83012410", 120+n%9*40)
		}
		if n%10 == 0 {
			m(fmt.Sprintf("QX%d", 23450000+n%1000), date, "開立已確認", "83012410", "範例商行", "22099131", 3150)
		}
	}
	for n := 48120000; n <= 48120010; n++ {
		m(fmt.Sprintf("ZL%d", n), "2026/10/30", "開立已確認", "", "", "83012410", 60)
	}
	writeIn(portalDir, "invoices/new-portal-115-10.csv", b.Bytes())
}
