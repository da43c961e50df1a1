package portal

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// BrowserOptions configure the browser that carries a session.
type BrowserOptions struct {
	Path      string        // the browser; "": Chrome, Chromium or Edge found on this machine
	Headless  bool          // no window: for tests, and for logins that Captcha answers
	LoginWait time.Duration // how long a person may take to log in; default 5m
}

var errNoBrowserPage = msg.New("the browser is not on the portal's page any more: log in again")

// browserNames are the programs FindBrowser looks for, in order.
func browserNames() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
			"/Applications/Chromium.app/Contents/MacOS/Chromium",
			"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		}
	case "windows":
		var out []string
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "LocalAppData"} {
			if d := os.Getenv(env); d != "" {
				out = append(out, filepath.Join(d, `Google\Chrome\Application\chrome.exe`), filepath.Join(d, `Microsoft\Edge\Application\msedge.exe`))
			}
		}
		return append(out, "chrome.exe", "msedge.exe")
	}
	return []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "microsoft-edge-stable"}
}

// FindBrowser returns the path of Chrome, Chromium or Edge on this machine.
func FindBrowser() (string, error) {
	for _, n := range browserNames() {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", msg.Errorf("%w (looked for %s)", ErrNoBrowser, strings.Join(browserNames(), ", "))
}

// browser is a running browser with one tab, the page the session lives in.
type browser struct {
	target    *chromedp.Target
	net       *netlog
	socketDir string // the browser's own temporary folder
	ua        string
	cancel    []context.CancelFunc // the tab, then the browser process
	dir       string               // the profile and temporary files
}

// launch starts the browser on an empty tab, with a fresh profile that is
// removed when it closes, a desktop user agent (a government firewall
// refuses HeadlessChrome), and the network log of the portal's origins.
func launch(ctx context.Context, o BrowserOptions, keep func(string) bool, maxBody int64) (*browser, error) {
	if !o.Headless && runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, ErrNoDisplay
	}
	path := o.Path
	if path == "" {
		var err error
		if path, err = FindBrowser(); err != nil {
			return nil, err
		}
	}
	// A fresh profile, removed when the browser ends.
	dir, err := os.MkdirTemp("", "blanktrack-browser-*")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("no-service-autorun", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(1280, 900),
	}
	if o.Headless {
		opts = append(opts, chromedp.Headless)
	}
	if runtime.GOOS != "windows" {
		// The browser gets what it needs of the environment, not the
		// variable that holds the password.
		opts = append(opts, chromedp.NoInheritEnv, chromedp.Env(browserEnv()...))
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	// The browser lives until close, not until ctx ends: the caller's
	// context may be one call's; close is the caller's to make.
	actx, acancel := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	tctx, tcancel := chromedp.NewContext(actx)
	b := &browser{cancel: []context.CancelFunc{tcancel, acancel}, dir: dir}
	stop := context.AfterFunc(ctx, func() { tcancel(); acancel() }) // Ctrl-C while starting
	defer stop()
	if err = chromedp.Do(tctx); err != nil {
		b.close()
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, msg.Errorf("starting the browser %s: %w", path, err)
	}
	c := chromedp.FromContext(tctx)
	b.target = c.Target
	// Killed, the browser leaves its singleton socket's folder in TMPDIR:
	// the profile's link names it.
	if l, err := os.Readlink(filepath.Join(dir, "SingletonSocket")); err == nil {
		d := filepath.Dir(l)
		if n := filepath.Base(d); strings.HasPrefix(n, "org.chromium.") || strings.HasPrefix(n, "com.google.Chrome.") || strings.HasPrefix(n, "com.microsoft.Edge.") {
			b.socketDir = d
		}
	}
	v, err := cdp.Call(ctx, c.Browser, cdpbrowser.GetVersion, cdp.Empty{})
	if err != nil {
		b.close()
		return nil, msg.Errorf("the browser's version: %w", err)
	}
	b.ua = strings.Replace(v.UserAgent, "HeadlessChrome/", "Chrome/", 1)
	if _, err := cdp.Call(ctx, b.target, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent: b.ua, AcceptLanguage: "zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7",
	}); err != nil {
		b.close()
		return nil, msg.Errorf("the browser's user agent: %w", err)
	}
	if b.net, err = startNetlog(b.target, keep, maxBody); err != nil {
		b.close()
		return nil, msg.Errorf("the browser's network log: %w", err)
	}
	return b, nil
}

