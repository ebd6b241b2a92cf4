package decimal

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Geometric returns n numbers from a to b, geometric: a (b/a)^(k/(n-1)),
// as mandel zoom's scales: Sequence's, all at once.
func Geometric(a, b Number, n int) []Number {
	seq := NewSequence(a, b, n)
	scales := make([]Number, n)
	for k := range scales {
		scales[k] = seq.At(k)
	}
	return scales
}

// Sequence is n numbers from a to b, geometric: a (b/a)^(k/(n-1)). The
// first is a and the last b, as given; the others are rounded to 10
// significant digits. They are computed in big.Float, whose arithmetic is
// the same on every CPU (math.Pow's last bits are not), so that a zoom
// makes the same frames everywhere. Each is computed on its own, in a few
// multiplications, so that a zoom of a million frames neither holds nor
// computes them all before its first frame.
type Sequence struct {
	a, b Number
	n    int
	aBig *big.Float // a, and r the ratio of one number to the next
	r    *big.Float
}

// geometricPrec is the precision of a Sequence's arithmetic.
const geometricPrec = 256

// NewSequence is the sequence of n numbers from a to b; a and b must be
// positive, n at least 1.
func NewSequence(a, b Number, n int) Sequence {
	s := Sequence{a: a, b: b, n: n}
	if n > 1 {
		s.aBig = a.Big(geometricPrec)
		q := new(big.Float).SetPrec(geometricPrec).Quo(b.Big(geometricPrec), s.aBig)
		s.r = nthRoot(q, n-1, geometricPrec)
	}
	return s
}

// Len is the number of numbers, n.
func (s Sequence) Len() int { return s.n }

// Ends are the first and the last numbers, a and b; the others lie between
// them.
func (s Sequence) Ends() (first, last Number) { return s.a, s.b }

// At is the k-th number, 0 <= k < Len().
func (s Sequence) At(k int) Number {
	switch {
	case k == s.n-1:
		return s.b
	case k == 0:
		return s.a
	}
	x := pow(s.r, k, geometricPrec)
	x.Mul(x, s.aBig)
	t := text10(x, geometricPrec)
	d, err := Parse(t)
	if err != nil {
		panic(fmt.Sprintf("decimal: geometric %s: %v", t, err)) // text10's e form is the grammar's
	}
	return d
}

// text10 is x > 0 to 10 significant digits in the grammar's e form.
// big.Float's Text converts the whole binary number to decimal, at a cost
// that grows with the exponent: 12 ms a number at 1e-10000, which made a
// zoom of a million frames spend hours before its first. Scaled into about
// [1, 10) by a power of ten first, it costs a few multiplications; the
// digits are Text's of x but where x lies within about 2^-240 of a tie at
// the tenth digit.
func text10(x *big.Float, prec uint) string {
	mant := new(big.Float)
	e2 := x.MantExp(mant) // x = mant 2^e2, mant in [0.5, 1)
	mf, _ := mant.Float64()
	// Only an estimate: Text below says the exponent of what is left.
	e10 := int(math.Floor((float64(e2) + math.Log2(mf)) * math.Log10(2)))
	m := new(big.Float).SetPrec(prec + 32).Set(x)
	if e10 != 0 {
		p := pow(new(big.Float).SetPrec(prec+32).SetInt64(10), abs(e10), prec+32)
		if e10 > 0 {
			m.Quo(m, p)
		} else {
			m.Mul(m, p)
		}
	}
	t := m.Text('e', 9) // d.ddddddddde±XX
	i := strings.LastIndexByte(t, 'e')
	rest, err := strconv.Atoi(t[i+1:])
	if err != nil {
		panic(fmt.Sprintf("decimal: %q from big.Float.Text", t))
	}
	return t[:i] + "e" + strconv.Itoa(rest+e10)
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// nthRoot is q^(1/m) for q > 0, by Newton's method from a power of two
// above the root, where the iteration falls monotonically: only
// big.Float's exactly rounded operations, so the same bits everywhere.
func nthRoot(q *big.Float, m int, prec uint) *big.Float {
	if m == 1 {
		return new(big.Float).SetPrec(prec).Set(q)
	}
	// Start a little above the root, from float64's estimate of
	// log2(q)/m split into an exponent and a fraction (q may be far
	// outside float64's range): Newton's steps then fall quadratically,
	// where from a power of two they fell by a factor 1-1/m a step. The
	// estimate only chooses the start; the big.Float steps decide the bits.
	mant := new(big.Float)
	e := q.MantExp(mant) // q = mant 2^e, mant in [0.5, 1)
	mf, _ := mant.Float64()
	y := (math.Log2(mf) + float64(e)) / float64(m)
	k := math.Floor(y)
	// SetMantExp takes its argument's precision: set prec after.
	x := new(big.Float).SetMantExp(big.NewFloat(math.Exp2(y-k)*(1+1e-6)), int(k)).SetPrec(prec)
	bm, bm1 := new(big.Float).SetInt64(int64(m)), new(big.Float).SetInt64(int64(m-1))
	next := new(big.Float).SetPrec(prec)
	for range 1_000_000 {
		// x' = ((m-1) x + q / x^(m-1)) / m
		p := pow(x, m-1, prec)
		next.Quo(q, p)
		t := new(big.Float).SetPrec(prec).Mul(bm1, x)
		next.Add(next, t)
		next.Quo(next, bm)
		if next.Cmp(x) >= 0 {
			break
		}
		// Near the root, rounding may keep the steps an ulp down for
		// ever: a step under 2^-(prec-16) of x is the end.
		step := new(big.Float).SetPrec(prec).Sub(x, next)
		x.Set(next)
		if step.MantExp(nil) < x.MantExp(nil)-int(prec-16) {
			break
		}
	}
	return x
}

// pow is x^k by squaring.
func pow(x *big.Float, k int, prec uint) *big.Float {
	r := new(big.Float).SetPrec(prec).SetInt64(1)
	b := new(big.Float).SetPrec(prec).Set(x)
	for ; k > 0; k >>= 1 {
		if k&1 == 1 {
			r.Mul(r, b)
		}
		b.Mul(b, b)
	}
	return r
}
