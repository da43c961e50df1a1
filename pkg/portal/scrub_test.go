package portal

import (
	"context"
	"strings"
	"testing"
)

// Blanking a password that is also a public value would tell the password
// (a review found "login refused for [redacted], account head" when the
// password was the 統編); public values stay, real secrets go.
func TestScrubKeepsPublicValues(t *testing.T) {
	o := Options{Ban: "53212539", User: "head", Head: "53212539", Layout: DefaultLayout()}
	public := publicValues(o)
	for _, c := range []struct {
		password, text, want string
	}{
		{"53212539", "login refused for 53212539, account head", "login refused for 53212539, account head"},
		{"head", "login refused for 53212539, account head", "login refused for 53212539, account head"},
		{"login", "GET https://service-mc.einvoice.nat.gov.tw/act/login/api/proxy/login/b: HTTP 500", "GET https://service-mc.einvoice.nat.gov.tw/act/login/api/proxy/login/b: HTTP 500"},
		{"s3cret-Pass", `the portal says "wrong password s3cret-Pass"`, `the portal says "wrong password [redacted]"`},
		// The password is the account's name: showing it shows the name.
		{"head", `the portal echoed "xheadx"`, `the portal echoed "xheadx"`},
	} {
		if got := scrub([]string{c.password}, public, c.text); got != c.want {
			t.Errorf("password %q: %q, want %q", c.password, got, c.want)
		}
	}
}

// The end of a long secret without its start (a token's signature in a
// file name the portal made, a cut of it echoed) is blanked from 12
// characters on; the end of a short one, which would blank common words,
// is not. (A review saw the token's last 28 characters printed.)
func TestScrubBlanksTheEndOfALongSecret(t *testing.T) {
	token := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SIGNATUREabcdef0123456789"
	for _, c := range []struct{ text, want string }{
		{`上傳列表 lists it as "f_ret` + token[len(token)-28:] + `.csv"`, `上傳列表 lists it as "f_ret[redacted].csv"`},
		{"…" + token[len(token)-12:], "…[redacted]"},
		{"x" + token[len(token)-11:], "x" + token[len(token)-11:]},
		{"wrong pw-7Qz", "wrong pw-7Qz"}, // the end of a short password
	} {
		if got := scrub([]string{token, "fake-pw-7Qz"}, nil, c.text); got != c.want {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
}

// A proxy's password (and the user:password of its Basic form) is a
// secret of the client; an address that cannot be read is an error naming
// its variable, without its value, not a silent direct connection. (A
// proxy's 407 echoed "bob:Pr0xyS3cret (Basic Ym9iOlByMHh5UzNjcmV0)", and
// "Pr0xy%zzS3cret" made the run go direct without a word.)
func TestProxyPasswordIsASecret(t *testing.T) {
	o := Options{Layout: DefaultLayout(), Mode: ModeDirect, Ban: "83012410", User: "shop", Password: fakePassword,
		Captcha: func(context.Context, []byte) (string, error) { return fakeCaptcha, nil }}
	t.Setenv("HTTP_PROXY", "")
	t.Setenv("http_proxy", "")
	t.Setenv("https_proxy", "")
	t.Setenv("HTTPS_PROXY", "http://bob:Pr0xyS3cret@127.0.0.1:7890")
	cl, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	said := "through the proxy 127.0.0.1:7890: Proxy Authentication Required for bob:Pr0xyS3cret (Basic Ym9iOlByMHh5UzNjcmV0), Pr0xyS3cret"
	if got := cl.scrub(said); got != "through the proxy 127.0.0.1:7890: Proxy Authentication Required for [redacted] (Basic [redacted]), [redacted]" {
		t.Errorf("scrubbed: %q", got)
	}
	t.Setenv("HTTPS_PROXY", "http://bob:Pr0xy%zzS3cret@127.0.0.1:7890")
	_, err = New(o)
	if text := errText(err); err == nil || !strings.Contains(text, "HTTPS_PROXY is set to a proxy address that cannot be read as a URL") || strings.Contains(text, "Pr0xy") {
		t.Errorf("unreadable proxy address: %v", text)
	}
}
