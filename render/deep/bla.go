package deep

import (
	"math"
	"math/bits"
	"unsafe"
)

// blaEpsilon is the relative size, next to |Z_m|, below which a single
// step's z_m^2 is dropped: 2^-53, float64's own rounding, so that a
// skipped step errs no more than a computed one. (Public implementations
// use larger values for speed; the exactness tests hold this one.)
const blaEpsilon = 0x1p-53

// blaEntry is one run of steps: z_{m+l} = A z_m + B dc while |z_m| < R,
// packed into 64 bytes, since a table holds about 2 entries per
// iteration of the reference (128 MB at maxiter 1e6). A, B and R are
// extended-exponent numbers: deep in the set A and B grow past 1e308 and
// R falls below 1e-308. Where A and B x 2^de (de the exponent of the
// pixels' dc mantissas) are float64s whose scaling is exact (fast), a0,
// a1, b0, b1 hold them, and the float64 loop applies the run without
// Ldexp; elsewhere they hold the mantissas of A and B, with exponents ae
// and be. Either way A() and B() give the same extended numbers. r2 is
// R^2 as a float64 (0 where it underflows), for the float64 loop's test.
type blaEntry struct {
	a0, a1, b0, b1 float64
	rm, r2         float64
	ae, be, re     int32
	fast           bool
}

// blaRun is a run while the table is built: A, B and R in full.
type blaRun struct {
	a, b cx
	r    fx
}

// A returns the run's A.
func (e *blaEntry) A() cx {
	if e.fast {
		return cx{e.a0, e.a1, 0}.norm()
	}
	return cx{e.a0, e.a1, int(e.ae)}
}

// B returns the run's B, for dc mantissas scaled by 2^de.
func (e *blaEntry) B(de int) cx {
	if e.fast {
		return cx{e.b0, e.b1, -de}.norm()
	}
	return cx{e.b0, e.b1, int(e.be)}
}

// R returns the run's radius.
func (e *blaEntry) R() fx { return fx{e.rm, int(e.re)} }

// pack stores run as an entry for dc mantissas scaled by 2^de.
func pack(run blaRun, de int) blaEntry {
	e := blaEntry{a0: run.a.re, a1: run.a.im, b0: run.b.re, b1: run.b.im, ae: int32(run.a.e), be: int32(run.b.e),
		rm: run.r.m, re: int32(run.r.e), r2: r2(run.r)}
	exact := func(x float64, e int) (float64, bool) {
		y := math.Ldexp(x, e)
		return y, math.Ldexp(y, -e) == x && !math.IsInf(y, 0)
	}
	if run.a.e > -900 && run.a.e < 900 && run.b.e+de > -900 && run.b.e+de < 900 {
		a0, ok0 := exact(run.a.re, run.a.e)
		a1, ok1 := exact(run.a.im, run.a.e)
		b0, ok2 := exact(run.b.re, run.b.e+de)
		b1, ok3 := exact(run.b.im, run.b.e+de)
		if ok0 && ok1 && ok2 && ok3 {
			e.a0, e.a1, e.b0, e.b1, e.fast = a0, a1, b0, b1, true
		}
	}
	return e
}

// blaTable holds the runs of 2^j steps of level j. An aligned table has
// levels[j][i] for the run from m = 1 + i*2^j, about 2M entries in all; a
// dense one, for short orbits (a nucleus's period), has levels[j][m-1] for
// every m, M log2 M entries, so that a pixel can take the longest run
// from any m (from m = 1 straight to the end of a period, rather than in
// runs of 32, 16, 8, ...). A run lands at most at M, so it never needs a
// Z the reference lacks.
type blaTable struct {
	levels [][]blaEntry
	dense  bool
	// tail, in a dense table, holds for every m the run from m to the
	// reference's end, M: tail[m-1]. A pixel in a minibrot whose nucleus
	// is the reference goes from m = 1 to M in one run each period, where
	// runs of 2^j steps would need a run and a few single steps (the
	// period is rarely a power of 2 plus 1), each a pass of the loop.
	tail []blaEntry
	// ladder, in a dense table, holds each m's radii level by level,
	// ladder[(m-1)*rungs + j-1] = levels[j][m-1].r2 for j = 1 up to
	// rungs, 0 where level j has no run from m: the float64 loop's search
	// for the longest run (floatRun) reads one m's radii from one or two
	// cache lines rather than one line of each level.
	ladder []float64
	rungs  int
}

// denseMax is the longest orbit whose table is dense: 2^14 steps make
// 14 levels of 2^14 entries, 15 MB.
const denseMax = 1 << 14

// at returns the entry of level j for the run from m = i + 1, if there
// is one.
func (t *blaTable) at(j, i int) (*blaEntry, bool) {
	if j >= len(t.levels) {
		return nil, false
	}
	l := t.levels[j]
	if t.dense {
		if i < len(l) {
			return &l[i], true
		}
		return nil, false
	}
	if i&(1<<j-1) == 0 && i>>j < len(l) {
		return &l[i>>j], true
	}
	return nil, false
}

