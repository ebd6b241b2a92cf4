package render

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"math/cmplx"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// renderOpts renders v whole with opts and returns the frame and the work
// the Renderer reported.
func renderOpts(t testing.TB, v View, aa int, opts Options) (*Frame, int64) {
	t.Helper()
	r, err := NewRenderer(v, aa, opts)
	if err != nil {
		t.Fatal(err)
	}
	work := r.RenderUnits(0, r.Units())
	return r.Frame(), work
}

func sumIter(f *Frame) int64 {
	var s int64
	for _, n := range f.Iter {
		s += int64(n)
	}
	return s
}

// pictures paints f as every output but the encoders sees it: paletted (aa
// 1) or RGBA (aa > 1) in two palettes, and the 1-bit bitmap.
func pictures(f *Frame, aa int) [][]byte {
	var out [][]byte
	for _, name := range []string{"classic", "gray"} {
		pal, _ := LookupPalette(name)
		c := (&Painter{Palette: pal}).Canvas(f, aa)
		c.paint(0, f.Height/aa)
		out = append(out, pix(c.Image))
	}
	c := BitmapCanvas(f, aa)
	c.paint(0, f.Height/aa)
	return append(out, pix(c.Image))
}

func pix(img image.Image) []byte {
	switch img := img.(type) {
	case *image.Paletted:
		return img.Pix
	case *image.RGBA:
		return img.Pix
	case *image.Gray:
		return img.Pix
	}
	panic(fmt.Sprintf("unexpected image type %T", img))
}

// checkSameImages renders v with and without shortcuts and fails unless
// every picture is identical and the frames differ only where shortcuts
// allow: a sample the cardioid or bulb test took has Mag2 0 where Scalar
// has its final |z|^2, and both are inside. It returns the work with and
// without shortcuts.
func checkSameImages(t *testing.T, v View, aa int, kernel Kernel) (with, without int64) {
	t.Helper()
	ref, without := renderOpts(t, v, aa, Options{Kernel: kernel})
	got, with := renderOpts(t, v, aa, Options{Kernel: kernel, Shortcuts: true})
	if want := sumIter(ref); without != want {
		t.Fatalf("without shortcuts the work is %d, the frame's counts sum to %d", without, want)
	}
	for i := range ref.Iter {
		if got.Iter[i] == ref.Iter[i] && got.Mag2[i] == ref.Mag2[i] {
			continue
		}
		if got.Iter[i] != ref.Iter[i] || got.Mag2[i] != 0 || !ref.Inside(i) || !got.Inside(i) {
			t.Fatalf("sample %d (x %d, y %d): with shortcuts iter %d |z|^2 %v, without %d %v",
				i, i%ref.Width, i/ref.Width, got.Iter[i], got.Mag2[i], ref.Iter[i], ref.Mag2[i])
		}
	}
	wantPics, gotPics := pictures(ref, aa), pictures(got, aa)
	for k := range wantPics {
		if !bytes.Equal(gotPics[k], wantPics[k]) {
			t.Fatalf("picture %d differs with shortcuts", k)
		}
	}
	if with > without {
		t.Errorf("shortcuts did more work: %d iterations, %d without", with, without)
	}
	return with, without
}

// boundaryViews are small views across the edges of the main cardioid and
// the period-2 bulb, where the shortcuts' margin matters.
var boundaryViews = []struct {
	name string
	view View
}{
	{"cusp", View{Width: 64, Height: 48, Center: 0.25, Scale: 0.01, MaxIter: 3000}},
	{"cusp-deep", View{Width: 40, Height: 40, Center: complex(0.2500001, 1e-7), Scale: 1e-6, MaxIter: 5000}},
	{"neck", View{Width: 64, Height: 48, Center: -0.75, Scale: 0.02, MaxIter: 3000}},
	{"cardioid-top", View{Width: 64, Height: 48, Center: complex(-0.125, 0.6495), Scale: 0.02, MaxIter: 2000}},
	{"cardioid-side", View{Width: 48, Height: 64, Center: cardioidPoint(1, 2), Scale: 0.004, MaxIter: 2000}},
	{"bulb-left", View{Width: 64, Height: 48, Center: -1.25, Scale: 0.02, MaxIter: 2000}},
	{"bulb-side", View{Width: 48, Height: 48, Center: complex(-1, 0.25), Scale: 0.005, MaxIter: 2000}},
}

// cardioidPoint is the point of the plane whose fixed point has multiplier
// rho*e^(i theta): on the main cardioid's boundary when rho is 1.
func cardioidPoint(rho, theta float64) complex128 {
	mu := cmplx.Rect(rho, theta)
	return mu/2 - mu*mu/4
}

