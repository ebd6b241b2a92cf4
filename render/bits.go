package render

import (
	"context"
	"fmt"
	"math"
)

// A 1-bit image needs only whether each pixel is inside the set, and the
// Benchmarks Game asks for exactly that at 16000x16000: a Frame of iteration
// counts would take 3 GB for a 32 MB answer. BitRenderer computes the bits
// directly, 24 pixels at a time, and never the counts.
//
// # The algorithm
//
// Pixels go in groups of 24 (three output bytes; six AVX2 vectors). Each
// pixel's lane runs the reference iteration (see Scalar)
//
//	Tr, Ti = Zr*Zr, Zi*Zi
//	Zi = (Zr+Zr)*Zi + Ci
//	Zr = (Tr-Ti) + Cr
//
// with every operation rounded to float64, but without the escape test in
// the loop: the group runs blocks of bitsBlock iterations, up to MaxIter in
// all, and only between blocks looks whether any lane still has
// Tr+Ti <= escape2 (computed from the current Z, as the reference's next test
// would). When none has, the group stops and its bits are 0. Otherwise, after
// MaxIter iterations, a pixel's bit is Tr+Ti <= escape2 for its final Z.
// The first iteration, from Z = 0, gives Z = c exactly (xs and ys are never
// -0; and the sign of a zero could not matter, since every test squares it),
// so the lanes start there.
//
// # Why the bits are exact
//
// A lane whose reference loop never escapes runs exactly MaxIter iterations
// (the group stops early only when every lane is outside), so its bit is the
// reference's test of its final |z|^2: Frame.Inside. A lane that escapes, at
// a test that finds Tr+Ti > E (E = escape2, the rounded R*R of an escape
// radius R >= 2; write rho = sqrt(E) >= 2), runs on for iterations the
// reference does not; the claim is that its final test still fails, so its
// bit is 0, which is Frame.Inside too. That needs |c| <= 1.9 for every
// pixel, which CanRenderBits checks (the Benchmarks Game's [-1.5, 0.5] x
// [-1, 1] has |c| <= 1.81). With u = 2^-53:
//
//   - At the failed test the computed Tr+Ti, three roundings of a^2 + b^2
//     (z = a + bi, the floats' exact value), exceeds E, so |z| > rho(1-u).
//   - While no operation overflows, an iteration computes z^2 + c within
//     8u(|z|^2 + 2) (six roundings, each of a quantity no larger than
//     |z|^2 + |c|), so |z'| >= |z|^2 - 1.9 - 8u(|z|^2 + 2). Just after the
//     failed test that is at least rho + 0.09: rho^2 - rho - 1.9 is 0.1 at
//     rho = 2 and grows with rho, and the rounding terms are below 1e-3 for
//     rho <= MaxEscape. For |z| >= rho + 0.05 (>= 2.05) it is at least
//     |z| + 0.25, since r^2 - r - 1.9 is increasing there. So |z| stays at
//     least rho + 0.05 from then on.
//   - Then the computed Tr+Ti is at least (rho+0.05)^2(1-2u) > rho^2 = E
//     (the margin, 0.1 rho, dwarfs the rounding, 2u(rho+0.05)^2): the test
//     fails.
//   - Once an operation overflows, the state is no longer finite, and stays
//     so: Zi' = (Zr+Zr)*Zi + Ci is Inf or NaN whenever Zr or Zi is (Inf*0 is
//     NaN), and Zr' = (Tr-Ti) + Cr is Inf or NaN once Tr or Ti is. Then
//     Tr+Ti is Inf or NaN, and Inf <= E and NaN <= E are both false.
//
// So the bits do not depend on how many extra iterations an escaped lane
// runs, nor on which lanes share its group: bitsGo, bitsAVX2 and bitsAVX512
// differ only in speed, and the padding lanes past a row's end (their c is outside the
// bound, and their bits are cleared) change nothing either.
//
// The kernels compute the reference's arithmetic, not fused multiply-adds
// (see Scalar), so every operation above rounds once, as the argument takes.
const (
	// bitsGroup is the number of pixels a kernel computes together, a
	// multiple of 8; the generator in internal/bitsgen must use the same.
	bitsGroup = 24
	// bitsBytes is the number of output bytes of a group.
	bitsBytes = bitsGroup / 8
	// bitsBlock is the number of iterations between two escape tests:
	// the test costs about two thirds of an iteration, and a group whose
	// lanes have all escaped runs on until the next one. The generator in
	// internal/bitsgen must use the same number.
	bitsBlock = 7
	// bitsMaxC2 bounds |c|^2 over the view: 3.6 < 1.9^2, leaving room for
	// the rounding of the check itself.
	bitsMaxC2 = 3.6
	// bitsMaxIter bounds MaxIter on the bit path: a group of pixels
	// runs without looking at the context, and at this limit takes a
	// fraction of a millisecond. Deeper views are rendered through a Frame, where
	// cancellation and shortcuts have finer grain.
	bitsMaxIter = 1 << 16
	// bitsSegment is the number of group-iterations (a group's MaxIter)
	// a row renders between two looks at the context.
	bitsSegment = 1 << 20
	// bitsPad is the real part of the padding lanes past a row's end: it
	// escapes at once, so that a row's last group can stop early.
	bitsPad = 4.0
)

