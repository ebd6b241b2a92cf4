package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/strategies"
)

// The bad inputs of the flag fixes, checked by TestBadInput against
// testdata/bad-input.golden with the others.
func init() {
	badInputs = append(badInputs, []struct {
		name string
		args []string
		code int
	}{
		{"jpeg wider than libjpeg reads", []string{"--size", "65501x1", "DIR/o.jpg"}, 2},
		{"maxiter in octal", []string{"-m", "0o17", "DIR/o.png"}, 2},
		{"maxiter in binary", []string{"-m", "0b11", "DIR/o.png"}, 2},
		{"maxiter in hex", []string{"-m", "0x10", "DIR/o.png"}, 2},
		{"maxiter past int64", []string{"-m", "9223372036854775808", "DIR/o.png"}, 2},
		{"workers past int64", []string{"-w", "99999999999999999999", "DIR/o.png"}, 2},
		{"aa below int64", []string{"--aa", "-99999999999999999999", "DIR/o.png"}, 2},
		{"size flag run into its value", []string{"-size8", "DIR/o.png"}, 2},
		{"strategy flag run into its value", []string{"-strategysteal", "DIR/o.png"}, 2},
		{"bool flag run into more", []string{"-listx"}, 2},
		{"escape past its maximum", []string{"--escape", "1e7", "DIR/o.png"}, 2},
		{"zero escape", []string{"--escape", "0", "DIR/o.png"}, 2},
		{"zero width", []string{"--size", "0x40", "DIR/o.png"}, 2},
		{"zero height", []string{"--size", "40x0", "DIR/o.png"}, 2},
		{"empty output path", []string{""}, 2},
		{"empty format", []string{"--format", "", "DIR/o.png"}, 2},
		{"empty format to stdout", []string{"--format=", "-"}, 2},
		{"bench: unknown flag", []string{"bench", "--bogus"}, 2},
		{"bench: seed in hex", []string{"bench", "--seed", "0x10"}, 2},
		{"bench: negative seed", []string{"bench", "--seed", "-1"}, 2},
		{"bench: seed past uint64", []string{"bench", "--seed", "18446744073709551616"}, 2},
		{"bench: size factor past int64", []string{"bench", "--size-factor", "99999999999999999999"}, 2},
		{"bench: flag run into its value", []string{"bench", "-size-factor2"}, 2},
	}...)
}

// parseRender parses args as the render command's flags.
func parseRender(t *testing.T, args ...string) (*renderFlags, error) {
	t.Helper()
	f := newRenderFlags(testApp(io.Discard, io.Discard))
	return f, cli.Parse(f.fs, args)
}

// parseBench parses args as the bench command's flags.
func parseBench(t *testing.T, args ...string) (*benchFlags, error) {
	t.Helper()
	f := newBenchFlags()
	return f, cli.Parse(f.fs, args)
}

// TestIntegersAreDecimal: pflag's int flags read 010 as 8 and 0b11 as 3.
func TestIntegersAreDecimal(t *testing.T) {
	render := map[string]func(*renderFlags) int{
		"--workers": func(f *renderFlags) int { return f.workers },
		"-w":        func(f *renderFlags) int { return f.workers },
		"--grain":   func(f *renderFlags) int { return f.grain },
		"--maxiter": func(f *renderFlags) int { return f.maxiter },
		"-m":        func(f *renderFlags) int { return f.maxiter },
		"--aa":      func(f *renderFlags) int { return f.aa },
	}
	for name, get := range render {
		t.Run("mandel "+name, func(t *testing.T) {
			f, err := parseRender(t, name, "010")
			if err != nil || get(f) != 10 {
				t.Errorf("%s 010: %d, %v; want 10", name, get(f), err)
			}
			for _, v := range []string{"0b11", "0o17", "0x10", "1_000", "1e3", "ten"} {
				if _, err := parseRender(t, name, v); err == nil || !strings.Contains(err.Error(), "not a decimal integer") {
					t.Errorf("%s %s: error %v, want not a decimal integer", name, v, err)
				}
			}
		})
	}
	bench := map[string]func(*benchFlags) uint64{
		"--reps":        func(f *benchFlags) uint64 { return uint64(f.reps) },
		"--warmup":      func(f *benchFlags) uint64 { return uint64(f.warmup) },
		"--size-factor": func(f *benchFlags) uint64 { return uint64(f.sizeFactor) },
		"--maxiter":     func(f *benchFlags) uint64 { return uint64(f.maxiter) },
		"--seed":        func(f *benchFlags) uint64 { return f.seed },
	}
	for name, get := range bench {
		t.Run("mandel bench "+name, func(t *testing.T) {
			f, err := parseBench(t, name, "010")
			if err != nil || get(f) != 10 {
				t.Errorf("%s 010: %d, %v; want 10", name, get(f), err)
			}
			for _, v := range []string{"0b11", "0o17", "0x10", "1_000"} {
				if _, err := parseBench(t, name, v); err == nil || !strings.Contains(err.Error(), "not a decimal integer") {
					t.Errorf("%s %s: error %v, want not a decimal integer", name, v, err)
				}
			}
		})
	}
	t.Run("mandel bench lists", func(t *testing.T) {
		f, err := parseBench(t, "-w", "010,02", "--grain", "08,1")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := f.config(nil)
		if err != nil || !slices.Equal(cfg.Workers, []int{10, 2}) || !slices.Equal(cfg.Grains, []int{8, 1}) {
			t.Errorf("-w 010,02 --grain 08,1: workers %v, grains %v, %v; want [10 2] and [8 1]", cfg.Workers, cfg.Grains, err)
		}
		f, _ = parseBench(t, "-w", "1,0x10")
		if _, err := f.config(nil); err == nil {
			t.Errorf("-w 1,0x10 accepted")
		}
	})
}

