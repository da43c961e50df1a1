package portal

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// What an interrupt would leave is told as the run goes: once the portal
// acknowledged an import, its 上傳編號, being processed, that a rerun
// follows; a rerun that only follows an earlier import never says a file
// may be on its way. A range not confirmed names its 上傳編號 and its
// 上傳列表 status. (Both used to say "a file being sent may have reached
// the portal", and "not confirmed" said nothing more.)
func TestStandingSaysWhatTheRunLeaves(t *testing.T) {
	b := newBook(t)
	b.arrive = func(b *book, im *bookImport) {} // processing until the wait ends
	var mu sync.Mutex
	var standing []string
	run := func() (*Plan, []string) {
		mu.Lock()
		standing = nil
		mu.Unlock()
		cl, _ := b.client(func(o *Options) {
			o.Standing = func(m msg.Message) { mu.Lock(); standing = append(standing, m.String()); mu.Unlock() }
		})
		plan, err := cl.PlanUpload(context.Background(), fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := cl.Execute(context.Background(), plan, quick, nil); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		return plan, append([]string(nil), standing...)
	}
	plan, said := run()
	if len(said) < 3 || said[0] != "nothing sent to the portal" || !strings.Contains(said[1], "was being sent and may have reached the portal") ||
		said[len(said)-1] != "上傳編號 1, sent by this run, is on the portal being processed: run the same upload again to follow it" {
		t.Errorf("run 1 told %q", said)
	}
	var table strings.Builder
	plan.WriteTable(&table, nil)
	if !strings.Contains(table.String(), "not confirmed: 上傳編號 1, 上傳列表 status 1 when the wait ran out: run the same upload again later to follow it") {
		t.Errorf("run 1's table:\n%s", table.String())
	}
	_, said = run()
	if b.sent() != 1 || len(said) == 0 || said[len(said)-1] != "nothing sent by this run; 上傳編號 1, sent earlier, is on the portal: run the same upload again to follow it" ||
		strings.Contains(strings.Join(said, "\n"), "may have reached") {
		t.Errorf("the rerun, %d imports, told %q", b.sent(), said)
	}
}

// A login that fails is said as such, not as a failure to read the
// 字軌期別 (the login is made when the first request needs it).
func TestLoginFailureIsNotAPeriodsFailure(t *testing.T) {
	f := newFake(t)
	f.on(f.lay.Login.Proxy, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://evil.invalid/login", http.StatusFound)
	})
	cl, _ := f.client()
	_, err := cl.PlanUpload(context.Background(), fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
	if !errors.As(err, new(*RedirectError)) || strings.Contains(errText(err), "字軌期別") {
		t.Errorf("%v", errText(err))
	}
}

// A request that is never retried (匯入字軌) does not say it gave up
// after 1 attempt, and no error names an address twice.
func TestOnceCallNamesItsAddressOnce(t *testing.T) {
	b := newBook(t)
	b.arrive = func(b *book, im *bookImport) { im.hidden = true }
	b.answer = func(w http.ResponseWriter, id int) {
		writeJSONTo(w, 504, map[string]string{"title": "Gateway Time-out"})
	}
	_, text, _ := b.run(t, Wait{First: 10 * time.Millisecond, Limit: 50 * time.Millisecond})
	if strings.Contains(text, "gave up") || strings.Count(strings.SplitN(text, "\n", 2)[0], "/blankTrack/import") != 1 {
		t.Errorf("%s", text)
	}
	f := newFake(t)
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) { writeJSONTo(w, 500, map[string]string{"title": "busy"}) })
	cl, _ := f.client()
	_, err := cl.Periods(context.Background())
	for _, line := range strings.Split(errText(err), "\n") {
		if strings.Count(line, f.lay.Blank.Periods) != 1 || !strings.Contains(line, "HTTP 500") {
			t.Errorf("%s", line)
		}
	}
}

// connCounter counts the connections a server accepts.
func connCounter(srv *httptest.Server) *atomic.Int32 {
	var n atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	return &n
}

// Failures that asking again cannot mend are not retried: a certificate
// that does not verify, a Content-Encoding the client does not read, and
// a proxy that refuses to carry the request, which is named (its host,
// never the password in its address). They were tried 5 times with
// pauses; the proxy's refusal said only "Forbidden".
func TestPermanentFailuresAreNotRetried(t *testing.T) {
	newClient := func(lay *Layout) *Client {
		cl, err := New(Options{Layout: lay, Mode: ModeDirect, Ban: "83012410", User: "shop", Password: fakePassword,
			Captcha: func(context.Context, []byte) (string, error) { return fakeCaptcha, nil }, Retries: 4, Backoff: time.Millisecond, Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	conns := connCounter(tlsSrv)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	err := newClient(DefaultLayout().WithOrigins(tlsSrv.URL, tlsSrv.URL, tlsSrv.URL)).Login(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate") || conns.Load() != 1 || strings.Contains(err.Error(), "gave up") {
		t.Errorf("a certificate that does not verify: %v after %d connections", err, conns.Load())
	}

	f := newFake(t)
	var reqs atomic.Int32
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		w.Header().Set("Content-Encoding", "br")
		writeJSONTo(w, 200, []any{})
	})
	cl, _ := f.client(func(o *Options) { o.Retries = 4 })
	_, err = cl.Periods(context.Background())
	if err == nil || !strings.Contains(err.Error(), `Content-Encoding "br"`) || strings.Count(err.Error(), f.lay.Blank.Periods) != 1 || reqs.Load() != 1 {
		t.Errorf("Content-Encoding br: %v after %d requests", err, reqs.Load())
	}

	var connects atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		connects.Add(1)
		http.Error(w, "Forbidden", http.StatusForbidden)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	pu.User = url.UserPassword("proxyuser", "proxy-pw-9X")
	was := proxyFromEnvironment
	proxyFromEnvironment = http.ProxyURL(pu)
	defer func() { proxyFromEnvironment = was }()
	portal := "https://portal.example.invalid"
	err = newClient(DefaultLayout().WithOrigins(portal, portal, portal)).Login(context.Background())
	var pe *ProxyError
	if !errors.As(err, &pe) || connects.Load() != 1 || !strings.Contains(errText(err), "through the proxy "+pu.Host+" (HTTPS_PROXY or HTTP_PROXY): Forbidden") ||
		strings.Contains(errText(err), "proxy-pw-9X") || strings.Contains(errText(err), "proxyuser") {
		t.Errorf("a proxy refusing CONNECT: %v after %d CONNECTs", errText(err), connects.Load())
	}
}
