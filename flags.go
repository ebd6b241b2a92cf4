package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/internal/sysmem"
)

// parseFlags parses args into fs: it refuses long flags run into their
// values (see runTogether), accepts long flags with one dash (see
// longForms), and turns pflag's errors into one-line usage errors.
func parseFlags(fs *pflag.FlagSet, args []string) error {
	if err := runTogether(fs, args); err != nil {
		return err
	}
	if err := fs.Parse(longForms(fs, args)); err != nil {
		return flagError(fs, err)
	}
	return nil
}

// longForms rewrites single-dash long flags (-strategy steal, -size=64) into
// the double-dash form pflag expects, so both spellings work. Only names of
// long flags of fs are rewritten: -w8 and -s stay shorthands, a value such as
// -0.75 stays a value, and nothing after "--" is touched.
func longForms(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// runTogether refuses a single-dash argument that begins with the name of a
// long flag of two or more letters and goes on, other than with "=": -size8,
// -strategysteal. pflag would read it as a shorthand with an attached value
// (-s with "ize8") and complain about the value, not the spelling.
//
// The rule looks only at the spelling, never at whether the shorthand
// reading would be valid, so that the same argument always means the same.
// It costs little: an attached shorthand value is refused only when the
// shorthand's letter and the value spell a long name, and no value of mandel's
// shorthands does (-s with "cale..." or "ize...", -w with "orkers..."), save
// a bench directory starting with "ut" (-outdir), for which -o utdir works.
// -w8, -sbands and -m500 are untouched.
func runTogether(fs *pflag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if fs.Lookup(name) != nil {
			continue // a long flag, for longForms
		}
		var long *pflag.Flag // the longest long name that name begins with
		fs.VisitAll(func(f *pflag.Flag) {
			if len(f.Name) > 1 && len(f.Name) < len(name) && strings.HasPrefix(name, f.Name) &&
				(long == nil || len(f.Name) > len(long.Name)) {
				long = f
			}
		})
		if long == nil {
			continue
		}
		if long.Value.Type() == "bool" {
			return usagef("unknown flag %s (see %s --help)", a, fs.Name())
		}
		return usagef("unknown flag %s (did you mean --%s %s?)", a, long.Name, a[1+len(long.Name):])
	}
	return nil
}

// intValue is an int flag read in decimal, within lo..hi. pflag's own int
// flags parse with strconv.ParseInt(s, 0, 64), so -m 010 would be 8 and
// -m 0b11 3 while --size 064 is 64: every number of the command is decimal,
// and a leading zero changes nothing.
type intValue struct {
	p      *int
	lo, hi int
}

// newIntValue returns an intValue setting *p, which it sets to def.
func newIntValue(p *int, def, lo, hi int) *intValue {
	*p = def
	return &intValue{p, lo, hi}
}

func (v *intValue) String() string { return strconv.Itoa(*v.p) }
func (v *intValue) Type() string   { return "int" }
func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, strconv.IntSize)
	switch {
	case errors.Is(err, strconv.ErrRange) && n > 0:
		return fmt.Errorf("too large, the maximum is %d", v.hi)
	case errors.Is(err, strconv.ErrRange):
		return fmt.Errorf("too small, the minimum is %d", v.lo)
	case err != nil:
		return errors.New("not a decimal integer")
	case n < int64(v.lo) || n > int64(v.hi):
		return outOfRange(intRange(int(n), v.lo, v.hi))
	}
	*v.p = int(n)
	return nil
}

// outOfRange is why a flag's number is out of its range; flagError puts
// the flag's name first, as mandel's other checks word it.
type outOfRange string

func (e outOfRange) Error() string { return string(e) }

// intRange says why n is not in lo..hi.
func intRange(n, lo, hi int) string {
	switch {
	case lo == 0 && n < 0:
		return fmt.Sprintf("must not be negative, got %d", n)
	case hi == math.MaxInt:
		return fmt.Sprintf("must be at least %d, got %d", lo, n)
	default:
		return fmt.Sprintf("must be in %d..%d, got %d", lo, hi, n)
	}
}

// uint64Value is a uint64 flag read in decimal, like intValue.
type uint64Value struct{ p *uint64 }

func (v uint64Value) String() string { return strconv.FormatUint(*v.p, 10) }
func (v uint64Value) Type() string   { return "uint" }
func (v uint64Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return fmt.Errorf("too large, the maximum is %d", uint64(math.MaxUint64))
	case err != nil && strings.HasPrefix(s, "-"):
		return errors.New("must not be negative")
	case err != nil:
		return errors.New("not a decimal integer")
	}
	*v.p = n
	return nil
}

// sizeValue is a --size flag: WxH, or N for N x N.
type sizeValue struct{ w, h int }