// TestIntegersTooLarge: a number past an int's range is too large, and the
// error gives the largest the flag takes.
func TestIntegersTooLarge(t *testing.T) {
	for _, tc := range []struct {
		bench bool
		args  []string
		want  string
	}{
		{false, []string{"-m", "9223372036854775808"}, "too large, the maximum is 1073741824"},
		{false, []string{"--maxiter", "99999999999999999999999"}, "too large, the maximum is 1073741824"},
		{false, []string{"-w", "9223372036854775808"}, "too large, the maximum is 65536"},
		{false, []string{"--aa", "9223372036854775808"}, "too large, the maximum is 16"},
		{false, []string{"--grain", "9223372036854775808"}, "too large, the maximum is 9223372036854775807"},
		{false, []string{"-m", "-9223372036854775809"}, "too small, the minimum is 1"},
		{true, []string{"--maxiter", "9223372036854775808"}, "too large, the maximum is 1073741824"},
		{true, []string{"--size-factor", "9223372036854775808"}, "too large, the maximum is 64"},
		{true, []string{"--warmup", "-9223372036854775809"}, "too small, the minimum is 0"},
		{true, []string{"--seed", "18446744073709551616"}, "too large, the maximum is 18446744073709551615"},
		{true, []string{"--seed", "-1"}, "must not be negative"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var err error
			if tc.bench {
				_, err = parseBench(t, tc.args...)
			} else {
				_, err = parseRender(t, tc.args...)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	// The maxima named above are the commands' real limits: the flags
	// refuse the next number up with the range.
	if _, err := parseRender(t, "-m", "1073741825", "o.png"); err == nil || !strings.Contains(err.Error(), "1..1073741824") {
		t.Errorf("-m 1073741825: %v, want the range 1..1073741824", err)
	}
	if _, err := parseBench(t, "--size-factor", "65"); err == nil || !strings.Contains(err.Error(), "1..64") {
		t.Errorf("--size-factor 65: %v, want the range 1..64", err)
	}
}

// TestRunTogether checks both sides of cli.Parse's rule against flags run
// into their values on mandel's own flags, where it refuses no valid value
// of a shorthand but -o's that begin with "ut" in bench (-outdir) or
// "utput" in stitch; -o utdir works.
func TestRunTogether(t *testing.T) {
	for _, tc := range []struct {
		bench bool
		args  []string
		want  string // the error, or "" if args must parse
	}{
		{false, []string{"-size8"}, "unknown flag -size8 (did you mean --size 8?)"},
		{false, []string{"-size640x480"}, "unknown flag -size640x480 (did you mean --size 640x480?)"},
		{false, []string{"-strategysteal"}, "unknown flag -strategysteal (did you mean --strategy steal?)"},
		{false, []string{"-maxiter500"}, "unknown flag -maxiter500 (did you mean --maxiter 500?)"},
		{false, []string{"-aa2"}, "unknown flag -aa2 (did you mean --aa 2?)"},
		{false, []string{"-size8=3"}, "unknown flag -size8=3 (did you mean --size 8=3?)"},
		{false, []string{"-verbosely"}, "unknown flag -verbosely (see mandel --help)"},
		{false, []string{"o.png", "-workers4"}, "unknown flag -workers4 (did you mean --workers 4?)"},
		{true, []string{"-size-factor2"}, "unknown flag -size-factor2 (did you mean --size-factor 2?)"},
		{true, []string{"-reps3"}, "unknown flag -reps3 (did you mean --reps 3?)"},
		{true, []string{"-outdir"}, "unknown flag -outdir (did you mean --out dir?)"},

		// Shorthands with attached values, and long flags spelled out.
		{false, []string{"-w8", "-sbands", "-m500", "-g4", "-pfire", "-Vseahorse", "-fpng"}, ""},
		{false, []string{"-sserial", "-scyclic", "-ssteal", "-sguided"}, ""},
		{false, []string{"-size=8", "-size", "8", "-s=bands", "-w=8", "-vh"}, ""},
		{false, []string{"--", "-size8"}, ""},
		{true, []string{"-o", "utdir", "-oresults", "-w1,2", "-g4", "-m50"}, ""},
		{true, []string{"-size-factor", "2", "-size", "8", "-reps=3"}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var err error
			if tc.bench {
				_, err = parseBench(t, tc.args...)
			} else {
				_, err = parseRender(t, tc.args...)
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v, want %q", err, tc.want)
			case tc.want != "":
				if _, usage := err.(cli.UsageError); !usage {
					t.Errorf("%v is not a usage error", err)
				}
			}
		})
	}
	// The attached values land where they should.
	f, err := parseRender(t, "-w8", "-sbands", "-m500")
	if err != nil || f.workers != 8 || f.strategy != "bands" || f.maxiter != 500 {
		t.Errorf("-w8 -sbands -m500: workers %d, strategy %q, maxiter %d, %v", f.workers, f.strategy, f.maxiter, err)
	}
}

// TestFlagErrorNamesTheCommand: bench's errors point to bench's help.
func TestFlagErrorNamesTheCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus", "o.png"}, "mandel: unknown flag: --bogus (see mandel --help)\n"},
		{[]string{"bench", "--bogus"}, "mandel: unknown flag: --bogus (see mandel bench --help)\n"},
		{[]string{"bench", "--reps"}, "mandel: flag needs an argument: --reps (see mandel bench --help)\n"},
		{[]string{"bench", "-x"}, "mandel: unknown shorthand flag: 'x' in -x (see mandel bench --help)\n"},
		{[]string{"bench", "-listx"}, "mandel: unknown flag -listx (see mandel bench --help)\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := mandel(t, t.TempDir(), tc.args...)
			if code != exitUsage || stderr != tc.want {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// catalogue is the strategies in catalogue order, as --list prints them;
// strategies' own tests pin the list itself.
var catalogue = strategies.Names()

func TestList(t *testing.T) {
	code, stdout, stderr := mandel(t, t.TempDir(), "--list")
	if want := strings.Join(catalogue, "\n") + "\n"; code != 0 || stdout != want || stderr != "" {
		t.Errorf("--list: exit %d, stdout %q, stderr %q; want\n%s", code, stdout, stderr, want)
	}
}

// TestListVerbose checks --list -v: a line per strategy in catalogue order,
// its name, then a one-line summary in a column aligned across lines.
func TestListVerbose(t *testing.T) {
	for _, args := range [][]string{{"--list", "-v"}, {"-v", "--list"}, {"-list", "-verbose"}, {"--list", "--verbose"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := mandel(t, t.TempDir(), args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) != len(catalogue) || !strings.HasSuffix(stdout, "\n") {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(catalogue), stdout)
			}
			column := -1
			summaries := map[string]bool{}
			for i, line := range lines {
				name, summary, _ := strings.Cut(line, " ")
				if name != catalogue[i] {
					t.Errorf("line %d names %q, want %q", i+1, name, catalogue[i])
				}
				summary = strings.TrimLeft(summary, " ")
				if len(summary) < 20 || !utf8.ValidString(summary) || strings.ContainsAny(summary, "\t\r") {
					t.Errorf("%s: summary %q is not a line of text", name, summary)
				}
				if summaries[summary] {
					t.Errorf("%s: summary %q repeated", name, summary)
				}
				summaries[summary] = true
				at := len(line) - len(summary)
				if column == -1 {
					column = at
				} else if at != column {
					t.Errorf("%s: summary at column %d, want %d (aligned):\n%s", name, at, column, stdout)
				}
			}
			if want := len("serial") + 2; column != want {
				t.Errorf("summaries start at column %d, want %d", column, want)
			}
		})
	}
}

// TestEmptyValues: an empty output path or --format is refused, naming what
// is empty.
func TestEmptyValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{""}, "mandel: the OUTPUT path is empty (e.g. mandel out.png; - for stdout)\n"},
		{[]string{"--size", "8", "--format", "", "DIR/o.png"}, "mandel: --format is empty; want one of png, jpeg, gif, bmp, tiff, pgm, ppm, pbm, npy, npy-smooth\n"},
		{[]string{"--format=", "-"}, "mandel: --format is empty; want one of png, jpeg, gif, bmp, tiff, pgm, ppm, pbm, npy, npy-smooth\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := mandel(t, dir, tc.args...)
			if code != exitUsage || stdout != "" || stderr != tc.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tc.want)
			}
			if files := dirEntries(t, dir); len(files) != 0 {
				t.Errorf("wrote %v", files)
			}
		})
	}
}

// TestEscapeRange: the command's --escape message gives the range it takes;
// the view's "0 for the default" is refused on the command line.
func TestEscapeRange(t *testing.T) {
	for _, v := range []string{"1e7", "1e200", "0", "1.5", "-3"} {
		t.Run(v, func(t *testing.T) {
			code, _, stderr := mandel(t, t.TempDir(), "--escape", v, "DIR/o.png")
			if code != exitUsage || !strings.Contains(stderr, "--escape must be in 2..1e+06, got ") || strings.Contains(stderr, "default") {
				t.Errorf("exit %d, stderr %q; want the range 2..1e+06", code, stderr)
			}
		})
	}
	f, err := parseRender(t, "--escape", "1e6", "--size", "4", "o.png")
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := f.config(); err != nil || cfg.job.View.Escape != 1e6 {
		t.Errorf("--escape 1e6: %v", err)
	}
}