// bulbPoint is the point whose 2-cycle has multiplier rho*e^(i theta).
func bulbPoint(rho, theta float64) complex128 {
	return cmplx.Rect(rho, theta)/4 - 1
}

func TestShortcutsKeepImagesForEveryPreset(t *testing.T) {
	for _, p := range Presets() {
		for _, aa := range []int{1, 2} {
			v := p.View
			v.Width, v.Height = 64, 48
			if CheckSupersampling(v, aa) != nil {
				continue // benchgame has no supersampling
			}
			if p.View.CheckDirect() != nil {
				continue // the deep presets perturb: render/deep's tests check its periodicity
			}
			t.Run(fmt.Sprintf("%s/aa%d", p.Name, aa), func(t *testing.T) {
				with, without := checkSameImages(t, v, aa, Kernel{})
				t.Logf("%d iterations with shortcuts, %d without", with, without)
				if (p.Name == "full" || p.Name == "interior") && 2*with > without {
					t.Errorf("shortcuts saved too little on %s: %d iterations of %d", p.Name, with, without)
				}
			})
		}
	}
}

func TestShortcutsKeepImagesNearBoundaries(t *testing.T) {
	for _, bv := range boundaryViews {
		t.Run(bv.name, func(t *testing.T) { checkSameImages(t, bv.view, 1, Kernel{}) })
	}
}

// TestShortcutsWithOtherKernels wraps Scalar in a kernel without a Periodic
// row: the Renderer must then keep the kernel, with only the cardioid and
// bulb test in front of it.
func TestShortcutsWithOtherKernels(t *testing.T) {
	calls := 0
	wrapped := Kernel{Name: "wrapped", Available: true, Row: func(cr []float64, ci float64, maxIter int, escape2 float64, iter []uint32, mag2 []float64, stop *atomic.Bool) int64 {
		calls++
		return Scalar(cr, ci, maxIter, escape2, iter, mag2, stop)
	}}
	if wrapped.ChecksPeriodicity() || !scalarKernel.ChecksPeriodicity() || !(Kernel{}).ChecksPeriodicity() {
		t.Fatal("ChecksPeriodicity does not say which kernels have a Periodic row")
	}
	v := View{Width: 64, Height: 48, Center: -0.75, Scale: 3.5, MaxIter: 500}
	with, without := checkSameImages(t, v, 1, wrapped)
	if calls == 0 {
		t.Fatal("the Renderer did not use the given kernel")
	}
	// Every iteration saved is a cardioid or bulb sample's maxIter: no
	// periodicity checking in a kernel the Renderer does not know.
	f, _ := renderOpts(t, v, 1, Options{Kernel: wrapped, Shortcuts: true})
	skipped := 0
	for i := range f.Iter {
		if f.Iter[i] == uint32(v.MaxIter) && f.Mag2[i] == 0 {
			skipped++
		}
	}
	if skipped == 0 || without-with != int64(skipped*v.MaxIter) {
		t.Errorf("saved %d iterations, want %d samples skipped x maxiter %d", without-with, skipped, v.MaxIter)
	}
}

// TestShortcutsConcurrentRows renders rows from several goroutines at once,
// as the strategies do, so that the race detector sees any state the
// shortcuts share between rows.
func TestShortcutsConcurrentRows(t *testing.T) {
	defer goleak.VerifyNone(t)
	v := View{Width: 96, Height: 64, Center: -0.5, Scale: 3, MaxIter: 300}
	want, _ := renderOpts(t, v, 1, Options{Shortcuts: true})
	r, err := NewRenderer(v, 1, Options{Shortcuts: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for y := w; y < r.Units(); y += 4 {
				r.RenderUnits(y, y+1)
			}
		})
	}
	wg.Wait()
	if got := r.Frame(); !slices.Equal(got.Iter, want.Iter) || !slices.Equal(got.Mag2, want.Mag2) {
		t.Error("rows rendered concurrently differ from rows rendered in order")
	}
}

// TestShortcutsKeepGoldenPictures: the painted hashes of the golden cases,
// which hold across targets, hold with shortcuts too.
func TestShortcutsKeepGoldenPictures(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.preset, func(t *testing.T) {
			p, err := LookupPreset(tc.preset)
			if err != nil {
				t.Fatal(err)
			}
			v := p.View
			v.Width, v.Height, v.MaxIter = tc.width, tc.height, tc.maxIter
			f, _ := renderOpts(t, v, tc.aa, Options{Shortcuts: true})
			pal, _ := LookupPalette("twilight")
			c := (&Painter{Palette: pal}).Canvas(f, tc.aa)
			c.paint(0, v.Height)
			h := fnvHash(pix(c.Image))
			if h != tc.painted {
				t.Errorf("painted hash %s, want %s", h, tc.painted)
			}
		})
	}
}

