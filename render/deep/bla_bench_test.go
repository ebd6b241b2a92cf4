package deep

import (
	"context"
	"math"
	"testing"
)

// mini66 is the period-66 nucleus of TestPeriodicity, 7e-25 from c = i.
var mini66 = testView{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
	"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914",
	"5e-49", 640, 360, 1000000}

// mini248 is the same figure at the period-248 nucleus below.
var mini248 = testView{mini248re, mini248im, "5e-49", 640, 360, 1000000}

// BenchmarkBLAPixels is the pixel stage of issue 17's BLA figure (640x360
// at maxiter 1e6 around a minibrot, with periodicity checking as the
// command's default), on every 8th sample of every 8th row so that one
// operation is short: with BLA (its periods in scalar Go, and blalanes:
// on SIMD lanes where the CPU has them), without it (advance's scalar
// loop), and without it on SIMD lanes where the CPU has them (else the
// scalar loop again), the fastest perturbation without BLA; interleaved
// by -count. The
// reference orbit and the table are made outside the timer. It reports
// the share of the iterations BLA skipped.
func BenchmarkBLAPixels(b *testing.B) {
	for _, v := range []struct {
		name string
		v    testView
	}{{"66", mini66}, {"248", mini248}} {
		for _, c := range []struct {
			name       string
			bla, lanes bool
		}{{"bla", true, false}, {"blalanes", true, true}, {"nobla", false, false}, {"lanes", false, true}} {
			b.Run(v.name+"/"+c.name, func(b *testing.B) {
				benchPixels(b, v.v, 8, c.bla, c.lanes)
			})
		}
	}
}

func benchPixels(b *testing.B, v testView, step int, bla, lanes bool) {
	cfg := v.config(b, bla)
	cfg.Periodicity = true
	cfg.Lanes = lanes
	p, err := NewPlan(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if want := !bla && lanes && rowLanesFunc != nil; p.Lanes() != want {
		b.Fatalf("lanes %v, want %v", p.Lanes(), want)
	}
	if want := bla && lanes && rowCycleFunc != nil; p.cycleLanes != want {
		b.Fatalf("periods on lanes %v, want %v", p.cycleLanes, want)
	}
	kx, ky := v.offsets()
	var xs, ys []float64
	for i := step / 2; i < len(kx); i += step {
		xs = append(xs, kx[i])
	}
	for i := step / 2; i < len(ky); i += step {
		ys = append(ys, ky[i])
	}
	iter := make([]uint32, len(xs))
	mag2 := make([]float64, len(xs))
	var work int64
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		for _, y := range ys {
			work += p.Row(xs, y, iter, mag2, nil)
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(100*float64(p.Skipped())/float64(work), "%skipped")
	b.ReportMetric(float64(work)/float64(b.N), "iter/op")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// TestCycleSameBits: cycle's shortcut through a period makes advance's
// decisions with advance's arithmetic, so the samples' counts and final
// |z|^2 are the same bits with it and without, and so are the skipped
// iterations and the pixels periodicity checking stops.
func TestCycleSameBits(t *testing.T) {
	for _, v := range []testView{mini66, mini248} {
		v.w, v.h, v.maxIter = 32, 18, 20000
		checkCycleSameBits(t, v)
	}
}

func checkCycleSameBits(t *testing.T, v testView) {
	run := func(noCycle bool) ([]uint32, []float64, *Plan) {
		cfg := v.config(t, true)
		cfg.Periodicity = true
		p, err := NewPlan(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		p.noCycle = noCycle
		kx, ky := v.offsets()
		iter := make([]uint32, v.w*v.h)
		mag2 := make([]float64, v.w*v.h)
		for y, k := range ky {
			p.Row(kx, k, iter[y*v.w:(y+1)*v.w], mag2[y*v.w:(y+1)*v.w], nil)
		}
		return iter, mag2, p
	}
	wantIter, wantMag, pw := run(true)
	gotIter, gotMag, pg := run(false)
	for i := range wantIter {
		if gotIter[i] != wantIter[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
			t.Errorf("sample %d: %d, %v with cycle; %d, %v without", i, gotIter[i], gotMag[i], wantIter[i], wantMag[i])
		}
	}
	gp, gs := pg.Periodic()
	wp, ws := pw.Periodic()
	if pg.Skipped() != pw.Skipped() || gp != wp || gs != ws {
		t.Errorf("skipped %d, periodic %d (%d saved) with cycle; %d, %d (%d) without", pg.Skipped(), gp, gs, pw.Skipped(), wp, ws)
	}
	if gp == 0 {
		t.Errorf("%s: no sample stopped as inside: the view does not exercise the periodicity check in cycle", v.re)
	}
}

// mini248re, mini248im is a nucleus of period 248 and size about 1.5e-49
// (the estimate 1/|b l^2|, l the product of 2 z_n over the period and b
// the sum of 1/l_n): Newton's method in 800 bits, down the family of
// nuclei of period 4 (66 - 2j) that accumulate, scaling by that
// Misiurewicz point's multiplier, at the period-4 minibrot's copy of
// c = i (the Misiurewicz point c = -1.94080916... + 0.00098744...i, where
// z_8 = z_16). It is the period-66 nucleus's place in that copy: the
// same size, nearly four times the period, as minibrots at such depths
// usually have (the period-66 one is short for its depth, next to c = i).
const mini248re, mini248im = "-1.9408091659639203520129882536363798837382885295777584731617465332432050999296535344883961434379226927",
	"0.0009874418394911391448421747705412564820245529656162272070290353905031225491976450493546174643148011"

// TestBLABytesBounds: the memory plan's estimate is at least the table's
// size, for dense tables (with their tails; the largest, denseMax steps,
// is left out to keep the test short under the race detector) and
// aligned ones.
func TestBLABytesBounds(t *testing.T) {
	for _, m := range []int{2, 3, 100, 3000, denseMax + 1} {
		ref := &Reference{Zr: make([]float64, m+1), Zi: make([]float64, m+1)}
		for i := range ref.Zr {
			ref.Zr[i], ref.Zi[i] = math.Cos(float64(i)), math.Sin(float64(i)) // |Z| = 1: radii that merge
		}
		tab := newBLATable(ref, newFx(1, -200), -200)
		if got, est := tab.bytes(), BLABytes(m); got > est {
			t.Errorf("m = %d: table of %.0f bytes, estimate %.0f", m, got, est)
		}
	}
}
