//go:build unix

package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// blanktrackProcess starts the test binary as blanktrack with args, in dir,
// with its temporary files kept in tmp.
func blanktrackProcess(t *testing.T, dir, tmp string, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BLANKTRACK_TEST_MAIN=1", "TMPDIR="+tmp, "BLANKTRACK_TODAY=2026-11-05")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// feedInvoices makes name a pipe that yields an endless invoice export, a
// row at a time, as a slow network share would: generate is inside its row
// loop whenever the signal comes, whatever the machine's speed. The
// returned channel is closed once generate has opened the pipe and read
// from it: by then it handles signals, however loaded the machine is (a
// fixed pause was not always enough under -race).
func feedInvoices(t *testing.T, name string) <-chan struct{} {
	t.Helper()
	if err := syscall.Mkfifo(name, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	reading := make(chan struct{})
	go func() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		fmt.Fprintf(w, "發票號碼,發票日期\n")
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(w, "ZK%08d,2025/10/01\n", 37000000+i%400000); err != nil {
				return // the reader is gone
			}
			if i == 100_000 { // several buffers taken: the reader is in its row loop
				close(reading)
			}
		}
	}()
	return reading
}

// awaitReady waits for a process to reach the point ready is closed at.
func awaitReady(t *testing.T, ready <-chan struct{}, stderr *strings.Builder) {
	t.Helper()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatalf("blanktrack did not start reading in 30 s; stderr:\n%s", stderr)
	}
}

// Ctrl-C or SIGTERM during generate stops it within a second, exit 130,
// with one line saying so, no output file and no temporary file left.
func TestInterrupt(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			alloc := "營業人統編,發票類別代號,發票類別,發票期別,發票字軌名稱,發票起號,發票迄號\n83012410,7,一般稅額計算,114/09~114/10,ZK,37000000,37399999\n"
			if err := os.WriteFile(filepath.Join(dir, "alloc.csv"), []byte(alloc), 0o644); err != nil {
				t.Fatal(err)
			}
			reading := feedInvoices(t, filepath.Join(dir, "sales.csv"))
			cmd, stderr := blanktrackProcess(t, dir, tmp, "generate", "--alloc", "alloc.csv", "--out", "out", "sales.csv")
			awaitReady(t, reading, stderr)
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
				t.Fatalf("exit %v, want %d; stderr:\n%s", err, exitInterrupted, stderr)
			}
			// Well under the watchdog's grace: the row loop itself saw the
			// cancelled context.
			if took > 600*time.Millisecond {
				t.Errorf("stopped %s after the signal, want well under a second", took)
			}
			if got := strings.TrimSpace(stderr.String()); got != "blanktrack: interrupted; nothing written" {
				t.Errorf("stderr = %q, want the one line saying it was interrupted", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("out exists after an interrupt: %v", err)
			}
			if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
				t.Errorf("temporary files left: %v", ents)
			}
		})
	}
}

// stuckGenerate starts generate on an allocation file that is a pipe
// nobody writes to: it waits in a read that no context can cut short.
func stuckGenerate(t *testing.T) (*exec.Cmd, *strings.Builder) {
	dir, tmp := t.TempDir(), t.TempDir()
	fifo := filepath.Join(dir, "alloc.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.csv"), []byte("發票號碼\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Opening the pipe for writing returns once generate has opened it to
	// read; the pipe then stays open and empty until the test ends.
	opened := make(chan struct{})
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		close(opened)
		t.Cleanup(func() { f.Close() })
	}()
	cmd, stderr := blanktrackProcess(t, dir, tmp, "generate", "--alloc", "alloc.csv", "--out", "out", "x.csv")
	awaitReady(t, opened, stderr)
	time.Sleep(50 * time.Millisecond) // from open to the read
	return cmd, stderr
}

// Even stuck in a read, one Ctrl-C ends the command within a second.
func TestInterruptStuckRead(t *testing.T) {
	cmd, stderr := stuckGenerate(t)
	sent := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, want %d; stderr:\n%s", err, exitInterrupted, stderr)
	}
	if took := time.Since(sent); took > 1500*time.Millisecond {
		t.Errorf("stopped %s after the signal, want about a second at most", took)
	}
}

// A second Ctrl-C does not wait for the first to be honoured: the process
// ends at once, by the signal.
func TestSecondInterruptKills(t *testing.T) {
	cmd, stderr := stuckGenerate(t)
	sent := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(50 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("exit %v; stderr:\n%s", err, stderr)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("exit %v, want the process ended by the second SIGINT", err)
	}
	if took > 500*time.Millisecond {
		t.Errorf("still running %s after the second Ctrl-C", took)
	}
}
