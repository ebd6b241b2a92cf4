package deep

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"sync/atomic"
)

// Config is what a Plan needs of an image.
type Config struct {
	// Re and Im are the centre C, the reference point, at the precision the
	// reference orbit is computed with.
	Re, Im *big.Float
	// Spacing is the distance between neighbouring samples.
	Spacing *big.Float
	// HalfWidth and HalfHeight bound a sample's offset from C, in samples:
	// half the sample grid's size.
	HalfWidth, HalfHeight float64
	MaxIter               int
	Escape2               float64
	// BLA says whether to skip iterations by bivariate linear
	// approximation.
	BLA bool
	// Periodicity says whether to stop a pixel, as inside, once its
	// state at a rebase repeats exactly (see Plan.pixel).
	Periodicity bool
}

// Prec returns the precision, in bits, that a reference orbit needs for
// samples spacing apart near a centre of magnitude up to 2: the bits that
// tell neighbouring samples apart, and 64 more, so that the reference's
// own rounding stays far below float64's next to a pixel's delta.
func Prec(spacing *big.Float) uint {
	exp := spacing.MantExp(nil)
	return uint(max(64, -exp+2+64))
}

// Plan is one image's reference orbit and BLA table, and the pixels'
// iteration. Row may be called from any number of goroutines at once.
type Plan struct {
	ref *Reference
	// orbit is the reference orbit as the pixels' loop reads it: Z_m and
	// the gate to BLA at m, together in one cache line's reach.
	orbit       []orbitPoint
	bla         *blaTable
	d           fx
	maxIter     int
	escape2     float64
	periodicity bool

	// skipped counts the iterations BLA skipped, over every Row, and
	// periodic the pixels that periodicity checking stopped and the
	// iterations that saved.
	skipped                 atomic.Int64
	periodic, periodicSaved atomic.Int64
}

// Periodic returns the pixels whose orbit was found to repeat exactly,
// so that they stopped early as inside, and the iterations that saved.
func (p *Plan) Periodic() (pixels, saved int64) {
	return p.periodic.Load(), p.periodicSaved.Load()
}

// orbitPoint is Z_m, and gate, the squared radius below which a delta at m
// can take a BLA run of 2 or more steps (0 where none starts at m): the
// float64 loop's one test for BLA, inline.
type orbitPoint struct {
	zr, zi, gate float64
}

// NewPlan computes the reference orbit of cfg's centre and, with cfg.BLA,
// its BLA table. It stops with ctx's error when ctx is cancelled.
func NewPlan(ctx context.Context, cfg Config) (*Plan, error) {
	if cfg.Spacing.Sign() <= 0 {
		return nil, fmt.Errorf("deep: spacing must be positive, got %v", cfg.Spacing)
	}
	mant := new(big.Float)
	e := cfg.Spacing.MantExp(mant)
	m, _ := mant.Float64()
	ref, err := NewReference(ctx, cfg.Re, cfg.Im, cfg.MaxIter, cfg.Escape2, cfg.Re.Prec(), m, e)
	if err != nil {
		return nil, err
	}
	p := &Plan{ref: ref, d: newFx(m, e), maxIter: cfg.MaxIter, escape2: cfg.Escape2, periodicity: cfg.Periodicity}
	if cfg.BLA {
		dcMax := p.d.mul(newFx(math.Hypot(cfg.HalfWidth, cfg.HalfHeight), 0))
		p.bla = newBLATable(ref, dcMax)
		p.bla.setFast(e)
	}
	p.orbit = make([]orbitPoint, len(ref.Zr))
	for m := range p.orbit {
		p.orbit[m] = orbitPoint{zr: ref.Zr[m], zi: ref.Zi[m]}
		if p.bla != nil && m > 0 {
			if e, ok := p.bla.at(1, m-1); ok {
				p.orbit[m].gate = e.r2
			}
		}
	}
	return p, nil
}

// Reference returns the plan's reference orbit.
func (p *Plan) Reference() *Reference { return p.ref }

