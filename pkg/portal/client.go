package portal

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Options configure a Client.
type Options struct {
	Layout *Layout // nil: the built-in layout
	Mode   Mode    // how requests reach the portal; "": ModeAuto

	Ban      ranges.Ban // 統一編號 to log in with
	User     string     // 帳號
	Password string     // sent to the login origin only; never logged, never in an error
	Head     ranges.Ban // HeadBan of E0402 imports; default Ban

	// Captcha answers the captcha of a direct login, and of a browser
	// login when set; in a visible browser window, nil lets the person type
	// it there.
	Captcha CaptchaSolver
	Browser BrowserOptions

	Timeout       time.Duration // one request; default 30s
	Retries       int           // further attempts of a request on network errors, 5xx and 429; default 4, <0 none
	Backoff       time.Duration // first wait between attempts, doubled each time; default 1s
	MaxBody       int64         // largest answer after decompression; default 8 MiB
	MaxRetryAfter time.Duration // longest Retry-After honoured when ctx has no deadline; default 2m

	// Log is told of logins, mode switches and the waiting for the
	// portal: progress, for a terminal. It never shows a secret, and
	// speaks Printer's language (nil: English); so does Execute's log.
	Log     func(string)
	Printer *msg.Printer

	// Transport carries direct requests (tests); TLS verification is never
	// turned off by the client.
	Transport http.RoundTripper

	// Journal is the folder of the journal of imports sent (one file per
	// 統編 and period, next to the upload's lock); "" keeps none, and then
	// a rerun knows only what 上傳列表 shows.
	Journal string
	// Resend sends content the journal records as sent although 上傳列表
	// does not show it: only after a person has checked the portal.
	Resend bool
	// Standing, if set, is told by Execute, each time it changes, what
	// stopping the run now would leave on the portal, in words for the
	// person (what an interrupt says).
	Standing func(msg.Message)
}

// Client is a session with the portal, driven by colly. Its methods are not
// safe for concurrent use: the flow is one sequence.
type Client struct {
	o               Options
	lay             *Layout
	www, login, api *url.URL

	c     *colly.Collector // cloned per request, so that each carries its call's context
	guard *guard
	mode  Mode // ModeDirect or ModeBrowser: how requests go now

	mu       sync.Mutex // one request at a time
	token    string     // the Bearer token of a direct session
	loggedIn bool
	browser  *browser
	secMu    sync.Mutex
	secrets  []string         // values no output may show, guarded by secMu
	answers  []*regexp.Regexp // the login's captcha answers as words, guarded by secMu
	public   []string         // values any output may show (統編, 帳號, the layout's names)
}

