// Package decimal reads every non-integer number of the command line in one
// grammar, and keeps it exact: a view at scale 1e-1000 must not become 0 on
// its way to the renderer, as it would through a float64.
//
// The grammar is
//
//	number   = [sign] mantissa [exponent]
//	sign     = "+" | "-"
//	mantissa = digits ["." [digits]] | "." digits
//	exponent = ("e" | "E") [sign] digits
//	digits   = "0"..."9" {"0"..."9"}
//
// and nothing else: no hexadecimal, no underscores, no Inf or NaN, no
// spaces. strconv.ParseFloat and big.Float.SetString accept all of those,
// which is why a library parser alone is not the grammar.
package decimal

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// MaxExponent bounds the decimal exponent of a number, so that a typo such
// as 1e-999999999 is refused rather than asking for a billion bits.
const MaxExponent = 100000

// Number is a decimal number, exactly as written: value =
// (-1)^neg x 0.digits x 10^point. The zero Number is 0.
type Number struct {
	neg bool
	// digits has neither leading nor trailing zeros; it is empty for 0.
	digits string
	point  int
}

// Grammar is the grammar in words, for messages and help.
const Grammar = "a decimal number: sign, digits, point, fraction, exponent, e.g. -0.75 or 1e-300"

// ErrSyntax is wrapped by Parse's error for a string outside the grammar.
var ErrSyntax = errors.New("not a decimal number")

// Parse reads s in the package's grammar. Its errors are one line: for
// Inf and NaN they say "not a finite number", for anything else outside the
// grammar they wrap ErrSyntax and repeat the grammar.
func Parse(s string) (Number, error) {
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case "inf", "infinity", "nan":
		return Number{}, fmt.Errorf("%q is not a finite number", s)
	}
	bad := func() (Number, error) {
		return Number{}, fmt.Errorf("%q is %w (want %s)", s, ErrSyntax, strings.TrimPrefix(Grammar, "a decimal number: "))
	}
	var n Number
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		n.neg = s[i] == '-'
		i++
	}
	var mant []byte
	intDigits, fracDigits := 0, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		mant = append(mant, s[i])
		intDigits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isDigit(s[i]); i++ {
			mant = append(mant, s[i])
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
		return bad()
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for ; i < len(s) && isDigit(s[i]); i++ {
			if exp <= 10*MaxExponent { // stop growing; the check below refuses it
				exp = 10*exp + int(s[i]-'0')
			}
		}
		if i == start {
			return bad()
		}
		if exp > 10*MaxExponent {
			exp = 10*MaxExponent + 1
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return bad()
	}
	// Strip leading zeros (each moves the point) and trailing ones.
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	trail := len(mant)
	for trail > lead && mant[trail-1] == '0' {
		trail--
	}
	if lead == trail {
		return Number{neg: n.neg}, nil
	}
	n.digits = string(mant[lead:trail])
	n.point = intDigits - lead + exp
	if e := n.point - 1; e > MaxExponent || e < -MaxExponent {
		return Number{}, fmt.Errorf("%q is out of range: the exponent must be within -%d..%d", s, MaxExponent, MaxExponent)
	}
	return n, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// FromFloat64 returns x's shortest decimal form, the one strconv writes.
// x must be finite.
func FromFloat64(x float64) Number {
	n, err := Parse(strconv.FormatFloat(x, 'g', -1, 64))
	if err != nil {
		panic(fmt.Sprintf("decimal: FromFloat64(%v): %v", x, err))
	}
	return n
}

// Sign returns -1, 0 or +1.
func (n Number) Sign() int {
	switch {
	case n.digits == "":
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// IsZero reports whether n is 0 (or -0).
func (n Number) IsZero() bool { return n.digits == "" }

// Neg returns -n.
func (n Number) Neg() Number {
	n.neg = !n.neg
	return n
}

// Exponent returns e such that 10^(e-1) <= |n| < 10^e; 0 for 0.
func (n Number) Exponent() int { return n.point }

// String returns n in the form strconv.FormatFloat(x, 'g', -1, 64) gives
// a float64 with the same digits: so a number that a float64 holds exactly
// in its shortest form reads as it always has ("0.002", "1e-10"), and a
// longer one keeps every digit. Equal numbers give equal strings, whatever
// the input's zeros, point and exponent.
func (n Number) String() string {
	if n.digits == "" {
		if n.neg {
			return "-0"
		}
		return "0"
	}
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	d, nd, dp := n.digits, len(n.digits), n.point
	if exp := dp - 1; exp < -4 || exp >= 6 {
		b.WriteByte(d[0])
		if nd > 1 {
			b.WriteByte('.')
			b.WriteString(d[1:])
		}
		b.WriteByte('e')
		if exp < 0 {
			b.WriteByte('-')
			exp = -exp
		} else {
			b.WriteByte('+')
		}
		if exp < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(exp))
		return b.String()
	}
	switch {
	case dp <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -dp))
		b.WriteString(d)
	case dp >= nd:
		b.WriteString(d)
		b.WriteString(strings.Repeat("0", dp-nd))
	default:
		b.WriteString(d[:dp])
		b.WriteByte('.')
		b.WriteString(d[dp:])
	}
	return b.String()
}

// Float64 returns the float64 nearest n: 0 (with n's sign) below the
// smallest subnormal, an infinity past the largest float64.
func (n Number) Float64() float64 {
	x, err := strconv.ParseFloat(n.String(), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		panic(fmt.Sprintf("decimal: %s: %v", n, err)) // String is always in strconv's grammar
	}
	return x
}

// Big returns n rounded to the nearest big.Float of prec bits.
func (n Number) Big(prec uint) *big.Float {
	x, _, err := big.ParseFloat(n.String(), 10, prec, big.ToNearestEven)
	if err != nil {
		panic(fmt.Sprintf("decimal: %s: %v", n, err))
	}
	return x
}

// Exact reports whether n.Float64() is n exactly or n's shortest form:
// whether a float64 carries n without losing a digit as written.
func (n Number) Exact() bool {
	x := n.Float64()
	return !math.IsInf(x, 0) && (x != 0 || n.IsZero()) && FromFloat64(x).String() == n.String()
}

// Cmp compares n and m: -1, 0 or +1.
func (n Number) Cmp(m Number) int {
	if n.Sign() != m.Sign() {
		if n.Sign() < m.Sign() {
			return -1
		}
		return 1
	}
	if n.Sign() == 0 {
		return 0
	}
	c := cmpAbs(n, m)
	if n.neg {
		return -c
	}
	return c
}

func cmpAbs(n, m Number) int {
	if n.point != m.point {
		if n.point < m.point {
			return -1
		}
		return 1
	}
	// Same magnitude: compare digit strings padded with zeros.
	for i := 0; i < max(len(n.digits), len(m.digits)); i++ {
		a, b := byte('0'), byte('0')
		if i < len(n.digits) {
			a = n.digits[i]
		}
		if i < len(m.digits) {
			b = m.digits[i]
		}
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Log10 returns log10|n|, to float64's precision whatever the exponent;
// -Inf for 0.
func (n Number) Log10() float64 {
	if n.digits == "" {
		return math.Inf(-1)
	}
	d := n.digits
	if len(d) > 17 {
		d = d[:17]
	}
	m, _ := strconv.ParseFloat("0."+d, 64)
	return float64(n.point) + math.Log10(m)
}
