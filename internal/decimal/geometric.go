package decimal

import (
	"fmt"
	"math"
	"math/big"
)

// Geometric returns n numbers from a to b, geometric: a (b/a)^(k/(n-1)),
// as mandel zoom's scales.
// The first is a and the last b, as given; the others are rounded to 10
// significant digits. They are computed in big.Float, whose arithmetic is
// the same on every CPU (math.Pow's last bits are not), so that a zoom
// makes the same frames everywhere. a and b must be positive.
func Geometric(a, b Number, n int) []Number {
	if n == 1 {
		return []Number{b}
	}
	const prec = 256
	q := new(big.Float).SetPrec(prec).Quo(b.Big(prec), a.Big(prec))
	r := nthRoot(q, n-1, prec)
	scales := make([]Number, n)
	s := a.Big(prec)
	for k := range scales {
		switch k {
		case 0:
			scales[k] = a
		case n - 1:
			scales[k] = b
		default:
			s.Mul(s, r)
			d, err := Parse(s.Text('e', 9))
			if err != nil {
				panic(fmt.Sprintf("decimal: geometric %s: %v", s.Text('e', 9), err)) // Text's e form is the grammar's
			}
			scales[k] = d
		}
	}
	return scales
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
