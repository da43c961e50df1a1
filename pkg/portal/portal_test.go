package portal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	url2 "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

var period = ranges.Period{Year: 114, EndMonth: 10}

const secret = "s3cret-pw"

func newSim(t *testing.T, o SimOptions) (*Simulator, *httptest.Server) {
	t.Helper()
	if o.Accounts == nil {
		o.Accounts = []Account{
			{Ban: "53212539", User: "head", Password: secret, Branches: []ranges.Ban{"24549210"}},
			{Ban: "83012410", User: "shop", Password: secret},
		}
	}
	s, err := NewSimulator(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

type captchaCount struct{ n atomic.Int32 }

func (c *captchaCount) solve(answer string) CaptchaSolver {
	return func(_ context.Context, img []byte) (string, error) {
		c.n.Add(1)
		if len(img) < 8 || string(img[1:4]) != "PNG" {
			return "", errors.New("the captcha is not a PNG image")
		}
		return answer, nil
	}
}

func newClient(t *testing.T, url string, ban ranges.Ban, user, pw string, cc *captchaCount) *Client {
	t.Helper()
	if cc == nil {
		cc = &captchaCount{}
	}
	cl, err := New(Options{BaseURL: url, Ban: ban, User: user, Password: pw, Captcha: cc.solve(DefaultCaptchaAnswer),
		Timeout: 5 * time.Second, Retries: 3, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func rng(ban ranges.Ban, track ranges.Track, start, end ranges.Number) ranges.BlankRange {
	return ranges.BlankRange{Key: ranges.Key{Ban: ban, Type: ranges.TypeGeneral, Period: period, Track: track}, Start: start, End: end}
}

var fastWait = Wait{First: 5 * time.Millisecond, Max: 20 * time.Millisecond, Limit: 5 * time.Second}

func upload(t *testing.T, cl *Client, files map[string][]ranges.BlankRange, order ...string) *Plan {
	t.Helper()
	ctx := context.Background()
	plan, err := cl.PlanUpload(ctx, period, files, order)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Execute(ctx, plan, fastWait, nil); err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestUploadAndVerify(t *testing.T) {
	// Imports are processed 50ms after upload: the client must poll.
	sim, srv := newSim(t, SimOptions{Delay: 50 * time.Millisecond})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	files := map[string][]ranges.BlankRange{"83012410_11410.csv": {rng("83012410", "ZK", 100, 199), rng("83012410", "ZK", 300, 300)}}
	plan := upload(t, cl, files, "83012410_11410.csv")
	if !plan.AllOnRecord() || plan.Summary()[Uploaded] != 2 {
		t.Fatalf("plan: %s", plan.Describe())
	}
	if n := len(sim.Records()); n != 2 {
		t.Errorf("%d records on the simulator, want 2", n)
	}

	// Running again uploads nothing: both ranges are already on record.
	plan = upload(t, cl, files, "83012410_11410.csv")
	if plan.Summary()[OnRecord] != 2 || len(sim.Uploads()) != 1 {
		t.Errorf("second run: %s, %d uploads", plan.Describe(), len(sim.Uploads()))
	}
}

func TestPagingMoreThan15(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	for i := 0; i < 40; i++ {
		sim.AddRecord(Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: ranges.Number(i * 10), End: ranges.Number(i*10 + 5)})
	}
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	recs, err := cl.Records(context.Background(), period)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 40 || recs[39].Start != 390 {
		t.Errorf("%d records read over the pages, want 40", len(recs))
	}
}

func TestLoginFailures(t *testing.T) {
	_, srv := newSim(t, SimOptions{})
	cl := newClient(t, srv.URL, "83012410", "shop", "wrong-"+secret, nil)
	err := cl.Login(context.Background())
	if !errors.Is(err, ErrLogin) {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the password: %v", err)
	}

	cl, _ = New(Options{BaseURL: srv.URL, Ban: "83012410", User: "shop", Password: secret, Backoff: time.Millisecond,
		Captcha: func(context.Context, []byte) (string, error) { return "99999", nil }})
	if err := cl.Login(context.Background()); !errors.Is(err, ErrCaptcha) {
		t.Errorf("wrong captcha: %v", err)
	}
}

func TestSessionExpiresMidRun(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	cc := &captchaCount{}
	cl := newClient(t, srv.URL, "83012410", "shop", secret, cc)
	ctx := context.Background()
	files := map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199)}}
	plan, err := cl.PlanUpload(ctx, period, files, []string{"f.csv"})
	if err != nil {
		t.Fatal(err)
	}
	sim.ExpireSessions()
	if err := cl.Execute(ctx, plan, fastWait, nil); err != nil {
		t.Fatal(err)
	}
	if !plan.AllOnRecord() || cc.n.Load() != 2 {
		t.Errorf("plan %s, %d logins; want all on record after one re-login", plan.Describe(), cc.n.Load())
	}
}

func TestTransientServerErrors(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	sim.FailNext(3) // Retries is 3: the fourth attempt gets through
	if err := cl.Login(context.Background()); err != nil {
		t.Fatalf("after 3 failures: %v", err)
	}
	sim.FailNext(10)
	_, err := cl.Records(context.Background(), period)
	if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("persistent failure: %v", err)
	}
}

func TestRejectedRow(t *testing.T) {
	_, srv := newSim(t, SimOptions{})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	// 22099131 is not this account's business: the portal rejects the row.
	files := map[string][]ranges.BlankRange{"f.csv": {rng("22099131", "ZK", 100, 199)}}
	plan := upload(t, cl, files, "f.csv")
	st := plan.Files[0].Ranges[0]
	if st.State != Rejected || st.Reason != ReasonUnknown {
		t.Errorf("state %v, reason %q; want rejected, %q", st.State, st.Reason, ReasonUnknown)
	}
}

func TestConflictIsNotUploaded(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	sim.AddRecord(Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 150, End: 160})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	files := map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199), rng("83012410", "ZL", 0, 49)}}
	plan := upload(t, cl, files, "f.csv")
	if st := plan.Files[0].Ranges[0]; st.State != Conflict || !strings.Contains(st.Reason, "ZK00000150-00000160") {
		t.Errorf("range 0: %v %q", st.State, st.Reason)
	}
	if len(sim.Uploads()) != 0 {
		t.Errorf("a file with a conflict was uploaded")
	}
}

