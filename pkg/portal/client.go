package portal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// CaptchaSolver reads the portal's captcha image (PNG) and returns its
// answer: a person at a prompt, or a command for unattended runs.
type CaptchaSolver func(ctx context.Context, image []byte) (string, error)

// Options configure a Client.
type Options struct {
	BaseURL  string // https://…, or http:// on a loopback address
	Ban      ranges.Ban
	User     string
	Password string // never logged, never in an error
	Captcha  CaptchaSolver

	Timeout time.Duration // per request; default 30s
	Retries int           // further attempts on 5xx and network errors; default 4
	Backoff time.Duration // first wait between attempts, doubled each time; default 1s

	// Transport, if set, carries the requests (tests); TLS verification is
	// never turned off by the client itself.
	Transport http.RoundTripper
}

// Errors a caller acts on.
var (
	ErrLogin      = errors.New("login refused")
	ErrCaptcha    = errors.New("captcha answer refused")
	ErrChallenged = errors.New("the portal answered with a Cloudflare challenge page, which an HTTP client cannot pass; upload by hand in a browser, or try again later")
)

// RedirectError is a redirect the client refused to follow.
type RedirectError struct {
	From, To string // addresses without their query
	Why      string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s redirected to %s: %s", e.From, e.To, e.Why)
}

// PageError is a page that is not the one the flow expects. It names the
// page title and address, never the session.
type PageError struct {
	Want   string // the expected page title
	Title  string
	URL    string
	Status int
}

func (e *PageError) Error() string {
	return fmt.Sprintf("expected the page %q, got %q (HTTP %d) at %s", e.Want, e.Title, e.Status, e.URL)
}

// Client is a logged-in session with the portal, driven by colly.
// Its methods are not safe for concurrent use: the flow is one sequence.
type Client struct {
	o    Options
	base *url.URL
	c    *colly.Collector

	mu       sync.Mutex
	ctx      context.Context
	resp     *colly.Response
	respErr  error
	loggedIn bool
}

// New checks the options and prepares a session; it does not connect.
func New(o Options) (*Client, error) {
	u, err := url.Parse(o.BaseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("portal address %q: want https://host", o.BaseURL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("portal address %q: only https, or http on a loopback address (the simulator), is allowed", o.BaseURL)
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 4
	}
	if o.Backoff == 0 {
		o.Backoff = time.Second
	}
	if o.Captcha == nil {
		return nil, errors.New("no captcha solver")
	}
	cl := &Client{o: o, base: u, ctx: context.Background()}
	c := colly.NewCollector(
		colly.AllowURLRevisit(), // polling and repeated posts revisit URLs
		colly.IgnoreRobotsTxt(),
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(20<<20),
		colly.UserAgent("blanktrack (+https://github.com/blanktrack/blanktrack)"),
	)
	base := o.Transport
	if base == nil {
		base = &http.Transport{Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 10 * time.Second}
	}
	// WithTransport keeps colly's cookie jar (SetClient would drop it).
	c.WithTransport(ctxTransport{base: originOnly{base: base, origin: u}, ctx: func() context.Context { return cl.ctx }})
	c.SetRequestTimeout(o.Timeout)
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, u) {
			return &RedirectError{From: redact(via[len(via)-1].URL.String()), To: redact(req.URL.String()), Why: "another origin: not followed, so that no cookie or form leaves the portal"}
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			// 307 and 308 keep the method and body: a login form would be
			// sent again.
			return &RedirectError{From: redact(via[len(via)-1].URL.String()), To: redact(req.URL.String()), Why: "a " + req.Method + " redirect would send the form again: not followed"}
		}
		if len(via) >= 10 {
			return errors.New("more than 10 redirects")
		}
		return nil
	})
	c.OnResponse(func(r *colly.Response) { cl.resp, cl.respErr = r, nil })
	c.OnError(func(r *colly.Response, err error) {
		// On a network error colly passes a response it made up, with no
		// status and nil Headers: that is no answer at all.
		if r != nil && (r.StatusCode == 0 || r.Headers == nil) {
			r = nil
		}
		cl.resp, cl.respErr = r, err
	})
	cl.c = c
	return cl, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ctxTransport gives every request the context of the call in progress, so
// that cancelling it stops a request under way.
type ctxTransport struct {
	base http.RoundTripper
	ctx  func() context.Context
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.WithContext(t.ctx()))
}

// originOnly refuses every request that is not for the portal's own origin
// (scheme, host and port): the last guard that keeps the session cookie and
// the login form at home, whatever a redirect or a page says.
type originOnly struct {
	base   http.RoundTripper
	origin *url.URL
}

