package sheet

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// readCSV reads data as an invoice export against ZK00000000-00000049 and
// returns the numbers counted, or the error.
func readCSV(t *testing.T, data string, c Columns) ([]string, error) {
	t.Helper()
	u := newRecorder(t, alloc("53212539", ranges.TypeGeneral, "ZK", 0, 49))
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), writeFile(t, "x.csv", []byte(data)), Options{Columns: c}, u, &errs)
	if err == nil {
		err = errs.Err()
	}
	return usedNumbers(t, u), err
}

// Issue 10, case 1: a row-index column headed No. was taken for the
// invoice numbers (1 and 2), and the real numbers reported blank.
func TestHeaderRowIndexNeverBeatsInvoiceNumber(t *testing.T) {
	tests := []struct {
		name, data string
	}{
		{"track and number apart", "No.,字軌,發票號碼\n1,ZK,00000020\n2,ZK,00000021\n"},
		{"combined", "No.,發票號碼\n1,ZK00000020\n2,ZK00000021\n"},
		{"generic number column first", "號碼,發票號碼\n1,ZK00000020\n2,ZK00000021\n"},
		{"number and invoice number", "Number,Invoice No.\n1,ZK00000020\n2,ZK00000021\n"},
		{"full-width No.", "Ｎｏ．,字軌,發票號碼\n1,ZK,00000020\n2,ZK,00000021\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCSV(t, tt.data, Columns{})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"ZK00000020", "ZK00000021"}; !slicesEqual(got, want) {
				t.Errorf("counted %v, want %v", got, want)
			}
		})
	}
}

// The most specific date, status and 字軌 columns win over generic ones.
func TestHeaderSpecificBeatsGeneric(t *testing.T) {
	// 日期 is a due date outside the period; 發票日期 is the invoice's.
	got, err := readCSV(t, "日期,發票號碼,發票日期\n2025/12/31,ZK00000001,2025/10/01\n", Columns{})
	if err != nil || !slicesEqual(got, []string{"ZK00000001"}) {
		t.Errorf("counted %v, err %v: want ZK00000001 dated by 發票日期", got, err)
	}
	// 開立日期 beats 日期 as well.
	got, err = readCSV(t, "日期,發票號碼,開立日期\n2025/12/31,ZK00000001,2025/10/01\n", Columns{})
	if err != nil || !slicesEqual(got, []string{"ZK00000001"}) {
		t.Errorf("counted %v, err %v: want ZK00000001 dated by 開立日期", got, err)
	}
	// 發票字軌 beats a generic prefix column.
	got, err = readCSV(t, "prefix,發票字軌,號碼\nXX,ZK,3\n", Columns{})
	if err != nil || !slicesEqual(got, []string{"ZK00000003"}) {
		t.Errorf("counted %v, err %v: want ZK00000003", got, err)
	}
}

