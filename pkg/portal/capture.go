package portal

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// CaptureOptions configure Capture.
type CaptureOptions struct {
	Layout  *Layout // nil: the built-in layout
	Browser BrowserOptions
	// Done ends the recording when it closes (the person pressed Enter);
	// closing the browser window ends it too.
	Done <-chan struct{}
	// Log is told what to do, in Printer's language (nil: English).
	Log     func(string)
	Printer *msg.Printer
}

// Recording is what Capture saw: every exchange of the page with the
// portal's login and API origins, secrets redacted. A maintainer turns it
// into a layout.
type Recording struct {
	Tool      string     `json:"tool"`
	Note      string     `json:"note"`
	Started   time.Time  `json:"started"`
	Hosts     Hosts      `json:"hosts"`
	Exchanges []Exchange `json:"exchanges"`
}

// Hosts are the portal's origins a recording covers.
type Hosts struct {
	WWW   string `json:"www"`
	Login string `json:"login"`
	API   string `json:"api"`
}

// Exchange is one request and its answer.
type Exchange struct {
	Method      string `json:"method"`
	URL         string `json:"url"` // secret query values redacted
	Status      int    `json:"status"`
	ContentType string `json:"contentType,omitempty"`
	Request     *Body  `json:"request,omitempty"`
	Response    *Body  `json:"response,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Body is a request or answer body as far as a layout needs it.
type Body struct {
	Size      int                 `json:"size"`
	JSON      any                 `json:"json,omitempty"` // fields and values, secrets redacted
	Form      map[string][]string `json:"form,omitempty"`
	Multipart []Part              `json:"multipart,omitempty"`
	File      *File               `json:"file,omitempty"` // a downloaded file, whole
	Text      string              `json:"text,omitempty"` // anything else: its beginning
}

// Part is one field of a multipart body: the file's content is not kept.
type Part struct {
	Field       string `json:"field"`
	FileName    string `json:"fileName,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Value       string `json:"value,omitempty"`
	Size        int    `json:"size"`
}

// File is a downloaded file (the 範本).
type File struct {
	Name        string `json:"name,omitempty"`
	ContentType string `json:"contentType"`
	Base64      string `json:"base64"`
}

const captureNote = "Recorded by blanktrack portal capture. Passwords, captcha answers and images, " +
	"cookies, Authorization headers, tokens, login challenges, codes and verifiers are redacted; " +
	"no request or response header other than Content-Type and Content-Disposition is kept; " +
	"an uploaded file's content is not kept, only its field, name and size."

// Capture opens the portal in a browser window and records every exchange
// of the page with the portal's login and API origins while the person
// logs in, opens the blank-number screen, queries, imports one file and
// opens 上傳列表; until Done closes or the window is closed. Ending ctx
// abandons the recording.
func Capture(ctx context.Context, o CaptureOptions) (*Recording, error) {
	return capture(ctx, o, nil)
}

func capture(ctx context.Context, o CaptureOptions, drive func(ctx context.Context, b *browser) error) (*Recording, error) {
	lay := o.Layout
	if lay == nil {
		lay = DefaultLayout()
	}
	login, _ := url.Parse(lay.Origins.Login)
	api, _ := url.Parse(lay.Origins.API)
	keep := func(u string) bool {
		p, err := url.Parse(u)
		return err == nil && (sameOrigin(p, login) || sameOrigin(p, api))
	}
	b, err := launch(ctx, o.Browser, keep, 4<<20)
	if err != nil {
		return nil, err
	}
	defer b.close()
	rec := &Recording{Tool: "blanktrack portal capture", Note: captureNote, Started: time.Now().UTC().Truncate(time.Second),
		Hosts: Hosts{WWW: lay.Origins.WWW, Login: lay.Origins.Login, API: lay.Origins.API}}
	forms, err := watchForms(ctx, b)
	if err != nil {
		return nil, err
	}
	defer forms.stop()
	if err := b.navigate(ctx, lay.Origins.WWW+lay.Login.Start); err != nil {
		return nil, err
	}
	if o.Log != nil {
		o.Log(o.Printer.Text("recording: log in, open 上傳空白未使用發票號碼作業, choose the 字軌期別, 查詢, 匯入字軌 one file, download the 範本 and open 上傳列表; then close the window (or press Enter)"))
	}
	if drive != nil {
		if err := drive(ctx, b); err != nil {
			return nil, err
		}
	} else if err := waitClosed(ctx, b, o.Done); err != nil {
		return nil, err
	}
	// The last answers' bodies: a moment to arrive.
	_ = sleep(ctx, 300*time.Millisecond)
	secrets := pageSecrets(b, lay)
	r := redactor{lay: lay}
	reports := forms.list()
	for _, ex := range b.net.snapshot(0) {
		e := r.exchange(ex)
		if len(ex.body) == 0 && e.Response == nil {
			// An answer DevTools kept no body of: the page's report.
			for i, f := range reports {
				if f.Download != nil && f.Method == ex.method && f.URL == ex.url {
					if data, err := base64.StdEncoding.DecodeString(f.Download.Base64); err == nil {
						e.Response = r.body(data, f.Download.ContentType, f.Download.Disposition)
					}
					reports = slices.Delete(reports, i, i+1)
					break
				}
			}
		}
		if len(ex.postData) == 0 && e.Request != nil {
			// A body DevTools did not show: the page's report of it.
			for i, f := range reports {
				if f.Download == nil && f.Method == ex.method && f.URL == ex.url {
					e.Request.Multipart = r.parts(f.Parts)
					e.Note = "request body as the page reported it"
					reports = slices.Delete(reports, i, i+1)
					break
				}
			}
		}
		rec.Exchanges = append(rec.Exchanges, e)
	}
	// Belt and braces: the session's token and cookie values, wherever
	// they appear.
	data, _ := json.Marshal(rec)
	for _, s := range secrets {
		if len(s) >= 6 && bytes.Contains(data, []byte(s)) {
			data = bytes.ReplaceAll(data, []byte(s), []byte("[redacted]"))
		}
	}
	var out Recording
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

//go:embed formreport.js
var formReportJS string

// formReport is a FormData body the page sent, or a file it downloaded.
type formReport struct {
	URL      string `json:"url"`
	Method   string `json:"method"`
	Parts    []Part `json:"parts"`
	Download *struct {
		ContentType string `json:"contentType"`
		Disposition string `json:"disposition"`
		Base64      string `json:"base64"`
	} `json:"download"`
}

type formWatch struct {
	mu      sync.Mutex
	reports []formReport
	stop    context.CancelFunc
	done    chan struct{}
}

func (w *formWatch) list() []formReport {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.reports)
}

