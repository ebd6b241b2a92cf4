package render

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render/deep"
)

// ReferencePoint is an explicit reference for the perturbation path
// (mandel --reference): the point whose orbit every sample's is a
// difference from, in place of the view's centre, and Scale, the width
// of the view whose sample spacing decides the orbit's precision and
// where it ends (NewOrbit). A zero Scale is the view's own.
//
// The orbit then depends on the point, Scale, the size, aa, maxiter and
// the escape radius, and not on the view's centre or scale: the frames of
// a zoom (mandel zoom), which share one orbit, are each the render of
// their view with the zoom's ReferencePoint.
type ReferencePoint struct {
	Re, Im, Scale decimal.Number
}

// Validate reports, as View.Validate does for a view, a point or a scale
// out of range for views like v: a point further than MaxCoordinate from
// 0, or a scale outside a view's range.
func (p ReferencePoint) Validate(v View) error {
	scale := p.Scale
	if scale.IsZero() {
		scale = v.Decimals().Scale
	}
	if err := v.WithDecimals(p.Re, p.Im, scale).Validate(); err != nil {
		return fmt.Errorf("reference %s,%s at scale %s: %w", p.Re, p.Im, scale, err)
	}
	return nil
}

// Orbit is a reference orbit computed once and shared by the renders of
// views of one size, aa, maxiter and escape radius at any scale down to
// its own (Options.Orbit): each render still builds its own BLA table,
// whose radii depend on its sample spacing.
type Orbit struct {
	point         ReferencePoint // Scale resolved
	width, height int            // the samples' grid
	maxIter       int
	escape2       float64
	ref           *deep.Reference
	// took is the time the orbit took.
	took time.Duration
}

// Point returns the orbit's point, its Scale resolved.
func (o *Orbit) Point() ReferencePoint { return o.point }

// Iterations returns the orbit's length.
func (o *Orbit) Iterations() int { return o.ref.M() }

// Took returns the time the orbit took to compute.
func (o *Orbit) Took() time.Duration { return o.took }

// orbitPrec is the precision, in bits, of the reference orbit for
// samples spacing apart: deep.Prec counts the bits that tell samples apart
// near |c| <= 2, and a centre up to MaxCoordinate (2^20) needs 20 more
// before them.
func orbitPrec(spacing *big.Float) uint { return deep.Prec(spacing) + 20 }

// sampleSpacing is the distance between v's samples at aa x aa per pixel
// if v had width scale.
func sampleSpacing(v View, aa int, scale decimal.Number) *big.Float {
	s := scale.Big(64)
	return s.Quo(s, new(big.Float).SetInt64(int64(v.Width)*int64(aa)))
}

// NewOrbit computes the reference orbit of p for views of v's size,
// maxiter and escape radius at aa x aa samples per pixel: at the precision
// that samples of a view of width p.Scale (v's scale if zero) need, and
// ending, as deep.NewReference does, where Newton's step falls under that
// view's sample spacing. It stops with ctx's error when ctx is cancelled.
func NewOrbit(ctx context.Context, v View, aa int, p ReferencePoint) (*Orbit, error) {
	if p.Scale.IsZero() {
		p.Scale = v.Decimals().Scale
	}
	if err := p.Validate(v); err != nil {
		return nil, err
	}
	start := time.Now()
	spacing := sampleSpacing(v, aa, p.Scale)
	prec := orbitPrec(spacing)
	mant := new(big.Float)
	e := spacing.MantExp(mant)
	m, _ := mant.Float64()
	ref, err := deep.NewReference(ctx, p.Re.Big(prec), p.Im.Big(prec), v.MaxIter, v.escape2(), prec, m, e)
	if err != nil {
		return nil, err
	}
	s := v.Supersampled(aa)
	return &Orbit{point: p, width: s.Width, height: s.Height, maxIter: v.MaxIter, escape2: v.escape2(), ref: ref, took: time.Since(start)}, nil
}