// Two columns that name a role equally well are an error naming both and
// the Columns field that picks one; naming it reads the file.
func TestHeaderAmbiguousColumns(t *testing.T) {
	tests := []struct {
		name, data, column string
		cols               []int
		msg                string
		pick               Columns
		want               []string
	}{
		{
			name: "two number columns", data: "發票號碼,金額,發票編號\nZK00000001,100,ZK00000002\n",
			column: "number", cols: []int{1, 3},
			msg:  `x.csv: row 1: columns A (發票號碼) and C (發票編號) could each be the invoice-number column (發票號碼): name the one to read`,
			pick: Columns{Number: "發票編號"}, want: []string{"ZK00000002"},
		},
		{
			name: "two generic number columns beside a track", data: "字軌,號碼,Number\nZK,1,2\n",
			column: "number", cols: []int{2, 3},
			msg:  `columns B (號碼) and C (Number) could each be the invoice-number column`,
			pick: Columns{Number: "號碼"}, want: []string{"ZK00000001"},
		},
		{
			name: "two issue dates", data: "發票號碼,開立日期,issue date\nZK00000001,2025/10/01,2025/08/01\n",
			column: "date", cols: []int{2, 3},
			msg:  `columns B (開立日期) and C (issue date) could each be the invoice-date column (發票日期)`,
			pick: Columns{Date: "issue date"}, want: nil,
		},
		{
			name: "two seller columns", data: "發票號碼,賣方統編,賣方統一編號\nZK00000001,83012410,53212539\n",
			column: "seller", cols: []int{2, 3},
			msg:  `could each be the seller column`,
			pick: Columns{Seller: "賣方統一編號"}, want: []string{"ZK00000001"},
		},
		{
			name: "the same header twice", data: "發票號碼,發票號碼\nZK00000001,ZK00000002\n",
			column: "number", cols: []int{1, 2},
			msg: `their headers are the same text, so rename one of them in the file first`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCSV(t, tt.data, Columns{})
			var amb *AmbiguousColumnError
			var located *ranges.Error
			if !errors.As(err, &amb) || !errors.As(err, &located) {
				t.Fatalf("err = %v (counted %v), want a located *AmbiguousColumnError", err, got)
			}
			if amb.Column != tt.column || !slices.Equal(amb.Cols, tt.cols) || located.Row != 1 {
				t.Errorf("column %q cols %v row %d, want %q %v row 1", amb.Column, amb.Cols, located.Row, tt.column, tt.cols)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
			if len(got) != 0 {
				t.Errorf("counted %v from an ambiguous header", got)
			}
			if tt.pick == (Columns{}) {
				return
			}
			got, err = readCSV(t, tt.data, tt.pick)
			if err != nil || !slicesEqual(got, tt.want) {
				t.Errorf("with %+v: counted %v, err %v; want %v", tt.pick, got, err, tt.want)
			}
		})
	}
	// Naming a header that two columns share cannot pick one.
	if _, err := readCSV(t, "發票號碼,發票號碼\nZK00000001,ZK00000002\n", Columns{Number: "發票號碼"}); !errors.As(err, new(*AmbiguousColumnError)) {
		t.Errorf("override matching two columns: err = %v", err)
	}
}

// A workbook's invoice sheet with an ambiguous header is an error naming
// the sheet, not a reason to read another sheet.
func TestHeaderAmbiguousInWorkbook(t *testing.T) {
	S := xlsxfixture.S
	name := writeWorkbook(t, "erp.xlsx", xlsxfixture.Sheet{Name: "銷項", Rows: rows(
		xlsxfixture.Row(S("報表")),
		xlsxfixture.Row(S("發票號碼"), S("發票狀態"), S("狀態"), S("發票狀態")),
		xlsxfixture.Row(S("ZK00000001"), S("開立"), S("x"), S("作廢")),
	)})
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), name, Options{}, newRecorder(t, alloc("53212539", ranges.TypeGeneral, "ZK", 0, 49)), &errs)
	if !errors.As(err, new(*AmbiguousColumnError)) || !strings.Contains(err.Error(), "sheet 銷項, row 2: columns B (發票狀態) and D (發票狀態)") {
		t.Errorf("err = %v", err)
	}
}

// Rows above the header that hold invoice numbers (two exports joined
// with cat, a list of voided invoices above the table) were dropped
// without a word: each is an error naming the row and the header row.
func TestHeaderInvoiceNumbersAboveIt(t *testing.T) {
	data := "ZK00000001,2025/09/01\n銷項發票\nＺＫ－００００００02,2025/09/02\n發票號碼,發票日期\nZK00000003,2025/09/03\n"
	_, err := readCSV(t, data, Columns{})
	var list *ranges.ErrorList
	if !errors.As(err, &list) || len(list.Errs) != 2 {
		t.Fatalf("err %v: want two errors", err)
	}
	for i, want := range []int{1, 3} {
		var ce *ranges.Error
		if !errors.As(list.Errs[i], &ce) || ce.Row != want || ce.Col != 1 || !strings.Contains(ce.Error(), "row 4") {
			t.Errorf("error %v: want one at row %d, column A, naming header row 4", list.Errs[i], want)
		}
	}

	S := xlsxfixture.S
	name := writeWorkbook(t, "erp.xlsx", xlsxfixture.Sheet{Name: "銷項", Rows: rows(
		xlsxfixture.Row(S("作廢清單"), S("ZK00000105")),
		xlsxfixture.Row(S("發票號碼"), S("發票日期")),
		xlsxfixture.Row(S("ZK00000100"), S("2025/09/03")),
	)})
	var errs ranges.ErrorList
	_, err = ReadInvoiceFile(context.Background(), name, Options{}, zkUsage(t), &errs)
	var ce *ranges.Error
	if err != nil || len(errs.Errs) != 1 || !errors.As(errs.Errs[0], &ce) || ce.Sheet != "銷項" || ce.Row != 1 || ce.Col != 2 {
		t.Errorf("workbook: err %v, errs %v: want one error at 銷項!B1", err, errs.Err())
	}
}