func fnvHash(b []byte) string {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * prime
	}
	return fmt.Sprintf("%016x", h)
}

// scalarOne runs Scalar on one point.
func scalarOne(c complex128, maxIter int, escape2 float64) (uint32, float64) {
	iter, mag2 := make([]uint32, 1), make([]float64, 1)
	Scalar([]float64{real(c)}, imag(c), maxIter, escape2, iter, mag2, nil)
	return iter[0], mag2[0]
}

// checkInsideForScalar fails unless Scalar, run to maxIter, counts c as
// inside: the promise the cardioid and bulb test makes for every point it
// accepts.
func checkInsideForScalar(t *testing.T, c complex128, maxIter int) {
	t.Helper()
	for _, escape2 := range []float64{4, 16} {
		n, m := scalarOne(c, maxIter, escape2)
		if n != uint32(maxIter) || m > escape2 {
			t.Fatalf("c = %v passes the shortcut test, but Scalar gives %d iterations of %d, |z|^2 %v (escape2 %v)",
				c, n, maxIter, m, escape2)
		}
	}
}

// TestMainComponentsMargin walks the boundaries of the cardioid and the
// bulb on rings of multipliers just inside and outside 1 - shortcutMargin:
// points beyond the margin must be refused, points within it taken, and
// every point taken must be inside for Scalar after many iterations.
func TestMainComponentsMargin(t *testing.T) {
	maxIter, angles := 100000, 256
	if testing.Short() {
		maxIter, angles = 20000, 64
	}
	components := []struct {
		name  string
		point func(rho, theta float64) complex128
	}{{"cardioid", cardioidPoint}, {"bulb", bulbPoint}}
	rings := []float64{0.5, 0.99, 1 - 1.01*shortcutMargin, 1 - 0.99*shortcutMargin, 1, 1.0001, 1.01}
	for _, comp := range components {
		t.Run(comp.name, func(t *testing.T) {
			taken := 0
			for _, rho := range rings {
				for k := range angles {
					theta := 2 * math.Pi * (float64(k) + 0.5) / float64(angles)
					c := comp.point(rho, theta)
					mu := multiplier(c)
					if math.Abs(mu-(1-shortcutMargin)) < 1e-9 {
						t.Fatalf("c = %v is too close to the margin to test", c)
					}
					want := mu < 1-shortcutMargin
					got := inMainComponents(real(c), imag(c))
					if got != want {
						t.Fatalf("ring %v, angle %.4f: c = %v, multiplier %.6f: shortcut %v, want %v", rho, theta, c, mu, got, want)
					}
					if got {
						taken++
						checkInsideForScalar(t, c, maxIter)
					}
				}
			}
			if taken < 3*angles {
				t.Errorf("only %d points taken, want at least the %d of the three inner rings", taken, 3*angles)
			}
		})
	}
}

// multiplier returns the smaller modulus of the multipliers of c's attracting
// fixed point and 2-cycle, computed in complex128 independently of the
// shortcut's own formulas. (A point has two fixed points, with multipliers
// mu and 2 - mu; the principal square root picks the smaller.)
func multiplier(c complex128) float64 {
	return math.Min(cmplx.Abs(1-cmplx.Sqrt(1-4*c)), cmplx.Abs(4*(c+1)))
}

// TestMainComponentsGrid checks every point of fine grids over the places
// where the boundaries are hardest: the cusp, the neck between cardioid and
// bulb, the top of the cardioid and the left of the bulb. Points taken must
// be inside for Scalar.
func TestMainComponentsGrid(t *testing.T) {
	const maxIter = 20000
	n := 64
	if testing.Short() {
		n = 24
	}
	grids := []struct {
		name   string
		center complex128
		size   float64
	}{
		{"cusp", 0.25, 0.004},
		{"cusp-fine", 0.25, 1e-7},
		{"neck", -0.75, 0.004},
		{"cardioid-top", complex(-0.125, 0.6495), 0.004},
		{"cardioid-side", cardioidPoint(1, 2), 0.004},
		{"bulb-left", -1.25, 0.004},
		{"bulb-top", complex(-1, 0.25), 0.004},
	}
	for _, g := range grids {
		t.Run(g.name, func(t *testing.T) {
			taken := 0
			for i := range n {
				for j := range n {
					c := g.center + complex(g.size*(float64(i)/float64(n-1)-0.5), g.size*(float64(j)/float64(n-1)-0.5))
					if !inMainComponents(real(c), imag(c)) {
						continue
					}
					taken++
					checkInsideForScalar(t, c, maxIter)
				}
			}
			switch {
			case g.name == "cusp-fine" && taken > 0:
				// Within 2.5e-7 of c = 1/4 every multiplier is above
				// 1 - margin: the cusp is the kernel's.
				t.Errorf("%d points within %g of the cusp taken", taken, g.size)
			case g.name != "cusp-fine" && taken == 0:
				t.Errorf("no point of the grid was taken; the grid misses the component")
			}
		})
	}
}

