package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"
)

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
	if w <= 0 || h <= 0 {
		return fmt.Errorf("width and height must be positive")
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

// finiteValue is a float flag that refuses NaN and infinities.
type finiteValue struct{ f float64 }

func (f *finiteValue) String() string { return strconv.FormatFloat(f.f, 'g', -1, 64) }
func (f *finiteValue) Type() string   { return "float" }
func (f *finiteValue) Set(v string) (err error) {
	f.f, err = parseFinite(v)
	return err
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

// flagError turns pflag's messages into one line that names the flag.
func flagError(err error) error {
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
	return usagef("%s (see mandel --help)", msg)
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
