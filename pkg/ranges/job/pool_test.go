package job

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const allocHeader = "營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\n"

// A head office's ERP export that also lists a branch's invoices: in a
// config run each invoice counts for the branch whose allocation holds it,
// as in one run over all the files. Before, the branch reported the numbers
// the head office's export used as blank.
func TestConfigPoolsInvoicesAcrossBranches(t *testing.T) {
	dir := t.TempDir()
	headAlloc := writeTestFile(t, dir, "a-head.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00000049\n"))
	branchAlloc := writeTestFile(t, dir, "a-branch.csv", []byte(allocHeader+"04595257,7,一般稅額計算,115/09~115/10,ZL,00000000,00000049\n"))
	erp := writeTestFile(t, dir, "head-erp.csv", []byte("發票號碼,發票日期,賣方統一編號\nZK00000001,2026/09/01,53212539\nZL00000001,2026/09/01,04595257\nZL00000002,2026/09/01,04595257\n"))
	pos := writeTestFile(t, dir, "branch-pos.csv", []byte("發票號碼,發票日期\nZL00000003,2026/09/01\n"))

	config, err := Run(context.Background(), Spec{Config: true, Branches: []Branch{
		{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: []string{erp}},
		{Ban: "04595257", Allocs: []string{branchAlloc}, Invoices: []string{pos}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{headAlloc, branchAlloc}, Invoices: []string{erp, pos}}}})
	if err != nil {
		t.Fatal(err)
	}
	if config.Failed() > 0 || plain.Failed() > 0 {
		t.Fatalf("failed: %v / %v", config.Branches[0].Err, plain.Branches[0].Err)
	}
	got, want := config.Files(), plain.Files()
	if len(got) != len(want) {
		t.Fatalf("config run wrote %d files, one run %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Name != want[i].Name || string(got[i].Data) != string(want[i].Data) {
			t.Errorf("%s:\n%s\nwant (one run) %s:\n%s", got[i].Name, got[i].Data, want[i].Name, want[i].Data)
		}
	}
	if !strings.Contains(string(got[0].Data), "ZL,00000000,00000000,07") {
		t.Errorf("branch file %s:\n%s", got[0].Name, got[0].Data)
	}
	for _, br := range config.Branches {
		for _, w := range br.Warnings {
			t.Errorf("branch %s: warning %v", br.Ban, w)
		}
	}
}

