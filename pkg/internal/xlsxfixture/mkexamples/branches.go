package main

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
)

const branchesDir = "examples/branches"

// writeBranches writes a head office and three branches for a config run,
// each with the export its own system makes.
func writeBranches() {
	writeIn(branchesDir, "blanktrack.toml", []byte(`# A head office and its three branches: blanktrack generate --config this file.
# Paths are relative to this file; invoices may be globs.
head = "53212539"          # E0402 HeadBan of every branch
period = "115/09~115/10"
xml = true

# For upload (blanktrack upload --config this file): how to reach the portal.
# Both are the defaults; the layout is the built-in table (blanktrack portal
# layout prints it), and auto turns to a browser when Cloudflare asks.
# layout = "portal-layout.toml"
# carrier = "auto"

[[branch]]
ban = "53212539"
name = "總公司"
alloc = ["alloc/invnoapply_53212539_11510.csv"]
invoices = ["invoices/head/*.xlsx"]
# For upload, with a real account: the head office's 帳號 logs in once and
# uploads for every branch without a user of its own that the portal lets it
# act for. password_env names the variable that holds the password; never
# put the password here.
# user = "acct01"
# password_env = "HEAD_PORTAL_PASSWORD"

[[branch]]
ban = "24549210"
name = "台北門市"
alloc = ["alloc/invnoapply_24549210_11510.csv"]
invoices = ["invoices/taipei/*.csv"]

[[branch]]
ban = "22099131"
name = "台中門市"
alloc = ["alloc/invnoapply_22099131_11510.csv"]
invoices = ["invoices/taichung/pos.csv"]
  # This POS calls the number column 票號.
  [branch.columns]
  number = "票號"

[[branch]]
ban = "04595257"
name = "高雄門市"
alloc = ["alloc/invnoapply_04595257_11510.csv"]
invoices = ["invoices/kaohsiung/register-*.csv"]
# A branch with an account of its own logs in on its own:
# user = "kh01"
# password_env = "KAOHSIUNG_PORTAL_PASSWORD"
`))
	allocRow := func(ban, track string, start, end int) []byte {
		return []byte(fmt.Sprintf("營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n%s,7,一般稅額計算,115/09 ~ 115/10,%s,%08d,%08d\r\n", ban, track, start, end))
	}
	writeIn(branchesDir, "alloc/invnoapply_53212539_11510.csv", allocRow("53212539", "TA", 10000000, 10000199))
	writeIn(branchesDir, "alloc/invnoapply_24549210_11510.csv", allocRow("24549210", "TB", 20000000, 20000099))
	writeIn(branchesDir, "alloc/invnoapply_22099131_11510.csv", big5(string(allocRow("22099131", "TC", 30000000, 30000149))))
	writeIn(branchesDir, "alloc/invnoapply_04595257_11510.csv", allocRow("04595257", "TD", 40000000, 40000049))

	// Head office: an ERP workbook, 10000000-10000149 used but 10000075.
	S, D := xlsxfixture.S, xlsxfixture.D
	var b bytes.Buffer
	err := xlsxfixture.Write(&b, []xlsxfixture.Sheet{{Name: "銷項", Rows: func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("發票日期"), S("發票號碼"), S("發票狀態")))
		for n := 10000000; n <= 10000149; n++ {
			if n == 10000075 {
				continue
			}
			emit(xlsxfixture.Row(D(time.Date(2026, 9, 1+(n-10000000)%30, 0, 0, 0, 0, time.UTC)), S(fmt.Sprintf("TA%d", n)), S("開立")))
		}
	}}})
	if err != nil {
		log.Fatal(err)
	}
	writeIn(branchesDir, "invoices/head/erp-115-09-10.xlsx", b.Bytes())

	// 台北: UTF-8 CSV, 字軌 and number apart, one void.
	var tp bytes.Buffer
	tp.WriteString("字軌,號碼,開立日期,作廢註記\n")
	for n := 20000000; n <= 20000059; n++ {
		void := ""
		if n == 20000010 {
			void = "Y"
		}
		fmt.Fprintf(&tp, "TB,%d,2026/10/%02d,%s\n", n, 1+(n-20000000)%30, void)
	}
	writeIn(branchesDir, "invoices/taipei/pos-115-09-10.csv", tp.Bytes())

	// 台中: CP950 with its own column name.
	var tc bytes.Buffer
	tc.WriteString("序,票號,日期\r\n")
	for n := 30000000; n <= 30000099; n++ {
		fmt.Fprintf(&tc, "%d,TC%d,115/09/%02d\r\n", n-29999999, n, 1+(n-30000000)%30)
	}
	writeIn(branchesDir, "invoices/taichung/pos.csv", big5(tc.String()))

	// 高雄: two registers sharing one track.
	for reg, span := range [][2]int{{40000000, 40000019}, {40000020, 40000029}} {
		var k bytes.Buffer
		k.WriteString("發票號碼,發票日期\n")
		for n := span[0]; n <= span[1]; n++ {
			fmt.Fprintf(&k, "TD%d,2026-10-%02d\n", n, 1+n%28)
		}
		writeIn(branchesDir, fmt.Sprintf("invoices/kaohsiung/register-%d.csv", reg+1), k.Bytes())
	}
}
