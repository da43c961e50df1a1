package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// layoutFlag is --layout of the commands that reach the portal.
func layoutFlag(p *msg.Printer) cli.Flag {
	return &cli.StringFlag{Name: "layout", TakesFile: true, Usage: p.Text("a portal layout file (default: the built-in layout of the real portal)")}
}

// browserFlag is --browser of the commands that may open a browser.
func browserFlag(p *msg.Printer) cli.Flag {
	return &cli.StringFlag{Name: "browser", TakesFile: true, Usage: p.Text("Chrome, Chromium or Edge to use (default: the one found)")}
}

func portalCommand(e *env) *cli.Command {
	p := e.p
	return &cli.Command{
		Name:  "portal",
		Usage: p.Text("the portal's layout, and recording what its screens send to correct it"),
		Subcommands: []*cli.Command{
			{
				Name:         "layout",
				Usage:        p.Text("print the built-in layout of the portal: every address, path and field name, marked found or unconfirmed"),
				OnUsageError: onUsageError,
				Action: func(c *cli.Context) error {
					_, err := io.WriteString(e.stdout, portal.DefaultLayoutText())
					return err
				},
			},
			{
				Name:  "capture",
				Usage: p.Text("open the portal in a browser and record what its screens send, secrets redacted, to correct the layout"),
				Description: p.Text("Opens a browser window on the portal. Log in, open 上傳空白未使用發票號碼作業, choose the 字軌期別,\n" +
					"查詢, 匯入字軌 one file, download the 範本 and open 上傳列表; then close the window (or press\n" +
					"Enter here). Every exchange with the portal's login and API hosts is written to --out:\n" +
					"method, address, status, content type, JSON fields and values, form fields, the multipart\n" +
					"field and file name, and the downloaded 範本 whole. Never recorded: passwords, captcha\n" +
					"answers and images, cookies, Authorization headers, tokens, login challenges, codes,\n" +
					"verifiers, and the content of the file uploaded. Ctrl-C abandons the recording."),
				OnUsageError: onUsageError,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "out", TakesFile: true, Required: true, Usage: p.Text("the file to write (JSON)")},
					layoutFlag(p),
					browserFlag(p),
				},
				Action: func(c *cli.Context) error {
					lay, err := loadLayout(c.String("layout"))
					if err != nil {
						return err
					}
					out := c.String("out")
					if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
						return usagef("--out %s: its folder does not exist", out)
					}
					done := make(chan struct{})
					if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
						go func() {
							bufio.NewReader(f).ReadString('\n')
							close(done)
						}()
					}
					rec, err := portal.Capture(e.ctx, portal.CaptureOptions{Layout: lay, Browser: portal.BrowserOptions{Path: c.String("browser")}, Done: done,
						Log: func(s string) { fmt.Fprintln(e.stderr, s) }, Printer: p})
					if errors.Is(err, portal.ErrNoDisplay) {
						// A person logs in and works the screens: no
						// captcha command stands in for that.
						return msg.Errorf("%w: capture needs a browser window a person works in: run it on a desktop", err)
					}
					if err != nil {
						return explain(err)
					}
					var b bytes.Buffer
					if err := rec.WriteJSON(&b); err != nil {
						return err
					}
					if err := importfile.WriteFiles(e.ctx, filepath.Dir(out), []importfile.File{{Name: filepath.Base(out), Data: b.Bytes()}}); err != nil {
						return err
					}
					p.Say(e.stdout, "recorded %d exchanges with the portal in %s\n", len(rec.Exchanges), out)
					return nil
				},
			},
		},
	}
}
