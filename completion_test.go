package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// complete runs bash's completion of words (the last is the word being
// completed) with the script of mandel completion bash, in dir, and
// returns the candidates.
func complete(t *testing.T, bash, script, dir string, words ...string) []string {
	t.Helper()
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, shellQuote(w))
	}
	prog := script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
		"\n_mandel\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	// One candidate a line: a file name may hold blanks.
	var got []string
	for _, line := range strings.Split(string(out), "\n") {
		if line != "" {
			got = append(got, line)
		}
	}
	slices.Sort(got)
	return got
}

// TestCompletionBash runs the bash script: commands, flags of each
// command, the names a flag takes (in either form), and files.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash here to run the script in")
	}
	code, script, stderr := mandel(t, t.TempDir(), "completion", "bash")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dir := t.TempDir()
	for _, name := range []string{"sea.png", "sea.par", "other.txt", "my sea.png"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		words []string
		want  []string
	}{
		{[]string{"mandel", "st"}, []string{"stitch"}},
		{[]string{"mandel", "-s", "st"}, []string{"steal"}},
		{[]string{"mandel", "--strategy", ""}, sorted(strategies.Names())},
		{[]string{"mandel", "--view", "=", "sea"}, []string{"seahorse"}},
		{[]string{"mandel", "-p", ""}, sorted(render.PaletteNames())},
		{[]string{"mandel", "--pal"}, []string{"--palette", "--palette-density", "--palette-file", "--palette-offset"}},
		{[]string{"mandel", "--palette-d"}, []string{"--palette-density"}},
		{[]string{"mandel", "--sa"}, []string{"--save-params"}},
		{[]string{"mandel", "-f", "np"}, []string{"npy", "npy-smooth"}},
		{[]string{"mandel", "my"}, []string{"my sea.png"}},
		{[]string{"mandel", "--from", "my"}, []string{"my sea.png"}},
		{[]string{"mandel", "--from", "sea"}, []string{"sea.par", "sea.png"}},
		{[]string{"mandel", "-V", "full", "se"}, []string{"sea.par", "sea.png"}},
		{[]string{"mandel", "bench", "--stra"}, []string{"--strategies"}},
		{[]string{"mandel", "stitch", "--o"}, []string{"--output"}},
		{[]string{"mandel", "z"}, []string{"zoom"}},
		{[]string{"mandel", "zoom", "--fr"}, []string{"--frames", "--from", "--from-scale"}},
		{[]string{"mandel", "zoom", "--sh"}, []string{"--shortcuts"}},
		{[]string{"mandel", "zoom", "-p", "fi"}, []string{"fire"}},
		{[]string{"mandel", "help", "b"}, []string{"bench"}},
		{[]string{"mandel", "completion", ""}, []string{"bash", "zsh"}},
	} {
		if got := complete(t, bash, script, dir, tc.words...); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.words, got, tc.want)
		}
	}
	_, zsh, _ := mandel(t, t.TempDir(), "completion", "ZSH")
	if !strings.HasSuffix(zsh, script) || !strings.Contains(zsh, "bashcompinit") {
		t.Errorf("zsh's script is not bashcompinit and bash's:\n%s", zsh)
	}
	if code, _, stderr := mandel(t, t.TempDir(), "completion", "fish"); code != exitUsage || !strings.Contains(stderr, `unknown shell "fish"`) {
		t.Errorf("completion fish: exit %d, %q", code, stderr)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
