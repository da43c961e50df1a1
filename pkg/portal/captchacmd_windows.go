//go:build windows

package portal

import (
	"context"
	"os/exec"
)

// shell runs a command line with cmd.exe.
func shell(ctx context.Context, command string) *exec.Cmd {
	return exec.CommandContext(ctx, "cmd", "/C", command)
}
