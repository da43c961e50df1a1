package portal

import (
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Errors a caller acts on. Every error of the package prints itself in
// English with Error and in the user's language through a msg.Printer.
var (
	// ErrChallenged: the portal answered with a Cloudflare challenge,
	// which a plain HTTP client cannot pass. A *ChallengeError wraps it.
	ErrChallenged = msg.New("the portal answered with a Cloudflare challenge page")
	// ErrLogin: the portal refused the 統一編號, 帳號 or password. Do not
	// try again with the same password: the portal locks accounts.
	ErrLogin = msg.New("login refused")
	// ErrCaptcha: the portal refused the captcha answers, every time.
	ErrCaptcha = msg.New("captcha answer refused")
	// ErrGaveUp: a request failed every attempt. A *RetryError wraps it.
	ErrGaveUp = msg.New("gave up retrying")
	// ErrNoBrowser: no Chrome, Chromium or Edge was found.
	ErrNoBrowser = msg.New("no Chrome, Chromium or Edge found")
	// ErrLoginElsewhere: the portal's start led the browser to a login
	// page on another origin than the portal's (a look-alike, or the
	// portal moved): nothing is typed there.
	ErrLoginElsewhere = msg.New("the portal's login page is not on one of its origins")
	// ErrNoDisplay: a browser window was asked for where there is no
	// display (DISPLAY and WAYLAND_DISPLAY unset): run it headless, with a
	// captcha solver.
	ErrNoDisplay = msg.New("no display to show the browser window on")
	// ErrMaybeSent: an import failed without a clear answer and 上傳列表
	// did not show it while the run watched: the file may or may not have
	// reached the portal. An *UnsureError wraps it. The run did not send it
	// again; with a journal (Options.Journal) a rerun does not send it
	// either while 上傳列表 does not show it.
	ErrMaybeSent = msg.New("the file may or may not have reached the portal")
	// ErrOpenImport: an earlier import of the period is not settled when
	// the wait runs out (上傳列表 shows it processing, or the journal
	// records one 上傳列表 does not show); nothing was sent. An
	// *OpenImportError wraps it.
	ErrOpenImport = msg.New("an earlier import is not settled")
)

// OpenImportError is an upload that sent nothing because earlier imports
// could hold the same ranges: 上傳列表 showed them processing, or the
// journal records them and 上傳列表 does not show them, until the wait
// ran out.
type OpenImportError struct {
	Busy    []UploadInfo   // imports 上傳列表 shows as not processed yet
	Unseen  []JournalEntry // imports the journal records and 上傳列表 does not show
	Watched time.Duration
}

// parts are the imports, each in a sentence.
func (e *OpenImportError) parts() []msg.Message {
	var out []msg.Message
	for _, u := range e.Busy {
		out = append(out, u.notProcessed())
	}
	for _, j := range e.Unseen {
		when := journalTime(j.Sent)
		switch {
		case j.ID != "":
			out = append(out, msg.T("an earlier run sent %s on %s (上傳編號 %s), and 上傳列表 does not show it", j.Name, when, j.ID))
		default:
			out = append(out, msg.T("an earlier run sent %s on %s without a clear answer, and 上傳列表 does not show it", j.Name, when))
		}
	}
	return out
}

// waiting is what a run says when it starts waiting, until when at the
// latest (in the portal's zone, as the journal's times).
func (e *OpenImportError) waiting(until time.Time) msg.Message {
	return msg.T("before sending anything: %v: waiting for it, until %s at the latest", msg.Semicolons(e.parts()), until.In(taiwan).Format("15:04:05 -07:00"))
}

func (e *OpenImportError) text() msg.Message {
	if len(e.Unseen) > 0 {
		return msg.T("%v after %s of waiting: %v; nothing was sent, so that no range is imported twice. Check 上傳列表 on the portal by hand; only if the import is not there, send it anyway with --resend",
			ErrOpenImport, roundWait(e.Watched), msg.Semicolons(e.parts()))
	}
	return msg.T("%v after %s of waiting: %v; nothing was sent, so that no range is imported twice: run the same upload again once it is processed; if it stays as it is, look at it in 上傳列表 on the portal, and only if it cannot hold these ranges, send anyway with --resend",
		ErrOpenImport, roundWait(e.Watched), msg.Semicolons(e.parts()))
}

// notProcessed says that an import is not processed yet, or that its
// status is none the layout knows.
func (u UploadInfo) notProcessed() msg.Message {
	if u.Unknown {
		return msg.T("上傳編號 %s (%s) has 上傳列表 status %s, which is not a status the layout knows (blank.upload status_done, status_failed, status_processing; the layout may be wrong): taken as not processed yet", u.ID, u.FileName, u.Code)
	}
	return msg.T("上傳編號 %s (%s) is not processed yet (上傳列表 status %s)", u.ID, u.FileName, u.Code)
}

func (e *OpenImportError) Error() string                  { return e.text().String() }
func (e *OpenImportError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// Is makes errors.Is(err, ErrOpenImport) true.
func (e *OpenImportError) Is(target error) bool { return target == ErrOpenImport }

// ChallengeError is a challenge met at an address.
type ChallengeError struct {
	Method, URL string // the address without its query
	Status      int
}

func (e *ChallengeError) text() msg.Message {
	return msg.T("%s %s: HTTP %d: %v, which a plain HTTP client cannot pass: carry the requests through a browser", e.Method, e.URL, e.Status, ErrChallenged)
}

func (e *ChallengeError) Error() string                  { return e.text().String() }
func (e *ChallengeError) Localize(p *msg.Printer) string { return e.text().Localize(p) }
func (e *ChallengeError) Unwrap() error                  { return ErrChallenged }

// RetryError is a request that failed every attempt.
type RetryError struct {
	Method, URL string
	Attempts    int
	Last        error // the last attempt's failure
}

func (e *RetryError) text(p *msg.Printer) string {
	// The last failure names the request too: once is enough.
	last := p.Localize(e.Last)
	if rest, ok := strings.CutPrefix(last, e.Method+" "+e.URL); ok {
		for _, sep := range []string{": ", "："} {
			if r, ok := strings.CutPrefix(rest, sep); ok {
				last = r
				break
			}
		}
	}
	if e.Attempts == 1 {
		return p.Text("%s %s: gave up after 1 attempt: %s", e.Method, e.URL, last)
	}
	return p.Text("%s %s: gave up after %d attempts: %s", e.Method, e.URL, e.Attempts, last)
}

func (e *RetryError) Error() string                  { return e.text(nil) }
func (e *RetryError) Localize(p *msg.Printer) string { return e.text(p) }

// Is makes errors.Is(err, ErrGaveUp) true.
func (e *RetryError) Is(target error) bool { return target == ErrGaveUp }

func (e *RetryError) Unwrap() error { return e.Last }

// RateLimitError is a 429 (or 503) whose Retry-After asks for a longer
// wait than the run has left.
type RateLimitError struct {
	Method, URL string
	Wait        time.Duration // what the portal asked for
	Left        time.Duration // what the run had left
}

func (e *RateLimitError) text() msg.Message {
	return msg.T("%s %s: the portal asks to wait %s before the next request (Retry-After), longer than the %s this run has left: try again later",
		e.Method, e.URL, e.Wait.Round(time.Second), e.Left.Round(time.Second))
}

func (e *RateLimitError) Error() string                  { return e.text().String() }
func (e *RateLimitError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// StatusError is an answer with an HTTP status the call cannot use. Title
// is the portal's own words: the problem-details title or the page title.
type StatusError struct {
	Method, URL string
	Status      int
	Title       string
	// Expired: the session expired (the answer was the layout's session
	// expiry); the next call logs in again.
	Expired bool
}

func (e *StatusError) text() msg.Message {
	if e.Title != "" {
		return msg.T("%s %s: HTTP %d: the portal says %q", e.Method, e.URL, e.Status, e.Title)
	}
	return msg.T("%s %s: HTTP %d", e.Method, e.URL, e.Status)
}

func (e *StatusError) Error() string                  { return e.text().String() }
func (e *StatusError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// FormatError is an answer that is not what the layout says it should be:
// a page where JSON was expected, a missing field, a value out of range.
type FormatError struct {
	Method, URL string
	Why         msg.Message
}

func (e *FormatError) text() msg.Message {
	return msg.T("%s %s: %v (if the portal changed, its layout needs correcting)", e.Method, e.URL, e.Why)
}

func (e *FormatError) Error() string                  { return e.text().String() }
func (e *FormatError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// BodyTooLargeError is an answer over the size limit, after decompression.
type BodyTooLargeError struct {
	URL      string
	Limit    int64
	Declared int64 // Content-Length, or -1
}

func (e *BodyTooLargeError) text() msg.Message {
	if e.Declared > e.Limit {
		return msg.T("the answer of %s is %d bytes (Content-Length), over the %d-byte limit", e.URL, e.Declared, e.Limit)
	}
	return msg.T("the answer of %s is over the %d-byte limit once decompressed", e.URL, e.Limit)
}

func (e *BodyTooLargeError) Error() string                  { return e.text().String() }
func (e *BodyTooLargeError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// OriginError is a request the client refused to send: its address is not
// one of the portal's origins, or not https.
type OriginError struct{ URL string }

func (e *OriginError) text() msg.Message {
	return msg.T("refusing to send a request to %s: not one of the portal's origins over https", e.URL)
}

func (e *OriginError) Error() string                  { return e.text().String() }
func (e *OriginError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// RedirectError is a redirect the client refused to follow.
type RedirectError struct {
	From, To string // addresses without their query
	Why      msg.Message
}

func (e *RedirectError) text() msg.Message {
	return msg.T("%s redirected to %s: %v", e.From, e.To, e.Why)
}

func (e *RedirectError) Error() string                  { return e.text().String() }
func (e *RedirectError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// LoginError is a login the portal refused; it wraps ErrLogin or ErrCaptcha.
type LoginError struct {
	Ban, User string
	Title     string // the portal's words
	err       error
}

func (e *LoginError) text() msg.Message {
	return msg.T("%v for %s, account %s: the portal says %q", e.err, e.Ban, e.User, e.Title)
}

func (e *LoginError) Error() string                  { return e.text().String() }
func (e *LoginError) Localize(p *msg.Printer) string { return e.text().Localize(p) }
func (e *LoginError) Unwrap() error                  { return e.err }

// ImportError is an import the portal refused whole, or whose rows it
// rejected: the reasons come at once, not after the wait.
type ImportError struct {
	File    string   // the name it was sent as
	Reasons []string // the portal's words
}

func (e *ImportError) text() msg.Message {
	return msg.T("匯入字軌 of %s was refused: %s", e.File, strings.Join(e.Reasons, "; "))
}

func (e *ImportError) Error() string                  { return e.text().String() }
func (e *ImportError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// ProxyError is a request an HTTP proxy (HTTPS_PROXY, HTTP_PROXY) failed
// or refused to carry.
type ProxyError struct {
	Host string // the proxy's host and port: never its user or password
	Err  error
}

func (e *ProxyError) text() msg.Message {
	return msg.T("through the proxy %s (HTTPS_PROXY or HTTP_PROXY): %v", e.Host, e.Err)
}

func (e *ProxyError) Error() string                  { return e.text().String() }
func (e *ProxyError) Localize(p *msg.Printer) string { return e.text().Localize(p) }
func (e *ProxyError) Unwrap() error                  { return e.Err }

// encodingError is an answer in a Content-Encoding the client does not
// read: asking again gets the same.
// The request that met it names the address.
type encodingError struct{ Encoding string }

func (e *encodingError) text() msg.Message {
	return msg.T("Content-Encoding %q, which blanktrack does not accept", e.Encoding)
}

func (e *encodingError) Error() string                  { return e.text().String() }
func (e *encodingError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// unreadableAnswer is a success (2xx) answer to a request that changes
// something, in a form that cannot be read: the portal probably did it.
type unreadableAnswer struct {
	Status int
	Err    error
}

func (e *unreadableAnswer) text() msg.Message {
	return msg.T("HTTP %d, an answer that cannot be read: %v", e.Status, e.Err)
}

func (e *unreadableAnswer) Error() string                  { return e.text().String() }
func (e *unreadableAnswer) Localize(p *msg.Printer) string { return e.text().Localize(p) }
func (e *unreadableAnswer) Unwrap() error                  { return e.Err }

// UnsureError is an import that failed without a clear answer (a 5xx, a
// reset, a timeout after the file was sent) and that 上傳列表 did not show
// while the run watched it, until the wait ran out.
type UnsureError struct {
	File    string        // the file as given
	Name    string        // the name it was sent as
	Watched time.Duration // how long 上傳列表 was watched
	Err     error         // the import's failure
	List    error         // 上傳列表's failure, when it could not be read
	Journal bool          // the journal records it: a rerun does not send it while 上傳列表 does not show it
}

func (e *UnsureError) text() msg.Message {
	if !e.Journal {
		return msg.T("%s: sending %s failed without a clear answer (%v), and 上傳列表 did not show it in %s of watching: %v. It was not sent again; no journal records it, so look for it in 上傳列表 on the portal before running the upload again",
			e.File, e.Name, e.Err, roundWait(e.Watched), ErrMaybeSent)
	}
	if e.List != nil {
		return msg.T("%s: sending %s failed without a clear answer (%v), and 上傳列表 could not be read (%v): %v. It was not sent again: run the same upload again later; it follows the import once 上傳列表 shows it, and its journal keeps it from sending the file again meanwhile",
			e.File, e.Name, e.Err, e.List, ErrMaybeSent)
	}
	return msg.T("%s: sending %s failed without a clear answer (%v), and 上傳列表 did not show it in %s of watching: %v. It was not sent again: run the same upload again later; it follows the import once 上傳列表 shows it, and its journal keeps it from sending the file again meanwhile",
		e.File, e.Name, e.Err, roundWait(e.Watched), ErrMaybeSent)
}

func (e *UnsureError) Error() string                  { return e.text().String() }
func (e *UnsureError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// Is makes errors.Is(err, ErrMaybeSent) true.
func (e *UnsureError) Is(target error) bool { return target == ErrMaybeSent }

func (e *UnsureError) Unwrap() error { return e.Err }

// roundWait is a duration as a person reads it: whole seconds, or
// milliseconds under a second.
func roundWait(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}
