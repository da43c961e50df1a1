//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
)

// Ctrl-C during an upload in a browser, while the captcha command runs:
// the command, the browser and its profile are gone within a second, exit
// 130, with the one line saying so.
func TestInterruptUploadInBrowser(t *testing.T) {
	browser, err := portal.FindBrowser()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %v", err)
		}
		t.Skipf("%v: this test needs a browser", err)
	}
	_, lay := startSim(t, portalsim.Options{Gate: true})
	dir, tmp := t.TempDir(), t.TempDir()
	f := writeBulk(t, dir, "53212539_11510.csv", "00001,53212539,11510,ZK,37210357,37210358,07\n")
	marker := filepath.Join(dir, "asked")
	t.Setenv("BLANKTRACK_PASSWORD", simSecret)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // upload's locks
	cmd, stderr := blanktrackProcess(t, dir, tmp, "upload", "--layout", lay, "--carrier", "browser", "--browser", browser,
		"--ban", "53212539", "--user", "head", "--captcha-cmd", "cat >/dev/null; touch "+marker+"; sleep 30", "--yes", f)
	for i := 0; i < 1000; i++ {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(marker); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the captcha was never asked: %s", stderr)
	}
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, want %d; stderr:\n%s", err, exitInterrupted, stderr)
	}
	if took > time.Second {
		t.Errorf("stopped %s after the signal, want under a second", took)
	}
	if got := strings.TrimSpace(stderr.String()); got != "blanktrack: interrupted; nothing sent to the portal" {
		t.Errorf("stderr = %q", got)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
		t.Errorf("left in the temporary folder: %v", ents)
	}
	// No browser of this run is left: its command line names the profile
	// in tmp.
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if data, err := os.ReadFile(p); err == nil && strings.Contains(string(data), tmp) {
			t.Errorf("a process of the run is left: %s", strings.ReplaceAll(string(data), "\x00", " "))
		}
	}
}
