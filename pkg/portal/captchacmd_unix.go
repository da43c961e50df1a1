//go:build !windows

package portal

import (
	"context"
	"os/exec"
	"syscall"
)

// shell runs a command line with sh, in its own process group, so that
// cancelling kills the command and everything it started.
func shell(ctx context.Context, command string) *exec.Cmd {
	c := exec.CommandContext(ctx, "sh", "-c", command)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	return c
}
