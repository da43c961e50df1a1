package portal

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// An import settled without leaving its ranges on record (every row
// rejected, or refused whole), then the file sent again without a clear
// answer, the portal listing it late: the settled import's row, of the same
// name, is not the second sending's, so a third run does not send the file
// a third time while the second is in flight. (It did: the journal counted
// any row of the name as the second sending's.)
func TestSettledImportOfTheNameDoesNotReleaseALaterSending(t *testing.T) {
	for _, refused := range []bool{false, true} {
		b := newBook(t)
		b.arrive = func(b *book, im *bookImport) {
			if refused {
				im.status = "3"
				return
			}
			b.process(im, "系統忙碌中，請稍後再試")
		}
		if _, text, _ := b.run(t, quick); b.sent() != 1 {
			t.Fatalf("refused %v, run 1: %d imports\n%s", refused, b.sent(), text)
		}
		b.unclear()
		_, text, err := b.run(t, quick)
		if !errors.Is(err, ErrMaybeSent) || b.sent() != 2 {
			t.Fatalf("refused %v, run 2: %v, %d imports; want it sent again, without a clear answer\n%s", refused, err, b.sent(), text)
		}
		_, text, err = b.run(t, quick)
		if b.sent() != 2 || !errors.Is(err, ErrOpenImport) || !strings.Contains(text, "without a clear answer, and 上傳列表 does not show it") {
			t.Fatalf("refused %v, run 3: %v, %d imports; want none sent while 上傳列表 does not show the second\n%s", refused, err, b.sent(), text)
		}
		// Listed at last, and processed: followed, not sent.
		b.bmu.Lock()
		b.list[1].hidden = false
		b.process(b.list[1], "")
		b.bmu.Unlock()
		plan, text, err := b.run(t, quick)
		if err != nil || b.sent() != 2 || !plan.AllOnRecord() {
			t.Errorf("refused %v, run 4: %v, %d imports, %s\n%s", refused, err, b.sent(), plan.Describe(), text)
		}
	}
}

