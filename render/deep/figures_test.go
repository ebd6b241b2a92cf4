package deep

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestFigureBruteForce estimates, for issue 17's figure, how much faster
// the perturbation path is than brute force (big.Float per pixel) on
// 256x256 views with maxiter 20000, whole process including the reference
// orbit: at 1e-50 around c = i, and at 5e-49 around the period-66
// minibrot 7e-25 from it (TestPeriodicity). The brute force is timed on a sample of
// 256 pixels spread over the view and scaled to all of them. It runs only
// with MANDEL_DEEP_FIGURES=1: it is a measurement, not a check.
func TestFigureBruteForce(t *testing.T) {
	if os.Getenv("MANDEL_DEEP_FIGURES") == "" {
		t.Skip("set MANDEL_DEEP_FIGURES=1 to measure")
	}
	for _, v := range []testView{
		{"0", "1", "1e-50", 256, 256, 20000},
		{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
			"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", 256, 256, 20000},
	} {
		figureBruteForce(t, v)
	}
}

func figureBruteForce(t *testing.T, v testView) {
	start := time.Now()
	cpu0 := cpuTime()
	cfg := v.config(t, true)
	cfg.Periodicity = true // as the command, with --shortcuts
	p, err := NewPlan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	kx, ky := v.offsets()
	iter := make([]uint32, v.w)
	mag2 := make([]float64, v.w)
	var work int64
	for _, k := range ky {
		work += p.Row(kx, k, iter, mag2, nil)
	}
	pertWall, pertCPU := time.Since(start), cpuTime()-cpu0

	start = time.Now()
	cpu0 = cpuTime()
	counts := spreadBruteForce(t, v, 16) // 256 pixels spread over the view
	bruteWall, bruteCPU := time.Since(start), cpuTime()-cpu0
	var sampled int64
	for _, n := range counts {
		sampled += int64(n)
	}
	scale := float64(v.w*v.h) / float64(len(counts))
	t.Logf("%s,%s at %s:", v.re, v.im, v.scale)
	t.Logf("perturbation with BLA: %d iterations, wall %v, CPU %v (reference and BLA table included)", work, pertWall, pertCPU)
	t.Logf("brute force: %d pixels, %d iterations, wall %v, CPU %v; scaled to %d pixels: CPU %v",
		len(counts), sampled, bruteWall, bruteCPU, v.w*v.h, time.Duration(float64(bruteCPU)*scale))
	t.Logf("speedup (CPU): %.0fx", float64(bruteCPU)*scale/float64(pertCPU))
}

// spreadBruteForce runs the brute force on every step-th pixel of every
// step-th row of v.
func spreadBruteForce(t *testing.T, v testView, step int) []uint32 {
	kx, ky := v.offsets()
	var out []uint32
	for y := step / 2; y < v.h; y += step {
		for x := step / 2; x < v.w; x += step {
			out = append(out, bruteOne(t, v, kx[x], ky[y]))
		}
	}
	return out
}