// Skipped returns the iterations that BLA has skipped so far, over every
// Row: they are part of the work Row returns but were not computed one by
// one.
func (p *Plan) Skipped() int64 { return p.skipped.Load() }

// BLABytes is the memory of the plan's BLA table; 0 without one.
func (p *Plan) BLABytes() float64 {
	if p.bla == nil {
		return 0
	}
	return p.bla.bytes()
}

// stopCheckIters is about how many iterations a pixel does between looks
// at the stop flag, as the direct kernels.
const stopCheckIters = 4096

// Row computes the samples at offsets (kx[i], ky) from the centre, in
// samples: c = C + (kx[i] + ky i) x spacing. For each it stores the
// iterations done before |z|^2 exceeded escape2 (maxIter if it never did)
// in iter and the final |z|^2 in mag2, as render.Scalar does, and it
// returns the sum of the iterations, less those that periodicity checking
// cut (BLA's skipped ones count: their result is in the frame). It gives up, returning early, once
// stop is set.
func (p *Plan) Row(kx []float64, ky float64, iter []uint32, mag2 []float64, stop *atomic.Bool) (work int64) {
	var skipped, periodic, saved int64
	mi := float64(ky * p.d.m)
	for x, k := range kx {
		if stop != nil && stop.Load() {
			break
		}
		n, m2, s, cut, ok := p.pixel(float64(k*p.d.m), mi, stop)
		if !ok {
			break
		}
		iter[x], mag2[x] = uint32(n), m2
		work += int64(n) - cut
		skipped += s
		if cut > 0 {
			periodic++
			saved += cut
		}
	}
	p.skipped.Add(skipped)
	p.periodic.Add(periodic)
	p.periodicSaved.Add(saved)
	return work
}

// Thresholds between the two loops of pixel. Below 2^-500 a delta is kept
// as a mantissa near 1 and an exponent (the rescaled loop), above it as
// a float64: squares of deltas down to 2^-500 are still normal float64s,
// so that the float64 loop's tests (rebasing, BLA's radius) see them.
// The gap between the two keeps a delta near the threshold from
// switching every iteration.
const (
	toSmall    = 0x1p-510
	toLargeExp = -500
	// rescale: the rescaled loop brings its mantissa back near 1 once it
	// leaves [2^-32, 2^32].
	rescaleHi = 0x1p32
	rescaleLo = 0x1p-32
)

