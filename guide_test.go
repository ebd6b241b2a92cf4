package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// guides are command lines with a mistake the command should help with (a
// guess, a hint, a quoted path) or a note, checked by TestGuides against
// testdata/guide.golden. DIR/a.png is a picture mandel wrote, plain.png a
// PNG it did not, the .par files parameter files.
var guides = []struct {
	name string
	args []string
	code int
}{
	{"misspelt strategy", []string{"-s", "stael", "DIR/o.png"}, 2},
	{"misspelt view", []string{"--view", "seahorce", "DIR/o.png"}, 2},
	{"misspelt palette", []string{"-p", "fier", "DIR/o.png"}, 2},
	{"misspelt kernel", []string{"--kernel", "scaler", "DIR/o.png"}, 2},
	{"misspelt format", []string{"--format", "jepg", "-"}, 2},
	{"misspelt extension", []string{"DIR/o.jepg"}, 2},
	{"misspelt flag", []string{"--palete", "fire", "DIR/o.png"}, 2},
	{"misspelt flag, one dash", []string{"-palete", "fire", "DIR/o.png"}, 2},
	{"misspelt bench flag", []string{"bench", "--straegies", "steal"}, 2},
	{"misspelt bench strategy", []string{"bench", "--strategies", "bands,stael"}, 2},
	{"misspelt bench scene", []string{"bench", "--scenes", "full,tophlaf"}, 2},
	{"misspelt bench kernel", []string{"bench", "--kernel", "avx521"}, 2},
	{"misspelt stitch flag", []string{"stitch", "--outptu", "x.png"}, 2},
	{"misspelt zoom flag", []string{"zoom", "--frmaes", "3", "x-%05d.png"}, 2},
	{"misspelt command", []string{"bnech"}, 2},
	{"misspelt command to help", []string{"help", "stich"}, 2},
	{"help with two commands", []string{"help", "bench", "stitch"}, 2},
	{"a word for OUTPUT", []string{"out"}, 2},
	{"bool flag with a separate value", []string{"--shortcuts", "false", "DIR/a.png"}, 2},
	{"a --no- flag", []string{"--no-shortcuts", "DIR/a.png"}, 2},
	{"bool shorthand with a separate value", []string{"-q", "true", "DIR/a.png"}, 2},
	{"bench bool flag with a separate value", []string{"bench", "--shortcuts", "false"}, 2},
	{"-o and OUTPUT", []string{"-o", "DIR/a.png", "DIR/b.png"}, 2},
	{"empty -o", []string{"-o", ""}, 2},
	{"a newline in OUTPUT", []string{"--size", "8", "DIR/no\nsuch/o.png"}, 1},
	{"two outputs with spaces", []string{"DIR/my a.png", "DIR/b.png"}, 2},
	{"grain to a strategy that ignores it", []string{"--size", "8", "-s", "serial", "-g", "8", "DIR/g.png"}, 0},
	{"names in capitals", []string{"--size", "8", "-s", "STEAL", "-p", "Fire", "-V", "Seahorse", "--kernel", "Scalar", "-f", "PNG", "DIR/c.png"}, 0},

	{"--from and --params", []string{"--from", "DIR/a.png", "--params", "DIR/ok.par", "DIR/o.png"}, 2},
	{"--from missing", []string{"--from", "DIR/none.png", "DIR/o.png"}, 1},
	{"--from empty", []string{"--from", "", "DIR/o.png"}, 2},
	{"--from not a PNG", []string{"--from", "DIR/ok.par", "DIR/o.png"}, 2},
	{"--from another program's PNG", []string{"--from", "DIR/plain.png", "DIR/o.png"}, 2},
	{"--params missing", []string{"--params", "DIR/none.par", "DIR/o.png"}, 1},
	{"--params line without =", []string{"--params", "DIR/noeq.par", "DIR/o.png"}, 2},
	{"--params unknown key", []string{"--params", "DIR/key.par", "DIR/o.png"}, 2},
	{"--params # after a value", []string{"--params", "DIR/hash.par", "DIR/o.png"}, 2},
	{"--params key twice", []string{"--params", "DIR/twice.par", "DIR/o.png"}, 2},
	{"--params bad value", []string{"--params", "DIR/value.par", "DIR/o.png"}, 2},
	{"--params bad view", []string{"--params", "DIR/view.par", "DIR/o.png"}, 2},
	{"--params mapping not the view's", []string{"--params", "DIR/mapping.par", "DIR/o.png"}, 2},
	{"--params empty file", []string{"--params", "DIR/empty.par", "DIR/o.png"}, 2},
	{"--params of another release", []string{"--params", "DIR/old.par", "DIR/old.png"}, 0},
	{"--save-params empty", []string{"--save-params", "", "DIR/o.png"}, 2},
	{"--save-params and the image to stdout", []string{"--save-params", "-", "-f", "png", "-"}, 2},
	{"--save-params to OUTPUT", []string{"--save-params", "DIR/./o.png", "DIR/o.png"}, 2},
}

