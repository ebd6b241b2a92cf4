package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/strategies"
)

// strategyTable is the README's table of strategies, as written from each
// strategy's Summary, the one source of the descriptions.
func strategyTable() string {
	var b strings.Builder
	b.WriteString("| name | how it schedules, and when it wins or loses |\n|---|---|\n")
	for _, s := range strategies.All() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", s.Name(), strings.ReplaceAll(s.Summary(), "|", `\|`))
	}
	return b.String()
}

// Markers around the generated table in README.md.
const (
	tableBegin = "<!-- strategies: generated from strategies.All() by go test -run TestREADMEStrategies -update -->\n"
	tableEnd   = "<!-- end strategies -->\n"
)

// TestREADMEStrategies keeps the README's strategy table equal to the
// strategies' own summaries, so that the two cannot drift apart;
// go test -run TestREADMEStrategies -update rewrites it.
func TestREADMEStrategies(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	begin, end := strings.Index(text, tableBegin), strings.Index(text, tableEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md lacks the markers %q and %q around the strategy table", tableBegin, tableEnd)
	}
	got := text[begin+len(tableBegin) : end]
	want := strategyTable()
	if got == want {
		return
	}
	if *update {
		text = text[:begin+len(tableBegin)] + want + text[end:]
		if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's strategy table differs from the strategies' summaries (go test -run TestREADMEStrategies -update rewrites it):\n--- README\n%s--- summaries\n%s", got, want)
}

// readmeCommands returns the mandel command lines of README.md's code
// blocks (indented or fenced), as a user would copy them: "go run ." is
// mandel too. Other commands (make, git, the scripts) are not mandel's.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	fenced := false
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		code, ok := strings.CutPrefix(line, "    ")
		if fenced {
			code, ok = line, true
		}
		code = strings.TrimPrefix(strings.TrimSpace(code), "$ ")
		if !ok {
			continue
		}
		if rest, isGoRun := strings.CutPrefix(code, "go run . "); isGoRun {
			code = "mandel " + rest
		}
		if strings.HasPrefix(code, "mandel ") {
			cmds = append(cmds, code)
		}
	}
	return cmds
}

// shellWords splits a command line as sh would, for the simple lines of
// the README: words, quotes, a trailing # comment and > or >> FILE.
func shellWords(line string) (words []string, redirect string, err error) {
	var word strings.Builder
	inWord, quote := false, rune(0)
	flush := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '#' && !inWord:
			flush()
			goto done
		case r == ' ' || r == '\t':
			flush()
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	flush()
done:
	if quote != 0 {
		return nil, "", fmt.Errorf("unterminated quote in %q", line)
	}
	for i, w := range words {
		if w == ">" || w == ">>" {
			if i != len(words)-2 {
				return nil, "", fmt.Errorf("a redirection mid-line in %q", line)
			}
			return words[:i], words[i+1], nil
		}
	}
	return words, "", nil
}

// tiny sets a render's size to a few pixels, the flag the README's
// commands allow, so that every one of them runs in the suite in moments.
func tiny(args []string) []string {
	out := slices.Clone(args)
	for i := range out {
		if i > 0 && (out[i-1] == "--size" || out[i-1] == "-size") {
			out[i] = "40x24"
			return out
		}
	}
	return append([]string{"--size", "40x24"}, out...)
}

// TestREADMECommands runs every mandel command of README.md's code blocks
// as written, in a fresh directory, but at a tiny size: renders (a shard's
// command for each of its shards, as the README's "... up to" says), then
// stitches, whose globs are expanded as the shell would. bench's commands
// are parsed and checked, not run: their sweeps take minutes.
func TestREADMECommands(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 5 {
		t.Fatalf("README.md has %d mandel commands in code blocks: %q", len(cmds), cmds)
	}
	dir := t.TempDir()
	for _, line := range cmds {
		words, redirect, err := shellWords(line)
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		if slices.ContainsFunc(words, isPlaceholder) {
			continue // a synopsis: mandel [flags] OUTPUT
		}
		args := words[1:]
		if len(args) > 0 && args[0] == "bench" {
			f := newBenchFlags()
			if err := cli.Parse(f.fs, args[1:]); err != nil {
				t.Errorf("%s: %v", line, err)
			} else if _, err := f.config(args[1:]); err != nil && !f.help && !f.list {
				t.Errorf("%s: %v", line, err)
			}
			continue
		}
		runs := [][]string{tiny(args)}
		switch {
		case len(args) > 0 && args[0] == "stitch":
			runs = [][]string{nil}
			for _, a := range args {
				matches, _ := filepath.Glob(filepath.Join(dir, a))
				if strings.ContainsAny(a, "*?[") && len(matches) > 0 {
					for _, m := range matches {
						runs[0] = append(runs[0], filepath.Base(m))
					}
					continue
				}
				runs[0] = append(runs[0], a)
			}
		case slices.Contains(args, "--shard"):
			i := slices.Index(args, "--shard")
			_, n, _ := strings.Cut(args[i+1], "/")
			count, _ := strconv.Atoi(n)
			runs = nil
			for s := range count {
				a := tiny(args)
				a[slices.Index(a, "--shard")+1] = fmt.Sprintf("%d/%d", s, count)
				runs = append(runs, a)
			}
		}
		for _, a := range runs {
			cmd := command(t, dir, a...)
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if redirect != "" {
				f, err := os.Create(filepath.Join(dir, redirect))
				if err != nil {
					t.Fatal(err)
				}
				cmd.Stdout = f
				defer f.Close()
			}
			t.Logf("%s: mandel %s", line, strings.Join(a, " "))
			if code := exitCode(t, cmd); code != 0 {
				t.Errorf("%s (as mandel %s): exit %d: %s", line, strings.Join(a, " "), code, stderr.String())
			}
		}
	}
}

// isPlaceholder reports whether a word of a synopsis stands for the user's
// own: [flags], OUTPUT, SHARD.png....
func isPlaceholder(w string) bool {
	if strings.HasPrefix(w, "[") && strings.HasSuffix(w, "]") {
		return true
	}
	name, _, _ := strings.Cut(w, ".")
	return len(name) > 1 && strings.ToUpper(name) == name && strings.ToLower(name) != name
}
