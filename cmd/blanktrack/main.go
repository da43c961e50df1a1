// Command blanktrack computes the blank, unused e-invoice numbers
// (空白未使用發票號碼) a Taiwanese business must report every two months, from
// the portal's allocation download and month-end exports of issued invoices,
// and writes the portal's 匯入字軌 bulk file and E0402 XML for Turnkey.
//
// Run blanktrack --help for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// interruptGrace is how long the first Ctrl-C waits for the command to stop
// by itself (removing its temporary files) before the process ends anyway:
// a read of a stalled network share or pipe cannot be cut short.
const interruptGrace = 900 * time.Millisecond

// memoryLimit is the heap size past which the Go runtime collects garbage
// harder, unless GOMEMLIMIT says otherwise: it keeps blanktrack within a
// few hundred MiB on any input (the work of a large run is mostly
// short-lived).
const memoryLimit = 180 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		// The default handling is back: a second Ctrl-C kills at once.
		stop()
		select {
		case <-done:
		case <-time.After(interruptGrace):
			p, _, _ := printerFor(os.Args, os.Getenv)
			p.Say(os.Stderr, "blanktrack: interrupted; nothing written\n")
			os.Exit(exitInterrupted)
		}
	}()
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	close(done)
	stop()
	os.Exit(code)
}
