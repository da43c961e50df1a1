package portal

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// captchaTries is how many captchas one login may ask for: a wrong answer
// is tried again with a new image, a wrong password never.
const captchaTries = 3

// Login logs in as 營業人: in the browser when the client is carried by
// one, otherwise with plain HTTP; in ModeAuto a challenge turns to the
// browser.
func (cl *Client) Login(ctx context.Context) error {
	cl.loggedIn = false
	err := cl.loginOnce(ctx)
	if err != nil && cl.o.Mode == ModeAuto && cl.mode == ModeDirect && errors.Is(err, ErrChallenged) {
		cl.log(msg.T("the portal answers plain HTTP with a Cloudflare challenge: logging in through a browser"))
		cl.mode = ModeBrowser
		err = cl.loginOnce(ctx)
	}
	if err != nil {
		return cl.clean(err)
	}
	cl.loggedIn = true
	return nil
}

func (cl *Client) loginOnce(ctx context.Context) error {
	if cl.mode == ModeBrowser {
		return cl.loginBrowser(ctx)
	}
	return cl.loginDirect(ctx)
}

func (cl *Client) ensureLogin(ctx context.Context) error {
	if cl.loggedIn {
		return nil
	}
	return cl.Login(ctx)
}

// loginDirect is the portal's login with plain HTTP: the proxy's redirects
// to the login page and its login_challenge, the captcha JSON, doLogin,
// and the redirects after it, which end with the session cookie.
func (cl *Client) loginDirect(ctx context.Context) error {
	L := cl.lay.Login
	start := layout.URL(cl.lay.Origins.Login, L.Proxy, nil)
	a, err := cl.do(ctx, call{method: http.MethodGet, url: start, header: http.Header{"Accept": {"text/html,*/*"}}})
	if err != nil {
		return msg.Errorf("opening the login: %w", err)
	}
	if a.status != http.StatusOK {
		return &StatusError{Method: "GET", URL: redact(start), Status: a.status, Title: cl.titleOf(a)}
	}
	final, _ := url.Parse(a.url)
	challenge := final.Query().Get(L.ChallengeParam)
	if challenge == "" {
		return &FormatError{Method: "GET", URL: redact(start), Why: msg.T("the login did not lead to a login page with %s (it ended at %s)", L.ChallengeParam, redact(a.url))}
	}
	cl.keep(challenge)
	for try := 1; ; try++ {
		token, img, err := cl.captcha(ctx)
		if err != nil {
			return err
		}
		answer, err := cl.o.Captcha(ctx, img)
		if err != nil {
			return msg.Errorf("captcha: %w", err)
		}
		answer = strings.TrimSpace(answer)
		cl.keepAnswer(answer)
		B := cl.lay.Login.Body
		body, _ := json.Marshal(map[string]string{
			B.LoginType: L.LoginType, B.UserType: L.UserType, B.Challenge: challenge,
			B.Ban: string(cl.o.Ban), B.User: cl.o.User, B.Password: cl.o.Password,
			B.CaptchaToken: token, B.Captcha: answer,
		})
		do := call{method: http.MethodPost, url: layout.URL(cl.lay.Origins.Login, L.DoLogin, nil), body: body,
			header: http.Header{"Content-Type": {"application/json"}}, once: true}
		a, err := cl.do(ctx, do)
		if err != nil {
			return msg.Errorf("logging in: %w", err)
		}
		if a.status == http.StatusOK {
			return cl.finishDirect(ctx, do, a)
		}
		if err := cl.loginRefusal(a, try); err != nil {
			return err
		}
		cl.log(msg.T("the portal refused the captcha answer: a new captcha"))
	}
}

// loginRefusal turns a refused doLogin into its error; nil means a wrong
// captcha that may be tried again with a new one.
func (cl *Client) loginRefusal(a *answer, try int) error {
	title := cl.titleOf(a)
	S := cl.lay.Session
	switch {
	case S.CaptchaRefused != "" && strings.Contains(title, S.CaptchaRefused):
		if try >= captchaTries {
			return &LoginError{Ban: string(cl.o.Ban), User: cl.o.User, Title: title, err: ErrCaptcha}
		}
		return nil
	case a.status >= 500:
		return &StatusError{Method: "POST", URL: redact(layout.URL(cl.lay.Origins.Login, cl.lay.Login.DoLogin, nil)), Status: a.status, Title: title}
	}
	// A wrong password, a locked account, anything else: stop at once,
	// never try the password again (the portal locks accounts).
	return &LoginError{Ban: string(cl.o.Ban), User: cl.o.User, Title: title, err: ErrLogin}
}

