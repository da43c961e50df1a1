package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// uploadOptions are the parsed flags of blanktrack upload.
type uploadOptions struct {
	Portal      string
	Ban         ranges.Ban
	User        string
	PasswordEnv string
	CaptchaCmd  string
	Period      ranges.Period
	Yes         bool
	DryRun      bool
	Config      string
	Out         string
	Files       []string
	Wait        portal.Wait
	RetryWait   time.Duration
}

const defaultPasswordEnv = "BLANKTRACK_PASSWORD"

func uploadCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "upload",
		Usage:     "upload 匯入字軌 bulk files to the e-invoice portal and verify they are on record",
		ArgsUsage: "FILE... | --config blanktrack.toml",
		Description: "Logs in, reads what is on record for the period, uploads only the ranges not there yet\n" +
			"(匯入字軌), and polls 上傳列表 and 查詢 until every range is on record or rejected.\n" +
			"The password comes from an environment variable (or a prompt on a terminal), never a flag.",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "portal", Usage: "the portal's address: https://…, or http on a loopback address (the simulator)"},
			&cli.StringFlag{Name: "ban", Usage: "統一編號 to log in with"},
			&cli.StringFlag{Name: "user", Usage: "帳號 to log in with"},
			&cli.StringFlag{Name: "password-env", Value: defaultPasswordEnv, Usage: "the environment variable holding the password"},
			&cli.StringFlag{Name: "captcha-cmd", Usage: "command that reads the captcha image on stdin and prints its answer (unattended runs)"},
			&cli.StringFlag{Name: "period", Usage: "period, as 114/09~114/10, 11410 or last (default: the files')"},
			&cli.BoolFlag{Name: "yes", Usage: "upload without asking"},
			&cli.BoolFlag{Name: "dry-run", Usage: "show what would be uploaded and what is on record, and stop"},
			&cli.StringFlag{Name: "config", Usage: "a blanktrack.toml: upload every branch's file with its own account"},
			&cli.StringFlag{Name: "out", Usage: "with --config: the folder generate wrote into (default: out in the config)"},
			&cli.DurationFlag{Name: "wait", Value: 10 * time.Minute, Usage: "how long to wait for the portal to process the files"},
			&cli.DurationFlag{Name: "poll", Value: 3 * time.Second, Usage: "first pause between looks at 上傳列表 and 查詢"},
			&cli.DurationFlag{Name: "retry-wait", Value: time.Second, Usage: "first pause before retrying a failed request"},
		},
		Action: func(c *cli.Context) error {
			o, err := parseUploadOptions(e, c)
			if err != nil {
				return err
			}
			if o.Config != "" {
				return runUploadConfig(e, o)
			}
			return runUpload(e, o)
		},
	}
}

func parseUploadOptions(e *env, c *cli.Context) (uploadOptions, error) {
	o := uploadOptions{
		Portal:      c.String("portal"),
		User:        c.String("user"),
		PasswordEnv: c.String("password-env"),
		CaptchaCmd:  c.String("captcha-cmd"),
		Yes:         c.Bool("yes"),
		DryRun:      c.Bool("dry-run"),
		Config:      c.String("config"),
		Out:         c.String("out"),
		Files:       c.Args().Slice(),
		Wait:        portal.Wait{First: c.Duration("poll"), Max: 30 * time.Second, Limit: c.Duration("wait")},
		RetryWait:   c.Duration("retry-wait"),
	}
	if err := flagsBeforeFiles(o.Files); err != nil {
		return o, err
	}
	var err error
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
	case o.Portal == "":
		return o, usagef("--portal is required: the portal's address")
	case o.Ban == "":
		return o, usagef("--ban is required: the 統一編號 to log in with")
	case o.User == "":
		return o, usagef("--user is required: the 帳號 to log in with")
	case len(o.Files) == 0:
		return o, usagef("upload: no file: give the bulk files generate wrote")
	}
	return o, checkInputs(o.Files)
}

// account is one login and the files to upload with it.
type account struct {
	label       string
	ban         ranges.Ban
	user        string
	passwordEnv string
	files       []string
}

func runUpload(e *env, o uploadOptions) error {
	acct := account{label: string(o.Ban), ban: o.Ban, user: o.User, passwordEnv: o.PasswordEnv, files: o.Files}
	ok, err := uploadAccount(e, o, o.Portal, acct)
	if err != nil {
		return err
	}
	if !ok {
		return reportedError{exitData}
	}
	return nil
}

