package sheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// one is the stats of an export read as one sheet (or a CSV file); an
// export read as several is an error here.
func one(sts []FileStats, err error) (FileStats, error) {
	switch {
	case len(sts) == 1:
		return sts[0], err
	case len(sts) > 1 && err == nil:
		return sts[0], fmt.Errorf("%d sheets read, want one", len(sts))
	}
	return FileStats{}, err
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func big5(t testing.TB, s string) []byte {
	b, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// utf16LE is s as Excel's "Unicode text" export writes it: UTF-16
// little-endian with a byte-order mark.
func utf16LE(t testing.TB, s string) []byte {
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeWorkbook(t *testing.T, name string, sheets ...xlsxfixture.Sheet) string {
	t.Helper()
	var b bytes.Buffer
	if err := xlsxfixture.Write(&b, sheets); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, b.Bytes())
}

func rows(rs ...[]xlsxfixture.Cell) func(func([]xlsxfixture.Cell)) {
	return func(emit func([]xlsxfixture.Cell)) {
		for _, r := range rs {
			emit(r)
		}
	}
}

var testPeriod = ranges.Period{Year: 114, EndMonth: 10}

func alloc(ban ranges.Ban, typ ranges.InvoiceType, track ranges.Track, start, end ranges.Number) ranges.Allocation {
	return ranges.Allocation{Ban: ban, Type: typ, Period: testPeriod, Track: track, Start: start, End: end}
}

// recorder is a Usage that also keeps the numbers it counted, for tests to
// look at.
type recorder struct {
	*ranges.Usage
	counted []string
}

func (r *recorder) Add(inv ranges.Invoice) ranges.Outcome {
	o := r.Usage.Add(inv)
	if o == ranges.Counted {
		r.counted = append(r.counted, inv.Number.String())
	}
	return o
}

func newRecorder(t testing.TB, allocs ...ranges.Allocation) *recorder {
	u, err := ranges.NewUsage(testPeriod, allocs)
	if err != nil {
		t.Fatal(err)
	}
	return &recorder{Usage: u}
}

// zkUsage is a Usage over ZK00000100-00000199 and ZL00000100-00000149.
func zkUsage(t testing.TB) *recorder {
	return newRecorder(t, alloc("53212539", ranges.TypeGeneral, "ZK", 100, 199), alloc("53212539", ranges.TypeGeneral, "ZL", 100, 149))
}

// usedNumbers is what u counted, sorted, each once.
func usedNumbers(t *testing.T, u *recorder) []string {
	t.Helper()
	return slices.Compact(slices.Sorted(slices.Values(u.counted)))
}

func TestReadInvoicesWorkbookAsExcelWritesIt(t *testing.T) {
	S, N, D := xlsxfixture.S, xlsxfixture.N, xlsxfixture.D
	oct := time.Date(2025, 10, 3, 0, 0, 0, 0, time.UTC)
	name := writeWorkbook(t, "erp.xlsx",
		xlsxfixture.Sheet{Name: "說明", Rows: rows(xlsxfixture.Row(S("匯出者"), S("會計")))},
		xlsxfixture.Sheet{Name: "銷項", Rows: rows(
			xlsxfixture.Row(S("範例公司 114年9-10月 銷項發票")),
			nil,
			xlsxfixture.Row(S("開立日期"), S("發票號碼"), S("金額"), S("發票狀態")),
			xlsxfixture.Row(D(oct), S("ZK00000100"), N(100), S("開立")),
			xlsxfixture.Row(D(oct), S("ＺＫ０００００１０１"), N(100), S("作廢")),
			xlsxfixture.Row(D(oct), S("zk00000102 "), N(100)),
			xlsxfixture.Row(D(time.Date(2025, 8, 31, 0, 0, 0, 0, time.UTC)), S("ZK00000103"), N(100)),
			xlsxfixture.Row(D(oct), S("ZJ00000103"), N(100)),
			nil, nil,
		)},
	)
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), name, Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if st.Sheet != "銷項" || st.HeaderRow != 3 || st.Rows != 5 || st.Invoices != 3 || st.Voided != 1 || st.OutsidePeriod != 1 || st.Unallocated != 1 {
		t.Errorf("stats = %+v", st)
	}
	if got, want := usedNumbers(t, u), []string{"ZK00000100", "ZK00000101", "ZK00000102"}; !slicesEqual(got, want) {
		t.Errorf("used %v, want %v", got, want)
	}
	if p := u.OutsidePeriod.First[0].Pos; p.Row != 7 || p.Sheet != "銷項" {
		t.Errorf("outside-period invoice at %v, want sheet 銷項 row 7", p)
	}
}

func TestReadInvoicesWorkbookNumbersAndTrackColumns(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	name := writeWorkbook(t, "pos.xlsx", xlsxfixture.Sheet{Name: "Sheet1", Rows: rows(
		xlsxfixture.Row(S("字軌"), S("號碼"), S("作廢註記"), S("開立日期")),
		xlsxfixture.Row(S("ZK"), N(110), S("N"), S("114/10/01")), // leading zeros lost
		xlsxfixture.Row(S("ZL"), S("00000120"), S("Y"), N(45931)),
		xlsxfixture.Row(S("ZL"), S("ZL00000121"), S(""), N(45931)), // combined, agrees
	)})
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), name, Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if st.Invoices != 3 || st.Voided != 1 {
		t.Errorf("stats = %+v", st)
	}
	if got, want := usedNumbers(t, u), []string{"ZK00000110", "ZL00000120", "ZL00000121"}; !slicesEqual(got, want) {
		t.Errorf("used %v, want %v", got, want)
	}
}