// New checks the options and prepares a session; it does not connect.
func New(o Options) (*Client, error) {
	if o.Layout == nil {
		o.Layout = DefaultLayout()
	}
	if o.Mode == "" {
		o.Mode = ModeAuto
	}
	if _, err := ParseMode(string(o.Mode)); err != nil {
		return nil, msg.Errorf("mode %w", err)
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	switch {
	case o.Retries == 0:
		o.Retries = 4
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Backoff == 0 {
		o.Backoff = time.Second
	}
	if o.MaxBody == 0 {
		o.MaxBody = 8 << 20
	}
	if o.MaxRetryAfter == 0 {
		o.MaxRetryAfter = 2 * time.Minute
	}
	if o.Head == "" {
		o.Head = o.Ban
	}
	if o.Ban == "" || o.User == "" {
		return nil, msg.New("a login needs a 統一編號 and an account (帳號)")
	}
	if o.Captcha == nil && (o.Mode == ModeDirect || o.Mode == ModeAuto) {
		return nil, msg.New("a direct login needs a captcha solver")
	}
	cl := &Client{o: o, lay: o.Layout, mode: o.Mode}
	if o.Mode == ModeAuto {
		cl.mode = ModeDirect
	}
	var err error
	for _, x := range []struct {
		dst **url.URL
		s   string
	}{{&cl.www, o.Layout.Origins.WWW}, {&cl.login, o.Layout.Origins.Login}, {&cl.api, o.Layout.Origins.API}} {
		if *x.dst, err = url.Parse(x.s); err != nil {
			return nil, msg.Errorf("layout origin %q: %w", x.s, err)
		}
	}
	if o.Password != "" {
		cl.secrets = append(cl.secrets, secretForms(o.Password)...)
	}
	cl.public = publicValues(o)
	direct := o.Transport
	var proxy func(*http.Request) (*url.URL, error)
	if direct == nil {
		// A proxy's address that cannot be read would be ignored, and the
		// run would go direct without a word; its password is a secret.
		for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
			v := os.Getenv(name)
			if v == "" {
				continue
			}
			u, err := url.Parse(v)
			if err != nil || u.Host == "" {
				// As Go reads it: an address without a scheme is http's.
				u, err = url.Parse("http://" + v)
			}
			if err != nil || u.Host == "" {
				// Not its value, nor the parser's words, which quote it:
				// it may hold a password.
				return nil, msg.Errorf("%s is set to a proxy address that cannot be read as a URL (not shown: it may hold a password): correct it, or unset it to connect directly", name)
			}
			if pw, ok := u.User.Password(); ok && len(pw) >= 4 {
				cl.secrets = append(cl.secrets, secretForms(pw)...)
				cl.secrets = append(cl.secrets, secretForms(u.User.Username()+":"+pw)...)
			}
		}
		proxy = proxyFromEnvironment
		direct = &http.Transport{
			Proxy:                  proxy,
			TLSHandshakeTimeout:    10 * time.Second,
			ResponseHeaderTimeout:  o.Timeout,
			MaxResponseHeaderBytes: 64 << 10,
			IdleConnTimeout:        30 * time.Second,
		}
	}
	cl.guard = newGuard([]*url.URL{cl.www, cl.login, cl.api}, o.MaxBody, direct, proxy)

	c := colly.NewCollector(
		colly.AllowURLRevisit(), // polling and repeated requests revisit addresses
		colly.IgnoreRobotsTxt(),
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(0), // the guard bounds answers, and says so instead of truncating
		colly.UserAgent("blanktrack (+https://github.com/blanktrack/blanktrack)"),
	)
	c.WithTransport(cl.guard) // keeps colly's cookie jar (SetClient would drop it)
	c.SetRequestTimeout(o.Timeout)
	c.SetRedirectHandler(cl.checkRedirect)
	cl.c = c
	return cl, nil
}

// proxyFromEnvironment is the HTTP proxy of a request: HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY (tests name their own).
var proxyFromEnvironment = http.ProxyFromEnvironment

// Close ends the session: it closes the browser, if one was opened, and
// removes its profile.
func (cl *Client) Close() error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.browser != nil {
		cl.browser.close()
		cl.browser = nil
	}
	return nil
}

// Ban is the 統一編號 the client logs in with.
func (cl *Client) Ban() ranges.Ban { return cl.o.Ban }

// Mode is how requests reach the portal now: ModeDirect or ModeBrowser.
func (cl *Client) Mode() Mode { return cl.mode }

// log tells Options.Log a message, in the printer's language, without
// secrets.
func (cl *Client) log(m msg.Message) {
	if cl.o.Log != nil {
		cl.o.Log(cl.scrub(m.Localize(cl.o.Printer)))
	}
}

// keep notes a value no output may show, in every form a server may echo
// it in.
func (cl *Client) keep(secret string) {
	if len(secret) >= 4 {
		cl.secMu.Lock()
		cl.secrets = append(cl.secrets, secretForms(secret)...)
		cl.secMu.Unlock()
	}
}

