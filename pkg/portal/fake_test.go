package portal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// fake is a portal of our own for the safety tests: three origins that
// behave just enough like the portal for a direct login and the blank-number
// calls, and that a test makes misbehave by replacing the handler of a path.
type fake struct {
	t               *testing.T
	www, login, api *httptest.Server
	lay             *Layout
	mu              sync.Mutex
	override        map[string]http.HandlerFunc // path -> handler
	seen            []string                    // every request, as "METHOD origin path auth=... cookie=..."
	imports         int
	uploads         []map[string]any
	journal         string // the clients' journal of imports sent: one per fake, as one per machine
}

const (
	fakePassword = "fake-pw-7Qz"
	// Six digits: no port of a test server (five at most) can show it, as
	// 40417 once did in a URL and failed the test that greps for secrets.
	fakeCaptcha = "740417"
	fakeToken   = "CUeyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl"
	fakeCookie  = "clearance-cookie-val"
)

var fakePeriod = ranges.Period{Year: 114, EndMonth: 10}

func newFake(t *testing.T) *fake {
	f := &fake{t: t, override: map[string]http.HandlerFunc{}, journal: t.TempDir()}
	f.www = httptest.NewServer(f.handler("www", f.wwwDefault))
	f.login = httptest.NewServer(f.handler("login", f.loginDefault))
	f.api = httptest.NewServer(f.handler("api", f.apiDefault))
	t.Cleanup(func() { f.www.Close(); f.login.Close(); f.api.Close() })
	f.lay = layout.Default().WithOrigins(f.www.URL, f.login.URL, f.api.URL)
	return f
}

// on replaces the handler of a path, on whichever origin serves it.
func (f *fake) on(path string, h http.HandlerFunc) {
	f.mu.Lock()
	f.override[path] = h
	f.mu.Unlock()
}

func (f *fake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

func (f *fake) handler(origin string, def http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, fmt.Sprintf("%s %s %s auth=%q cookie=%q", r.Method, origin, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Cookie")))
		h := f.override[r.URL.Path]
		f.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		def(w, r)
	})
}

func writeJSONTo(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fake) wwwDefault(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "cf_clearance", Value: fakeCookie, Path: "/"})
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, "<html><title>財政部電子發票整合服務平台</title></html>")
}

func (f *fake) loginDefault(w http.ResponseWriter, r *http.Request) {
	L := f.lay.Login
	switch r.URL.Path {
	case L.Proxy:
		http.Redirect(w, r, f.www.URL+L.Page+"?login_challenge=chal-123456", http.StatusFound)
	case L.Captcha:
		writeJSONTo(w, 200, map[string]string{"token": "L_CAPTCHA_abcdef", "image": base64.StdEncoding.EncodeToString([]byte("\x89PNG fake image"))})
	case L.DoLogin:
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		switch {
		case body["captcha"] != fakeCaptcha:
			writeJSONTo(w, 400, map[string]string{"title": f.lay.Session.CaptchaRefused})
		case body["password"] != fakePassword:
			writeJSONTo(w, 400, map[string]string{"title": "The username or password is incorrect, please try again."})
		default:
			writeJSONTo(w, 200, map[string]string{"redirectTo": f.login.URL + "/sso/done?login_verifier=v-999999"})
		}
	case "/sso/done":
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: fakeToken, Path: "/"})
		http.Redirect(w, r, f.www.URL+"/dashboard/btb/btb411w/online?code=code-777777", http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

func (f *fake) apiDefault(w http.ResponseWriter, r *http.Request) {
	B := f.lay.Blank
	if r.Header.Get("Authorization") != "Bearer "+fakeToken {
		writeJSONTo(w, 401, map[string]string{"title": f.lay.Session.Expired})
		return
	}
	switch r.URL.Path {
	case f.lay.Company.Authorized:
		writeJSONTo(w, 200, []map[string]any{{"ban": "83012410", "companyName": "店", "closed": false}})
	case B.Periods:
		writeJSONTo(w, 200, []map[string]string{{"yearMonth": fakePeriod.Code()}})
	case B.Query:
		writeJSONTo(w, 200, map[string]any{"content": []any{}, "totalElements": 0, "totalPages": 0})
	case B.Import:
		r.ParseMultipartForm(1 << 20)
		_, h, _ := r.FormFile("file")
		f.mu.Lock()
		f.imports++
		id := len(f.uploads) + 1
		f.uploads = append(f.uploads, map[string]any{"seqNo": id, "fileName": h.Filename, "status": "2", "successCount": 1, "failCount": 0})
		f.mu.Unlock()
		writeJSONTo(w, 200, map[string]any{"seqNo": id})
	case B.Uploads:
		f.mu.Lock()
		rows := append([]map[string]any{}, f.uploads...)
		f.mu.Unlock()
		writeJSONTo(w, 200, map[string]any{"content": rows, "totalElements": len(rows), "totalPages": (len(rows) + 14) / 15})
	case B.UploadRows:
		writeJSONTo(w, 200, map[string]any{"content": []any{}})
	default:
		http.NotFound(w, r)
	}
}

// client is a direct client of the fake portal; logs collects what it
// says.
func (f *fake) client(mod ...func(*Options)) (*Client, *[]string) {
	f.t.Helper()
	var logs []string
	var mu sync.Mutex
	o := Options{Layout: f.lay, Mode: ModeDirect, Ban: "83012410", User: "shop", Password: fakePassword,
		Captcha: func(context.Context, []byte) (string, error) { return fakeCaptcha, nil },
		Timeout: 2 * time.Second, Retries: 2, Backoff: time.Millisecond,
		Log: func(s string) { mu.Lock(); logs = append(logs, s); mu.Unlock() }}
	useJournal(&o, f.journal)
	for _, m := range mod {
		m(&o)
	}
	cl, err := New(o)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { cl.Close() })
	return cl, &logs
}

// noSecret fails when a text shows a value that must stay secret.
func noSecret(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range []string{fakePassword, fakeCaptcha, fakeToken, fakeCookie, "L_CAPTCHA_abcdef", "chal-123456", "code-777777", "v-999999"} {
		for _, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("%q shows the secret %q", text, s)
			}
		}
	}
}

// errText is an error as the user sees it, in English and in Chinese.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error() + "\n" + msg.NewPrinter(msg.Chinese).Localize(err)
}