// CanRenderBits reports whether NewBitRenderer renders v at supersampling
// aa exactly: to the bits that painting a Frame in black and white gives.
// That holds for aa 1, MaxIter up to 65536, and views whose points all have
// |c| <= 1.9 (see the argument in bits.go), which includes the benchgame
// preset. Other views need the Frame.
func CanRenderBits(v View, aa int) bool {
	if aa != 1 || v.Validate() != nil || v.CheckDirect() != nil || v.MaxIter > bitsMaxIter {
		return false
	}
	xs, ys := v.Plane()
	mx, my := maxAbs(xs), maxAbs(ys)
	return mx*mx+my*my <= bitsMaxC2
}

func maxAbs(s []float64) float64 {
	m := 0.0
	for _, f := range s {
		m = math.Max(m, math.Abs(f))
	}
	return m
}

// BitsMemory estimates the memory of a bit render of v that holds rows rows
// of the bitmap at a time: the strip and the coordinates.
func BitsMemory(v View, rows int) float64 {
	stride := float64((v.Width + 7) / 8)
	groups := math.Ceil(stride / bitsBytes)
	return float64(min(rows, v.Height))*stride + 8*(groups*bitsGroup+float64(v.Height))
}

// BitRenderer renders a view to a bitmap, one bit per pixel, 1 for points in
// the set, rows top to bottom (in the view's mapping), each Stride bytes,
// most significant bit first, the last byte of a row padded with 0 bits:
// the rows of a PBM (P4) image. Like Renderer, it renders independent rows,
// and any number of goroutines may render different rows at once. It holds
// only the plane's coordinates: the caller owns the bitmap, so that it can
// render and write a strip of rows at a time in bounded memory.
type BitRenderer struct {
	view    View
	escape2 float64
	stride  int
	// cr holds the real parts in kernel order: group g's lane i is
	// pixel 8*(bitsBytes*g + i/8) + 7 - i%8, so that a vector's sign mask
	// is half a byte's bits in order. Pixels past the row's end are
	// bitsPad.
	cr      []float64
	ys      []float64
	segment int // bytes of a row between two looks at the context; whole groups
	kernel  Kernel
	bits    BitsFunc // kernel's
}

