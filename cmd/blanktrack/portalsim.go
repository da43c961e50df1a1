package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

const (
	simPasswordEnv     = "BLANKTRACK_SIM_PASSWORD"
	defaultSimPassword = "rehearsal"
)

func portalSimCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "portal-sim",
		Usage: "run a simulator of the e-invoice portal on a loopback address, to rehearse a month end",
		Description: "Serves the login (captcha answer " + portal.DefaultCaptchaAnswer + " unless --captcha-answer), the menu and\n" +
			"上傳未使用空白發票號碼作業 with 匯入字軌, 上傳列表 and 查詢. Accounts come from --account;\n" +
			"their password is $" + simPasswordEnv + ", or \"" + defaultSimPassword + "\".",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8089", Usage: "loopback address to listen on"},
			&cli.StringSliceFlag{Name: "account", Usage: "BAN:USER[:BRANCH_BAN,...], repeat for several (default 53212539:head)"},
			&cli.StringFlag{Name: "captcha-answer", Value: portal.DefaultCaptchaAnswer, Usage: "the captcha's fixed answer"},
			&cli.DurationFlag{Name: "delay", Value: 5 * time.Second, Usage: "how long an import or a 新增 entry waits before it shows"},
			&cli.DurationFlag{Name: "session-ttl", Value: 20 * time.Minute, Usage: "idle time after which a session expires"},
			&cli.BoolFlag{Name: "big5", Usage: "serve pages in Big5, as the old portal did"},
			&cli.StringFlag{Name: "state", Usage: "keep what is on record in this file across runs"},
		},
		Action: func(c *cli.Context) error {
			host, _, err := net.SplitHostPort(c.String("addr"))
			if err != nil || !isLoopbackHost(host) {
				return usagef("--addr %q: the simulator listens on a loopback address only", c.String("addr"))
			}
			password := e.getenv(simPasswordEnv)
			if password == "" {
				password = defaultSimPassword
			}
			specs := c.StringSlice("account")
			if len(specs) == 0 {
				specs = []string{"53212539:head"}
			}
			var accounts []portal.Account
			for _, s := range specs {
				a, err := parseSimAccount(s)
				if err != nil {
					return usagef("--account %q: %v", s, err)
				}
				a.Password = password
				accounts = append(accounts, a)
			}
			sim, err := portal.NewSimulator(portal.SimOptions{
				Accounts: accounts, CaptchaAnswer: c.String("captcha-answer"), Delay: c.Duration("delay"),
				SessionTTL: c.Duration("session-ttl"), Big5: c.Bool("big5"), StateFile: c.String("state"),
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", c.String("addr"))
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(e.stdout, "portal simulator on http://%s (captcha answer %s); stop with Ctrl-C\n", ln.Addr(), c.String("captcha-answer"))
			go func() {
				<-e.ctx.Done()
				srv.Close()
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func parseSimAccount(s string) (portal.Account, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[1] == "" {
		return portal.Account{}, errors.New("want BAN:USER or BAN:USER:BRANCH,BRANCH")
	}
	b, err := ranges.ParseBan(parts[0])
	if err != nil {
		return portal.Account{}, err
	}
	a := portal.Account{Ban: b, User: parts[1]}
	if len(parts) == 3 {
		for _, br := range strings.Split(parts[2], ",") {
			bb, err := ranges.ParseBan(br)
			if err != nil {
				return a, err
			}
			a.Branches = append(a.Branches, bb)
		}
	}
	return a, nil
}
