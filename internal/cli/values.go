package cli

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/internal/sysmem"
)

// outOfRange is why a flag's number is out of its range; flagError puts
// the flag's name first, as the commands' other checks word it.
type outOfRange string

func (e outOfRange) Error() string { return string(e) }

// Int is an int flag setting *p, which it sets to def now, read in decimal
// and within lo..hi. pflag's own int flags parse with
// strconv.ParseInt(s, 0, 64), so -m 010 would be 8 and -m 0b11 3 while
// --size 064 is 64: every number of a command is decimal, and a leading
// zero changes nothing.
func Int(p *int, def, lo, hi int) pflag.Value {
	*p = def
	return &intValue{p, lo, hi}
}

type intValue struct {
	p      *int
	lo, hi int
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

// intRange says why n is not in lo..hi. Below a range that starts at 0 or
// 1 and ends far off (--maxiter's 1..2^30), the bound that matters is the
// low one, and a billion in the message would only distract.
func intRange(n, lo, hi int) string {
	farHigh := hi > 1<<20
	switch {
	case lo == 0 && n < 0:
		return fmt.Sprintf("must not be negative, got %d", n)
	case hi == math.MaxInt:
		return fmt.Sprintf("must be at least %d, got %d", lo, n)
	case lo == 1 && n < 1 && farHigh:
		return fmt.Sprintf("must be positive, got %d", n)
	default:
		return fmt.Sprintf("must be in %d..%d, got %d", lo, hi, n)
	}
}

// Uint64 is a uint64 flag setting *p, read in decimal like Int.
func Uint64(p *uint64) pflag.Value { return uint64Value{p} }

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

// Size is an image size flag setting *w and *h: WxH, or N for N x N, both
// positive. While *w is 0 it shows no default, for the command's to apply.
func Size(w, h *int) pflag.Value { return sizeValue{w, h} }

type sizeValue struct{ w, h *int }

func (s sizeValue) String() string {
	if *s.w == 0 {
		return ""
	}
	return fmt.Sprintf("%dx%d", *s.w, *s.h)
}
func (s sizeValue) Type() string { return "WxH" }
func (s sizeValue) Set(v string) error {
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
	*s.w, *s.h = w, h
	return nil
}

// Complex is a complex number flag setting *p: RE,IM, both finite. While
// *p is 0 it shows no default, for the command's to apply.
func Complex(p *complex128) pflag.Value { return complexValue{p} }

type complexValue struct{ p *complex128 }

func (c complexValue) String() string {
	if *c.p == 0 {
		return ""
	}
	return strconv.FormatFloat(real(*c.p), 'g', -1, 64) + "," + strconv.FormatFloat(imag(*c.p), 'g', -1, 64)
}
func (c complexValue) Type() string { return "RE,IM" }
func (c complexValue) Set(v string) error {
	rs, is, ok := strings.Cut(v, ",")
	if !ok {
		return fmt.Errorf("want RE,IM, e.g. -0.75,0.1")
	}
	re, err := parseFinite(strings.TrimSpace(rs))
	if err != nil {
		return err
	}
	im, err := parseFinite(strings.TrimSpace(is))
	if err != nil {
		return err
	}
	*c.p = complex(re, im)
	return nil
}

// Finite is a float flag setting *p that refuses NaN and infinities and,
// unless in is nil, the numbers for which in is false; want says what it
// wants instead ("positive", "in 2..1e+06").
func Finite(p *float64, want string, in func(float64) bool) pflag.Value {
	return finiteValue{p, want, in}
}

type finiteValue struct {
	p    *float64
	want string
	in   func(float64) bool
}

func (f finiteValue) String() string { return strconv.FormatFloat(*f.p, 'g', -1, 64) }
func (f finiteValue) Type() string   { return "float" }
func (f finiteValue) Set(v string) error {
	x, err := parseFinite(v)
	switch {
	case err != nil:
		return err
	case f.in != nil && !f.in(x):
		// As written: 1e-400 rounds to the float64 0, which the user
		// did not write.
		return outOfRange(fmt.Sprintf("must be %s, got %s", f.want, v))
	}
	*f.p = x
	return nil
}

// parseFinite reads s in the one grammar of every number that is not an
// integer (package decimal: no hex, underscores, Inf or NaN, which
// strconv.ParseFloat would take), to the nearest float64.
func parseFinite(s string) (float64, error) {
	n, err := decimal.Parse(s)
	if err != nil {
		return 0, err
	}
	f := n.Float64()
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is too large for a float64", s)
	}
	return f, nil
}

