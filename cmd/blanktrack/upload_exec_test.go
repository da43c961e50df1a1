package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// The tables say "to upload" only for what the run sends: a range of a
// file a conflict holds back says so, and so does a range in an import an
// earlier run sent, which the run follows.
func TestUploadTableStates(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{Delay: time.Hour})
	sim.AddRecord(portal.Record{Ban: "53212539", Type: ranges.TypeGeneral, Period: p11510, Track: "ZL", Start: 100, End: 120})
	dir := t.TempDir()
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	base := append([]string{"upload", "--layout", lay, "--ban", "53212539", "--user", "head"}, uploadFlags...)

	g := writeBulk(t, dir, "b.csv", "00001,53212539,11510,ZL,00000110,00000149,07\n00002,53212539,11510,ZM,00000000,00000049,07\n")
	code, out, errOut := runCLI(t, env, append(base, "--yes", g)...)
	if code != exitData || !strings.Contains(out, "ZM00000000-00000049  held back: another range of its file is in conflict or not authorized") ||
		!strings.Contains(out, "(1 conflict, 1 held back)") || strings.Contains(out, "to upload") || sim.Imports() != 0 {
		t.Errorf("a file with a conflict: exit %d, %d imports\n%s%s", code, sim.Imports(), out, errOut)
	}

	// The portal takes its time: the first run ends before it is done.
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	if code, out, errOut := runCLI(t, env, append(base, "--yes", "--wait", "20ms", f)...); code != exitData || !strings.Contains(out, "ZK37210357-37210358  not confirmed") {
		t.Fatalf("first run: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, append(base, "--dry-run", f)...)
	if code != 0 || !strings.Contains(out, "ZK37210357-37210358  imported earlier: 上傳編號 ") || !strings.Contains(out, "sent earlier; not on record yet") ||
		!strings.Contains(out, "dry run: 0 range(s) would be uploaded") || strings.Contains(out, "to upload") {
		t.Errorf("dry run of the rerun: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, env, append(base, "--yes", "--wait", "20ms", f)...)
	result := out[strings.Index(out, "Result"):]
	if code != exitData || !strings.Contains(result, "ZK37210357-37210358  not confirmed: 上傳編號 ") || strings.Contains(out, "to upload") || sim.Imports() != 1 {
		t.Errorf("rerun: exit %d, %d imports\n%s%s", code, sim.Imports(), out, errOut)
	}
	code, out, _ = runCLI(t, env, append([]string{"--lang", "zh-TW"}, append(base, "--dry-run", f, g)...)...)
	for _, want := range []string{"ZK37210357-37210358  先前已匯入：上傳編號 ", "ZM00000000-00000049  暫緩：同一檔案中另有區段衝突或未授權"} {
		if !strings.Contains(out, want) {
			t.Errorf("in Chinese: exit %d, no %q\n%s", code, want, out)
		}
	}
}

// Without a terminal (cron), what an audit trail needs is printed all the
// same: the file sent with its 上傳編號, before a later step fails; the
// waiting is not. A rerun says it follows the import.
func TestUploadEventsWithoutTerminal(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{Delay: time.Hour})
	f := writeBulk(t, t.TempDir(), "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	args := append([]string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head"}, uploadFlags...)
	// Once the file is in, the portal fails every request: the run fails
	// while it waits.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for sim.Imports() == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		sim.FailNext(1 << 20)
	}()
	code, out, errOut := runCLI(t, env, append(args, f)...)
	if code != exitData || !strings.Contains(errOut, "53212539_11510.csv: uploaded 1 range(s) as 53212539_11510_") || !strings.Contains(errOut, "(上傳編號 ") ||
		!strings.Contains(errOut, "HTTP 500") || strings.Contains(errOut, "waiting") || sim.Imports() != 1 {
		t.Errorf("exit %d, %d imports\n%s%s", code, sim.Imports(), out, errOut)
	}
	sim.FailNext(0)
	code, out, errOut = runCLI(t, env, append(args, "--wait", "20ms", f)...)
	if code != exitData || !strings.Contains(errOut, "53212539_11510.csv: already imported as 53212539_11510_") || !strings.Contains(errOut, "following it, not sending it again") ||
		strings.Contains(errOut, "waiting") || sim.Imports() != 1 {
		t.Errorf("rerun: exit %d, %d imports\n%s%s", code, sim.Imports(), out, errOut)
	}
	noSecrets(t, sim, out, errOut)
}

// upload --config finds every account's password before the first login:
// a missing one stops the run before anything is sent (it was found only
// after the first account had logged in and uploaded).
func TestUploadConfigPasswordsFirst(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{})
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	writeBulk(t, out, "53212539_11510.csv", "00001,53212539,11510,TA,10000075,10000075,07\n")
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
ban = "83012410"
name = "加盟店"
alloc = ["c.csv"]
user = "shop"
password_env = "SHOP_PW"
`), 0o644)
	count := filepath.Join(dir, "captchas")
	code, stdout, errOut := runCLI(t, map[string]string{"HEAD_PW": simSecret}, "upload", "--yes", "--config", cfg,
		"--captcha-cmd", "cat >/dev/null; echo x >> "+count+"; echo "+portalsim.DefaultCaptchaAnswer, "--poll", "5ms", "--retry-wait", "1ms")
	if _, err := os.Stat(count); code != exitUsage || !strings.Contains(errOut, "no password for 83012410 (加盟店): set the environment variable SHOP_PW") ||
		sim.Imports() != 0 || err == nil || strings.Contains(stdout, "== ") {
		t.Errorf("exit %d, %d imports, captcha asked: %v\n%s%s", code, sim.Imports(), err == nil, stdout, errOut)
	}
	// Both missing: both are named.
	code, _, errOut = runCLI(t, nil, "upload", "--yes", "--config", cfg, "--captcha-cmd", "false")
	if code != exitUsage || !strings.Contains(errOut, "set the environment variable HEAD_PW") || !strings.Contains(errOut, "set the environment variable SHOP_PW") || sim.Imports() != 0 {
		t.Errorf("no password at all: exit %d\n%s", code, errOut)
	}
}