func (t originOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if !sameOrigin(r.URL, t.origin) {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("refusing to send a request to %s: not the portal's origin %s", redact(r.URL.String()), t.origin.Scheme+"://"+t.origin.Host)
	}
	return t.base.RoundTrip(r)
}

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// page is a response, parsed.
type page struct {
	url    string
	status int
	title  string
	doc    *goquery.Document
	body   []byte
}

// request sends one request, retrying 5xx answers and network errors with
// backoff. A 4xx answer or a challenge is not retried.
func (cl *Client) request(ctx context.Context, method, path string, body []byte, hdr http.Header) (*page, error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.ctx = ctx
	target := cl.base.ResolveReference(&url.URL{Path: pathOnly(path), RawQuery: queryOnly(path)}).String()
	wait := cl.o.Backoff
	var last error
	for attempt := 0; attempt <= cl.o.Retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
			}
			wait *= 2
		}
		cl.resp, cl.respErr = nil, nil
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		err := cl.c.Request(method, target, rd, nil, hdr.Clone())
		if cl.respErr != nil {
			err = cl.respErr
		}
		if cl.resp != nil {
			// An HTTP status colly counts as an error is still an answer.
			err = nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r := cl.resp
		var re *RedirectError
		if errors.As(err, &re) {
			return nil, re
		}
		if r == nil {
			last = fmt.Errorf("%s %s: %w", method, redact(target), errNoSecret(err))
			continue // a network error
		}
		if isChallenge(r) {
			return nil, ErrChallenged
		}
		if r.StatusCode >= 500 {
			last = fmt.Errorf("%s %s: HTTP %d", method, redact(r.Request.URL.String()), r.StatusCode)
			continue
		}
		if r.StatusCode >= 400 {
			return nil, fmt.Errorf("%s %s: HTTP %d", method, redact(r.Request.URL.String()), r.StatusCode)
		}
		return parsePage(r)
	}
	return nil, fmt.Errorf("gave up after %d attempts: %w", cl.o.Retries+1, last)
}

func pathOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}
	return p
}

func queryOnly(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// redact drops the query of an address: it is the part that could carry
// something private.
func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// errNoSecret keeps an error's message but not a URL's query inside it.
func errNoSecret(err error) error {
	if err == nil {
		return errors.New("no response")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, redact(ue.URL), ue.Err)
	}
	return err
}

func isChallenge(r *colly.Response) bool {
	if r.Headers != nil && r.Headers.Get("cf-mitigated") == "challenge" {
		return true
	}
	return (r.StatusCode == 403 || r.StatusCode == 503) && bytes.Contains(r.Body, []byte("Just a moment"))
}

func parsePage(r *colly.Response) (*page, error) {
	return parseHTML(r.Request.URL.String(), r.StatusCode, r.Headers.Get("Content-Type"), r.Body)
}

func parseHTML(u string, status int, contentType string, body []byte) (*page, error) {
	p := &page{url: u, status: status, body: body}
	if !strings.Contains(contentType, "html") {
		return p, nil
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: unreadable page: %w", redact(p.url), err)
	}
	p.doc = doc
	p.title = strings.TrimSpace(doc.Find("h1").First().Text())
	if p.title == "" {
		p.title, _, _ = strings.Cut(strings.TrimSpace(doc.Find("title").Text()), " - ")
	}
	return p, nil
}

// get fetches a page that must carry the title want, logging in again once
// when the session has expired.
func (cl *Client) get(ctx context.Context, path, want string) (*page, error) {
	return cl.expect(ctx, want, func() (*page, error) { return cl.request(ctx, http.MethodGet, path, nil, nil) })
}

func (cl *Client) expect(ctx context.Context, want string, send func() (*page, error)) (*page, error) {
	for relogin := 0; ; relogin++ {
		p, err := send()
		if err != nil {
			return nil, err
		}
		if p.title == want {
			return p, nil
		}
		if p.title == TitleLogin && want != TitleLogin && relogin == 0 {
			// The session expired: log in again, once.
			cl.loggedIn = false
			if err := cl.Login(ctx); err != nil {
				return nil, fmt.Errorf("session expired, and logging in again failed: %w", err)
			}
			continue
		}
		return nil, &PageError{Want: want, Title: p.title, URL: redact(p.url), Status: p.status}
	}
}

