// Package deep renders views deeper than float64 resolves, by perturbation:
// one reference orbit Z_m of the view's centre C in arbitrary precision,
// and for each pixel c = C + dc the difference z_n from it, in float64
// while it is large enough and with an extended exponent below that:
//
//	z_{n+1} = 2 Z_m z_n + z_n^2 + dc,  and m = m + 1
//
// Rebasing (Zhuoran, 2021) replaces glitch detection: when the pixel's
// orbit Z_m + z_n comes nearer 0 than z_n is (without BLA where the
// reference ends early, a quarter as near: rebaseFactor), or the reference ends (escapes, or reaches
// maxiter), the pixel continues from z = Z_m + z_n with m = 0, so one
// reference serves every pixel. Bivariate linear
// approximation (BLA) skips runs of iterations while z_n is small enough
// that z_n^2 is below float64's resolution next to 2 Z_m z_n: then
// l steps from m are z_{m+l} = A z_m + B dc, and a table merged level by
// level gives the A, B and the radius of validity of every run of 2^j
// steps.
//
// The package knows no views or pixels' places: package render maps a
// view to a centre and a pixel spacing and calls Plan.Row.
package deep

import (
	"context"
	"fmt"
	"math/big"
)

// Reference is the orbit of the centre C, rounded to float64: Z_0 = 0,
// ..., Z_M, where M is the first m with |Z_m|^2 > escape2, or the first
// m >= 1 where a Newton step towards a nucleus of period m,
// |Z_m / (dZ_m/dC)|, is shorter than the pixel spacing, or maxIter.
type Reference struct {
	Zr, Zi []float64
	// Escaped says whether the orbit escaped at M; Ended whether it ended
	// where Newton's step |Z_M / Z_M'| fell under the pixel spacing: at
	// the nucleus of a minibrot of period M within about a pixel of C, or
	// where every pixel's orbit has left the reference's by about |Z_M|
	// (as at a Misiurewicz point such as c = i, whose Z' grows without Z
	// shrinking). Neither means it reached maxIter.
	Escaped, Ended bool
	// Prec is the precision it was computed with, in bits.
	Prec uint
}

// OrbitBytes is the memory, per iteration, that a reference orbit takes
// in a Plan at its peak: its float64s (twice, while append doubles them),
// and the loop's copy of them with the BLA gates.
const OrbitBytes = 2*16 + 24

// M is the last index of the orbit.
func (r *Reference) M() int { return len(r.Zr) - 1 }

// refCheckIters is how many iterations the reference does between looks
// at its context: at 30,000 bits a multiplication takes tens of
// microseconds, so 64 iterations stay well under the 50 ms a render may
// take to stop.
const refCheckIters = 64

// NewReference iterates z = z^2 + C from 0 at prec bits until |z|^2
// exceeds escape2, C is within spacing of a nucleus of period n by
// Newton's estimate |Z_n / (dZ_n/dC)|, or maxIter iterations are done.
// It stops with ctx's error when ctx is cancelled.
//
// Ending there loses nothing: a pixel rebases at the end of the
// reference, which is exact wherever it happens, and by then each pixel's
// delta is about as large as Z itself, so the reference has nothing more
// to tell it. A pixel near a nucleus then rebases once a period, which
// makes its orbit's repetition visible to periodicity checking; and the
// serial reference and its BLA table stay short (277 iterations at
// c = i and 1e-100, not maxiter).
func NewReference(ctx context.Context, cr, ci *big.Float, maxIter int, escape2 float64, prec uint, spacing float64, spacingExp int) (*Reference, error) {
	near := newFx(spacing, spacingExp)
	dz := cx{} // dZ_n/dC, which grows past float64's range
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	x, y := newF(), newF()
	xx, yy, xy := newF(), newF(), newF()
	c0, c1 := newF().Set(cr), newF().Set(ci)
	// The orbit's float64s are the only thing kept; reserve the common
	// case's length at once (a bounded orbit runs to maxIter).
	r := &Reference{Zr: make([]float64, 0, min(maxIter+1, 1<<16)), Zi: make([]float64, 0, min(maxIter+1, 1<<16)), Prec: prec}
	for n := 0; ; n++ {
		zr, _ := x.Float64()
		zi, _ := y.Float64()
		r.Zr = append(r.Zr, zr)
		r.Zi = append(r.Zi, zi)
		if float64(zr*zr)+float64(zi*zi) > escape2 {
			r.Escaped = true
			return r, nil
		}
		if n == maxIter {
			return r, nil
		}
		if n > 0 && newCx(zr, zi, 0).abs().less(near.mul(dz.abs())) {
			r.Ended = true
			return r, nil
		}
		// dZ_{n+1} = 2 Z_n dZ_n + 1, from the float64 Z_n: an estimate is
		// all the test above needs.
		dz = newCx(2*zr, 2*zi, 0).mul(dz).add(newCx(1, 0, 0))
		if n%refCheckIters == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("reference orbit: %w", err)
			}
		}
		// z^2 + C with two multiplications: (x+y)(x-y) costs one, and at
		// thousands of bits the multiplications are the whole cost.
		xx.Add(x, y)
		yy.Sub(x, y)
		xy.Mul(x, y)
		x.Mul(xx, yy)
		x.Add(x, c0)
		y.Add(xy, xy)
		y.Add(y, c1)
	}
}
