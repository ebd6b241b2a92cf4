package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// runCompletion is mandel completion SHELL: a completion script for bash
// or zsh, made from the commands' own flag sets and name lists, so that it
// cannot fall behind them.
func (a *app) runCompletion(args []string) int {
	shells := []string{"bash", "zsh"}
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		return a.runHelp([]string{"completion"})
	}
	if len(args) != 1 {
		return report(a.stderr, cli.Usagef("mandel completion takes a shell, one of %s (e.g. source <(mandel completion bash))", strings.Join(shells, ", ")))
	}
	shell, err := cli.Lookup("shell", args[0], shells)
	if err != nil {
		return report(a.stderr, err)
	}
	script := bashCompletion(a)
	if shell == "zsh" {
		// zsh runs bash's completion functions through bashcompinit.
		script = "#compdef mandel\n(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }\nautoload -U +X bashcompinit && bashcompinit\n" + script
	}
	return a.printOut(script)
}

// completionValues are the names that flags of these names take.
func completionValues() map[string][]string {
	return map[string][]string{
		"strategy": strategies.Names(),
		"view":     render.PresetNames(),
		"palette":  render.PaletteNames(),
		"kernel":   render.KernelNames(),
		"format":   formatNames(),
	}
}

// formatNames are the names --format takes: the formats' extensions (jpg,
// tif among them) and the formats that have none of their own (npy-smooth,
// whose numbers share .npy).
func formatNames() []string {
	var names []string
	for _, e := range imageio.Extensions() {
		names = append(names, strings.TrimPrefix(e, "."))
	}
	for _, f := range imageio.Formats() {
		if !slices.Contains(names, string(f)) {
			names = append(names, string(f))
		}
	}
	return names
}

// flagWords are the ways to write fs's flags: --name, and -x for a
// shorthand.
func flagWords(fs *pflag.FlagSet) []string {
	var words []string
	fs.VisitAll(func(f *pflag.Flag) {
		words = append(words, "--"+f.Name)
		if f.Shorthand != "" {
			words = append(words, "-"+f.Shorthand)
		}
	})
	return words
}

// bashCompletion is the bash completion script of every command.
func bashCompletion(a *app) string {
	sets := []struct {
		name string
		fs   *pflag.FlagSet
	}{
		{"render", newRenderFlags(a).fs},
		{"bench", newBenchFlags().fs},
		{"stitch", newStitchFlags().fs},
		{"zoom", newZoomFlags(a).fs},
	}
	values := completionValues()
	var b strings.Builder
	fmt.Fprintf(&b, `# mandel's completion for bash, from mandel %s: source <(mandel completion bash),
# or save it as ~/.local/share/bash-completion/completions/mandel.
_mandel() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=render
    # --flag=value: bash splits the = into a word of its own.
    if [[ $cur == = ]]; then cur=; elif [[ $prev == = && $COMP_CWORD -gt 1 ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
    case ${COMP_WORDS[1]} in %s) [[ $COMP_CWORD -gt 1 ]] && cmd=${COMP_WORDS[1]} ;; esac
    case $cmd in
    help) COMPREPLY=($(compgen -W %q -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")); return ;;
    esac
`, version, strings.Join(commands, "|"), strings.Join(commands, " "))
	b.WriteString("    case $cmd:$prev in\n")
	for _, s := range sets {
		s.fs.VisitAll(func(f *pflag.Flag) {
			names, ok := values[f.Name]
			if !ok || f.Value.Type() == "bool" {
				return
			}
			pattern := fmt.Sprintf("%s:--%s|%s:-%s", s.name, f.Name, s.name, f.Name)
			if f.Shorthand != "" {
				pattern += fmt.Sprintf("|%s:-%s", s.name, f.Shorthand)
			}
			fmt.Fprintf(&b, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", pattern, strings.Join(names, " "))
		})
	}
	b.WriteString("    esac\n    if [[ $cur == -* ]]; then\n        case $cmd in\n")
	for _, s := range sets {
		fmt.Fprintf(&b, "        %s) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", s.name, strings.Join(flagWords(s.fs), " "))
	}
	b.WriteString(`        esac
        return
    fi
    if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=($(compgen -W "` + strings.Join(commands, " ") + `" -- "$cur")); fi
    # One name a line: a file name may hold blanks.
    local IFS=$'\n'
    COMPREPLY+=($(compgen -f -- "$cur"))
}
complete -o filenames -F _mandel mandel
`)
	return b.String()
}
