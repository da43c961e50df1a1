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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