// A header named by --col-number that no row has: the error lists the
// headers of the rows that looked like header rows, so that the user sees
// the spelling.
func TestHeaderNotFoundListsTheHeaders(t *testing.T) {
	data := "銷項發票明細\n單號,發票號碼 ,開立日期,備註\nA1,ZK00000001,2025/09/01,x\n"
	_, err := readCSV(t, data, Columns{Number: "發票號"})
	if !errors.Is(err, ErrNoHeader) || !strings.Contains(err.Error(), "row 2: 單號, 發票號碼, 開立日期, 備註") {
		t.Errorf("err %v: want ErrNoHeader listing row 2's headers", err)
	}
	_, err = readCSV(t, "單號,票碼\nA1,ZK00000001\n", Columns{Number: "票號"})
	if !errors.Is(err, ErrNoHeader) || !strings.Contains(err.Error(), "row 1: 單號, 票碼") {
		t.Errorf("no known header: err %v: want the first row's cells", err)
	}
	S := xlsxfixture.S
	name := writeWorkbook(t, "erp.xlsx", xlsxfixture.Sheet{Name: "銷項", Rows: rows(
		xlsxfixture.Row(S("發票 號碼"), S("日期")),
		xlsxfixture.Row(S("ZK00000100"), S("2025/09/03")),
	)})
	var errs ranges.ErrorList
	_, err = ReadInvoiceFile(context.Background(), name, Options{Columns: Columns{Number: "號碼 "}}, zkUsage(t), &errs)
	if !errors.Is(err, ErrNoHeader) || !strings.Contains(err.Error(), "sheet 銷項 row 1: 發票 號碼, 日期") {
		t.Errorf("workbook: err %v: want ErrNoHeader listing 銷項's row 1", err)
	}
}

// A bilingual header written with Alt+Enter (發票號碼 over Invoice No.) was
// not recognised, and a sheet headed so was dropped: a cell with line
// breaks is known by its lines, when those blanktrack knows agree.
func TestHeaderLineBreaks(t *testing.T) {
	data := "\"發票號碼\nInvoice No.\",\"發票日期\r\nDate\"\nZK00000001,2025/10/01\n"
	if got, err := readCSV(t, data, Columns{}); err != nil || !slicesEqual(got, []string{"ZK00000001"}) {
		t.Errorf("counted %v, err %v: want ZK00000001", got, err)
	}
	// Either line names the column for --col-*.
	for _, name := range []string{"Invoice No.", "發票號碼"} {
		if got, err := readCSV(t, data, Columns{Number: name}); err != nil || !slicesEqual(got, []string{"ZK00000001"}) {
			t.Errorf("--col-number %q: counted %v, err %v", name, got, err)
		}
	}
	// Lines naming different columns name none: 發票號碼 over 日期 is no
	// invoice-number header, and the plain 號碼 beside it is taken.
	got, err := readCSV(t, "\"發票號碼\n日期\",號碼\nZK00000002,ZK00000003\n", Columns{})
	if err != nil || !slicesEqual(got, []string{"ZK00000003"}) {
		t.Errorf("lines naming two roles: counted %v, err %v: want ZK00000003 from 號碼", got, err)
	}
	// An allocation download's header likewise.
	var errs ranges.ErrorList
	allocs, err := ReadAllocations(context.Background(), strings.NewReader(
		"\"營業人統編\nBAN\",發票類別代號,發票類別,發票期別,\"發票字軌名稱\nTrack\",\"發票起號\nFrom\",\"發票迄號\nTo\"\n53212539,07,一般稅額計算,114/09~114/10,ZK,00000000,00000049\n"),
		"alloc.csv", &errs)
	if err != nil || errs.Err() != nil || len(allocs) != 1 {
		t.Errorf("allocation header with line breaks: %v, %v, %v", allocs, err, errs.Err())
	}
}

