package render

import (
	"math"
	"sync/atomic"
)

// This file holds the shortcuts, ways to know that a sample is in the set
// without iterating it maxIter times. They are exact in the sense that
// matters for pictures: a sample they declare inside is one that Scalar
// iterates maxIter times and leaves with |z|^2 <= escape2, so Frame.Inside
// is the same with and without them and so is every painted pixel.

// shortcutMargin is how far inside the main cardioid and the period-2 bulb,
// measured on the multiplier of their attracting cycle, a point must be for
// the shortcut to take it.
//
// Why the multiplier: the main cardioid is the set of c whose fixed point
// z* = (1 - sqrt(1-4c))/2 attracts, that is whose multiplier
// mu = 2z* = 1 - sqrt(1-4c) has |mu| < 1; the period-2 bulb is the set
// whose 2-cycle attracts, with multiplier mu = 4(c+1). Scalar iterates in
// float64, each step off the exact map by a few ulps (about 1e-16). Near an
// attracting cycle the orbit is pulled back by a factor |mu| each period, so
// these errors add up to no more than about 1e-16 / (1 - |mu|): with
// |mu| <= 1 - 1e-3 that is 1e-13, ten orders of magnitude below the size
// of the region around the cycle where it attracts (of the order of
// 1 - |mu| itself), and the float orbit stays at the cycle for ever. (This
// is an argument, not a proof: it does not bound the errors of the orbit's
// way to the cycle. TestMainComponentsMargin and TestMainComponentsGrid
// check the promise on rings of multipliers at the margin and on fine grids
// across the boundaries, to 100000 iterations.) On the
// boundary, |mu| = 1, nothing pulls the orbit back and rounding may push it
// either way, so the boundary itself, and the cusp at c = 1/4 where the
// cardioid's standard test admits points with |mu| arbitrarily close to 1,
// are left to the kernel. The margin costs nothing visible: the band of
// points it gives up is 1e-3 wide in |mu|, at most 1e-3 in c (2.5e-4 for
// the bulb), a third of a pixel in the full view at 1024x1024; and those
// points are still iterated, with periodicity checking under Scalar.
//
// The tests themselves are computed in float64 with errors of a few ulps
// of quantities near 1, again twelve orders of magnitude below the margin,
// so the computed test never admits a point with |mu| above 1 - 0.9e-3.
//
// Why the orbit never leaves |z| <= 2 either: a point whose orbit is bounded
// stays within R = (1 + sqrt(1 + 4|c|))/2, since |z| > R gives
// |z^2 + c| >= |z|^2 - |c| > |z|, and from there the orbit grows for ever.
// In the cardioid |c| <= 3/4, so R <= 1.5; in the bulb |c| <= 5/4, so
// R <= 1.73. Both are below 2, the smallest escape radius a View allows, so
// Scalar's final |z|^2 is within escape2 and Frame.Inside holds.
const shortcutMargin = 1e-3

// Squared bounds on the multipliers, with the margin.
const (
	cardioidMu2 = (1 - shortcutMargin) * (1 - shortcutMargin)
	// bulbRadius2 bounds |c+1|^2: |4(c+1)| <= 1 - margin.
	bulbRadius2 = (1 - shortcutMargin) * (1 - shortcutMargin) / 16
	// cardioidHeight bounds |Im c| in the cardioid: 3*sqrt(3)/8 = 0.6495.
	cardioidHeight = 0.65
)

// rowMayShortcut reports whether any point of the row at imaginary part ci
// can be in the cardioid or the bulb, so that rows far from the real axis
// skip the per-sample test.
func rowMayShortcut(ci float64) bool { return math.Abs(ci) <= cardioidHeight }

