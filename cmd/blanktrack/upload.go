package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/job"
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
}

const defaultPasswordEnv = "BLANKTRACK_PASSWORD"

func uploadCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "upload 匯入字軌 bulk files to the e-invoice portal and verify they are on record",
		ArgsUsage: "FILE... | --config blanktrack.toml",
		Description: "Logs in, reads what is on record for the period, uploads only the ranges not there yet\n" +
			"(匯入字軌), and polls 上傳列表 and 查詢 until every range is on record or rejected.\n" +
			"Requests go directly, or through a browser where the portal's Cloudflare check asks for one\n" +
			"(--carrier). The password comes from an environment variable (or a prompt on a terminal),\n" +
			"never a flag.",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "ban", Usage: "統一編號 to log in with"},
			&cli.StringFlag{Name: "user", Usage: "帳號 to log in with"},
			&cli.StringFlag{Name: "password-env", Value: defaultPasswordEnv, Usage: "the environment variable holding the password"},
			&cli.StringFlag{Name: "layout", Usage: "a portal layout file (default: the built-in layout of the real portal)"},
			&cli.StringFlag{Name: "carrier", Value: "auto", Usage: "how requests reach the portal: direct, browser, or auto (direct, then a browser on a Cloudflare challenge)"},
			&cli.StringFlag{Name: "browser", Usage: "Chrome, Chromium or Edge to use (default: the one found)"},
			&cli.BoolFlag{Name: "headless", Usage: "run the browser without a window (the default with --captcha-cmd)"},
			&cli.StringFlag{Name: "captcha-cmd", Usage: "command that reads the captcha image on stdin and prints its answer (unattended runs)"},
			&cli.DurationFlag{Name: "captcha-timeout", Value: time.Minute, Usage: "how long --captcha-cmd may take"},
			&cli.StringFlag{Name: "period", Usage: "period, as 114/09~114/10, 11410 or last (default: the files')"},
			&cli.BoolFlag{Name: "yes", Usage: "upload without asking"},
			&cli.BoolFlag{Name: "dry-run", Usage: "show what would be uploaded and what is on record, and stop"},
			&cli.StringFlag{Name: "config", Usage: "a blanktrack.toml: upload every branch's file, one login per account"},
			&cli.StringFlag{Name: "out", Usage: "with --config: the folder generate wrote into (default: out in the config)"},
			&cli.DurationFlag{Name: "deadline", Value: 30 * time.Minute, Usage: "the longest the whole run may take: logins, uploads and waiting"},
			&cli.DurationFlag{Name: "wait", Value: 10 * time.Minute, Usage: "how long to wait for the portal to process the files"},
			&cli.DurationFlag{Name: "poll", Value: 3 * time.Second, Usage: "first pause between looks at 上傳列表 and 查詢"},
			&cli.DurationFlag{Name: "retry-wait", Value: time.Second, Usage: "first pause before retrying a failed request"},
		},
		Action: func(c *cli.Context) error {
			o, err := parseUploadOptions(e, c)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeoutCause(e.ctx, o.Deadline, fmt.Errorf("the run's --deadline of %s passed", o.Deadline))
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

// login is one login and the files it uploads: a head office's login
// uploads its branches' files too.
type login struct {
	label       string
	ban         ranges.Ban
	user        string
	passwordEnv string
	head        ranges.Ban // E0402 HeadBan
	bans        []ranges.Ban
	files       []string
}

func runUpload(ctx context.Context, e *env, o uploadOptions) error {
	lay, err := loadLayout(o.Layout)
	if err != nil {
		return err
	}
	l := login{label: string(o.Ban), ban: o.Ban, user: o.User, passwordEnv: o.PasswordEnv, head: o.Ban, files: o.Files}
	ok, err := uploadLogin(ctx, e, o, lay, l)
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
	logins, problems, err := planLogins(e, c, out, period)
	if err != nil {
		return err
	}
	if len(logins) > 0 {
		fmt.Fprintf(e.stdout, "%s, so %s:\n", job.Plural(len(logins), "login"), job.Plural(len(logins), "captcha"))
		for _, l := range logins {
			var bans []string
			for _, b := range l.bans {
				bans = append(bans, string(b))
			}
			fmt.Fprintf(e.stdout, "  %s, account %s: %s\n", l.label, l.user, strings.Join(bans, ", "))
		}
		fmt.Fprintln(e.stdout)
	}
	allOK := problems == 0
	for _, l := range logins {
		fmt.Fprintf(e.stdout, "== %s\n", l.label)
		ok, err := uploadLogin(ctx, e, o, lay, l)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "error: %s: %v\n", l.label, err)
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

// planLogins groups the branches by login: a branch with its own user logs
// in on its own; the others are uploaded by the head office's login (the
// branch of the config's head, with a user), which may act for them.
// problems counts the branches nobody can upload.
func planLogins(e *env, c *job.Config, out string, period ranges.Period) ([]login, int, error) {
	var head *login
	var own []login
	problems := 0
	passwordEnv := func(b job.BranchConfig) string {
		if b.PasswordEnv != "" {
			return b.PasswordEnv
		}
		return defaultPasswordEnv
	}
	for _, b := range c.Branches {
		if b.BanOf() == c.Head.Ban && b.User != "" {
			head = &login{label: fmt.Sprintf("%s (%s)", b.BanOf(), b.Label()), ban: b.BanOf(), user: b.User, passwordEnv: passwordEnv(b), head: c.Head.Ban}
		}
	}
	for i, b := range c.Branches {
		label := fmt.Sprintf("branch %s (%s)", b.Label(), b.BanOf())
		files, err := importfile.FindBulkFiles(out, b.BanOf(), period)
		if err != nil {
			return nil, 0, err
		}
		if len(files) == 0 {
			fmt.Fprintf(e.stdout, "%s: no %s: no blank number to report (or generate has not run)\n", label, filepath.Join(out, importfile.BulkFileName(b.BanOf(), period)))
			continue
		}
		var l *login
		switch {
		case head != nil && (b.User == "" || b.BanOf() == head.ban):
			l = head
		case b.User != "":
			own = append(own, login{label: fmt.Sprintf("%s (%s)", b.BanOf(), b.Label()), ban: b.BanOf(), user: b.User, passwordEnv: passwordEnv(b), head: c.Head.Ban})
			l = &own[len(own)-1]
		default:
			fmt.Fprintf(e.stderr, "error: %s: no user in %s (branch[%d]), and no head office login to act for it (the branch of head = %q, with a user)\n", label, c.Path, i+1, c.Head.Ban)
			problems++
			continue
		}
		l.bans = append(l.bans, b.BanOf())
		l.files = append(l.files, files...)
	}
	var logins []login
	if head != nil && len(head.files) > 0 {
		logins = append(logins, *head)
	}
	return append(logins, own...), problems, nil
}

// uploadLogin logs in once and uploads a login's files; ok is whether
// every range ended on record.
func uploadLogin(ctx context.Context, e *env, o uploadOptions, lay *portal.Layout, l login) (bool, error) {
	files, order, period, err := readBulkFiles(l.files, o.Period)
	if err != nil {
		return false, err
	}
	password, err := readPassword(e, l)
	if err != nil {
		return false, err
	}
	solver := terminalSolver(e)
	if o.CaptchaCmd != "" {
		solver = portal.CommandSolver(o.CaptchaCmd, o.CaptchaTimeout)
	}
	var log func(string)
	if e.term != nil {
		log = func(s string) { fmt.Fprintf(e.stderr, "%s\n", s) }
	}
	cl, err := portal.New(portal.Options{
		Layout: lay, Mode: o.Carrier, Ban: l.ban, User: l.user, Password: password, Head: l.head,
		Captcha: solver, Browser: portal.BrowserOptions{Path: o.Browser, Headless: o.Headless},
		Backoff: o.RetryWait, Log: log,
	})
	if err != nil {
		return false, usageError{err}
	}
	defer cl.Close()
	plan, err := cl.PlanUpload(ctx, period, files, order)
	if err != nil {
		return false, explain(err)
	}
	printPlan(e.stdout, plan, "Before upload")
	blocked, pending := 0, 0
	for _, f := range plan.Files {
		blocked += f.Blocked()
		if f.Blocked() == 0 {
			pending += len(f.Pending())
		}
	}
	if blocked > 0 {
		fmt.Fprintf(e.stderr, "error: %d range(s) overlap different ranges on record for %s (someone, perhaps another system, reported other numbers) or are of a 統編 this login may not act for; their files are not uploaded: settle it on the portal first\n", blocked, period)
	}
	if o.DryRun {
		fmt.Fprintf(e.stdout, "dry run: %d range(s) would be uploaded\n", pending)
		return blocked == 0, nil
	}
	if pending > 0 && !o.Yes {
		yes, err := confirm(e, fmt.Sprintf("Upload %d range(s) to %s as %s? [y/N] ", pending, lay.Origins.API, l.ban))
		if err != nil {
			return false, err
		}
		if !yes {
			fmt.Fprintln(e.stdout, "nothing uploaded")
			return false, nil
		}
	}
	if err := cl.Execute(ctx, plan, o.Wait, log); err != nil {
		return false, explain(err)
	}
	printPlan(e.stdout, plan, "Result")
	return plan.AllOnRecord(), nil
}

// explain adds what the person can do about an error.
func explain(err error) error {
	switch {
	case errors.Is(err, portal.ErrChallenged):
		return fmt.Errorf("%w (use --carrier browser or auto)", err)
	case errors.Is(err, portal.ErrNoBrowser):
		return fmt.Errorf("%w: install Chrome, Chromium or Edge, or name it with --browser", err)
	case errors.Is(err, portal.ErrNoDisplay):
		return fmt.Errorf("%w: answer the captcha with --captcha-cmd, which runs the browser headless", err)
	}
	return err
}

// readBulkFiles reads and checks the files to upload: a file with findings
// is refused (run blanktrack check), and all must be of one period.
func readBulkFiles(names []string, want ranges.Period) (map[string][]ranges.BlankRange, []string, ranges.Period, error) {
	files := map[string][]ranges.BlankRange{}
	period := want
	for _, n := range names {
		data, err := readGeneratedFile(n)
		if err != nil {
			return nil, nil, period, err
		}
		rows, fs := importfile.ReadBulk(bytes.NewReader(data), n)
		if len(fs) > 0 {
			return nil, nil, period, fmt.Errorf("%v (and %d more finding(s)); run blanktrack check", fs[0], len(fs)-1)
		}
		for _, r := range rows {
			if period.IsZero() {
				period = r.Period
			}
			if r.Period != period {
				return nil, nil, period, fmt.Errorf("%s:%d: period %s: the upload is for %s; upload one period at a time", n, r.Line, r.Period.Code(), period.Code())
			}
			files[n] = append(files[n], r.Range())
		}
	}
	return files, names, period, nil
}

func printPlan(w io.Writer, plan *portal.Plan, heading string) {
	_ = plan.WriteTable(w, heading)
}

// readPassword takes the password from the named environment variable, or
// asks for it without echo on a terminal. It is never printed.
func readPassword(e *env, l login) (string, error) {
	if p := e.getenv(l.passwordEnv); p != "" {
		return p, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usagef("no password for %s: set the environment variable %s (or run on a terminal to be asked)", l.label, l.passwordEnv)
	}
	fmt.Fprintf(e.stderr, "password for %s, account %s: ", l.ban, l.user)
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
			return "", errors.New("no terminal to ask for the captcha: use --captcha-cmd for unattended runs")
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
		fmt.Fprintf(e.stderr, "the portal's captcha is in %s\n驗證碼: ", tmp.Name())
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
