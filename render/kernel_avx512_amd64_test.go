package render

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/mandel-project/mandel/render/internal/gentest"
)

// TestKernelsMatchScalarAtLaneEdges compares every kernel with Scalar on
// rows around multiples of the widest kernel's lanes (where the block
// routine stops refilling lanes and leaves the row's end to the driver)
// and at iteration limits around multiples of the unroll factors (where
// lanes finish at maxIter inside the block routine or in Go), on a row
// that mixes fast escapes, slow ones and interior points.
func TestKernelsMatchScalarAtLaneEdges(t *testing.T) {
	ks := kernels(t)
	// avx512ShortRow-1 and avx512ShortRow: the avx512 kernel's two paths.
	for _, n := range []int{maxLanes - 1, maxLanes, maxLanes + 1, 2*maxLanes - 1, 2 * maxLanes, 2*maxLanes + 1, 3*maxLanes + 5, 200, avx512ShortRow - 1, avx512ShortRow, avx512ShortPeriodic} {
		for _, m := range []int{maxUnroll - 1, maxUnroll, maxUnroll + 1, 8*maxUnroll - 1, 8 * maxUnroll, 250*maxUnroll + 1, 256 * maxUnroll, stopCheckIters, stopCheckIters + 1} {
			cr := make([]float64, n)
			for i := range cr {
				// From outside the set through the cardioid's edge to its
				// inside, in an order that mixes them.
				cr[i] = -2.1 + 2.6*float64((i*37)%n)/float64(n)
			}
			ci := 0.13
			want := make([]uint32, n)
			wantMag := make([]float64, n)
			wantWork := Scalar(cr, ci, m, 4, want, wantMag, nil)
			for name, k := range ks {
				got := make([]uint32, n)
				gotMag := make([]float64, n)
				if work := k.Row(cr, ci, m, 4, got, gotMag, nil); work != wantWork {
					t.Errorf("%s, %d points, maxIter %d: work %d, Scalar %d", name, n, m, work, wantWork)
				}
				for i := range cr {
					if got[i] != want[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
						t.Fatalf("%s, %d points, maxIter %d, point %d (c=%v%+vi): iter %d, mag2 %v; Scalar: %d, %v",
							name, n, m, i, cr[i], ci, got[i], gotMag[i], want[i], wantMag[i])
					}
				}
			}
		}
	}
}

// TestGeneratedAVX512KernelIsUpToDate is TestGeneratedKernelIsUpToDate for
// internal/avx512gen.
func TestGeneratedAVX512KernelIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	gentest.CheckGenerated(t, "./internal/avx512gen", "kernel_avx512_amd64.s", "kernel_avx512_amd64.go", "render")
}

// TestLastTest checks lastTest, the AVX-512 routine's check and its Go
// tail, against lastSafe one c at a time: a row is fit for the last-test
// escape test only if every c is, wherever in the row (the vector part or
// the tail) the one unfit c sits.
func TestLastTest(t *testing.T) {
	if _, ok := kernels(t)["avx512"]; !ok {
		t.Skip("no AVX-512F")
	}
	const e2 = 4
	// Fit: well inside and outside |c| = 2, and huge but below 1e15.
	// Unfit: on the circle |c| = 2 (exactly, and within the margin),
	// beyond 1e15, and NaN.
	fit := []float64{0, 1.5, -1.9999, 2.0001, -3, 1e14}
	unfit := []float64{2, -2, math.Nextafter(2, 3), -2 + 1e-7, 1e16, math.NaN()}
	for _, n := range []int{1, 7, 8, 9, 16, 23, 64} {
		row := make([]float64, n)
		for i := range row {
			row[i] = fit[i%len(fit)]
		}
		if !lastTest(row, 0, e2) {
			t.Fatalf("%d fit c: lastTest false", n)
		}
		for i := range n {
			for _, u := range unfit {
				bad := append([]float64(nil), row...)
				bad[i] = u
				if lastTest(bad, 0, e2) {
					t.Fatalf("%d c, %v at %d: lastTest true", n, u, i)
				}
			}
		}
	}
	// ci counts: cr = 0 with ci = 2 is on the circle.
	if lastTest(make([]float64, 16), 2, e2) {
		t.Error("c = 2i: lastTest true")
	}
	// Outside 4 <= escape2 <= 1e12 the proof does not hold.
	for _, e := range []float64{3.99, 1e13, math.NaN()} {
		if lastTest(make([]float64, 16), 0, e) {
			t.Errorf("escape2 %v: lastTest true", e)
		}
	}
	// For R > 2 the ranges meet: |c| = 2 is fit.
	if !lastTest([]float64{2, -2, 2, 2, 2, 2, 2, 2, 2}, 0, 6.25) {
		t.Error("escape2 6.25, |c| = 2: lastTest false")
	}
}