// A run that crashed after uploading: the import is found by its name
// (which holds a hash of the content) and followed, not uploaded again.
func TestRerunAfterCrash(t *testing.T) {
	sim, srv := newSim(t, SimOptions{Delay: time.Hour})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	ctx := context.Background()
	files := map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199)}}
	plan, _ := cl.PlanUpload(ctx, period, files, []string{"f.csv"})
	short := Wait{First: time.Millisecond, Max: time.Millisecond, Limit: 20 * time.Millisecond}
	if err := cl.Execute(ctx, plan, short, nil); err != nil {
		t.Fatal(err)
	}
	if st := plan.Files[0].Ranges[0].State; st != Unconfirmed {
		t.Fatalf("with processing pending past the limit: %v, want not confirmed", st)
	}
	plan2, _ := cl.PlanUpload(ctx, period, files, []string{"f.csv"})
	if err := cl.Execute(ctx, plan2, short, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(sim.Uploads()); n != 1 {
		t.Errorf("%d imports after the re-run, want 1", n)
	}
	if plan2.Files[0].ImportID != plan.Files[0].ImportID {
		t.Errorf("the re-run did not follow import %d", plan.Files[0].ImportID)
	}
}

func TestBig5Pages(t *testing.T) {
	sim, srv := newSim(t, SimOptions{Big5: true})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	plan := upload(t, cl, map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199)}}, "f.csv")
	if !plan.AllOnRecord() || len(sim.Records()) != 1 {
		t.Errorf("Big5 portal: %s", plan.Describe())
	}
}

func TestManyBranches(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	head := newClient(t, srv.URL, "53212539", "head", secret, nil)
	shop := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	// The head office reports for itself and its branch 24549210.
	upload(t, head, map[string][]ranges.BlankRange{
		"53212539_11410.csv": {rng("53212539", "AA", 0, 49)},
		"24549210_11410.csv": {rng("24549210", "AB", 0, 49)},
	}, "53212539_11410.csv", "24549210_11410.csv")
	p := upload(t, shop, map[string][]ranges.BlankRange{"83012410_11410.csv": {rng("83012410", "AC", 0, 49)}}, "83012410_11410.csv")
	if !p.AllOnRecord() || len(sim.Records()) != 3 {
		t.Errorf("records %v", sim.Records())
	}
	// Each account sees its own records only.
	recs, _ := shop.Records(context.Background(), period)
	if len(recs) != 1 {
		t.Errorf("the shop sees %d records, want its 1", len(recs))
	}
}