func TestReadInvoicesCSVEncodings(t *testing.T) {
	body := "發票號碼,發票狀態,發票日期\r\nZK00000100,開立已確認,2025/10/01\r\nZK00000101,作廢已確認,2025/10/02\r\n"
	tests := []struct {
		name, enc string
		data      []byte
	}{
		{"utf8.csv", "UTF-8", []byte(body)},
		{"bom.csv", "UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, body...)},
		{"cp950.csv", "CP950", big5(t, body)},
		{"lf.csv", "UTF-8", []byte(strings.ReplaceAll(body, "\r\n", "\n"))},
		// ASCII for 5 KB, then CP950: the decision waits for the first
		// non-ASCII byte.
		{"late.csv", "CP950", append([]byte("invoice number,status,date\n"+strings.Repeat("ZK00000150,,2025/10/01\n", 250)), big5(t, "ZK00000100,開立,2025/10/01\nZK00000101,作廢,2025/10/02\n")...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := zkUsage(t)
			var errs ranges.ErrorList
			st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, tt.name, tt.data), Options{}, u, &errs))
			if err != nil || errs.Err() != nil {
				t.Fatalf("err %v, errs %v", err, errs.Err())
			}
			if st.Encoding != tt.enc {
				t.Errorf("encoding %q, want %q", st.Encoding, tt.enc)
			}
			if st.Voided != 1 {
				t.Errorf("voided %d, want 1 (status decoded wrongly?)", st.Voided)
			}
		})
	}
}

// Issue 5: a row whose status says the number was not used (空白未使用,
// 跳號, unused) counted as used, so the number was never reported blank.
// It is an error at the status cell; voided and nullified rows count.
func TestReadInvoicesUnusedStatusIsAnError(t *testing.T) {
	data := "發票號碼,發票狀態,發票日期\n" +
		"ZK00000100,開立,2025/10/01\nZK00000101,空白未使用,2025/10/01\nZK00000102,作廢,2025/10/01\n" +
		"ZK00000103,註銷,2025/10/01\nZK00000104,跳號,2025/10/01\nZK00000105,unused,2025/10/01\n"
	u := zkUsage(t)
	var errs ranges.ErrorList
	_, err := ReadInvoices(context.Background(), strings.NewReader(data), "pos.csv", Options{}, u, &errs)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := usedNumbers(t, u), []string{"ZK00000100", "ZK00000102", "ZK00000103"}; !slices.Equal(got, want) {
		t.Errorf("counted %v, want %v", got, want)
	}
	if len(errs.Errs) != 3 {
		t.Fatalf("errors:\n%v", errs.Err())
	}
	var ce *ranges.Error
	if !errors.As(errs.Errs[0], &ce) || !errors.Is(ce, ErrUnusedStatus) || ce.Row != 3 || ce.Col != 2 ||
		!strings.HasPrefix(ce.Err.Error(), `"空白未使用": a status that says the number was not used, but blanktrack counts every number an export lists as used`) {
		t.Errorf("error %v", errs.Errs[0])
	}
}

