package main

import (
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Exit codes.
const (
	exitOK    = 0
	exitData  = 1 // bad input data, findings, or warnings under --strict
	exitUsage = 2 // unknown flag or command, missing file, bad flag value
	// exitInterrupted is the shell's code for a command stopped by SIGINT
	// (128+2); SIGTERM gives it too.
	exitInterrupted = 130
)

// usageError is a mistake in how blanktrack was called.
type usageError struct {
	err error
	// A flag error's context: the command whose flags were parsed ("" for
	// blanktrack's own), and the arguments as the user typed them.
	command string
	args    []string
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{err: msg.Errorf(format, args...)}
}

// reportedError is a failure whose details were already written to stderr;
// only the exit code is left to give.
type reportedError struct{ code int }

func (e reportedError) Error() string { return "exit " + strconv.Itoa(e.code) }

// env is what a command may touch of the outside world.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	p      *msg.Printer // the user's language
	app    *cli.App     // the running app, for the help command
	// term is stderr when it is a terminal (progress is drawn there); nil
	// when stderr is piped or a file.
	term *terminal
	// checking: the running command is check, which writes no file.
	checking bool
}

func init() {
	// cli's printer and help flags are package variables: set once, the
	// printer writes where the running app writes, and the flags say what
	// they do in both languages.
	cli.VersionPrinter = func(c *cli.Context) { printVersion(c.App.Writer) }
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "show help (顯示說明)", DisableDefaultText: true}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version (顯示版本)", DisableDefaultText: true}
	flagString := cli.FlagStringer
	cli.FlagStringer = func(f cli.Flag) string {
		s := flagString(f)
		if chineseHelp.Load() {
			s = zhFlagHelp(s)
		}
		return s
	}
}

// chineseHelp says the running app's help is in Chinese: cli prints a
// flag's line through a package variable, FlagStringer, which has no other
// way to know.
var chineseHelp atomic.Bool

var (
	reFlagDefault = regexp.MustCompile(`\(default: (.*)\)$`)
	reFlagValue   = regexp.MustCompile(`(--?[a-z][a-z-]*) value\b`)
)

// zhFlagHelp puts cli's own words in a flag's help line into Chinese: the
// value placeholder and "(default: …)".
func zhFlagHelp(s string) string {
	s = reFlagValue.ReplaceAllString(s, "$1 值")
	return reFlagDefault.ReplaceAllString(s, "（預設：$1）")
}

// helpCommand is cli's help command in the user's language.
func helpCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     e.p.Text("show the commands, or one command's help"),
		ArgsUsage: "[COMMAND]",
		Action: func(c *cli.Context) error {
			// A command runs in a context of its own, without the app's
			// commands: help is shown from one of the app's.
			root := cli.NewContext(e.app, nil, c)
			name := c.Args().First()
			if name == "" {
				return cli.ShowAppHelp(root)
			}
			if root.App.Command(name) == nil {
				return usagef("no command %q; run blanktrack --help", name)
			}
			return cli.ShowCommandHelp(root, name)
		},
	}
}

// run is main without the process: tests call it with buffers.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	p, args, langErr := printerFor(args, getenv)
	interruptNote.Store(nil)
	// A name or value from the user's files or a server is printed with its
	// control characters escaped: it cannot recolour, hide or rewrite what
	// the person reads.
	vout, verr := &ranges.VisibleWriter{W: stdout}, &ranges.VisibleWriter{W: stderr}
	defer vout.Flush()
	defer verr.Flush()
	stdout = vout
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, getenv: getenv, p: p}
	if f, ok := verr.W.(*os.File); ok && isTerminal(f) {
		e.term = &terminal{w: f}
		verr.W = e.term
	}
	e.stderr, stderr = verr, verr
	if langErr != nil {
		return exitCode(langErr, stderr, p)
	}
	var notFound string
	app := &cli.App{
		Name:                      "blanktrack",
		Usage:                     p.Text("report blank, unused e-invoice numbers (空白未使用發票號碼) to the MOF e-invoice portal"),
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Version:                   readBuildInfo().Version,
		EnableBashCompletion:      true,
		HideHelpCommand:           true, // helpCommand, in the user's language
		DisableSliceFlagSeparator: true, // file names may hold commas
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err: err}
		},
		CommandNotFound: func(_ *cli.Context, name string) { notFound = name },
		Flags: []cli.Flag{
			// Read by printerFor before cli sees the arguments; here for
			// the help.
			&cli.StringFlag{Name: "lang", Usage: p.Text("language of messages and reports: en or zh-TW (default: from LANG, or the system's)")},
			// cli adds --help to the app's flags only when it adds its own
			// help command: with helpCommand in its place, --help and -h
			// were unknown flags ("flag: help requested", exit 2).
			cli.HelpFlag,
		},
		Commands: []*cli.Command{
			generateCommand(e),
			checkCommand(e),
			uploadCommand(e),
			portalSimCommand(e),
			portalCommand(e),
			completionCommand(e),
			helpCommand(e),
		},
	}
	e.app = app
	localizeHelp(p, app)
	chineseHelp.Store(p.Chinese())
	err := app.RunContext(ctx, args)
	// A flag error names the flag as the user typed it.
	if ue := (usageError{}); errors.As(err, &ue) && ue.args == nil {
		ue.args = args
		err = ue
	}
	if notFound != "" && err == nil {
		err = usagef("no command %q; run blanktrack --help", notFound)
	}
	return exitCode(err, stderr, p)
}

