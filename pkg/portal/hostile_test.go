package portal

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// The fake portal works: a direct login, and the calls of an upload.
func TestFakePortal(t *testing.T) {
	f := newFake(t)
	cl, logs := f.client()
	plan, err := cl.PlanUpload(context.Background(), fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Execute(context.Background(), plan, Wait{First: time.Millisecond, Limit: 50 * time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	if f.imports != 1 {
		t.Errorf("%d imports", f.imports)
	}
	noSecret(t, *logs...)
}

func fakeRange(start, end ranges.Number) ranges.BlankRange {
	return ranges.BlankRange{Key: ranges.Key{Ban: "83012410", Type: ranges.TypeGeneral, Period: fakePeriod, Track: "ZK"}, Start: start, End: end}
}

// recorder is a host a hostile portal sends the client to.
func recorder(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// A 307 or 308 on doLogin would re-send the password and the captcha
// answer: it is not followed, to another origin or to its own.
func TestLoginRedirectsAreNotFollowed(t *testing.T) {
	evil, hits := recorder(t)
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, to := range []string{evil.URL + "/steal", "/act/login/api/client/doLogin2"} {
			f := newFake(t)
			var posts atomic.Int32
			f.on(f.lay.Login.DoLogin, func(w http.ResponseWriter, r *http.Request) {
				posts.Add(1)
				http.Redirect(w, r, to, code)
			})
			f.on("/act/login/api/client/doLogin2", func(w http.ResponseWriter, r *http.Request) {
				t.Errorf("%d to %s: the login form was sent again", code, to)
			})
			cl, logs := f.client()
			err := cl.Login(context.Background())
			var re *RedirectError
			if !errors.As(err, &re) || posts.Load() != 1 {
				t.Errorf("%d to %s: %d posts, %v; want one post and a *RedirectError", code, to, posts.Load(), err)
			}
			noSecret(t, append(*logs, errText(err))...)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the other origin got %d requests", hits.Load())
	}
}

// Redirects and redirectTo that lead off the portal's origins, or from
// https to http, are refused: no cookie, no token goes there.
func TestNoRequestLeavesThePortal(t *testing.T) {
	evil, hits := recorder(t)
	cases := map[string]func(f *fake){
		"the login proxy": func(f *fake) {
			f.on(f.lay.Login.Proxy, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, evil.URL+"/login", http.StatusFound) })
		},
		"doLogin's redirectTo": func(f *fake) {
			f.on(f.lay.Login.DoLogin, func(w http.ResponseWriter, r *http.Request) {
				writeJSONTo(w, 200, map[string]string{"redirectTo": evil.URL + "/sso"})
			})
		},
		"the redirect after login": func(f *fake) {
			f.on("/sso/done", func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: "sid", Value: fakeToken, Path: "/"})
				http.Redirect(w, r, evil.URL+"/dashboard", http.StatusFound)
			})
		},
		"a data call": func(f *fake) {
			f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, evil.URL+"/periods", http.StatusFound)
			})
		},
	}
	for name, misbehave := range cases {
		f := newFake(t)
		misbehave(f)
		cl, logs := f.client()
		_, err := cl.Periods(context.Background())
		var re *RedirectError
		if !errors.As(err, &re) {
			t.Errorf("%s: %v, want a *RedirectError", name, err)
		}
		noSecret(t, append(*logs, errText(err))...)
	}
	if hits.Load() != 0 {
		t.Errorf("another origin got %d requests", hits.Load())
	}
}

// Over https, a redirect to http on the same host is a downgrade: refused.
func TestNoHTTPDowngrade(t *testing.T) {
	var plain atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+"/plain", http.StatusFound)
	}))
	defer srv.Close()
	// The same port answers plain http too in a real downgrade; here any
	// request over http counts.
	lay := DefaultLayout().WithOrigins(srv.URL, srv.URL, srv.URL)
	cl, err := New(Options{Layout: lay, Mode: ModeDirect, Ban: "83012410", User: "shop", Password: fakePassword,
		Captcha: func(context.Context, []byte) (string, error) { return fakeCaptcha, nil }, Backoff: time.Millisecond,
		Transport: countPlain(srv.Client().Transport, &plain)})
	if err != nil {
		t.Fatal(err)
	}
	err = cl.Login(context.Background())
	var re *RedirectError
	if !errors.As(err, &re) || plain.Load() != 0 {
		t.Errorf("https to http: %v, %d plain requests", err, plain.Load())
	}
	// And an https layout cannot name a plain http origin off loopback.
	bad := DefaultLayout().WithOrigins("https://www.einvoice.nat.gov.tw", "http://service-mc.einvoice.nat.gov.tw", "https://service-m.einvoice.nat.gov.tw")
	cl, _ = New(Options{Layout: bad, Mode: ModeDirect, Ban: "83012410", User: "shop", Password: fakePassword,
		Captcha: func(context.Context, []byte) (string, error) { return fakeCaptcha, nil }, Transport: countPlain(http.DefaultTransport, &plain)})
	if err := cl.Login(context.Background()); !errors.As(err, new(*OriginError)) || plain.Load() != 0 {
		t.Errorf("an http origin: %v", err)
	}
}

