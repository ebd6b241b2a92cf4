package render

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// periodicKernels returns the kernels this CPU runs that have a Periodic
// row, by name: scalar's at least.
func periodicKernels(t testing.TB) map[string]Kernel {
	t.Helper()
	ks := map[string]Kernel{}
	for name, k := range kernels(t) {
		if k.Periodic != nil {
			ks[name] = k
		}
	}
	if _, ok := ks["scalar"]; !ok {
		t.Fatal("the scalar kernel has no Periodic row")
	}
	return ks
}

// comparePeriodic fails unless row, a Periodic row, gives Scalar's counts
// and |z|^2 bit for bit on the row (cr, ci) and does no more work. It
// returns the work of both.
func comparePeriodic(t *testing.T, name string, row RowFunc, cr []float64, ci float64, maxIter int, escape2 float64) (periodic, scalar int64) {
	t.Helper()
	wantIter, wantMag := make([]uint32, len(cr)), make([]float64, len(cr))
	gotIter, gotMag := make([]uint32, len(cr)), make([]float64, len(cr))
	scalar = Scalar(cr, ci, maxIter, escape2, wantIter, wantMag, nil)
	periodic = row(cr, ci, maxIter, escape2, gotIter, gotMag, nil)
	for x := range cr {
		if gotIter[x] != wantIter[x] || math.Float64bits(gotMag[x]) != math.Float64bits(wantMag[x]) {
			t.Fatalf("%s: c = %v%+vi (sample %d of %d), maxiter %d, escape2 %v: periodic row gives %d, %v; Scalar %d, %v",
				name, cr[x], ci, x, len(cr), maxIter, escape2, gotIter[x], gotMag[x], wantIter[x], wantMag[x])
		}
	}
	if periodic > scalar || periodic < 0 {
		t.Fatalf("%s: periodic row did %d iterations, Scalar %d", name, periodic, scalar)
	}
	return periodic, scalar
}

// repeatRow returns n samples that cycle through cr: long rows of short
// cycles, so that a lane kernel finds them with its lanes full and loads
// the next pixels itself, as well as near the row's end.
func repeatRow(cr []float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = cr[i%len(cr)]
	}
	return out
}

// TestPeriodicRowsKnownCycles runs every Periodic row on points whose
// orbits run into cycles after a few steps, through the escape test, or
// neither, alone and in long rows, with iteration limits of every residue
// modulo the lane kernels' unroll and around the powers of two where the
// saved z moves.
func TestPeriodicRowsKnownCycles(t *testing.T) {
	maxIters := []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 101, 1000, 1001, 1002, 1003, 4097}
	for name, k := range periodicKernels(t) {
		for _, row := range periodicRows {
			for _, maxIter := range maxIters {
				t.Run(fmt.Sprintf("%s/%s/%d", name, row.name, maxIter), func(t *testing.T) {
					comparePeriodic(t, name, k.Periodic, row.cr, row.ci, maxIter, 4)
					comparePeriodic(t, name, k.Periodic, repeatRow(row.cr, 157), row.ci, maxIter, 4)
				})
			}
		}
	}
}

// TestPeriodicRowsMatchScalar renders every preset, row by row, with each
// Periodic row at widths that are not multiples of the vector width nor of
// the lanes (some shorter than the lanes), at iteration limits that are
// not multiples of the unroll, at each preset's own limit, and the views
// across the cardioid's and the bulb's edges: the frame must be Scalar's,
// bit for bit, and the work no more than Scalar's.
func TestPeriodicRowsMatchScalar(t *testing.T) {
	type tc struct {
		name string
		view View
	}
	var views []tc
	for _, p := range Presets() {
		for _, size := range [][2]int{{1, 1}, {5, 3}, {17, 5}, {67, 9}} {
			for _, m := range []int{1, 2, 3, 5, 50, 1001} {
				v := p.View
				v.Width, v.Height, v.MaxIter = size[0], size[1], m
				if p.Name == "spiral" {
					v.Scale *= 1e4 // at 1e-10 a 1-pixel-wide view is too fine for float64
				}
				views = append(views, tc{fmt.Sprintf("%s/%dx%dx%d", p.Name, size[0], size[1], m), v})
			}
		}
		v := p.View
		v.Width, v.Height = 61, 5
		if p.Name == "benchgame" {
			v.Width = 251
		}
		views = append(views, tc{p.Name + "/own", v})
	}
	for _, bv := range boundaryViews {
		views = append(views, tc{bv.name, bv.view})
	}
	for name, k := range periodicKernels(t) {
		for _, v := range views {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				xs, ys := v.view.Plane()
				for _, ci := range ys {
					comparePeriodic(t, name, k.Periodic, xs, ci, v.view.MaxIter, v.view.escape2())
				}
			})
		}
	}
}