// pixel iterates the sample c = C + (mr + mi i) x 2^d.e. It returns the
// iterations, the final |z|^2, the iterations BLA skipped, those that
// periodicity checking cut, and false if stop was set before it finished.
//
// Periodicity checking: the loop is a function of its state at a rebase
// (m = 0 and the delta), so once that state repeats bit for bit the pixel
// goes round the same cycle for ever and never escapes: it is inside, and
// stops with maxIter iterations. Brent's method keeps the state of the
// 2^k-th rebase and compares each rebase with it, which finds a cycle of
// any length in at most a few times its length. It is the direct
// kernels' exact periodicity check, moved to the rebases, where the
// orbit of a pixel in a minibrot whose nucleus is the reference returns
// once a period.
func (p *Plan) pixel(mr, mi float64, stop *atomic.Bool) (n int, mag2 float64, skipped, cut int64, ok bool) {
	orbit := p.orbit
	top := len(orbit) - 1
	maxIter, escape2, de := p.maxIter, p.escape2, p.d.e
	dcr, dci := math.Ldexp(mr, de), math.Ldexp(mi, de)

	// The delta: dr + di i in the float64 loop; (wr + wi i) x 2^k in the
	// rescaled one, where dc is (dcwr + dcwi i) x 2^k and sq = 2^k scales
	// the square.
	var dr, di, wr, wi, dcwr, dcwi, sq float64
	var k int
	small := false
	// The saved rebase state, Brent's: a float64 delta or a rescaled one.
	var savedR, savedI float64
	var savedC cx
	savedSmall, rebases := false, 0
	periodic := p.periodicity
	// z_0 = 0 never escapes (escape2 >= 4), and z_1 = c: m = 1, delta = dc.
	n, m := 1, 1
	if math.Abs(dcr) < toSmall && math.Abs(dci) < toSmall {
		small = true
		wr, wi, k, dcwr, dcwi, sq = rescaled(newCx(mr, mi, de), mr, mi, de)
	} else {
		dr, di = dcr, dci
	}
	next := stopCheckIters
	for n < maxIter {
		if n >= next {
			if stop != nil && stop.Load() {
				return n, 0, skipped, 0, false
			}
			next = n + stopCheckIters
		}
		o := &orbit[m]
		zr, zi := o.zr, o.zi
		if !small {
			fr, fi := zr+dr, zi+di
			mag := float64(fr*fr) + float64(fi*fi)
			if mag > escape2 {
				return n, mag, skipped, 0, true
			}
			dd := float64(dr*dr) + float64(di*di)
			if mag < dd || m == top {
				dr, di, m = fr, fi, 0
				zr, zi = 0, 0
				o = &orbit[0]
				dd = mag
				if rebases > 0 && !savedSmall && dr == savedR && di == savedI && periodic {
					return maxIter, mag, skipped, int64(maxIter - n), true
				}
				if rebases++; rebases&(rebases-1) == 0 {
					savedR, savedI, savedSmall = dr, di, false
				}
			}
			if math.Abs(dr) < toSmall && math.Abs(di) < toSmall {
				small = true
				wr, wi, k, dcwr, dcwi, sq = rescaled(newCx(dr, di, 0), mr, mi, de)
				continue
			}
			if dd < o.gate {
				if l, nr, ni := p.blaFloat(m, n, dd, dr, di, mr, mi); l > 0 {
					dr, di = nr, ni
					m += l
					n += l
					skipped += int64(l)
					continue
				}
			}
			tr, ti := 2*zr+dr, 2*zi+di
			dr, di = float64(tr*dr)-float64(ti*di)+dcr, float64(tr*di)+float64(ti*dr)+dci
			m++
			n++
			continue
		}

		// The rescaled loop: |delta| < 2^-500 next to |Z_m|, so |z|^2 is
		// |Z_m|^2 to float64's precision unless Z_m is as small.
		mag := float64(zr*zr) + float64(zi*zi)
		if mag > escape2 || m == top || (m > 0 && mag < 0x1p-900 && mag < math.Ldexp(float64(wr*wr)+float64(wi*wi), 2*k)) {
			// Escape, the reference's end or rebasing: all need the
			// whole z = Z_m + delta, which is large or which the float64
			// loop, or a rescaled delta from m = 0, carries on with.
			z := newCx(zr, zi, 0).add(cx{wr, wi, k})
			if mag > escape2 {
				return n, float64(zr*zr) + float64(zi*zi), skipped, 0, true
			}
			m = 0
			if rebases > 0 && savedSmall && z == savedC && periodic {
				return maxIter, float64(zr*zr) + float64(zi*zi), skipped, int64(maxIter - n), true
			}
			if rebases++; rebases&(rebases-1) == 0 {
				savedC, savedSmall = z, true
			}
			if small = z.e <= toLargeExp; small {
				wr, wi, k, dcwr, dcwi, sq = rescaled(z, mr, mi, de)
			} else {
				dr, di = math.Ldexp(z.re, z.e), math.Ldexp(z.im, z.e)
			}
			continue
		}
		if p.bla != nil && m > 0 {
			if l, c := p.blaRescaled(m, n, wr, wi, k, mr, mi, de); l > 0 {
				m += l
				n += l
				skipped += int64(l)
				if small = c.e <= toLargeExp; small {
					wr, wi, k, dcwr, dcwi, sq = rescaled(c, mr, mi, de)
				} else {
					dr, di = math.Ldexp(c.re, c.e), math.Ldexp(c.im, c.e)
				}
				continue
			}
		}
		tr, ti := 2*zr+float64(wr*sq), 2*zi+float64(wi*sq)
		wr, wi = float64(tr*wr)-float64(ti*wi)+dcwr, float64(tr*wi)+float64(ti*wr)+dcwi
		m++
		n++
		if big := math.Max(math.Abs(wr), math.Abs(wi)); big > rescaleHi || (big < rescaleLo && big != 0) {
			c := newCx(wr, wi, k)
			if small = c.e <= toLargeExp; small {
				wr, wi, k, dcwr, dcwi, sq = rescaled(c, mr, mi, de)
			} else {
				dr, di = math.Ldexp(c.re, c.e), math.Ldexp(c.im, c.e)
			}
		}
	}
	// maxIter iterations: the final |z|^2 for the painter's inside test.
	zr, zi := orbit[m].zr, orbit[m].zi
	if small {
		dr, di = math.Ldexp(wr, k), math.Ldexp(wi, k)
	}
	fr, fi := zr+dr, zi+di
	return n, float64(fr*fr) + float64(fi*fi), skipped, 0, true
}