type plainCounter struct {
	next http.RoundTripper
	n    *atomic.Int32
}

func (p plainCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "http" {
		p.n.Add(1)
		return nil, errors.New("plain http")
	}
	return p.next.RoundTrip(r)
}

func countPlain(next http.RoundTripper, n *atomic.Int32) http.RoundTripper {
	return plainCounter{next, n}
}

// The Bearer token goes to the API origin only; no request carries a
// cookie of another origin's making to it either.
func TestTokenOnlyToTheAPI(t *testing.T) {
	f := newFake(t)
	cl, _ := f.client()
	if _, err := cl.Periods(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.requests() {
		if strings.Contains(r, fakeToken) && !strings.Contains(r, " api ") && !strings.HasPrefix(r, "GET www /dashboard") {
			t.Errorf("the token went to %s", r)
		}
		if strings.Contains(r, " api ") && !strings.Contains(r, "auth=\"Bearer "+fakeToken) {
			t.Errorf("an API request without the token: %s", r)
		}
	}
}

// A dropped connection is retried; a refused port ends in a *RetryError;
// neither panics.
func TestNetworkErrors(t *testing.T) {
	f := newFake(t)
	var drops atomic.Int32
	drops.Store(2)
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		if drops.Add(-1) >= 0 {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
			return
		}
		f.apiDefault(w, r)
	})
	cl, _ := f.client()
	if _, err := cl.Periods(context.Background()); err != nil {
		t.Errorf("after two dropped connections: %v", err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := "http://" + ln.Addr().String()
	ln.Close()
	f.lay = f.lay.WithOrigins(addr, addr, addr)
	cl, _ = f.client()
	err := cl.Login(context.Background())
	var re *RetryError
	if !errors.Is(err, ErrGaveUp) || !errors.As(err, &re) || re.Attempts != 3 || !strings.Contains(err.Error(), "refused") {
		t.Errorf("a refused port: %v", err)
	}
}

func gzipped(n int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	zw.Write(bytes.Repeat([]byte("0"), n))
	zw.Close()
	return b.Bytes()
}

// Bodies are bounded after decompression: a gzip bomb is an error naming
// the limit, whether it says gzip or x-gzip; an application/gzip body is
// not decompressed at all; a declared length over the limit is refused
// before reading.
func TestBodiesAreBounded(t *testing.T) {
	bomb := gzipped(16 << 20) // 16 MiB of zeros, 16 KiB compressed: 16 times the limit
	for name, answer := range map[string]http.HandlerFunc{
		"Content-Encoding gzip": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb)
		},
		"Content-Encoding x-gzip": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "x-gzip")
			w.Write(bomb)
		},
		"a long body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for range 3 {
				w.Write(bytes.Repeat([]byte(" "), 1<<20))
			}
		},
		"Content-Length": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "99999999")
			w.Write([]byte("[]"))
		},
	} {
		f := newFake(t)
		f.on(f.lay.Blank.Periods, answer)
		cl, _ := f.client(func(o *Options) { o.MaxBody = 1 << 20 })
		_, err := cl.Periods(context.Background())
		var tl *BodyTooLargeError
		if !errors.As(err, &tl) || !strings.Contains(err.Error(), "1048576-byte limit") {
			t.Errorf("%s: %v, want a *BodyTooLargeError naming the limit", name, err)
		}
		if name == "Content-Length" && !strings.Contains(err.Error(), "99999999 bytes") {
			t.Errorf("%s: %v, want the declared size", name, err)
		}
	}
	f := newFake(t)
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Write(bomb)
	})
	cl, _ := f.client(func(o *Options) { o.MaxBody = 1 << 20 })
	_, err := cl.Periods(context.Background())
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `want JSON, got "application/gzip"`) {
		t.Errorf("an application/gzip body: %v", err)
	}
}

