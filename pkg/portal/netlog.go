package portal

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// exchange is one request the page made and its answer, as the browser's
// DevTools network log shows it.
type exchange struct {
	n          int // its place in the log
	id         network.RequestID
	method     string
	url        string
	reqHeaders map[string]string
	postData   []byte
	status     int
	mime       string
	respHeader map[string]string
	body       []byte
	bodyNote   string // why there is no body
	done       bool   // finished loading, or failed
	failed     string
	started    time.Time
}

// netlog records the page's requests to addresses keep accepts, with their
// bodies, through the DevTools network events: the login watches doLogin
// and the captcha this way, and capture records everything.
type netlog struct {
	keep    func(url string) bool
	maxBody int64

	mu      sync.Mutex
	byID    map[network.RequestID]*exchange
	all     []*exchange
	changed chan struct{} // closed at every change
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

func startNetlog(t *chromedp.Target, keep func(string) bool, maxBody int64) (*netlog, error) {
	// The subscriptions live as long as the browser: their context is
	// the netlog's own, ended by close.
	ctx, cancel := context.WithCancel(context.Background())
	l := &netlog{keep: keep, maxBody: maxBody, byID: map[network.RequestID]*exchange{}, changed: make(chan struct{}), stop: cancel}
	sent := cdp.Events(ctx, t, network.RequestWillBeSent)
	got := cdp.Events(ctx, t, network.ResponseReceived)
	fin := cdp.Events(ctx, t, network.LoadingFinished)
	failed := cdp.Events(ctx, t, network.LoadingFailed)
	buf := int64(64 << 20)
	post := int64(1 << 20)
	if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{MaxTotalBufferSize: &buf, MaxResourceBufferSize: &maxBody, MaxPostDataSize: &post}); err != nil {
		cancel()
		return nil, err
	}
	bodies := make(chan *exchange, 1024)
	l.wg.Add(5)
	go func() {
		defer l.wg.Done()
		for ev, err := range sent {
			if err != nil {
				return
			}
			if ev.Request == nil {
				continue
			}
			l.update(func() {
				if old := l.byID[ev.RequestID]; old != nil && ev.RedirectResponse != nil {
					// A redirect reuses the id: the old request ends here.
					old.status, old.done = int(ev.RedirectResponse.Status), true
					old.respHeader = map[string]string{"location": headerString(ev.RedirectResponse.Headers, "location")}
					delete(l.byID, ev.RequestID)
				}
				if ev.Request.Method == "OPTIONS" || !keep(ev.Request.URL) {
					return
				}
				ex := &exchange{n: len(l.all), id: ev.RequestID, method: ev.Request.Method, url: ev.Request.URL, reqHeaders: map[string]string{}, started: time.Now()}
				for k, v := range ev.Request.Headers {
					if s, ok := v.(string); ok {
						ex.reqHeaders[k] = s
					}
				}
				for _, e := range ev.Request.PostDataEntries {
					ex.postData = append(ex.postData, e.Bytes...)
				}
				l.byID[ev.RequestID] = ex
				l.all = append(l.all, ex)
			})
		}
	}()
	go func() {
		defer l.wg.Done()
		for ev, err := range got {
			if err != nil {
				return
			}
			l.update(func() {
				if ex := l.byID[ev.RequestID]; ex != nil && ev.Response != nil {
					ex.status, ex.mime = int(ev.Response.Status), ev.Response.MimeType
					ex.respHeader = map[string]string{}
					for k, v := range ev.Response.Headers {
						if s, ok := v.(string); ok {
							ex.respHeader[k] = s
						}
					}
				}
			})
		}
	}()
	go func() {
		defer l.wg.Done()
		for ev, err := range fin {
			if err != nil {
				return
			}
			var ex *exchange
			l.mu.Lock()
			ex = l.byID[ev.RequestID]
			l.mu.Unlock()
			if ex == nil {
				continue
			}
			if int64(ev.EncodedDataLength) > maxBody*2 {
				l.update(func() { ex.bodyNote, ex.done = "over the size limit: not recorded", true })
				continue
			}
			select {
			case bodies <- ex:
			default:
				l.update(func() { ex.bodyNote, ex.done = "too many at once: not recorded", true })
			}
		}
	}()
	go func() {
		defer l.wg.Done()
		for ev, err := range failed {
			if err != nil {
				return
			}
			l.update(func() {
				if ex := l.byID[ev.RequestID]; ex != nil {
					ex.failed, ex.done = ev.ErrorText, true
				}
			})
		}
	}()
	go func() {
		defer l.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case ex := <-bodies:
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				res, err := cdp.Call(cctx, t, network.GetResponseBody, network.GetResponseBodyParams{RequestID: ex.id})
				cancel()
				l.update(func() {
					switch {
					case err != nil:
						ex.bodyNote = "the browser kept no body"
					case int64(len(res.Body)) > maxBody:
						ex.bodyNote = "over the size limit: not recorded"
					default:
						ex.body = res.Body
					}
					ex.done = true
				})
			}
		}
	}()
	return l, nil
}

func (l *netlog) update(f func()) {
	l.mu.Lock()
	f()
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

func (l *netlog) close() {
	l.stop()
	l.wg.Wait()
}

// mark is the place of the next exchange.
func (l *netlog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.all)
}

// snapshot copies the finished exchanges from a mark on.
func (l *netlog) snapshot(from int) []exchange {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []exchange
	for _, ex := range l.all[min(from, len(l.all)):] {
		if ex.done {
			out = append(out, *ex)
		}
	}
	return out
}

// wait returns the first finished exchange from a mark on that match
// accepts, waiting until ctx ends.
func (l *netlog) wait(ctx context.Context, from int, match func(*exchange) bool) (exchange, error) {
	for {
		l.mu.Lock()
		for _, ex := range l.all[min(from, len(l.all)):] {
			if ex.done && match(ex) {
				e := *ex
				l.mu.Unlock()
				return e, nil
			}
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return exchange{}, context.Cause(ctx)
		case <-ch:
		}
	}
}

func headerString(h network.Headers, name string) string {
	for k, v := range h {
		if s, ok := v.(string); ok && strings.EqualFold(k, name) {
			return s
		}
	}
	return ""
}
