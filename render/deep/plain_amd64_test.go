package deep

import (
	"fmt"
	"math"
	"testing"
	"unsafe"
)

// TestPlainFMAMatchesGo: the loop without BLA gives the same counts and
// final |z|^2, bit for bit, with its plain steps in plainFMA as in Go's
// math.FMA (the path of CPUs without FMA), on views that rebase, escape,
// start in the rescaled loop and leave it, with and without periodicity
// checking.
func TestPlainFMAMatchesGo(t *testing.T) {
	asm := plainFMAFunc
	if asm == nil {
		t.Skip("this CPU has no FMA: plainFMA does not run")
	}
	// A render that fails leaves by runtime.Goexit, past the restore
	// below: later tests would then skip plainFMA as if the CPU had no FMA.
	t.Cleanup(func() { plainFMAFunc = asm })
	views := []struct {
		name string
		v    testView
	}{
		{"c=i 1e-20", testView{"0", "1", "1e-20", 24, 6, 600}},
		{"c=i 1e-160", testView{"0", "1", "1e-160", 24, 6, 1500}},
		{"minibrot 5e-49", testView{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
			"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", 24, 6, 3000}},
		{"escaping reference", testView{"-1.7685", "0.0042", "1e-30", 24, 6, 2000}},
		{"spiral 1e-9", testView{"-0.743643887037151", "0.131825904205330", "1e-9", 24, 6, 3000}},
	}
	for _, c := range views {
		for _, periodicity := range []bool{false, true} {
			cfg := c.v.config(t, false)
			cfg.Periodicity = periodicity
			got := renderPlan(t, cfg, c.v)
			plainFMAFunc = nil
			want := renderPlan(t, cfg, c.v)
			plainFMAFunc = asm
			sameResults(t, fmt.Sprintf("%s (periodicity %v), plainFMA against Go", c.name, periodicity), got, want)
		}
	}
}

// TestPlainFMAStops holds plainFMA to each reason to stop, on orbits made
// for it: before a pass that escapes, one that rebases, one whose delta
// has reached the rescaled loop, and at limit; and its deltas to
// stepFMA's.
func TestPlainFMAStops(t *testing.T) {
	if plainFMAFunc == nil {
		t.Skip("this CPU has no FMA: plainFMA does not run")
	}
	zero := []orbitPoint{{0, 0}, {0, 0}, {0, 0}, {0, 0}}
	for _, c := range []struct {
		name           string
		orbit          []orbitPoint
		limit          int
		dr, di, cr, ci float64
		want           int
	}{
		// d' = d^2 + dc: 2^-600 + 2^-520, both parts under 2^-510 after
		// one step.
		{"to the rescaled loop", zero, 3, 0x1p-300, 0, 0x1p-520, 0, 1},
		// Only the real part small: the float64 loop goes on.
		{"one part small", zero, 3, 0x1p-300, 0x1p-200, 0x1p-520, 0x1p-400, 3},
		// |Z + d| = 2^-5 |d|: rebases (under a quarter), at once.
		{"rebase", []orbitPoint{{-1, 0}, {0, 0}}, 1, 1 + 0x1p-5, 0, 0, 0, 0},
		// |Z + d| = |d| / 3: not yet.
		{"no rebase", []orbitPoint{{-0.5, 0}, {0, 0}}, 1, 0.75, 0, 0, 0, 1},
		// 2.5 + d > 2 at the second pass.
		{"escape", []orbitPoint{{1, 0}, {2.5, 0}, {0, 0}}, 2, 0x1p-20, 0, 0, 0, 1},
		{"limit", zero, 2, 0x1p-3, 0x1p-4, 0x1p-6, 0x1p-7, 2},
	} {
		steps, dr, di := plainFMAFunc(&c.orbit[0].zr, c.limit, 4, rebaseFactor, c.dr, c.di, c.cr, c.ci)
		wr, wi := c.dr, c.di
		for m := range steps {
			z := c.orbit[m]
			fr, fi := z.zr+wr, z.zi+wi
			wr, wi = stepFMA(fr+z.zr, fi+z.zi, wr, wi, c.cr, c.ci)
		}
		if steps != c.want || math.Float64bits(dr) != math.Float64bits(wr) || math.Float64bits(di) != math.Float64bits(wi) {
			t.Errorf("%s: %d steps to (%v, %v), want %d to (%v, %v)", c.name, steps, dr, di, c.want, wr, wi)
		}
	}
}

