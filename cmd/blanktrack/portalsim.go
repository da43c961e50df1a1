package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

const (
	simPasswordEnv     = "BLANKTRACK_SIM_PASSWORD"
	defaultSimPassword = "rehearsal"
)

func portalSimCommand(e *env) *cli.Command {
	p := e.p
	return &cli.Command{
		Name:  "portal-sim",
		Usage: p.Text("run a simulator of today's e-invoice portal on loopback addresses, to rehearse a month end"),
		Description: p.Text("Serves the portal's web app (the business login with its captcha, answer %s unless\n"+
			"--captcha-answer, and 上傳空白未使用發票號碼作業), its login with OAuth2 redirects, and its JSON API,\n"+
			"on three ports from --addr's. --gate puts a Cloudflare-like check in front. Accounts come\n"+
			"from --account; their password is $%s, or %q. --write-layout\n"+
			"writes the layout file that points blanktrack upload --layout at it.", portalsim.DefaultCaptchaAnswer, simPasswordEnv, defaultSimPassword),
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8089", Usage: p.Text("loopback address of the web app; the login and the API take the next two ports (port 0: any free ports)")},
			&cli.StringSliceFlag{Name: "account", Usage: p.Text("BAN:USER[:BRANCH_BAN,...], repeat for several (default 53212539:head)")},
			&cli.StringFlag{Name: "captcha-answer", Value: portalsim.DefaultCaptchaAnswer, Usage: p.Text("the captcha's answer")},
			&cli.DurationFlag{Name: "delay", Value: 5 * time.Second, Usage: p.Text("how long an import or a 新增 entry waits before it shows")},
			&cli.DurationFlag{Name: "session-ttl", Value: 20 * time.Minute, Usage: p.Text("how long a login's token lives (0: for ever)")},
			&cli.BoolFlag{Name: "gate", Usage: p.Text("answer requests without clearance with a Cloudflare-like challenge, which only a browser passes; refuse HeadlessChrome")},
			&cli.StringFlag{Name: "import-format", Value: "csv", Usage: p.Text("what 匯入字軌 takes: csv (the 7-field bulk file) or e0402")},
			&cli.StringSliceFlag{Name: "period", Usage: p.Text("a 字軌期別 the screen offers, repeat for several (default: the 12 periods up to today)")},
			&cli.StringFlag{Name: "state", Usage: p.Text("keep what is on record in this file across runs")},
			&cli.StringFlag{Name: "layout", TakesFile: true, Usage: p.Text("serve the paths and names of this layout file (to rehearse a corrected layout)")},
			&cli.StringFlag{Name: "write-layout", TakesFile: true, Usage: p.Text("write the simulator's layout (its addresses) to this file, for upload --layout")},
		},
		Action: func(c *cli.Context) error {
			o := portalsim.Options{CaptchaAnswer: c.String("captcha-answer"), Delay: c.Duration("delay"),
				SessionTTL: c.Duration("session-ttl"), Gate: c.Bool("gate"), StateFile: c.String("state")}
			if c.IsSet("import-format") || !c.IsSet("layout") {
				// Unless given, a --layout's import_format says what the simulator takes.
				o.ImportFormat = c.String("import-format")
			}
			password := e.getenv(simPasswordEnv)
			if password == "" {
				password = defaultSimPassword
			}
			specs := c.StringSlice("account")
			if len(specs) == 0 {
				specs = []string{"53212539:head"}
			}
			for _, s := range specs {
				a, err := parseSimAccount(s)
				if err != nil {
					return usagef("--account %q: %v", s, err)
				}
				a.Password = password
				o.Accounts = append(o.Accounts, a)
			}
			for _, s := range c.StringSlice("period") {
				p, err := ranges.ParsePeriod(s)
				if err != nil {
					return usagef("--period %q: %v", s, err)
				}
				o.Periods = append(o.Periods, p)
			}
			if name := c.String("layout"); name != "" {
				lay, err := loadLayout(name)
				if err != nil {
					return err
				}
				o.Layout = lay
			}
			sim, err := portalsim.New(o)
			if err != nil {
				return usagef("%v", err)
			}
			if err := sim.Start(c.String("addr")); err != nil {
				return usagef("--addr: %v", err)
			}
			defer sim.Close()
			lay := sim.Layout()
			if name := c.String("write-layout"); name != "" {
				var b bytes.Buffer
				p.Say(&b, "# The layout of blanktrack portal-sim at %s: give it to blanktrack upload --layout.\n", lay.Origins.WWW)
				if err := lay.Encode(&b); err != nil {
					return err
				}
				if err := importfile.WriteFiles(e.ctx, filepath.Dir(name), []importfile.File{{Name: filepath.Base(name), Data: b.Bytes()}}); err != nil {
					return err
				}
			}
			gate := msg.T("off")
			if o.Gate {
				gate = msg.T("on")
			}
			p.Say(e.stdout, "portal simulator on %s (web app), %s (login), %s (API); captcha answer %s; gate %v; stop with Ctrl-C\n",
				lay.Origins.WWW, lay.Origins.Login, lay.Origins.API, c.String("captcha-answer"), gate)
			<-e.ctx.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			if err := sim.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			return nil
		},
	}
}

func parseSimAccount(s string) (portalsim.Account, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[1] == "" {
		return portalsim.Account{}, msg.New("want BAN:USER or BAN:USER:BRANCH,BRANCH")
	}
	b, err := ranges.ParseBan(parts[0])
	if err != nil {
		return portalsim.Account{}, err
	}
	a := portalsim.Account{Ban: b, User: parts[1]}
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
