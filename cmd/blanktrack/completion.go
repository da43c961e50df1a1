package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// completionScripts are the shell functions that ask blanktrack itself for
// the words to offer (cli's --generate-bash-completion), so they stay right
// as commands and flags change. They need nothing beyond the shell.
var completionScripts = map[string]string{
	"bash": `# blanktrack completion for bash: source it, e.g. from ~/.bashrc:
#   source <(blanktrack completion bash)
_blanktrack_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  # After a command, the words are files, not the help command.
  if [[ COMP_CWORD -gt 1 ]]; then
    opts=$(printf '%s\n' $opts | grep -vx 'help\|h')
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o bashdefault -o default -F _blanktrack_complete blanktrack
`,
	"zsh": `#compdef blanktrack
# blanktrack completion for zsh: put it in a folder of $fpath as _blanktrack,
# or source it: source <(blanktrack completion zsh)
_blanktrack() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
if [[ "$funcstack[1]" == "_blanktrack" ]]; then
  _blanktrack "$@"
else
  compdef _blanktrack blanktrack
fi
`,
	"powershell": `# blanktrack completion for PowerShell: add to your profile
#   blanktrack completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName blanktrack, blanktrack.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = $commandAst.CommandElements | ForEach-Object { $_.ToString() }
    if ($wordToComplete -eq '') { $words += '' }
    $prefix = $words[0..($words.Count - 2)]
    $cmd = $prefix[0]
    $rest = @()
    if ($prefix.Count -gt 1) { $rest = $prefix[1..($prefix.Count - 1)] }
    if ($wordToComplete.StartsWith('-')) { $rest += $wordToComplete }
    & $cmd @rest --generate-bash-completion 2>$null |
        Where-Object { $_ -like "$wordToComplete*" } |
        ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}
`,
}

func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:         "completion",
		Usage:        e.p.Text("print the shell completion script for bash, zsh, fish or powershell"),
		ArgsUsage:    "bash|zsh|fish|powershell",
		OnUsageError: onUsageError,
		BashComplete: func(c *cli.Context) {
			if c.NArg() == 0 {
				fmt.Fprintln(c.App.Writer, "bash\nzsh\nfish\npowershell")
			}
		},
		Action: func(c *cli.Context) error {
			shell := c.Args().First()
			if c.NArg() != 1 {
				return usagef("completion: name one shell: bash, zsh, fish or powershell")
			}
			if shell == "fish" {
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(c.App.Writer, script)
				return err
			}
			script, ok := completionScripts[shell]
			if !ok {
				return usagef("completion: %s: want one of bash, zsh, fish, powershell", strings.TrimSpace(shell))
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}
