package portal

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// book is the fake with a 上傳列表 and a 查詢 that keep state between
// runs, as the portal does: each import is listed (under the name sent, or
// under the portal's own name when rename is set), processed as arrive and
// step say, and 查詢 shows what the processed imports put on record. A
// test changes it between runs as the portal's backend or staff would.
type book struct {
	*fake
	bmu     sync.Mutex
	list    []*bookImport
	records map[ranges.BlankRange]bool
	rename  bool
	// arrive is called when an import is stored (default: processed at
	// once, every row put on record); step at each read of 上傳列表 (the
	// backend at work). Both run under bmu.
	arrive func(b *book, im *bookImport)
	step   func(b *book)
	// answer answers 匯入字軌 once the import is stored (default: its
	// 上傳編號 as JSON).
	answer func(w http.ResponseWriter, id int)
	looks  int // reads of 上傳列表
	// deadline, if set, is the run's (--deadline).
	deadline time.Duration
}

type bookImport struct {
	id     int
	name   string // as 上傳列表 shows it
	status string // "1" processing, "2" processed, "3" refused
	hidden bool   // not listed (yet)
	ranges []ranges.BlankRange
	rows   []map[string]any
}

func newBook(t *testing.T) *book {
	b := &book{fake: newFake(t), records: map[ranges.BlankRange]bool{}}
	b.arrive = func(b *book, im *bookImport) { b.process(im, "") }
	B := b.lay.Blank
	authorized := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") != "Bearer "+fakeToken {
			writeJSONTo(w, 401, map[string]string{"title": b.lay.Session.Expired})
			return false
		}
		return true
	}
	b.on(B.Import, func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		id := b.store(r)
		if b.answer != nil {
			b.answer(w, id)
			return
		}
		writeJSONTo(w, 200, map[string]any{"seqNo": id})
	})
	b.on(B.Uploads, func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		b.bmu.Lock()
		b.looks++
		if b.step != nil {
			b.step(b)
		}
		rows := []any{}
		for _, im := range b.list {
			if !im.hidden {
				rows = append(rows, map[string]any{"seqNo": im.id, "fileName": im.name, "status": im.status, "applyDate": "2025-11-26T01:04:05.000Z"})
			}
		}
		b.bmu.Unlock()
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": len(rows), "totalPages": 1})
	})
	b.on(B.UploadRows, func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		b.bmu.Lock()
		defer b.bmu.Unlock()
		for _, im := range b.list {
			if fmt.Sprint(im.id) == r.URL.Query().Get(B.IDParam) {
				writeJSONTo(w, 200, map[string]any{"content": im.rows})
				return
			}
		}
		writeJSONTo(w, 200, map[string]any{"content": []any{}})
	})
	b.on(B.Query, func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		b.bmu.Lock()
		rows := []any{}
		for rg := range b.records {
			rows = append(rows, map[string]any{"ban": string(rg.Ban), "invType": "07", "yearMonth": rg.Period.Code(), "invTrack": string(rg.Track), "invBeginNo": rg.Start.String(), "invEndNo": rg.End.String()})
		}
		b.bmu.Unlock()
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": len(rows), "totalPages": 1})
	})
	return b
}

// store keeps an import as the portal's backend does, and returns its
// 上傳編號.
func (b *book) store(r *http.Request) int {
	r.ParseMultipartForm(1 << 20)
	file, h, err := r.FormFile("file")
	if err != nil {
		b.t.Errorf("an import without a file: %v", err)
		return 0
	}
	rows, findings := importfile.ReadBulk(file, h.Filename)
	if len(findings) > 0 {
		b.t.Errorf("the import %s: %v", h.Filename, findings)
	}
	b.mu.Lock()
	b.imports++
	b.mu.Unlock()
	b.bmu.Lock()
	defer b.bmu.Unlock()
	im := &bookImport{id: len(b.list) + 1, name: h.Filename, status: "1"}
	if b.rename {
		im.name = fmt.Sprintf("BLANK_%05d.csv", im.id)
	}
	for _, row := range rows {
		im.ranges = append(im.ranges, row.Range())
	}
	b.list = append(b.list, im)
	b.arrive(b, im)
	return im.id
}

// process ends an import: every row put on record, or, with a reason,
// every row rejected.
func (b *book) process(im *bookImport, reject string) {
	im.status, im.rows = "2", nil
	for i, r := range im.ranges {
		row := map[string]any{"seqNo": i + 1, "ban": string(r.Ban), "invType": "07", "invTrack": string(r.Track), "invBeginNo": r.Start.String(), "invEndNo": r.End.String(), "result": "Y"}
		if reject != "" {
			row["result"], row["errorMsg"] = "N", reject
		} else {
			b.records[r] = true
		}
		im.rows = append(im.rows, row)
	}
}

