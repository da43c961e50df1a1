package portal

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// laggingPortal is the fake with the delays of a busy portal: 上傳列表
// shows an import only once visible says so, as processing until done says
// it is processed; then 查詢 shows its ranges on record. looks counts the
// reads of 上傳列表 after the first import arrived.
type laggingPortal struct {
	*fake
	looks   atomic.Int32
	visible func() bool
	done    func() bool
}

func newLaggingPortal(t *testing.T) *laggingPortal {
	p := &laggingPortal{fake: newFake(t), visible: func() bool { return true }, done: func() bool { return true }}
	B := p.lay.Blank
	p.on(B.Uploads, func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		stored := len(p.uploads)
		var name any
		if stored > 0 {
			name = p.uploads[0]["fileName"]
		}
		p.mu.Unlock()
		rows := []any{}
		if stored > 0 {
			p.looks.Add(1)
			if p.visible() {
				status := "1"
				if p.done() {
					status = "2"
				}
				rows = append(rows, map[string]any{"seqNo": 1, "fileName": name, "status": status})
			}
		}
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": len(rows), "totalPages": 1})
	})
	p.on(B.Query, func(w http.ResponseWriter, r *http.Request) {
		rows := []any{}
		p.mu.Lock()
		stored := len(p.uploads)
		p.mu.Unlock()
		if stored > 0 && p.visible() && p.done() {
			rows = append(rows, map[string]any{"ban": "83012410", "invType": "07", "yearMonth": fakePeriod.Code(), "invTrack": "ZK", "invBeginNo": "00000100", "invEndNo": "00000199"})
		}
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": len(rows), "totalPages": 1})
	})
	return p
}

