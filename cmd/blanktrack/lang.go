package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// takeLang removes --lang VALUE (or --lang=VALUE) from args, wherever it
// stands before a lone "--", and returns its value: the language must be
// known before the commands' help is built.
func takeLang(args []string) (string, []string, bool) {
	out := make([]string, 0, len(args))
	value, found := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		switch {
		case a == "--lang" || a == "-lang":
			found = true
			if i+1 < len(args) {
				value = args[i+1]
				i++
			}
			continue
		case strings.HasPrefix(a, "--lang=") || strings.HasPrefix(a, "-lang="):
			found = true
			value = a[strings.IndexByte(a, '=')+1:]
			continue
		}
		out = append(out, a)
	}
	return value, out, found
}

// printerFor chooses the language: --lang, else the environment
// (LC_ALL, LC_MESSAGES, LANG), else the system's (Windows' display
// language).
func printerFor(args []string, getenv func(string) string) (*msg.Printer, []string, error) {
	value, rest, found := takeLang(args)
	if found {
		tag, err := msg.Parse(value)
		if err != nil {
			return msg.NewPrinter(msg.FromEnv(getenv, systemLanguage())), rest, usageError{err: err}
		}
		return msg.NewPrinter(tag), rest, nil
	}
	return msg.NewPrinter(msg.FromEnv(getenv, systemLanguage())), rest, nil
}

// localizeHelp gives the app and every command help headings in the
// printer's language.
func localizeHelp(p *msg.Printer, app *cli.App) {
	if !p.Chinese() {
		return
	}
	app.CustomAppHelpTemplate = zhAppHelpTemplate
	var walk func(cmds []*cli.Command)
	walk = func(cmds []*cli.Command) {
		for _, c := range cmds {
			if len(c.Subcommands) > 0 {
				c.CustomHelpTemplate = zhSubcommandHelpTemplate
				walk(c.Subcommands)
				continue
			}
			c.CustomHelpTemplate = zhCommandHelpTemplate
		}
	}
	walk(app.Commands)
}

// The help of urfave/cli, with its headings in Chinese.
const (
	zhAppHelpTemplate = `名稱：
   {{template "helpNameTemplate" .}}

用法：
   {{if .UsageText}}{{wrap .UsageText 3}}{{else}}{{.HelpName}} {{if .VisibleFlags}}[全域選項]{{end}}{{if .Commands}} 指令 [指令選項]{{end}}{{if .ArgsUsage}} {{.ArgsUsage}}{{end}}{{end}}{{if .Version}}{{if not .HideVersion}}

版本：
   {{.Version}}{{end}}{{end}}{{if .Description}}

說明：
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleCommands}}

指令：{{template "visibleCommandCategoryTemplate" .}}{{end}}{{if .VisibleFlags}}

全域選項：{{template "visibleFlagTemplate" .}}{{end}}
`
	zhCommandHelpTemplate = `名稱：
   {{template "helpNameTemplate" .}}

用法：
   {{if .UsageText}}{{wrap .UsageText 3}}{{else}}{{.HelpName}}{{if .VisibleFlags}} [指令選項]{{end}}{{if .ArgsUsage}} {{.ArgsUsage}}{{end}}{{end}}{{if .Description}}

說明：
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleFlags}}

選項：{{template "visibleFlagTemplate" .}}{{end}}
`
	zhSubcommandHelpTemplate = `名稱：
   {{template "helpNameTemplate" .}}

用法：
   {{if .UsageText}}{{wrap .UsageText 3}}{{else}}{{.HelpName}} 指令{{if .VisibleFlags}} [指令選項]{{end}}{{if .ArgsUsage}} {{.ArgsUsage}}{{end}}{{end}}{{if .Description}}

說明：
   {{template "descriptionTemplate" .}}{{end}}{{if .VisibleCommands}}

指令：{{template "visibleCommandCategoryTemplate" .}}{{end}}{{if .VisibleFlags}}

選項：{{template "visibleFlagTemplate" .}}{{end}}
`
)
