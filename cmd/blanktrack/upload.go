package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// uploadOptions are the parsed flags of blanktrack upload.
type uploadOptions struct {
	Ban            ranges.Ban
	User           string
	PasswordEnv    string
	CaptchaCmd     string
	CaptchaTimeout time.Duration
	Period         ranges.Period
	Yes            bool
	DryRun         bool
	Config         string
	Out            string
	Files          []string
	Wait           portal.Wait
	RetryWait      time.Duration
	Deadline       time.Duration
	Layout         string
	Carrier        portal.Mode
	carrierSet     bool
	Browser        string
	Headless       bool
	Resend         bool
}

const defaultPasswordEnv = "BLANKTRACK_PASSWORD"

func uploadCommand(e *env) *cli.Command {
	p := e.p
	return &cli.Command{
		Name:      "upload",
		Usage:     p.Text("upload 匯入字軌 bulk files to the e-invoice portal and verify they are on record"),
		ArgsUsage: p.Text("FILE... | --config blanktrack.toml"),
		Description: p.Text("Logs in, reads what is on record for the period, uploads only the ranges not there yet\n" +
			"(匯入字軌), and polls 上傳列表 and 查詢 until every range is on record or rejected.\n" +
			"Requests go directly, or through a browser where the portal's Cloudflare check asks for one\n" +
			"(--carrier). The password comes from an environment variable (or a prompt on a terminal),\n" +
			"never a flag."),
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "ban", Usage: p.Text("統一編號 to log in with")},
			&cli.StringFlag{Name: "user", Usage: p.Text("帳號 to log in with")},
			&cli.StringFlag{Name: "password-env", Value: defaultPasswordEnv, Usage: p.Text("the environment variable holding the password")},
			layoutFlag(p),
			&cli.StringFlag{Name: "carrier", Value: "auto", Usage: p.Text("how requests reach the portal: direct, browser, or auto (direct, then a browser on a Cloudflare challenge)")},
			browserFlag(p),
			&cli.BoolFlag{Name: "headless", Usage: p.Text("run the browser without a window (the default with --captcha-cmd)")},
			&cli.StringFlag{Name: "captcha-cmd", TakesFile: true, Usage: p.Text("command that reads the captcha image on stdin and prints its answer (unattended runs)")},
			&cli.DurationFlag{Name: "captcha-timeout", Value: time.Minute, Usage: p.Text("how long --captcha-cmd may take")},
			&cli.StringFlag{Name: "period", Usage: p.Text("period, as 114/09~114/10, 11410 or last (default: the files')")},
			&cli.BoolFlag{Name: "yes", Usage: p.Text("upload without asking")},
			&cli.BoolFlag{Name: "dry-run", Usage: p.Text("show what would be uploaded and what is on record, and stop")},
			&cli.StringFlag{Name: "config", TakesFile: true, Usage: p.Text("a blanktrack.toml: upload every branch's file, one login per account")},
			&cli.StringFlag{Name: "out", TakesFile: true, Usage: p.Text("with --config: the folder generate wrote into (default: out in the config)")},
			&cli.DurationFlag{Name: "deadline", Value: 30 * time.Minute, Usage: p.Text("the longest the whole run may take: logins, uploads and waiting")},
			&cli.DurationFlag{Name: "wait", Value: 10 * time.Minute, Usage: p.Text("how long to wait, from the first file sent, for the portal to list and process the files")},
			&cli.DurationFlag{Name: "poll", Value: 3 * time.Second, Usage: p.Text("first pause between looks at 上傳列表 and 查詢")},
			&cli.DurationFlag{Name: "retry-wait", Value: time.Second, Usage: p.Text("first pause before retrying a failed request")},
			&cli.BoolFlag{Name: "resend", Usage: p.Text("send, for every file of the run, what the journal holds back (an earlier run sent it and 上傳列表 does not show it), ranges gone from 查詢, and despite imports not processed yet: only after checking 上傳列表 on the portal by hand")},
		},
		Action: func(c *cli.Context) error {
			setInterruptNote(msg.T("nothing sent to the portal"))
			o, err := parseUploadOptions(e, c)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeoutCause(e.ctx, o.Deadline, msg.Errorf("the run's --deadline of %s passed", o.Deadline))
			defer cancel()
			if o.Config != "" {
				return runUploadConfig(ctx, e, o)
			}
			return runUpload(ctx, e, o)
		},
	}
}