// watchForms has every page of the tab report the FormData bodies it
// sends: DevTools does not show a body that holds a file.
func watchForms(ctx context.Context, b *browser) (*formWatch, error) {
	const name = "__blanktrackForm"
	if _, err := cdp.Call(ctx, b.target, cdpruntime.AddBinding, cdpruntime.AddBindingParams{Name: name}); err != nil {
		return nil, msg.Errorf("the capture's form report: %w", err)
	}
	if _, err := cdp.Call(ctx, b.target, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: formReportJS}); err != nil {
		return nil, msg.Errorf("the capture's form report: %w", err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	w := &formWatch{stop: cancel, done: make(chan struct{})}
	events := cdp.Events(wctx, b.target, cdpruntime.BindingCalled)
	go func() {
		defer close(w.done)
		for ev, err := range events {
			if err != nil {
				return
			}
			var f formReport
			if ev.Name != name || json.Unmarshal([]byte(ev.Payload), &f) != nil {
				continue
			}
			w.mu.Lock()
			if len(w.reports) < 1000 {
				w.reports = append(w.reports, f)
			}
			w.mu.Unlock()
		}
	}()
	return w, nil
}

// parts redacts the fields of a reported form.
func (r redactor) parts(ps []Part) []Part {
	out := slices.Clone(ps)
	for i := range out {
		out[i].Value = r.text(out[i].Value)
		if out[i].FileName == "" && r.secretKey(out[i].Field) {
			out[i].Value = "[redacted]"
		}
	}
	return out
}

// WriteJSON writes the recording, indented.
func (r *Recording) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	return e.Encode(r)
}

// waitClosed waits until the window closes, done closes or ctx ends.
func waitClosed(ctx context.Context, b *browser, done <-chan struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-done:
			return nil
		case <-time.After(500 * time.Millisecond):
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := eval[int](cctx, b, "1")
		cancel()
		if err != nil && ctx.Err() == nil {
			return nil // the window is gone
		}
	}
}

// pageSecrets are the values the page holds that no recording may show:
// its token and cookies.
func pageSecrets(b *browser, lay *Layout) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var out []string
	if tok, err := eval[string](ctx, b, fmt.Sprintf(`(window.sessionStorage && sessionStorage.getItem(%s)) || ""`, js(lay.Session.TokenStorage))); err == nil && tok != "" {
		out = append(out, tok)
	}
	if res, err := cdp.Call(ctx, b.target, network.GetCookies, network.GetCookiesParams{URLs: []string{lay.Origins.WWW, lay.Origins.Login, lay.Origins.API}}); err == nil {
		for _, c := range res.Cookies {
			out = append(out, c.Value)
		}
	}
	return out
}

// redactor turns an exchange into its record without secrets.
type redactor struct{ lay *Layout }

