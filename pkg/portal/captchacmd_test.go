//go:build unix

package portal

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// --captcha-cmd's limits: an answer from stdout; a time limit; an output
// limit; stderr never shown; Ctrl-C stops the command and what it started.
func TestCommandSolver(t *testing.T) {
	ctx := context.Background()
	img := []byte("\x89PNG image")
	if got, err := CommandSolver("cat >/dev/null; echo ' 40417 '", time.Second)(ctx, img); err != nil || got != "40417" {
		t.Errorf("an answer: %q %v", got, err)
	}
	if got, err := CommandSolver(`head -c 4 | od -c | head -1 | awk '{print $3 $4 $5}'`, time.Second)(ctx, img); err != nil || got != "PNG" {
		t.Errorf("the image on stdin: %q %v", got, err)
	}
	start := time.Now()
	_, err := CommandSolver("sleep 30", 200*time.Millisecond)(ctx, img)
	if err == nil || !strings.Contains(err.Error(), "did not answer within 200ms") || time.Since(start) > 2*time.Second {
		t.Errorf("a command that never answers: %v after %s", err, time.Since(start))
	}
	start = time.Now()
	_, err = CommandSolver("yes 12345", 5*time.Second)(ctx, img)
	if err == nil || !strings.Contains(err.Error(), "more than 1 KiB") || time.Since(start) > 2*time.Second {
		t.Errorf("megabytes of output: %v after %s", err, time.Since(start))
	}
	_, err = CommandSolver("echo the-secret-token >&2; exit 3", time.Second)(ctx, img)
	if err == nil || strings.Contains(err.Error(), "the-secret-token") || !strings.Contains(err.Error(), "not shown") {
		t.Errorf("a failing command: %v", err)
	}
	if _, err := CommandSolver("printf '1\\n2\\n'", time.Second)(ctx, img); err == nil {
		t.Error("two lines taken for an answer")
	}

	// Ctrl-C: the command and the process it started are gone within a
	// second.
	pidFile := filepath.Join(t.TempDir(), "pid")
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := CommandSolver("sleep 60 & echo $! > "+pidFile+"; wait", time.Minute)(cctx, img)
		done <- err
	}()
	var pid int
	for i := 0; i < 200 && pid == 0; i++ {
		time.Sleep(10 * time.Millisecond)
		data, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	start = time.Now()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a cancelled command gave an answer")
		}
	case <-time.After(time.Second):
		t.Fatal("Ctrl-C did not stop the command within a second")
	}
	time.Sleep(50 * time.Millisecond)
	if pid == 0 || alive(pid) {
		t.Errorf("the command's child %d outlived it (%s)", pid, time.Since(start))
	}
}

// A command that prints its answer and leaves a child in the background
// is answered, whether the child keeps the command's output open or not,
// and the child is killed once the command ends; a failing command's
// child too. No child is left running.
func TestCommandSolverLeavesNoChild(t *testing.T) {
	img := []byte("\x89PNG image")
	for _, c := range []struct {
		name, command string
		ok            bool
	}{
		{"a child holding stdout", "cat >/dev/null; sleep 1001 & echo $! > PID; echo 54321", true},
		{"a child on /dev/null", "cat >/dev/null; sleep 1001 >/dev/null 2>&1 & echo $! > PID; echo 54321", true},
		{"a failing command", "cat >/dev/null; sleep 1001 & echo $! > PID; exit 3", false},
	} {
		pidFile := filepath.Join(t.TempDir(), "pid")
		got, err := CommandSolver(strings.ReplaceAll(c.command, "PID", pidFile), 5*time.Second)(context.Background(), img)
		if c.ok && (err != nil || got != "54321") {
			t.Errorf("%s: %q, %v; want the answer", c.name, got, err)
		}
		if !c.ok && err == nil {
			t.Errorf("%s: answered %q", c.name, got)
		}
		data, _ := os.ReadFile(pidFile)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
		if pid == 0 {
			t.Fatalf("%s: no child started", c.name)
		}
		for i := 0; i < 100 && alive(pid); i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("%s: the command's child %d was left running", c.name, pid)
		}
	}
}

// alive reports whether a process runs: a zombie (killed, waiting for a
// parent that is gone to reap it) does not.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // no /proc to tell a zombie: it counts as alive
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}