func parseUploadOptions(e *env, c *cli.Context) (uploadOptions, error) {
	o := uploadOptions{
		User:           c.String("user"),
		PasswordEnv:    c.String("password-env"),
		CaptchaCmd:     c.String("captcha-cmd"),
		CaptchaTimeout: c.Duration("captcha-timeout"),
		Yes:            c.Bool("yes"),
		DryRun:         c.Bool("dry-run"),
		Config:         c.String("config"),
		Out:            c.String("out"),
		Files:          c.Args().Slice(),
		Wait:           portal.Wait{First: c.Duration("poll"), Max: 30 * time.Second, Limit: c.Duration("wait")},
		RetryWait:      c.Duration("retry-wait"),
		Deadline:       c.Duration("deadline"),
		Layout:         c.String("layout"),
		carrierSet:     c.IsSet("carrier"),
		Browser:        c.String("browser"),
		Headless:       c.Bool("headless") || c.String("captcha-cmd") != "",
		Resend:         c.Bool("resend"),
	}
	if err := flagsBeforeFiles(o.Files); err != nil {
		return o, err
	}
	var err error
	if o.Carrier, err = portal.ParseMode(c.String("carrier")); err != nil {
		return o, usagef("--carrier %v", err)
	}
	if o.Deadline <= 0 || o.CaptchaTimeout <= 0 {
		return o, usagef("--deadline and --captcha-timeout must be positive")
	}
	if o.Period, err = periodFlag(e, c.String("period")); err != nil {
		return o, err
	}
	if o.Config != "" {
		if len(o.Files) > 0 || c.String("ban") != "" || o.User != "" {
			return o, usagef("--config names every branch's account and file: give no --ban, --user or files with it")
		}
		return o, checkInputs([]string{o.Config})
	}
	if b := c.String("ban"); b != "" {
		if o.Ban, err = ranges.ParseBan(b); err != nil {
			return o, usagef("--ban: %v", err)
		}
	}
	switch {
	case o.Ban == "":
		return o, usagef("--ban is required: the 統一編號 to log in with")
	case o.User == "":
		return o, usagef("--user is required: the 帳號 to log in with")
	case len(o.Files) == 0:
		return o, usagef("upload: no file: give the bulk files generate wrote")
	}
	if o.Layout != "" {
		return o, checkInputs(o.Files, []string{o.Layout})
	}
	return o, checkInputs(o.Files)
}

func runUpload(ctx context.Context, e *env, o uploadOptions) error {
	lay, err := loadLayout(o.Layout)
	if err != nil {
		return err
	}
	l := portal.LoginPlan{Ban: o.Ban, User: o.User, PasswordEnv: o.PasswordEnv, Head: o.Ban, Files: o.Files}
	files, err := readUploadFiles(ctx, l, o.Period, lay)
	if err != nil {
		return err
	}
	password, err := readPassword(e, l)
	if err != nil {
		return err
	}
	ok, err := uploadLogin(ctx, e, o, lay, l, files, password)
	if err != nil {
		return err
	}
	if !ok {
		return reportedError{exitData}
	}
	return nil
}

func loadLayout(name string) (*portal.Layout, error) {
	if name == "" {
		return portal.DefaultLayout(), nil
	}
	lay, err := portal.LoadLayout(name)
	if err != nil {
		return nil, usagef("--layout: %v", err)
	}
	return lay, nil
}

