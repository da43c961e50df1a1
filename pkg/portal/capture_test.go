package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
)

// waitFor polls a script in the page until it returns "ok".
func waitFor(t *testing.T, p portal.Page, what, script string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		v, err := p.Eval(script)
		if err == nil && v == "ok" {
			return
		}
		last = fmt.Sprint(v, err)
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %s", what, last)
}

func click(t *testing.T, p portal.Page, sel string) {
	t.Helper()
	if _, err := p.Eval(fmt.Sprintf(`(() => { document.querySelector(%q).click(); return "ok" })()`, sel)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// A person's session, recorded: login, 查詢, 匯入字軌, 範本, 上傳列表. The
// recording shows what a layout needs and none of the secrets.
func TestCaptureRedacts(t *testing.T) {
	const answer = "58213"
	sim := startSim(t, portalsim.Options{Gate: true, CaptchaAnswer: answer})
	bulk := filepath.Join(t.TempDir(), "83012410_11410.csv")
	os.WriteFile(bulk, []byte("00001,83012410,11410,ZK,00000100,00000199,07\r\n"), 0o644)
	o := portal.CaptureOptions{Layout: sim.Layout(), Browser: portal.BrowserOptions{Path: needBrowser(t), Headless: true}}
	rec, err := portal.CaptureDriven(context.Background(), o, func(ctx context.Context, p portal.Page) error {
		waitFor(t, p, "the login page", `document.querySelector('a[href^="/accounts/login/b"]') ? "ok" : location.href`)
		click(t, p, `a[href^="/accounts/login/b"]`)
		waitFor(t, p, "the business form", `document.querySelector("#captchaImg") && document.querySelector("#captchaImg").src ? "ok" : ""`)
		fill := fmt.Sprintf(`(() => { const v = {ban: "83012410", user_id: "shop", user_password: %q, captcha: %q};
			for (const k in v) document.getElementById(k).value = v[k]; document.getElementById("submitBtn").click(); return "ok" })()`, secret, answer)
		if _, err := p.Eval(fill); err != nil {
			return err
		}
		waitFor(t, p, "the dashboard", `sessionStorage.getItem("token") && document.querySelector("#menuBlank") ? "ok" : location.href`)
		click(t, p, "#menuBlank")
		waitFor(t, p, "the blank-number screen", `document.querySelector("#yearMonth option") ? "ok" : ""`)
		p.Eval(`(() => { document.querySelector("#yearMonth").value = "11410"; return "ok" })()`)
		click(t, p, "#btnQuery")
		waitFor(t, p, "查詢", `document.querySelector("#queryResult") ? "ok" : ""`)
		click(t, p, "#btnImport")
		waitFor(t, p, "匯入字軌", `document.querySelector("#importFile") ? "ok" : ""`)
		if err := p.Upload("#importFile", bulk); err != nil {
			return err
		}
		click(t, p, "#btnUpload")
		waitFor(t, p, "the upload", `document.querySelector("#message").textContent.includes("上傳編號") ? "ok" : document.querySelector("#error").textContent`)
		click(t, p, "#template")
		waitFor(t, p, "範本", `document.querySelector("#message").textContent.includes("範本") ? "ok" : ""`)
		click(t, p, "#btnUploads")
		waitFor(t, p, "上傳列表", `document.querySelector("#uploadList tr.upload") ? "ok" : ""`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := rec.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if os.Getenv("SHOW_CAPTURE") != "" {
		t.Log(out)
	}
	for _, s := range append(sim.Secrets(), answer, secret) {
		if len(s) >= 5 && strings.Contains(out, s) {
			t.Errorf("the recording shows a secret %q", s)
		}
	}
	find := func(method, path string) *portal.Exchange {
		for i, ex := range rec.Exchanges {
			if ex.Method == method && strings.Contains(ex.URL, path) {
				return &rec.Exchanges[i]
			}
		}
		t.Fatalf("no %s %s in the recording:\n%s", method, path, out)
		return nil
	}
	L, B := sim.Layout().Login, sim.Layout().Blank
	login := find("POST", L.DoLogin).Request.JSON.(map[string]any)
	if login["password"] != "[redacted]" || login["captcha"] != "[redacted]" || login["captchaToken"] != "[redacted]" || login["customId"] != "shop" || login["loginType"] != "U" {
		t.Errorf("doLogin's body: %v", login)
	}
	if img := find("GET", L.Captcha).Response.JSON.(map[string]any)["image"]; !strings.HasPrefix(fmt.Sprint(img), "[base64") {
		t.Errorf("the captcha image is kept: %.80v", img)
	}
	if q := find("GET", B.Query); !strings.Contains(q.URL, "yearMonth=11410") || q.Response.JSON.(map[string]any)["totalElements"] == nil {
		t.Errorf("查詢: %s %v", q.URL, q.Response)
	}
	imp := find("POST", B.Import)
	var parts []string
	for _, p := range imp.Request.Multipart {
		parts = append(parts, p.Field+"="+p.Value+p.FileName)
	}
	if strings.Join(parts, " ") != "yearMonth=11410 file=83012410_11410.csv" {
		t.Errorf("匯入字軌's parts: %q (note %q)", parts, imp.Note)
	}
	if tpl := find("GET", B.Template); tpl.Response == nil {
		t.Errorf("範本: %+v", tpl)
	} else if f := tpl.Response.File; f == nil || f.Name != "blank_sample.csv" || f.Base64 == "" {
		t.Errorf("範本: %+v", f)
	}
	rows, _ := json.Marshal(find("GET", B.Uploads).Response.JSON)
	if !strings.Contains(string(rows), `"fileName":"83012410_11410.csv"`) || !strings.Contains(string(rows), "[redacted token]") {
		t.Errorf("上傳列表's row tokens: %s", rows)
	}
}
