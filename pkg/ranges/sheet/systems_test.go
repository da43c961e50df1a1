package sheet

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// Exports of the systems Taiwanese businesses issue invoices from, written
// the way each writes them (as public sources show them), read with no
// column named by hand.

func TestReadUXB2BWorkbook(t *testing.T) {
	S, N, D := xlsxfixture.S, xlsxfixture.N, xlsxfixture.D
	oct := func(d int) xlsxfixture.Cell { return D(time.Date(2025, 10, d, 0, 0, 0, 0, time.UTC)) }
	header := strings.Split("發票號碼,發票日期,開立時間,客戶ID,序號,發票開立人,開立人統編,營業人店別,未稅金額,稅別,稅額,含稅金額,幣別,買受人名稱,買受人統編,愛心碼,是否中獎,備註,發票狀態,載具類別,載具號碼", ",")
	var head []xlsxfixture.Cell
	for _, h := range header {
		head = append(head, S(h))
	}
	row := func(number string, day int, seq string, seller, buyer, status, carrier string) []xlsxfixture.Cell {
		return xlsxfixture.Row(S(number), oct(day), S("10:15:00"), S("C001"), S(seq), S("範例股份有限公司"), S(seller), S("台北店"),
			N(95), S("應稅"), N(5), N(100), S("TWD"), S("消費者"), S(buyer), S(""), S("N"), S(""), S(status), S("3J0002"), S(carrier))
	}
	name := writeWorkbook(t, "uxb2b.xlsx", xlsxfixture.Sheet{Name: "發票資料明細", Rows: rows(
		head,
		row("ZK00000100", 1, "20251001001", "53212539", "", "", "/ABC1234"),
		row("ZK00000101", 2, "20251002001", "53212539", "24549210", "已作廢", ""),
		row("ZK00000102", 3, "20251003001", "53212539", "", "", "/XYZ9876"),
		// Another business's invoice to us, in the same download.
		row("QW12345678", 3, "20251003002", "22099131", "53212539", "", ""),
	)})
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), name, Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if st.Sheet != "發票資料明細" || st.Invoices != 3 || st.Voided != 1 || st.Purchases != 1 || !st.HasSeller || !st.HasDate || !st.HasStatus {
		t.Errorf("stats %+v", st)
	}
	if got := usedNumbers(t, u); strings.Join(got, " ") != "ZK00000100 ZK00000101 ZK00000102" {
		t.Errorf("used %v: 載具號碼 or 序號 read as the number?", got)
	}
}

const ichefCSV = ",訂單編號,發票號碼,結帳時間,目前概況,付款方式,金額\r\n" +
	"0,A0001,ZK-00000100,2025/10/01 12:30:45,已開立,現金,120\r\n" +
	"1,A0002,ZK-00000101,2025/10/01 13:02:11,已作廢 2025/10/02 15:30:43,現金,80\r\n" +
	"2,A0003,--,2025/10/01 13:40:00,--,現金,60\r\n" + // paid without an invoice
	"3,A0004,ZK-00000103,2025/10/31 21:59:59,已開立,信用卡,200\r\n" +
	"合計,--,--,--,--,--,460\r\n"

const ichefCSVEnglish = ",Order No.,Receipt number,payment time,Current Status,Amount\r\n" +
	"0,A0001,ZK-00000100,2025/10/01 12:30:45,Issued,120\r\n" +
	"1,A0002,ZK-00000101,2025/10/01 13:02:11,Voided 2025/10/02 15:30:43,80\r\n" +
	"2,A0003,--,2025/10/01 13:40:00,--,60\r\n"

func TestReadICHEFCheckouts(t *testing.T) {
	for name, data := range map[string]string{"結帳紀錄.csv": ichefCSV, "checkouts.csv": ichefCSVEnglish} {
		t.Run(name, func(t *testing.T) {
			u := zkUsage(t)
			var errs ranges.ErrorList
			st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, name, []byte("\ufeff"+data)), Options{}, u, &errs))
			if err != nil || errs.Err() != nil {
				t.Fatalf("err %v, errs %v", err, errs.Err())
			}
			if st.Voided != 1 || !st.HasDate || !st.HasStatus || st.NoNumber < 1 {
				t.Errorf("stats %+v", st)
			}
			want := "ZK00000100 ZK00000101"
			if name == "結帳紀錄.csv" {
				want += " ZK00000103"
			}
			if got := strings.Join(usedNumbers(t, u), " "); got != want {
				t.Errorf("used %s, want %s: the row index or the order number read as the number?", got, want)
			}
		})
	}
}

// Review 14: iCHEF writes "--" for an empty cell, a date cell too, and the
// row was an error although the README says "--" reads as empty: it is an
// invoice without a date, counted and named as undated.
func TestReadICHEFDashDate(t *testing.T) {
	data := ",結帳時間,發票號碼,發票狀態\n0,--,ZK-00000100,已開立\n1,2025/10/01 12:00,ZK-00000101,已開立\n2, -- ,ZK-00000102,已開立\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(data), "ichef.csv", Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if st.Invoices != 3 || st.NoDate != 2 || st.NoDateRows.First[0].Pos.Row != 2 {
		t.Errorf("stats %+v: want 3 counted, rows 2 and 4 undated", st)
	}
}

func TestReadSHOPLINEOrders(t *testing.T) {
	data := "訂單號碼,訂單日期,訂單狀態,顧客,合計,發票號碼,發票狀態,發票開立日期,發票作廢日期,發票統一編號,發票抬頭\r\n" +
		"20251001001,2025-10-01,已完成,王小明,500,ZK00000100,已開立,2025-10-01,,,\r\n" +
		"20251001002,2025-10-01,已取消,陳大文,300,ZK00000101,已作廢,2025-10-01,2025-10-03,24549210,範例商行\r\n" +
		"20251002001,2025-10-02,已完成,林美麗,800,ZK00000102,已開立,2025-10-02,,22099131,好公司\r\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, "orders.csv", []byte(data)), Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	// 發票統一編號 is the buyer's: never a seller, so nothing is a purchase.
	if st.HasSeller || st.Purchases != 0 || st.Invoices != 3 || st.Voided != 1 || !st.HasDate {
		t.Errorf("stats %+v", st)
	}
}

// Columns that hold other numbers are never taken for the invoice number:
// beside 發票號碼 they change nothing, and alone they are no header.
func TestColumnsNeverTheInvoiceNumber(t *testing.T) {
	for _, h := range []string{"作廢發票號碼", "折讓單號碼", "載具號碼", "訂單編號", "原始單號", "外部單號", "Order No.", "Running Receipt Number", "BillingNo", "發票金額", "Invoice Amount"} {
		t.Run(h, func(t *testing.T) {
			u := zkUsage(t)
			var errs ranges.ErrorList
			data := h + ",發票號碼,發票日期\n12345678,ZK00000100,2025/10/01\n"
			st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, "x.csv", []byte(data)), Options{}, u, &errs))
			if err != nil || errs.Err() != nil || st.Invoices != 1 {
				t.Fatalf("beside 發票號碼: err %v, errs %v, stats %+v", err, errs.Err(), st)
			}
			_, err = ReadInvoiceFile(context.Background(), writeFile(t, "y.csv", []byte(h+"\nZK00000100\n")), Options{}, zkUsage(t), &errs)
			if !errors.Is(err, ErrNoHeader) {
				t.Errorf("alone: err %v, want ErrNoHeader", err)
			}
		})
	}
}
