package render

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render/deep"
)

// Method is how a Renderer computes a view: directly in float64 by the
// kernels, or by perturbation around a reference orbit in arbitrary
// precision (package render/deep), which renders views far deeper than
// float64 resolves.
type Method int

const (
	// MethodAuto is MethodDirect where float64 resolves the view's pixels
	// (View.CheckDirect), else MethodPerturb.
	MethodAuto Method = iota
	// MethodDirect runs the kernels: the reference of the determinism
	// contract, down to the scale CheckDirect allows.
	MethodDirect
	// MethodPerturb iterates each sample's difference from a reference
	// orbit of the view's centre, with rebasing, an extended exponent
	// below float64's range and, unless Options.NoBLA, bivariate linear
	// approximation.
	MethodPerturb
)

var methodNames = []string{"auto", "direct", "perturb"}

func (m Method) String() string {
	if m < 0 || int(m) >= len(methodNames) {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return methodNames[m]
}

// MethodNames lists the names ParseMethod accepts.
func MethodNames() []string { return append([]string(nil), methodNames...) }

// ParseMethod returns the method called name.
func ParseMethod(name string) (Method, error) {
	for i, n := range methodNames {
		if n == name {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q (valid: %s)", name, strings.Join(methodNames, ", "))
}

// Resolve returns the method that renders v: m itself, or for MethodAuto
// the direct kernels where float64 suffices. It refuses MethodDirect past
// float64's limit, with CheckDirect's reason, and perturbation of the
// Benchmarks Game's mapping, which only the direct path defines.
func (m Method) Resolve(v View) (Method, error) {
	switch m {
	case MethodAuto:
		if v.CheckDirect() == nil || v.Mapping == Corners {
			return MethodDirect, v.CheckDirect()
		}
		return MethodPerturb, nil
	case MethodDirect:
		return m, v.CheckDirect()
	case MethodPerturb:
		if v.Mapping == Corners {
			return m, fmt.Errorf("%w: perturbation renders the centres mapping only, not the Benchmarks Game's", ErrInvalidView)
		}
		return m, nil
	}
	return m, fmt.Errorf("unknown method %d", int(m))
}

// PerturbationMemory bounds the memory of the reference orbit and BLA
// table that MethodPerturb keeps for the whole render of v, whatever its
// strips: the reference orbit (which may end sooner, at an escape or a
// nucleus), and about two BLA entries per iteration.
func PerturbationMemory(v View, bla bool) float64 {
	n := float64(v.MaxIter) + 1
	m := deep.OrbitBytes * n
	if bla {
		m += deep.BLABytes(v.MaxIter)
	}
	return m
}

// perturbation is a Renderer's state for MethodPerturb.
type perturbation struct {
	plan *deep.Plan
	// kx and ky are the samples' offsets from the centre, in samples.
	kx, ky []float64
	// reference is the time the reference orbit and the BLA table took.
	reference time.Duration
}

// perturbLanes returns deep.Config's Lanes and AVX2Lanes for kernel k: the
// perturbation path runs its pixels on SIMD lanes with the AVX-512 kernel
// (AVX-512 lanes) and the AVX2 kernel (AVX2 lanes), which are auto's
// choices where the CPU has them (deep checks the CPU again, and takes
// the lanes only without BLA). The lanes give the scalar loop's results,
// bit for bit; the scalar kernel keeps the scalar loop, the reference.
func (k Kernel) perturbLanes() laneChoice {
	return laneChoice{on: k.Name == "avx512" || k.Name == "avx2", avx2: k.Name == "avx2"}
}

// laneChoice is deep.Config's Lanes (on) and AVX2Lanes (avx2).
type laneChoice struct{ on, avx2 bool }

// newPerturbation computes the reference orbit of v's centre for samples
// at aa x aa per pixel, and its BLA table unless noBLA; lanes is
// deep.Config's Lanes and AVX2Lanes.
func newPerturbation(ctx context.Context, v View, aa int, noBLA, periodicity bool, lanes laneChoice) (*perturbation, error) {
	start := time.Now()
	s := v.Supersampled(aa)
	d := v.Decimals()
	spacing := d.Scale.Big(64)
	spacing.Quo(spacing, new(big.Float).SetInt64(int64(s.Width)))
	// deep.Prec counts the bits that tell samples apart near |c| <= 2;
	// a centre up to MaxCoordinate (2^20) needs 20 more before them.
	prec := deep.Prec(spacing) + 20
	p := &perturbation{kx: make([]float64, s.Width), ky: make([]float64, s.Height)}
	for x := range p.kx {
		p.kx[x] = float64(x) + 0.5 - float64(s.Width)/2
	}
	for y := range p.ky {
		p.ky[y] = float64(s.Height)/2 - float64(y) - 0.5
	}
	plan, err := deep.NewPlan(ctx, deep.Config{
		Re: d.Re.Big(prec), Im: d.Im.Big(prec), Spacing: spacing,
		HalfWidth: float64(s.Width) / 2, HalfHeight: float64(s.Height) / 2,
		MaxIter: v.MaxIter, Escape2: v.escape2(), BLA: !noBLA, Periodicity: periodicity, Lanes: lanes.on, AVX2Lanes: lanes.avx2,
	})
	if err != nil {
		return nil, err
	}
	p.plan = plan
	p.reference = time.Since(start)
	return p, nil
}

// DeepStats is what the perturbation path did, for a report.
type DeepStats struct {
	// Reference is the time the reference orbit and the BLA table took:
	// the serial part of the render, before any row.
	Reference time.Duration
	// Orbit is the reference orbit's length, Escaped whether it escaped,
	// Ended whether it ended where Newton's step fell under a sample
	// (deep.Reference; neither: it reached maxiter), Prec its precision
	// in bits.
	Orbit          int
	Escaped, Ended bool
	Prec           uint
	// Skipped is the iterations BLA skipped so far, BLABytes its table's
	// memory.
	Skipped  int64
	BLABytes float64
	// Periodic is the samples that periodicity checking stopped as
	// inside (with Options.Shortcuts), and PeriodicSaved the iterations
	// that saved.
	Periodic, PeriodicSaved int64
	// Lanes says whether the pixels ran on SIMD lanes (deep.Plan.Lanes),
	// and LaneKind on which ("AVX-512" or "AVX2").
	Lanes    bool
	LaneKind string
}

// Method returns the method the Renderer renders with (never MethodAuto).
func (r *Renderer) Method() Method {
	if r.deep != nil {
		return MethodPerturb
	}
	return MethodDirect
}

// DeepStats returns the perturbation path's figures; ok is false for the
// direct path.
func (r *Renderer) DeepStats() (s DeepStats, ok bool) {
	if r.deep == nil {
		return DeepStats{}, false
	}
	ref := r.deep.plan.Reference()
	s = DeepStats{Reference: r.deep.reference, Orbit: ref.M(), Escaped: ref.Escaped, Ended: ref.Ended, Prec: ref.Prec,
		Skipped: r.deep.plan.Skipped(), BLABytes: r.deep.plan.BLABytes(), Lanes: r.deep.plan.Lanes(), LaneKind: r.deep.plan.LaneKind()}
	s.Periodic, s.PeriodicSaved = r.deep.plan.Periodic()
	return s, true
}

// AutoMaxIter is --maxiter auto's limit for a view of width scale: 1000,
// and 250 more per decade of zoom past the whole set's width of 4. Deep
// zooms need ever more iterations (the orbits of pixels near the boundary
// take about as many iterations to leave as the zoom has decades, times a
// few for each level of structure), and with BLA the escaping pixels pay
// for few of them.
func AutoMaxIter(scale decimal.Number) int {
	decades := max(0, math.Log10(4)-scale.Log10())
	n := 1000 + int(math.Round(250*decades))
	return min(n, MaxMaxIter)
}