// Login logs in as 營業人 with the captcha the login page shows.
func (cl *Client) Login(ctx context.Context) error {
	p, err := cl.request(ctx, http.MethodGet, PathLogin, nil, nil)
	if err != nil {
		return err
	}
	if p.title != TitleLogin {
		return &PageError{Want: TitleLogin, Title: p.title, URL: redact(p.url), Status: p.status}
	}
	src, ok := p.doc.Find("img#captcha").Attr("src")
	if !ok {
		return &PageError{Want: TitleLogin + " with a captcha image", Title: p.title, URL: redact(p.url), Status: p.status}
	}
	img, err := cl.request(ctx, http.MethodGet, src, nil, nil)
	if err != nil {
		return fmt.Errorf("captcha image: %w", err)
	}
	answer, err := cl.o.Captcha(ctx, img.body)
	if err != nil {
		return fmt.Errorf("captcha: %w", err)
	}
	form := url.Values{
		FieldBan:      {string(cl.o.Ban)},
		FieldAccount:  {cl.o.User},
		FieldPassword: {cl.o.Password},
		FieldCaptcha:  {strings.TrimSpace(answer)},
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	p, err = cl.request(ctx, http.MethodPost, PathLogin, []byte(form.Encode()), hdr)
	if err != nil {
		return err
	}
	switch p.title {
	case TitleMenu:
		cl.loggedIn = true
		return nil
	case TitleLogin:
		msg := strings.TrimSpace(p.doc.Find(".error").Text())
		if strings.Contains(msg, "驗證碼") {
			return fmt.Errorf("%w: the portal says %q", ErrCaptcha, msg)
		}
		return fmt.Errorf("%w for %s, account %s: the portal says %q", ErrLogin, cl.o.Ban, cl.o.User, msg)
	}
	return &PageError{Want: TitleMenu, Title: p.title, URL: redact(p.url), Status: p.status}
}

func (cl *Client) ensureLogin(ctx context.Context) error {
	if cl.loggedIn {
		return nil
	}
	return cl.Login(ctx)
}

// Records lists what 查詢 shows on record for a period, every page.
func (cl *Client) Records(ctx context.Context, p ranges.Period) ([]Record, error) {
	if err := cl.ensureLogin(ctx); err != nil {
		return nil, err
	}
	var out []Record
	for n := 1; ; n++ {
		pg, err := cl.get(ctx, fmt.Sprintf("%s?%s=%s&%s=%d", PathQuery, FieldYearMonth, p.Code(), FieldPage, n), TitleQuery)
		if err != nil {
			return nil, err
		}
		rows, err := readTable(pg, TableQuery, ColQueryBan, ColQueryType, ColQueryYM, ColQueryTrack, ColQueryStart, ColQueryEnd)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			rec, err := parseRecord(r)
			if err != nil {
				return nil, fmt.Errorf("%s page %d, row %d: %w", TitleQuery, n, i+1, err)
			}
			out = append(out, rec)
		}
		if pg.doc.Find("a.next").Length() == 0 {
			return out, nil
		}
		if n > 10000 {
			return nil, errors.New("查詢 does not stop paging")
		}
	}
}

func parseRecord(c map[string]string) (Record, error) {
	var r Record
	var err error
	if r.Ban, err = ranges.ParseBan(c[ColQueryBan]); err != nil {
		return r, err
	}
	if r.Type, err = ranges.ParseInvoiceType(c[ColQueryType]); err != nil {
		return r, err
	}
	if r.Period, err = ranges.ParsePeriod(c[ColQueryYM]); err != nil {
		return r, err
	}
	if r.Track, err = ranges.ParseTrack(c[ColQueryTrack]); err != nil {
		return r, err
	}
	if r.Start, err = ranges.ParseNumber(c[ColQueryStart]); err != nil {
		return r, err
	}
	if r.End, err = ranges.ParseNumber(c[ColQueryEnd]); err != nil {
		return r, err
	}
	if r.End < r.Start {
		return r, fmt.Errorf("%s %s is before %s %s", ColQueryEnd, r.End, ColQueryStart, r.Start)
	}
	return r, nil
}

var reUploadID = regexp.MustCompile(`上傳編號\s*(\d+)`)

