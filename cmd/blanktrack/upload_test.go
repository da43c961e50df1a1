package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

const simSecret = "pw-for-tests-9x"

var p11510 = ranges.Period{Year: 115, EndMonth: 10}

// startSim runs a simulator and writes its layout file for --layout.
func startSim(t *testing.T, o portalsim.Options) (*portalsim.Simulator, string) {
	t.Helper()
	if o.Accounts == nil {
		o.Accounts = []portalsim.Account{
			{Ban: "53212539", User: "head", Password: simSecret, Branches: []ranges.Ban{"24549210"}},
			{Ban: "83012410", User: "shop", Password: simSecret},
		}
	}
	o.Periods = []ranges.Period{p11510}
	sim, err := portalsim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	var b bytes.Buffer
	if err := sim.Layout().Encode(&b); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "sim.toml")
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return sim, name
}

// runCLI runs blanktrack in-process with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"blanktrack"}, args...), strings.NewReader(""), &out, &errOut, withCache(t, env))
	return code, out.String(), errOut.String()
}

// withCache is env for a command a test runs, with a cache folder of its
// own (upload keeps its locks there) unless env names one: no test writes
// into the user's.
func withCache(t *testing.T, env map[string]string) func(string) string {
	cache := t.TempDir()
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		switch k {
		case "XDG_CACHE_HOME", "HOME", "LocalAppData":
			return cache
		}
		return ""
	}
}

func writeBulk(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(content, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var uploadFlags = []string{"--carrier", "direct", "--captcha-cmd", "cat >/dev/null; echo " + portalsim.DefaultCaptchaAnswer, "--poll", "5ms", "--retry-wait", "1ms", "--wait", "5s"}

// noSecrets fails when any output shows a value that must stay secret.
func noSecrets(t *testing.T, sim *portalsim.Simulator, outputs ...string) {
	t.Helper()
	for _, s := range append(sim.Secrets(), simSecret) {
		for _, out := range outputs {
			if len(s) >= 6 && strings.Contains(out, s) {
				t.Errorf("the output shows the secret %q:\n%s", s, out)
			}
		}
	}
}

func TestUploadCommand(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{Delay: 20 * time.Millisecond})
	dir := t.TempDir()
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n00002,53212539,11510,ZK,37210412,37210499,07\n")
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	base := append([]string{"upload", "--layout", lay, "--ban", "53212539", "--user", "head"}, uploadFlags...)
	var outputs []string

	// A dry run shows the plan and uploads nothing.
	code, out, errOut := runCLI(t, env, append(base, "--dry-run", f)...)
	outputs = append(outputs, out, errOut)
	if code != 0 || !strings.Contains(out, "ZK37210357-37210358  to upload") || !strings.Contains(out, "dry run: 2 range(s) would be uploaded") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if sim.Imports() != 0 {
		t.Fatal("the dry run uploaded")
	}
	// Without --yes and without a terminal to ask: a usage error.
	if code, _, errOut := runCLI(t, env, append(base, f)...); code != exitUsage || !strings.Contains(errOut, "add --yes") {
		t.Errorf("no --yes: exit %d, %s", code, errOut)
	}
	code, out, errOut = runCLI(t, env, append(base, "--yes", f)...)
	outputs = append(outputs, out, errOut)
	if code != 0 || strings.Count(out, "  uploaded") != 2 {
		t.Fatalf("upload: exit %d\n%s%s", code, out, errOut)
	}
	// Run again: nothing is uploaded twice.
	code, out, errOut = runCLI(t, env, append(base, "--yes", f)...)
	outputs = append(outputs, out, errOut)
	if code != 0 || strings.Count(out, "already on record") < 2 || sim.Imports() != 1 {
		t.Errorf("re-run: exit %d, %d imports\n%s", code, sim.Imports(), out)
	}
	noSecrets(t, sim, outputs...)
}

func TestUploadRejectedAndConflict(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	sim.AddRecord(portal.Record{Ban: "53212539", Type: ranges.TypeGeneral, Period: p11510, Track: "ZL", Start: 100, End: 120})
	dir := t.TempDir()
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	base := append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, uploadFlags...)

	// 22099131 is not a company this login may act for: not uploaded; exit 1.
	f := writeBulk(t, dir, "a.csv", "00001,22099131,11510,ZK,37210357,37210358,07\n")
	code, out, _ := runCLI(t, env, append(base, f)...)
	if code != exitData || !strings.Contains(out, "not authorized: the login 53212539 may not act for 22099131") || sim.Imports() != 0 {
		t.Errorf("a 統編 not authorized: exit %d, %d imports\n%s", code, sim.Imports(), out)
	}
	// A range overlapping a different one on record: shown, not uploaded.
	g := writeBulk(t, dir, "b.csv", "00001,53212539,11510,ZL,00000110,00000149,07\n")
	code, out, errOut := runCLI(t, env, append(base, g)...)
	if code != exitData || !strings.Contains(out, "conflict: overlaps 53212539 07 ZL00000100-00000120 on record") || !strings.Contains(errOut, "settle it on the portal first") {
		t.Errorf("conflict: exit %d\n%s%s", code, out, errOut)
	}
	if sim.Imports() != 0 {
		t.Error("a file with a conflict was uploaded")
	}
}