// captcha fetches a captcha: its token and its PNG image.
func (cl *Client) captcha(ctx context.Context) (string, []byte, error) {
	L := cl.lay.Login
	c := call{method: http.MethodGet, url: layout.URL(cl.lay.Origins.Login, L.Captcha, nil)}
	a, err := cl.do(ctx, c)
	if err != nil {
		return "", nil, msg.Errorf("captcha: %w", err)
	}
	if a.status != http.StatusOK {
		return "", nil, &StatusError{Method: "GET", URL: c.where(), Status: a.status, Title: cl.titleOf(a)}
	}
	if _, err := cl.jsonOf(c, a); err != nil {
		return "", nil, err
	}
	return cl.captchaJSON(a.body)
}

// finishDirect follows doLogin's redirectTo (consent, code) and takes the
// session token from the login origin's session cookie.
func (cl *Client) finishDirect(ctx context.Context, do call, a *answer) error {
	v, err := cl.jsonOf(do, a)
	if err != nil {
		return err
	}
	o, _ := v.(map[string]any)
	next, ok := object(o).str(cl.lay.Login.RedirectTo)
	if !ok || next == "" {
		return &FormatError{Method: "POST", URL: do.where(), Why: msg.T("the answer has no %q", cl.lay.Login.RedirectTo)}
	}
	u, err := url.Parse(next)
	if err != nil || !u.IsAbs() || !cl.guard.allowed(u) {
		return &RedirectError{From: do.where(), To: redact(next), Why: msg.T("not one of the portal's origins over https: not followed")}
	}
	cl.keepQuery(u)
	a, err = cl.do(ctx, call{method: http.MethodGet, url: next, header: http.Header{"Accept": {"text/html,*/*"}}})
	if err != nil {
		return msg.Errorf("after logging in: %w", err)
	}
	if a.status != http.StatusOK {
		return &StatusError{Method: "GET", URL: redact(next), Status: a.status, Title: cl.titleOf(a)}
	}
	for _, c := range cl.c.Cookies(cl.lay.Origins.Login) {
		if c.Name == cl.lay.Session.Cookie && c.Value != "" {
			cl.token = c.Value
			cl.keep(c.Value)
		}
	}
	for _, c := range cl.c.Cookies(cl.lay.Origins.WWW) {
		cl.keep(c.Value)
	}
	if cl.token == "" {
		return &FormatError{Method: "GET", URL: redact(a.url), Why: msg.T("logged in, but the portal set no %q cookie to carry the session: use the browser", cl.lay.Session.Cookie)}
	}
	cl.log(msg.T("logged in as %s, account %s", cl.o.Ban, cl.o.User))
	return nil
}

// api sends a request to the API origin with the session, logging in
// first, and once more when the session has expired. It returns the
// decoded JSON of a 2xx answer.
func (cl *Client) callAPI(ctx context.Context, c call) (any, *answer, error) {
	c.auth = true
	for again := 0; ; again++ {
		if err := cl.ensureLogin(ctx); err != nil {
			return nil, nil, err
		}
		a, err := cl.do(ctx, c)
		if err != nil && again == 0 && cl.o.Mode == ModeAuto && cl.mode == ModeDirect && errors.Is(err, ErrChallenged) {
			// Logged in with plain HTTP, challenged on data: the browser.
			cl.log(msg.T("the portal answers plain HTTP with a Cloudflare challenge: continuing through a browser"))
			cl.mode, cl.loggedIn = ModeBrowser, false
			continue
		}
		if err != nil {
			return nil, nil, cl.clean(err)
		}
		if cl.expired(a) {
			if again > 0 {
				return nil, nil, &StatusError{Method: c.method, URL: c.where(), Status: a.status, Title: cl.titleOf(a)}
			}
			cl.log(msg.T("the session expired: logging in again"))
			cl.loggedIn = false
			if c.once {
				// It changes something, and may have done so: the caller
				// looks before sending it again.
				return nil, a, &StatusError{Method: c.method, URL: c.where(), Status: a.status, Title: cl.titleOf(a), Expired: true}
			}
			continue
		}
		if a.status < 200 || a.status > 299 {
			return nil, a, &StatusError{Method: c.method, URL: c.where(), Status: a.status, Title: cl.titleOf(a)}
		}
		v, err := cl.jsonOf(c, a)
		return v, a, err
	}
}

func (cl *Client) expired(a *answer) bool {
	if a.status == http.StatusUnauthorized {
		return true
	}
	return cl.lay.Session.Expired != "" && a.status >= 400 && cl.titleOf(a) == cl.lay.Session.Expired
}
