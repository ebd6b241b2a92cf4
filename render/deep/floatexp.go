package deep

import "math"

// The extended-exponent numbers: a float64 mantissa with its own int
// exponent, for the quantities that leave float64's range at deep zooms
// (pixel spacings below 1e-308, BLA coefficients past 1e308). Every product
// is rounded to float64 before it is added (the float64 conversions),
// so that no build fuses a multiply-add and the results are the same bits
// on every CPU, as the determinism contract asks.

// fx is m x 2^e, with 0.5 <= |m| < 1, or m == 0 (and e == 0).
type fx struct {
	m float64
	e int
}

func newFx(m float64, e int) fx {
	if m == 0 || math.IsNaN(m) {
		return fx{}
	}
	f, x := math.Frexp(m)
	return fx{f, e + x}
}

func (a fx) mul(b fx) fx { return newFx(float64(a.m*b.m), a.e+b.e) }

func (a fx) div(b fx) fx { return newFx(a.m/b.m, a.e-b.e) }

// sub is a - b, exact where the exponents are close and a's where b is
// negligible.
func (a fx) sub(b fx) fx {
	switch {
	case b.m == 0:
		return a
	case a.m == 0:
		return fx{-b.m, b.e}
	case a.e >= b.e:
		return newFx(a.m-math.Ldexp(b.m, b.e-a.e), a.e)
	default:
		return newFx(math.Ldexp(a.m, a.e-b.e)-b.m, b.e)
	}
}

// less reports a < b for non-negative a and b.
func (a fx) less(b fx) bool {
	switch {
	case a.m == 0:
		return b.m > 0
	case b.m == 0:
		return false
	case a.e != b.e:
		return a.e < b.e
	}
	return a.m < b.m
}

// float64 returns a as a float64: 0 below the subnormals, an infinity
// past the largest float64.
func (a fx) float64() float64 { return math.Ldexp(a.m, a.e) }

// cx is (re + im i) x 2^e, with max(|re|, |im|) in [0.5, 1), or zero.
type cx struct {
	re, im float64
	e      int
}

func newCx(re, im float64, e int) cx {
	big := math.Max(math.Abs(re), math.Abs(im))
	if big == 0 || math.IsNaN(big) {
		return cx{}
	}
	_, x := math.Frexp(big)
	return cx{math.Ldexp(re, -x), math.Ldexp(im, -x), e + x}
}

// norm returns a normalized: the same number, with max(|re|, |im|) in
// [0.5, 1).
func (a cx) norm() cx { return newCx(a.re, a.im, a.e) }

func (a cx) mul(b cx) cx {
	return newCx(float64(a.re*b.re)-float64(a.im*b.im), float64(a.re*b.im)+float64(a.im*b.re), a.e+b.e)
}

func (a cx) add(b cx) cx {
	switch {
	case a.re == 0 && a.im == 0:
		return b
	case b.re == 0 && b.im == 0:
		return a
	}
	e := max(a.e, b.e)
	sa, sb := a.e-e, b.e-e
	return newCx(math.Ldexp(a.re, sa)+math.Ldexp(b.re, sb), math.Ldexp(a.im, sa)+math.Ldexp(b.im, sb), e)
}

// abs is |a|.
func (a cx) abs() fx {
	return newFx(math.Sqrt(float64(a.re*a.re)+float64(a.im*a.im)), a.e)
}