func TestUploadPasswordAndLayout(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	f := writeBulk(t, t.TempDir(), "a.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	args := append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)
	code, _, errOut := runCLI(t, nil, args...)
	if code != exitUsage || !strings.Contains(errOut, "set the environment variable BLANKTRACK_PASSWORD") {
		t.Errorf("no password: exit %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": "wrong-" + simSecret}, args...)
	if code != exitData || !strings.Contains(errOut, "login refused for 53212539, account head") || strings.Contains(out+errOut, "wrong-"+simSecret) || sim.WrongPasswords("53212539") != 1 {
		t.Errorf("bad password: exit %d, %d tries, %s", code, sim.WrongPasswords("53212539"), errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[origins]\napi = \"http://portal.example.org\"\n"), 0o644)
	code, _, errOut = runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": "x"}, "upload", "--yes", "--layout", bad, "--ban", "53212539", "--user", "head", f)
	if code != exitUsage || !strings.Contains(errOut, "bad.toml:2: origins.api") || !strings.Contains(errOut, "only https") {
		t.Errorf("plain http: exit %d %s", code, errOut)
	}
}

// One login of the head office uploads its own file and its branch's, a
// branch with its own account logs in on its own: two logins, two captchas.
func TestUploadConfigPlansLogins(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	writeBulk(t, out, "53212539_11510.csv", "00001,53212539,11510,TA,10000075,10000075,07\n")
	writeBulk(t, out, "24549210_11510.csv", "00001,24549210,11510,TB,20000060,20000099,07\n")
	writeBulk(t, out, "83012410_11510.csv", "00001,83012410,11510,TC,30000000,30000049,07\n")
	cfg := filepath.Join(dir, "blanktrack.toml")
	os.WriteFile(cfg, []byte(`head = "53212539"
period = "115/09~115/10"
out = "out"
layout = "`+lay+`"
carrier = "direct"
[[branch]]
ban = "53212539"
name = "總公司"
alloc = ["a.csv"]
user = "head"
password_env = "HEAD_PW"
[[branch]]
ban = "24549210"
name = "台北門市"
alloc = ["b.csv"]
[[branch]]
ban = "83012410"
name = "加盟店"
alloc = ["c.csv"]
user = "shop"
password_env = "SHOP_PW"
[[branch]]
ban = "04595257"
name = "高雄門市"
alloc = ["d.csv"]
`), 0o644)
	count := filepath.Join(dir, "captchas")
	env := map[string]string{"HEAD_PW": simSecret, "SHOP_PW": simSecret}
	code, stdout, errOut := runCLI(t, env, "upload", "--yes", "--config", cfg, "--captcha-cmd", "cat >/dev/null; echo x >> "+count+"; echo "+portalsim.DefaultCaptchaAnswer,
		"--poll", "5ms", "--retry-wait", "1ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, errOut)
	}
	asked, _ := os.ReadFile(count)
	if !strings.Contains(stdout, "2 logins, so 2 captchas:\n  53212539 (總公司), account head: 53212539, 24549210\n  83012410 (加盟店), account shop: 83012410") ||
		strings.Count(string(asked), "x") != 2 || len(sim.Records()) != 3 || !strings.Contains(stdout, "高雄門市 (04595257): no ") {
		t.Errorf("%d captchas, records %v\n%s", strings.Count(string(asked), "x"), sim.Records(), stdout)
	}
	noSecrets(t, sim, stdout, errOut)
}

// syncBuffer is a bytes.Buffer safe to read while another goroutine writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startSimCommand runs blanktrack portal-sim as a user would, until the
// test ends.
func startSimCommand(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	env := func(k string) string { return map[string]string{"BLANKTRACK_SIM_PASSWORD": simSecret}[k] }
	go func() {
		done <- run(ctx, append([]string{"blanktrack", "portal-sim"}, args...), strings.NewReader(""), &out, &errOut, env)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("portal-sim exit %d: %s", code, errOut.String())
		}
	})
	for i := 0; i < 300 && !regexp.MustCompile(`portal simulator on`).MatchString(out.String()); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "portal simulator on") {
		t.Fatalf("the simulator did not start: %s%s", out.String(), errOut.String())
	}
}