// rescaled returns the rescaled loop's state for the delta c: its
// mantissa and exponent, dc = (mr + mi i) x 2^de at that exponent, and
// the square's scale 2^k.
func rescaled(c cx, mr, mi float64, de int) (wr, wi float64, k int, dcwr, dcwi, sq float64) {
	return c.re, c.im, c.e, math.Ldexp(mr, de-c.e), math.Ldexp(mi, de-c.e), math.Ldexp(1, c.e)
}

// blaFloat looks for the longest run of at least 2 steps from m that is
// valid for the float64 delta dr + di i and ends by maxIter, and returns
// its length and the delta it gives (A delta + B dc), or 0.
func (p *Plan) blaFloat(m, n int, d2, dr, di, mr, mi float64) (l int, nr, ni float64) {
	i := m - 1
	var e *blaEntry
	j := 0
	for n+1<<(j+1) <= p.maxIter {
		next, ok := p.bla.at(j+1, i)
		if !ok || !(d2 < next.r2) {
			break
		}
		e = next
		j++
	}
	if e == nil {
		return 0, 0, 0
	}
	if e.fast {
		return 1 << j, (float64(e.far*dr) - float64(e.fai*di)) + (float64(e.fbr*mr) - float64(e.fbi*mi)),
			(float64(e.far*di) + float64(e.fai*dr)) + (float64(e.fbr*mi) + float64(e.fbi*mr))
	}
	ar, ai := float64(e.a.re*dr)-float64(e.a.im*di), float64(e.a.re*di)+float64(e.a.im*dr)
	br, bi := float64(e.b.re*mr)-float64(e.b.im*mi), float64(e.b.re*mi)+float64(e.b.im*mr)
	be := e.b.e + p.d.e
	return 1 << j, math.Ldexp(ar, e.a.e) + math.Ldexp(br, be), math.Ldexp(ai, e.a.e) + math.Ldexp(bi, be)
}

// blaRescaled is blaFloat for the rescaled delta (wr + wi i) x 2^k; the
// delta it gives is an extended-exponent number.
func (p *Plan) blaRescaled(m, n int, wr, wi float64, k int, mr, mi float64, de int) (l int, c cx) {
	i := m - 1
	d := newFx(math.Sqrt(float64(wr*wr)+float64(wi*wi)), k)
	var e *blaEntry
	j := 0
	for n+1<<(j+1) <= p.maxIter {
		next, ok := p.bla.at(j+1, i)
		if !ok || !d.less(next.r) {
			break
		}
		e = next
		j++
	}
	if e == nil {
		return 0, cx{}
	}
	az := newCx(float64(e.a.re*wr)-float64(e.a.im*wi), float64(e.a.re*wi)+float64(e.a.im*wr), e.a.e+k)
	bz := newCx(float64(e.b.re*mr)-float64(e.b.im*mi), float64(e.b.re*mi)+float64(e.b.im*mr), e.b.e+de)
	return 1 << j, az.add(bz)
}
