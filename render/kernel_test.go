package render

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func iterate(c complex128, maxIter int) (uint32, float64) {
	iter := make([]uint32, 1)
	mag2 := make([]float64, 1)
	Scalar([]float64{real(c)}, imag(c), maxIter, 4, iter, mag2, nil)
	return iter[0], mag2[0]
}

func TestKernelKnownPoints(t *testing.T) {
	const maxIter = 1000
	cases := []struct {
		c    complex128
		iter uint32
		mag2 float64
	}{
		{0, maxIter, 0},
		{-1, maxIter, 0},            // period 2: 0, -1, 0, -1, ...; z after 1000 steps is 0
		{-2, maxIter, 4},            // 0, -2, 2, 2, ...: |z|^2 = 4 is not > 4
		{1, 3, 25},                  // 0, 1, 2, 5: the test 4 > 4 fails, 25 > 4 escapes
		{2, 2, 36},                  // 0, 2, 6
		{complex(0, 1), maxIter, 2}, // 0, i, -1+i, -i, -1+i, ...
	}
	for _, tc := range cases {
		iter, mag2 := iterate(tc.c, maxIter)
		if iter != tc.iter || mag2 != tc.mag2 {
			t.Errorf("c=%v: iter %d, |z|^2 %v; want %d, %v", tc.c, iter, mag2, tc.iter, tc.mag2)
		}
	}
}

func TestKernelWorkIsSumOfCounts(t *testing.T) {
	cr := []float64{-2.5, -1, 0, 0.25, 0.3, 1}
	iter := make([]uint32, len(cr))
	mag2 := make([]float64, len(cr))
	work := Scalar(cr, 0.1, 500, 4, iter, mag2, nil)
	var sum int64
	for _, n := range iter {
		sum += int64(n)
	}
	if work != sum || work == 0 {
		t.Errorf("work %d, sum of counts %d", work, sum)
	}
}

