package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// flags is a set like a command's: long flags, some with shorthands, of
// each kind of value.
type flags struct {
	fs               *pflag.FlagSet
	strategy, out    string
	workers, maxiter int
	aa               int
	w, h             int
	ratio            float64
	verbose, list    bool
}

func newFlags(name string) *flags {
	f := &flags{fs: pflag.NewFlagSet(name, pflag.ContinueOnError)}
	fs := f.fs
	fs.SortFlags = false
	fs.StringVarP(&f.strategy, "strategy", "s", "steal", "scheduling strategy")
	fs.VarP(Int(&f.workers, 4, 1, 64), "workers", "w", "number of `workers`")
	fs.VarP(Int(&f.maxiter, 0, 1, 1<<30), "maxiter", "m", "iteration limit (default: the view's)")
	fs.Var(Int(&f.aa, 1, 1, 16), "aa", "supersampling")
	fs.Var(Size(&f.w, &f.h), "size", "image size")
	fs.StringVarP(&f.out, "out", "o", "", "results directory")
	fs.Float64Var(&f.ratio, "ratio", 0, "a float of pflag's own")
	fs.BoolVar(&f.list, "list", false, "print the list and exit")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "say more")
	fs.SetOutput(io.Discard)
	return f
}

// TestRunTogether checks both sides of runTogether's rule.
func TestRunTogether(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the error, or "" if args must parse
	}{
		{[]string{"-size8"}, "unknown flag -size8 (did you mean --size 8?)"},
		{[]string{"-size640x480"}, "unknown flag -size640x480 (did you mean --size 640x480?)"},
		{[]string{"-strategysteal"}, "unknown flag -strategysteal (did you mean --strategy steal?)"},
		{[]string{"-maxiter500"}, "unknown flag -maxiter500 (did you mean --maxiter 500?)"},
		{[]string{"-aa2"}, "unknown flag -aa2 (did you mean --aa 2?)"},
		{[]string{"-size8=3"}, "unknown flag -size8=3 (did you mean --size 8=3?)"},
		{[]string{"-verbosely"}, "unknown flag -verbosely (see cmd --help)"},
		{[]string{"-listx"}, "unknown flag -listx (see cmd --help)"},
		{[]string{"arg", "-workers4"}, "unknown flag -workers4 (did you mean --workers 4?)"},
		{[]string{"-outdir"}, "unknown flag -outdir (did you mean --out dir?)"},

		// Shorthands with attached values, and long flags spelled out.
		{[]string{"-w8", "-sbands", "-m500", "-oresults"}, ""},
		{[]string{"-sserial", "-scyclic", "-ssteal", "-sguided"}, ""},
		{[]string{"-size=8", "-size", "8", "-s=bands", "-w=8", "-v"}, ""},
		{[]string{"--", "-size8"}, ""},
		{[]string{"-o", "utdir"}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := Parse(newFlags("cmd").fs, tc.args)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v, want %q", err, tc.want)
			case tc.want != "":
				if _, usage := err.(UsageError); !usage {
					t.Errorf("%v is not a usage error", err)
				}
			}
		})
	}
	// The attached values land where they should.
	f := newFlags("cmd")
	err := Parse(f.fs, []string{"-w8", "-sbands", "-m500", "-oresults"})
	if err != nil || f.workers != 8 || f.strategy != "bands" || f.maxiter != 500 || f.out != "results" {
		t.Errorf("-w8 -sbands -m500 -oresults: workers %d, strategy %q, maxiter %d, out %q, %v", f.workers, f.strategy, f.maxiter, f.out, err)
	}
}

// TestLongForms: one dash or two, the same flags; values and what follows
// "--" are untouched.
func TestLongForms(t *testing.T) {
	f := newFlags("cmd")
	err := Parse(f.fs, []string{"-size", "8x4", "-workers=3", "-ratio", "-0.75", "-list", "a", "--", "-aa", "2"})
	if err != nil || f.w != 8 || f.h != 4 || f.workers != 3 || f.ratio != -0.75 || !f.list || f.aa != 1 {
		t.Fatalf("size %dx%d, workers %d, ratio %v, list %v, aa %d, %v", f.w, f.h, f.workers, f.ratio, f.list, f.aa, err)
	}
	if args := f.fs.Args(); strings.Join(args, " ") != "a -aa 2" {
		t.Errorf("arguments %q, want a -aa 2", args)
	}
}

// TestFlagErrors: every error is one usage error that names the flag, or
// else points to the command's help.
func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus (see cmd sub --help)"},
		{[]string{"--maxiter"}, "flag needs an argument: --maxiter (see cmd sub --help)"},
		{[]string{"-x"}, "unknown shorthand flag: 'x' in -x (see cmd sub --help)"},
		{[]string{"-m", "0"}, "--maxiter must be positive, got 0"},
		{[]string{"-w", "0x10"}, `invalid argument "0x10" for "-w, --workers" flag: not a decimal integer`},
		{[]string{"--size", "0x40"}, `invalid argument "0x40" for "--size" flag: width must be positive, got 0`},
		{[]string{"--ratio", "x"}, `invalid argument "x" for "--ratio" flag: must be a number`},
		{[]string{"--raw", "x"}, `invalid argument "x" for "--raw" flag: not a valid number (invalid syntax)`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := newFlags("cmd sub").fs
			fs.Var(rawFloat{}, "raw", "a value that returns strconv's errors as they are")
			err := Parse(fs, tc.args)
			var usage UsageError
			if err == nil || err.Error() != tc.want || !errors.As(err, &usage) {
				t.Errorf("error %v, want the usage error %q", err, tc.want)
			}
		})
	}
}

// rawFloat returns strconv's errors, which name the function, unchanged.
type rawFloat struct{}

func (rawFloat) String() string { return "" }
func (rawFloat) Type() string   { return "float" }
func (rawFloat) Set(s string) error {
	_, err := strconv.ParseFloat(s, 64)
	return err
}

func TestUsageErrorWraps(t *testing.T) {
	cause := errors.New("bad")
	err := fmt.Errorf("context: %w", UsageError{cause})
	var usage UsageError
	if !errors.As(err, &usage) || !errors.Is(err, cause) || usage.Error() != "bad" {
		t.Errorf("UsageError does not wrap: %v", err)
	}
	if err := Usagef("--%s %d", "aa", 17); err.Error() != "--aa 17" || !errors.As(err, &usage) {
		t.Errorf("Usagef: %v", err)
	}
}

// TestUsages: a line per flag in the set's order, names aligned, the value's
// name but no [=true|false] for booleans, and the defaults that are
// neither zero nor already told.
func TestUsages(t *testing.T) {
	want := `  -s, --strategy string  scheduling strategy (default steal)
  -w, --workers workers  number of workers (default 4)
  -m, --maxiter int      iteration limit (default: the view's)
      --aa int           supersampling (default 1)
      --size WxH         image size
  -o, --out string       results directory
      --ratio float      a float of pflag's own
      --list             print the list and exit
  -v, --verbose          say more
`
	if got := Usages(newFlags("cmd").fs); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