// NewBitRenderer prepares v for rendering to bits with kernel k's bit
// routine (Kernel.Bits; the zero Kernel is the scalar kernel, whose routine
// is Go); v must satisfy CanRenderBits(v, 1). Every kernel gives the same
// bits.
func NewBitRenderer(v View, k Kernel) (*BitRenderer, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := k.checkAvailable(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if !CanRenderBits(v, 1) {
		return nil, fmt.Errorf("render: the bit path is not exact for this view (it needs |c| <= 1.9 and maxiter <= %d)", bitsMaxIter)
	}
	xs, ys := v.Plane()
	stride := (v.Width + 7) / 8
	groups := (stride + bitsBytes - 1) / bitsBytes
	cr := make([]float64, groups*bitsGroup)
	for i := range cr {
		g, lane := i/bitsGroup, i%bitsGroup
		x := 8*(bitsBytes*g+lane/8) + 7 - lane%8
		cr[i] = bitsPad
		if x < len(xs) {
			cr[i] = xs[x]
		}
	}
	segment := bitsBytes * max(1, bitsSegment/v.MaxIter)
	return &BitRenderer{
		view:    v,
		escape2: v.escape2(),
		stride:  stride,
		cr:      cr,
		ys:      ys,
		segment: segment,
		kernel:  k.orScalar(),
		bits:    k.bits(),
	}, nil
}

// Kernel returns the kernel whose bit routine renders: the one
// NewBitRenderer took, or the scalar kernel for the zero Kernel.
func (r *BitRenderer) Kernel() Kernel { return r.kernel }

// Units returns the number of independent units of work: rows.
func (r *BitRenderer) Units() int { return r.view.Height }

// Stride returns the number of bytes per row.
func (r *BitRenderer) Stride() int { return r.stride }

// Task returns a function with the shape of strategies.Task that renders
// rows lo to hi of the view, as Renderer.Task does, into the strip dst
// whose first row is row y0: rows [lo-y0, hi-y0) of dst. It
// returns the work done: for each group of pixels, the iterations its lanes
// ran (escaped lanes included). It looks at ctx between rows, and within a
// row every bitsSegment group-iterations, and returns ctx's error as soon as
// it is cancelled.
func (r *BitRenderer) Task(ctx context.Context, y0 int, dst []byte) func(worker, lo, hi int) (work int64, err error) {
	return func(_, lo, hi int) (work int64, err error) {
		for y := lo; y < hi; y++ {
			row := dst[(y-y0)*r.stride : (y-y0+1)*r.stride]
			for x := 0; x < len(row); x += r.segment {
				if err := ctx.Err(); err != nil {
					return work, err
				}
				seg := row[x:min(x+r.segment, len(row))]
				work += bitsGroup * r.bits(seg, r.cr[8*x:], r.ys[y], r.escape2, r.view.MaxIter)
			}
			if pad := r.stride*8 - r.view.Width; pad > 0 {
				row[len(row)-1] &^= 1<<pad - 1
			}
		}
		return work, nil
	}
}

// bitsGo computes the bits of len(out) bytes of one row: out[j] holds the
// pixels whose real parts are cr[8j:8j+8] (in kernel order, see
// BitRenderer.cr) and whose imaginary part is ci. It returns the number of
// iterations each group ran, summed. bitsAVX2 and bitsAVX512 must match it
// bit for bit and count for count, on any input.
func bitsGo(out []byte, cr []float64, ci, escape2 float64, maxIter int) (iters int64) {
	for g := 0; bitsBytes*g < len(out); g++ {
		c := (*[bitsGroup]float64)(cr[bitsGroup*g:])
		zr := *c
		var zi [bitsGroup]float64
		for i := range zi {
			zi[i] = ci
		}
		iters++
		word := uint32(0)
		escaped := false
		for rest := maxIter - 1; rest > 0; {
			n := min(bitsBlock, rest)
			rest -= n
			iters += int64(n)
			for range n {
				for i := range zr {
					zr[i], zi[i] = step(zr[i], zi[i], c[i], ci)
				}
			}
			if rest > 0 && bitsInside(&zr, &zi, escape2) == 0 {
				escaped = true
				break
			}
		}
		if !escaped {
			word = bitsInside(&zr, &zi, escape2)
		}
		for i := range min(bitsBytes, len(out)-bitsBytes*g) {
			out[bitsBytes*g+i] = byte(word >> (8 * i))
		}
	}
	return iters
}

// bitsInside returns the lanes with |z|^2 <= escape2 (false for NaN), lane i
// as bit i.
func bitsInside(zr, zi *[bitsGroup]float64, escape2 float64) uint32 {
	var word uint32
	for i := range zr {
		if norm2(zr[i], zi[i]) <= escape2 {
			word |= 1 << i
		}
	}
	return word
}