var (
	reSecretKey = regexp.MustCompile(`(?i)pass(word|wd)?|pwd|captcha|token|secret|^sid$|session|cookie|authori[sz]ation|verifier|challenge|jwt|^code$|credential|otp`)
	reJWT       = regexp.MustCompile(`^[A-Za-z]{0,4}eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$`)
	reJWTAny    = regexp.MustCompile(`[A-Za-z]{0,4}eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	reBase64    = regexp.MustCompile(`^(data:[a-z/+.-]+;base64,)?[A-Za-z0-9+/=\s]{200,}$`)
)

func (r redactor) secretKey(k string) bool {
	B := r.lay.Login.Body
	return reSecretKey.MatchString(k) || k == B.Password || k == B.Captcha || k == B.CaptchaToken
}

func (r redactor) exchange(ex exchange) Exchange {
	out := Exchange{Method: ex.method, URL: r.url(ex.url), Status: ex.status, ContentType: ex.respHeader["content-type"]}
	if out.ContentType == "" {
		out.ContentType = headerOf(ex.respHeader, "Content-Type")
	}
	if ex.failed != "" {
		out.Note = "failed: " + ex.failed
	}
	if ex.method != "GET" && ex.method != "HEAD" && ex.method != "OPTIONS" {
		if len(ex.postData) == 0 {
			out.Request = &Body{}
			out.Note = strings.TrimSpace(out.Note + " the browser did not show the request body")
		} else {
			out.Request = r.body(ex.postData, headerOf(ex.reqHeaders, "Content-Type"), "")
		}
	}
	if ex.bodyNote != "" {
		out.Note = strings.TrimSpace(out.Note + " answer: " + ex.bodyNote)
	} else if len(ex.body) > 0 {
		out.Response = r.body(ex.body, out.ContentType, headerOf(ex.respHeader, "Content-Disposition"))
	}
	return out
}

func headerOf(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// url redacts the secret query values of an address.
func (r redactor) url(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "[an address that does not parse]"
	}
	q := u.Query()
	for k := range q {
		if r.secretKey(k) {
			q[k] = []string{"[redacted]"}
		}
	}
	u.RawQuery = strings.ReplaceAll(q.Encode(), "%5Bredacted%5D", "[redacted]")
	u.Fragment = ""
	return u.String()
}

func (r redactor) body(data []byte, contentType, disposition string) *Body {
	b := &Body{Size: len(data)}
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case strings.HasSuffix(mt, "json") || (mt == "" && json.Valid(data)):
		if v, err := decodeJSON(data); err == nil {
			b.JSON = r.value("", v)
			return b
		}
	case mt == "application/x-www-form-urlencoded":
		if q, err := url.ParseQuery(string(data)); err == nil {
			for k, vs := range q {
				for i := range vs {
					vs[i] = r.text(vs[i])
				}
				if r.secretKey(k) {
					q[k] = []string{"[redacted]"}
				}
			}
			b.Form = q
			return b
		}
	case mt == "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			content, _ := io.ReadAll(io.LimitReader(p, 8<<20))
			part := Part{Field: p.FormName(), FileName: p.FileName(), ContentType: p.Header.Get("Content-Type"), Size: len(content)}
			if part.FileName == "" {
				part.Value = r.text(string(content))
				if r.secretKey(part.Field) {
					part.Value = "[redacted]"
				}
			}
			b.Multipart = append(b.Multipart, part)
		}
		return b
	}
	if disposition != "" || isFileType(mt) {
		_, dp, _ := mime.ParseMediaType(disposition)
		b.File = &File{Name: dp["filename"], ContentType: contentType, Base64: base64.StdEncoding.EncodeToString(data)}
		return b
	}
	text := string(data[:min(len(data), 4096)])
	b.Text = r.text(text)
	return b
}

func isFileType(mt string) bool {
	return mt == "text/csv" || mt == "application/xml" || mt == "text/xml" || mt == "application/octet-stream" ||
		strings.Contains(mt, "spreadsheet") || strings.Contains(mt, "excel") || mt == "application/zip"
}

// value redacts a JSON value: secret keys, JWTs (a row token keeps its
// payload's data, which is the row), long base64 (captcha images) and
// addresses' secret query values.
func (r redactor) value(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = r.value(k, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.value(key, e)
		}
		return out
	case string:
		if reJWT.MatchString(x) {
			if data, err := tokenData(x[strings.Index(x, "eyJ"):]); err == nil {
				return map[string]any{"[redacted token]": "its payload's data:", "data": r.value("", map[string]any(data))}
			}
			return "[redacted token]"
		}
		if key != "" && r.secretKey(key) {
			return "[redacted]"
		}
		if reBase64.MatchString(x) {
			return fmt.Sprintf("[base64, %d characters]", len(x))
		}
		if strings.HasPrefix(x, "http://") || strings.HasPrefix(x, "https://") {
			return r.url(x)
		}
		return r.text(x)
	}
	if key != "" && r.secretKey(key) {
		return "[redacted]"
	}
	return v
}

func (r redactor) text(s string) string {
	return reJWTAny.ReplaceAllString(s, "[redacted token]")
}
