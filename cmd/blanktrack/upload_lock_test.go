//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
)

// Two uploads for the same 統編 and period on one machine: the second
// stops at once, before its login, saying another is running; killed with
// kill -9, the first leaves no lock behind, and a run after one that ended
// goes on as well.
func TestUploadTwoAtOnce(t *testing.T) {
	sim, lay := startSim(t, portalsim.Options{Delay: 20 * time.Millisecond})
	dir := t.TempDir()
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("BLANKTRACK_PASSWORD", simSecret)
	env := map[string]string{"BLANKTRACK_PASSWORD": simSecret, "XDG_CACHE_HOME": cache}
	base := []string{"upload", "--yes", "--layout", lay, "--ban", "53212539", "--user", "head", "--carrier", "direct", "--poll", "5ms", "--retry-wait", "1ms"}

	// The first run waits in its captcha command, holding the lock.
	group := filepath.Join(dir, "group")
	cmd, stderr := blanktrackProcess(t, dir, t.TempDir(), append(base, "--captcha-cmd", "cat >/dev/null; echo $$ > "+group+"; sleep 60", f)...)
	var pgid int
	for i := 0; i < 1000 && pgid == 0; i++ {
		time.Sleep(10 * time.Millisecond)
		data, _ := os.ReadFile(group)
		pgid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	t.Cleanup(func() {
		if pgid != 0 {
			syscall.Kill(-pgid, syscall.SIGKILL) // the captcha command, which kill -9 of its parent leaves
		}
	})
	if pgid == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the first run never asked for the captcha: %s", stderr)
	}
	requests := sim.Requests()

	asked := filepath.Join(dir, "asked")
	second := append(base, "--captcha-cmd", "cat >/dev/null; touch "+asked+"; echo "+portalsim.DefaultCaptchaAnswer, f)
	code, out, errOut := runCLI(t, env, second...)
	if code != exitData || !strings.Contains(errOut, "another blanktrack upload for 53212539, 115/09~115/10 is running on this machine") {
		t.Errorf("the second run: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(asked); err == nil || sim.Requests() != requests || sim.Imports() != 0 {
		t.Errorf("the second run went on: %d requests (%d before), %d imports", sim.Requests(), requests, sim.Imports())
	}

	// kill -9: the system lets the lock go.
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	code, out, errOut = runCLI(t, env, second...)
	if code != 0 || sim.Imports() != 1 {
		t.Errorf("after the first was killed: exit %d, %d imports\n%s%s", code, sim.Imports(), out, errOut)
	}
	// And after a run that ended.
	if code, out, errOut = runCLI(t, env, second...); code != 0 || !strings.Contains(out, "already on record") {
		t.Errorf("after a run that ended: exit %d\n%s%s", code, out, errOut)
	}
}