// Decimal is a decimal number flag setting *p, exactly as written (see
// package decimal), unless in is not nil and false for it; want says what
// it wants instead ("positive"). While *p is 0 it shows no default, for
// the command's to apply.
func Decimal(p *decimal.Number, want string, in func(decimal.Number) bool) pflag.Value {
	return decimalValue{p, want, in}
}

type decimalValue struct {
	p    *decimal.Number
	want string
	in   func(decimal.Number) bool
}

func (d decimalValue) String() string {
	if d.p.IsZero() {
		return ""
	}
	return d.p.String()
}
func (d decimalValue) Type() string { return "decimal" }
func (d decimalValue) Set(v string) error {
	n, err := decimal.Parse(v)
	switch {
	case err != nil:
		return err
	case d.in != nil && !d.in(n):
		return outOfRange(fmt.Sprintf("must be %s, got %s", d.want, n))
	}
	*d.p = n
	return nil
}

// DecimalPair is a flag of two decimal numbers RE,IM setting *re and *im
// exactly as written, of any length: a centre for deep zooms. While both
// are 0 it shows no default, for the command's to apply.
func DecimalPair(re, im *decimal.Number) pflag.Value { return decimalPair{re, im} }

type decimalPair struct{ re, im *decimal.Number }

func (d decimalPair) String() string {
	if d.re.IsZero() && d.im.IsZero() {
		return ""
	}
	return d.re.String() + "," + d.im.String()
}
func (d decimalPair) Type() string { return "RE,IM" }
func (d decimalPair) Set(v string) error {
	rs, is, ok := strings.Cut(v, ",")
	if !ok {
		return fmt.Errorf("want RE,IM, e.g. -0.75,0.1")
	}
	re, err := decimal.Parse(strings.TrimSpace(rs))
	if err != nil {
		return err
	}
	im, err := decimal.Parse(strings.TrimSpace(is))
	if err != nil {
		return err
	}
	*d.re, *d.im = re, im
	return nil
}

// Memory is a memory size flag setting *p to bytes, at least 1 MiB: a
// number with an optional unit, binary (K, M, G, T, KiB, MiB, GiB, TiB) or
// decimal (KB, MB, GB, TB): 512MiB, 2G, 1.5GiB. While *p is 0 it shows no
// default, for the command's to apply.
func Memory(p *float64) pflag.Value { return memoryValue{p} }

type memoryValue struct{ p *float64 }

func (m memoryValue) String() string {
	if *m.p == 0 {
		return ""
	}
	return sysmem.HumanBytes(*m.p)
}

func (m memoryValue) Type() string { return "size" }

func (m memoryValue) Set(s string) error {
	num := strings.TrimRightFunc(s, func(r rune) bool { return r >= 'A' && r <= 'z' })
	unit := strings.TrimSpace(s[len(num):])
	mult, ok := memoryUnits[strings.ToLower(unit)]
	if strings.TrimSpace(num) == "" {
		return errors.New("not a size (e.g. 512MiB, 2GiB)")
	}
	if !ok {
		return fmt.Errorf("unknown unit %q (use B, KiB, MiB, GiB, TiB, or KB, MB, GB, TB)", unit)
	}
	f, err := parseFinite(strings.TrimSpace(num))
	if err != nil {
		return errors.New("not a size (e.g. 512MiB, 2GiB)")
	}
	if f*mult < 1<<20 {
		return errors.New("must be at least 1 MiB")
	}
	*m.p = f * mult
	return nil
}

var memoryUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
}

// IntOrAuto is Int that also takes the word "auto", which sets *auto and
// leaves *p alone, for a value the command derives (--maxiter auto).
func IntOrAuto(p *int, auto *bool, def, lo, hi int) pflag.Value {
	*p = def
	return &intOrAuto{intValue{p, lo, hi}, auto}
}

type intOrAuto struct {
	intValue
	auto *bool
}

func (v *intOrAuto) String() string {
	if *v.auto {
		return "auto"
	}
	return v.intValue.String()
}
func (v *intOrAuto) Set(s string) error {
	if s == "auto" {
		*v.auto = true
		return nil
	}
	if err := v.intValue.Set(s); err != nil {
		if err.Error() == "not a decimal integer" {
			return errors.New("not a decimal integer or auto")
		}
		return err
	}
	*v.auto = false
	return nil
}
