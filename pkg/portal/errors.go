package portal

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors a caller acts on.
var (
	// ErrChallenged: the portal answered with a Cloudflare challenge,
	// which a plain HTTP client cannot pass. A *ChallengeError wraps it.
	ErrChallenged = errors.New("the portal answered with a Cloudflare challenge page")
	// ErrLogin: the portal refused the 統一編號, 帳號 or password. Do not
	// try again with the same password: the portal locks accounts.
	ErrLogin = errors.New("login refused")
	// ErrCaptcha: the portal refused the captcha answers, every time.
	ErrCaptcha = errors.New("captcha answer refused")
	// ErrGaveUp: a request failed every attempt. A *RetryError wraps it.
	ErrGaveUp = errors.New("gave up retrying")
	// ErrNoBrowser: no Chrome, Chromium or Edge was found.
	ErrNoBrowser = errors.New("no Chrome, Chromium or Edge found")
	// ErrNoDisplay: a browser window was asked for where there is no
	// display (DISPLAY and WAYLAND_DISPLAY unset): run it headless, with a
	// captcha solver.
	ErrNoDisplay = errors.New("no display to show the browser window on")
)

// ChallengeError is a challenge met at an address.
type ChallengeError struct {
	Method, URL string // the address without its query
	Status      int
}

func (e *ChallengeError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %v, which a plain HTTP client cannot pass: carry the requests through a browser", e.Method, e.URL, e.Status, ErrChallenged)
}

func (e *ChallengeError) Unwrap() error { return ErrChallenged }

// RetryError is a request that failed every attempt.
type RetryError struct {
	Method, URL string
	Attempts    int
	Last        error // the last attempt's failure
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("%s %s: gave up after %d attempts: %v", e.Method, e.URL, e.Attempts, e.Last)
}

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

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s %s: the portal asks to wait %s before the next request (Retry-After), longer than the %s this run has left: try again later",
		e.Method, e.URL, e.Wait.Round(time.Second), e.Left.Round(time.Second))
}

// StatusError is an answer with an HTTP status the call cannot use. Title
// is the portal's own words: the problem-details title or the page title.
type StatusError struct {
	Method, URL string
	Status      int
	Title       string
}

func (e *StatusError) Error() string {
	if e.Title != "" {
		return fmt.Sprintf("%s %s: HTTP %d: the portal says %q", e.Method, e.URL, e.Status, e.Title)
	}
	return fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.Status)
}

// FormatError is an answer that is not what the layout says it should be:
// a page where JSON was expected, a missing field, a value out of range.
type FormatError struct {
	Method, URL string
	Why         string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s %s: %s (if the portal changed, its layout needs correcting)", e.Method, e.URL, e.Why)
}

// BodyTooLargeError is an answer over the size limit, after decompression.
type BodyTooLargeError struct {
	URL      string
	Limit    int64
	Declared int64 // Content-Length, or -1
}

func (e *BodyTooLargeError) Error() string {
	if e.Declared > e.Limit {
		return fmt.Sprintf("the answer of %s is %d bytes (Content-Length), over the %d-byte limit", e.URL, e.Declared, e.Limit)
	}
	return fmt.Sprintf("the answer of %s is over the %d-byte limit once decompressed", e.URL, e.Limit)
}

// OriginError is a request the client refused to send: its address is not
// one of the portal's origins, or not https.
type OriginError struct{ URL string }

func (e *OriginError) Error() string {
	return fmt.Sprintf("refusing to send a request to %s: not one of the portal's origins over https", e.URL)
}

// RedirectError is a redirect the client refused to follow.
type RedirectError struct {
	From, To string // addresses without their query
	Why      string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s redirected to %s: %s", e.From, e.To, e.Why)
}

// LoginError is a login the portal refused; it wraps ErrLogin or ErrCaptcha.
type LoginError struct {
	Ban, User string
	Title     string // the portal's words
	err       error
}

func (e *LoginError) Error() string {
	return fmt.Sprintf("%v for %s, account %s: the portal says %q", e.err, e.Ban, e.User, e.Title)
}

func (e *LoginError) Unwrap() error { return e.err }

// ImportError is an import the portal refused whole, or whose rows it
// rejected: the reasons come at once, not after the wait.
type ImportError struct {
	File    string   // the name it was sent as
	Reasons []string // the portal's words
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("匯入字軌 of %s was refused: %s", e.File, strings.Join(e.Reasons, "; "))
}
