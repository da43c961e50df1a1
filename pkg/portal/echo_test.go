package portal

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
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

// A portal that puts what the client sent (the Authorization header, the
// password, the session cookie) in a data field of its answers, where a
// period, a 統編, an invoice number or a 上傳編號 belongs, sees none of it
// printed: a review found the whole Bearer token and the password in "… is
// not a period" errors, which bypassed the scrubbing of the portal's words.
func TestSecretsInDataFieldsAreNotShown(t *testing.T) {
	echoes := map[string]func(r *http.Request) string{
		"authorization": func(r *http.Request) string { return r.Header.Get("Authorization") },
		"token":         func(*http.Request) string { return fakeToken },
		"password":      func(*http.Request) string { return fakePassword },
		"cookie":        func(*http.Request) string { return "sid=" + fakeToken },
		"clipped":       func(*http.Request) string { return "sid=" + fakeToken[:40] + "…" },
	}
	lay := layout.Default()
	B := lay.Blank
	record := func(field, v string) map[string]any {
		rec := map[string]any{B.Record.ID: "7", B.Record.Ban: "83012410", B.Record.Type: "07", B.Record.Period: fakePeriod.Code(),
			B.Record.Track: "ZK", B.Record.Begin: "00000000", B.Record.End: "00000049"}
		rec[field] = v
		return rec
	}
	upload := func(field, v string) map[string]any {
		u := map[string]any{B.Upload.ID: "1", B.Upload.FileName: "x.csv", B.Upload.Status: "2", B.Upload.OKCount: "1", B.Upload.FailedCount: "0"}
		u[field] = v
		return u
	}
	page := func(rows ...any) map[string]any {
		return map[string]any{"content": rows, "totalElements": len(rows), "totalPages": 1}
	}
	type target struct {
		path   string
		answer func(v string) any
		call   func(cl *Client) error
	}
	var targets []target
	targets = append(targets,
		target{B.Periods, func(v string) any { return []map[string]string{{B.PeriodValue: v}} },
			func(cl *Client) error { _, err := cl.Periods(context.Background()); return err }},
		target{lay.Company.Authorized, func(v string) any { return []map[string]any{{lay.Company.Ban: v}} },
			func(cl *Client) error { _, err := cl.Companies(context.Background()); return err }},
		target{B.Import, func(v string) any { return map[string]any{B.ImportID: v} },
			func(cl *Client) error {
				id, err := cl.Import(context.Background(), fakePeriod, "x.csv", []byte("1"))
				if err == nil {
					err = errors.New("id " + id)
				}
				return err
			}},
	)
	for _, field := range []string{B.Record.ID, B.Record.Ban, B.Record.Type, B.Record.Period, B.Record.Track, B.Record.Begin, B.Record.End} {
		targets = append(targets, target{B.Query, func(v string) any { return page(record(field, v)) },
			func(cl *Client) error { _, err := cl.Records(context.Background(), fakePeriod, "83012410"); return err }})
	}
	for _, field := range []string{B.Upload.ID, B.Upload.FileName, B.Upload.Status, B.Upload.OKCount, B.Upload.Message} {
		targets = append(targets, target{B.Uploads, func(v string) any { return page(upload(field, v)) },
			func(cl *Client) error {
				us, err := cl.Uploads(context.Background(), fakePeriod)
				if err == nil {
					err = fmt.Errorf("%+v", us) // what a caller may print
				}
				return err
			}})
	}
	for _, field := range []string{B.Row.Seq, B.Row.Ban, B.Row.Track, B.Row.Begin, B.Row.Reason} {
		targets = append(targets, target{B.UploadRows, func(v string) any { return page(map[string]any{field: v}) },
			func(cl *Client) error {
				rs, err := cl.UploadRows(context.Background(), "1")
				if err == nil {
					err = fmt.Errorf("%+v", rs)
				}
				return err
			}})
	}
	bare := strings.TrimPrefix(fakeToken, "CU")
	for name, echo := range echoes {
		for i, tg := range targets {
			f := newFake(t)
			f.on(tg.path, func(w http.ResponseWriter, r *http.Request) { writeJSONTo(w, 200, tg.answer(echo(r))) })
			cl, logs := f.client()
			if err := cl.Login(context.Background()); err != nil {
				t.Fatal(err)
			}
			err := tg.call(cl)
			out := strings.Join(append(*logs, errText(err)), "\n")
			noSecret(t, out)
			if l := leaks(out, bare, 12); l != "" {
				t.Errorf("%s in %s (target %d): the output shows %q of the token:\n%s", name, tg.path, i, l, out)
			}
		}
	}
}