// The import is never sent twice: a connection that drops after the
// portal took the file, or a 503 after it, is followed by a look in
// 上傳列表, which finds it.
func TestImportIsNeverSentTwice(t *testing.T) {
	for name, fail := range map[string]func(http.ResponseWriter){
		"a dropped connection": func(w http.ResponseWriter) {
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
		},
		"a 503": func(w http.ResponseWriter) { http.Error(w, "busy", http.StatusServiceUnavailable) },
	} {
		f := newFake(t)
		f.on(f.lay.Blank.Import, func(w http.ResponseWriter, r *http.Request) {
			f.apiDefault(httptest.NewRecorder(), r) // the portal took it
			fail(w)
		})
		cl, logs := f.client()
		plan, err := cl.PlanUpload(context.Background(), fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := cl.Execute(context.Background(), plan, Wait{First: time.Millisecond, Limit: 100 * time.Millisecond}, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if f.imports != 1 || plan.Files[0].Parcels[0].ID != "1" {
			t.Errorf("%s: %d imports, parcel %+v; want the one import found", name, f.imports, plan.Files[0].Parcels[0])
		}
		noSecret(t, *logs...)
	}
}

// One deadline bounds the run: an answer that trickles forever, or never
// comes, ends with the context's deadline, not later.
func TestDeadlineBoundsSlowAnswers(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	for name, h := range map[string]http.HandlerFunc{
		"slow loris": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("["))
			for {
				select {
				case <-release:
					return
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
					w.Write([]byte(" "))
					w.(http.Flusher).Flush()
				}
			}
		},
		"no answer": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
	} {
		f := newFake(t)
		f.on(f.lay.Blank.Periods, h)
		cl, _ := f.client(func(o *Options) { o.Timeout = time.Minute })
		if err := cl.Login(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		_, err := cl.Periods(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: %v after %s; want the deadline's error at once", name, err, time.Since(start))
		}
	}
}

// 429: Retry-After is honoured; one longer than the run has left stops at
// once with a *RateLimitError.
func TestRetryAfter(t *testing.T) {
	f := newFake(t)
	var calls atomic.Int32
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		f.apiDefault(w, r)
	})
	cl, _ := f.client()
	if err := cl.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := cl.Periods(context.Background()); err != nil || calls.Load() != 2 || time.Since(start) < time.Second {
		t.Errorf("Retry-After 1: %v, %d calls after %s; want the second call a second later", err, calls.Load(), time.Since(start))
	}

	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "86400")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start = time.Now()
	_, err := cl.Periods(ctx)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.Wait != 24*time.Hour || time.Since(start) > time.Second {
		t.Errorf("Retry-After a day: %v after %s", err, time.Since(start))
	}
}

// pages answers 查詢 from a table of (totalElements, totalPages, rows) per
// page asked.
func pages(t *testing.T, f *fake, answer func(page int) (int, int, int)) {
	f.on(f.lay.Blank.Query, func(w http.ResponseWriter, r *http.Request) {
		var page int
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		total, pagesN, n := answer(page)
		rows := []map[string]string{}
		for i := range n {
			start := (page*15 + i) * 10
			rows = append(rows, map[string]string{"ban": "83012410", "invType": "07", "yearMonth": "11410", "invTrack": "ZK",
				"invBeginNo": fmt.Sprintf("%08d", start), "invEndNo": fmt.Sprintf("%08d", start+1)})
		}
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": total, "totalPages": pagesN})
	})
}

