package decimal

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	for _, c := range []struct{ in, canon string }{
		{"0", "0"},
		{"-0", "-0"},
		{"+0.000", "0"},
		{"1", "1"},
		{"+1.", "1"},
		{".5", "0.5"},
		{"-0.75", "-0.75"},
		{"0.0020", "0.002"},
		{"00012.3400", "12.34"},
		{"1e-10", "1e-10"},
		{"1E+6", "1e+06"},
		{"123456", "123456"},
		{"1234567", "1.234567e+06"},
		{"0.0001", "0.0001"},
		{"0.00001", "1e-05"},
		{"1e-1000", "1e-1000"},
		{"2.5e-1000", "2.5e-1000"},
		{"-0.743643887037158704752191506114774", "-0.743643887037158704752191506114774"},
		{"100e-2", "1"},
		{"1e100000", "1e+100000"},
	} {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := n.String(); got != c.canon {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.canon)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	const want = " (want sign, digits, point, fraction, exponent, e.g. -0.75 or 1e-300)"
	for _, c := range []struct{ in, err string }{
		{"", `"" is not a decimal number` + want},
		{"0x10", `"0x10" is not a decimal number` + want},
		{"0x1p-2", `"0x1p-2" is not a decimal number` + want},
		{"1_000", `"1_000" is not a decimal number` + want},
		{"1_0", `"1_0" is not a decimal number` + want},
		{" 1", `" 1" is not a decimal number` + want},
		{"1 ", `"1 " is not a decimal number` + want},
		{".", `"." is not a decimal number` + want},
		{"-", `"-" is not a decimal number` + want},
		{"1e", `"1e" is not a decimal number` + want},
		{"1e+", `"1e+" is not a decimal number` + want},
		{"e5", `"e5" is not a decimal number` + want},
		{"--1", `"--1" is not a decimal number` + want},
		{"1.2.3", `"1.2.3" is not a decimal number` + want},
		{"wide", `"wide" is not a decimal number` + want},
		{"Inf", `"Inf" is not a finite number`},
		{"+Inf", `"+Inf" is not a finite number`},
		{"-infinity", `"-infinity" is not a finite number`},
		{"NaN", `"NaN" is not a finite number`},
		{"1e100001", `"1e100001" is out of range: the exponent must be within -100000..100000`},
		{"1e-999999999999999", `"1e-999999999999999" is out of range: the exponent must be within -100000..100000`},
	} {
		_, err := Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q) accepted", c.in)
			continue
		}
		if err.Error() != c.err {
			t.Errorf("Parse(%q): %q\n want %q", c.in, err, c.err)
		}
	}
	if _, err := Parse("0x10"); !errors.Is(err, ErrSyntax) {
		t.Errorf("Parse(0x10) does not wrap ErrSyntax: %v", err)
	}
}

// TestStringIsFormatFloat: for any float64, the canonical form of its
// shortest decimal is strconv's, so views that float64 holds keep the text
// they always had.
func TestStringIsFormatFloat(t *testing.T) {
	xs := []float64{0, 1, -0.75, 0.1, 3.5, 1e-10, 1e6, 999999, 123456.5, 1e21, 5e-324, math.MaxFloat64, -0.743643887037151, 0.00012, 1e-5}
	for i := 0; i < 2000; i++ {
		xs = append(xs, math.Float64frombits(uint64(i)*0x9E3779B97F4A7C15))
	}
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		want := strconv.FormatFloat(x, 'g', -1, 64)
		n, err := Parse(want)
		if err != nil {
			t.Fatalf("Parse(%q): %v", want, err)
		}
		if got := n.String(); got != want {
			t.Errorf("%q reads back as %q", want, got)
		}
		if got := n.Float64(); got != x {
			t.Errorf("%q.Float64() = %v", want, got)
		}
		if !n.Exact() {
			t.Errorf("%q is not Exact", want)
		}
	}
}

func TestBigAndFloat64(t *testing.T) {
	n, _ := Parse("1e-1000")
	if n.Float64() != 0 {
		t.Errorf("1e-1000 as float64 = %v, want 0", n.Float64())
	}
	if n.Exact() {
		t.Error("1e-1000 claims a float64 holds it")
	}
	b := n.Big(64)
	if b.Sign() <= 0 || b.MantExp(nil) != -3321 {
		t.Errorf("1e-1000 as big.Float: %v (exponent %d)", b, b.MantExp(nil))
	}
	long, _ := Parse("0.1000000000000000000000000000001")
	if long.Exact() {
		t.Error("31 digits claim a float64 holds them")
	}
	want, _, _ := big.ParseFloat("0.1000000000000000000000000000001", 10, 200, big.ToNearestEven)
	if long.Big(200).Cmp(want) != 0 {
		t.Errorf("Big(200) = %v, want %v", long.Big(200), want)
	}
	if n, _ := Parse("1e400"); !math.IsInf(n.Float64(), 1) {
		t.Errorf("1e400 as float64 = %v", n.Float64())
	}
}

func TestCmp(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1", "1.0", 0}, {"0.1", "1e-1", 0}, {"1e-1000", "0", 1}, {"-1e-1000", "0", -1},
		{"1.5", "1.49999999999999999999", 1}, {"-2", "-1", -1}, {"10", "9.99", 1}, {"0", "-0", 0},
	} {
		a, _ := Parse(c.a)
		b, _ := Parse(c.b)
		if got := a.Cmp(b); got != c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
