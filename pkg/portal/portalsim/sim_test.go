package portalsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

var period = ranges.Period{Year: 114, EndMonth: 10}

const secret = "pw-sim-test"

func start(t *testing.T, o Options) *Simulator {
	t.Helper()
	if o.Accounts == nil {
		o.Accounts = []Account{
			{Ban: "53212539", User: "head", Password: secret, Branches: []ranges.Ban{"24549210"}},
			{Ban: "83012410", User: "shop", Password: secret},
		}
	}
	if o.Periods == nil {
		o.Periods = []ranges.Period{period}
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// user is a plain HTTP client that logs in by hand, as the client's
// direct mode does.
type user struct {
	t     *testing.T
	s     *Simulator
	c     *http.Client
	token string
}

func (u *user) do(method, addr string, body io.Reader, hdr map[string]string) (*http.Response, []byte) {
	u.t.Helper()
	req, _ := http.NewRequest(method, addr, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if u.token != "" && strings.HasPrefix(addr, u.s.Layout().Origins.API) {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	res, err := u.c.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, data
}

func login(t *testing.T, s *Simulator, ban ranges.Ban, name string) *user {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &user{t: t, s: s, c: &http.Client{Jar: jar}}
	L := s.Layout().Login
	res, _ := u.do("GET", s.Layout().Origins.Login+L.Proxy, nil, nil)
	challenge := res.Request.URL.Query().Get(L.ChallengeParam)
	if res.StatusCode != 200 || challenge == "" || !strings.HasPrefix(res.Request.URL.String(), s.Layout().Origins.WWW+L.Page) {
		t.Fatalf("the proxy led to %s (%d)", res.Request.URL, res.StatusCode)
	}
	_, data := u.do("GET", s.Layout().Origins.Login+L.Captcha, nil, nil)
	var captcha map[string]string
	json.Unmarshal(data, &captcha)
	body, _ := json.Marshal(map[string]string{"loginType": "U", "userType": "B", "loginChallenge": challenge, "ban": string(ban),
		"customId": name, "password": secret, "captchaToken": captcha["token"], "captcha": DefaultCaptchaAnswer})
	res, data = u.do("POST", s.Layout().Origins.Login+L.DoLogin, bytes.NewReader(body), map[string]string{"Content-Type": "application/json"})
	var ok map[string]string
	if json.Unmarshal(data, &ok); res.StatusCode != 200 || ok["redirectTo"] == "" {
		t.Fatalf("doLogin: %d %s", res.StatusCode, data)
	}
	res, _ = u.do("GET", ok["redirectTo"], nil, nil)
	if !strings.HasPrefix(res.Request.URL.String(), s.Layout().Origins.WWW+"/dashboard/") {
		t.Fatalf("after login: at %s", res.Request.URL)
	}
	lo, _ := url.Parse(s.Layout().Origins.Login)
	for _, c := range jar.Cookies(lo) {
		if c.Name == "sid" {
			u.token = c.Value
		}
	}
	if !strings.HasPrefix(u.token, "CU") || strings.Count(u.token, ".") != 2 {
		t.Fatalf("sid %q is not a CU token", u.token)
	}
	return u
}

func (u *user) api(method, path string, q url.Values, body any) (int, map[string]any) {
	u.t.Helper()
	var r io.Reader
	hdr := map[string]string{}
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
		hdr["Content-Type"] = "application/json"
	}
	addr := u.s.Layout().Origins.API + path
	if q != nil {
		addr += "?" + q.Encode()
	}
	res, data := u.do(method, addr, r, hdr)
	var v any
	json.Unmarshal(data, &v)
	if m, ok := v.(map[string]any); ok {
		return res.StatusCode, m
	}
	return res.StatusCode, map[string]any{"list": v}
}

func TestLoginAndAuthorized(t *testing.T) {
	s := start(t, Options{})
	u := login(t, s, "53212539", "head")
	code, got := u.api("GET", s.Layout().Company.Authorized, nil, nil)
	list, _ := got["list"].([]any)
	if code != 200 || len(list) != 2 || list[1].(map[string]any)["ban"] != "24549210" {
		t.Errorf("authorized: %d %v", code, got)
	}
	u.token = "CU" + u.token[2:len(u.token)-2] + "xx"
	if code, got := u.api("GET", s.Layout().Company.Authorized, nil, nil); code != 401 || got["title"] != "Session has expired, please try again." {
		t.Errorf("a wrong token: %d %v", code, got)
	}
}

// The token lives --session-ttl from the login.
func TestSessionTTL(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC).UnixNano())
	s := start(t, Options{SessionTTL: 20 * time.Minute, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	u := login(t, s, "83012410", "shop")
	now.Add(int64(19 * time.Minute))
	if code, _ := u.api("GET", s.Layout().Blank.Periods, nil, nil); code != 200 {
		t.Errorf("after 19 minutes: %d", code)
	}
	now.Add(int64(2 * time.Minute))
	if code, _ := u.api("GET", s.Layout().Blank.Periods, nil, nil); code != 401 {
		t.Errorf("after 21 minutes: %d, want 401", code)
	}
}

// 新增 and 刪除 as the app sends them: what is saved shows in 查詢 after
// the delay, blocks an overlapping entry, and 刪除 removes only the rows
// the login may see.
func TestAddQueryDelete(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC).UnixNano())
	s := start(t, Options{Delay: time.Minute, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	s.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 0, End: 49})
	u := login(t, s, "53212539", "head")
	B := s.Layout().Blank
	entry := func(ban, typ, track, start, end string) (int, map[string]any) {
		return u.api("POST", B.Add, nil, map[string]string{"ban": ban, "invType": typ, "yearMonth": "11410", "invTrack": track, "invBeginNo": start, "invEndNo": end})
	}
	if code, got := entry("24549210", "07", "TB", "00000100", "00000149"); code != 200 || got["message"] != "存檔成功" {
		t.Fatalf("saving a branch's range: %d %v", code, got)
	}
	for _, c := range []struct{ ban, typ, track, start, end, want string }{
		{"24549210", "07", "TB", "00000140", "00000160", ReasonOverlap},
		{"24549210", "07", "TB", "00000100", "00000149", ReasonDuplicate},
		{"83012410", "07", "ZL", "00000000", "00000049", ReasonUnknown},
		{"24549211", "07", "TB", "00000000", "00000049", "統一編號"},
		{"24549210", "09", "TB", "00000000", "00000049", "發票類別"},
		{"24549210", "07", "T1", "00000000", "00000049", "發票字軌"},
		{"24549210", "07", "TB", "00000050", "00000049", "終止編號"},
	} {
		if code, got := entry(c.ban, c.typ, c.track, c.start, c.end); code != 400 || !strings.Contains(fmt.Sprint(got["title"]), c.want) {
			t.Errorf("%v: %d %v, want a refusal naming %q", c, code, got, c.want)
		}
	}
	q := url.Values{"yearMonth": {"11410"}, "page": {"0"}, "size": {"15"}}
	if _, got := u.api("GET", B.Query, q, nil); got["totalElements"] != 0.0 {
		t.Errorf("before the delay: %v", got)
	}
	now.Add(int64(time.Minute))
	_, got := u.api("GET", B.Query, q, nil)
	rows, _ := got["content"].([]any)
	if got["totalElements"] != 1.0 || len(rows) != 1 || rows[0].(map[string]any)["invBeginNo"] != "00000100" {
		t.Fatalf("查詢 after the delay: %v", got)
	}
	// 刪除 with another login's row checked too: only the own goes.
	mine := rows[0].(map[string]any)["id"]
	other := s.Records()[0].ID
	if code, got := u.api("POST", B.Delete, nil, map[string]any{"ids": []any{mine, json.Number(other)}}); code != 200 || got["count"] != 1.0 {
		t.Errorf("刪除: %d %v", code, got)
	}
	if recs := s.Records(); len(recs) != 1 || recs[0].Ban != "83012410" {
		t.Errorf("after 刪除: %+v", recs)
	}
}

func TestPagesAndTotals(t *testing.T) {
	s := start(t, Options{})
	for i := range 31 {
		s.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: ranges.Number(i * 10), End: ranges.Number(i*10 + 1)})
	}
	u := login(t, s, "83012410", "shop")
	_, got := u.api("GET", s.Layout().Blank.Query, url.Values{"yearMonth": {"11410"}, "page": {"2"}, "size": {"15"}}, nil)
	rows, _ := got["content"].([]any)
	if got["totalElements"] != 31.0 || got["totalPages"] != 3.0 || len(rows) != 1 || rows[0].(map[string]any)["invBeginNo"] != "00000300" {
		t.Errorf("page 3 of 31 rows by 15: %v", got)
	}
}