// keepAnswer keeps a captcha answer from any output, as a word of its
// own: an answer is a short run of digits (00000) that blanked inside the
// invoice numbers of the portal's answers would break them ([redacted]000
// matches no range), while an echo of the answer itself stands apart.
func (cl *Client) keepAnswer(answer string) {
	if answer == "" {
		return
	}
	re := regexp.MustCompile(`(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(answer) + `([^\p{L}\p{N}]|$)`)
	cl.secMu.Lock()
	cl.answers = append(cl.answers, re)
	cl.secMu.Unlock()
}

// scrubAnswers blanks each captcha answer that stands as a word of its own.
func scrubAnswers(answers []*regexp.Regexp, s string) string {
	for _, re := range answers {
		// Twice: two echoes side by side share the character between them.
		s = re.ReplaceAllString(re.ReplaceAllString(s, "${1}[redacted]${2}"), "${1}[redacted]${2}")
	}
	return s
}

func (cl *Client) answerList() []*regexp.Regexp {
	cl.secMu.Lock()
	defer cl.secMu.Unlock()
	return slices.Clone(cl.answers)
}

// secretList is a copy of the secrets kept so far.
func (cl *Client) secretList() []string {
	cl.secMu.Lock()
	defer cl.secMu.Unlock()
	return slices.Clone(cl.secrets)
}

// secretForms is a secret as a server may echo it: as it is, URL-encoded,
// in a JSON string (Go's and Python's escapes), HTML-escaped, in base64.
func secretForms(s string) []string {
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s),
		strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", `'`, "&#x27;").Replace(s),
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))}
	if j, err := json.Marshal(s); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	var ascii strings.Builder // JSON with every non-ASCII rune escaped
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			ascii.WriteByte('\\')
			ascii.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&ascii, `\u%04x`, u)
			}
		default:
			ascii.WriteRune(r)
		}
	}
	forms = append(forms, ascii.String(), strings.ToUpper(url.QueryEscape(s)))
	// Longest first: a form inside another (base64 without its padding)
	// must not leave the rest of the longer one.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return slices.Compact(forms)
}

// scrub removes every secret from a text.
func (cl *Client) scrub(s string) string {
	return scrubAnswers(cl.answerList(), scrub(cl.secretList(), cl.public, s))
}

// scrub replaces every secret in s with [redacted]. A public value that
// holds a secret (a password that is the 統編, the account or a word of the
// portal's addresses) is left as it is: blanking it would tell the
// password, while showing it tells nothing that is not public.
func scrub(secrets, public []string, s string) string {
	var shielded []string
	for _, p := range public {
		for _, v := range secrets {
			if p != "" && strings.Contains(p, v) && strings.Contains(s, p) {
				shielded = append(shielded, p)
				break
			}
		}
	}
	slices.SortFunc(shielded, func(a, b string) int { return len(b) - len(a) }) // longest first
	for i, p := range shielded {
		s = strings.ReplaceAll(s, p, "\x00"+strconv.Itoa(i)+"\x00")
	}
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) }) // a secret inside another goes last
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, "[redacted]")
	}
	s = scrubClipped(secrets, s)
	s = scrubEnds(secrets, s)
	// Whatever the client was not told: a bearer token or a JWT echoed in
	// an answer.
	s = reBearer.ReplaceAllString(s, "${1}[redacted]")
	s = reJWTAny.ReplaceAllString(s, "[redacted]")
	s = reJWTStart.ReplaceAllString(s, "[redacted]")
	for i, p := range shielded {
		s = strings.ReplaceAll(s, "\x00"+strconv.Itoa(i)+"\x00", p)
	}
	return s
}

// publicValues are the values of a login that any output may show: the
// 統編, the account, the head office, and every name of the layout (its
// origins, paths and fields).
func publicValues(o Options) []string {
	out := []string{string(o.Ban), o.User, string(o.Head)}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(k)
				walk(v.MapIndex(k))
			}
		case reflect.String:
			out = append(out, v.String())
		}
	}
	walk(reflect.ValueOf(o.Layout))
	return out
}

// scrubbed is an error whose text, in any language, has no secret;
// errors.Is and As still see the error inside.
type scrubbed struct {
	secrets, public []string
	answers         []*regexp.Regexp
	err             error
}

func (e *scrubbed) Error() string {
	return scrubAnswers(e.answers, scrub(e.secrets, e.public, e.err.Error()))
}
func (e *scrubbed) Localize(p *msg.Printer) string {
	return scrubAnswers(e.answers, scrub(e.secrets, e.public, p.Localize(e.err)))
}
func (e *scrubbed) Unwrap() error { return e.err }

func (cl *Client) clean(err error) error {
	if err == nil {
		return nil
	}
	if s := err.Error(); cl.scrub(s) != s {
		return &scrubbed{secrets: cl.secretList(), public: cl.public, answers: cl.answerList(), err: err}
	}
	return err
}