// inMainComponents reports whether c = x + yi lies, by shortcutMargin,
// inside the main cardioid or the period-2 bulb (see shortcutMargin for why
// a point it accepts is one Scalar never lets escape).
//
// Like the kernel, it must not depend on GOAMD64, or a sample at the margin
// could be taken by one build and iterated by another, giving different
// frames (though the same images): the conversions forbid fusing a multiply
// into the add after it; the other products are not followed by an add, or
// are by powers of two, exact either way.
func inMainComponents(x, y float64) bool {
	// The period-2 bulb: |4(c+1)| <= 1 - margin.
	if d := x + 1; float64(d*d)+float64(y*y) <= bulbRadius2 {
		return true
	}
	if x < -0.75 || x > 0.375 || y > cardioidHeight || y < -cardioidHeight {
		return false
	}
	// The standard cardioid test, exact in real arithmetic, rejects most
	// points outside cheaply. Rejecting is always safe; a point it accepts
	// wrongly by rounding is caught by the multiplier test below.
	xq := x - 0.25
	y2 := y * y
	q := float64(xq*xq) + y2
	if q*(q+xq) > 0.25*y2 {
		return false
	}
	// |mu|^2 with mu = 1 - w, w = sqrt(a), a = 1 - 4c, Re w >= 0:
	// |mu|^2 = 1 - 2 Re w + |a|. Re w comes from the formula without
	// cancellation for either sign of Re a (as in a careful complex sqrt).
	ar, ai := 1-4*x, -4*y
	abs := portableHypot(ar, ai) // math.Hypot's amd64 bits everywhere: see portable.go
	var re float64
	if ar >= 0 {
		re = math.Sqrt((abs + ar) / 2)
	} else if ai != 0 {
		re = math.Abs(ai) / (2 * math.Sqrt((abs-ar)/2))
	}
	return 1-2*re+abs <= cardioidMu2
}

// scalarPeriodic is Scalar with periodicity checking: it stops iterating a
// point once its orbit repeats exactly, and then gives the very counts and
// |z|^2 that Scalar gives, bit for bit. It returns the iterations it did,
// which for points it stops early is fewer than the sum of iter.
//
// Why a repeat is exact: for a fixed c, one step of Scalar's loop, the
// escape test included, is a function of the value of z alone (no other
// state is carried from one iteration to the next; the count n only decides
// when to stop). Values, not bits: a signed zero changes at most the sign of
// a zero zi, which the next step squares or multiplies into a sum with ci,
// so equal values give equal successors. NaN never arises, since |z|^2 is
// bounded by escape2 before every step. So if z_m == z_k for some k < m, the
// orbit from k on is z_k, ..., z_{m-1} over and over with period p = m - k:
// every one of them passed the escape test, so Scalar runs to maxIter, and
// its final z is z_{k + (maxIter-k) mod p}, which this kernel computes by
// iterating on from z_k.
//
// The saved z follows Brent's scheme: z_k is saved at k = 0, 1, 2, 4, 8, ...
// and each later z compared with it, which finds any cycle once the saved
// index is past the orbit's pre-period and the interval is at least the
// period, within about twice the iterations the cycle needs to appear, at
// the cost of one comparison per iteration.
func scalarPeriodic(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) (work int64) {
	iter = iter[:len(cr)]
	mag2 = mag2[:len(cr)]
	for x, c := range cr {
		if stop != nil && stop.Load() {
			return work
		}
		var zr, zi float64
		n, did := 0, -1 // did: iterations done, when not n
	point:
		for next := 1; n < maxIter; next *= 2 {
			sr, si, k := zr, zi, n // z_k
			for end := min(next, maxIter); n < end; {
				// Chunks, as in Scalar, so that a deep pixel looks at stop.
				for chunk := min(end, n+stopCheckIters); n < chunk; n++ {
					if norm2(zr, zi) > escape2 {
						break point
					}
					zr, zi = step(zr, zi, c, ci)
					if zr == sr && zi == si { // z_{n+1} == z_k
						p := n + 1 - k
						r := (maxIter - k) % p
						zr, zi = sr, si
						for range r {
							zr, zi = step(zr, zi, c, ci)
						}
						did, n = n+1+r, maxIter
						break point
					}
				}
				if n < maxIter && stop != nil && stop.Load() {
					return work
				}
			}
		}
		if did < 0 {
			did = n
		}
		iter[x] = uint32(n)
		mag2[x] = norm2(zr, zi)
		work += int64(did)
	}
	return work
}