func render(t testing.TB, v View, aa int) *Frame {
	t.Helper()
	r, err := NewRenderer(v, aa, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	return r.Frame()
}

func TestFullViewIsSymmetric(t *testing.T) {
	// d = 4/64 is a power of two, so rows y and H-1-y sample exactly
	// conjugate points, and the kernel is exact under negation of ci.
	f := render(t, View{Width: 64, Height: 48, Center: -0.5, Scale: 4, MaxIter: 200}, 1)
	for y := 0; y < f.Height/2; y++ {
		for x := 0; x < f.Width; x++ {
			a, b := y*f.Width+x, (f.Height-1-y)*f.Width+x
			if f.Iter[a] != f.Iter[b] || f.Mag2[a] != f.Mag2[b] {
				t.Fatalf("pixel (%d,%d) differs from its mirror: %d vs %d", x, y, f.Iter[a], f.Iter[b])
			}
		}
	}
}

// TestMatchesYardstick compares the kernel with the C yardstick's canonical
// non-FMA scalar kernel on its "small" workload (512x512 of W1: x in
// [-2.5, 1], y in [-1.75, 1.75], 1000 iterations). The figures come from
// the C yardstick's `mb scalar small` (docs/design.md); its FNV-1a hash runs over the
// counts with row 0 at the bottom, so the rows are taken bottom-up here. The
// FMA kernel's hash on the same workload is 6e9e3b2fec99328f: a kernel that
// fused would fail this test. It runs for every kernel this CPU has; the
// Makefile runs it with GOAMD64=v1 and v3.
func TestMatchesYardstick(t *testing.T) {
	const (
		wantTotal = 33358830
		wantHash  = "61f0fd3502fe8d63"
	)
	p, _ := LookupPreset("full")
	v := p.View
	v.Width, v.Height = 512, 512
	for name, k := range kernels(t) {
		t.Run(name, func(t *testing.T) {
			f := renderKernel(t, v, k)
			var total uint64
			// mb.c starts its FNV-1a from 1469598103934665603, the standard
			// offset basis with its last digit lost; the same start is
			// needed to compare.
			h := uint64(1469598103934665603)
			for y := f.Height - 1; y >= 0; y-- {
				for _, n := range f.Iter[y*f.Width : (y+1)*f.Width] {
					total += uint64(n)
					h ^= uint64(n)
					h *= 1099511628211
				}
			}
			if total != wantTotal || fmt.Sprintf("%016x", h) != wantHash {
				t.Errorf("total %d hash %016x; want %d %s", total, h, wantTotal, wantHash)
			}
		})
	}
}

func TestInsideUsesFinalMagnitude(t *testing.T) {
	f := &Frame{Width: 3, Height: 1, MaxIter: 50, Escape2: 4,
		Iter: []uint32{50, 50, 49}, Mag2: []float64{3.9, 4.0001, 100}}
	want := []bool{true, false, false}
	for i, w := range want {
		if f.Inside(i) != w {
			t.Errorf("Inside(%d) = %v, want %v", i, f.Inside(i), w)
		}
	}
}

func TestRenderUnitsWithSupersampling(t *testing.T) {
	v := View{Width: 5, Height: 3, Center: -0.5, Scale: 3, MaxIter: 100}
	r, err := NewRenderer(v, 3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Units() != 3 {
		t.Fatalf("Units = %d, want 3", r.Units())
	}
	work := r.RenderUnits(1, 2) // only the middle output row: sample rows 3..5
	f := r.Frame()
	var sum int64
	for i, n := range f.Iter {
		y := i / f.Width
		if (y < 3 || y >= 6) && n != 0 {
			t.Fatalf("sample row %d was rendered by unit 1", y)
		}
		sum += int64(n)
	}
	if sum != work || work == 0 {
		t.Errorf("work %d, counts %d", work, sum)
	}
	// The samples are the view rendered at 3x the resolution.
	whole := render(t, v.Supersampled(3), 1)
	for i := 3 * f.Width; i < 6*f.Width; i++ {
		if f.Iter[i] != whole.Iter[i] {
			t.Fatalf("sample %d: %d, want %d", i, f.Iter[i], whole.Iter[i])
		}
	}
}

func TestNewRendererRejects(t *testing.T) {
	ok := View{Width: 4, Height: 4, Scale: 1, MaxIter: 5}
	if _, err := NewRenderer(View{}, 1, Options{}); err == nil {
		t.Error("zero view accepted")
	}
	for _, aa := range []int{0, -1, 17} {
		if _, err := NewRenderer(ok, aa, Options{}); err == nil {
			t.Errorf("aa %d accepted", aa)
		}
	}
	bg := ok
	bg.Mapping = Corners
	if _, err := NewRenderer(bg, 2, Options{}); err == nil {
		t.Error("supersampling accepted with the Benchmarks Game mapping")
	}
}

// BenchmarkKernel measures each kernel alone on the full view at 512x512
// (the yardstick's "small" workload), one core, in iterations/s.
func BenchmarkKernel(b *testing.B) {
	benchmarkKernels(b, 512, 0, "iter/s", 1)
}

// BenchmarkKernelW1 measures each kernel alone, one core, on the C
// yardstick's W1 workload (4096x4096 of the full view, 1000 iterations) in
// Giter/s, with the frame already in memory: the figure to compare with
// `mb avx2_tuned_x4u2 W1`. (A first render also pays for the 200 MB
// frame's first touch, which on some virtual machines costs as much as the
// iterations; scripts/kernel-vs-c.sh measures the command, that included.)
func BenchmarkKernelW1(b *testing.B) {
	benchmarkKernels(b, 4096, 2133800640, "Giter/s", 1e-9)
}

// benchmarkKernels renders the full view at size x size with each kernel,
// one core, after a row (so that the kernel's code is warm) and after
// touching every page of the frame, and reports the iterations per second
// times scale in unit. A wantWork above 0 is the iterations a render must
// do.
func benchmarkKernels(b *testing.B, size int, wantWork int64, unit string, scale float64) {
	p, _ := LookupPreset("full")
	v := p.View
	v.Width, v.Height = size, size
	for _, name := range KernelNames()[1:] {
		k, err := LookupKernel(name)
		if err != nil {
			b.Logf("%s: %v", name, err)
			continue
		}
		b.Run(name, func(b *testing.B) {
			r, err := NewRenderer(v, 1, Options{Kernel: k})
			if err != nil {
				b.Fatal(err)
			}
			r.RenderUnits(0, 1)
			clear(r.Frame().Iter)
			clear(r.Frame().Mag2)
			cpu, unlock := threadCPU()
			defer unlock()
			var work int64
			var used time.Duration
			for b.Loop() {
				c0 := cpu()
				work += r.RenderUnits(0, r.Units())
				used += cpu() - c0
			}
			if want := wantWork * int64(b.N); wantWork > 0 && work != want {
				b.Fatalf("%d iterations, want %d", work, want)
			}
			b.ReportMetric(float64(work)/b.Elapsed().Seconds()*scale, unit)
			if used > 0 {
				// Per CPU-second of the rendering thread: what a shared
				// machine's load changes least (the yardstick's Giter/cpu-s).
				b.ReportMetric(float64(work)/used.Seconds()*scale, strings.Replace(unit, "/s", "/cpu-s", 1))
			}
		})
	}
}