func TestReadInvoicesErrorsNameTheCell(t *testing.T) {
	data := "POS 匯出\n\n字軌,號碼,日期\nZK,00000100,2025/10/01\nZK,0000O101,2025/10/01\nZ1,00000102,2025/10/01\nZK,00000103,2025/13/01\n"
	name := writeFile(t, "pos.csv", []byte(data))
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), name, Options{}, zkUsage(t), &errs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		name + ": row 5, column B (號碼): \"0000O101\" is not an invoice number: want 8 digits",
		name + ": row 6, column B (號碼): 字軌 \"Z1\" (column A) for number \"00000102\": want two letters A-Z",
		name + ": row 7, column C (日期): \"2025/13/01\" is not a date: no such day",
	}
	if len(errs.Errs) != len(want) {
		t.Fatalf("errors:\n%v", errs.Error())
	}
	for i, e := range errs.Errs {
		if e.Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, e, want[i])
		}
		var ce *ranges.Error
		if !errors.As(e, &ce) || ce.Row == 0 || ce.Value == "" {
			t.Errorf("error %d is not a located CellError: %#v", i, e)
		}
	}
}

func TestReadInvoicesStopsAfterMaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("發票號碼\n")
	for i := 0; i < 50; i++ {
		b.WriteString("bad\n")
	}
	var errs ranges.ErrorList
	if _, err := ReadInvoiceFile(context.Background(), writeFile(t, "x.csv", []byte(b.String())), Options{}, zkUsage(t), &errs); err != nil {
		t.Fatal(err)
	}
	if len(errs.Errs) != ranges.MaxErrors || !errs.Truncated {
		t.Errorf("%d errors, truncated %v; want %d, true", len(errs.Errs), errs.Truncated, ranges.MaxErrors)
	}
}

func TestReadInvoicesNumberWithoutTrack(t *testing.T) {
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), writeFile(t, "x.csv", []byte("發票號碼\n00000100\n")), Options{}, zkUsage(t), &errs)
	if err != nil {
		t.Fatal(err)
	}
	if e := errs.Err(); e == nil || !strings.Contains(e.Error(), "has no 字軌") {
		t.Errorf("errors = %v, want one saying the number has no 字軌", e)
	}
}

func TestReadInvoicesHeaderAndOverrides(t *testing.T) {
	data := "單號,票號,備註\nA1,ZK00000100,x\n"
	name := writeFile(t, "x.csv", []byte(data))
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), name, Options{}, zkUsage(t), &errs)
	var located *ranges.Error
	if !errors.Is(err, ErrNoHeader) || !errors.As(err, &located) || located.File != name {
		t.Fatalf("err = %v, want a located ErrNoHeader", err)
	}
	if !strings.Contains(err.Error(), "no header row with an invoice-number column") {
		t.Fatalf("err = %v", err)
	}
	u := zkUsage(t)
	st, err := one(ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Number: "票號"}}, u, &errs))
	if err != nil || st.Invoices != 1 {
		t.Fatalf("with --col-number: err %v, stats %+v", err, st)
	}
	_, err = ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Number: "票號", Date: "日期"}}, zkUsage(t), &errs)
	if err == nil || !strings.Contains(err.Error(), `"日期"`) {
		t.Errorf("missing override column: err = %v", err)
	}
}

func TestReadInvoicesSheetChoice(t *testing.T) {
	S := xlsxfixture.S
	items := xlsxfixture.Sheet{Name: "明細", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("序號"), S("品名")),
		xlsxfixture.Row(S("ZK00000199"), S("1"), S("咖啡")),
	)}
	invoices := xlsxfixture.Sheet{Name: "發票", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("發票狀態")),
		xlsxfixture.Row(S("ZK00000100"), S("開立")),
	)}
	name := writeWorkbook(t, "portal.xlsx", items, invoices)
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), name, Options{}, u, &errs))
	if err != nil || st.Sheet != "發票" {
		t.Fatalf("err %v, sheet %q: want the invoice sheet, not the item sheet", err, st.Sheet)
	}
	_, err = ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Sheet: "Nope"}}, zkUsage(t), &errs)
	if err == nil || !strings.Contains(err.Error(), "明細, 發票") {
		t.Errorf("unknown sheet: err = %v", err)
	}
}