func (p *laggingPortal) plan(t *testing.T, cl *Client) *Plan {
	t.Helper()
	plan, err := cl.PlanUpload(context.Background(), fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// When the wait runs out between two looks, one last look is taken as it
// ends: an import the portal processed by then is confirmed, not "not
// confirmed" (the run used to stop at its last look before the end).
func TestLastLookWhenTheWaitRunsOut(t *testing.T) {
	p := newLaggingPortal(t)
	p.done = func() bool { return p.looks.Load() >= 2 } // processed by the second look
	cl, _ := p.client()
	plan := p.plan(t, cl)
	start := time.Now()
	// The first pause (a second) is longer than the whole wait.
	if err := cl.Execute(context.Background(), plan, Wait{First: time.Second, Max: time.Second, Limit: 200 * time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if st := plan.Files[0].Ranges[0].State; st != Uploaded || p.looks.Load() != 2 || took > 900*time.Millisecond {
		t.Errorf("%v after %d looks in %s; want uploaded, seen at a last look when the 200ms wait ran out", st, p.looks.Load(), took)
	}
}

// storeThen makes the fake's 匯入字軌 store the file, as the portal's
// backend goes on doing after its gateway gave up, and then answer with
// fail.
func (p *laggingPortal) storeThen(fail func(http.ResponseWriter)) {
	p.on(p.lay.Blank.Import, func(w http.ResponseWriter, r *http.Request) {
		p.apiDefault(httptest.NewRecorder(), r)
		fail(w)
	})
}

// After an import that failed without a clear answer, the file is not sent
// again while 上傳列表 is slow to show it: the list is watched until it
// does, and the import it shows is followed. (It was sent again after one
// look at the list and a --retry-wait.)
func TestAmbiguousImportIsWatchedForNotResent(t *testing.T) {
	for name, fail := range map[string]func(http.ResponseWriter){
		"a 500":     func(w http.ResponseWriter) { writeJSONTo(w, 500, map[string]string{"title": "Internal Server Error"}) },
		"a reset":   func(w http.ResponseWriter) { c, _, _ := w.(http.Hijacker).Hijack(); c.Close() },
		"a timeout": func(w http.ResponseWriter) { time.Sleep(time.Second) }, // past the client's Timeout
		// Not a failure: an answer that does not name the import.
		"no 上傳編號": func(w http.ResponseWriter) { writeJSONTo(w, 200, map[string]string{"message": "ok"}) },
	} {
		p := newLaggingPortal(t)
		var sent atomic.Pointer[time.Time]
		p.visible = func() bool { at := sent.Load(); return at != nil && time.Since(*at) > 300*time.Millisecond }
		p.on(p.lay.Blank.Import, func(w http.ResponseWriter, r *http.Request) {
			now := time.Now()
			sent.CompareAndSwap(nil, &now)
			p.apiDefault(httptest.NewRecorder(), r)
			fail(w)
		})
		cl, logs := p.client(func(o *Options) { o.Timeout = 300 * time.Millisecond })
		plan := p.plan(t, cl)
		var said []string
		err := cl.Execute(context.Background(), plan, Wait{First: 20 * time.Millisecond, Max: 50 * time.Millisecond, Limit: 10 * time.Second}, func(s string) { said = append(said, s) })
		pc := plan.Files[0].Parcels[0]
		if err != nil || p.imports != 1 || pc.ID != "1" || !pc.Sent || plan.Files[0].Ranges[0].State != Uploaded {
			t.Errorf("%s: %v; %d imports, parcel %+v, %v; want one import, found in 上傳列表 and followed", name, err, p.imports, pc, plan.Files[0].Ranges[0].State)
		}
		if text := strings.Join(said, "\n"); name != "no 上傳編號" && (!strings.Contains(text, "without sending it again") || !strings.Contains(text, "the portal has it (上傳編號 1)")) {
			t.Errorf("%s: said %q", name, said)
		}
		noSecret(t, append(*logs, said...)...)
	}
}

// When 上傳列表 never shows the file, the run stops when the wait runs
// out, without sending it again, and says that the file may or may not
// have reached the portal and that a rerun is safe.
func TestAmbiguousImportNeverListed(t *testing.T) {
	p := newLaggingPortal(t)
	p.storeThen(func(w http.ResponseWriter) { writeJSONTo(w, 502, map[string]string{"title": "Bad Gateway"}) })
	p.visible = func() bool { return false }
	cl, logs := p.client()
	plan := p.plan(t, cl)
	start := time.Now()
	err := cl.Execute(context.Background(), plan, Wait{First: 20 * time.Millisecond, Max: 50 * time.Millisecond, Limit: 300 * time.Millisecond}, nil)
	var ue *UnsureError
	if !errors.Is(err, ErrMaybeSent) || !errors.As(err, &ue) || p.imports != 1 || time.Since(start) < 300*time.Millisecond || p.looks.Load() < 3 {
		t.Fatalf("%v after %s, %d looks; %d imports; want an *UnsureError once the wait ran out, and one import", err, time.Since(start), p.looks.Load(), p.imports)
	}
	text := errText(err)
	for _, want := range []string{"f.csv: sending 83012410_11410_", "HTTP 502", "may or may not have reached the portal", "not sent again", "its journal keeps it from sending the file again", "可能已送達平台，也可能沒有"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in %q", want, text)
		}
	}
	noSecret(t, append(*logs, text)...)
}

// refuseFirstDial fails the first 匯入字軌 before it leaves, as a refused
// connection does: that request certainly did not reach the portal.
type refuseFirstDial struct {
	path  string
	tries atomic.Int32
}

func (d *refuseFirstDial) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == d.path && d.tries.Add(1) == 1 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// A file that never left (the connection was refused) is sent again after
// the backoff, without waiting for 上傳列表.
func TestImportThatNeverLeftIsSentAgain(t *testing.T) {
	p := newLaggingPortal(t)
	d := &refuseFirstDial{path: p.lay.Blank.Import}
	cl, _ := p.client(func(o *Options) { o.Transport = d })
	plan := p.plan(t, cl)
	if err := cl.Execute(context.Background(), plan, Wait{First: time.Millisecond, Limit: 5 * time.Second}, nil); err != nil {
		t.Fatal(err)
	}
	if d.tries.Load() != 2 || p.imports != 1 || plan.Files[0].Ranges[0].State != Uploaded {
		t.Errorf("%d tries, %d imports, %v; want the import sent again once", d.tries.Load(), p.imports, plan.Files[0].Ranges[0].State)
	}
}

// An import of the same content that the portal refused whole in an
// earlier run put nothing on record: the rerun says so, with its 上傳編號,
// date and the portal's reason, and sends the file again (it used to
// follow the refused import forever). One still processing is followed
// and never sent again; one processed without a row for the range, which
// is not on record, is not sent again either.
func TestEarlierImportRefusedWholeIsSentAgain(t *testing.T) {
	for _, c := range []struct {
		status string
		resend bool
	}{{"3", true}, {"1", false}, {"2", false}} {
		f := newFake(t)
		cl, logs := f.client()
		files := map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}
		first, err := cl.PlanUpload(context.Background(), fakePeriod, files, nil)
		if err != nil {
			t.Fatal(err)
		}
		name := first.Files[0].Parcels[0].Name
		f.mu.Lock()
		f.uploads = append(f.uploads, map[string]any{"seqNo": 7, "fileName": name, "status": c.status, "errorMsg": "檔案處理失敗 system busy", "applyDate": "2025-11-26T01:04:05.000Z"})
		f.mu.Unlock()
		plan, err := cl.PlanUpload(context.Background(), fakePeriod, files, nil)
		if err != nil {
			t.Fatal(err)
		}
		var table strings.Builder
		plan.WriteTable(&table, nil)
		var said []string
		if err := cl.Execute(context.Background(), plan, Wait{First: time.Millisecond, Limit: 50 * time.Millisecond}, func(s string) { said = append(said, s) }); err != nil {
			t.Fatal(err)
		}
		pc := plan.Files[0].Parcels[0]
		text := strings.Join(said, "\n")
		if c.status == "2" {
			// Processed, without a row for the range, which 查詢 does
			// not show: settled, not followed, not sent without Resend.
			if f.imports != 0 || pc.ID != "" || !strings.Contains(table.String(), "not confirmed: an earlier import of this file, 上傳編號 7 of 2025-11-26 09:04, was processed without a row for these ranges") {
				t.Errorf("status 2: %d imports, parcel %s\n%s%s", f.imports, pc.ID, table.String(), text)
			}
			continue
		}
		if !c.resend {
			if f.imports != 0 || pc.ID != "7" || pc.Sent || !strings.Contains(table.String(), "imported earlier: 上傳編號 7, sent earlier") || !strings.Contains(text, "following it, not sending it again") {
				t.Errorf("status %s: %d imports, parcel %s; want 上傳編號 7 followed\n%s%s", c.status, f.imports, pc.ID, table.String(), text)
			}
			continue
		}
		if f.imports != 1 || pc.ID != "2" || !pc.Sent {
			t.Errorf("refused earlier: %d imports, parcel %s; want it sent again, as 上傳編號 2", f.imports, pc.ID)
		}
		for _, want := range []string{
			"f.csv: an earlier import of " + name + ", 上傳編號 7 of 2025-11-26 09:04, was refused whole: 檔案處理失敗 system busy; it put nothing on record: sending it again",
			"f.csv: uploaded 1 range(s) as " + name + " (上傳編號 2)",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("refused earlier: no %q in\n%s", want, text)
			}
		}
		if !strings.Contains(table.String(), "to upload: an earlier import of this file, 上傳編號 7 of 2025-11-26 09:04, was refused whole: 檔案處理失敗 system busy; it put nothing on record") {
			t.Errorf("refused earlier: the plan:\n%s", table.String())
		}
		noSecret(t, append(*logs, said...)...)
	}
}