// Paging follows the totals the portal reports: all of them are read, and
// totals that do not add up, change, or never end are errors.
func TestPagingFollowsTotals(t *testing.T) {
	f := newFake(t)
	pages(t, f, func(p int) (int, int, int) { return 40, 3, min(15, 40-p*15) })
	cl, _ := f.client()
	recs, err := cl.Records(context.Background(), fakePeriod, "83012410")
	if err != nil || len(recs) != 40 {
		t.Fatalf("40 records over 3 pages: %d, %v", len(recs), err)
	}
	for name, c := range map[string]struct {
		answer func(int) (int, int, int)
		want   string
	}{
		"endless":        {func(p int) (int, int, int) { return 15 * 1000000, 1000000, 15 }, "more than 2000 is not believed"},
		"growing":        {func(p int) (int, int, int) { return 30 + p*15, 2 + p, 15 }, "the totals changed while reading"},
		"short page":     {func(p int) (int, int, int) { return 40, 3, 10 }, "10 rows before the last page"},
		"fewer rows":     {func(p int) (int, int, int) { return 40, 3, min(15, 39-p*15) }, "the portal reports 40 rows and gave 39"},
		"wrong pages":    {func(p int) (int, int, int) { return 40, 9, 15 }, "9 pages of 15 do not hold 40 rows"},
		"oversized page": {func(p int) (int, int, int) { return 40, 3, 16 }, "16 rows on a page of 15"},
	} {
		pages(t, f, c.answer)
		_, err := cl.Records(context.Background(), fakePeriod, "83012410")
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// A challenge on a data call, HTML where JSON was expected, and a huge or
// hostile string: clear errors, nothing printed that could rewrite the
// terminal or show a secret.
func TestHostileAnswers(t *testing.T) {
	f := newFake(t)
	cl, _ := f.client()
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, "<html><head><title>Just a moment...</title></head><body>cf-chl</body></html>")
	})
	if _, err := cl.Periods(context.Background()); !errors.Is(err, ErrChallenged) {
		t.Errorf("a challenge on a data call: %v", err)
	}
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>系統維護中 %s \x1b[2J</title></head></html>", r.Header.Get("Authorization"))
	})
	_, err := cl.Periods(context.Background())
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `a page titled "系統維護中 Bearer [redacted] `) || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("HTML where JSON was expected: %v", err)
	}
	noSecret(t, errText(err))

	// A refused import's message: a megabyte with terminal escapes in it.
	huge := "\x1b[31m" + strings.Repeat("錯", 1<<19)
	f.on(f.lay.Blank.Uploads, func(w http.ResponseWriter, r *http.Request) {
		writeJSONTo(w, 200, map[string]any{"content": []any{map[string]any{"seqNo": 1, "fileName": "x.csv", "status": "3", "errorMsg": huge}}, "totalElements": 1, "totalPages": 1})
	})
	list, err := cl.Uploads(context.Background(), fakePeriod)
	if err != nil || len(list) != 1 || list[0].Status != Refused || len([]rune(list[0].Message)) > 201 || strings.Contains(list[0].Message, "\x1b") {
		t.Errorf("a huge hostile message: %v, %d runes", err, len([]rune(list[0].Message)))
	}
}

// A refused import is reported with its reasons as soon as 上傳列表 shows
// it, not when the wait ends.
func TestRefusedImportIsReportedAtOnce(t *testing.T) {
	f := newFake(t)
	f.on(f.lay.Blank.Uploads, func(w http.ResponseWriter, r *http.Request) {
		rows := []any{}
		if f.imports > 0 {
			rows = append(rows, map[string]any{"seqNo": 1, "fileName": f.uploads[0]["fileName"], "status": "3", "errorMsg": "檔案格式錯誤"})
		}
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": len(rows), "totalPages": 1})
	})
	cl, _ := f.client()
	plan, err := cl.PlanUpload(context.Background(), fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	start := time.Now()
	if err := cl.Execute(context.Background(), plan, Wait{First: time.Millisecond, Limit: time.Minute}, func(s string) { log = append(log, s) }); err != nil {
		t.Fatal(err)
	}
	st := plan.Files[0].Ranges[0]
	if st.State != Rejected || !strings.Contains(st.Reason.String(), "檔案格式錯誤") || !strings.Contains(strings.Join(log, "\n"), "was refused: 檔案格式錯誤") || time.Since(start) > 10*time.Second {
		t.Errorf("%v %q after %s; log %q", st.State, st.Reason, time.Since(start), log)
	}
}

// A wrong password stops at once: never a second try.
func TestWrongPasswordStopsAtOnce(t *testing.T) {
	f := newFake(t)
	var tries atomic.Int32
	f.on(f.lay.Login.DoLogin, func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		writeJSONTo(w, 400, map[string]string{"title": "The username or password is incorrect, please try again."})
	})
	cl, _ := f.client()
	err := cl.Login(context.Background())
	if !errors.Is(err, ErrLogin) || tries.Load() != 1 {
		t.Errorf("%d tries: %v", tries.Load(), err)
	}
}

// A request tried once says "1 attempt", not "1 attempts"; more say how
// many.
func TestGaveUpCountsAttempts(t *testing.T) {
	f := newFake(t)
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		writeJSONTo(w, http.StatusInternalServerError, map[string]string{"title": "busy"})
	})
	for _, c := range []struct {
		retries int
		want    string
	}{{-1, "gave up after 1 attempt: "}, {2, "gave up after 3 attempts: "}} {
		cl, _ := f.client(func(o *Options) { o.Retries = c.retries })
		_, err := cl.Periods(context.Background())
		if !errors.Is(err, ErrGaveUp) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d retries: %v; want %q", c.retries, err, c.want)
		}
		if zh := strings.SplitN(errText(err), "\n", 2)[1]; !strings.Contains(zh, "次後放棄") || strings.Contains(zh, "gave up") {
			t.Errorf("%d retries, in Chinese: %s", c.retries, zh)
		}
	}
}
