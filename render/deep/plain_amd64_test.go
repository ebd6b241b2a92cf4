package deep

import (
	"math"
	"testing"
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
			kx, ky := c.v.offsets()
			render := func() ([]uint32, []float64, int64) {
				p, err := NewPlan(t.Context(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				w := len(kx)
				iter, mag2 := make([]uint32, w*len(ky)), make([]float64, w*len(ky))
				var work int64
				for y, k := range ky {
					work += p.Row(kx, k, iter[y*w:(y+1)*w], mag2[y*w:(y+1)*w], nil)
				}
				return iter, mag2, work
			}
			gi, gm, gw := render()
			plainFMAFunc = nil
			wi, wm, ww := render()
			plainFMAFunc = asm
			bad := 0
			for i := range wi {
				if gi[i] != wi[i] || math.Float64bits(gm[i]) != math.Float64bits(wm[i]) {
					if bad++; bad <= 3 {
						t.Errorf("%s (periodicity %v): sample %d: plainFMA %d iterations, |z|^2 %v; Go %d, %v", c.name, periodicity, i, gi[i], gm[i], wi[i], wm[i])
					}
				}
			}
			if gw != ww {
				t.Errorf("%s (periodicity %v): work %d with plainFMA, %d in Go", c.name, periodicity, gw, ww)
			}
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
