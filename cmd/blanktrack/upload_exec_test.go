package main

import (
	"context"
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