// checkRedirect follows a redirect only to one of the portal's origins,
// over https, and only for GET: a 307 or 308 after a POST would send its
// body (the login form) again.
func (cl *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	refuse := func(why msg.Message) error {
		return &RedirectError{From: redact(prev.URL.String()), To: redact(req.URL.String()), Why: why}
	}
	switch {
	case !cl.guard.allowed(req.URL):
		return refuse(msg.T("not one of the portal's origins over https: not followed, so that no cookie, token or form leaves the portal"))
	case req.Method != http.MethodGet && req.Method != http.MethodHead:
		return refuse(msg.T("a %s redirect would send the request body again: not followed", req.Method))
	case len(via) >= 10:
		return refuse(msg.T("more than 10 redirects"))
	}
	if !sameOrigin(req.URL, cl.api) {
		req.Header.Del("Authorization")
	}
	cl.keepQuery(req.URL)
	return nil
}

// keepQuery keeps the long values of an address's query: the login's
// redirects carry its one-time values (code, state, verifier) there, and an
// error echoing one must not show it.
func (cl *Client) keepQuery(u *url.URL) {
	for _, vs := range u.Query() {
		for _, v := range vs {
			if len(v) >= 8 {
				cl.keep(v)
			}
		}
	}
}

// call is one request.
type call struct {
	method string
	url    string
	body   []byte
	header http.Header
	auth   bool // carries the session's token (the API origin)
	once   bool // changes something: never sent again after a failure
}

// answer is an answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	url    string // after redirects
}

func (c call) where() string { return redact(c.url) }

// send makes one attempt. colly is the engine: each request runs on a
// clone of the collector whose Context is the call's, so cancelling the
// call stops the request, and the browser carrier reads the context from
// the request.
func (cl *Client) send(ctx context.Context, c call) (*answer, error) {
	col := cl.c.Clone()
	col.Context = ctx
	hdr := http.Header{}
	for k, v := range c.header {
		hdr[k] = v
	}
	if hdr.Get("Accept") == "" {
		hdr.Set("Accept", "application/json, text/plain, */*")
	}
	if c.auth && cl.mode == ModeDirect && cl.token != "" {
		hdr.Set("Authorization", "Bearer "+cl.token)
	}
	var (
		resp  *colly.Response
		cbErr error
	)
	col.OnResponse(func(r *colly.Response) { resp = r })
	col.OnError(func(r *colly.Response, err error) {
		// On a network error colly passes a response it made up, with no
		// status and nil Headers: that is no answer.
		if r != nil && r.StatusCode != 0 && r.Headers != nil {
			resp = r
			return
		}
		cbErr = err
	})
	var body *bytes.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	var err error
	if body != nil {
		err = col.Request(c.method, c.url, body, nil, hdr)
	} else {
		err = col.Request(c.method, c.url, nil, nil, hdr)
	}
	if resp != nil {
		a := &answer{status: resp.StatusCode, body: resp.Body, url: c.url}
		if resp.Headers != nil {
			a.header = *resp.Headers
		}
		if resp.Request != nil && resp.Request.URL != nil {
			a.url = resp.Request.URL.String()
		}
		return a, nil
	}
	if err == nil {
		err = cbErr
	}
	if err == nil {
		err = msg.New("no answer")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error repeats the address, query included: keep the cause.
		err = ue.Err
	}
	return nil, cl.clean(msg.Errorf("%s %s: %w", c.method, c.where(), err))
}