// The password echoed in disguise (other case or width, spaced out,
// zero-width characters between its letters, hex, base64 that starts
// at another byte) is not shown either: a review read it in all of these
// in a refused login's title.
func TestDisguisedPasswordEchoesAreNotShown(t *testing.T) {
	const password = "S3cr3t-Pa55word!"
	spaced := strings.Join(strings.Split(password, ""), " ")
	zw := strings.Join(strings.Split(password, ""), "\u200b")
	fullwidth := strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - '!' + '！'
		}
		return r
	}, password)
	disguises := map[string]string{
		"upper":     strings.ToUpper(password),
		"lower":     strings.ToLower(password),
		"spaced":    spaced,
		"zw":        zw,
		"fullwidth": fullwidth,
		"hex":       hex.EncodeToString([]byte(password)),
		"HEX":       strings.ToUpper(hex.EncodeToString([]byte(password))),
		"b64off1":   base64.StdEncoding.EncodeToString([]byte("x" + password)),
		"b64off2":   base64.StdEncoding.EncodeToString([]byte(`{"` + password)),
		"b64body":   base64.URLEncoding.EncodeToString([]byte(`{"password":"` + password + `"}`)),
	}
	for name, d := range disguises {
		f := newFake(t)
		f.on(f.lay.Login.DoLogin, func(w http.ResponseWriter, r *http.Request) {
			writeJSONTo(w, 400, map[string]string{"title": "登入失敗 " + d})
		})
		cl, logs := f.client(func(o *Options) { o.Password = password })
		err := cl.Login(context.Background())
		if err == nil {
			t.Fatalf("%s: a refused login was taken", name)
		}
		out := strings.Join(append(*logs, errText(err)), "\n")
		if strings.Contains(out, d) || strings.Contains(fold(out), fold(password)) {
			t.Errorf("%s: the output shows the password as %q:\n%s", name, d, out)
		}
	}
	// Ordinary words are shown.
	f := newFake(t)
	f.on(f.lay.Login.DoLogin, func(w http.ResponseWriter, r *http.Request) {
		writeJSONTo(w, 400, map[string]string{"title": "帳號或密碼錯誤 (S3cr3t)"})
	})
	cl, _ := f.client(func(o *Options) { o.Password = password })
	if err := cl.Login(context.Background()); err == nil || !strings.Contains(err.Error(), "帳號或密碼錯誤 (S3cr3t)") {
		t.Errorf("the portal's words are not shown: %v", err)
	}
}

// A captcha answer is blanked where it stands as a word of its own, not
// inside other digits: a wrong answer "00000" kept as a secret blanked the
// digits of the invoice numbers in 上傳列表's rows ([redacted]000), which
// then matched no range. Echoed on its own, it is still not shown.
func TestCaptchaAnswerIsNotBlankedInsideNumbers(t *testing.T) {
	f := newFake(t)
	R := f.lay.Blank.Row
	f.on(f.lay.Blank.UploadRows, func(w http.ResponseWriter, r *http.Request) {
		writeJSONTo(w, 200, map[string]any{"content": []any{map[string]any{R.Seq: "1", R.Ban: "83012410", R.Track: "ZK",
			R.Begin: "00000100", R.End: "00000199", R.Result: R.OKValue, R.Reason: "captcha 00000 and 740417, 00000"}}})
	})
	answers := []string{"00000", fakeCaptcha}
	cl, logs := f.client(func(o *Options) {
		o.Captcha = func(context.Context, []byte) (string, error) { a := answers[0]; answers = answers[1:]; return a, nil }
	})
	if err := cl.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := cl.UploadRows(context.Background(), "1")
	if err != nil || len(rows) != 1 || rows[0].Start != "00000100" || rows[0].End != "00000199" {
		t.Fatalf("rows %+v, %v; want ZK00000100-00000199 as the portal wrote it", rows, err)
	}
	if got := rows[0].Reason; got != "captcha [redacted] and [redacted], [redacted]" {
		t.Errorf("reason %q: the answers echoed on their own are shown", got)
	}
	noSecret(t, *logs...)
}
