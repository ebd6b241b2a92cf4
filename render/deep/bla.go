package deep

import (
	"math"
	"unsafe"
)

// blaEpsilon is the relative size, next to |Z_m|, below which a single
// step's z_m^2 is dropped: 2^-53, float64's own rounding, so that a
// skipped step errs no more than a computed one. (Public implementations
// use larger values for speed; the exactness tests hold this one.)
const blaEpsilon = 0x1p-53

// blaEntry is one run of steps: z_{m+l} = A z_m + B dc while |z_m| < R.
// A, B and R are extended-exponent numbers: deep in the set A and B grow
// past 1e308 and R falls below 1e-308. r2 is R^2 as a float64 (0 where
// it underflows), for the float64 loop's test.
type blaEntry struct {
	a, b cx
	r    fx
	r2   float64
	// fa and fb are A and B x 2^de (de the exponent of the pixels' dc
	// mantissas) as float64s, where they and their products stay normal
	// (fast): the float64 loop then applies the run without Ldexp, to the
	// same bits wherever the products stay normal, since scaling by a power
	// of 2 there is exact.
	far, fai, fbr, fbi float64
	fast               bool
}

// setFast fills the entries' float64 forms for dc mantissas scaled by
// 2^de.
func (t *blaTable) setFast(de int) {
	ok := func(e int) bool { return e > -900 && e < 900 }
	for _, level := range t.levels {
		for i := range level {
			e := &level[i]
			if e.fast = ok(e.a.e) && ok(e.b.e+de); e.fast {
				e.far, e.fai = math.Ldexp(e.a.re, e.a.e), math.Ldexp(e.a.im, e.a.e)
				e.fbr, e.fbi = math.Ldexp(e.b.re, e.b.e+de), math.Ldexp(e.b.im, e.b.e+de)
			}
		}
	}
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
}

// denseMax is the longest orbit whose table is dense: 2^14 steps make
// 14 levels of 2^14 entries, 24 MB.
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

// BLABytes estimates the memory of the table of a reference of m steps:
// about 2m entries.
func BLABytes(m int) float64 { return 2 * float64(m) * float64(blaEntryBytes) }

// newBLATable builds the table of ref for pixels with |dc| <= dcMax.
func newBLATable(ref *Reference, dcMax fx) *blaTable {
	m := ref.M()
	if m < 2 {
		return &blaTable{}
	}
	t := &blaTable{}
	level := make([]blaEntry, m-1)
	one := newCx(1, 0, 0)
	for i := range level {
		z := newCx(ref.Zr[i+1], ref.Zi[i+1], 0)
		a := newCx(2*z.re, 2*z.im, z.e) // 2 Z_m
		r := z.abs().mul(fx{blaEpsilon, 0})
		level[i] = blaEntry{a: a, b: one, r: r, r2: r2(r)}
	}
	t.levels = append(t.levels, level)
	if t.dense = m <= denseMax; t.dense {
		for step := 1; len(level) > step; step *= 2 {
			next := make([]blaEntry, len(level)-step)
			for i := range next {
				next[i] = merge(level[i], level[i+step], dcMax)
			}
			t.levels = append(t.levels, next)
			level = next
		}
		return t
	}
	for len(level) >= 2 {
		next := make([]blaEntry, len(level)/2)
		for i := range next {
			next[i] = merge(level[2*i], level[2*i+1], dcMax)
		}
		t.levels = append(t.levels, next)
		level = next
	}
	return t
}

// merge is x's steps, then y's: A = A_y A_x, B = A_y B_x + B_y, and
// R = min(R_x, (R_y - |B_x| |dc|max) / |A_x|), so that the z that x
// leaves is within y's radius for every pixel of the image.
func merge(x, y blaEntry, dcMax fx) blaEntry {
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
	return blaEntry{a: a, b: b, r: r, r2: r2(r)}
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
	n := 0
	for _, l := range t.levels {
		n += len(l)
	}
	return float64(n) * float64(blaEntryBytes)
}