func TestReadAllocations(t *testing.T) {
	header := "營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n"
	row1 := "24634102,7,一般稅額計算,110/11 ~ 110/12,NQ,42519550,42522049\r\n"
	row2 := "24634102,8,特種稅額計算,110/11~110/12,NR,00000000,00000049\r\n"
	tests := []struct {
		name string
		data []byte
	}{
		{"utf8.csv", []byte(header + row1 + row2)},
		{"cp950.csv", big5(t, header+row1+row2)},
		{"bom.csv", append([]byte{0xEF, 0xBB, 0xBF}, header+row1+row2...)},
		{"unicode.txt", utf16LE(t, strings.ReplaceAll(header+row1+row2, ",", "\t"))},
		{"noheader.csv", []byte(row1 + row2)},
		{"title.csv", []byte("字軌號碼取號 下載\r\n\r\n" + header + row1 + row2)},
		// Re-saved by Excel: header lost, leading zeros lost, ="..." kept.
		{"excel.csv", []byte("24634102,7,一般稅額計算,110/11 ~ 110/12,NQ,42519550,42522049\n24634102,8,特種稅額計算,110/11~110/12,NR,0,=\"00000049\"\n\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errs ranges.ErrorList
			as, err := ReadAllocationFile(context.Background(), writeFile(t, tt.name, tt.data), &errs)
			if err != nil || errs.Err() != nil {
				t.Fatalf("err %v, errs %v", err, errs.Err())
			}
			if len(as) != 2 {
				t.Fatalf("%d allocations, want 2", len(as))
			}
			got := as[0].String() + " | " + as[1].String()
			want := "24634102 07 110/11~110/12 NQ42519550-42522049 | 24634102 08 110/11~110/12 NR00000000-00000049"
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestReadAllocationsWorkbook(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	name := writeWorkbook(t, "invnoapply.xlsx", xlsxfixture.Sheet{Name: "Sheet1", Rows: rows(
		xlsxfixture.Row(S("營業人統編"), S("發票類別代號"), S("發票類別"), S("發票期別"), S("發票字軌名稱"), S("發票起號"), S("發票迄號")),
		xlsxfixture.Row(N(24634102), N(7), S("一般稅額計算"), S("110/11 ~ 110/12"), S("NQ"), N(42519550), N(42522049)),
	)})
	var errs ranges.ErrorList
	as, err := ReadAllocationFile(context.Background(), name, &errs)
	if err != nil || errs.Err() != nil || len(as) != 1 || as[0].Size() != 2500 {
		t.Fatalf("err %v, errs %v, allocs %v", err, errs.Err(), as)
	}
}

// Issue 4: an allocation workbook was read from its first sheet only: an
// allocation on a second sheet, or a hidden one, was never reported. Every
// sheet with allocation rows is read; a sheet of notes is passed over; a
// sheet whose allocation rows fail is an error naming the sheet.
func TestReadAllocationsEverySheet(t *testing.T) {
	S, N := xlsxfixture.S, xlsxfixture.N
	header := xlsxfixture.Row(S("營業人統編"), S("發票類別代號"), S("發票類別"), S("發票期別"), S("發票字軌名稱"), S("發票起號"), S("發票迄號"))
	notes := xlsxfixture.Sheet{Name: "說明", Rows: rows(
		xlsxfixture.Row(S("字軌號碼取號")),
		xlsxfixture.Row(N(1), S("本表由財政部電子發票整合服務平台下載")),
		xlsxfixture.Row(N(2), S("起號與迄號為 8 碼")),
	)}
	head := xlsxfixture.Sheet{Name: "總公司", Rows: rows(header,
		xlsxfixture.Row(N(53212539), N(7), S("一般稅額計算"), S("114/09~114/10"), S("ZK"), N(100), N(149)),
	)}
	branch := xlsxfixture.Sheet{Name: "分公司", Rows: rows(header,
		xlsxfixture.Row(N(4595257), N(7), S("一般稅額計算"), S("114/09~114/10"), S("ZL"), N(0), N(49)),
	)}
	hidden := xlsxfixture.Sheet{Name: "補領", State: "hidden", Rows: rows(
		xlsxfixture.Row(N(53212539), N(7), S("一般稅額計算"), S("114/09~114/10"), S("ZM"), N(50), N(99)),
	)}
	var errs ranges.ErrorList
	as, err := ReadAllocationFile(context.Background(), writeWorkbook(t, "invnoapply.xlsx", notes, head, branch, hidden), &errs)
	if err != nil || errs.Err() != nil {
		t.Fatal(err, errs.Err())
	}
	var got []string
	for _, a := range as {
		got = append(got, fmt.Sprintf("%s %s %s", a.Pos.Sheet, a.Ban, a.Track))
	}
	if want := []string{"總公司 53212539 ZK", "分公司 04595257 ZL", "補領 53212539 ZM"}; !slices.Equal(got, want) {
		t.Errorf("allocations %v, want %v", got, want)
	}

	bad := xlsxfixture.Sheet{Name: "分公司", Rows: rows(header,
		xlsxfixture.Row(N(4595257), N(7), S("一般稅額計算"), S("114/09~114/10"), S("ZL"), N(0), N(48)),
	)}
	title := xlsxfixture.Sheet{Name: "舊", Rows: func(emit func([]xlsxfixture.Cell)) {
		for range 12 {
			emit(xlsxfixture.Row(S("備註")))
		}
		emit(header)
	}}
	errs = ranges.ErrorList{}
	if _, err := ReadAllocationFile(context.Background(), writeWorkbook(t, "invnoapply.xlsx", head, bad, title, notes), &errs); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sheet 分公司, row 2, column G (發票迄號): 迄號 00000048 must end in 49 or 99",
		"sheet 舊, row 13: a row of allocations below the first 10 rows",
	}
	if len(errs.Errs) != len(want) {
		t.Fatalf("errors:\n%v", errs.Error())
	}
	for i, w := range want {
		if !strings.Contains(errs.Errs[i].Error(), w) {
			t.Errorf("error %d: %v, want %q", i, errs.Errs[i], w)
		}
	}
}

func TestReadAllocationsErrors(t *testing.T) {
	data := "24634102,7,一般稅額計算,110/11 ~ 110/12,NQ,42519550,42522049\n" +
		"24634103,7,一般稅額計算,110/11 ~ 110/12,NQ,42522050,42522099\n" +
		"24634102,7,一般稅額計算,110/10 ~ 110/11,NQ,42522050,42522099\n" +
		"24634102,7,一般稅額計算,110/11 ~ 110/12,NQ,42522051,42522099\n"
	name := writeFile(t, "a.csv", []byte(data))
	var errs ranges.ErrorList
	if _, err := ReadAllocationFile(context.Background(), name, &errs); err != nil {
		t.Fatal(err)
	}
	want := []string{
		name + `: row 2, column A (營業人統編): "24634103" is not a valid 統一編號: its checksum is wrong`,
		name + `: row 3, column D (發票期別): "110/10 ~ 110/11" is not a period: a period is an odd month and the even month after it; want a form such as 114/09~114/10, 11410 or 114年09-10月`,
		name + `: row 4, column F (發票起號): 起號 42522051 must end in 00 or 50 (booklets of 50 numbers)`,
	}
	if len(errs.Errs) != len(want) {
		t.Fatalf("errors:\n%v", errs.Error())
	}
	for i, e := range errs.Errs {
		if e.Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, e, want[i])
		}
	}
}

// A row whose 發票類別代號 and 發票類別 disagree, or with a field past the
// header's columns, was accepted: the code won, and the extra field was
// dropped. Each is an error naming the cells.
func TestReadAllocationsContradictions(t *testing.T) {
	header := "營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\n"
	data := header +
		"24634102,7,特種稅額計算,110/11~110/12,NQ,42519550,42522049\n" +
		"24634102,7,一般稅額計算,110/11~110/12,NR,42519550,42522049,,\n" +
		"24634102,07,一般稅額計算,110/11~110/12,NS,42519550,42522049,x\n" +
		"24634102,,特種稅額計算,110/11~110/12,NT,00000000,00000049\n"
	name := writeFile(t, "a.csv", []byte(data))
	var errs ranges.ErrorList
	as, err := ReadAllocationFile(context.Background(), name, &errs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		name + `: row 2, column B (發票類別代號): "7" (07, 一般稅額計算) contradicts 發票類別 "特種稅額計算" in column C: correct one of them`,
		name + `: row 4, column H: "x": a field past the header's 7 columns: the row has more fields than the header (a comma inside a cell that is not quoted?)`,
	}
	if len(errs.Errs) != len(want) || len(as) != 2 {
		t.Fatalf("%d allocations, errors:\n%v", len(as), errs.Error())
	}
	for i, e := range errs.Errs {
		if e.Error() != want[i] {
			t.Errorf("error %d:\n got %s\nwant %s", i, e, want[i])
		}
	}
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A workbook with a sheet per month was read from its first invoice
// sheet only: the other month was filed as blank, and a hidden old copy
// or a first sheet with fewer rows won over the full list. Every invoice
// sheet is read, each with its own header and stats; a hidden one too,
// said so.
func TestReadInvoicesEverySheet(t *testing.T) {
	S := xlsxfixture.S
	old := xlsxfixture.Sheet{Name: "舊版", State: "veryHidden", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("發票日期")),
		xlsxfixture.Row(S("ZK00000100"), S("2025/09/01")),
	)}
	summary := xlsxfixture.Sheet{Name: "彙總", Rows: rows(
		xlsxfixture.Row(S("月份"), S("張數")),
		xlsxfixture.Row(S("9月"), S("3")),
	)}
	sep := xlsxfixture.Sheet{Name: "9月", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("發票日期")),
		xlsxfixture.Row(S("ZK00000100"), S("2025/09/01")),
		xlsxfixture.Row(S("ZK00000101"), S("2025/09/02")),
		xlsxfixture.Row(S("ZK00000102"), S("2025/09/03")),
	)}
	items := xlsxfixture.Sheet{Name: "明細", Rows: rows(
		xlsxfixture.Row(S("發票號碼"), S("品名"), S("數量")),
		xlsxfixture.Row(S("ZK00000199"), S("咖啡"), S("1")),
	)}
	oct := xlsxfixture.Sheet{Name: "10月", Rows: rows(
		xlsxfixture.Row(S("10月銷項發票")),
		xlsxfixture.Row(S("字軌"), S("號碼"), S("開立日期")),
		xlsxfixture.Row(S("ZK"), S("00000103"), S("2025/10/01")),
		xlsxfixture.Row(S("ZK"), S("00000104"), S("2025/10/31")),
	), State: "hidden"}
	name := writeWorkbook(t, "erp.xlsx", old, summary, sep, items, oct)
	u := zkUsage(t)
	var errs ranges.ErrorList
	sts, err := ReadInvoiceFile(context.Background(), name, Options{}, u, &errs)
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	type read struct {
		sheet           string
		hidden          bool
		header, counted int
	}
	var got []read
	for _, st := range sts {
		got = append(got, read{st.Sheet, st.Hidden, st.HeaderRow, st.Invoices})
	}
	want := []read{{"舊版", true, 1, 1}, {"9月", false, 1, 3}, {"10月", true, 2, 2}}
	if !slices.Equal(got, want) {
		t.Errorf("sheets read %+v, want %+v", got, want)
	}
	if got, want := usedNumbers(t, u), []string{"ZK00000100", "ZK00000101", "ZK00000102", "ZK00000103", "ZK00000104"}; !slicesEqual(got, want) {
		t.Errorf("counted %v, want %v", got, want)
	}
	// Naming a sheet reads that one only.
	sts, err = ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Sheet: "10月"}}, zkUsage(t), &errs)
	if err != nil || len(sts) != 1 || sts[0].Sheet != "10月" || sts[0].Invoices != 2 {
		t.Errorf("--sheet 10月: %+v, %v", sts, err)
	}
}
