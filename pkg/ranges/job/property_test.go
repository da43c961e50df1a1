package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/internal/xlsxfixture"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// TestPropertyMatchesReference generates random allocations and exports
// (several files, CSV and xlsx, column layouts with row-index columns,
// track and number apart or together, statuses, sellers, duplicates,
// voided and nullified numbers, dates at the edges of the period, invoices
// of other periods, other sellers and no allocation) and compares the
// job's bulk files with a slow, obvious reference: every allocated number,
// one by one, minus the numbers the counted invoices use. When the
// reference says a file counts nothing, or a 統編 has no invoice, the job
// must fail with the typed error that says so.
func TestPropertyMatchesReference(t *testing.T) {
	cases := 150
	if testing.Short() {
		cases = 30
	}
	for seed := range cases {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			c := genCase(rand.New(rand.NewPCG(uint64(seed), 10)))
			dir := t.TempDir()
			spec := c.write(t, dir)
			res, err := Run(context.Background(), spec)
			if err != nil {
				t.Fatal(err)
			}
			br := res.Branches[0]
			want := c.reference()
			switch {
			case want.emptyFile != "":
				var e *EmptyExportError
				if !errors.As(br.Err, &e) || e.Stats.File != filepath.Join(dir, want.emptyFile) {
					t.Fatalf("%s counts nothing; the job's error is %v\n%s", want.emptyFile, br.Err, c)
				}
				return
			case want.contradicted:
				if br.Err == nil || !strings.Contains(br.Err.Error(), "is declared to have issued no invoice") {
					t.Fatalf("%v is declared and used; the job's error is %v\n%s", c.declared, br.Err, c)
				}
				return
			case len(want.noInvoices) > 0:
				var e *NoInvoicesError
				if !errors.As(br.Err, &e) || !slices.Contains(want.noInvoices, e.Ban) {
					t.Fatalf("%v have no invoice; the job's error is %v\n%s", want.noInvoices, br.Err, c)
				}
				return
			case br.Err != nil:
				t.Fatalf("branch failed: %v\n%s", br.Err, c)
			}
			got := map[string]string{}
			for _, f := range res.Files() {
				if strings.HasSuffix(f.Name, ".csv") {
					got[f.Name] = string(f.Data)
				}
			}
			if !mapsEqual(got, want.files) {
				t.Errorf("bulk files differ from the reference\n%s\n got: %q\nwant: %q", c, got, want.files)
			}
		})
	}
}

// propCase is one random job: allocations of a period and the invoices of
// several exports.
type propCase struct {
	period   ranges.Period
	allocs   []ranges.Allocation
	files    []propFile
	declared []ranges.Ban // NoInvoices
	stranger ranges.Ban   // a seller with no allocation: its invoices are purchases
}

type propFile struct {
	name     string
	xlsx     bool
	index    bool // a row-index column headed No. first
	split    bool // 字軌 and number in two columns
	stripped bool // numbers without their leading zeros, as Excel leaves them
	date     bool
	status   bool
	seller   bool
	rows     []propInvoice
}

type propInvoice struct {
	num    ranges.InvoiceNumber
	when   time.Time
	status string // 開立, 作廢, 已註銷
	seller ranges.Ban
}

var propBans = []ranges.Ban{"83012410", "53212539", "24549210", "22099131", "04595257"}