func runUploadConfig(ctx context.Context, e *env, o uploadOptions) error {
	c, err := openConfig(e, o.Config)
	if err != nil {
		return err
	}
	d, err := today(e)
	if err != nil {
		return err
	}
	period := o.Period
	if period.IsZero() {
		period = c.PeriodOn(d)
	}
	if period.IsZero() {
		return usagef("--period is required with --config (or period in %s)", c.Path)
	}
	out := o.Out
	if out == "" {
		out = c.OutDir()
	}
	if out == "" {
		return usagef("--out is required: the folder generate wrote into (or out in %s)", c.Path)
	}
	if o.Layout == "" {
		o.Layout = c.LayoutFile()
	}
	if !o.carrierSet && c.Carrier != "" {
		o.Carrier = portal.Mode(c.Carrier)
	}
	lay, err := loadLayout(o.Layout)
	if err != nil {
		return err
	}
	o.Period = period
	var branches []portal.Branch
	for _, b := range c.Branches {
		files, err := importfile.FindBulkFiles(out, b.BanOf(), period)
		if err != nil {
			return err
		}
		branches = append(branches, portal.Branch{Ban: b.BanOf(), Name: b.Label(), User: b.User, PasswordEnv: cmp.Or(b.PasswordEnv, defaultPasswordEnv), Files: files})
		if len(files) == 0 {
			e.p.Say(e.stdout, "%v: no %s: no blank number to report (or generate has not run)\n", branches[len(branches)-1].Label(), filepath.Join(out, importfile.BulkFileName(b.BanOf(), period)))
		}
	}
	logins, orphans := portal.PlanLogins(c.Head.Ban, branches)
	for _, i := range orphans {
		e.p.Say(e.stderr, "error: %v: no user in %s (branch[%d]), and no head office login to act for it (the branch of head = %q, with a user)\n", branches[i].Label(), c.Path, i+1, c.Head.Ban)
	}
	if len(logins) == 1 {
		e.p.Say(e.stdout, "1 login, so 1 captcha:\n")
	} else if len(logins) > 1 {
		e.p.Say(e.stdout, "%d logins, so %d captchas:\n", len(logins), len(logins))
	}
	for _, l := range logins {
		var bans []string
		for _, b := range l.Bans {
			bans = append(bans, string(b))
		}
		e.p.Say(e.stdout, "  %v, account %s: %s\n", l.Label(), l.User, strings.Join(bans, ", "))
	}
	if len(logins) > 0 {
		fmt.Fprintln(e.stdout)
	}
	allOK := len(orphans) == 0
	// Every login's files are checked, and every password found, before
	// the first login: a mistake stops or skips a login before anything
	// is sent.
	var ready []portal.LoginPlan
	var files []*portal.Files
	for _, l := range logins {
		f, err := readUploadFiles(ctx, l, o.Period, lay)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			e.p.Say(e.stderr, "error: %v: %v\n", l.Label(), err)
			allOK = false
			continue
		}
		ready, files = append(ready, l), append(files, f)
	}
	passwords, err := readPasswords(e, ready)
	if err != nil {
		return err
	}
	for i, l := range ready {
		e.p.Say(e.stdout, "== %v\n", l.Label())
		ok, err := uploadLogin(ctx, e, o, lay, l, files[i], passwords[i])
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			e.p.Say(e.stderr, "error: %v: %v\n", l.Label(), err)
			allOK = false
			continue
		}
		allOK = allOK && ok
		fmt.Fprintln(e.stdout)
	}
	if !allOK {
		return reportedError{exitData}
	}
	return nil
}

// readUploadFiles reads and checks a login's bulk files.
func readUploadFiles(ctx context.Context, l portal.LoginPlan, p ranges.Period, lay *portal.Layout) (*portal.Files, error) {
	files, err := portal.ReadBulkFiles(ctx, l.Files, p)
	var findings *portal.FindingsError
	if errors.As(err, &findings) {
		return nil, msg.Errorf("%v; run blanktrack check", err)
	}
	var same *portal.SameContentError
	if errors.As(err, &same) {
		return nil, usageError{err: err}
	}
	var xml *portal.E0402FileError
	if errors.As(err, &xml) {
		if lay.Blank.ImportFormat == portal.ImportE0402 {
			return nil, msg.Errorf("%v; the layout's import_format is %q already: give the .csv files", err, lay.Blank.ImportFormat)
		}
		return nil, msg.Errorf("%v; the layout's import_format is %q: for a portal that takes E0402, give --layout a layout file with import_format = \"e0402\" (blanktrack portal layout prints one)", err, lay.Blank.ImportFormat)
	}
	return files, err
}

// uploadLogin logs in once and uploads a login's files; ok is whether
// every range ended on record.
func uploadLogin(ctx context.Context, e *env, o uploadOptions, lay *portal.Layout, l portal.LoginPlan, files *portal.Files, password string) (bool, error) {
	if !o.DryRun {
		lock, err := lockUpload(e, l, files)
		if err != nil {
			return false, err
		}
		defer lock.Release()
	}
	solver := terminalSolver(e)
	if o.CaptchaCmd != "" {
		solver = portal.CommandSolver(o.CaptchaCmd, o.CaptchaTimeout)
	}
	var log func(string)
	if e.term != nil {
		log = func(s string) { fmt.Fprintln(e.stderr, s) }
	}
	cl, err := portal.New(portal.Options{
		Layout: lay, Mode: o.Carrier, Ban: l.Ban, User: l.User, Password: password, Head: l.Head,
		Captcha: solver, Browser: portal.BrowserOptions{Path: o.Browser, Headless: o.Headless},
		Backoff: o.RetryWait, Log: log, Printer: e.p,
		// The journal of imports sent lives with the locks that keep two
		// runs from writing it at once.
		Journal: uploadLockDir(e), Resend: o.Resend,
		// An interrupt says what the run leaves on the portal: what it
		// sent, is sending, or only follows.
		Standing: setInterruptNote,
	})
	if err != nil {
		return false, usageError{err: err}
	}
	defer cl.Close()
	plan, err := cl.PlanUpload(ctx, files.Period, files.Ranges, files.Names)
	if err != nil {
		return false, explain(err)
	}
	e.p.Say(e.stdout, "Before upload, %s:\n", plan.Period)
	_ = plan.WriteTable(e.stdout, e.p)
	blocked, pending := plan.Blocked(), plan.Pending()
	states := plan.Summary()
	if n := states[portal.Conflict]; n > 0 {
		e.p.Say(e.stderr, "error: %d range(s) overlap different ranges on record for %s (someone, perhaps another system, reported other numbers); their files are not uploaded: settle it on the portal first\n", n, plan.Period)
	}
	if n := states[portal.Unauthorized]; n > 0 {
		e.p.Say(e.stderr, "error: %d range(s) are of a 統編 the login %s may not act for; their files are not uploaded: upload them with that 統編's own account, or have it authorize %s on the portal\n", n, l.Ban, l.Ban)
	}
	if o.DryRun {
		e.p.Say(e.stdout, "dry run: %d range(s) would be uploaded\n", pending)
		return blocked == 0, nil
	}
	if pending > 0 && !o.Yes {
		yes, err := confirm(e, e.p.Text("Upload %d range(s) to %s as %s? [y/N] ", pending, lay.Origins.API, l.Ban))
		if err != nil {
			return false, err
		}
		if !yes {
			e.p.Say(e.stdout, "nothing uploaded\n")
			return false, nil
		}
	}
	// What was sent, followed or refused is printed wherever stderr goes:
	// a cron log must show that a file reached the portal, also when a
	// later step fails. The waiting goes to log, on a terminal only.
	events := func(s string) { fmt.Fprintln(e.stderr, s) }
	if err := cl.Execute(ctx, plan, o.Wait, events); err != nil {
		return false, explain(err)
	}
	e.p.Say(e.stdout, "Result, %s:\n", plan.Period)
	_ = plan.WriteTable(e.stdout, e.p)
	return plan.AllOnRecord(), nil
}

