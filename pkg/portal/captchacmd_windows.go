//go:build windows

package portal

import (
	"context"
	"os/exec"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// shell runs a command line with cmd.exe.
func shell(ctx context.Context, command string) (*exec.Cmd, *procTree) {
	c := exec.CommandContext(ctx, "cmd", "/C", command)
	t := &procTree{c: c}
	c.Cancel = t.kill
	return c, t
}

// procTree is a command and the processes it started, as far as Windows
// lets them be found: a job object the command is put in once started,
// which its children join as they start. A child started before that, or
// one that breaks away from the job, escapes it.
type procTree struct {
	c   *exec.Cmd
	mu  sync.Mutex
	job windows.Handle // 0: none
}

// started puts the command in a job object that ends its processes when
// closed, even if blanktrack itself dies first. Without one (the system
// refuses), kill ends the command alone.
func (t *procTree) started() {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{
		BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE},
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation, uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return
	}
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(t.c.Process.Pid))
	if err != nil {
		windows.CloseHandle(job)
		return
	}
	defer windows.CloseHandle(p)
	if err := windows.AssignProcessToJobObject(job, p); err != nil {
		windows.CloseHandle(job)
		return
	}
	t.mu.Lock()
	t.job = job
	t.mu.Unlock()
}

// kill ends the job's processes, and the command.
func (t *procTree) kill() error {
	t.mu.Lock()
	if t.job != 0 {
		windows.TerminateJobObject(t.job, 1)
		windows.CloseHandle(t.job)
		t.job = 0
	}
	t.mu.Unlock()
	if t.c.Process == nil {
		return nil
	}
	return t.c.Process.Kill()
}