func TestChallengeAndPageErrors(t *testing.T) {
	challenge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("cf-mitigated", "challenge")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, "<html><title>Just a moment...</title></html>")
	}))
	defer challenge.Close()
	cl := newClient(t, challenge.URL, "83012410", "shop", secret, nil)
	if err := cl.Login(context.Background()); !errors.Is(err, ErrChallenged) {
		t.Errorf("challenge: %v", err)
	}

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "token-value"})
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><head><title>維護公告</title></head><body><h1>系統維護中</h1></body></html>")
	}))
	defer other.Close()
	cl = newClient(t, other.URL, "83012410", "shop", secret, nil)
	err := cl.Login(context.Background())
	var pe *PageError
	if !errors.As(err, &pe) || pe.Title != "系統維護中" || !strings.Contains(err.Error(), other.URL+"/login") {
		t.Errorf("unexpected page: %v", err)
	}
	if strings.Contains(err.Error(), "token-value") {
		t.Errorf("the error shows the session: %v", err)
	}
}

func TestOnlyHTTPSOrLoopback(t *testing.T) {
	solve := func(context.Context, []byte) (string, error) { return "", nil }
	for url, ok := range map[string]bool{
		"https://www.einvoice.nat.gov.tw": true,
		"http://127.0.0.1:8080":           true,
		"http://localhost:8080":           true,
		"http://[::1]:8080":               true,
		"http://www.einvoice.nat.gov.tw":  false,
		"http://192.168.1.10":             false,
		"ftp://example.org":               false,
	} {
		_, err := New(Options{BaseURL: url, Captcha: solve})
		if (err == nil) != ok {
			t.Errorf("%s: err %v, want allowed=%v", url, err, ok)
		}
	}
}