// When an export that gave a branch some of its invoices fails, that
// branch fails too: its tally is not complete.
func TestFailedExportFailsTheBranchesItFed(t *testing.T) {
	dir := t.TempDir()
	headAlloc := writeTestFile(t, dir, "a-head.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00000049\n"))
	branchAlloc := writeTestFile(t, dir, "a-branch.csv", []byte(allocHeader+"04595257,7,一般稅額計算,115/09~115/10,ZL,00000000,00000049\n"))
	erp := writeTestFile(t, dir, "head-erp.csv", []byte("發票號碼,發票日期\nZK00000001,2026/09/01\nZL00000001,2026/09/01\nZK0000O002,2026/09/01\n"))
	pos := writeTestFile(t, dir, "branch-pos.csv", []byte("發票號碼,發票日期\nZL00000003,2026/09/01\n"))
	res, err := Run(context.Background(), Spec{Config: true, Branches: []Branch{
		{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: []string{erp}},
		{Ban: "04595257", Allocs: []string{branchAlloc}, Invoices: []string{pos}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Branches[0].Err == nil || res.Branches[1].Err == nil {
		t.Fatalf("errors %v, %v: want both branches failed", res.Branches[0].Err, res.Branches[1].Err)
	}
	if !strings.Contains(res.Branches[1].Err.Error(), "an export of branch 53212539 (53212539) that also holds this branch's invoices failed") {
		t.Errorf("branch error %v", res.Branches[1].Err)
	}
}

// An export whose reading stopped before its end may have held invoices of
// any branch in the rest not read: every branch of the run fails, naming
// the export. Before, a branch whose invoices lay after the stop (here
// 04595257's, after 25 bad rows or a line over 4 MiB in the head office's
// export) was written with those numbers reported blank.
func TestStoppedExportFailsEveryBranch(t *testing.T) {
	dir := t.TempDir()
	headAlloc := writeTestFile(t, dir, "a-head.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00000049\n"))
	branchAlloc := writeTestFile(t, dir, "a-branch.csv", []byte(allocHeader+"04595257,7,一般稅額計算,115/09~115/10,ZL,00000000,00000049\n"))
	pos := writeTestFile(t, dir, "branch-pos.csv", []byte("發票號碼,發票日期\nZL00000003,2026/09/01\n"))
	rest := "ZK00000001,2026/09/01\nZL00000010,2026/09/01\n"
	for _, tc := range []struct {
		name, erp, why string
		more           bool // the head office has an export after it
	}{
		{name: "too many errors", erp: "發票號碼,發票日期\n" + strings.Repeat("ZK0000000X,2026/09/01\n", 25) + rest, why: "stopped after 20 errors"},
		{name: "a line too long", erp: "發票號碼,發票日期\nZK00000002," + strings.Repeat("x", 5<<20) + "\n" + rest, why: "row 2"},
		{name: "exports after it", erp: "發票號碼,發票日期\n" + strings.Repeat("ZK0000000X,2026/09/01\n", 25) + rest, why: "stopped after 20 errors", more: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			erp := writeTestFile(t, dir, "head-erp.csv", []byte(tc.erp))
			head := []string{erp}
			if tc.more {
				head = append(head, writeTestFile(t, dir, "head-more.csv", []byte("發票號碼,發票日期\nZK00000003,2026/09/01\n")))
			}
			res, err := Run(context.Background(), Spec{Config: true, Branches: []Branch{
				{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: head},
				{Ban: "04595257", Allocs: []string{branchAlloc}, Invoices: []string{pos}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Branches[0].Err == nil {
				t.Fatal("head office did not fail")
			}
			got := res.Branches[1].Err
			if got == nil {
				t.Fatal("branch 04595257 did not fail: its numbers after the stop would be reported blank")
			}
			want := erp + ", an export of branch 53212539 (53212539), was not read to its end"
			if tc.more {
				want += ", nor were that branch's exports after it"
			}
			if !strings.Contains(got.Error(), want) || !strings.Contains(got.Error(), tc.why) {
				t.Errorf("branch error %v\nwant it to say %q and %q", got, want, tc.why)
			}
			if n := len(res.Files()); n != 0 {
				t.Errorf("%d files rendered", n)
			}
		})
	}
}

// A run killed while writing leaves hidden temporary files; the next run
// into the folder removes those of its files and says so, and leaves
// other files alone.
func TestWriteRemovesKilledRunsTemps(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	alloc := writeTestFile(t, dir, "a.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00000049\n"))
	pos := writeTestFile(t, dir, "pos.csv", []byte("發票號碼,發票日期\nZK00000001,2026/09/01\n"))
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".53212539_11510.csv.123456.tmp", ".report.html.99.tmp", ".24549210_11510.csv.5.tmp", ".notes.txt.7.tmp"} {
		writeTestFile(t, out, name, []byte("half"))
	}
	res, err := Run(context.Background(), Spec{Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{pos}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.RemovedTemps, []string{".53212539_11510.csv.123456.tmp", ".report.html.99.tmp"}) {
		t.Errorf("removed %v", res.RemovedTemps)
	}
	for _, keep := range []string{".24549210_11510.csv.5.tmp", ".notes.txt.7.tmp"} {
		if _, err := os.Stat(filepath.Join(out, keep)); err != nil {
			t.Errorf("%s: %v (another 統編's or not blanktrack's: keep it)", keep, err)
		}
	}
}

// A track with more blank ranges than a bulk file holds: with XML the run
// writes its E0402 files and no bulk file for its 統編, with a warning
// saying to report it through Turnkey (--strict fails it); without XML it
// fails, saying to check the exports or write E0402. Before, both failed
// with "report this track through Turnkey (E0402)", and --xml wrote none.
func TestTrackTooLargeForBulkFile(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "a.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00199999\n"))
	var b strings.Builder
	b.WriteString("發票號碼,發票日期\n")
	for i := range 100_000 { // every other number: 100,000 blank ranges
		fmt.Fprintf(&b, "ZK%08d,2026/09/01\n", 2*i+1)
	}
	export := writeTestFile(t, dir, "pos.csv", []byte(b.String()))
	run := func(xml, strict bool) *BranchResult {
		res, err := Run(context.Background(), Spec{XML: xml, Strict: strict, Branches: []Branch{{Allocs: []string{alloc}, Invoices: []string{export}}}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Branches[0]
	}
	br := run(true, false)
	if br.Err != nil {
		t.Fatal(br.Err)
	}
	for _, f := range br.Files {
		if !strings.HasPrefix(f.Name, "E0402_53212539_53212539_11510_07_ZK") {
			t.Errorf("file %s: want the track's E0402 files only", f.Name)
		}
	}
	if len(br.Files) != 10 {
		t.Errorf("%d E0402 files, want 10 of 10,000 items", len(br.Files))
	}
	if len(br.Warnings) != 1 || br.Warnings[0].Kind != NoBulkFile ||
		!strings.Contains(br.Warnings[0].Line().String(), "53212539 字軌 ZK has 100000 blank ranges, more than a bulk file holds: no bulk file for 53212539; report it through Turnkey") {
		t.Errorf("warnings %v", br.Warnings)
	}
	if br := run(true, true); br.Err == nil {
		t.Error("--strict passed a 統編 written without a bulk file")
	}
	if br := run(false, false); br.Err == nil || !strings.Contains(br.Err.Error(), "or write E0402 (--xml, or xml = true in a config)") {
		t.Errorf("without XML: %v", br.Err)
	}
}

// A bad row of one branch's export (a bad date, a number that cannot be
// parsed, a status that says the number was not used) may be another
// branch's invoice: the branch whose allocation holds its number, or
// every branch allocated its 字軌 when only that could be read, or every
// branch when neither could, fails with the exporting branch. Before, the
// other branch was written with that number reported blank, while one run
// over the same files wrote nothing.
func TestBadRowFailsTheBranchesItMayBelongTo(t *testing.T) {
	dir := t.TempDir()
	headAlloc := writeTestFile(t, dir, "a-head.csv", []byte(allocHeader+"53212539,7,一般稅額計算,115/09~115/10,ZK,00000000,00000049\n"))
	branchAlloc := writeTestFile(t, dir, "a-branch.csv", []byte(allocHeader+"04595257,7,一般稅額計算,115/09~115/10,ZL,00000000,00000049\n"))
	otherAlloc := writeTestFile(t, dir, "a-other.csv", []byte(allocHeader+"24549210,7,一般稅額計算,115/09~115/10,ZM,00000000,00000049\n"))
	pos := writeTestFile(t, dir, "branch-pos.csv", []byte("發票號碼,發票日期\nZL00000003,2026/09/01\n"))
	other := writeTestFile(t, dir, "other-pos.csv", []byte("發票號碼,發票日期\nZM00000003,2026/09/01\n"))
	for _, tc := range []struct {
		name, row string
		want      []bool // which of 04595257, 24549210 fail
		says      string
	}{
		{name: "bad date", row: "ZL00000050,2026/13/02,開立", want: []bool{false, false}},
		{name: "bad date in the branch", row: "ZL00000030,2026/13/02,開立", want: []bool{true, false}, says: "whose invoice number ZL00000030 lies in this branch's allocation"},
		{name: "unused status", row: "ZL00000030,2026/09/02,空白未使用", want: []bool{true, false}, says: "ZL00000030"},
		{name: "number unparsed", row: "ZL0000003O,2026/09/02,開立", want: []bool{true, false}, says: "whose 字軌 ZL this branch is allocated"},
		{name: "nothing readable", row: "Z100000030,2026/09/02,開立", want: []bool{true, true}, says: "whose invoice number cannot be read"},
		{name: "the head's own", row: "ZK00000030,2026/13/02,開立", want: []bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			erp := writeTestFile(t, dir, "head-erp.csv", []byte("發票號碼,發票日期,發票狀態\nZK00000001,2026/09/01,開立\n"+tc.row+"\n"))
			res, err := Run(context.Background(), Spec{Config: true, Branches: []Branch{
				{Ban: "53212539", Allocs: []string{headAlloc}, Invoices: []string{erp}},
				{Ban: "04595257", Allocs: []string{branchAlloc}, Invoices: []string{pos}},
				{Ban: "24549210", Allocs: []string{otherAlloc}, Invoices: []string{other}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Branches[0].Err == nil {
				t.Fatal("head office did not fail")
			}
			for i, want := range tc.want {
				got := res.Branches[i+1].Err
				if (got != nil) != want {
					t.Errorf("branch %s: error %v, want failed %v", res.Branches[i+1].Ban, got, want)
					continue
				}
				if got != nil && (!strings.Contains(got.Error(), tc.says) || !strings.Contains(got.Error(), "an export of branch 53212539 (53212539)") || !strings.Contains(got.Error(), "head-erp.csv: row 3")) {
					t.Errorf("branch %s: error %v\nwant it to say %q and name the row", res.Branches[i+1].Ban, got, tc.says)
				}
			}
		})
	}
}