// TestPortalSimCommand starts blanktrack portal-sim as a user would and
// rehearses an upload against it through the layout file it writes.
func TestPortalSimCommand(t *testing.T) {
	lay := filepath.Join(t.TempDir(), "sim.toml")
	startSimCommand(t, "--addr", "127.0.0.1:0", "--delay", "10ms", "--account", "53212539:head:24549210", "--write-layout", lay)
	f := writeBulk(t, t.TempDir(), "24549210_11510.csv", "00001,24549210,11510,TB,20000060,20000099,07\n")
	code, stdout, stderr := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret},
		append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)...)
	if code != 0 || !strings.Contains(stdout, "TB20000060-20000099  uploaded") {
		t.Errorf("upload to the simulator: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, errOut := runCLI(t, nil, "portal-sim", "--addr", "0.0.0.0:8089"); code != exitUsage || !strings.Contains(errOut, "loopback address only") {
		t.Errorf("public address: exit %d %s", code, errOut)
	}
}

func TestPortalLayoutCommand(t *testing.T) {
	code, out, _ := runCLI(t, nil, "portal", "layout")
	if code != 0 || !strings.Contains(out, `do_login = "/act/login/api/client/doLogin"`) || !strings.Contains(out, "unconfirmed") {
		t.Errorf("portal layout: exit %d\n%s", code, out)
	}
}