func runUploadConfig(e *env, o uploadOptions) error {
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
	addr := o.Portal
	if addr == "" {
		addr = c.Portal
	}
	if addr == "" {
		return usagef("--portal is required (or portal in %s)", c.Path)
	}
	out := o.Out
	if out == "" {
		out = c.OutDir()
	}
	if out == "" {
		return usagef("--out is required: the folder generate wrote into (or out in %s)", c.Path)
	}
	if period.IsZero() {
		return usagef("--period is required with --config (or period in %s)", c.Path)
	}
	o.Period = period
	allOK := true
	for i, b := range c.Branches {
		label := fmt.Sprintf("branch %s (%s)", b.Label(), b.Ban)
		if b.User == "" {
			fmt.Fprintf(e.stderr, "error: %s: no user in %s (branch[%d])\n", label, c.Path, i+1)
			allOK = false
			continue
		}
		files, err := importfile.FindBulkFiles(out, b.BanOf(), period)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			fmt.Fprintf(e.stdout, "%s: no %s: no blank number to report (or generate has not run)\n\n", label, filepath.Join(out, importfile.BulkFileName(b.BanOf(), period)))
			continue
		}
		env := b.PasswordEnv
		if env == "" {
			env = defaultPasswordEnv
		}
		fmt.Fprintf(e.stdout, "== %s\n", label)
		ok, err := uploadAccount(e, o, addr, account{label: label, ban: b.BanOf(), user: b.User, passwordEnv: env, files: files})
		if err != nil {
			fmt.Fprintf(e.stderr, "error: %s: %v\n", label, err)
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

// uploadAccount uploads one account's files; ok is whether every range
// ended on record.
func uploadAccount(e *env, o uploadOptions, addr string, a account) (bool, error) {
	files, order, period, err := readBulkFiles(a.files, o.Period)
	if err != nil {
		return false, err
	}
	password, err := readPassword(e, a)
	if err != nil {
		return false, err
	}
	cl, err := portal.New(portal.Options{
		BaseURL: addr, Ban: a.ban, User: a.user, Password: password,
		Captcha: captchaSolver(e, o.CaptchaCmd), Backoff: o.RetryWait,
	})
	if err != nil {
		return false, usageError{err}
	}
	ctx := e.ctx
	plan, err := cl.PlanUpload(ctx, period, files, order)
	if err != nil {
		return false, err
	}
	printPlan(e.stdout, plan, "Before upload")
	conflicts := 0
	for _, f := range plan.Files {
		conflicts += f.Conflicts()
	}
	if conflicts > 0 {
		fmt.Fprintf(e.stderr, "error: %d range(s) overlap different ranges on record for %s (someone, perhaps another system, reported other numbers); their files are not uploaded: settle it on the portal first\n", conflicts, period)
	}
	pending := 0
	for _, f := range plan.Files {
		if f.Conflicts() == 0 {
			pending += len(f.Pending())
		}
	}
	if o.DryRun {
		fmt.Fprintf(e.stdout, "dry run: %d range(s) would be uploaded\n", pending)
		return conflicts == 0, nil
	}
	if pending > 0 && !o.Yes {
		yes, err := confirm(e, fmt.Sprintf("Upload %d range(s) to %s as %s? [y/N] ", pending, addr, a.ban))
		if err != nil {
			return false, err
		}
		if !yes {
			fmt.Fprintln(e.stdout, "nothing uploaded")
			return false, nil
		}
	}
	// Progress while the portal works goes to a terminal only; the table
	// at the end says what happened either way.
	var log func(string)
	if e.term != nil {
		log = func(s string) { fmt.Fprintf(e.stderr, "%s\n", s) }
	}
	if err := cl.Execute(ctx, plan, o.Wait, log); err != nil {
		return false, err
	}
	printPlan(e.stdout, plan, "Result")
	return plan.AllOnRecord(), nil
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
func readPassword(e *env, a account) (string, error) {
	if p := e.getenv(a.passwordEnv); p != "" {
		return p, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usagef("no password for %s: set the environment variable %s (or run on a terminal to be asked)", a.label, a.passwordEnv)
	}
	fmt.Fprintf(e.stderr, "password for %s, account %s: ", a.ban, a.user)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// captchaSolver runs --captcha-cmd, or asks at the terminal after saving
// the image to a temporary file.
func captchaSolver(e *env, cmd string) portal.CaptchaSolver {
	if cmd != "" {
		return func(ctx context.Context, img []byte) (string, error) {
			c := exec.CommandContext(ctx, "sh", "-c", cmd)
			c.Stdin = bytes.NewReader(img)
			var out, errOut bytes.Buffer
			c.Stdout, c.Stderr = &out, &errOut
			if err := c.Run(); err != nil {
				return "", fmt.Errorf("--captcha-cmd: %v: %s", err, strings.TrimSpace(errOut.String()))
			}
			answer := strings.TrimSpace(out.String())
			if answer == "" {
				return "", errors.New("--captcha-cmd printed no answer")
			}
			return answer, nil
		}
	}
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
		tmp.Write(img)
		tmp.Close()
		fmt.Fprintf(e.stderr, "the portal's captcha is in %s\n驗證碼: ", tmp.Name())
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", err
		}
		return strings.TrimSpace(line), nil
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
