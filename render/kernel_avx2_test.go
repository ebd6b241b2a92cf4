package render

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mandel-project/mandel/render/internal/gentest"
)

// kernels returns every kernel this CPU runs, by name ("auto" is one of
// them).
func kernels(t testing.TB) map[string]Kernel {
	t.Helper()
	ks := map[string]Kernel{}
	for _, name := range KernelNames() {
		if name == "auto" {
			continue
		}
		k, err := LookupKernel(name)
		if errors.Is(err, ErrKernelUnsupported) {
			// make test sets MANDEL_TEST_KERNELS on CPUs that have them, so
			// that a detection that fails cannot skip a kernel silently.
			if slices.Contains(strings.Fields(os.Getenv("MANDEL_TEST_KERNELS")), name) {
				t.Fatalf("kernel %s: %v, but MANDEL_TEST_KERNELS asks for it", name, err)
			}
			t.Logf("kernel %s: %v", name, err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ks[name] = k
	}
	// A table kernel may hand short rows to another (avx512ShortRow), and
	// the tests' rows are short: the architecture's own routines run too.
	for name, k := range laneKernels() {
		if _, ok := ks[k.Name]; ok {
			ks[name] = k
		}
	}
	return ks
}

func renderKernel(t testing.TB, v View, k Kernel) *Frame {
	t.Helper()
	r, err := NewRenderer(v, 1, Options{Kernel: k})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	return r.Frame()
}

// sameFrames reports the first sample where got differs from want, bit for
// bit in both the count and the final |z|^2.
func sameFrames(t *testing.T, got, want *Frame) {
	t.Helper()
	for i := range want.Iter {
		if got.Iter[i] != want.Iter[i] || math.Float64bits(got.Mag2[i]) != math.Float64bits(want.Mag2[i]) {
			t.Fatalf("sample (%d,%d): iter %d, mag2 %v; Scalar: %d, %v", i%want.Width, i/want.Width,
				got.Iter[i], got.Mag2[i], want.Iter[i], want.Mag2[i])
		}
	}
}

// TestKernelsMatchScalar renders every preset at sizes whose widths are not
// multiples of the vector width (nor of the 16 lanes) and at iteration
// limits that are not multiples of the unroll factor, and checks that every
// kernel's frame is Scalar's, bit for bit.
func TestKernelsMatchScalar(t *testing.T) {
	sizes := [][2]int{{1, 1}, {3, 2}, {5, 3}, {16, 4}, {17, 5}, {33, 9}, {67, 31}}
	maxIters := []int{1, 2, 3, 5, 50, 1001}
	for name, k := range kernels(t) {
		for _, p := range Presets() {
			for _, size := range sizes {
				for _, m := range maxIters {
					v := p.View
					v.Width, v.Height, v.MaxIter = size[0], size[1], m
					if p.Name == "spiral" {
						v.Scale *= 1e4 // at 1e-10 a 1-pixel-wide view is too fine for float64
					}
					t.Run(name+"/"+p.Name+"/"+strings.Join([]string{itoa(size[0]), itoa(size[1]), itoa(m)}, "x"), func(t *testing.T) {
						sameFrames(t, renderKernel(t, v, k), renderKernel(t, v, Kernel{}))
					})
				}
			}
		}
	}
}

// TestKernelsMatchScalarDeep covers what the small views do not: long runs
// of blocks, the stop-check chunking, other escape radii, and every preset
// at its own iteration limit.
func TestKernelsMatchScalarDeep(t *testing.T) {
	for name, k := range kernels(t) {
		for _, p := range Presets() {
			for _, escape := range []float64{0, 2.5, 1e6} {
				v := p.View
				v.Width, v.Height, v.Escape = 61, 7, escape
				if p.Name == "benchgame" {
					v.Width = 251
				}
				t.Run(name+"/"+p.Name+"/escape="+ftoa(escape), func(t *testing.T) {
					sameFrames(t, renderKernel(t, v, k), renderKernel(t, v, Kernel{}))
				})
			}
		}
		v := View{Width: 9, Height: 3, Center: -0.2, Scale: 0.5, MaxIter: 3*stopCheckIters + 7}
		t.Run(name+"/interior-deep", func(t *testing.T) {
			sameFrames(t, renderKernel(t, v, k), renderKernel(t, v, Kernel{}))
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// FuzzKernels compares every kernel, its Row and its Periodic row, with
// Scalar on random rows.
func FuzzKernels(f *testing.F) {
	f.Add(uint64(1), uint8(17), -0.75, 0.1, uint16(1000), 4.0)
	f.Add(uint64(2), uint8(1), 0.0, 0.0, uint16(3), 4.0)
	f.Add(uint64(3), uint8(40), -1.0, 0.3, uint16(77), 1e12)
	f.Add(uint64(4), uint8(5), 0.25, 0.0, uint16(4099), 6.25)
	ks := kernels(f)
	f.Fuzz(func(t *testing.T, seed uint64, n uint8, center, ci float64, maxIter uint16, escape2 float64) {
		if !finite(center) || !finite(ci) || !finite(escape2) || math.Abs(center) > 4 || math.Abs(ci) > 4 ||
			escape2 < 4 || escape2 > MaxEscape*MaxEscape || maxIter == 0 || n == 0 {
			t.Skip()
		}
		rng := rand.New(rand.NewPCG(seed, 0))
		cr := make([]float64, n)
		spread := math.Ldexp(1, -rng.IntN(40)) // from whole-set views to deep zooms
		for i := range cr {
			cr[i] = center + spread*(2*rng.Float64()-1)
		}
		want := make([]uint32, n)
		wantMag := make([]float64, n)
		wantWork := Scalar(cr, ci, int(maxIter), escape2, want, wantMag, nil)
		for name, k := range ks {
			got := make([]uint32, n)
			gotMag := make([]float64, n)
			work := k.Row(cr, ci, int(maxIter), escape2, got, gotMag, nil)
			for i := range cr {
				if got[i] != want[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
					t.Fatalf("%s: c=%v%+vi: iter %d, mag2 %v; Scalar: %d, %v", name, cr[i], ci, got[i], gotMag[i], want[i], wantMag[i])
				}
			}
			if work != wantWork {
				t.Fatalf("%s: work %d, Scalar %d", name, work, wantWork)
			}
			if k.Periodic == nil {
				continue
			}
			// The Periodic row gives the same frame for less work.
			clear(got)
			clear(gotMag)
			work = k.Periodic(cr, ci, int(maxIter), escape2, got, gotMag, nil)
			for i := range cr {
				if got[i] != want[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
					t.Fatalf("%s periodic: c=%v%+vi: iter %d, mag2 %v; Scalar: %d, %v", name, cr[i], ci, got[i], gotMag[i], want[i], wantMag[i])
				}
			}
			if work > wantWork {
				t.Fatalf("%s periodic: work %d, Scalar %d", name, work, wantWork)
			}
		}
	})
}

func TestLookupKernel(t *testing.T) {
	names := strings.Join(KernelNames(), ", ")
	for _, name := range []string{"", "AVX2", "sse", "fast"} {
		_, err := LookupKernel(name)
		if err == nil || !strings.Contains(err.Error(), names) {
			t.Errorf("LookupKernel(%q) = %v; want an error listing the names", name, err)
		}
	}
	if k, err := LookupKernel("auto"); err != nil || k.Row == nil || k.Name != AutoKernel() {
		t.Errorf("auto: %+v, %v; want the kernel called %s", k, err, AutoKernel())
	}
	// Without its CPU feature a kernel is refused, and auto falls back.
	saved := kernelTable
	t.Cleanup(func() { kernelTable = saved })
	kernelTable = slices.Clone(saved)
	for i := range kernelTable {
		if kernelTable[i].Name != "scalar" {
			kernelTable[i].Available = false
		}
	}
	for _, name := range KernelNames()[1:] {
		if _, err := LookupKernel(name); name != "scalar" && !errors.Is(err, ErrKernelUnsupported) {
			t.Errorf("%s without its CPU feature: err = %v, want ErrKernelUnsupported", name, err)
		}
	}
	if AutoKernel() != "scalar" {
		t.Errorf("auto with no vector kernel is %s, want scalar", AutoKernel())
	}
}

// TestKernelsStop checks that a set stop flag makes a kernel give up inside
// a pixel: 4 pixels of 2^30 iterations would otherwise take seconds. (The
// cancellation of a running kernel is TestTaskCancelsInsideARow.)
func TestKernelsStop(t *testing.T) {
	for name, k := range kernels(t) {
		t.Run(name, func(t *testing.T) {
			var stop atomic.Bool
			stop.Store(true)
			iter := make([]uint32, 4)
			work := k.Row([]float64{-0.1, -0.2, -0.3, 0.1}, 0, MaxMaxIter, 4, iter, make([]float64, 4), &stop)
			if work > 4*stopCheckIters*16 { // a check per chunk of every lane
				t.Errorf("work %d after stop; want at most a few thousand iterations per pixel", work)
			}
		})
	}
}

// interiorDeep is the pathological view for cancellation: 2x2 pixels in
// the set at the largest iteration limit, minutes of work in one row.
var interiorDeep = View{Width: 2, Height: 2, Center: complex(-0.3, 0), Scale: 1.1, MaxIter: MaxMaxIter}

// cancelDeep renders the pathological view with kernel k on every P, one
// row each, cancels it after the given delay, and returns how long the rows
// took to return after the cancellation, and their errors. It gives up
// after limit.
func cancelDeep(t testing.TB, k Kernel, after, limit time.Duration) (time.Duration, []error) {
	v := interiorDeep
	v.Height = max(2, runtime.GOMAXPROCS(0))
	r, err := NewRenderer(v, 1, Options{Kernel: k})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var at atomic.Int64
	time.AfterFunc(after, func() { at.Store(time.Now().UnixNano()); cancel() })
	done := make(chan error, v.Height)
	for y := range v.Height {
		go func() {
			_, err := r.Task(ctx)(y, y, y+1)
			done <- err
		}()
	}
	var errs []error
	deadline := time.After(limit)
	for range v.Height {
		select {
		case err := <-done:
			errs = append(errs, err)
		case <-deadline:
			t.Fatalf("the render went on for %v after cancellation", limit-after)
		}
	}
	return time.Duration(time.Now().UnixNano() - at.Load()), errs
}

// TestTaskCancelsInsideARow cancels the pathological view shortly after it
// starts, with a kernel running on every P, and checks that the render
// returns context.Canceled promptly. Every P being busy matters: the
// goroutines that cancel (the timer's, context.AfterFunc's) need one, so a
// kernel that cannot be preempted delays them. The bound is generous (the
// latency is measured by BenchmarkCancelLatency); without the in-row check
// the call would run for minutes.
func TestTaskCancelsInsideARow(t *testing.T) {
	defer goleak.VerifyNone(t)
	for name, k := range kernels(t) {
		t.Run(name, func(t *testing.T) {
			_, errs := cancelDeep(t, k, 20*time.Millisecond, 2*time.Second)
			for _, err := range errs {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
			}
		})
	}
}

// BenchmarkCancelLatency measures the time from cancellation to the return
// of every row of the pathological view, a kernel busy on every P, in
// ms/cancel.
func BenchmarkCancelLatency(b *testing.B) {
	for name, k := range kernels(b) {
		b.Run(name, func(b *testing.B) {
			var total, worst time.Duration
			for b.Loop() {
				d, _ := cancelDeep(b, k, 5*time.Millisecond, 10*time.Second)
				total += d
				worst = max(worst, d)
			}
			b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "ms/cancel")
			b.ReportMetric(float64(worst.Microseconds())/1e3, "worst-ms")
		})
	}
}

// TestGeneratedKernelIsUpToDate runs the generator into a temporary
// directory and compares its output with the committed files, so that an
// edit to either side that is not regenerated fails here.
func TestGeneratedKernelIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	if runtime.GOARCH != "amd64" {
		// The go command would build the generator for the test's
		// GOARCH, and the files are amd64's: the amd64 run checks them.
		t.Skip("the AVX2 kernel's files are amd64's")
	}
	gentest.CheckGenerated(t, "./internal/kernelgen", "kernel_avx2_amd64.s", "kernel_avx2_amd64.go", "render")
}