// fits says why o cannot serve v at aa, or nil if it can.
func (o *Orbit) fits(v View, aa int) error {
	s := v.Supersampled(aa)
	switch {
	case s.Width != o.width || s.Height != o.height:
		return fmt.Errorf("the reference orbit is for %dx%d samples, the view has %dx%d", o.width, o.height, s.Width, s.Height)
	case v.MaxIter != o.maxIter || v.escape2() != o.escape2:
		return fmt.Errorf("the reference orbit is for maxiter %d and escape radius %g, the view's are %d and %g",
			o.maxIter, math.Sqrt(o.escape2), v.MaxIter, math.Sqrt(v.escape2()))
	case o.point.Scale.Cmp(v.Decimals().Scale) > 0:
		return fmt.Errorf("the reference orbit is computed for scale %s, too coarse for the view's %s", o.point.Scale, v.Decimals().Scale)
	}
	return nil
}

// Near reports an error if p is too far from v's centre to serve as its
// reference at aa x aa samples per pixel: more than 2^40 of v's samples
// away, where the samples' float64 offsets from it would lose their last
// digits. A command checks it before it writes anything.
func (p ReferencePoint) Near(v View, aa int) error {
	_, _, err := referenceOffset(v, aa, p)
	return err
}

// referenceOffset is the offset of v's centre from p, in v's samples at
// aa x aa per pixel, or an error if it is over 2^40 samples.
func referenceOffset(v View, aa int, p ReferencePoint) (ox, oy float64, err error) {
	d := v.Decimals()
	spacing := sampleSpacing(v, aa, d.Scale)
	prec := orbitPrec(spacing)
	offset := func(c, r decimal.Number) float64 {
		o := new(big.Float).SetPrec(prec).Sub(c.Big(prec), r.Big(prec))
		x, _ := o.Quo(o, spacing).Float64()
		return x
	}
	ox, oy = offset(d.Re, p.Re), offset(d.Im, p.Im)
	if math.IsInf(ox, 0) || math.IsInf(oy, 0) || math.Abs(ox) > 1<<40 || math.Abs(oy) > 1<<40 {
		return 0, 0, fmt.Errorf("the reference point %s,%s is too far from the view's centre: more than 2^40 samples", p.Re, p.Im)
	}
	return ox, oy, nil
}

// newReferencedPerturbation is newPerturbation around orbit, whose point
// need not be v's centre: each sample's offset from the centre, in
// samples, is moved by the centre's own offset from the orbit's point.
// The BLA table is v's own.
func newReferencedPerturbation(ctx context.Context, v View, aa int, noBLA, periodicity bool, lanes laneChoice, orbit *Orbit) (*perturbation, error) {
	start := time.Now()
	if err := orbit.fits(v, aa); err != nil {
		return nil, err
	}
	s := v.Supersampled(aa)
	spacing := sampleSpacing(v, aa, v.Decimals().Scale)
	ox, oy, err := referenceOffset(v, aa, orbit.point)
	if err != nil {
		return nil, err
	}
	p := &perturbation{kx: make([]float64, s.Width), ky: make([]float64, s.Height)}
	for x := range p.kx {
		p.kx[x] = float64(x) + 0.5 - float64(s.Width)/2 + ox
	}
	for y := range p.ky {
		p.ky[y] = float64(s.Height)/2 - float64(y) - 0.5 + oy
	}
	plan, err := deep.NewPlan(ctx, deep.Config{
		Reference: orbit.ref, Spacing: spacing,
		HalfWidth: float64(s.Width)/2 + math.Abs(ox), HalfHeight: float64(s.Height)/2 + math.Abs(oy),
		MaxIter: v.MaxIter, Escape2: v.escape2(), BLA: !noBLA, Periodicity: periodicity, Lanes: lanes.on, AVX2Lanes: lanes.avx2,
	})
	if err != nil {
		return nil, err
	}
	p.plan = plan
	p.reference = time.Since(start)
	return p, nil
}