// TestPlainPairMatchesGo: with BLA, the same counts and final |z|^2, bit
// for bit, with the paired steps in assembly (plainPairBLA, and
// floatPairBLA where the table is dense) as in plain2's Go loop, on
// views that rebase, escape, take BLA runs and periods, with and without
// the period lanes.
func TestPlainPairMatchesGo(t *testing.T) {
	if !hasPlainPair {
		t.Skip("this CPU has no AVX: plainPairBLA does not run")
	}
	defer func() { hasPlainPair = true }()
	for _, v := range []testView{
		{"0", "1", "1e-20", 24, 6, 600},
		{mini66.re, mini66.im, "5e-49", 24, 6, 3000},
		{mini248re, mini248im, "5e-49", 24, 6, 3000},
		{"-0.743643887037151", "0.131825904205330", "1e-9", 24, 6, 3000},
	} {
		for _, lanes := range []bool{false, true} {
			cfg := v.config(t, true)
			cfg.Periodicity = true
			cfg.Lanes = lanes
			hasPlainPair = true
			got := renderPlan(t, cfg, v)
			hasPlainPair = false
			want := renderPlan(t, cfg, v)
			sameResults(t, fmt.Sprintf("%s %s (lanes %v), plainPairBLA against Go", v.re, v.scale, lanes), got, want)
		}
	}
}

// TestPlainPairStops holds plainPairBLA to plain2's Go loop at each
// reason to stop, for either pixel: an escape, a rebase, the rescaled
// loop, BLA's gate, the reference's end and limit.
func TestPlainPairStops(t *testing.T) {
	if !hasPlainPair {
		t.Skip("this CPU has no AVX: plainPairBLA does not run")
	}
	defer func() { hasPlainPair = true }()
	orbit := []orbitPoint{{0.1, 0.2}, {0.3, -0.1}, {-0.2, 0.25}, {2.1, 0}, {-1, 0}, {0.5, 0.5}, {0.2, 0.1}, {0.1, 0.3}, {-0.3, 0.2}, {0, 0}, {0, 0}}
	gate := make([]float64, len(orbit))
	gate[8] = 0.01 // a BLA run from m = 8 for deltas under 0.1
	// A plan with BLA (a table with no runs, so that plain2 takes its
	// plain steps): Zhuoran's rebase test.
	p := &Plan{orbit: orbit, gate: gate, maxIter: 100, escape2: 4, rebase: 1, bla: &blaTable{}}
	type px struct {
		m                int
		dr, di, dcr, dci float64
	}
	for _, c := range []struct {
		name        string
		a, b        px
		limit, want int
	}{
		{"limit", px{0, 0x1p-3, 0x1p-4, 0x1p-6, 0x1p-7}, px{1, 0x1p-5, 0, 0x1p-8, 0}, 2, 2},
		{"escape at m = 3", px{0, 0x1p-3, 0x1p-4, 0x1p-6, 0x1p-7}, px{0, 0x1p-20, 0, 0, 0}, 10, 3},
		{"b rebases at m = 4", px{0, 0x1p-20, 0x1p-20, 0, 0}, px{4, 1 - 0x1p-6, 0, 0, 0}, 10, 0},
		{"a to the rescaled loop", px{1, 0x1p-520, 0x1p-530, 0x1p-600, 0}, px{1, 0x1p-3, 0, 0, 0}, 10, 0},
		{"b at the gate", px{4, 0x1p-30, 0, 0, 0}, px{5, 0x1p-12, 0x1p-12, 0x1p-40, 0}, 10, 3},
		{"the reference's end", px{7, 0.2, 0.3, 0, 0}, px{7, 0.3, 0.2, 0, 0}, 10, 3},
	} {
		run := func(asm bool) (pixelState, pixelState, int) {
			hasPlainPair = asm
			a := pixelState{m: c.a.m, n: c.a.m, dr: c.a.dr, di: c.a.di, dcr: c.a.dcr, dci: c.a.dci}
			b := pixelState{m: c.b.m, n: c.b.m, dr: c.b.dr, di: c.b.di, dcr: c.b.dcr, dci: c.b.dci}
			steps, _ := p.plain2(&a, &b, c.limit)
			return a, b, steps
		}
		ga, gb, gs := run(true)
		wa, wb, ws := run(false)
		if gs != c.want || gs != ws || ga != wa || gb != wb {
			t.Errorf("%s: plainPairBLA %d steps, %+v, %+v; Go %d, %+v, %+v; want %d steps", c.name, gs, ga, gb, ws, wa, wb, c.want)
		}
	}
}

