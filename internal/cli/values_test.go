package cli

import (
	"github.com/mandel-project/mandel/internal/decimal"
	"math"
	"strings"
	"testing"
)

// TestIntIsDecimal: pflag's int flags read 010 as 8 and 0b11 as 3.
func TestIntIsDecimal(t *testing.T) {
	var n int
	v := Int(&n, 7, 0, math.MaxInt)
	if n != 7 || v.String() != "7" {
		t.Errorf("default: %d, %q; want 7", n, v.String())
	}
	if err := v.Set("010"); err != nil || n != 10 {
		t.Errorf("010: %d, %v; want 10", n, err)
	}
	for _, s := range []string{"0b11", "0o17", "0x10", "1_000", "1e3", "ten", ""} {
		if err := v.Set(s); err == nil || err.Error() != "not a decimal integer" {
			t.Errorf("%q: error %v, want not a decimal integer", s, err)
		}
	}
	var u uint64
	w := Uint64(&u)
	if err := w.Set("010"); err != nil || u != 10 {
		t.Errorf("uint 010: %d, %v; want 10", u, err)
	}
	for _, s := range []string{"0b11", "0o17", "0x10", "1_000"} {
		if err := w.Set(s); err == nil || err.Error() != "not a decimal integer" {
			t.Errorf("uint %q: error %v, want not a decimal integer", s, err)
		}
	}
}

// TestIntRange: a number past an int's range is too large or too small,
// naming the flag's limit; one inside an int's but outside the flag's gives
// the flag's range, worded by its kind.
func TestIntRange(t *testing.T) {
	for _, tc := range []struct {
		lo, hi int
		in     string
		want   string
	}{
		{1, 1 << 30, "9223372036854775808", "too large, the maximum is 1073741824"},
		{1, 1 << 30, "99999999999999999999999", "too large, the maximum is 1073741824"},
		{1, 1 << 30, "-9223372036854775809", "too small, the minimum is 1"},
		{1, math.MaxInt, "9223372036854775808", "too large, the maximum is 9223372036854775807"},
		{1, 1 << 30, "1073741825", "must be in 1..1073741824, got 1073741825"},
		{1, 64, "0", "must be in 1..64, got 0"},
		{1, 1 << 30, "0", "must be positive, got 0"},
		{1, 1 << 30, "-3", "must be positive, got -3"},
		{1, math.MaxInt, "0", "must be at least 1, got 0"},
		{0, math.MaxInt, "-1", "must not be negative, got -1"},
		{0, 16, "-1", "must not be negative, got -1"},
		{0, 16, "17", "must be in 0..16, got 17"},
	} {
		var n int
		err := Int(&n, 0, tc.lo, tc.hi).Set(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%d..%d: Set(%s): %v, want %q", tc.lo, tc.hi, tc.in, err, tc.want)
		}
	}
	var u uint64
	for in, want := range map[string]string{
		"18446744073709551616": "too large, the maximum is 18446744073709551615",
		"-1":                   "must not be negative",
	} {
		if err := Uint64(&u).Set(in); err == nil || err.Error() != want {
			t.Errorf("uint Set(%s): %v, want %q", in, err, want)
		}
	}
}

