package portal

import (
	"context"
	"net/http"
	"sync/atomic"
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
