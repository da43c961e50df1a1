package sheet

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// sheetRows are the non-empty rows of every sheet, by sheet name and row
// number, trailing empty cells dropped.
type sheetRows map[string]map[int][]string

func trimRow(r []string) []string {
	for len(r) > 0 && r[len(r)-1] == "" {
		r = r[:len(r)-1]
	}
	return r
}

// excelizeRows reads every sheet as excelize's streaming reader does, with
// raw cell values: the reference.
func excelizeRows(data []byte) (sheetRows, bool, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	out := sheetRows{}
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, false, err
		}
		m := map[int][]string{}
		n := 0
		for rows.Next() {
			n++
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, false, err
			}
			if c := trimRow(cells); len(c) > 0 {
				m[n] = slices.Clone(c)
			}
		}
		rows.Close()
		out[name] = m
	}
	props, _ := f.GetWorkbookProps()
	return out, props.Date1904 != nil && *props.Date1904, nil
}

// ourRows reads every sheet with the package's reader.
func ourRows(data []byte) (sheetRows, bool, error) {
	src := newSource(bytes.NewReader(data))
	wb, err := openWorkbook(src, nil, "test.xlsx")
	if err != nil {
		return nil, false, err
	}
	defer wb.Close()
	out := sheetRows{}
	for _, name := range wb.SheetNames() {
		t, err := wb.openSheet(context.Background(), name)
		if err != nil {
			return nil, false, err
		}
		m := map[int][]string{}
		for t.Next() {
			if c := trimRow(t.Row()); len(c) > 0 {
				m[t.RowNum()] = slices.Clone(c)
			}
		}
		t.Close()
		if err := t.Err(); err != nil {
			return nil, false, err
		}
		out[name] = m
	}
	return out, wb.date1904, nil
}

// compareReaders reads data with both readers and reports every cell that
// differs.
func compareReaders(t *testing.T, what string, data []byte) {
	t.Helper()
	want, want1904, err := excelizeRows(data)
	if err != nil {
		t.Fatalf("%s: excelize: %v", what, err)
	}
	got, got1904, err := ourRows(data)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if want1904 != got1904 {
		t.Errorf("%s: date1904 %v, excelize %v", what, got1904, want1904)
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d sheets, excelize %d", what, len(got), len(want))
	}
	diffs := 0
	for name, wrows := range want {
		grows, ok := got[name]
		if !ok {
			t.Errorf("%s: sheet %q missing", what, name)
			continue
		}
		for n, wr := range wrows {
			gr := grows[n]
			for c := 0; c < max(len(wr), len(gr)); c++ {
				if cell(gr, c) != cell(wr, c) && diffs < 10 {
					diffs++
					t.Errorf("%s: sheet %s row %d column %s: %q, excelize %q", what, name, n, ranges.ColumnName(c+1), cell(gr, c), cell(wr, c))
				}
			}
		}
		for n, gr := range grows {
			if _, ok := wrows[n]; !ok && diffs < 10 {
				diffs++
				t.Errorf("%s: sheet %s row %d: %q, excelize has no such row", what, name, n, gr)
			}
		}
	}
}

func TestWorkbookReaderAgreesWithExcelize(t *testing.T) {
	// Every workbook of the examples.
	var files []string
	err := filepath.WalkDir("../../../examples", func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".xlsx") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .xlsx fixtures found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		compareReaders(t, filepath.Base(f), data)
	}
	// The test workbooks, written as Excel writes them.
	S, N, D := xlsxfixture.S, xlsxfixture.N, xlsxfixture.D
	var b bytes.Buffer
	err = xlsxfixture.Write(&b, []xlsxfixture.Sheet{
		{Name: "說明", Rows: rows(xlsxfixture.Row(S("匯出者"), S("會計")))},
		{Name: "銷項", Rows: rows(
			xlsxfixture.Row(S("範例公司 114年9-10月 銷項發票")),
			nil,
			xlsxfixture.Row(S("開立日期"), S("發票號碼"), S("金額"), S("發票狀態")),
			xlsxfixture.Row(D(testDay), S("ZK00000100"), N(100), S("開立")),
			xlsxfixture.Row(D(testDay), S("ＺＫ０００００１０１"), N(100.25), S("作廢")),
			xlsxfixture.Row(D(testDay), S(" zk00000102 "), N(-3)),
		)},
	})
	if err != nil {
		t.Fatal(err)
	}
	compareReaders(t, "xlsxfixture", b.Bytes())
	for seed := uint64(0); seed < 300; seed++ {
		compareReaders(t, "genWorkbook("+strconv.FormatUint(seed, 10)+")", genWorkbook(seed))
	}
}

var testDay = time.Date(2025, 10, 3, 0, 0, 0, 0, time.UTC)

// FuzzWorkbookAgreesWithExcelize reads generated workbooks with both
// readers and compares every cell.
func FuzzWorkbookAgreesWithExcelize(f *testing.F) {
	for seed := uint64(0); seed < 8; seed++ {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		compareReaders(t, "genWorkbook", genWorkbook(seed))
	})
}
