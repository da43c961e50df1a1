package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
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
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// reportedError is a failure whose details were already written to stderr;
// only the exit code is left to give.
type reportedError struct{ code int }

func (e reportedError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// env is what a command may touch of the outside world.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// term is stderr when it is a terminal (progress is drawn there); nil
	// when stderr is piped or a file.
	term *terminal
}

func init() {
	// cli's printer is a package variable: set once, it writes where the
	// running app writes.
	cli.VersionPrinter = func(c *cli.Context) { printVersion(c.App.Writer) }
}

// run is main without the process: tests call it with buffers.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if f, ok := stderr.(*os.File); ok && isTerminal(f) {
		e.term = &terminal{w: f}
		e.stderr = e.term
		stderr = e.term
	}
	var notFound string
	app := &cli.App{
		Name:                      "blanktrack",
		Usage:                     "report blank, unused e-invoice numbers (空白未使用發票號碼) to the MOF e-invoice portal",
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Version:                   readBuildInfo().Version,
		EnableBashCompletion:      true,
		DisableSliceFlagSeparator: true, // file names may hold commas
		ExitErrHandler:            func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		CommandNotFound: func(_ *cli.Context, name string) { notFound = name },
		Commands: []*cli.Command{
			generateCommand(e),
			checkCommand(e),
			uploadCommand(e),
			portalSimCommand(e),
			completionCommand(),
		},
	}
	err := app.RunContext(ctx, args)
	if notFound != "" && err == nil {
		err = usagef("no command %q; run blanktrack --help", notFound)
	}
	return exitCode(err, stderr)
}

// exitCode is the one place that turns errors into exit codes and one-line
// reasons.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "blanktrack: interrupted; nothing written")
		return exitInterrupted
	}
	var rep reportedError
	if errors.As(err, &rep) {
		return rep.code
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "blanktrack: %v\n", ue.err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "blanktrack: %v\n", err)
	return exitData
}

// onUsageError makes a command's flag errors usage errors that name the
// command's help.
func onUsageError(_ *cli.Context, err error, _ bool) error {
	return usageError{err}
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