// The simulator's state file keeps what is on record across runs, so a
// rehearsal can be stopped and resumed.
func TestSimulatorStateFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), "portal.json")
	_, srv := newSim(t, SimOptions{StateFile: state})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	upload(t, cl, map[string][]ranges.BlankRange{"f.csv": {rng("83012410", "ZK", 100, 199)}}, "f.csv")
	srv.Close()

	again, err := NewSimulator(SimOptions{StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	if recs := again.Records(); len(recs) != 1 || recs[0].Start != 100 {
		t.Errorf("records after a restart: %v", recs)
	}
	if err := os.WriteFile(state, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSimulator(SimOptions{StateFile: state}); err == nil || !strings.Contains(err.Error(), "portal.json") {
		t.Errorf("a broken state file: %v", err)
	}
}

// FuzzQueryPage feeds arbitrary pages to the 查詢 parser: it may refuse a
// page, never panic, and what it accepts is a valid record.
func FuzzQueryPage(f *testing.F) {
	f.Add([]byte(pageHTML(TitleQuery, queryBody(period, []Record{{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 1, End: 2}}, 1, 1, 1))))
	f.Add([]byte(`<table id="queryResult"><tr><th>總/分支機構統編</th></tr><tr><td>x</td></tr></table>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseHTML("http://127.0.0.1/blank/query", 200, "text/html", body)
		if err != nil {
			return
		}
		rows, err := readTable(p, TableQuery, ColQueryBan, ColQueryType, ColQueryYM, ColQueryTrack, ColQueryStart, ColQueryEnd)
		if err != nil {
			return
		}
		for _, r := range rows {
			rec, err := parseRecord(r)
			if err != nil {
				continue
			}
			if len(rec.Ban) != 8 || rec.Period.IsZero() || len(rec.Track) != 2 || rec.End < rec.Start {
				t.Fatalf("invalid record accepted: %+v", rec)
			}
		}
	})
}

// browser is a person at the simulator's pages: net/http with a cookie jar.
type browser struct {
	t   *testing.T
	c   *http.Client
	url string
}

func newBrowser(t *testing.T, url string, ban ranges.Ban, user string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, c: &http.Client{Jar: jar}, url: url}
	page := b.post(PathLogin, url2.Values{FieldBan: {string(ban)}, FieldAccount: {user}, FieldPassword: {secret}, FieldCaptcha: {DefaultCaptchaAnswer}})
	if !strings.Contains(page, TitleMenu) {
		t.Fatalf("login did not reach the menu:\n%s", page)
	}
	return b
}

func (b *browser) do(req *http.Request) string {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.t.Fatalf("%s %s: %d %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	return string(body)
}

func (b *browser) get(path string) string {
	req, _ := http.NewRequest(http.MethodGet, b.url+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url2.Values) string {
	req, _ := http.NewRequest(http.MethodPost, b.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// 新增 and 刪除 by hand, as a person does on the portal: what is saved
// shows in 查詢 after the delay, blocks an overlapping upload, and 刪除
// removes only the checked rows the account may see.
func TestSimulatorAddAndDelete(t *testing.T) {
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.Local)
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	sim, srv := newSim(t, SimOptions{Delay: time.Minute, Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	sim.AddRecord(Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 0, End: 49})
	b := newBrowser(t, srv.URL, "53212539", "head")

	if page := b.get(PathAdd + "?yearMonth=11410"); !strings.Contains(page, `name="`+FieldStart+`"`) || !strings.Contains(page, "114/09~114/10") {
		t.Fatalf("新增 form:\n%s", page)
	}
	entry := func(ban, typ, track, start, end string) string {
		return b.post(PathAdd, url2.Values{FieldYearMonth: {"11410"}, FieldBan: {ban}, FieldType: {typ}, FieldTrack: {track}, FieldStart: {start}, FieldEnd: {end}})
	}
	if page := entry("24549210", "07", "TB", "00000100", "00000149"); !strings.Contains(page, "存檔成功") {
		t.Fatalf("saving a branch's range:\n%s", page)
	}
	if n := len(sim.Records()); n != 1 {
		t.Errorf("%d records before the delay, want 1", n)
	}
	for _, c := range []struct{ ban, typ, track, start, end, want string }{
		{"24549210", "07", "TB", "00000140", "00000160", ReasonOverlap},
		{"24549210", "07", "TB", "00000100", "00000149", ReasonDuplicate},
		{"83012410", "07", "ZL", "00000000", "00000049", ReasonUnknown}, // not this account's branch
		{"24549211", "07", "TB", "00000000", "00000049", "統一編號"},
		{"24549210", "09", "TB", "00000000", "00000049", "發票類別"},
		{"24549210", "07", "T1", "00000000", "00000049", "發票字軌"},
		{"24549210", "07", "TB", "00000050", "00000049", "終止編號"},
	} {
		if page := entry(c.ban, c.typ, c.track, c.start, c.end); !strings.Contains(page, "存檔失敗") || !strings.Contains(page, c.want) {
			t.Errorf("%v: want a failure naming %q:\n%s", c, c.want, page)
		}
	}

	clock.Add(int64(time.Minute))
	cl := newClient(t, srv.URL, "53212539", "head", secret, nil)
	recs, err := cl.Records(context.Background(), period)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Ban != "24549210" || recs[0].Start != 100 || recs[0].End != 149 {
		t.Fatalf("查詢 after the delay: %+v", recs)
	}
	plan, err := cl.PlanUpload(context.Background(), period, map[string][]ranges.BlankRange{"f.csv": {rng("24549210", "TB", 100, 199)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := plan.Files[0].Ranges[0]; st.State != Conflict {
		t.Errorf("a range overlapping a 新增 entry: %v", st.State)
	}

	// 刪除 with another account's row checked too: only the own goes.
	other := Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 0, End: 49}
	page := b.post(PathDelete, url2.Values{FieldYearMonth: {"11410"}, FieldDelete: {recs[0].Key(), other.Key()}})
	if !strings.Contains(page, "已刪除 1 筆") {
		t.Errorf("刪除:\n%s", page)
	}
	if got := sim.Records(); len(got) != 1 || got[0] != other {
		t.Errorf("after 刪除: %+v", got)
	}
}

// A plan never drops a file silently: the order names every file once.
func TestPlanOrderNamesEveryFile(t *testing.T) {
	_, srv := newSim(t, SimOptions{})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	files := map[string][]ranges.BlankRange{"b.csv": {rng("83012410", "ZK", 0, 9)}, "a.csv": {rng("83012410", "ZL", 0, 9)}}
	for _, order := range [][]string{{"a.csv"}, {"a.csv", "b.csv", "c.csv"}, {"a.csv", "a.csv"}} {
		if _, err := cl.PlanUpload(context.Background(), period, files, order); err == nil {
			t.Errorf("order %q: no error", order)
		}
	}
	plan, err := cl.PlanUpload(context.Background(), period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != 2 || plan.Files[0].Name != "a.csv" {
		t.Errorf("nil order: %s", plan.Describe())
	}
}

// A 查詢 row the client cannot take is an error naming page and row, not a
// record skipped or read wrongly.
func TestQueryRowErrors(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	for i := 0; i < 16; i++ {
		sim.AddRecord(Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: ranges.Number(i * 10), End: ranges.Number(i*10 + 5)})
	}
	sim.AddRecord(Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZL", Start: 9, End: 0})
	cl := newClient(t, srv.URL, "83012410", "shop", secret, nil)
	_, err := cl.Records(context.Background(), period)
	if err == nil || !strings.Contains(err.Error(), "page 2, row 2") || !strings.Contains(err.Error(), "發票迄號 00000000 is before 發票起號 00000009") {
		t.Errorf("a row with 迄號 before 起號: %v", err)
	}
}