// Review rv1, finding 9: a header wrapped in a narrow column (發票\n號碼,
// 賣方\n統一編號) was known only by its lines, so 發票\n號碼 was the
// generic 號碼 and tied with 折讓單\n號碼, and the seller column was not
// known. A header is also known by its lines joined; a generic line
// beside a line blanktrack does not know (折讓單) names nothing; and the
// typed form of a header with line breaks, its lines with a space
// between them, names it.
func TestHeaderLinesJoined(t *testing.T) {
	got, err := readCSV(t, "\"發票\n號碼\",\"折讓單\n號碼\",日期\nZK00000001,,2025/10/01\n", Columns{})
	if err != nil || !slices.Equal(got, []string{"ZK00000001"}) {
		t.Errorf("發票\\n號碼 beside 折讓單\\n號碼: %v, %v", got, err)
	}
	got, err = readCSV(t, "發票號碼,\"賣方\r\n統一編號\",日期\nZK00000002,12345675,2025/10/01\nZK00000003,53212539,2025/10/01\n", Columns{})
	if err != nil || !slices.Equal(got, []string{"ZK00000003"}) {
		t.Errorf("賣方\\n統一編號: %v, %v: want the purchase ZK00000002 left out", got, err)
	}
	if got, err := readCSV(t, "\"折讓單\n號碼\",日期\nZK00000004,2025/10/01\n", Columns{}); !errors.Is(err, ErrNoHeader) {
		t.Errorf("折讓單\\n號碼 alone: %v, %v: want no header", got, err)
	}
	data := "\"發票\n號碼\",\"發票\n編號\"\nZK00000005,ZK00000006\n"
	_, err = readCSV(t, data, Columns{})
	var amb *AmbiguousColumnError
	if !errors.As(err, &amb) || amb.Example() != "發票 編號" {
		t.Fatalf("err %v: want an AmbiguousColumnError whose example is typed as 發票 編號", err)
	}
	for _, name := range []string{amb.Example(), "發票號碼", "發票\n號碼"} {
		if got, err := readCSV(t, data, Columns{Number: name}); err != nil || len(got) != 1 {
			t.Errorf("--col-number %q: %v, %v", name, got, err)
		}
	}
}

// Review rv3, finding 6: an export whose header row lies below the rows
// searched, under title rows (a CSV's line 11, a workbook's one sheet with
// 發票號碼 on row 12), said only that it had no header row, and the hint
// offered --col-number, which cannot help. The error says where the header
// is and to delete the title rows above it; a sheet that was looked
// through already said so.
func TestHeaderBelowRowsSearched(t *testing.T) {
	data := strings.Repeat("title\n", 10) + "發票號碼,發票日期\nZK00000001,2025/09/01\n"
	_, err := readCSV(t, data, Columns{})
	var deep *DeepHeaderError
	if !errors.Is(err, ErrNoHeader) || !errors.As(err, &deep) || deep.Row != 11 || deep.Header != "發票號碼" ||
		!strings.Contains(err.Error(), "x.csv: row 11: no header row with an invoice-number column (發票號碼, 號碼, invoice number) in the first 10 rows: header 發票號碼 was found on row 11; delete the title rows above it") {
		t.Errorf("CSV: err %v: want a *DeepHeaderError at row 11", err)
	}
	// Past the rows a title may take, it is no header.
	_, err = readCSV(t, strings.Repeat("title\n", 100)+"發票號碼\nZK00000001\n", Columns{})
	if !errors.Is(err, ErrNoHeader) || errors.As(err, &deep) {
		t.Errorf("header on row 101: err %v: want ErrNoHeader alone", err)
	}

	name := writeWorkbook(t, "erp.xlsx", titledSheet("銷項",
		xlsxfixture.Row(xlsxfixture.S("發票號碼"), xlsxfixture.S("日期")),
		xlsxfixture.Row(xlsxfixture.S("ZK00000100"), xlsxfixture.S("2025/09/03")),
	))
	var errs ranges.ErrorList
	_, err = ReadInvoiceFile(context.Background(), name, Options{}, zkUsage(t), &errs)
	if !errors.As(err, &deep) || deep.Row != 12 ||
		!strings.Contains(err.Error(), "erp.xlsx: sheet 銷項, row 12: no header row with an invoice-number column (發票號碼, 號碼, invoice number) in the first 10 rows: header 發票號碼 was found on row 12") {
		t.Errorf("workbook: err %v: want a *DeepHeaderError at 銷項 row 12", err)
	}
}