func (b *browser) close() {
	if b.net != nil {
		b.net.close()
	}
	for _, c := range b.cancel {
		c() // the allocator's waits for the process to end
	}
	// A child process may still be writing for a moment.
	for _, d := range []string{b.socketDir, b.dir} {
		for range 20 {
			if d == "" || os.RemoveAll(d) == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// browserEnv is the environment the browser needs: no more.
func browserEnv() []string {
	var env []string
	for _, k := range []string{"HOME", "PATH", "USER", "LOGNAME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
		"DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "DBUS_SESSION_BUS_ADDRESS"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// navigate starts loading an address in the tab without waiting: the
// portal's pages redirect with scripts, which the caller watches for.
func (b *browser) navigate(ctx context.Context, u string) error {
	res, err := cdp.Call(ctx, b.target, cdppage.Navigate, cdppage.NavigateParams{URL: u})
	if err != nil {
		return msg.Errorf("opening %s in the browser: %w", redact(u), err)
	}
	if res.ErrorText != "" {
		return msg.Errorf("opening %s in the browser: %s", redact(u), res.ErrorText)
	}
	return nil
}

// eval runs a script in the page and decodes its value.
func eval[T any](ctx context.Context, b *browser, script string) (T, error) {
	return chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise)(ctx, b.target)
}

// js is a Go value as a JavaScript literal.
func js(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

//go:embed fetch.js
var fetchJS string

// fetchResult is what fetch.js returns.
type fetchResult struct {
	Status   int         `json:"status"`
	Headers  [][2]string `json:"headers"`
	Body     string      `json:"body"`
	Error    string      `json:"error"`
	Redirect bool        `json:"redirect"`
	TooLarge bool        `json:"tooLarge"`
	Origin   string      `json:"origin"`
}

// carrier is the browser as an http.RoundTripper: each request runs as
// fetch() in the logged-in page, with the page's cookies, clearance and
// TLS fingerprint, and the Bearer token the page keeps, which only the
// API origin is sent. Its context is the request's.
type carrier struct {
	b       *browser
	www     *url.URL
	api     *url.URL
	key     string // sessionStorage key of the token
	timeout time.Duration
	max     int64
}

func (c *carrier) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	timeout := c.timeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, c.max+1))
		r.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	hdr := [][2]string{}
	for _, k := range []string{"Accept", "Content-Type"} {
		if v := r.Header.Get(k); v != "" {
			hdr = append(hdr, [2]string{k, v})
		}
	}
	args := map[string]any{
		"url": r.URL.String(), "method": r.Method, "headers": hdr,
		"auth": sameOrigin(r.URL, c.api), "key": c.key, "origin": c.www.Scheme + "://" + c.www.Host,
		"timeout": timeout.Milliseconds(), "max": c.max, "body": nil,
	}
	if body != nil {
		args["body"] = base64.StdEncoding.EncodeToString(body)
	}
	ectx, cancel := context.WithTimeout(ctx, timeout+2*time.Second)
	defer cancel()
	res, err := eval[fetchResult](ectx, c.b, "("+fetchJS+")("+js(args)+")")
	if err != nil {
		return nil, msg.Errorf("fetch in the browser: %w", err)
	}
	switch {
	case res.Origin != "":
		return nil, msg.Errorf("%w (the page is at %s)", errNoBrowserPage, res.Origin)
	case res.Error != "":
		return nil, msg.Errorf("fetch in the browser: %s (a network or CORS failure; behind Cloudflare often a challenge)", res.Error)
	case res.Redirect:
		return nil, &RedirectError{From: redact(r.URL.String()), To: "(not shown to the page)", Why: msg.T("a fetch in the page does not follow redirects")}
	case res.TooLarge:
		return nil, &BodyTooLargeError{URL: redact(r.URL.String()), Limit: c.max, Declared: -1}
	}
	data, err := base64.StdEncoding.DecodeString(res.Body)
	if err != nil {
		return nil, msg.Errorf("fetch in the browser: the body: %w", err)
	}
	h := http.Header{}
	for _, kv := range res.Headers {
		h.Add(kv[0], kv[1])
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", res.Status, http.StatusText(res.Status)), StatusCode: res.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(data)), ContentLength: int64(len(data)),
		Request: r, Uncompressed: true, // the browser decoded it, within the limit
	}, nil
}

// browserState is where the login in the page stands.
type browserState struct {
	Origin string `json:"origin"`
	Path   string `json:"path"`
	Token  bool   `json:"token"`
	Tab    bool   `json:"tab"`
	Form   bool   `json:"form"`
	Gate   bool   `json:"gate"`
}

func (cl *Client) pageState(ctx context.Context) (browserState, error) {
	L := cl.lay.Login
	script := fmt.Sprintf(`(() => ({origin: location.origin, path: location.pathname,
		token: !!(window.sessionStorage && sessionStorage.getItem(%s)),
		tab: !!document.querySelector(%s), form: !!document.querySelector(%s),
		gate: document.title.includes("Just a moment")}))()`, js(cl.lay.Session.TokenStorage), js(L.BusinessTab), js(L.Form.Ban))
	return eval[browserState](ctx, cl.browser, script)
}

// loginBrowser logs in in the browser: it opens the portal, which leads to
// the login page (a real browser passes Cloudflare's check), chooses the
// business tab, fills 統編, 帳號 and password, and then lets Captcha answer
// the captcha, or the person type it in the window, and waits for the
// token the page keeps.
func (cl *Client) loginBrowser(ctx context.Context) error {
	if cl.browser == nil {
		if cl.o.Captcha == nil && cl.o.Browser.Headless {
			return msg.New("a headless browser login needs a captcha solver: nobody can see the captcha")
		}
		keep := func(u string) bool {
			p, err := url.Parse(u)
			return err == nil && (sameOrigin(p, cl.login) || sameOrigin(p, cl.api))
		}
		b, err := launch(ctx, cl.o.Browser, keep, cl.o.MaxBody)
		if err != nil {
			return err
		}
		cl.browser = b
		cl.guard.use(&carrier{b: b, www: cl.www, api: cl.api, key: cl.lay.Session.TokenStorage, timeout: cl.o.Timeout, max: cl.o.MaxBody})
	}
	wait := cl.o.Browser.LoginWait
	if wait == 0 {
		wait = 5 * time.Minute
	}
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	err := cl.loginInPage(lctx)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return msg.Errorf("the login in the browser did not finish within %s", wait)
	}
	return err
}

func (cl *Client) loginInPage(ctx context.Context) error {
	L, S := cl.lay.Login, cl.lay.Session
	// Forget an expired session's token, so that the page logs in anew.
	_, _ = eval[bool](ctx, cl.browser, fmt.Sprintf(`(() => { if (location.origin === %s) sessionStorage.removeItem(%s); return true })()`, js(cl.www.Scheme+"://"+cl.www.Host), js(S.TokenStorage)))
	mark := cl.browser.net.mark()
	if err := cl.browser.navigate(ctx, cl.lay.Origins.WWW+L.Start); err != nil {
		return err
	}
	clicked := false
	for {
		st, err := cl.pageState(ctx)
		switch {
		case err != nil:
			// The page is between two documents: look again.
		case cl.elsewhere(st.Origin):
			// Whatever it shows, it is not the portal's login: a look-alike,
			// or the portal moved. Waiting would only wait for the deadline.
			return cl.loginElsewhere(st.Origin + st.Path)
		case st.Token && st.Origin == cl.www.Scheme+"://"+cl.www.Host:
			return cl.loggedInBrowser(ctx)
		case st.Form && strings.HasPrefix(st.Path, L.Page):
			return cl.fillLogin(ctx, mark)
		case st.Tab && !clicked:
			if _, err := eval[bool](ctx, cl.browser, fmt.Sprintf(`(() => { document.querySelector(%s).click(); return true })()`, js(L.BusinessTab))); err == nil {
				clicked = true
			}
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return msg.Errorf("waiting for the portal's login page: %w", err)
		}
	}
}

// elsewhere reports whether a page's origin is a web origin other than the
// portal's: the page of about:blank or of a browser error is not.
func (cl *Client) elsewhere(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	return !cl.guard.allowed(u)
}

// loginElsewhere is the error of a login page at where, an address (no
// query) that is not on one of the portal's origins.
func (cl *Client) loginElsewhere(where string) error {
	return msg.Errorf("%w: %s led to %s; the password is not typed there (a look-alike page, or the portal moved: the layout's [origins] name its addresses)",
		ErrLoginElsewhere, cl.lay.Origins.WWW+cl.lay.Login.Start, where)
}

// pageOrigins are the portal's origins as a page's location.origin
// spells them: the only pages the login types into.
func (cl *Client) pageOrigins() []string {
	var out []string
	for _, u := range []*url.URL{cl.www, cl.login, cl.api} {
		host := strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		if p := u.Port(); p != "" && p != port(&url.URL{Scheme: u.Scheme}) {
			host += ":" + p
		}
		out = append(out, u.Scheme+"://"+host)
	}
	return out
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// fill types a value into a field as a person would, so that the page's
// script sees it: only on a page of the portal's origins, which the
// script itself checks, so that a page that changed since it was looked
// at gets nothing.
func (cl *Client) fill(ctx context.Context, selector, value string) error {
	script := fmt.Sprintf(`(() => { if (!%s.includes(location.origin)) return {elsewhere: location.origin + location.pathname};
		const e = document.querySelector(%s); if (!e) return {};
		e.focus(); e.value = %s; e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true})); return {filled: true} })()`, js(cl.pageOrigins()), js(selector), js(value))
	res, err := eval[struct {
		Filled    bool   `json:"filled"`
		Elsewhere string `json:"elsewhere"`
	}](ctx, cl.browser, script)
	switch {
	case err != nil:
		return msg.Errorf("the login form: %w", err)
	case res.Elsewhere != "":
		return cl.loginElsewhere(res.Elsewhere)
	case !res.Filled:
		return &FormatError{Method: "GET", URL: cl.lay.Origins.WWW + cl.lay.Login.Page, Why: msg.T("the login form has no %s", selector)}
	}
	return nil
}

func (cl *Client) fillLogin(ctx context.Context, mark int) error {
	F := cl.lay.Login.Form
	for _, f := range []struct{ sel, v string }{{F.Ban, string(cl.o.Ban)}, {F.User, cl.o.User}, {F.Password, cl.o.Password}} {
		if err := cl.fill(ctx, f.sel, f.v); err != nil {
			return err
		}
	}
	isLogin := func(ex *exchange) bool {
		return ex.method == http.MethodPost && strings.HasSuffix(urlPath(ex.url), cl.lay.Login.DoLogin)
	}
	isCaptcha := func(ex *exchange) bool {
		return ex.method == http.MethodGet && strings.HasSuffix(urlPath(ex.url), cl.lay.Login.Captcha) && ex.status == 200 && len(ex.body) > 0
	}
	if cl.o.Captcha == nil {
		cl.log(msg.T("log in in the browser window: the 統一編號, account and password are filled in; type the captcha (驗證碼) and press 登入"))
		_, _ = eval[bool](ctx, cl.browser, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (e) e.focus(); return true })()`, js(F.Captcha)))
		for try := 1; ; try++ {
			ex, err := cl.waitLoginOrToken(ctx, mark, isLogin)
			if err != nil || ex == nil {
				return err
			}
			mark = ex.n + 1
			if ex.status == http.StatusOK {
				return cl.waitToken(ctx)
			}
			if err := cl.loginRefusal(&answer{status: ex.status, body: ex.body, header: http.Header{}}, 1); err != nil {
				return err
			}
			cl.log(msg.T("the portal refused the captcha answer: type the new one"))
		}
	}
	for try := 1; ; try++ {
		// The newest captcha the page loaded since the mark.
		cex, err := cl.browser.net.wait(ctx, mark, isCaptcha)
		if err != nil {
			return msg.Errorf("waiting for the captcha: %w", err)
		}
		for _, later := range cl.browser.net.snapshot(cex.n + 1) {
			if isCaptcha(&later) {
				cex = later
			}
		}
		_, img, err := cl.captchaJSON(cex.body)
		if err != nil {
			return err
		}
		answerText, err := cl.o.Captcha(ctx, img)
		if err != nil {
			return msg.Errorf("captcha: %w", err)
		}
		answerText = strings.TrimSpace(answerText)
		cl.keepAnswer(answerText)
		if err := cl.fill(ctx, F.Captcha, answerText); err != nil {
			return err
		}
		submitted := cl.browser.net.mark()
		if _, err := eval[bool](ctx, cl.browser, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) return false; e.click(); return true })()`, js(F.Submit))); err != nil {
			return msg.Errorf("the login form's %s: %w", F.Submit, err)
		}
		ex, err := cl.browser.net.wait(ctx, submitted, isLogin)
		if err != nil {
			return msg.Errorf("waiting for the login's answer: %w", err)
		}
		if ex.status == http.StatusOK {
			return cl.waitToken(ctx)
		}
		if err := cl.loginRefusal(&answer{status: ex.status, body: ex.body, header: http.Header{}}, try); err != nil {
			return err
		}
		cl.log(msg.T("the portal refused the captcha answer: a new captcha"))
		mark = ex.n + 1
		// A new captcha: the page loads one after a refusal; if not, ask
		// for one by clicking the image.
		wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		_, err = cl.browser.net.wait(wctx, mark, isCaptcha)
		cancel()
		if err != nil && ctx.Err() == nil {
			mark = cl.browser.net.mark()
			_, _ = eval[bool](ctx, cl.browser, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (e) e.click(); return true })()`, js(F.CaptchaImage)))
		}
	}
}

// waitLoginOrToken waits, while a person logs in, for the next doLogin
// answer, or for the token (the person got through): then it returns nil.
func (cl *Client) waitLoginOrToken(ctx context.Context, mark int, isLogin func(*exchange) bool) (*exchange, error) {
	for {
		for _, ex := range cl.browser.net.snapshot(mark) {
			if isLogin(&ex) {
				return &ex, nil
			}
		}
		if st, err := cl.pageState(ctx); err == nil && st.Token && st.Origin == cl.www.Scheme+"://"+cl.www.Host {
			return nil, cl.loggedInBrowser(ctx)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return nil, msg.Errorf("waiting for the login in the browser: %w", err)
		}
	}
}

// waitToken waits for the page to keep the session's token: the portal
// writes it a moment after the dashboard loads.
func (cl *Client) waitToken(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if st, err := cl.pageState(wctx); err == nil && st.Token && st.Origin == cl.www.Scheme+"://"+cl.www.Host {
			return cl.loggedInBrowser(ctx)
		}
		if err := sleep(wctx, 100*time.Millisecond); err != nil {
			return msg.Errorf("logged in, but the page kept no session token (sessionStorage %q): %w", cl.lay.Session.TokenStorage, err)
		}
	}
}

// loggedInBrowser notes the session's token and cookies, only so that no
// output shows them.
func (cl *Client) loggedInBrowser(ctx context.Context) error {
	if tok, err := eval[string](ctx, cl.browser, fmt.Sprintf(`sessionStorage.getItem(%s) || ""`, js(cl.lay.Session.TokenStorage))); err == nil {
		cl.keep(tok)
	}
	if res, err := cdp.Call(ctx, cl.browser.target, network.GetCookies, network.GetCookiesParams{URLs: []string{cl.lay.Origins.WWW, cl.lay.Origins.Login, cl.lay.Origins.API}}); err == nil {
		for _, c := range res.Cookies {
			cl.keep(c.Value)
		}
	}
	cl.log(msg.T("logged in as %s, account %s, in the browser", cl.o.Ban, cl.o.User))
	return nil
}

// captchaJSON reads the captcha answer's token and image.
func (cl *Client) captchaJSON(body []byte) (string, []byte, error) {
	L := cl.lay.Login
	bad := func(why msg.Message) error {
		return &FormatError{Method: "GET", URL: cl.lay.Origins.Login + L.Captcha, Why: why}
	}
	var o map[string]any
	if err := json.Unmarshal(body, &o); err != nil {
		return "", nil, bad(msg.T("not JSON"))
	}
	token, ok1 := object(o).str(L.CaptchaToken)
	b64, ok2 := o[L.CaptchaImage].(string)
	if !ok1 || !ok2 || token == "" {
		return "", nil, bad(msg.T("want {%q, %q}", L.CaptchaToken, L.CaptchaImage))
	}
	b64 = b64[strings.IndexByte(b64, ',')+1:] // a data: URL is fine too
	img, err := decodeBase64(b64)
	if err != nil || !bytes.HasPrefix(img, []byte("\x89PNG")) {
		return "", nil, bad(msg.T("%s is not a base64 PNG image", L.CaptchaImage))
	}
	cl.keep(token)
	return token, img, nil
}

func urlPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}