// TestKernelsMatchScalarOnTheCircle runs every kernel on rows through
// |c| = 2, where the AVX-512 kernel's escape test at each block's last
// iteration is not proven exact and the row goes to the AVX2 kernel, and
// on the same rows without those points.
func TestKernelsMatchScalarOnTheCircle(t *testing.T) {
	ks := kernels(t)
	_, has512 := ks["avx512"]
	for _, ci := range []float64{0, 0.5, 1.25} {
		x := math.Sqrt(4 - ci*ci)
		for _, shell := range []bool{true, false} {
			cr := make([]float64, avx512ShortPeriodic+50)
			for i := range cr {
				cr[i] = -2.2 + 3.2*float64(i)/float64(len(cr))
			}
			if shell {
				cr[100], cr[101], cr[102] = -x, math.Nextafter(-x, 0), math.Nextafter(-x, -3)
			} else {
				// Just outside the shell lastTest leaves out, on both
				// sides: fit, so the AVX-512 routines run them.
				for i, r := range []float64{2 * (1 - 3e-6), 2 * (1 + 3e-6)} {
					cr[100+i] = -math.Sqrt(r*r - ci*ci)
				}
			}
			if got := lastTest(cr, ci, 4); has512 && got == shell {
				t.Fatalf("ci %v, shell %v: lastTest %v", ci, shell, got)
			}
			want := make([]uint32, len(cr))
			wantMag := make([]float64, len(cr))
			wantWork := Scalar(cr, ci, 300, 4, want, wantMag, nil)
			for name, k := range ks {
				got := make([]uint32, len(cr))
				gotMag := make([]float64, len(cr))
				if work := k.Row(cr, ci, 300, 4, got, gotMag, nil); work != wantWork {
					t.Errorf("%s, ci %v: work %d, Scalar %d", name, ci, work, wantWork)
				}
				for i := range cr {
					if got[i] != want[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
						t.Fatalf("%s, c=%v%+vi: iter %d, mag2 %v; Scalar: %d, %v", name, cr[i], ci, got[i], gotMag[i], want[i], wantMag[i])
					}
				}
			}
		}
	}
}

// BenchmarkShortRows runs the AVX2 kernel and the AVX-512 one's own
// routines (no hand-over) on rows of n samples of a view's x range, every
// 32nd row of its y range, with and without periodicity checking, and
// reports the rendering thread's CPU time per row: where the two cross is
// where avx512ShortRow and avx512ShortPeriodic belong. -count runs each back to back; for a ratio
// on a busy machine, run the binary in a loop with -test.count 1.
func BenchmarkShortRows(b *testing.B) {
	if _, err := LookupKernel("avx512"); err != nil {
		b.Skip(err)
	}
	rows := []struct {
		name string
		row  RowFunc
	}{{"avx2", avx2Kernel}, {"avx512", avx512Rows}, {"avx2-periodic", avx2Periodic}, {"avx512-periodic", avx512PeriodicRows}}
	for _, view := range []string{"full", "interior"} {
		p, err := LookupPreset(view)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{64, 128, 192, 256, 384, 512, 768, 1024} {
			v := p.View
			v.Width = n
			xs, ys := v.Plane()
			iter, mag2 := make([]uint32, n), make([]float64, n)
			for _, r := range rows {
				b.Run(fmt.Sprintf("view=%s/n=%d/kernel=%s", view, n, r.name), func(b *testing.B) {
					cpu, unlock := threadCPU()
					defer unlock()
					var used time.Duration
					rowsDone := 0
					for b.Loop() {
						c0 := cpu()
						for y := 0; y < len(ys); y += 32 {
							r.row(xs, ys[y], v.MaxIter, v.escape2(), iter, mag2, nil)
							rowsDone++
						}
						used += cpu() - c0
					}
					b.ReportMetric(float64(used.Microseconds())/float64(rowsDone), "cpu-us/row")
				})
			}
		}
	}
}