func (s *sizeValue) String() string {
	if s.w == 0 {
		return ""
	}
	return fmt.Sprintf("%dx%d", s.w, s.h)
}
func (s *sizeValue) Type() string { return "WxH" }
func (s *sizeValue) Set(v string) error {
	ws, hs, pair := strings.Cut(strings.ToLower(v), "x")
	if !pair {
		hs = ws
	}
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if errW != nil || errH != nil {
		return fmt.Errorf("want WxH or N, e.g. 1920x1080 or 1024")
	}
	switch {
	case w <= 0:
		return fmt.Errorf("width must be positive, got %d", w)
	case h <= 0:
		return fmt.Errorf("height must be positive, got %d", h)
	}
	s.w, s.h = w, h
	return nil
}

// complexValue is a --center flag: RE,IM.
type complexValue struct{ c complex128 }

func (c *complexValue) String() string {
	if c.c == 0 {
		return "" // pflag shows no default for an empty value: the view's applies
	}
	return strconv.FormatFloat(real(c.c), 'g', -1, 64) + "," + strconv.FormatFloat(imag(c.c), 'g', -1, 64)
}
func (c *complexValue) Type() string { return "RE,IM" }
func (c *complexValue) Set(v string) error {
	rs, is, ok := strings.Cut(v, ",")
	if !ok {
		return fmt.Errorf("want RE,IM, e.g. -0.75,0.1")
	}
	re, err := parseFinite(rs)
	if err != nil {
		return err
	}
	im, err := parseFinite(is)
	if err != nil {
		return err
	}
	c.c = complex(re, im)
	return nil
}

// finiteValue is a float flag that refuses NaN and infinities, and, if in
// is set, the numbers in refuses, for which want says what it wants
// ("positive").
type finiteValue struct {
	f    float64
	in   func(float64) bool
	want string
}

func (f *finiteValue) String() string { return strconv.FormatFloat(f.f, 'g', -1, 64) }
func (f *finiteValue) Type() string   { return "float" }
func (f *finiteValue) Set(v string) error {
	x, err := parseFinite(v)
	switch {
	case err != nil:
		return err
	case f.in != nil && !f.in(x):
		return outOfRange(fmt.Sprintf("must be %s, got %v", f.want, x))
	}
	f.f = x
	return nil
}

func parseFinite(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return f, nil
}

// flagError turns pflag's messages about fs into one line that names the
// flag, or points to the command's help.
func flagError(fs *pflag.FlagSet, err error) error {
	var invalid *pflag.InvalidValueError
	var outside outOfRange
	if errors.As(err, &invalid) && errors.As(err, &outside) {
		return usagef("--%s %v", invalid.GetFlag().Name, outside)
	}
	msg := err.Error()
	// pflag wraps a Value's error as `invalid argument "x" for "--size" flag: why`.
	if strings.HasPrefix(msg, "invalid argument") {
		if i := strings.Index(msg, "flag: "); i >= 0 {
			head := msg[:i+len("flag")]
			why := msg[i+len("flag: "):]
			if j := strings.LastIndex(why, ": "); strings.Contains(why, "strconv.") && j >= 0 {
				why = "not a valid number (" + strings.TrimSpace(why[j+2:]) + ")"
			}
			return usagef("%s: %s", head, why)
		}
	}
	return usagef("%s (see %s --help)", msg, fs.Name())
}

// flagUsages lists fs's flags for --help, one per line. It replaces pflag's
// FlagUsages, which marks every boolean flag with "[=true|false]" and would
// repeat defaults that the usage text already explains.
func flagUsages(fs *pflag.FlagSet) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *pflag.Flag) {
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" && f.Value.Type() != "bool" {
			name += " " + varname
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" && !strings.Contains(usage, "default") {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
	return b.String()
}

// memoryValue is a --memory flag: a size in bytes with an optional unit,
// binary (K, M, G, T, KiB, MiB, GiB, TiB) or decimal (KB, MB, GB, TB):
// 512MiB, 2G, 1.5GiB.
type memoryValue struct{ bytes float64 }

func (m *memoryValue) String() string {
	if m.bytes == 0 {
		return ""
	}
	return sysmem.HumanBytes(m.bytes)
}

func (m *memoryValue) Type() string { return "size" }

func (m *memoryValue) Set(s string) error {
	num := strings.TrimRightFunc(s, func(r rune) bool { return r >= 'A' && r <= 'z' })
	unit := strings.TrimSpace(s[len(num):])
	mult, ok := memoryUnits[strings.ToLower(unit)]
	if strings.TrimSpace(num) == "" {
		return errors.New("not a size (e.g. 512MiB, 2GiB)")
	}
	if !ok {
		return fmt.Errorf("unknown unit %q (use B, KiB, MiB, GiB, TiB, or KB, MB, GB, TB)", unit)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return errors.New("not a size (e.g. 512MiB, 2GiB)")
	}
	if f*mult < 1<<20 {
		return errors.New("must be at least 1 MiB")
	}
	m.bytes = f * mult
	return nil
}

var memoryUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
}
