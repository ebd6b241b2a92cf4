package deep

import (
	"context"
	"testing"
)

// mini66 is the period-66 nucleus of TestPeriodicity, 7e-25 from c = i.
var mini66 = testView{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
	"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914",
	"5e-49", 640, 360, 1000000}

// BenchmarkBLAPixels is the pixel stage of issue 17's BLA figure (640x360
// at maxiter 1e6 around a minibrot, with periodicity checking as the
// command's default), on every 8th sample of every 8th row so that one
// operation is short: with BLA and without, interleaved by -count. The
// reference orbit and the table are made outside the timer. It reports
// the share of the iterations BLA skipped.
func BenchmarkBLAPixels(b *testing.B) {
	for _, c := range []struct {
		name string
		bla  bool
	}{{"bla", true}, {"nobla", false}} {
		b.Run(c.name, func(b *testing.B) {
			benchPixels(b, mini66, 8, c.bla)
		})
	}
}

func benchPixels(b *testing.B, v testView, step int, bla bool) {
	cfg := v.config(b, bla)
	cfg.Periodicity = true
	p, err := NewPlan(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
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
