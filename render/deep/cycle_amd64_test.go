package deep

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCycleLanesSameBits: the periods on cyclePeriods512's lanes are
// cycle's, so a render with them has the scalar path's counts, final
// |z|^2 bits, skipped iterations and periodicity figures, on both
// minibrots, at the pixels' own offsets and at random ones.
func TestCycleLanesSameBits(t *testing.T) {
	if !cycleLanesAvailable {
		t.Skip("this CPU has no AVX-512F and DQ: no vector period loop to compare")
	}
	rng := rand.New(rand.NewPCG(17, 66))
	for _, v := range []testView{mini66, mini248} {
		v.w, v.h, v.maxIter = 32, 18, 20000
		kx, ky := v.offsets()
		for _, jitter := range []bool{false, true} {
			if jitter {
				for i := range kx {
					kx[i] += rng.Float64() - 0.5
				}
				for i := range ky {
					ky[i] += rng.Float64() - 0.5
				}
			}
			run := func(vec bool) ([]uint32, []float64, *Plan) {
				cfg := v.config(t, true)
				cfg.Periodicity, cfg.Lanes = true, true
				p, err := NewPlan(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !p.cycleLanes {
					t.Fatalf("%s: the plan does not take the vector period loop", v.re)
				}
				p.cycleLanes = vec
				iter := make([]uint32, v.w*v.h)
				mag2 := make([]float64, v.w*v.h)
				for y, k := range ky {
					p.Row(kx, k, iter[y*v.w:(y+1)*v.w], mag2[y*v.w:(y+1)*v.w], nil)
				}
				return iter, mag2, p
			}
			wantIter, wantMag, pw := run(false)
			gotIter, gotMag, pg := run(true)
			bad := 0
			for i := range wantIter {
				if gotIter[i] != wantIter[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
					if bad++; bad <= 5 {
						t.Errorf("sample %d: %d, %v on the lanes; %d, %v scalar", i, gotIter[i], gotMag[i], wantIter[i], wantMag[i])
					}
				}
			}
			gp, gs := pg.Periodic()
			wp, ws := pw.Periodic()
			if pg.Skipped() != pw.Skipped() || gp != wp || gs != ws {
				t.Errorf("skipped %d, periodic %d (%d saved) on the lanes; %d, %d (%d) scalar", pg.Skipped(), gp, gs, pw.Skipped(), wp, ws)
			}
			if wp == 0 || pg.vecPeriods.Load() == 0 {
				t.Errorf("periodic %d, vector periods %d: the view does not exercise the vector loop's periodicity check", wp, pg.vecPeriods.Load())
			}
		}
	}
}