// With --lang zh-TW (or LANG=zh_TW.UTF-8) upload speaks Chinese: the plan
// and its summary on stdout, refusals and errors on stderr; 統編, 字軌 and
// numbers as in English, and no secret in either.
func TestUploadInChinese(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{Delay: 20 * time.Millisecond})
	sim.AddRecord(portal.Record{Ban: "53212539", Type: ranges.TypeGeneral, Period: p11510, Track: "ZL", Start: 100, End: 120})
	dir := t.TempDir()
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n00002,53212539,11510,ZK,37210412,37210499,07\n")
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	base := append([]string{"--lang", "zh-TW", "upload", "--layout", lay, "--ban", "53212539", "--user", "head"}, uploadFlags...)
	var outputs []string
	english := regexp.MustCompile(`to upload|range\(s\)|on record|Before upload|dry run|Result|uploaded|error:`)

	code, out, errOut := runCLI(t, env, append(base, "--dry-run", f)...)
	outputs = append(outputs, out, errOut)
	for _, want := range []string{"上傳前，115/09~115/10：\n", "檔案", "統一編號", "ZK37210357-37210358  待上傳\n", "試跑：將上傳 2 段\n", "（待上傳 2 段）\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("dry run: exit %d, no %q:\n%s%s", code, want, out, errOut)
		}
	}
	if english.MatchString(out) {
		t.Errorf("dry run: English in the Chinese output:\n%s", out)
	}
	// Without --yes and without a terminal: the usage error in Chinese.
	if code, _, errOut := runCLI(t, env, append(base, f)...); code != exitUsage || !strings.Contains(errOut, "blanktrack：不在終端機上，無法確認上傳：請加 --yes") {
		t.Errorf("no --yes: exit %d, %s", code, errOut)
	}
	code, out, errOut = runCLI(t, env, append(base, "--yes", f)...)
	outputs = append(outputs, out, errOut)
	if code != 0 || !strings.Contains(out, "結果，115/09~115/10：\n") || strings.Count(out, "  已上傳\n") != 2 || !strings.Contains(out, "（已上傳 2 段）\n") || english.MatchString(out) {
		t.Errorf("upload: exit %d\n%s%s", code, out, errOut)
	}
	// A conflict, with LANG rather than --lang: the table says why, stderr
	// what to do.
	g := writeBulk(t, dir, "b.csv", "00001,53212539,11510,ZL,00000110,00000149,07\n")
	env["LANG"] = "zh_TW.UTF-8"
	code, out, errOut = runCLI(t, env, append(base[2:], "--yes", g)...)
	outputs = append(outputs, out, errOut)
	if code != exitData || !strings.Contains(out, "衝突：與平台上的 53212539 07 ZL00000100-00000120 重疊\n") ||
		!strings.Contains(errOut, "錯誤：1 段與 115/09~115/10 已在平台上的不同區段重疊") || english.MatchString(out+errOut) {
		t.Errorf("conflict: exit %d\n%s%s", code, out, errOut)
	}
	// A refused login: the error in Chinese, the portal's own words as it
	// sent them, no password.
	env["BLANKTRACK_PASSWORD"] = "wrong-" + simSecret
	code, out, errOut = runCLI(t, env, append(base, "--yes", f)...)
	outputs = append(outputs, out, errOut)
	if code != exitData || !strings.Contains(errOut, "登入遭拒：統一編號 53212539，帳號 head：平台回覆 ") {
		t.Errorf("a refused login: exit %d %s", code, errOut)
	}
	noSecrets(t, sim, outputs...)
	if strings.Contains(strings.Join(outputs, ""), "wrong-"+simSecret) {
		t.Error("the output shows the password")
	}
}

// portal-sim's and upload's help are in Chinese with --lang zh-TW: the
// headings, the usage, the description and every flag's.
func TestPortalHelpInChinese(t *testing.T) {
	code, out, errOut := runCLI(t, nil, "--lang", "zh-TW", "portal-sim", "--help")
	for _, want := range []string{
		"在本機迴路位址上執行目前電子發票整合服務平台的模擬器，用來預演月底作業",
		"說明：\n   提供平台的網頁應用程式（營業人登入與驗證碼，答案為 " + portalsim.DefaultCaptchaAnswer + "，",
		"密碼為 $BLANKTRACK_SIM_PASSWORD，或 \"rehearsal\"",
		"--addr 值", "網頁應用程式的本機迴路位址",
		"--write-layout 值", "供 upload --layout 使用",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("portal-sim --help: exit %d, no %q:\n%s%s", code, want, out, errOut)
		}
	}
	code, out, _ = runCLI(t, map[string]string{"LANG": "zh_TW.UTF-8"}, "upload", "--help")
	for _, want := range []string{"將匯入字軌檔上傳到電子發票整合服務平台，並確認已在平台上", "檔案... | --config blanktrack.toml", "密碼來自環境變數", "登入用的統一編號", "要使用的 Chrome、Chromium 或 Edge"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("upload --help: exit %d, no %q:\n%s", code, want, out)
		}
	}
}