// earlier lists an import an earlier run sent of these ranges, as the
// plan of a run packs them, with the portal's name for it.
func (b *book) earlier(name, status string, rs ...ranges.BlankRange) *bookImport {
	b.bmu.Lock()
	defer b.bmu.Unlock()
	im := &bookImport{id: len(b.list) + 1, name: name, status: status, ranges: rs}
	b.list = append(b.list, im)
	return im
}

func (b *book) run(t *testing.T, w Wait, mod ...func(*Options)) (*Plan, string, error) {
	t.Helper()
	return b.runOf(t, w, []ranges.BlankRange{fakeRange(100, 199), fakeRange(300, 399)}, mod...)
}

// runOf is a run of one file, f.csv, holding rs.
func (b *book) runOf(t *testing.T, w Wait, rs []ranges.BlankRange, mod ...func(*Options)) (*Plan, string, error) {
	t.Helper()
	cl, logs := b.client(mod...)
	ctx := context.Background()
	if b.deadline != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.deadline)
		defer cancel()
	}
	plan, err := cl.PlanUpload(ctx, fakePeriod, map[string][]ranges.BlankRange{"f.csv": rs}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	err = cl.Execute(ctx, plan, w, func(s string) { said = append(said, s) })
	noSecret(t, append(append(*logs, said...), errText(err))...)
	return plan, strings.Join(said, "\n") + "\n" + errText(err), err
}

var quick = Wait{First: 20 * time.Millisecond, Max: 50 * time.Millisecond, Limit: 400 * time.Millisecond}

func (b *book) sent() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.imports
}

// An import of the 統編 and period that 上傳列表 shows as not processed yet
// (partly on record, under any name) may hold the ranges a run would send:
// the run sends nothing while it processes, then plans again from what it
// left on record. (A rerun used to send the rest under a new name while
// the first import, holding the same ranges, was still processing.)
func TestRerunWaitsForAnImportStillProcessing(t *testing.T) {
	for _, ends := range []bool{true, false} {
		b := newBook(t)
		im := b.earlier("83012410_11410_0badc0de.csv", "1", fakeRange(100, 199), fakeRange(300, 399))
		b.records[fakeRange(100, 199)] = true // the first row is on record already
		b.step = func(b *book) {
			if ends && b.looks >= 4 {
				b.process(im, "")
			}
		}
		plan, text, err := b.run(t, quick)
		if b.sent() != 0 {
			t.Errorf("ends %v: %d imports while 上傳編號 1 was processing; want none\n%s", ends, b.sent(), text)
		}
		if !strings.Contains(text, "before sending anything: 上傳編號 1 (83012410_11410_0badc0de.csv) is not processed yet (上傳列表 status 1): waiting for it, until ") {
			t.Errorf("ends %v: said\n%s", ends, text)
		}
		if ends {
			if err != nil || !plan.AllOnRecord() || !strings.Contains(text, "planned again after the wait: 2 already on record") {
				t.Errorf("ends: %v, %s; want both on record once 上傳編號 1 was processed\n%s", err, plan.Describe(), text)
			}
			continue
		}
		if !errors.Is(err, ErrOpenImport) || !strings.Contains(text, "上傳編號 1 (83012410_11410_0badc0de.csv) is not processed yet") ||
			!strings.Contains(text, "nothing was sent") || !strings.Contains(text, "run the same upload again once it is processed; if it stays as it is, look at it in 上傳列表 on the portal, and only if it cannot hold these ranges, send anyway with --resend") ||
			strings.Contains(text, "follows the import") {
			t.Errorf("still processing: %v\n%s", err, text)
		}
	}
}

