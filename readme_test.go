package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/render"
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
	if strings.HasPrefix(w, "-") {
		return false // a flag, such as -V
	}
	name, _, _ := strings.Cut(w, ".")
	return len(name) > 1 && strings.ToUpper(name) == name && strings.ToLower(name) != name
}

// The gallery: every preset, small, in docs/gallery/, and its table in
// README.md between these markers. scripts/gallery.sh (go test -run
// TestREADMEGallery -update) renders both again.
const (
	galleryBegin = "<!-- gallery: generated from render.Presets() by scripts/gallery.sh -->\n"
	galleryEnd   = "<!-- end gallery -->\n"
	galleryDir   = "docs/gallery"
)

// galleryArgs is how each picture of the gallery is rendered; the README
// says so above the table. The Benchmarks Game's corner mapping has no
// supersampling.
func galleryArgs(p render.Preset, out string) []string {
	args := []string{"--view", p.Name, "--size", "160"}
	if p.View.Mapping != render.Corners {
		args = append(args, "--aa", "2")
	}
	return append(args, out)
}

// galleryTable is the README's gallery table: every preset, its picture
// and its description, the one --help shows.
func galleryTable() string {
	var b strings.Builder
	b.WriteString("| view | picture | what it shows |\n|---|---|---|\n")
	for _, p := range render.Presets() {
		fmt.Fprintf(&b, "| `%s` | ![%s](%s/%s.png) | %s |\n", p.Name, p.Name, galleryDir, p.Name,
			strings.ReplaceAll(p.Description, "|", `\|`))
	}
	return b.String()
}

// TestREADMEGallery keeps the README's gallery true: its table lists every
// preset, in --help's order, and each picture in docs/gallery/ has the
// pixels mandel renders today (pixels, not bytes, so that metadata in the
// file does not make the gallery stale). With -update it renders the
// pictures again, removes those of presets that are gone and rewrites the
// table.
func TestREADMEGallery(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	begin, end := strings.Index(text, galleryBegin), strings.Index(text, galleryEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md lacks the markers %q and %q around the gallery", galleryBegin, galleryEnd)
	}
	want := galleryTable()
	if *update {
		if err := os.MkdirAll(galleryDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, err := filepath.Glob(filepath.Join(galleryDir, "*.png"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range render.Presets() {
			if code, _, stderr := mandel(t, galleryDir, galleryArgs(p, "DIR/"+p.Name+".png")...); code != 0 {
				t.Fatalf("gallery %s: exit %d: %s", p.Name, code, stderr)
			}
		}
		text = text[:begin+len(galleryBegin)] + want + text[end:]
		if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := text[begin+len(galleryBegin) : end]; got != want {
		t.Errorf("README.md's gallery table is not the presets' (scripts/gallery.sh rewrites it):\n--- README\n%s--- presets\n%s", got, want)
	}
	var pictures []string
	for _, e := range dirEntries(t, galleryDir) {
		pictures = append(pictures, strings.TrimSuffix(e, ".png"))
	}
	if names := render.PresetNames(); !slices.Equal(slices.Sorted(slices.Values(names)), pictures) {
		t.Errorf("%s holds %q, want a picture of each preset, %q (scripts/gallery.sh renders them)", galleryDir, pictures, names)
	}
	dir := t.TempDir()
	for _, p := range render.Presets() {
		if code, _, stderr := mandel(t, dir, galleryArgs(p, "DIR/"+p.Name+".png")...); code != 0 {
			t.Fatalf("gallery %s: exit %d: %s", p.Name, code, stderr)
		}
		committed := filepath.Join(galleryDir, p.Name+".png")
		if diff := samePixels(t, committed, filepath.Join(dir, p.Name+".png")); diff != "" {
			t.Errorf("%s is not what mandel %s renders today: %s (scripts/gallery.sh renders it again)",
				committed, strings.Join(galleryArgs(p, p.Name+".png"), " "), diff)
		}
	}
}

// samePixels compares two images' pixels and says how they differ, or
// returns "" when they are the same.
func samePixels(t *testing.T, a, b string) string {
	t.Helper()
	decode := func(path string) image.Image {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return img
	}
	ia, ib := decode(a), decode(b)
	if ia.Bounds() != ib.Bounds() {
		return fmt.Sprintf("size %v, want %v", ia.Bounds().Size(), ib.Bounds().Size())
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBA64Model.Convert(ia.At(x, y)) != color.RGBA64Model.Convert(ib.At(x, y)) {
				return fmt.Sprintf("pixel (%d,%d) is %v, want %v", x, y, ia.At(x, y), ib.At(x, y))
			}
		}
	}
	return ""
}

// TestREADMEMakeTestAsksBeforeInstalling checks what the README says of
// make test's two legs that need more than Go: where their tools are
// missing and nobody asked for them to be installed (INSTALL_SLURM,
// INSTALL_QEMU), each exits 0 with one line saying it skipped and why,
// instead of installing packages.
func TestREADMEMakeTestAsksBeforeInstalling(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the scripts need Linux and bash")
	}
	// A PATH with the few tools the scripts need before they decide, and
	// neither Slurm nor apt-get, whatever this machine has installed.
	bin := t.TempDir()
	for _, tool := range []string{"bash", "dirname", "realpath", "id", "go"} {
		path, err := exec.LookPath(tool)
		if err != nil {
			t.Skip(err)
		}
		if err := os.Symlink(path, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "INSTALL_") && !strings.HasPrefix(kv, "QEMU_ARM64=") {
			env = append(env, kv)
		}
	}
	env = append(env, "PATH="+bin, "QEMU_ARM64=qemu-aarch64-missing-here")
	legs := []struct {
		script, want string
	}{
		{"scripts/slurm/demo.sh", "test-slurm: skipped: Slurm is not installed (missing: slurmctld slurmd slurm-client munge); INSTALL_SLURM=1 installs"},
		{"scripts/test-arm64.sh", "test-arm64: skipped: qemu-aarch64-missing-here is missing"},
		{"scripts/test-video.sh", "test-video: skipped: ffmpeg is missing"},
	}
	for _, leg := range legs {
		if leg.script == "scripts/test-arm64.sh" && runtime.GOARCH == "arm64" {
			continue // native: nothing to emulate, so it runs
		}
		cmd := exec.Command(filepath.Join(bin, "bash"), leg.script, exe)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("%s: %v: %s%s", leg.script, err, stdout.String(), stderr.String())
			continue
		}
		if out := stdout.String(); !strings.HasPrefix(out, leg.want) || strings.Count(out, "\n") != 1 || stderr.Len() != 0 {
			t.Errorf("%s said %q on stdout and %q on stderr, want one line starting %q", leg.script, out, stderr.String(), leg.want)
		}
	}
}

// TestREADMELinks checks that every relative link of README.md and of the
// pages of docs/ names a file or folder of the repository, so that text
// moved between them keeps its links working.
func TestREADMELinks(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, page := range append([]string{"README.md"}, pages...) {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(text), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(page), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", page, m[1])
			}
		}
	}
}
