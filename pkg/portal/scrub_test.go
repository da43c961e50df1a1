package portal

import "testing"

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
