package job

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

func writeTestFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A workbook whose every invoice is dated in another period fails its
// branch with an *EmptyExportError naming the file and the sheet; a
// branch without exports fails with a *NoInvoicesError unless declared.
func TestEmptyExportAndNoInvoices(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "alloc.csv", []byte("83012410,7,一般稅額計算,114/09~114/10,ZK,37210300,37210399\n"))
	S, D := xlsxfixture.S, xlsxfixture.D
	var wb bytes.Buffer
	err := xlsxfixture.Write(&wb, []xlsxfixture.Sheet{{Name: "銷項", Rows: func(emit func([]xlsxfixture.Cell)) {
		emit(xlsxfixture.Row(S("發票號碼"), S("發票日期")))
		emit(xlsxfixture.Row(S("ZK37210300"), D(time.Date(2025, 8, 31, 23, 59, 59, 750e6, time.UTC))))
	}}})
	if err != nil {
		t.Fatal(err)
	}
	erp := writeTestFile(t, dir, "erp.xlsx", wb.Bytes())

	res, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{erp}}}})
	if err != nil {
		t.Fatal(err)
	}
	var empty *EmptyExportError
	var located *ranges.Error
	if e := res.Branches[0].Err; !errors.As(e, &empty) || !errors.As(e, &located) || located.File != erp || located.Sheet != "銷項" {
		t.Fatalf("branch error %v, want a located *EmptyExportError for %s, sheet 銷項", e, erp)
	}
	if empty.Stats.OutsidePeriod != 1 || !strings.Contains(empty.Error(), "its only row is dated outside 114/09~114/10") {
		t.Errorf("error %q, stats %+v", empty, empty.Stats)
	}
	if len(res.Files()) != 0 {
		t.Errorf("files rendered for a failed branch: %v", res.Files())
	}

	res, err = Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}}}})
	if err != nil {
		t.Fatal(err)
	}
	var none *NoInvoicesError
	if e := res.Branches[0].Err; !errors.As(e, &none) || none.Ban != "83012410" || none.Files != 0 {
		t.Fatalf("branch error %v, want a *NoInvoicesError for 83012410", e)
	}

	res, err = Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, NoInvoices: []ranges.Ban{"83012410"}}}})
	if err != nil || res.Branches[0].Err != nil {
		t.Fatalf("declared: err %v, branch %v", err, res.Branches[0].Err)
	}
	if rs := res.Branches[0].Blank.Ranges; len(rs) != 1 || rs[0].Start != 37210300 || rs[0].End != 37210399 {
		t.Errorf("declared: ranges %v, want the whole allocation", rs)
	}
}