// An import sent without a clear answer that 上傳列表 does not show (yet)
// is in the journal: a rerun does not send it again, says when it was sent
// and how to send it anyway; --resend sends it. (A rerun used to send it
// again as soon as 上傳列表 did not list it.)
func TestJournalKeepsARerunFromSendingAgain(t *testing.T) {
	b := newBook(t)
	b.arrive = func(b *book, im *bookImport) { im.hidden = true } // stored, never listed
	b.answer = func(w http.ResponseWriter, id int) {
		writeJSONTo(w, 504, map[string]string{"title": "Gateway Time-out"})
	}
	_, text, err := b.run(t, quick)
	if !errors.Is(err, ErrMaybeSent) || b.sent() != 1 || !strings.Contains(text, "its journal keeps it from sending the file again meanwhile") {
		t.Fatalf("run 1: %v, %d imports\n%s", err, b.sent(), text)
	}
	_, text, err = b.run(t, quick)
	if b.sent() != 1 || !errors.Is(err, ErrOpenImport) {
		t.Fatalf("run 2: %v, %d imports; want none sent\n%s", err, b.sent(), text)
	}
	for _, want := range []string{"an earlier run sent 83012410_11410_", " without a clear answer, and 上傳列表 does not show it",
		"nothing was sent", "only if the import is not there, send it anyway with --resend", "未傳送任何檔案"} {
		if !strings.Contains(text, want) {
			t.Errorf("run 2: no %q in\n%s", want, text)
		}
	}
	// The journal is one small file of the 統編 and period, without secrets.
	entries, _ := filepath.Glob(filepath.Join(b.journal, "*"))
	if len(entries) != 1 || filepath.Base(entries[0]) != "upload-83012410-11410.journal.json" {
		t.Fatalf("journal folder: %v", entries)
	}
	data, _ := os.ReadFile(entries[0])
	noSecret(t, string(data))
	if !strings.Contains(string(data), `"unsure": true`) {
		t.Errorf("journal:\n%s", data)
	}
	b.arrive = func(b *book, im *bookImport) { b.process(im, "") }
	b.answer = nil
	plan, text, err := b.run(t, quick, resend)
	if err != nil || b.sent() != 2 || !plan.AllOnRecord() {
		t.Errorf("--resend: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
}

// A portal that lists imports under its own name: the run that sent one
// says loudly that a rerun cannot recognise it by name, and the rerun,
// which does not, still does not send it again (the journal holds it, by
// its 上傳編號).
func TestRenamedImportIsSaidAndNotSentAgain(t *testing.T) {
	b := newBook(t)
	b.rename = true
	b.arrive = func(b *book, im *bookImport) {} // processing until the test ends it
	plan, text, err := b.run(t, quick)
	if err != nil || b.sent() != 1 || plan.Summary()[Unconfirmed] != 2 {
		t.Fatalf("run 1: %v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
	if !strings.Contains(text, `WARNING: 上傳列表 lists 上傳編號 1 as "BLANK_00001.csv", not as 83012410_11410_`) ||
		!strings.Contains(text, "a rerun cannot recognise this import by its name") || strings.Contains(text, "sends no file twice") {
		t.Errorf("run 1 said\n%s", text)
	}
	// Processed, and then gone from 上傳列表 (a portal that lists a few
	// days): only the journal knows.
	b.bmu.Lock()
	b.list[0].hidden = true
	b.bmu.Unlock()
	_, text, err = b.run(t, quick)
	if b.sent() != 1 || !errors.Is(err, ErrOpenImport) || !strings.Contains(text, "(上傳編號 1), and 上傳列表 does not show it") {
		t.Errorf("rerun: %v, %d imports\n%s", err, b.sent(), text)
	}
}

// An earlier import whose every row the portal rejected put nothing on
// record: it is said like an import refused whole, and the file is sent
// again. (It used to be followed by every later run, which sent nothing.)
// One whose rows all said Y and whose ranges are gone from 查詢 (deleted
// on the portal, or 查詢 lagging behind 上傳列表) is finished too: said at
// once, without waiting out the wait, and sent again only with Resend,
// since sending it on 查詢's word alone could put it on record twice.
func TestEarlierImportSettledWithoutRecordIsSentAgain(t *testing.T) {
	for _, reject := range []string{"系統忙碌中，請稍後再試", ""} {
		b := newBook(t)
		_, _, err := b.run(t, quick)
		if err != nil || b.sent() != 1 {
			t.Fatalf("run 1: %v", err)
		}
		b.bmu.Lock()
		name := b.list[0].name
		if reject != "" {
			b.records = map[ranges.BlankRange]bool{}
			b.process(b.list[0], reject)
			b.records = map[ranges.BlankRange]bool{}
		} else {
			b.records = map[ranges.BlankRange]bool{} // 刪除 on the portal
		}
		b.bmu.Unlock()
		wait := Wait{First: 20 * time.Millisecond, Max: 50 * time.Millisecond, Limit: 5 * time.Second}
		var resend []func(*Options)
		if reject == "" {
			start := time.Now()
			plan, text, err := b.run(t, wait)
			held := "f.csv: the ranges of " + name + " were on record after 上傳編號 1 of 2025-11-26 09:04 and 查詢 no longer shows them: not sending it again without --resend"
			if err != nil || b.sent() != 1 || plan.Summary()[Vanished] != 2 || time.Since(start) > 3*time.Second || !strings.Contains(text, held) {
				t.Errorf("gone, without Resend: %v, %d imports, %s in %s; want it said at once and not sent\n%s", err, b.sent(), plan.Describe(), time.Since(start), text)
			}
			resend = append(resend, func(o *Options) { o.Resend = true })
		}
		start := time.Now()
		plan, text, err := b.run(t, wait, resend...)
		if err != nil || b.sent() != 2 || !plan.AllOnRecord() || time.Since(start) > 3*time.Second {
			t.Errorf("%q: %v, %d imports, %s in %s; want it sent again at once\n%s", reject, err, b.sent(), plan.Describe(), time.Since(start), text)
		}
		want := "f.csv: an earlier import of " + name + ", 上傳編號 1 of 2025-11-26 09:04, was processed with every row rejected: ZK00000100-00000199: 系統忙碌中，請稍後再試; ZK00000300-00000399: 系統忙碌中，請稍後再試; it put nothing on record: sending it again"
		if reject == "" {
			want = "f.csv: the ranges of " + name + " were on record after 上傳編號 1 of 2025-11-26 09:04 and are gone (deleted on the portal?): sending it again"
		}
		if !strings.Contains(text, want) || !strings.Contains(text, "uploaded 2 range(s) as "+name+" (上傳編號 2)") {
			t.Errorf("%q: no %q in\n%s", reject, want, text)
		}
	}
}

// expireFirstImport answers the first 匯入字軌 401 (the session expired),
// having stored the import when stored is set, and takes the later ones.
func (b *book) expireFirstImport(stored bool) {
	first := true
	b.on(b.lay.Blank.Import, func(w http.ResponseWriter, r *http.Request) {
		b.bmu.Lock()
		again := !first
		first = false
		b.bmu.Unlock()
		if stored || again {
			b.store(r)
		}
		if !again {
			writeJSONTo(w, 401, map[string]string{"title": b.lay.Session.Expired})
			return
		}
		writeJSONTo(w, 200, map[string]any{"seqNo": len(b.list)})
	})
}

// A 401 to 匯入字軌 (the session expired, perhaps after the portal took the
// file): after the new login 上傳列表 is read first, and the file is sent
// again only when it is not there. (It was sent again at once.)
func TestImportAnswered401IsLookedForBeforeSendingAgain(t *testing.T) {
	for _, stored := range []bool{true, false} {
		b := newBook(t)
		b.expireFirstImport(stored)
		plan, text, err := b.run(t, quick)
		if err != nil || !plan.AllOnRecord() || !strings.Contains(text, "logging in again, and looking for it in 上傳列表 before sending it again") {
			t.Errorf("stored %v: %v, %s\n%s", stored, err, plan.Describe(), text)
		}
		if b.sent() != 1 || (stored && !strings.Contains(text, "the portal has it (上傳編號 1)")) {
			t.Errorf("stored %v: %d imports stored; want 1\n%s", stored, b.sent(), text)
		}
	}
}

// A success answer to 匯入字軌 that is not JSON (an HTML page) most likely
// means the file was taken: it is an unclear answer, watched for in
// 上傳列表, not a plain format error that invites a person to import it by
// hand.
func TestImportAnsweredHTMLIsUnclear(t *testing.T) {
	b := newBook(t)
	b.answer = func(w http.ResponseWriter, id int) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><title>財政部電子發票整合服務平台</title></html>")
	}
	plan, text, err := b.run(t, quick)
	if err != nil || b.sent() != 1 || !plan.AllOnRecord() {
		t.Fatalf("%v, %d imports, %s\n%s", err, b.sent(), plan.Describe(), text)
	}
	for _, want := range []string{"failed without a clear answer (匯入字軌 of 83012410_11410_", "HTTP 200, an answer that cannot be read", "the portal has it (上傳編號 1)"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}

// A 401 to 匯入字軌 from a portal that lists imports under its own name:
// after the new login the name sent is not in 上傳列表, but an import that
// was not there before the sending (or one still processing) may be the
// file, so it is not sent again: the 401 is an unclear answer, watched
// for as a 5xx is, and the journal keeps a rerun from sending it. Only a
// 上傳列表 with nothing new lets it go again. (It was sent again.)
func TestImportAnswered401ToARenamingPortalIsNotSentAgain(t *testing.T) {
	for _, c := range []struct {
		name       string
		stored     bool
		processing bool
	}{
		{"stored and processed", true, false},
		{"stored, processing", true, true},
		{"not stored", false, false},
	} {
		b := newBook(t)
		b.rename = true
		if c.processing {
			b.arrive = func(*book, *bookImport) {}
		}
		b.expireFirstImport(c.stored)
		_, text, err := b.run(t, quick)
		if b.sent() != 1 {
			t.Errorf("%s: %d imports stored; want 1\n%s", c.name, b.sent(), text)
		}
		if !c.stored {
			if err != nil {
				t.Errorf("%s: %v\n%s", c.name, err, text)
			}
			continue
		}
		if !errors.Is(err, ErrMaybeSent) || !strings.Contains(text, "上傳列表 shows 上傳編號 1, which was not there before it was sent") {
			t.Errorf("%s: %v\n%s", c.name, err, text)
		}
		// A rerun does not send it either.
		if _, text, _ := b.run(t, quick); b.sent() != 1 {
			t.Errorf("%s: the rerun sent it again\n%s", c.name, text)
		}
	}
}