// TestSizeNamesTheSide: a size says which side is not positive, and reads
// leading zeros as decimal like every other number.
func TestSizeNamesTheSide(t *testing.T) {
	for _, tc := range []struct {
		v    string
		w, h int
		err  string
	}{
		{v: "0x40", err: "width must be positive, got 0"},
		{v: "40x0", err: "height must be positive, got 0"},
		{v: "-5", err: "width must be positive, got -5"},
		{v: "3x-2", err: "height must be positive, got -2"},
		{v: "0", err: "width must be positive, got 0"},
		{v: "064", w: 64, h: 64},
		{v: "08X010", w: 8, h: 10},
	} {
		t.Run(tc.v, func(t *testing.T) {
			var w, h int
			err := Size(&w, &h).Set(tc.v)
			switch {
			case tc.err == "" && (err != nil || w != tc.w || h != tc.h):
				t.Errorf("%dx%d, %v; want %dx%d", w, h, err, tc.w, tc.h)
			case tc.err != "" && (err == nil || err.Error() != tc.err):
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}

// TestComplexAndFinite: NaN and infinities are refused, and so is what a
// Finite's test refuses, saying what it wants.
func TestComplexAndFinite(t *testing.T) {
	var c complex128
	cv := Complex(&c)
	if cv.String() != "" {
		t.Errorf("unset complex shows %q, want no default", cv.String())
	}
	if err := cv.Set("-0.75, 0.1"); err != nil || c != complex(-0.75, 0.1) || cv.String() != "-0.75,0.1" {
		t.Errorf("Set(-0.75, 0.1): %v, %v (%s)", c, err, cv.String())
	}
	for in, want := range map[string]string{
		"1":        "want RE,IM",
		"NaN,0":    `"NaN" is not a finite number`,
		"0,-Inf":   `"-Inf" is not a finite number`,
		"0,x":      `"x" is not a decimal number`,
		"1,2,3":    `"2,3" is not a decimal number`,
		"1e999,0":  `"1e999" is too large for a float64`,
		"0x1p-2,0": `"0x1p-2" is not a decimal number`,
		"1_000,0":  `"1_000" is not a decimal number`,
	} {
		if err := cv.Set(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("complex Set(%q): %v, want %q", in, err, want)
		}
	}
	var f float64
	fv := Finite(&f, "positive", func(x float64) bool { return x > 0 })
	if err := fv.Set("2.5"); err != nil || f != 2.5 {
		t.Errorf("Set(2.5): %v, %v", f, err)
	}
	for in, want := range map[string]string{"0": "must be positive, got 0", "-3": "must be positive, got -3", "1e-400": "must be positive, got 1e-400", "-0.0e5": "must be positive, got -0.0e5", "NaN": `"NaN" is not a finite number`} {
		if err := fv.Set(in); err == nil || err.Error() != want || f != 2.5 {
			t.Errorf("Set(%q): %v, %v; want %q and 2.5 kept", in, f, err, want)
		}
	}
	if err := Finite(&f, "", nil).Set("-1e300"); err != nil || f != -1e300 {
		t.Errorf("Finite without a test: Set(-1e300): %v, %v", f, err)
	}
}

// TestFloatFlagsAreDecimal: issue 18, defect 13: every float flag reads
// the one decimal grammar; hex, underscores, Inf and NaN are refused with
// one line each, and the grammar's numbers are accepted.
func TestFloatFlagsAreDecimal(t *testing.T) {
	const want = " (want sign, digits, point, fraction, exponent, e.g. -0.75 or 1e-300)"
	var f float64
	fv := Finite(&f, "", nil)
	for in, msg := range map[string]string{
		"0x10": `"0x10" is not a decimal number` + want,
		"1_0":  `"1_0" is not a decimal number` + want,
		"Inf":  `"Inf" is not a finite number`,
		"nan":  `"nan" is not a finite number`,
		"1e":   `"1e" is not a decimal number` + want,
	} {
		if err := fv.Set(in); err == nil || err.Error() != msg {
			t.Errorf("Finite Set(%q): %v\n want %q", in, err, msg)
		}
	}
	for in, x := range map[string]float64{"10": 10, "+1.5": 1.5, ".5": 0.5, "2.": 2, "1E3": 1000, "-0.25e-1": -0.025} {
		if err := fv.Set(in); err != nil || f != x {
			t.Errorf("Finite Set(%q) = %v, %v; want %v", in, f, err, x)
		}
	}
	var d decimal.Number
	dv := Decimal(&d, "positive", func(n decimal.Number) bool { return n.Sign() > 0 })
	if err := dv.Set("1e-1000"); err != nil || d.String() != "1e-1000" || dv.String() != "1e-1000" {
		t.Errorf("Decimal Set(1e-1000): %v, %v", d, err)
	}
	if err := dv.Set("-1e-1000"); err == nil || err.Error() != "must be positive, got -1e-1000" {
		t.Errorf("Decimal Set(-1e-1000): %v", err)
	}
	if err := dv.Set("1_0"); err == nil || err.Error() != `"1_0" is not a decimal number`+want {
		t.Errorf("Decimal Set(1_0): %v", err)
	}
	var re, im decimal.Number
	pv := DecimalPair(&re, &im)
	long := "-1.74999999999999999999999999999999999999999999999999999999999999999999"
	if err := pv.Set(long + ", 1e-70"); err != nil || re.String() != long || im.String() != "1e-70" {
		t.Errorf("DecimalPair: %v, %v, %v", re, im, err)
	}
	if err := pv.Set("0x1,0"); err == nil || err.Error() != `"0x1" is not a decimal number`+want {
		t.Errorf("DecimalPair Set(0x1,0): %v", err)
	}
	var m float64
	if err := Memory(&m).Set("1_000MiB"); err == nil {
		t.Errorf("Memory Set(1_000MiB) accepted: %v", m)
	}
}

func TestMemoryValue(t *testing.T) {
	for in, want := range map[string]float64{
		"512MiB": 512 << 20, "2GiB": 2 << 30, "2G": 2 << 30, "1.5gib": 1.5 * (1 << 30),
		"100MB": 100e6, "1048576": 1 << 20, "4096K": 4 << 20, "1 TiB": 1 << 40,
	} {
		var m float64
		if err := Memory(&m).Set(in); err != nil || m != want {
			t.Errorf("Set(%q): %v, %v; want %v", in, m, err, want)
		}
	}
	for _, in := range []string{"", "lots", "2GiBs", "-1GiB", "1KiB", "NaNMiB", "InfGiB", "1e400"} {
		var m float64
		if err := Memory(&m).Set(in); err == nil {
			t.Errorf("Set(%q) = %v, want an error", in, m)
		}
	}
}
