package portal

import (
	"context"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// leaks names the first piece of secret, n bytes long, that text shows.
func leaks(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

// A portal that echoes a secret in its answer, cut short by the client's
// 200-character limit on the portal's words or in a form the client did
// not send it in, shows none of it: a review found the first 150
// characters of the session token, and a URL-encoded password, printed.
func TestEchoedSecretsAreRedacted(t *testing.T) {
	const password = `Pw"中<Zq81xK&`
	bare := strings.TrimPrefix(fakeToken, "CU") // the token without its marker

	// The token, cut anywhere by the 200-character limit.
	for pad := 150; pad < 200; pad += 7 {
		for _, echo := range []func(r *http.Request) string{
			func(r *http.Request) string { return r.Header.Get("Authorization") },
			func(r *http.Request) string { return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") },
		} {
			f := newFake(t)
			f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
				writeJSONTo(w, 400, map[string]string{"title": strings.Repeat("x", pad) + echo(r)})
			})
			cl, logs := f.client()
			_, err := cl.Periods(context.Background())
			out := strings.Join(append(*logs, errText(err)), "\n")
			if err == nil {
				t.Fatal("a 400 was taken for periods")
			}
			if l := leaks(out, bare, 8); l != "" {
				t.Errorf("pad %d: the output shows %q of the token:\n%s", pad, l, out)
			}
		}
	}

	// The password, cut short or encoded.
	encoded := []string{password, url.QueryEscape(password), url.PathEscape(password), html.EscapeString(password),
		`Pw\"\u4e2d\u003cZq81xK\u0026`, `Pw\"\u4e2d<Zq81xK&`, base64.StdEncoding.EncodeToString([]byte(password)),
		strings.NewReplacer(`"`, "&quot;", `<`, "&lt;", `&`, "&amp;").Replace(password)}
	titles := []string{}
	for pad := 180; pad < 200; pad += 3 {
		titles = append(titles, strings.Repeat("E", pad)+" pw="+password)
	}
	for _, e := range encoded {
		titles = append(titles, "bad: "+e+" |")
	}
	for _, title := range titles {
		f := newFake(t)
		f.on(f.lay.Login.DoLogin, func(w http.ResponseWriter, r *http.Request) {
			writeJSONTo(w, 400, map[string]string{"title": title})
		})
		cl, logs := f.client(func(o *Options) { o.Password = password })
		err := cl.Login(context.Background())
		out := strings.Join(append(*logs, errText(err)), "\n")
		if strings.HasPrefix(title, "bad:") && !strings.Contains(out, "bad: [redacted] |") {
			t.Errorf("title %q: the portal's words are not shown with the password redacted:\n%s", title, out)
		}
		if strings.HasPrefix(title, "EEE") && !strings.Contains(out, "EEEEEEEE") {
			t.Errorf("title %q: the portal's words are not shown:\n%s", title, out)
		}
		for _, e := range encoded {
			if strings.Contains(out, e) {
				t.Errorf("title %q: the output shows the password as %q:\n%s", title, e, out)
			}
		}
		if l := leaks(out, "Zq81xK", 4); l != "" {
			t.Errorf("title %q: the output shows %q of the password:\n%s", title, l, out)
		}
	}
}

// The login's one-time values (the challenge, the OAuth code, the
// verifier) echoed later are not shown either.
func TestEchoedLoginValuesAreRedacted(t *testing.T) {
	f := newFake(t)
	f.on(f.lay.Blank.Periods, func(w http.ResponseWriter, r *http.Request) {
		writeJSONTo(w, 400, map[string]string{"title": "state: chal-123456 code-777777 v-999999"})
	})
	cl, logs := f.client()
	_, err := cl.Periods(context.Background())
	if err == nil || !strings.Contains(err.Error(), "state: [redacted] [redacted] [redacted]") {
		t.Errorf("%v", err)
	}
	noSecret(t, append(*logs, errText(err))...)
}
