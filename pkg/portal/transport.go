package portal

import (
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// guard is the transport every request passes, whichever carries it. It
// sends nothing to an address that is not one of the portal's origins, so
// that no redirect or page can lead the password, a cookie or the token
// elsewhere, and it bounds every answer after decompression.
type guard struct {
	origins []*url.URL
	max     int64
	next    atomic.Pointer[hop]
}

// hop is the carrier of requests, and the HTTP proxy it goes through, if
// any (nil: none).
type hop struct {
	rt    http.RoundTripper
	proxy func(*http.Request) (*url.URL, error)
}

func newGuard(origins []*url.URL, max int64, next http.RoundTripper, proxy func(*http.Request) (*url.URL, error)) *guard {
	g := &guard{origins: origins, max: max}
	g.next.Store(&hop{rt: next, proxy: proxy})
	return g
}

// use switches the carrier of later requests.
func (g *guard) use(next http.RoundTripper) { g.next.Store(&hop{rt: next}) }

func (g *guard) allowed(u *url.URL) bool {
	if u.Scheme != "https" && !(u.Scheme == "http" && layout.IsLoopback(u.Hostname())) {
		return false
	}
	for _, o := range g.origins {
		if sameOrigin(u, o) {
			return true
		}
	}
	return false
}

func (g *guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if !g.allowed(r.URL) {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &OriginError{URL: redact(r.URL.String())}
	}
	h := g.next.Load()
	res, err := h.rt.RoundTrip(r)
	if err != nil {
		if h.proxy != nil {
			if pu, perr := h.proxy(r); perr == nil && pu != nil {
				// Its host only: a proxy's address may carry a password.
				return nil, &ProxyError{Host: pu.Host, Err: err}
			}
		}
		return nil, err
	}
	where := redact(r.URL.String())
	if res.ContentLength > g.max {
		res.Body.Close()
		return nil, &BodyTooLargeError{URL: where, Limit: g.max, Declared: res.ContentLength}
	}
	body := res.Body
	enc := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding")))
	switch {
	case res.Uncompressed || enc == "" || enc == "identity":
	case enc == "gzip" || enc == "x-gzip":
		body = &gunzip{raw: res.Body}
	default:
		res.Body.Close()
		return nil, &encodingError{Encoding: enc}
	}
	res.Header.Del("Content-Encoding")
	res.Header.Del("Content-Length")
	res.ContentLength = -1
	res.Body = &capped{r: body, left: g.max, url: where, limit: g.max}
	// The body is plain bytes now: colly must not decompress it again
	// (it would, for Content-Encoding x-gzip and for an application/gzip
	// body, without a limit).
	res.Uncompressed = true
	return res, nil
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

// gunzip decompresses lazily, so that a bad header is a read error.
type gunzip struct {
	raw io.ReadCloser
	zr  *gzip.Reader
	err error
}

func (g *gunzip) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.raw)
		if g.err != nil {
			g.err = msg.Errorf("the answer says it is gzip and is not: %w", g.err)
		}
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

func (g *gunzip) Close() error { return g.raw.Close() }

// capped fails a read past the limit, naming the size: a truncated answer
// is never taken for a whole one.
type capped struct {
	r     io.ReadCloser
	left  int64
	limit int64
	url   string
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, &BodyTooLargeError{URL: c.url, Limit: c.limit, Declared: -1}
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, &BodyTooLargeError{URL: c.url, Limit: c.limit, Declared: -1}
	}
	return n, err
}

func (c *capped) Close() error { return c.r.Close() }

// redact drops the query and fragment of an address: the parts that can
// carry a login challenge, a code or a verifier.
func redact(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// retryable reports whether a failed request is worth another attempt:
// not when asking again must get the same (an answer too large, a
// redirect or origin refused, a challenge, a certificate that does not
// verify, an encoding the client does not read, a proxy that refuses to
// carry it).
func retryable(err error) bool {
	var (
		tooLarge *BodyTooLargeError
		origin   *OriginError
		redirect *RedirectError
		encoding *encodingError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		host     x509.HostnameError
		invalid  x509.CertificateInvalidError
		proxy    *ProxyError
	)
	switch {
	case errors.As(err, &tooLarge), errors.As(err, &origin), errors.As(err, &redirect),
		errors.Is(err, ErrChallenged), errors.Is(err, errNoBrowserPage), errors.As(err, &encoding),
		errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return false
	case errors.As(err, &proxy):
		// The proxy answered CONNECT with a refusal (a plain error of its
		// status text); a network failure on the way is worth another try.
		var ne net.Error
		return errors.As(proxy.Err, &ne) || errors.Is(proxy.Err, io.EOF) || errors.Is(proxy.Err, io.ErrUnexpectedEOF)
	}
	return true
}
