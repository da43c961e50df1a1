package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

const simSecret = "pw-for-tests-9x"

func startSim(t *testing.T, o portal.SimOptions) (*portal.Simulator, string) {
	t.Helper()
	o.Accounts = []portal.Account{
		{Ban: "53212539", User: "head", Password: simSecret},
		{Ban: "24549210", User: "taipei", Password: simSecret},
	}
	sim, err := portal.NewSimulator(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// runCLI runs blanktrack in-process with the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"blanktrack"}, args...), strings.NewReader(""), &out, &errOut,
		func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func writeBulk(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(content, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var uploadFlags = []string{"--captcha-cmd", "cat >/dev/null; echo " + portal.DefaultCaptchaAnswer, "--poll", "5ms", "--retry-wait", "1ms", "--wait", "5s"}

func TestUploadCommand(t *testing.T) {
	sim, url := startSim(t, portal.SimOptions{Delay: 20 * time.Millisecond})
	dir := t.TempDir()
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n00002,53212539,11510,ZK,37210412,37210499,07\n")
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	base := append([]string{"upload", "--portal", url, "--ban", "53212539", "--user", "head"}, uploadFlags...)

	// A dry run shows the plan and uploads nothing.
	code, out, errOut := runCLI(t, env, append(base, "--dry-run", f)...)
	if code != 0 || !strings.Contains(out, "ZK37210357-37210358  to upload") || !strings.Contains(out, "dry run: 2 range(s) would be uploaded") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if len(sim.Uploads()) != 0 {
		t.Fatal("the dry run uploaded")
	}

	// Without --yes and without a terminal to ask: a usage error.
	if code, _, errOut := runCLI(t, env, append(base, f)...); code != exitUsage || !strings.Contains(errOut, "add --yes") {
		t.Errorf("no --yes: exit %d, %s", code, errOut)
	}

	code, out, errOut = runCLI(t, env, append(base, "--yes", f)...)
	if code != 0 || strings.Count(out, "  uploaded") != 2 {
		t.Fatalf("upload: exit %d\n%s%s", code, out, errOut)
	}
	// Run again: nothing is uploaded twice.
	code, out, _ = runCLI(t, env, append(base, "--yes", f)...)
	if code != 0 || strings.Count(out, "already on record") < 2 || len(sim.Uploads()) != 1 {
		t.Errorf("re-run: exit %d, %d imports\n%s", code, len(sim.Uploads()), out)
	}
	// The password never appears.
	for _, s := range []string{out, errOut} {
		if strings.Contains(s, simSecret) {
			t.Errorf("output shows the password:\n%s", s)
		}
	}
}

func TestUploadRejectedAndConflict(t *testing.T) {
	sim, url := startSim(t, portal.SimOptions{})
	p := ranges.Period{Year: 115, EndMonth: 10}
	sim.AddRecord(portal.Record{Ban: "53212539", Type: ranges.TypeGeneral, Period: p, Track: "ZL", Start: 100, End: 120})
	dir := t.TempDir()
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret}
	base := append([]string{"upload", "--yes", "--portal", url, "--ban", "53212539", "--user", "head"}, uploadFlags...)

	// 22099131 is not this account's: the portal rejects the row; exit 1.
	f := writeBulk(t, dir, "a.csv", "00001,22099131,11510,ZK,37210357,37210358,07\n")
	code, out, _ := runCLI(t, env, append(base, f)...)
	if code != exitData || !strings.Contains(out, "rejected: "+portal.ReasonUnknown) {
		t.Errorf("rejected row: exit %d\n%s", code, out)
	}
	// A range overlapping a different one on record: shown, not uploaded.
	g := writeBulk(t, dir, "b.csv", "00001,53212539,11510,ZL,00000110,00000149,07\n")
	n := len(sim.Uploads())
	code, out, errOut := runCLI(t, env, append(base, g)...)
	if code != exitData || !strings.Contains(out, "conflict: overlaps 53212539 07 ZL00000100-00000120 on record") || !strings.Contains(errOut, "settle it on the portal first") {
		t.Errorf("conflict: exit %d\n%s%s", code, out, errOut)
	}
	if len(sim.Uploads()) != n {
		t.Error("a file with a conflict was uploaded")
	}
}

func TestUploadPasswordAndAddress(t *testing.T) {
	_, url := startSim(t, portal.SimOptions{})
	f := writeBulk(t, t.TempDir(), "a.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	code, _, errOut := runCLI(t, nil, append([]string{"upload", "--yes", "--portal", url, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)...)
	if code != exitUsage || !strings.Contains(errOut, "set the environment variable BLANKTRACK_PASSWORD") {
		t.Errorf("no password: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": "wrong"}, append([]string{"upload", "--yes", "--portal", url, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)...)
	if code != exitData || !strings.Contains(errOut, "login refused for 53212539, account head") || strings.Contains(errOut, "wrong") {
		t.Errorf("bad password: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": "x"}, "upload", "--yes", "--portal", "http://portal.example.org", "--ban", "53212539", "--user", "head", f)
	if code != exitUsage || !strings.Contains(errOut, "only https, or http on a loopback address") {
		t.Errorf("plain http: exit %d %s", code, errOut)
	}
}

func TestUploadConfigBranches(t *testing.T) {
	sim, url := startSim(t, portal.SimOptions{Big5: true})
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	writeBulk(t, out, "53212539_11510.csv", "00001,53212539,11510,TA,10000075,10000075,07\n")
	writeBulk(t, out, "24549210_11510.csv", "00001,24549210,11510,TB,20000060,20000099,07\n")
	cfg := filepath.Join(dir, "blanktrack.toml")
	os.WriteFile(cfg, []byte(`portal = "`+url+`"
period = "115/09~115/10"
out = "out"
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
user = "taipei"
password_env = "TAIPEI_PW"
[[branch]]
ban = "04595257"
name = "高雄門市"
alloc = ["c.csv"]
user = "kh"
`), 0o644)
	env := map[string]string{"HEAD_PW": simSecret, "TAIPEI_PW": simSecret}
	code, stdout, errOut := runCLI(t, env, append([]string{"upload", "--yes", "--config", cfg}, uploadFlags...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, errOut)
	}
	if len(sim.Records()) != 2 || !strings.Contains(stdout, "高雄門市 (04595257): no ") {
		t.Errorf("records %v\n%s", sim.Records(), stdout)
	}
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

// TestPortalSimCommand starts blanktrack portal-sim as a user would and
// rehearses an upload against it.
func TestPortalSimCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	env := func(k string) string { return map[string]string{"BLANKTRACK_SIM_PASSWORD": simSecret}[k] }
	go func() {
		done <- run(ctx, []string{"blanktrack", "portal-sim", "--addr", "127.0.0.1:0", "--delay", "10ms", "--account", "53212539:head:24549210"},
			strings.NewReader(""), &out, &errOut, env)
	}()
	var url string
	for i := 0; i < 200 && url == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		if m := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(out.String()); m != "" {
			url = m
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("the simulator did not start: %s%s", out.String(), errOut.String())
	}
	f := writeBulk(t, t.TempDir(), "24549210_11510.csv", "00001,24549210,11510,TB,20000060,20000099,07\n")
	code, stdout, stderr := runCLI(t, map[string]string{"BLANKTRACK_PASSWORD": simSecret},
		append([]string{"upload", "--yes", "--portal", url, "--ban", "53212539", "--user", "head"}, append(uploadFlags, f)...)...)
	if code != 0 || !strings.Contains(stdout, "TB20000060-20000099  uploaded") {
		t.Errorf("upload to the simulator: exit %d\n%s%s", code, stdout, stderr)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("portal-sim exit %d: %s", code, errOut.String())
	}

	if code, _, errOut := runCLI(t, nil, "portal-sim", "--addr", "0.0.0.0:8089"); code != exitUsage || !strings.Contains(errOut, "loopback address only") {
		t.Errorf("public address: exit %d %s", code, errOut)
	}
}