// TestPeriodicRowsRandomViews compares every Periodic row with Scalar on
// random views, from the whole set to deep zooms, with random widths,
// iteration limits and escape radii.
func TestPeriodicRowsRandomViews(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	n := 300
	if testing.Short() {
		n = 60
	}
	ks := periodicKernels(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range ks {
			if !yield(name) {
				return
			}
		}
	})
	for i := range n {
		center := complex(-2+2.5*rng.Float64(), -1.2+2.4*rng.Float64())
		scale := 3 * math.Pow(10, -6*rng.Float64())
		width := 1 + rng.IntN(90)
		maxIter := 1 + rng.IntN(3000)
		escape2 := []float64{4, 6.25, 1e4}[rng.IntN(3)]
		v := View{Width: width, Height: 3, Center: center, Scale: scale, MaxIter: maxIter}
		xs, ys := v.Plane()
		for _, name := range names {
			for _, ci := range ys {
				comparePeriodic(t, fmt.Sprintf("%s view %d (%v, scale %g, width %d)", name, i, center, scale, width),
					ks[name].Periodic, xs, ci, maxIter, escape2)
			}
		}
	}
}

// TestPeriodicRowsStop checks that a Periodic row gives up when its stop
// flag is set: at once when it is set before the call, and promptly when
// it is set during a row of points that take about 10^8 iterations to
// repeat (the cusp and the neck of the cardioid, where orbits creep
// towards a parabolic fixed point).
func TestPeriodicRowsStop(t *testing.T) {
	for name, k := range periodicKernels(t) {
		t.Run(name, func(t *testing.T) {
			var stop atomic.Bool
			stop.Store(true)
			iter := make([]uint32, 4)
			work := k.Periodic([]float64{-0.1, -0.2, -0.3, 0.1}, 0, MaxMaxIter, 4, iter, make([]float64, 4), &stop)
			if work > 4*stopCheckIters*16 {
				t.Errorf("work %d after stop; want at most a few thousand iterations per pixel", work)
			}

			cr := repeatRow([]float64{0.25, -0.75}, 40)
			stop.Store(false)
			done := make(chan int64)
			go func() {
				done <- k.Periodic(cr, 0, MaxMaxIter, 4, make([]uint32, len(cr)), make([]float64, len(cr)), &stop)
			}()
			time.Sleep(20 * time.Millisecond)
			stop.Store(true)
			stopped := time.Now()
			select {
			case work := <-done:
				// Each of these points runs over 10^8 iterations before
				// its z repeats.
				if work >= int64(len(cr))*1e8 {
					t.Errorf("work %d: the row ran to its end before the stop", work)
				}
				if d := time.Since(stopped); d > time.Second {
					t.Errorf("the row returned %v after stop was set", d)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the row went on for 10 s after stop was set")
			}
		})
	}
}

// TestShortcutsKeepImagesEveryKernel renders every preset and the views
// across the cardioid's and the bulb's edges with each kernel, with and
// without shortcuts: the images must be identical, and the frames too but
// where the cardioid and bulb test took a sample (checkSameImages), which
// holds only if the kernel's Periodic row is exact. With -short (arm64
// under qemu, where emulation makes it a minute) the presets are 32x24:
// the boundary views, where the margin matters, keep their size, and
// scripts/same-bytes.sh compares every preset at 160x120 with and without
// shortcuts against amd64's bytes, which these tests hold at 64x48.
func TestShortcutsKeepImagesEveryKernel(t *testing.T) {
	w, h := 64, 48
	if testing.Short() {
		w, h = 32, 24
	}
	for name, k := range kernels(t) {
		for _, p := range Presets() {
			for _, aa := range []int{1, 2} {
				v := p.View
				v.Width, v.Height = w, h
				if CheckSupersampling(v, aa) != nil || p.View.CheckDirect() != nil {
					continue // the deep presets perturb, whatever the kernel: render/deep's tests
				}
				t.Run(fmt.Sprintf("%s/%s/aa%d", name, p.Name, aa), func(t *testing.T) { checkSameImages(t, v, aa, k) })
			}
		}
		for _, bv := range boundaryViews {
			t.Run(name+"/"+bv.name, func(t *testing.T) { checkSameImages(t, bv.view, 1, k) })
		}
	}
}

// TestPeriodicIterationsNearScalar holds every Periodic row to the figure
// issue 15 set for the SIMD kernels: with shortcuts, at most 1.05 times
// the scalar kernel's iterations on full, seahorse and interior (checked
// here at 256x256; `mandel -v` shows them at the presets' 1024x1024).
func TestPeriodicIterationsNearScalar(t *testing.T) {
	for _, preset := range []string{"full", "seahorse", "interior"} {
		p, err := LookupPreset(preset)
		if err != nil {
			t.Fatal(err)
		}
		v := p.View
		v.Width, v.Height = 256, 256
		_, scalar := renderOpts(t, v, 1, Options{Kernel: scalarKernel, Shortcuts: true})
		for name, k := range periodicKernels(t) {
			t.Run(preset+"/"+name, func(t *testing.T) {
				_, work := renderOpts(t, v, 1, Options{Kernel: k, Shortcuts: true})
				t.Logf("%d iterations, scalar %d: %.4fx", work, scalar, float64(work)/float64(scalar))
				if float64(work) > 1.05*float64(scalar) {
					t.Errorf("%d iterations with shortcuts, over 1.05x the scalar kernel's %d", work, scalar)
				}
			})
		}
	}
}
