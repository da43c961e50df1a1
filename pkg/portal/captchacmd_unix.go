//go:build !windows

package portal

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// shell runs a command line with sh, in its own process group, so that
// cancelling kills the command and everything it started.
func shell(ctx context.Context, command string) (*exec.Cmd, *procTree) {
	c := exec.CommandContext(ctx, "sh", "-c", command)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	t := &procTree{c: c}
	c.Cancel = t.kill
	return c, t
}

// procTree is a command and the processes it started: its process group.
// A process that leaves the group (setsid) escapes it.
type procTree struct{ c *exec.Cmd }

// started is called once the command has started: its group is already
// there.
func (t *procTree) started() {}

// kill ends the command's process group, the command's background
// children too. Once the command has ended, its group lives on as long as
// one of them does, and its id stays theirs, so that it cannot name
// another's group.
func (t *procTree) kill() error {
	if t.c.Process == nil {
		return nil
	}
	err := syscall.Kill(-t.c.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}