// A portal that lists imports under its own name, whose 查詢 does not
// show what an import processed with every row Y put on record (lagging,
// or deleted since): the journal knows the import by its 上傳編號, and a
// rerun settles it as one of the same name, "no longer on record", and does
// not send the file again without Resend. (It sent it again: the entry
// was seen, and the import, of another name, never matched.)
func TestRenamedImportIsSettledByItsID(t *testing.T) {
	b := newBook(t)
	b.rename = true
	b.arrive = func(b *book, im *bookImport) {
		b.process(im, "")
		clear(b.records) // 查詢 does not show it
	}
	plan, text, err := b.run(t, quick)
	if err != nil || b.sent() != 1 || plan.Summary()[Unconfirmed] != 2 {
		t.Fatalf("run 1: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
	plan, text, err = b.run(t, quick)
	if err != nil || b.sent() != 1 || plan.Summary()[Vanished] != 2 || !strings.Contains(text, "not sending it again without --resend") {
		t.Errorf("run 2: %v, %d imports, %s; want it not sent, no longer on record\n%s", err, b.sent(), plan.Describe(), text)
	}
	plan, text, err = b.run(t, quick, resend)
	if b.sent() != 2 {
		t.Errorf("--resend: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
}

// A file regenerated with other ranges that overlap those of an import
// the journal holds and 上傳列表 does not show: not sent while it is in
// flight, since the portal may put the same numbers on record twice. (Only
// equal ranges held it.)
func TestJournalHoldsOverlappingRanges(t *testing.T) {
	b := newBook(t)
	b.sendUnclear(t)
	for _, rs := range [][]ranges.BlankRange{
		{fakeRange(150, 160)},                      // inside one
		{fakeRange(50, 100), fakeRange(500, 599)},  // touching one's start
		{fakeRange(190, 310)},                      // across both
		{fakeRange(399, 450), fakeRange(600, 699)}, // touching one's end
	} {
		_, text, err := b.runOf(t, quick, rs)
		if b.sent() != 1 || !errors.Is(err, ErrOpenImport) {
			t.Errorf("%v: %v, %d imports; want none sent\n%s", rs, err, b.sent(), text)
		}
	}
	// Ranges beside them are not held.
	plan, text, err := b.runOf(t, quick, []ranges.BlankRange{fakeRange(200, 299), fakeRange(400, 499)})
	if err != nil || b.sent() != 2 || !plan.AllOnRecord() {
		t.Errorf("beside: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
}

// --resend sends what the journal holds back: each entry it overrides is
// named, with when it was sent (and its zone) and its 上傳編號, before
// anything is sent, so that a person sees what goes out again. (It said
// nothing.)
func TestResendNamesTheJournalEntriesItOverrides(t *testing.T) {
	b := newBook(t)
	b.sendUnclear(t)
	plan, text, err := b.run(t, quick, resend)
	if err != nil || b.sent() != 2 || !plan.AllOnRecord() {
		t.Fatalf("--resend: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
	said := regexp.MustCompile(`--resend: sending despite the journal of imports sent: 83012410_11410_[0-9a-f]{8}\.csv was sent on 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d \+08:00 without a clear answer, and 上傳列表 does not show it\n`)
	loc := said.FindStringIndex(text)
	if loc == nil || loc[0] > strings.Index(text, "uploaded 2 range(s)") {
		t.Errorf("--resend did not name the entry it overrides before sending:\n%s", text)
	}
}

// unclear makes the book answer 匯入字軌 with a 504 and list the import
// late (not until a test shows it).
func (b *book) unclear() {
	b.arrive = func(b *book, im *bookImport) { im.hidden = true }
	b.answer = func(w http.ResponseWriter, id int) {
		writeJSONTo(w, 504, map[string]string{"title": "Gateway Time-out"})
	}
}

// sendUnclear is a first run whose import is answered 504 and not listed;
// later imports are answered and processed at once.
func (b *book) sendUnclear(t *testing.T) {
	t.Helper()
	b.unclear()
	if _, text, err := b.run(t, quick); !errors.Is(err, ErrMaybeSent) || b.sent() != 1 {
		t.Fatalf("run 1: %v, %d imports\n%s", err, b.sent(), text)
	}
	b.answer = nil
	b.arrive = func(b *book, im *bookImport) { b.process(im, "") }
}

// An import processed without a row for its ranges, which 查詢 does not
// show: settled, though not as it should be (the layout's detail fields
// may be wrong). The run that sent it says so at once, without waiting
// out the wait, and points to --resend; a rerun does not send it again
// without --resend, nor wait, nor advise running again later. (Every run
// waited out the wait and said "run the same upload again later".)
func TestImportProcessedWithoutRowsIsSettled(t *testing.T) {
	b := newBook(t)
	b.arrive = func(b *book, im *bookImport) { im.status, im.rows = "2", []map[string]any{} } // no rows, nothing on record
	long := Wait{First: 20 * time.Millisecond, Max: 50 * time.Millisecond, Limit: 5 * time.Second}
	for run, want := range []string{
		"上傳編號 1 was processed without a row for these ranges, and 查詢 does not show them (the layout's detail fields may be wrong)",
		"上傳編號 1 of 2025-11-26 09:04 was processed without a row for the ranges of 83012410_11410_",
	} {
		start := time.Now()
		plan, text, err := b.run(t, long)
		text += "\n" + plan.Files[0].Ranges[0].Reason.String()
		if err != nil || b.sent() != 1 || plan.Summary()[Unconfirmed] != 2 || time.Since(start) > 3*time.Second ||
			!strings.Contains(text, want) || !strings.Contains(text, "--resend") || strings.Contains(text, "again later") {
			t.Errorf("run %d: %v, %d imports, %s in %s\n%s", run+1, err, b.sent(), plan.Describe(), time.Since(start), text)
		}
	}
	b.arrive = func(b *book, im *bookImport) { b.process(im, "") }
	plan, text, err := b.run(t, quick, resend)
	if err != nil || b.sent() != 2 || !plan.AllOnRecord() {
		t.Errorf("--resend: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
}

// An import the run does not follow that stays not processed (sent by
// hand, stuck), or whose 上傳列表 status is none the layout knows: the run
// says which, does not claim that a rerun follows it, and --resend, after
// a look at the portal, sends despite it, saying so. (Every run waited it
// out, said the rerun "follows the import", and --resend did not help; an
// unknown status was said as "not processed yet".)
func TestForeignImportStuckProcessingHasAWayOut(t *testing.T) {
	b := newBook(t)
	b.earlier("hand.csv", "1")
	b.earlier("odd.csv", "處理完成")
	_, text, err := b.run(t, quick)
	for _, want := range []string{
		"上傳編號 1 (hand.csv) is not processed yet (上傳列表 status 1)",
		"上傳編號 2 (odd.csv) has 上傳列表 status 處理完成, which is not a status the layout knows",
		"send anyway with --resend",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if b.sent() != 0 || !errors.Is(err, ErrOpenImport) || strings.Contains(text, "follows the import") || strings.Contains(text, "odd.csv) is not processed yet") {
		t.Errorf("%v, %d imports\n%s", err, b.sent(), text)
	}
	plan, text, err := b.run(t, quick, resend)
	if err != nil || b.sent() != 1 || !plan.AllOnRecord() ||
		!strings.Contains(text, "--resend: sending despite an import not processed yet: 上傳編號 1 (hand.csv) is not processed yet") {
		t.Errorf("--resend: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
}

// --wait is counted from the first file sent: the wait for an earlier
// import before sending is bounded by the run's deadline, and said. (The
// time spent waiting for it was taken out of --wait, which ran out before
// the file sent was processed.)
func TestWaitIsCountedFromTheFirstFileSent(t *testing.T) {
	b := newBook(t)
	b.deadline = 10 * time.Second
	hand := b.earlier("hand.csv", "1")
	start := time.Now()
	b.step = func(b *book) {
		if time.Since(start) > 800*time.Millisecond {
			hand.status, hand.rows = "2", []map[string]any{}
		}
	}
	// Processed at the second look after it is sent.
	b.arrive = func(b *book, im *bookImport) {
		looks := b.looks
		b.step = func(b *book) {
			if b.looks > looks+1 {
				b.process(im, "")
			}
		}
	}
	w := Wait{First: 100 * time.Millisecond, Max: 100 * time.Millisecond, Limit: 500 * time.Millisecond}
	plan, text, err := b.run(t, w)
	if err != nil || b.sent() != 1 || !plan.AllOnRecord() || !strings.Contains(text, "is not processed yet (上傳列表 status 1): waiting for it, until ") {
		t.Errorf("%v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
}

// covers holds a parcel exactly when a range of it overlaps a range the
// entry records for the same 統編, type, period and 字軌: checked against
// a plain comparison of every pair on random ranges. (The pairwise
// comparison itself took a minute and a half on a 25,000-range file.)
func TestJournalCoversIsEveryOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []ranges.BlankRange {
		var rs []ranges.BlankRange
		for range n {
			start := ranges.Number(rng.IntN(2000))
			r := ranges.BlankRange{Key: ranges.Key{Ban: "83012410", Type: ranges.TypeGeneral, Period: fakePeriod, Track: "ZK"},
				Start: start, End: start + ranges.Number(rng.IntN(30))}
			if rng.IntN(4) == 0 {
				r.Track = "ZL"
			}
			if rng.IntN(8) == 0 {
				r.Ban = "53212539"
			}
			rs = append(rs, r)
		}
		return rs
	}
	overlap := func(a, b ranges.BlankRange) bool {
		return a.Ban == b.Ban && a.Type == b.Type && a.Period == b.Period && a.Track == b.Track && a.Start <= b.End && b.Start <= a.End
	}
	for i := range 500 {
		recorded, sending := random(1+rng.IntN(40)), random(1+rng.IntN(10))
		var e JournalEntry
		for _, r := range recorded {
			e.Ranges = append(e.Ranges, rangeKey(r))
		}
		want := false
		for _, r := range sending {
			for _, k := range recorded {
				want = want || overlap(r, k)
			}
		}
		if got := e.covers("other", sending); got != want {
			t.Fatalf("case %d: covers = %v, want %v\nrecorded %v\nsending %v", i, got, want, recorded, sending)
		}
	}
}

// BenchmarkJournalCovers: a parcel of 25,000 ranges against an entry of
// as many (the review's file), none overlapping.
func BenchmarkJournalCovers(b *testing.B) {
	var e JournalEntry
	var rs []ranges.BlankRange
	for i := range 25000 {
		r := ranges.BlankRange{Key: ranges.Key{Ban: "83012410", Type: ranges.TypeGeneral, Period: fakePeriod, Track: "ZK"}, Start: ranges.Number(4 * i), End: ranges.Number(4*i + 1)}
		e.Ranges = append(e.Ranges, rangeKey(r))
		r.Start, r.End = r.Start+2, r.End+2
		rs = append(rs, r)
	}
	for b.Loop() {
		if e.covers("other", rs) {
			b.Fatal("covered")
		}
	}
}