// TestFloatPairMatchesAdvance holds each pixel of floatPairBLA's pairs
// to advance's passes, one at a time, bit for bit (state, counts and
// Brent's saved rebase): pairs of the minibrots' pixels, each call of
// the pair followed by advance's pass of each pixel that it did not
// leave after a pass, as Row takes them, with and without periodicity
// checking. It also checks that the pairs took BLA runs, plain steps
// and rebases, and blaEntry's layout, which the assembly reads at fixed
// offsets.
func TestFloatPairMatchesAdvance(t *testing.T) {
	if !hasPlainPair {
		t.Skip("this CPU has no AVX: floatPairBLA does not run")
	}
	var e blaEntry
	if unsafe.Offsetof(e.a1) != 8 || unsafe.Offsetof(e.b0) != 16 || unsafe.Offsetof(e.b1) != 24 || unsafe.Offsetof(e.r2) != 40 ||
		unsafe.Offsetof(e.fast) != 60 || unsafe.Sizeof(e) != 64 || unsafe.Sizeof([]blaEntry{}) != 24 {
		t.Fatal("blaEntry's layout is not floatPairBLA's")
	}
	var runs, plain, rebases int64
	for _, v := range []testView{
		{mini66.re, mini66.im, "5e-49", 24, 6, 3000},
		{mini248re, mini248im, "5e-49", 24, 6, 3000},
	} {
		for _, periodicity := range []bool{true, false} {
			cfg := v.config(t, true)
			cfg.Periodicity = periodicity
			p, err := NewPlan(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			top := len(p.orbit) - 1
			// check takes s0 by advance's passes to where floatPair left s.
			check := func(s0, s pixelState) {
				t.Helper()
				w := s0
				for w.n < s.n && !w.done {
					p.advance(&w, 1, false, true)
				}
				if w != s {
					t.Fatalf("%s: floatPair to %+v; advance to %+v", v.re, s, w)
				}
				runs += s.skipped - s0.skipped
				plain += int64(s.n-s0.n) - (s.skipped - s0.skipped)
				rebases += int64(s.rebases - s0.rebases)
			}
			kx, ky := v.offsets()
			for x := 0; x+1 < len(kx); x += 2 {
				var a, b pixelState
				p.start(&a, float64(kx[x]*p.d.m), float64(ky[2]*p.d.m))
				p.start(&b, float64(kx[x+1]*p.d.m), float64(ky[2]*p.d.m))
				for !a.done && !b.done && !a.small && !b.small && p.maxIter-a.n >= top && p.maxIter-b.n >= top {
					a0, b0 := a, b
					_, free := p.floatPair(&a, &b, 16)
					check(a0, a)
					check(b0, b)
					for k, s := range [2]*pixelState{&a, &b} {
						if free>>k&1 == 0 {
							p.advance(s, 1, false, true)
						}
					}
				}
			}
		}
	}
	if runs == 0 || plain == 0 || rebases == 0 {
		t.Errorf("the pairs skipped %d steps in BLA runs, took %d plain steps and %d rebases: want all", runs, plain, rebases)
	}
}

// planResults are a plan's rows of a view: counts, final |z|^2 and work.
type planResults struct {
	iter []uint32
	mag2 []float64
	work int64
}

// renderPlan renders every row of v with a plan made from cfg.
func renderPlan(t *testing.T, cfg Config, v testView) planResults {
	t.Helper()
	p, err := NewPlan(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	kx, ky := v.offsets()
	w := len(kx)
	r := planResults{iter: make([]uint32, w*len(ky)), mag2: make([]float64, w*len(ky))}
	for y, k := range ky {
		r.work += p.Row(kx, k, r.iter[y*w:(y+1)*w], r.mag2[y*w:(y+1)*w], nil)
	}
	return r
}

// sameResults wants got and want equal, counts, |z|^2 bit for bit, and work.
func sameResults(t *testing.T, name string, got, want planResults) {
	t.Helper()
	bad := 0
	for i := range want.iter {
		if got.iter[i] != want.iter[i] || math.Float64bits(got.mag2[i]) != math.Float64bits(want.mag2[i]) {
			if bad++; bad <= 3 {
				t.Errorf("%s: sample %d: %d iterations, |z|^2 %v; want %d, %v", name, i, got.iter[i], got.mag2[i], want.iter[i], want.mag2[i])
			}
		}
	}
	if got.work != want.work {
		t.Errorf("%s: work %d, want %d", name, got.work, want.work)
	}
}
