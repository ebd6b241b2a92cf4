package deep

import "math"

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
}

// blaTable holds levels[j][i], the run of 2^j steps from m = 1 + i*2^j.
// A run lands at most at M, so it never needs a Z the reference lacks.
type blaTable struct {
	levels [][]blaEntry
}

// blaEntryBytes is an entry's size, for the memory plan.
const blaEntryBytes = 64

// BLABytes estimates the memory of the table of a reference of m steps:
// about 2m entries.
func BLABytes(m int) float64 { return 2 * float64(m) * blaEntryBytes }

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
	return float64(n) * blaEntryBytes
}