// TestMainComponentsAgreesAwayFromBoundary: away from the boundary the
// shortcut test is the exact cardioid and bulb test.
func TestMainComponentsAgreesAwayFromBoundary(t *testing.T) {
	const n = 400
	for i := range n {
		for j := range n {
			c := complex(-2.1+2.8*float64(i)/n, -1.4+2.8*float64(j)/n)
			mu := multiplier(c)
			if got := inMainComponents(real(c), imag(c)); math.Abs(mu-1) > 0.01 && got != (mu < 1) {
				t.Fatalf("c = %v (multiplier %.4f): shortcut %v, want %v", c, mu, got, mu < 1)
			}
		}
	}
}

// periodicCases are rows whose points run into cycles after a few steps,
// through the escape test, or neither, with iteration limits of both
// parities and around the powers of two where Brent's scheme saves z.
var periodicRows = []struct {
	name string
	cr   []float64
	ci   float64
}{
	{"real", []float64{0, -1, -2, -1.75, -1.3, -0.5, 0.25, 0.26, 1, -2.1}, 0},
	{"i", []float64{0, -0.1, 0.3, -0.75}, 1},      // 0, i, -1+i, -i, -1+i, ...: pre-period 2, period 2
	{"neg-i", []float64{0, -0.1, 0.3, -0.75}, -1}, // the conjugate
	{"rabbit", []float64{-0.1225611668766536}, 0.7448617666197442},
	{"boundary", []float64{-0.75, -0.7500001, 0.2499999, -1.25, -1.2500001}, 0},
}

func TestScalarPeriodicKnownCycles(t *testing.T) {
	for _, row := range periodicRows {
		for _, maxIter := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 101, 1000, 4097} {
			t.Run(fmt.Sprintf("%s/%d", row.name, maxIter), func(t *testing.T) {
				compareKernels(t, row.cr, row.ci, maxIter, 4)
			})
		}
	}
}

// compareKernels fails unless scalarPeriodic gives Scalar's counts and
// |z|^2 bit for bit and does no more work (one extra lap of a cycle at
// most, hence the factor). It returns the work of both.
func compareKernels(t *testing.T, cr []float64, ci float64, maxIter int, escape2 float64) (periodic, scalar int64) {
	t.Helper()
	wantIter, wantMag := make([]uint32, len(cr)), make([]float64, len(cr))
	gotIter, gotMag := make([]uint32, len(cr)), make([]float64, len(cr))
	scalar = Scalar(cr, ci, maxIter, escape2, wantIter, wantMag, nil)
	periodic = scalarPeriodic(cr, ci, maxIter, escape2, gotIter, gotMag, nil)
	for x := range cr {
		if gotIter[x] != wantIter[x] || math.Float64bits(gotMag[x]) != math.Float64bits(wantMag[x]) {
			t.Fatalf("c = %v%+vi, maxiter %d: periodic kernel gives %d, %v; Scalar %d, %v",
				cr[x], ci, maxIter, gotIter[x], gotMag[x], wantIter[x], wantMag[x])
		}
	}
	if periodic > scalar {
		t.Fatalf("periodic kernel did %d iterations, Scalar %d", periodic, scalar)
	}
	return periodic, scalar
}

func TestScalarPeriodicMatchesScalarOnViews(t *testing.T) {
	views := []struct {
		name string
		view View
	}{}
	for _, p := range Presets() {
		v := p.View
		v.Width, v.Height = 48, 32
		views = append(views, struct {
			name string
			view View
		}{p.Name, v})
	}
	views = append(views, boundaryViews...)
	for _, tc := range views {
		t.Run(tc.name, func(t *testing.T) {
			xs, ys := tc.view.Plane()
			var periodic, scalar int64
			for _, ci := range ys {
				p, s := compareKernels(t, xs, ci, tc.view.MaxIter, tc.view.escape2())
				periodic, scalar = periodic+p, scalar+s
			}
			t.Logf("%d iterations with periodicity checking, %d without", periodic, scalar)
			if tc.name == "interior" && 4*periodic > scalar {
				t.Errorf("periodicity checking saved too little on interior: %d of %d", periodic, scalar)
			}
		})
	}
}

