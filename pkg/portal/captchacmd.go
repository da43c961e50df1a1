package portal

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// CommandSolver answers captchas with a command, for unattended runs: the
// command gets the PNG image on its standard input and prints the answer.
// It runs at most limit (default 60s), its output is read up to 1 KiB,
// its standard error is never shown (it could echo anything), and ending
// ctx (Ctrl-C) stops it and every process it started. Once it has ended,
// what it left running in the background is killed: its answer stands,
// even when such a child holds its output open.
func CommandSolver(command string, limit time.Duration) CaptchaSolver {
	if limit <= 0 {
		limit = time.Minute
	}
	return func(ctx context.Context, img []byte) (string, error) {
		tctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		c, tree := shell(tctx, command)
		c.Stdin = bytes.NewReader(img)
		out := &limited{max: 1 << 10}
		c.Stdout = out
		c.Stderr = nil // not shown, not kept
		// A child left in the background may hold the output open: the
		// wait for it ends after WaitDelay.
		c.WaitDelay = 500 * time.Millisecond
		err := c.Start()
		if err == nil {
			tree.started()
			err = c.Wait()
			_ = tree.kill() // what the command left running
		}
		if errors.Is(err, exec.ErrWaitDelay) && c.ProcessState.Success() {
			err = nil // it answered and ended; a child held its output
		}
		switch {
		case ctx.Err() != nil:
			return "", context.Cause(ctx)
		case tctx.Err() != nil:
			return "", msg.Errorf("the captcha command did not answer within %s", limit)
		case out.over:
			return "", msg.New("the captcha command printed more than 1 KiB: want the answer alone")
		case err != nil:
			return "", msg.Errorf("the captcha command failed (%v); its error output is not shown", err)
		}
		answer := strings.TrimSpace(out.b.String())
		if answer == "" || strings.ContainsAny(answer, "\n\r") {
			return "", msg.New("the captcha command printed no answer, or more than one line")
		}
		return answer, nil
	}
}

// limited keeps the first max bytes written and notes more.
type limited struct {
	b    bytes.Buffer
	max  int
	over bool
}

func (l *limited) Write(p []byte) (int, error) {
	if l.b.Len()+len(p) > l.max {
		l.over = true
		return 0, msg.New("too much output")
	}
	return l.b.Write(p)
}