// guideFiles are the parameter files of guides.
var guideFiles = map[string]string{
	"ok.par":      "size = 8\n",
	"noeq.par":    "# a comment\nsize 30x20\n",
	"hash.par":    "size = 8 # eight\n",
	"key.par":     "palete = fire\n",
	"twice.par":   "size = 8\nsize = 9\n",
	"value.par":   "size = 8\nmaxiter = lots\n",
	"view.par":    "view = seahorce\n",
	"mapping.par": "view = full\nmapping = corners\n",
	"empty.par":   "# nothing\n\n",
	"old.par":     "version = 0.0.1\nsize = 8\n",
}

// TestGuides checks each message of guides against testdata/guide.golden:
// the exit code, and what is said on stderr, one line for each error.
func TestGuides(t *testing.T) {
	dir := t.TempDir()
	for name, text := range guideFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustRender(t, dir, "DIR/a.png", "--size", "8")
	plain, err := os.Create(filepath.Join(dir, "plain.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(plain, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	plain.Close()
	var got strings.Builder
	for _, tc := range guides {
		code, stdout, stderr := mandel(t, dir, tc.args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.name, code, tc.code, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: wrote to stdout: %q", tc.name, stdout)
		}
		if tc.code != 0 && (strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "mandel: ")) {
			t.Errorf("%s: want one line on stderr starting with \"mandel: \", got %q", tc.name, stderr)
		}
		if stderr == "" {
			stderr = "(nothing)\n"
		}
		fmt.Fprintf(&got, "# %s: mandel %s\nexit %d: %s", tc.name, quoteAll(tc.args), code, stderr)
	}
	golden(t, "guide.golden", got.String())
}

// TestNamesAnyCase: names in capitals give the bytes of the names in
// lower case.
func TestNamesAnyCase(t *testing.T) {
	dir := t.TempDir()
	want := mustRender(t, dir, "DIR/a.png", "--size", "12", "-s", "steal", "-p", "fire", "-V", "seahorse", "--kernel", "scalar", "--method", "direct", "-f", "png")
	if got := mustRender(t, dir, "DIR/b.png", "--size", "12", "-s", "Steal", "-p", "FIRE", "-V", "SeaHorse", "--kernel", "SCALAR", "--method", "DIRECT", "-f", "PNG"); !bytes.Equal(got, want) {
		t.Error("names in capitals: bytes differ")
	}
}

// TestOutputFlag: -o and --output name the image as OUTPUT does; bench
// takes --output for its --out.
func TestOutputFlag(t *testing.T) {
	dir := t.TempDir()
	want := mustRender(t, dir, "DIR/a.png", "--size", "8")
	for _, flag := range []string{"-o", "--output", "-output"} {
		if code, _, stderr := mandel(t, dir, "--size", "8", flag, "DIR/b.png"); code != 0 {
			t.Fatalf("%s: %s", flag, stderr)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "b.png")); !bytes.Equal(got, want) {
			t.Errorf("%s: bytes differ from OUTPUT's", flag)
		}
	}
	f, err := parseBench(t, "--output", "somewhere")
	if err != nil || f.out != "somewhere" {
		t.Errorf("bench --output somewhere: out %q, %v", f.out, err)
	}
}