// Interrupted once a file is sent, the run does not claim "nothing
// written": it says the file may be at the portal (or, answered, that it
// is, with its 上傳編號) and that a rerun follows it; the rerun follows the
// import instead of sending it twice.
func TestUploadInterruptedAfterSending(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{Delay: 400 * time.Millisecond})
	dir := t.TempDir()
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	args := append([]string{"blanktrack", "upload", "--layout", lay, "--ban", "53212539", "--user", "head", "--yes"}, uploadFlags...)
	args = append(args, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for sim.Imports() == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	var out, errOut bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &out, &errOut, withCache(t, env))
	// Stopped while the answer was on its way, or just after it came.
	if e := errOut.String(); code != exitInterrupted || !strings.Contains(e, "blanktrack: interrupted; ") ||
		!strings.Contains(e, "was being sent and may have reached the portal: run the same upload again; its journal keeps it from sending the file again") &&
			!strings.Contains(e, "上傳編號 1, sent by this run, is on the portal being processed: run the same upload again to follow it") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
	code, stdout, stderr := runCLI(t, env, args[1:]...)
	if code != 0 || sim.Imports() != 1 {
		t.Errorf("rerun: exit %d, %d imports (want the first followed, not sent again)\n%s%s", code, sim.Imports(), stdout, stderr)
	}
}