func genCase(r *rand.Rand) *propCase {
	periods := []ranges.Period{{Year: 114, EndMonth: 10}, {Year: 115, EndMonth: 2}, {Year: 114, EndMonth: 12}}
	c := &propCase{period: periods[r.IntN(len(periods))]}
	bans := slices.Clone(propBans)
	r.Shuffle(len(bans), func(i, j int) { bans[i], bans[j] = bans[j], bans[i] })
	nb := 1 + r.IntN(3)
	c.stranger = bans[nb]
	tracks := []ranges.Track{"ZK", "ZL", "ZM", "AB", "TC", "QA", "QB", "XY"}
	r.Shuffle(len(tracks), func(i, j int) { tracks[i], tracks[j] = tracks[j], tracks[i] })
	for i, b := range bans[:nb] {
		for _, tr := range tracks[2*i : 2*i+1+r.IntN(2)] {
			typ := ranges.TypeGeneral
			if r.IntN(4) == 0 {
				typ = ranges.TypeSpecial
			}
			// One to three allocations of a track, adjacent or apart.
			start := ranges.Number(50 * r.IntN(40))
			for range 1 + r.IntN(3) {
				size := ranges.Number(50 * (1 + r.IntN(3)))
				c.allocs = append(c.allocs, ranges.Allocation{Ban: b, Type: typ, Period: c.period, Track: tr, Start: start, End: start + size - 1})
				start += size + ranges.Number(50*r.IntN(2))
			}
		}
	}
	// The invoices: for each allocation a random share of its numbers,
	// some twice, and some that must not count.
	var invs []propInvoice
	first := c.period.Start(time.UTC)
	last := c.period.End(time.UTC).AddDate(0, 0, -1)
	inside := func() time.Time {
		switch r.IntN(6) {
		case 0:
			return first
		case 1:
			return last.Add(24*time.Hour - 250*time.Millisecond) // 23:59:59.750
		}
		return first.AddDate(0, 0, r.IntN(59)).Add(time.Duration(r.IntN(86400)) * time.Second)
	}
	for _, a := range c.allocs {
		density := r.Float64()
		for n := a.Start; n <= a.End; n++ {
			if r.Float64() > density {
				continue
			}
			inv := propInvoice{num: ranges.InvoiceNumber{Track: a.Track, Number: n}, when: inside(), status: "開立", seller: a.Ban}
			switch r.IntN(10) {
			case 0:
				inv.status = "作廢"
			case 1:
				inv.status = "已註銷"
			}
			invs = append(invs, inv)
			if r.IntN(15) == 0 {
				invs = append(invs, inv) // a duplicate
			}
		}
		// Numbers of the allocation used in another period, or by a
		// stranger (a purchase), and a number in no allocation.
		for range r.IntN(3) {
			n := a.Start + ranges.Number(r.IntN(int(a.End-a.Start+1)))
			before := first.Add(-250 * time.Millisecond) // the day before, 23:59:59.750
			after := last.AddDate(0, 0, 1)
			invs = append(invs, propInvoice{num: ranges.InvoiceNumber{Track: a.Track, Number: n}, when: []time.Time{before, after}[r.IntN(2)], status: "開立", seller: a.Ban})
			invs = append(invs, propInvoice{num: ranges.InvoiceNumber{Track: a.Track, Number: n}, when: inside(), status: "開立", seller: c.stranger})
		}
		if r.IntN(3) == 0 {
			invs = append(invs, propInvoice{num: ranges.InvoiceNumber{Track: a.Track, Number: a.End + 5000}, when: inside(), status: "開立", seller: a.Ban})
		}
	}
	r.Shuffle(len(invs), func(i, j int) { invs[i], invs[j] = invs[j], invs[i] })
	nf := 1 + r.IntN(3)
	for i := range nf {
		f := propFile{xlsx: r.IntN(2) == 0, index: r.IntN(2) == 0, split: r.IntN(2) == 0, stripped: r.IntN(3) == 0,
			date: r.IntN(5) != 0, status: r.IntN(2) == 0, seller: r.IntN(3) != 0}
		f.name = fmt.Sprintf("export-%d.csv", i+1)
		if f.xlsx {
			f.name = fmt.Sprintf("export-%d.xlsx", i+1)
		}
		c.files = append(c.files, f)
	}
	for i, inv := range invs {
		f := &c.files[i%nf]
		if r.IntN(2) == 0 {
			f = &c.files[r.IntN(nf)]
		}
		f.rows = append(f.rows, inv)
	}
	// Now and then a 統編 is declared to have issued nothing; mostly
	// rightly (its invoices are taken out), sometimes not.
	if r.IntN(4) == 0 {
		b := c.allocs[len(c.allocs)-1].Ban
		c.declared = []ranges.Ban{b}
		if r.IntN(4) != 0 {
			for i := range c.files {
				c.files[i].rows = slices.DeleteFunc(c.files[i].rows, func(inv propInvoice) bool {
					return slices.ContainsFunc(c.allocs, func(a ranges.Allocation) bool { return a.Ban == b && a.Track == inv.num.Track })
				})
			}
		}
	}
	return c
}