// blaEntryBytes is an entry's size, for the memory plan.
const blaEntryBytes = unsafe.Sizeof(blaEntry{})

// BLABytes estimates the memory of the table of a reference of m steps
// at its peak: about 2m packed entries, and while it is built two levels
// of full runs, m/2 and m/4 of them; or, where the reference may be short
// enough for a dense table (up to denseMax steps, whatever m), its levels
// of up to n entries each, log2 n + 1 of them and the tail, two levels of
// full runs, and the ladder, log2 n radii for each of n steps.
func BLABytes(m int) float64 {
	aligned := 2*float64(m)*float64(blaEntryBytes) + 0.75*float64(m)*float64(unsafe.Sizeof(blaRun{}))
	n := min(m, denseMax)
	dense := float64(n)*float64(bits.Len(uint(n))+2)*float64(blaEntryBytes) + 2*float64(n)*float64(unsafe.Sizeof(blaRun{})) +
		float64(n)*float64(bits.Len(uint(n)))*8
	return max(aligned, dense)
}

// newBLATable builds the table of ref for pixels with |dc| <= dcMax
// whose dc mantissas are scaled by 2^de. It keeps two levels in full
// while it merges, and packs each.
func newBLATable(ref *Reference, dcMax fx, de int) *blaTable {
	m := ref.M()
	if m < 2 {
		return &blaTable{}
	}
	t := &blaTable{dense: m <= denseMax}
	// Single steps are cheap to make, so the first level is never held
	// in full: only the levels above it are, two at a time.
	one := newCx(1, 0, 0)
	single := func(i int) blaRun {
		z := newCx(ref.Zr[i+1], ref.Zi[i+1], 0)
		return blaRun{a: newCx(2*z.re, 2*z.im, z.e), b: one, r: z.abs().mul(fx{blaEpsilon, 0})} // A = 2 Z_m
	}
	first := make([]blaEntry, m-1)
	for i := range first {
		first[i] = pack(single(i), de)
	}
	t.levels = append(t.levels, first)
	packed := func(l []blaRun) []blaEntry {
		out := make([]blaEntry, len(l))
		for i, run := range l {
			out[i] = pack(run, de)
		}
		return out
	}
	var level []blaRun
	if t.dense {
		level = make([]blaRun, m-2)
		for i := range level {
			level[i] = merge(single(i), single(i+1), dcMax)
		}
		t.levels = append(t.levels, packed(level))
		for step := 2; len(level) > step; step *= 2 {
			next := make([]blaRun, len(level)-step)
			for i := range next {
				next[i] = merge(level[i], level[i+step], dcMax)
			}
			t.levels = append(t.levels, packed(next))
			level = next
		}
		t.rungs = len(t.levels) - 1
		t.ladder = make([]float64, (m-1)*t.rungs)
		for j := 1; j < len(t.levels); j++ {
			for i, e := range t.levels[j] {
				t.ladder[i*t.rungs+j-1] = e.r2
			}
		}
		t.tail = make([]blaEntry, m-1)
		run := single(m - 2)
		t.tail[m-2] = pack(run, de)
		for i := m - 3; i >= 0; i-- {
			run = merge(single(i), run, dcMax)
			t.tail[i] = pack(run, de)
		}
		return t
	}
	level = make([]blaRun, (m-1)/2)
	for i := range level {
		level[i] = merge(single(2*i), single(2*i+1), dcMax)
	}
	t.levels = append(t.levels, packed(level))
	for len(level) >= 2 {
		next := make([]blaRun, len(level)/2)
		for i := range next {
			next[i] = merge(level[2*i], level[2*i+1], dcMax)
		}
		t.levels = append(t.levels, packed(next))
		level = next
	}
	return t
}

// merge is x's steps, then y's: A = A_y A_x, B = A_y B_x + B_y, and
// R = min(R_x, (R_y - |B_x| |dc|max) / |A_x|), so that the z that x
// leaves is within y's radius for every pixel of the image.
func merge(x, y blaRun, dcMax fx) blaRun {
	a := y.a.mul(x.a)
	b := y.a.mul(x.b).add(y.b)
	r := y.r.sub(x.b.abs().mul(dcMax))
	if r.m <= 0 {
		r = fx{}
	} else if ax := x.a.abs(); ax.m != 0 {
		r = r.div(ax)
	}
	if x.r.less(r) {
		r = x.r
	}
	return blaRun{a: a, b: b, r: r}
}

func r2(r fx) float64 {
	v := math.Ldexp(float64(r.m*r.m), 2*r.e)
	if math.IsInf(v, 0) {
		return math.MaxFloat64
	}
	return v
}

// bytes is the table's memory.
func (t *blaTable) bytes() float64 {
	n := len(t.tail)
	for _, l := range t.levels {
		n += len(l)
	}
	return float64(n)*float64(blaEntryBytes) + float64(len(t.ladder))*8
}