// Import uploads a bulk file with 匯入字軌 for a period and returns the
// import's number in 上傳列表.
func (cl *Client) Import(ctx context.Context, p ranges.Period, name string, data []byte) (int, error) {
	if err := cl.ensureLogin(ctx); err != nil {
		return 0, err
	}
	if _, err := cl.get(ctx, fmt.Sprintf("%s?%s=%s", PathBlank, FieldYearMonth, p.Code()), TitleBlank); err != nil {
		return 0, err
	}
	// colly's PostMultipart sends no filename, so the portal would not see
	// a file: build the body here.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField(FieldYearMonth, p.Code()); err != nil {
		return 0, err
	}
	fw, err := mw.CreateFormFile(FieldFile, name)
	if err != nil {
		return 0, err
	}
	fw.Write(data)
	if err := mw.Close(); err != nil {
		return 0, err
	}
	hdr := http.Header{"Content-Type": {mw.FormDataContentType()}}
	pg, err := cl.expect(ctx, TitleImport, func() (*page, error) {
		return cl.request(ctx, http.MethodPost, PathImport, body.Bytes(), hdr)
	})
	if err != nil {
		return 0, err
	}
	msg := strings.TrimSpace(pg.doc.Find(".message").Text())
	m := reUploadID.FindStringSubmatch(msg)
	if m == nil {
		return 0, fmt.Errorf("匯入字軌 of %s: the portal says %q", name, msg)
	}
	id, _ := strconv.Atoi(m[1])
	return id, nil
}

// UploadInfo is a row of 上傳列表.
type UploadInfo struct {
	ID        int
	FileName  string
	Processed bool
	OK        int
	Failed    int
}

// Uploads lists 上傳列表 for a period.
func (cl *Client) Uploads(ctx context.Context, p ranges.Period) ([]UploadInfo, error) {
	if err := cl.ensureLogin(ctx); err != nil {
		return nil, err
	}
	pg, err := cl.get(ctx, fmt.Sprintf("%s?%s=%s", PathUploads, FieldYearMonth, p.Code()), TitleUploads)
	if err != nil {
		return nil, err
	}
	rows, err := readTable(pg, TableUploads, ColUploadID, ColUploadFile, ColUploadStatus, ColUploadOK, ColUploadFailed)
	if err != nil {
		return nil, err
	}
	var out []UploadInfo
	for _, r := range rows {
		id, err := strconv.Atoi(r[ColUploadID])
		if err != nil {
			return nil, fmt.Errorf("%s: %s %q is not a number", TitleUploads, ColUploadID, r[ColUploadID])
		}
		u := UploadInfo{ID: id, FileName: r[ColUploadFile], Processed: r[ColUploadStatus] == StatusDone}
		u.OK, _ = strconv.Atoi(r[ColUploadOK])
		u.Failed, _ = strconv.Atoi(r[ColUploadFailed])
		out = append(out, u)
	}
	return out, nil
}

// UploadRows returns how each line of an import was processed.
func (cl *Client) UploadRows(ctx context.Context, id int) ([]RowResult, error) {
	pg, err := cl.get(ctx, fmt.Sprintf("%s?%s=%d", PathUpload, FieldID, id), TitleUpload)
	if err != nil {
		return nil, err
	}
	rows, err := readTable(pg, TableRows, ColRowSeq, ColRowBan, ColRowTrack, ColRowStart, ColRowEnd, ColRowType, ColRowResult, ColRowReason)
	if err != nil {
		return nil, err
	}
	var out []RowResult
	for _, r := range rows {
		seq, _ := strconv.Atoi(r[ColRowSeq])
		out = append(out, RowResult{Seq: seq, Ban: r[ColRowBan], Track: r[ColRowTrack], Start: r[ColRowStart], End: r[ColRowEnd],
			Type: r[ColRowType], OK: r[ColRowResult] == ResultOK, Reason: r[ColRowReason]})
	}
	return out, nil
}

// readTable reads a table by its id into maps keyed by the header texts,
// requiring the named columns.
func readTable(p *page, id string, need ...string) ([]map[string]string, error) {
	t := p.doc.Find("table#" + id)
	if t.Length() == 0 {
		return nil, fmt.Errorf("page %q at %s has no table %s", p.title, redact(p.url), id)
	}
	var headers []string
	t.Find("tr").First().Find("th").Each(func(_ int, s *goquery.Selection) {
		headers = append(headers, strings.TrimSpace(s.Text()))
	})
	for _, n := range need {
		found := false
		for _, h := range headers {
			found = found || h == n
		}
		if !found {
			return nil, fmt.Errorf("page %q at %s: table %s has no column %q (columns: %s)", p.title, redact(p.url), id, n, strings.Join(headers, ", "))
		}
	}
	var out []map[string]string
	t.Find("tr").Slice(1, goquery.ToEnd).Each(func(_ int, tr *goquery.Selection) {
		row := map[string]string{}
		tr.Find("td").Each(func(i int, td *goquery.Selection) {
			if i < len(headers) {
				row[headers[i]] = strings.TrimSpace(td.Text())
			}
		})
		out = append(out, row)
	})
	return out, nil
}