// do sends a request, and again after a network error, a 5xx or a 429,
// with doubling pauses, honouring Retry-After within the context's
// deadline. A call marked once is sent once. A challenge page is never
// taken for an answer.
func (cl *Client) do(ctx context.Context, c call) (*answer, error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	attempts := cl.o.Retries + 1
	if c.once {
		attempts = 1
	}
	wait := cl.o.Backoff
	var last error
	for n := 1; ; n++ {
		a, err := cl.send(ctx, c)
		if ctx.Err() != nil {
			return nil, msg.Errorf("%s %s: %w", c.method, c.where(), context.Cause(ctx))
		}
		pause := wait
		switch {
		case err != nil:
			if !retryable(err) {
				return nil, err
			}
			last = err
		case cl.isChallenge(a):
			return nil, &ChallengeError{Method: c.method, URL: redact(a.url), Status: a.status}
		case a.status == http.StatusTooManyRequests || (a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != ""):
			last = &StatusError{Method: c.method, URL: c.where(), Status: a.status}
			if ra, ok := retryAfter(a.header.Get("Retry-After"), time.Now()); ok {
				left := cl.o.MaxRetryAfter
				if d, ok := ctx.Deadline(); ok {
					left = time.Until(d)
				}
				if ra > left {
					return nil, &RateLimitError{Method: c.method, URL: c.where(), Wait: ra, Left: left}
				}
				pause = max(pause, ra)
			}
		case a.status >= 500:
			last = &StatusError{Method: c.method, URL: c.where(), Status: a.status, Title: cl.titleOf(a)}
		default:
			return a, nil
		}
		if c.once {
			// Never retried: the failure as it is.
			return nil, last
		}
		if n >= attempts {
			return nil, &RetryError{Method: c.method, URL: c.where(), Attempts: n, Last: last}
		}
		if d, ok := ctx.Deadline(); ok && time.Now().Add(pause).After(d) {
			return nil, &RetryError{Method: c.method, URL: c.where(), Attempts: n, Last: msg.Errorf("%w; the run's deadline comes before the next attempt", last)}
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, msg.Errorf("%s %s: %w", c.method, c.where(), context.Cause(ctx))
		case <-t.C:
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// isChallenge recognises Cloudflare's interstitial: by its header, or by
// an HTML page with its markers answering 403, 429 or 503.
func (cl *Client) isChallenge(a *answer) bool {
	ch := cl.lay.Challenge
	if ch.Header != "" && strings.EqualFold(a.header.Get(ch.Header), ch.HeaderValue) {
		return true
	}
	if a.status != 403 && a.status != 429 && a.status != 503 {
		return false
	}
	head := a.body[:min(len(a.body), 64<<10)]
	for _, m := range ch.Markers {
		if m != "" && bytes.Contains(head, []byte(m)) {
			return true
		}
	}
	return false
}

var (
	reBearer = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*`)
	// reJWTStart is the start of a JWT, whole or cut short: base64 of a
	// JSON header ({"…) of some length.
	reJWTStart = regexp.MustCompile(`[A-Za-z]{0,4}eyJ[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]*){0,2}`)
)

// scrubEnds removes the end of a long secret (a token's signature) that a
// text shows without its start: a server that echoes a cut of it, a file
// name built from its last characters. Only suffixes of at least
// secretEndMin bytes of secrets of at least secretLongMin bytes: shorter
// ones would blank common words.
func scrubEnds(secrets []string, s string) string {
	for _, v := range secrets {
		// Every suffix long enough ends with the shortest.
		if len(v) < secretLongMin || !strings.Contains(s, v[len(v)-secretEndMin:]) {
			continue
		}
		for k := 1; len(v)-k >= secretEndMin; k++ { // longest first
			if utf8.RuneStart(v[k]) {
				s = strings.ReplaceAll(s, v[k:], "[redacted]")
			}
		}
	}
	return s
}

const (
	secretLongMin = 24
	secretEndMin  = 12
)

// scrubClipped removes the start of a secret that a text cut short ends
// with: a message clipped to a length ("…") may stop inside a secret.
func scrubClipped(secrets []string, s string) string {
	for from := 0; ; {
		i := strings.Index(s[from:], "…")
		if i < 0 {
			return s
		}
		i += from
		// A quoted value is cut inside its quotes: "…"… .
		end := i
		if end > 0 && (s[end-1] == '"' || s[end-1] == '\'') {
			end--
		}
		longest := 0
		for _, v := range secrets {
			for k := min(len(v)-1, end); k >= 4 && k > longest; k-- {
				if strings.HasSuffix(s[:end], v[:k]) {
					longest = k
					break
				}
			}
		}
		if longest > 0 {
			s = s[:end-longest] + "[redacted]" + s[end:]
			i += len("[redacted]") - longest
		}
		from = i + len("…")
	}
}