// The gate: a plain client gets the challenge page; the cookie its script
// computes clears the same user agent only; HeadlessChrome is refused.
func TestGate(t *testing.T) {
	s := start(t, Options{Gate: true})
	get := func(ua, cookie string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", s.Layout().Origins.WWW+"/dashboard/btb/btb411w/online", nil)
		req.Header.Set("User-Agent", ua)
		if cookie != "" {
			req.Header.Set("Cookie", "cf_clearance="+cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res, string(data)
	}
	const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36"
	res, page := get(ua, "")
	if res.StatusCode != 403 || res.Header.Get("cf-mitigated") != "challenge" || !strings.Contains(page, "Just a moment...") {
		t.Fatalf("no clearance: %d %s", res.StatusCode, page)
	}
	seed := page[strings.Index(page, `var seed = "`)+12:]
	seed = seed[:strings.IndexByte(seed, '"')]
	clearance := seed + "." + clearanceSum(seed)
	if res, _ := get(ua, clearance); res.StatusCode != 200 {
		t.Errorf("with the script's clearance: %d", res.StatusCode)
	}
	if res, _ := get("curl/8.5", clearance); res.StatusCode != 403 {
		t.Errorf("the clearance with another user agent: %d", res.StatusCode)
	}
	if res, page := get("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/148.0.0.0", clearance); res.StatusCode != 403 || !strings.Contains(page, "Request Rejected") {
		t.Errorf("HeadlessChrome: %d", res.StatusCode)
	}
	// A preflight passes the gate, with the app's origin allowed.
	req, _ := http.NewRequest("OPTIONS", s.Layout().Origins.API+s.Layout().Blank.Query, nil)
	req.Header.Set("Origin", s.Layout().Origins.WWW)
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != s.Layout().Origins.WWW || res.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
	}
}

// The state file keeps what is on record across runs, so a rehearsal can
// be stopped and resumed.
func TestStateFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), "portal.json")
	s := start(t, Options{StateFile: state})
	s.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 100, End: 199})
	s.Close()
	again, err := New(Options{StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	if recs := again.Records(); len(recs) != 1 || recs[0].Start != 100 {
		t.Errorf("records after a restart: %v", recs)
	}
	if err := os.WriteFile(state, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StateFile: state}); err == nil || !strings.Contains(err.Error(), "portal.json") {
		t.Errorf("a broken state file: %v", err)
	}
}

func TestStartRefusesPublicAddresses(t *testing.T) {
	s, _ := New(Options{})
	if err := s.Start("0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("0.0.0.0: %v", err)
	}
}

// The simulator's layout says what its 匯入字軌 takes: the import format
// given, or else the given layout's; a client of that layout sends what
// the simulator takes.
func TestLayoutSaysTheImportFormat(t *testing.T) {
	e0402 := portal.DefaultLayout()
	e0402.Blank.ImportFormat = "e0402"
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"default", Options{}, "csv"},
		{"e0402", Options{ImportFormat: "e0402"}, "e0402"},
		{"a layout's", Options{Layout: e0402}, "e0402"},
		{"given over a layout's", Options{Layout: e0402, ImportFormat: "csv"}, "csv"},
	} {
		if got := start(t, c.o).Layout().Blank.ImportFormat; got != c.want {
			t.Errorf("%s: the layout's import_format is %q, want %q", c.name, got, c.want)
		}
	}
	if e0402.Blank.ImportFormat != "e0402" {
		t.Error("the simulator changed the layout it was given")
	}
}