// TestGrainNote: --grain given to a strategy that ignores it is said once;
// not to one that uses it, nor when not given.
func TestGrainNote(t *testing.T) {
	for _, tc := range []struct {
		args []string
		note bool
	}{
		{[]string{"-s", "bands", "-g", "4"}, true},
		{[]string{"-s", "serial", "--grain", "1"}, true},
		{[]string{"-s", "serial"}, false},
		{[]string{"-s", "steal", "-g", "4"}, false},
		{[]string{"-s", "cyclic", "-g", "4"}, false},
	} {
		_, _, stderr := mandel(t, t.TempDir(), append(tc.args, "--size", "8", "DIR/o.png")...)
		if got := strings.Count(stderr, "ignores --grain"); got != map[bool]int{true: 1, false: 0}[tc.note] {
			t.Errorf("%s: stderr %q", strings.Join(tc.args, " "), stderr)
		}
	}
}

// TestPerturbationOnlyNotes: --reference and --no-bla, which only the
// perturbation method reads, are each said to change nothing where the
// direct kernels render the view, and not where perturbation does.
func TestPerturbationOnlyNotes(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		notes int
	}{
		{[]string{"--no-bla"}, 1},
		{[]string{"--reference=-0.5,0", "--no-bla"}, 2},
		{[]string{"--scale", "1e-20", "--center", "0,1", "--no-bla"}, 0},
		{[]string{"--scale", "1e-20", "--center", "0,1", "--reference", "0,1"}, 0},
		{[]string{"--method", "perturb", "--no-bla"}, 0},
		{nil, 0},
	} {
		_, _, stderr := mandel(t, t.TempDir(), append(tc.args, "--size", "8", "-m", "50", "DIR/o.png")...)
		if got := strings.Count(stderr, "changes nothing here"); got != tc.notes {
			t.Errorf("%s: %d notes, want %d; stderr %q", strings.Join(tc.args, " "), got, tc.notes, stderr)
		}
	}
}

// TestPlural: one worker is one worker.
func TestPlural(t *testing.T) {
	for w, want := range map[string]string{"1": "strategy steal, 1 worker,", "2": "strategy steal, 2 workers,"} {
		_, _, stderr := mandel(t, t.TempDir(), "-v", "-w", w, "--size", "8", "DIR/o.png")
		if !strings.Contains(stderr, want) {
			t.Errorf("-w %s: -v says\n%s\nwant %q", w, stderr, want)
		}
	}
	if plural(0, "file") != "0 files" || plural(1, "file") != "1 file" || plural(7, "file") != "7 files" {
		t.Error("plural")
	}
}

// TestHelpCommand: mandel help [COMMAND] is COMMAND's --help, and every
// help fits 80 columns when standard output is no terminal.
func TestHelpCommand(t *testing.T) {
	for _, tc := range []struct{ help, flag []string }{
		{[]string{"help"}, []string{"--help"}},
		{[]string{"help", "help"}, []string{"-h"}},
		{[]string{"help", "bench"}, []string{"bench", "--help"}},
		{[]string{"help", "STITCH"}, []string{"stitch", "-h"}},
		{[]string{"help", "completion"}, []string{"completion", "--help"}},
		{[]string{"help", "zoom"}, []string{"zoom", "--help"}},
	} {
		code, stdout, stderr := mandel(t, t.TempDir(), tc.help...)
		_, want, _ := mandel(t, t.TempDir(), tc.flag...)
		if code != 0 || stderr != "" || stdout != want || !strings.Contains(stdout, "Usage:") {
			t.Errorf("mandel %s: exit %d, stderr %q; want mandel %s's help", strings.Join(tc.help, " "), code, stderr, strings.Join(tc.flag, " "))
		}
		for _, line := range strings.Split(stdout, "\n") {
			if n := utf8.RuneCountInString(line); n > 80 {
				t.Errorf("mandel %s: a line of %d columns: %q", strings.Join(tc.help, " "), n, line)
			}
		}
	}
}

