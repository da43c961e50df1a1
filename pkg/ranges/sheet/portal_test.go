package sheet

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// ownUsage is a Usage of business 83012410 over ZK00000100-00000199.
func ownUsage(t testing.TB) *recorder {
	return newRecorder(t, alloc("83012410", ranges.TypeGeneral, "ZK", 100, 199))
}

const mdHeader = "M,發票號碼,發票日期,發票狀態,買方統一編號,買方名稱,賣方統一編號,寄送日期,課稅別,總計\r\n" +
	"D,發票號碼,品名,數量,單價,小計\r\n"

func TestReadPortalCSV(t *testing.T) {
	data := "\ufeff" + mdHeader +
		"M,ZK00000100,2025/10/01,開立已確認,,消費者,83012410,2025/10/01,1,100\r\n" +
		"D,ZK00000100,咖啡,1,100,100\r\n" +
		"D,ZK00000100,蛋糕,1,80,80\r\n" +
		// A purchase: another seller. Its number would be unallocated.
		"M,QW12345678,2025/10/01,開立已確認,83012410,範例商行,22099131,2025/10/01,1,5000\r\n" +
		// The comma defect: 買方名稱 spans two fields, the rest is shifted.
		"M,ZK00000101,2025/10/02,開立已確認,53212539,好食,餐飲有限公司,83012410,2025/10/02,1,300\r\n" +
		// Nullified and reissued (the reissue comes first here).
		"M,ZK00000102,2025/10/03,開立已確認,,,83012410,2025/10/03,1,50\r\n" +
		"M,ZK00000102,2025/10/03,已註銷,,,83012410,2025/10/03,1,50\r\n" +
		// Nullified and never reissued.
		"M,ZK00000103,2025/10/03,已註銷,,,83012410,2025/10/03,1,50\r\n" +
		// The previous period's invoice with a number allocated again now.
		"M,ZK00000104,2025/08/31,開立已確認,,,83012410,2025/08/31,1,50\r\n"
	u := ownUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, "portal.csv", []byte(data)), Options{}, u, &errs))
	if err != nil || errs.Err() != nil {
		t.Fatalf("err %v, errs %v", err, errs.Err())
	}
	if st.Items != 3 || st.Rows != 7 || st.Purchases != 1 || st.Invoices != 5 || st.Nullified != 2 || st.OutsidePeriod != 1 || st.Unallocated != 0 {
		t.Errorf("stats = %+v", st)
	}
	if !st.HasSeller || !st.HasDate {
		t.Errorf("filters: seller %v, date %v", st.HasSeller, st.HasDate)
	}
	if st.Repaired.Count != 1 || st.Repaired.First[0].Pos.Row != 7 {
		t.Errorf("repaired = %+v, want row 7", st.Repaired)
	}
	if nr := u.NotReissued(); nr.Count != 1 || nr.First[0].Number.String() != "ZK00000103" || nr.First[0].Pos.Row != 10 {
		t.Errorf("not reissued = %+v, want ZK00000103 at row 10", nr)
	}
	res, err := u.Compute()
	if err != nil {
		t.Fatal(err)
	}
	// 100-103 used; 104 is of another period, so blank.
	if got := res.Ranges[0].String(); got != "83012410 07 11410 ZK00000104-00000199" {
		t.Errorf("ranges = %v", res.Ranges)
	}
}

// A row whose name has a comma but whose seller, read after the shift,
// is not a 統一編號 is an error naming the cell, not a guess.
func TestReadPortalCSVShiftedSellerChecked(t *testing.T) {
	data := mdHeader + "M,ZK00000101,2025/10/02,開立已確認,53212539,好食,餐飲,有限公司,83012410,2025/10/02,1,300\r\n" +
		"M,ZK00000102,2025/10/02,開立已確認,53212539,好食,x\r\n"
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), writeFile(t, "p.csv", []byte(data)), Options{}, ownUsage(t), &errs)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs.Errs) != 1 || !strings.Contains(errs.Errs[0].Error(), "row 4, column G (賣方統一編號)") {
		t.Errorf("errors = %v", errs.Error())
	}
}

func TestReadExcelResavedCSV(t *testing.T) {
	data := "發票號碼,賣方統一編號,發票日期\r\n" +
		"=\"ZK00000100\",83012410,2025/9/1 13:05\r\n" +
		"ZK00000101,=\"83012410\",115/09/02\r\n" +
		"ZK00000102,83012410,1140903\r\n" +
		"字軌,,\r\n"
	u := ownUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, "resaved.csv", []byte(data)), Options{}, u, &errs))
	if err != nil {
		t.Fatal(err)
	}
	// "115/09/02" is ROC 2026: another period. The last row is an error.
	if st.Invoices != 2 || st.OutsidePeriod != 1 {
		t.Errorf("stats = %+v", st)
	}
	if e := errs.Err(); e == nil || !strings.Contains(e.Error(), `row 5, column A (發票號碼): "字軌" is not an invoice number`) {
		t.Errorf("errors = %v", e)
	}
}

func TestReadScientificNotationIsAnError(t *testing.T) {
	data := "字軌,號碼\nZK,4.25E+07\n"
	var errs ranges.ErrorList
	_, err := ReadInvoiceFile(context.Background(), writeFile(t, "sci.csv", []byte(data)), Options{}, ownUsage(t), &errs)
	if err != nil {
		t.Fatal(err)
	}
	want := `sci.csv: row 2, column B (號碼): "4.25E+07" is in scientific notation`
	if e := errs.Err(); e == nil || !strings.Contains(e.Error(), want) {
		t.Errorf("errors = %v, want %q", e, want)
	}
}

func FuzzReadPortalCSV(f *testing.F) {
	f.Add([]byte(mdHeader + "M,ZK00000100,2025/10/01,開立已確認,,消費者,83012410,2025/10/01,1,100\r\nD,ZK00000100,咖啡,1,100,100\r\n"))
	f.Add([]byte(mdHeader + "M,ZK00000101,2025/10/02,已註銷,53212539,好食,餐飲有限公司,83012410,2025/10/02,1,300\r\n"))
	f.Add([]byte("D,發票號碼,品名\r\n" + mdHeader + "M,QW12345678,115/10/01,開立已確認,83012410,x,22099131,,1,1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := ownUsage(t)
		var errs ranges.ErrorList
		st, err := one(ReadInvoices(context.Background(), bytes.NewReader(data), "in.csv", Options{}, u, &errs))
		if err != nil {
			return
		}
		if st.Invoices+st.Purchases+st.OutsidePeriod+st.Unallocated+st.NoNumber > st.Rows {
			t.Fatalf("more outcomes than rows: %+v", st)
		}
		if nr := u.NotReissued(); nr.Count > st.Nullified {
			t.Fatalf("%d not reissued of %d nullified", nr.Count, st.Nullified)
		}
		if _, err := u.Compute(); err != nil {
			t.Fatal(err)
		}
	})
}