func (c *propCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "period %s, declared %v\n", c.period, c.declared)
	for _, a := range c.allocs {
		fmt.Fprintf(&b, "  alloc %s\n", a)
	}
	for _, f := range c.files {
		fmt.Fprintf(&b, "  %s: %d rows, index %v split %v stripped %v date %v status %v seller %v\n", f.name, len(f.rows), f.index, f.split, f.stripped, f.date, f.status, f.seller)
	}
	return b.String()
}

// write puts the allocations and exports in dir and returns the job.
func (c *propCase) write(t *testing.T, dir string) Spec {
	t.Helper()
	var a strings.Builder
	a.WriteString("營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\r\n")
	for _, x := range c.allocs {
		fmt.Fprintf(&a, "%s,%d,x,%s,%s,%08d,%08d\r\n", x.Ban, x.Type, x.Period, x.Track, x.Start, x.End)
	}
	br := Branch{Allocs: []string{writeTestFile(t, dir, "invnoapply.csv", []byte(a.String()))}, NoInvoices: c.declared}
	for i, f := range c.files {
		br.Invoices = append(br.Invoices, writeTestFile(t, dir, f.name, f.bytes(t, i)))
	}
	return Spec{Branches: []Branch{br}, Period: c.period}
}

// bytes is the export as a CSV file or workbook, with a title row that
// makes every file's bytes its own.
func (f *propFile) bytes(t *testing.T, i int) []byte {
	var header []string
	if f.index {
		header = append(header, "No.")
	}
	if f.split {
		header = append(header, "字軌", "發票號碼")
	} else {
		header = append(header, "發票號碼")
	}
	if f.date {
		header = append(header, "發票日期")
	}
	if f.status {
		header = append(header, "發票狀態")
	}
	if f.seller {
		header = append(header, "賣方統一編號")
	}
	S, N, D := xlsxfixture.S, xlsxfixture.N, xlsxfixture.D
	rows := [][]xlsxfixture.Cell{{S(fmt.Sprintf("匯出 %d", i+1))}, nil}
	cells := make([]xlsxfixture.Cell, len(header))
	for j, h := range header {
		cells[j] = S(h)
	}
	rows = append(rows, cells)
	for k, inv := range f.rows {
		var row []xlsxfixture.Cell
		if f.index {
			row = append(row, N(float64(k+1)))
		}
		number := fmt.Sprintf("%08d", inv.num.Number)
		if f.stripped {
			number = fmt.Sprint(int(inv.num.Number))
		}
		if f.split {
			row = append(row, S(string(inv.num.Track)), S(number))
			if f.xlsx && f.stripped {
				row[len(row)-1] = N(float64(inv.num.Number))
			}
		} else {
			row = append(row, S(inv.num.String()))
		}
		if f.date {
			if f.xlsx {
				row = append(row, D(inv.when))
			} else {
				row = append(row, S(inv.when.Format("2006/01/02 15:04:05")))
			}
		}
		if f.status {
			row = append(row, S(inv.status))
		}
		if f.seller {
			row = append(row, S(string(inv.seller)))
		}
		rows = append(rows, row)
	}
	if f.xlsx {
		var b bytes.Buffer
		if err := xlsxfixture.Write(&b, []xlsxfixture.Sheet{{Name: "銷項", Rows: func(emit func([]xlsxfixture.Cell)) {
			for _, r := range rows {
				emit(r)
			}
		}}}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var b strings.Builder
	for _, r := range rows {
		for j, c := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			switch c.Kind {
			case xlsxfixture.String:
				b.WriteString(c.S)
			case xlsxfixture.Number:
				fmt.Fprint(&b, c.N)
			}
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// propWant is what the reference expects: the bulk files by name, or the
// first file that counts nothing, or the first 統編 without an invoice.
type propWant struct {
	files        map[string]string
	emptyFile    string
	contradicted bool         // a declared 統編 whose numbers are used
	noInvoices   []ranges.Ban // 統編 without an invoice, not declared
}

// reference computes the blank ranges the slow way: a set of used numbers,
// and every allocated number looked up in it.
func (c *propCase) reference() propWant {
	own := map[ranges.Ban]bool{}
	for _, a := range c.allocs {
		own[a.Ban] = true
	}
	allocated := func(n ranges.InvoiceNumber) (ranges.Allocation, bool) {
		for _, a := range c.allocs {
			if a.Track == n.Track && a.Start <= n.Number && n.Number <= a.End {
				return a, true
			}
		}
		return ranges.Allocation{}, false
	}
	first, end := c.period.Start(time.UTC), c.period.End(time.UTC)
	used := map[ranges.InvoiceNumber]bool{}
	usedBy := map[ranges.Ban]int{}
	var want propWant
	for _, f := range c.files {
		counted := 0
		for _, inv := range f.rows {
			day := time.Date(inv.when.Year(), inv.when.Month(), inv.when.Day(), 0, 0, 0, 0, time.UTC)
			if f.seller && !own[inv.seller] {
				continue
			}
			if f.date && (day.Before(first) || !day.Before(end)) {
				continue
			}
			a, ok := allocated(inv.num)
			if !ok {
				continue
			}
			counted++
			used[inv.num] = true
			usedBy[a.Ban]++
		}
		if counted == 0 && want.emptyFile == "" {
			want.emptyFile = f.name
		}
	}
	if want.emptyFile != "" {
		return want
	}
	for _, b := range c.declared {
		want.contradicted = want.contradicted || usedBy[b] > 0
	}
	for _, a := range c.allocs {
		if usedBy[a.Ban] == 0 && !slices.Contains(c.declared, a.Ban) && !slices.Contains(want.noInvoices, a.Ban) {
			want.noInvoices = append(want.noInvoices, a.Ban)
		}
	}
	if want.contradicted || len(want.noInvoices) > 0 {
		return want
	}
	// Every allocated number of a 統編, in the order of the bulk file: by
	// 類別, 字軌, number.
	want.files = map[string]string{}
	for _, b := range propBans {
		var keys []ranges.Allocation
		for _, a := range c.allocs {
			if a.Ban == b {
				keys = append(keys, a)
			}
		}
		slices.SortFunc(keys, func(x, y ranges.Allocation) int {
			if x.Type != y.Type {
				return int(x.Type) - int(y.Type)
			}
			if x.Track != y.Track {
				return strings.Compare(string(x.Track), string(y.Track))
			}
			return int(x.Start) - int(y.Start)
		})
		// The blank run being built: numbers of one 類別 and 字軌, each
		// one more than the last.
		type run struct {
			typ        ranges.InvoiceType
			track      ranges.Track
			start, end ranges.Number
		}
		var lines []string
		var open *run
		flush := func() {
			if open != nil {
				lines = append(lines, fmt.Sprintf("%05d,%s,%s,%s,%08d,%08d,%s\r\n", len(lines)+1, b, c.period.Code(), open.track, open.start, open.end, open.typ))
				open = nil
			}
		}
		for _, a := range keys {
			for n := a.Start; n <= a.End; n++ {
				switch {
				case used[ranges.InvoiceNumber{Track: a.Track, Number: n}]:
					flush()
				case open != nil && open.typ == a.Type && open.track == a.Track && open.end == n-1:
					open.end = n
				default:
					flush()
					open = &run{a.Type, a.Track, n, n}
				}
			}
		}
		flush()
		if len(lines) > 0 {
			want.files[fmt.Sprintf("%s_%s.csv", b, c.period.Code())] = strings.Join(lines, "")
		}
	}
	return want
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