// explain adds what the person can do about an error.
func explain(err error) error {
	switch {
	case errors.Is(err, portal.ErrChallenged):
		return msg.Errorf("%w (use --carrier browser or auto)", err)
	case errors.Is(err, portal.ErrNoBrowser):
		return msg.Errorf("%w: install Chrome, Chromium or Edge, or name it with --browser", err)
	case errors.Is(err, portal.ErrNoDisplay):
		return msg.Errorf("%w: answer the captcha with --captcha-cmd, which runs the browser headless", err)
	}
	return err
}

// readPasswords finds every login's password before the first login, so
// that a missing one stops the run before anything is sent; each missing
// one is named.
func readPasswords(e *env, logins []portal.LoginPlan) ([]string, error) {
	var passwords []string
	missing := 0
	for _, l := range logins {
		p, err := readPassword(e, l)
		var ue usageError
		switch {
		case errors.As(err, &ue):
			e.p.Say(e.stderr, "error: %v\n", ue.err)
			missing++
		case err != nil:
			return nil, err
		}
		passwords = append(passwords, p)
	}
	if missing > 0 {
		return nil, usagef("%d of the %d logins have no password: nothing was sent", missing, len(logins))
	}
	return passwords, nil
}

// readPassword takes the password from the named environment variable, or
// asks for it without echo on a terminal. It is never printed.
func readPassword(e *env, l portal.LoginPlan) (string, error) {
	if p := e.getenv(l.PasswordEnv); p != "" {
		return p, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usagef("no password for %s: set the environment variable %s (or run on a terminal to be asked)", l.Label(), l.PasswordEnv)
	}
	e.p.Say(e.stderr, "password for %s, account %s: ", l.Ban, l.User)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// terminalSolver asks a person at the terminal for the captcha of a direct
// login, after saving the image to a temporary file that is removed
// whatever happens, Ctrl-C included.
func terminalSolver(e *env) portal.CaptchaSolver {
	return func(ctx context.Context, img []byte) (string, error) {
		f, ok := e.stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return "", msg.New("no terminal to ask for the captcha: use --captcha-cmd for unattended runs")
		}
		tmp, err := os.CreateTemp("", "blanktrack-captcha-*.png")
		if err != nil {
			return "", err
		}
		defer os.Remove(tmp.Name())
		_, err = tmp.Write(img)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", err
		}
		e.p.Say(e.stderr, "the portal's captcha is in %s\ncaptcha (驗證碼): ", tmp.Name())
		type read struct {
			line string
			err  error
		}
		got := make(chan read, 1)
		go func() {
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			got <- read{line, err}
		}()
		select {
		case <-ctx.Done():
			return "", context.Cause(ctx)
		case r := <-got:
			if r.err != nil && r.line == "" {
				return "", r.err
			}
			return strings.TrimSpace(r.line), nil
		}
	}
}

// confirm asks a yes/no question on the terminal.
func confirm(e *env, question string) (bool, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, usagef("not a terminal to confirm the upload: add --yes (or --dry-run to look first)")
	}
	fmt.Fprint(e.stderr, question)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}
