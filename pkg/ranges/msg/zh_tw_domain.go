package msg

// domainMessages are the messages of pkg/ranges (the domain).
var domainMessages = map[string]string{
	// Places: file:line: sheet S, row R, column C (header), key.
	": ":                        "：",
	", ":                        "，",
	"%s":                        "%s",
	"sheet %s":                  "工作表 %s",
	"row %d":                    "第 %d 列",
	"column %s (%s)":            "%s 欄（%s）",
	"column %s":                 "%s 欄",
	"\nstopped after %d errors": "\n錯誤已達 %d 筆，停止讀取",

	"empty 統一編號: want 8 digits":                                       "統一編號是空的：請填 8 位數字",
	"%s is not a 統一編號: want 8 digits":                                 "%s 不是統一編號：請填 8 位數字",
	"%s is not a valid 統一編號: its checksum is wrong":                   "%s 不是有效的統一編號：檢查碼不符",
	"%s is not a 統一編號: no business has it (an empty cell read as 0?)": "%s 不是統一編號：沒有營業人使用這個號碼（空白儲存格被讀成 0？）",
	"%s is not a 字軌: want two letters A-Z":                            "%s 不是字軌：請填兩個英文字母 A-Z",
	"empty invoice number: want 8 digits":                             "發票號碼是空的：請填 8 位數字",
	"%s is not an invoice number: want 8 digits":                      "%s 不是發票號碼：請填 8 位數字",
	"has no 字軌": "沒有字軌",
	"%s %w: want 2 letters and 8 digits, as ZK37210312, or a 字軌 column beside the number":                                                    "%s %v：請填 2 個英文字母加 8 位數字，如 ZK37210312，或在號碼旁另設字軌欄",
	"%s is not an invoice number: want 2 letters and 8 digits, as ZK37210312":                                                                "%s 不是發票號碼：請填 2 個英文字母加 8 位數字，如 ZK37210312",
	"%s is not a 發票類別: want 07 (一般稅額計算) or 08 (特種稅額計算)":                                                                                      "%s 不是發票類別：請填 07（一般稅額計算）或 08（特種稅額計算）",
	"%s is in scientific notation: Excel rounded the number when it saved the file and its digits are lost; export the column again as text": "%s 是科學記號：Excel 存檔時已把數字四捨五入，位數遺失；請將該欄以文字格式重新匯出",

	"%s is not a period: %v; want a form such as 114/09~114/10, 11410 or 114年09-10月": "%s 不是期別：%v；請用 114/09~114/10、11410 或 114年09-10月 這樣的寫法",
	"the month must be the even (last) month of a period, 02 to 12":                  "月份須為期別的雙月（後一個月），02 到 12",
	"unrecognised form":                                            "無法辨識的寫法",
	"both months must be in the same ROC year":                     "兩個月份須在同一個民國年",
	"months run from 01 to 12":                                     "月份為 01 到 12",
	"a period is an odd month and the even month after it":         "期別是單月加上其後的雙月",
	"the allocations span several periods":                         "配號涵蓋多個期別",
	"%w (%s): choose one":                                          "%v（%s）：請選一個",
	"no allocation: want the allocation download(s) of the period": "沒有配號：請給該期別的字軌號碼取號檔",

	"起號 %s must end in 00 or 50 (booklets of 50 numbers)": "起號 %s 須以 00 或 50 結尾（每本 50 號）",
	"迄號 %s must end in 49 or 99 (booklets of 50 numbers)": "迄號 %s 須以 49 或 99 結尾（每本 50 號）",
	"起號 %s is after 迄號 %s":                                "起號 %s 大於迄號 %s",
	"allocation %s (%v) overlaps allocation %s (%v)":      "配號 %s（%v）與配號 %s（%v）重疊",
	"allocation %s (%s) is not of period %s":              "配號 %s（%s）不屬於期別 %s",
	"allocation %s (%s): %w":                              "配號 %s（%s）：%v",

	"more than %d blank ranges": "空白區段超過 %d 段",
	"%w (%d): the exports leave more gaps than any real report has; check that the right number column was read": "%v（%d 段）：匯出檔留下的空號比任何實際申報都多；請確認讀取的是正確的號碼欄",
	"internal check failed: blank and used numbers do not cover the allocations exactly once":                    "內部檢查失敗：空白號碼與已使用號碼沒有恰好涵蓋每個配號一次",
	"%w: %v":                             "%v：%v",
	"blank range %s holds a used number": "空白區段 %s 含有已使用的號碼",
	"allocation %s: %d blank + %d used != %d allocated":  "配號 %s：空白 %d 加已使用 %d 不等於配號數 %d",
	"blank range %s is reversed":                         "空白區段 %s 起迄顛倒",
	"blank ranges %s and %s overlap or are out of order": "空白區段 %s 與 %s 重疊或順序錯誤",
	"%d blank numbers lie outside every allocation":      "有 %d 個空白號碼不在任何配號內",
}