// TestHelpWidth wraps the help to a narrow terminal: no line is wider but
// a lone word, and no word is lost.
func TestHelpWidth(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"bench", "--help"}, {"stitch", "--help"}, {"zoom", "--help"}} {
		var wide, narrow bytes.Buffer
		a := testApp(&wide, io.Discard)
		a.width = func() int { return 200 }
		a.run(t.Context(), args)
		a = testApp(&narrow, io.Discard)
		a.width = func() int { return 50 }
		a.run(t.Context(), args)
		for _, line := range strings.Split(narrow.String(), "\n") {
			if utf8.RuneCountInString(line) > 50 && len(strings.Fields(line)) > 1 {
				t.Errorf("%s at 50 columns: %q", strings.Join(args, " "), line)
			}
		}
		// A list may break after a comma, a command with a continuation,
		// and a command's comment moves above it: the letters but spaces
		// and continuations are the same.
		if letters(wide.String()) != letters(narrow.String()) {
			t.Errorf("%s: the narrow help's words are not the wide one's", strings.Join(args, " "))
		}
	}
}

// TestVersionText: --version gives the release, the module, the revision
// as the build recorded it, and the toolchain.
func TestVersionText(t *testing.T) {
	info := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/mandel-project/mandel", Version: "v0.1.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-03T06:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := versionText(info)
	for _, want := range []string{"mandel " + version + "\n", "module github.com/mandel-project/mandel v0.1.0\n",
		"revision 0123456789abcdef0123456789abcdef01234567 (2026-12-03T06:00:00Z), modified\n", "built with go"} {
		if !strings.Contains(got, want) {
			t.Errorf("version text lacks %q:\n%s", want, got)
		}
	}
	info.Settings = info.Settings[:1]
	if got := versionText(info); !strings.Contains(got, "revision 0123456789abcdef0123456789abcdef01234567\n") {
		t.Errorf("a clean checkout:\n%s", got)
	}
	if got := versionText(nil); !strings.Contains(got, "revision unknown") || !strings.HasPrefix(got, "mandel "+version+"\n") {
		t.Errorf("no build info:\n%s", got)
	}
	code, stdout, _ := mandel(t, t.TempDir(), "--version")
	if code != 0 || !strings.HasPrefix(stdout, "mandel "+version+"\n") || !strings.Contains(stdout, "revision ") {
		t.Errorf("--version: exit %d\n%s", code, stdout)
	}
}

// TestStitchOddPath: a shard whose name holds a newline is named quoted,
// on one line.
func TestStitchOddPath(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "bad\nname.png")
	if err := os.WriteFile(odd, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := mandel(t, dir, "stitch", "-o", "DIR/out.png", odd)
	if code != exitFailure || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, `"DIR/bad\nname.png"`) {
		t.Errorf("exit %d, stderr %q; want one line naming the shard quoted", code, stderr)
	}
	// Every path is quoted, as the render command's are, not only odd ones.
	code, _, stderr = mandel(t, dir, "stitch", "-o", "DIR/out.png", ".")
	if code != exitFailure || !strings.HasPrefix(stderr, `mandel: ".": `) {
		t.Errorf("a folder as a shard: exit %d, stderr %q; want the folder quoted", code, stderr)
	}
}

// letters returns text's non-space runes but shell continuations, sorted.
func letters(text string) string {
	var rs []rune
	for _, f := range strings.Fields(text) {
		if f != "\\" {
			rs = append(rs, []rune(f)...)
		}
	}
	slices.Sort(rs)
	return string(rs)
}