// exitCode is the one place that turns errors into exit codes and one-line
// reasons.
func exitCode(err error, stderr io.Writer, p *msg.Printer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		sayInterrupted(stderr, p)
		return exitInterrupted
	}
	var rep reportedError
	if errors.As(err, &rep) {
		return rep.code
	}
	var ue usageError
	if errors.As(err, &ue) {
		p.Say(stderr, "blanktrack: %v\n", flagError(ue))
		return exitUsage
	}
	p.Say(stderr, "blanktrack: %v\n", err)
	return exitData
}

// flagError gives the flag package's own errors (in English) a
// translation, the rest as they are.
func flagError(ue usageError) error {
	err := ue.err
	s := err.Error()
	for _, f := range []struct {
		prefix string
		make   func(rest string) error
	}{
		{"flag provided but not defined: ", func(r string) error {
			// The flag package names it -nope, however it was typed.
			r = typedFlag(ue.args, r)
			if ue.command == "" {
				return msg.Errorf("flag provided but not defined: %s; run blanktrack --help", r)
			}
			return msg.Errorf("flag provided but not defined: %s; run blanktrack help %s", r, ue.command)
		}},
		{"flag needs an argument: ", func(r string) error { return msg.Errorf("flag needs an argument: %s", r) }},
		{"bad flag syntax: ", func(r string) error { return msg.Errorf("bad flag syntax: %s", r) }},
	} {
		if rest, ok := strings.CutPrefix(s, f.prefix); ok {
			return f.make(rest)
		}
	}
	if m := reFlagValueError.FindStringSubmatch(s); m != nil {
		value, name, why := m[2], m[3], flagReason(m[4])
		if m[1] == "boolean value" {
			return msg.Errorf("invalid boolean value %s for -%s: %v", value, name, why)
		}
		return msg.Errorf("invalid value %s for flag -%s: %v", value, name, why)
	}
	return err
}

// reFlagValueError matches the flag package's error for a value it cannot
// parse: `invalid boolean value "x" for -xml: parse error`, `invalid value
// "x" for flag -wait: parse error`.
var reFlagValueError = regexp.MustCompile(`^invalid (boolean value|value) ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): (.*)$`)

// flagReason translates the reasons the flag package gives.
func flagReason(why string) msg.Message {
	switch why {
	case "parse error":
		return msg.T("parse error")
	case "value out of range":
		return msg.T("value out of range")
	}
	return msg.T("%s", why)
}

// onUsageError makes a command's flag errors usage errors that name the
// command's help.
func onUsageError(c *cli.Context, err error, _ bool) error {
	return usageError{err: err, command: c.Command.FullName()}
}

// typedFlag is the flag the flag package names -name as the user typed
// it among args: --name, or -name (also with =value).
func typedFlag(args []string, dashed string) string {
	name := strings.TrimPrefix(dashed, "-")
	for _, a := range args {
		if a == "--" {
			break
		}
		a, _, _ = strings.Cut(a, "=")
		if a == "--"+name {
			return a
		}
		if a == "-"+name {
			return a
		}
	}
	return dashed
}

// checkInputs makes sure every input file exists and is a regular file before
// any work starts, so that a typo is a usage error and not a half run.
func checkInputs(names ...[]string) error {
	for _, list := range names {
		for _, n := range list {
			fi, err := os.Stat(n)
			switch {
			case err != nil && errors.Is(err, os.ErrNotExist):
				return usagef("no such file: %s", n)
			case err != nil:
				return usagef("cannot read %s: %v", n, err)
			case fi.IsDir():
				return usagef("%s is a folder: want a file", n)
			}
		}
	}
	return nil
}

// interruptNote says what an interrupt leaves behind: nothing written,
// unless the running command said otherwise as its work went on (an
// upload once it sends). main's watchdog reads it too, from its goroutine.
var interruptNote atomic.Pointer[msg.Message]

func setInterruptNote(m msg.Message) { interruptNote.Store(&m) }

// sayInterrupted is the one line an interrupted run ends with.
func sayInterrupted(w io.Writer, p *msg.Printer) {
	note := msg.T("nothing written")
	if n := interruptNote.Load(); n != nil {
		note = *n
	}
	p.Say(w, "blanktrack: interrupted; %v\n", note)
}