func FuzzScalarPeriodic(f *testing.F) {
	f.Add(-2.0, 0.01, 0.0, uint16(1000), 4.0)
	f.Add(-0.75, 1e-6, 0.1, uint16(5000), 4.0)
	f.Add(0.25, 1e-9, 0.0, uint16(333), 100.0)
	f.Add(-1.3, 0.001, 0.05, uint16(7), 4.0)
	f.Fuzz(func(t *testing.T, x0, step, ci float64, maxIter uint16, escape2 float64) {
		const width = 37
		bounded := func(v float64) bool { return !math.IsNaN(v) && math.Abs(v) <= 4 }
		if !bounded(x0) || !bounded(ci) || !bounded(step) || maxIter == 0 ||
			math.IsNaN(escape2) || escape2 < 4 || escape2 > MaxEscape*MaxEscape {
			t.Skip()
		}
		cr := make([]float64, width)
		for x := range cr {
			cr[x] = x0 + float64(x)*step
		}
		compareKernels(t, cr, ci, int(maxIter), escape2)
	})
}

// BenchmarkShortcuts renders full, seahorse and interior at 1024x1024 on
// one core with each kernel, without shortcuts, with the cardioid and bulb
// test alone (the kernel's Periodic row left out) and with all of them,
// reporting the iterations done per render (iters/op) and the frame's
// counts (counts/op); and spiral at 256x256, where they save nothing and
// show their cost. -count runs each sub-benchmark's repetitions back to
// back; for a ratio on a busy machine, interleave by running the test
// binary in a loop with -test.count 1.
func BenchmarkShortcuts(b *testing.B) {
	for _, name := range []string{"full", "seahorse", "interior", "spiral"} {
		p, err := LookupPreset(name)
		if err != nil {
			b.Fatal(err)
		}
		v := p.View
		if name == "spiral" {
			v.Width, v.Height = 256, 256
		}
		for _, kname := range KernelNames()[1:] {
			k, err := LookupKernel(kname)
			if err != nil {
				continue
			}
			cardioid := k
			cardioid.Periodic = nil
			for _, mode := range []struct {
				name string
				opts Options
			}{
				{"off", Options{Kernel: k}},
				{"cardioid", Options{Kernel: cardioid, Shortcuts: true}},
				{"on", Options{Kernel: k, Shortcuts: true}},
			} {
				b.Run(fmt.Sprintf("view=%s/kernel=%s/shortcuts=%s", name, kname, mode.name), func(b *testing.B) {
					cpu, unlock := threadCPU()
					defer unlock()
					var work int64
					var f *Frame
					var used time.Duration
					for b.Loop() {
						c0 := cpu()
						f, work = renderOpts(b, v, 1, mode.opts)
						used += cpu() - c0
					}
					b.ReportMetric(float64(work), "iters/op")
					b.ReportMetric(float64(sumIter(f)), "counts/op")
					if used > 0 {
						// The rendering thread's CPU time, which a shared
						// machine's load moves less than ns/op.
						b.ReportMetric(used.Seconds()*1e3/float64(b.N), "cpu-ms/op")
					}
				})
			}
		}
	}
}

// BenchmarkPeriodicityCost runs each kernel's Row and Periodic row on rows
// of the spiral view, where every point escapes late and periodicity
// checking finds nothing: the difference is the cost of the checks.
func BenchmarkPeriodicityCost(b *testing.B) {
	p, err := LookupPreset("spiral")
	if err != nil {
		b.Fatal(err)
	}
	v := p.View
	v.Width, v.Height = 128, 8
	xs, ys := v.Plane()
	iter, mag2 := make([]uint32, len(xs)), make([]float64, len(xs))
	for _, name := range KernelNames()[1:] {
		k, err := LookupKernel(name)
		if err != nil || k.Periodic == nil {
			continue
		}
		for _, row := range []struct {
			name string
			row  RowFunc
		}{{"row", k.Row}, {"periodic", k.Periodic}} {
			b.Run("kernel="+name+"/"+row.name, func(b *testing.B) {
				var work int64
				for b.Loop() {
					work = 0
					for _, ci := range ys {
						work += row.row(xs, ci, v.MaxIter, 4, iter, mag2, nil)
					}
				}
				b.ReportMetric(float64(work)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Giter/s")
			})
		}
	}
}