// portal-sim --import-format e0402 writes a layout that says so: a
// rehearsal with it sends E0402 XML, which the simulator takes, and not the
// CSV, which it would refuse.
func TestPortalSimWritesItsImportFormat(t *testing.T) {
	lay := filepath.Join(t.TempDir(), "sim.toml")
	startSimCommand(t, "--addr", "127.0.0.1:0", "--delay", "10ms", "--import-format", "e0402", "--write-layout", lay)
	data, err := os.ReadFile(lay)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\s*import_format = "e0402"$`).Match(data) {
		t.Errorf("the layout portal-sim --import-format e0402 wrote:\n%s", data)
	}
	f := writeBulk(t, t.TempDir(), "53212539_11510.csv", "00001,53212539,11510,TB,20000060,20000099,07\n")
	code, stdout, stderr := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret},
		append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)...)
	if code != 0 || !strings.Contains(stdout, "TB20000060-20000099  uploaded") {
		t.Errorf("upload in E0402 to the simulator: exit %d\n%s%s", code, stdout, stderr)
	}
}

// The error under the plan names the causes that hold files back, each
// once: a 統編 the login may not act for is not called an overlap, nor an
// overlap a 統編 not authorized.
func TestUploadBlockedSaysWhy(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	sim.AddRecord(portal.Record{Ban: "53212539", Type: ranges.TypeGeneral, Period: p11510, Track: "ZL", Start: 100, End: 120})
	dir := t.TempDir()
	unauthorized := writeBulk(t, dir, "a.csv", "00001,22099131,11510,ZK,37210357,37210358,07\n")
	conflict := writeBulk(t, dir, "b.csv", "00001,53212539,11510,ZL,00000110,00000149,07\n")
	base := append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, uploadFlags...)
	const (
		overlap = "1 range(s) overlap different ranges on record for 115/09~115/10"
		notOurs = "1 range(s) are of a 統編 the login 53212539 may not act for"
	)
	for _, c := range []struct {
		name      string
		files     []string
		want, not []string
		zh        []string
	}{
		{"not authorized", []string{unauthorized}, []string{notOurs}, []string{"overlap"}, []string{"錯誤：1 段屬於登入的 53212539 無權代理的統編"}},
		{"a conflict", []string{conflict}, []string{overlap}, []string{"may not act for"}, []string{"錯誤：1 段與 115/09~115/10 已在平台上的不同區段重疊"}},
		{"both", []string{unauthorized, conflict}, []string{notOurs, overlap}, nil, nil},
	} {
		code, out, errOut := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret}, append(base, c.files...)...)
		for _, w := range c.want {
			if code != exitData || strings.Count(errOut, w) != 1 {
				t.Errorf("%s: exit %d, want %q once:\n%s%s", c.name, code, w, out, errOut)
			}
		}
		for _, n := range c.not {
			if strings.Contains(errOut, n) {
				t.Errorf("%s: %q where it is not the cause:\n%s", c.name, n, errOut)
			}
		}
		if c.zh == nil {
			continue
		}
		_, _, errOut = runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret}, append([]string{"--lang", "zh-TW"}, append(base, c.files...)...)...)
		for _, w := range c.zh {
			if !strings.Contains(errOut, w) {
				t.Errorf("%s, in Chinese: no %q:\n%s", c.name, w, errOut)
			}
		}
	}
	if sim.Imports() != 0 {
		t.Error("a file held back was uploaded")
	}
}

// An E0402 XML file given to upload is said to be one, with the layout's
// import format and how to send E0402; nothing is sent.
func TestUploadTellsAnE0402File(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	m := importfile.E0402Messages("53212539", []ranges.BlankRange{{Key: ranges.Key{Ban: "53212539", Type: ranges.TypeGeneral, Period: p11510, Track: "ZK"}, Start: 37210357, End: 37210358}})
	data, err := importfile.MarshalE0402(m[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), m[0].Name)
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	code, out, errOut := runCLI(t, env, args...)
	for _, want := range []string{m[0].Name + ": an E0402 XML file, not a 匯入字軌 bulk CSV file", `the layout's import_format is "csv"`, `import_format = "e0402"`} {
		if code == 0 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, no %q:\n%s%s", code, want, out, errOut)
		}
	}
	if strings.Contains(errOut, "fields: want") {
		t.Errorf("the XML read as CSV lines:\n%s", errOut)
	}
	_, _, errOut = runCLI(t, env, append([]string{"--lang", "zh-TW"}, args...)...)
	if !strings.Contains(errOut, "E0402 XML 檔，不是匯入字軌的 CSV 檔") || strings.Contains(errOut, "an E0402") {
		t.Errorf("in Chinese:\n%s", errOut)
	}
	if sim.Requests() != 0 {
		t.Errorf("%d requests to the portal for a file that cannot be sent", sim.Requests())
	}
}

// One file given twice, by its absolute and its relative path, is refused
// before any login, naming both (exit 2): sent twice, it would be imported
// twice.
func TestUploadRefusesTheSameFileTwice(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	f := writeBulk(t, t.TempDir(), "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, f)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret},
		append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f, rel)...)...)
	if code != exitUsage || !strings.Contains(errOut, f+" and "+rel+" have the same content") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if sim.Requests() != 0 {
		t.Errorf("%d requests to the portal", sim.Requests())
	}
}

// Two files of one 統編 and period whose ranges overlap, an older and a
// regenerated output folder, are refused before any login, naming both
// files and the overlapping ranges (exit 2): both sent, the numbers they
// share would be imported twice.
func TestUploadRefusesOverlappingFiles(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	old := writeBulk(t, t.TempDir(), "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n00002,53212539,11510,ZK,37210412,37210498,07\n")
	regen := writeBulk(t, t.TempDir(), "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210359,07\n00002,53212539,11510,ZK,37210412,37210498,07\n")
	code, out, errOut := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret},
		append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, append(uploadFlags, old, regen)...)...)
	if code != exitUsage || !strings.Contains(errOut, old+" holds 53212539 07 ZK37210357-37210358 and "+regen+" holds ZK37210357-37210359, which overlap") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if sim.Requests() != 0 {
		t.Errorf("%d requests to the portal", sim.Requests())
	}
}
