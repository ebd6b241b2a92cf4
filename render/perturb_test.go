package render_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"testing"
	"time"

	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
	"golang.org/x/sys/cpu"
)

func deepView(t testing.TB, re, im, scale string, w, h, maxIter int) render.View {
	t.Helper()
	parse := func(s string) decimal.Number {
		n, err := decimal.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return render.View{Width: w, Height: h, MaxIter: maxIter}.WithDecimals(parse(re), parse(im), parse(scale))
}

// TestPerturbationSameFrameEveryStrategy is the determinism contract on
// the perturbation path: the same frame, byte for byte, for every
// strategy, worker count and grain, with and without supersampling, at a
// scale in float64's range and at one below it (the extended exponent).
func TestPerturbationSameFrameEveryStrategy(t *testing.T) {
	for _, c := range []struct {
		scale string
		aa    int
	}{{"1e-30", 1}, {"1e-30", 2}, {"1e-400", 1}} {
		v := deepView(t, "0", "1", c.scale, 19, 7, 3000)
		want, err := renderWith(strategies.Serial, v, c.aa, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range strategies.All() {
			for _, w := range []int{2, 3} {
				for _, g := range []int{1, 3} {
					got, err := renderWith(s, v, c.aa, w, g)
					switch {
					case err != nil:
						t.Errorf("%s aa%d %s/w%d/g%d: %v", c.scale, c.aa, s.Name(), w, g, err)
					case !bytes.Equal(got, want):
						t.Errorf("%s aa%d %s/w%d/g%d: frame differs from serial's", c.scale, c.aa, s.Name(), w, g)
					}
				}
			}
		}
	}
}

// TestPerturbationMatchesDirect: where float64 resolves the view, the
// perturbation path gives the direct kernel's iteration counts for
// nearly every sample. Its arithmetic differs, and near the boundary some
// samples are ill-conditioned: at the spiral at 1e-8, moving c by 1e-16 of
// the scale changes four samples' counts by 4 to 145 iterations in
// big.Float, so no float64 method gets them right (there the direct
// kernel differs from big.Float in 3% of the samples, perturbation in
// 0.1%). The bound is therefore on the share, not the worst sample.
func TestPerturbationMatchesDirect(t *testing.T) {
	for _, v := range []render.View{
		deepView(t, "-0.743643887037151", "0.131825904205330", "1e-8", 64, 48, 5000),
		deepView(t, "-0.75", "0.1", "0.05", 64, 48, 1000),
		deepView(t, "0", "1", "1e-6", 64, 48, 3000),
	} {
		direct, err := render.NewRenderer(v, 1, render.Options{Method: render.MethodDirect})
		if err != nil {
			t.Fatal(err)
		}
		direct.RenderUnits(0, v.Height)
		pert, err := render.NewRenderer(v, 1, render.Options{Method: render.MethodPerturb})
		if err != nil {
			t.Fatal(err)
		}
		if pert.Method() != render.MethodPerturb || direct.Method() != render.MethodDirect {
			t.Fatalf("methods %v and %v", pert.Method(), direct.Method())
		}
		pert.RenderUnits(0, v.Height)
		same, worst := 0, 0
		a, b := direct.Frame().Iter, pert.Frame().Iter
		for i := range a {
			d := int(a[i]) - int(b[i])
			if d == 0 {
				same++
			}
			worst = max(worst, d, -d)
		}
		frac := float64(same) / float64(len(a))
		t.Logf("%v at %v: %.2f%% equal, worst %d apart", v.Center, v.Scale, 100*frac, worst)
		if frac < 0.95 {
			t.Errorf("%v at %v: %.2f%% equal, worst %d apart", v.Center, v.Scale, 100*frac, worst)
		}
	}
}

// TestReferenceCancels: the reference orbit of a deep view, seconds of
// work, stops within 50 ms of its context's cancellation.
func TestReferenceCancels(t *testing.T) {
	v := deepView(t, "0", "1", "1e-9000", 8, 8, 1<<30)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := render.NewRenderer(v, 1, render.Options{Context: ctx})
	late := time.Since(start) - 50*time.Millisecond
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if late > 50*time.Millisecond {
		t.Errorf("stopped %v after the cancellation", late)
	}
}

func TestMethodNames(t *testing.T) {
	for _, name := range render.MethodNames() {
		m, err := render.ParseMethod(name)
		if err != nil || m.String() != name {
			t.Errorf("%s: %v, %v", name, m, err)
		}
	}
	if _, err := render.ParseMethod("fast"); err == nil || err.Error() != `unknown method "fast" (valid: auto, direct, perturb)` {
		t.Errorf("ParseMethod(fast): %v", err)
	}
}

func TestAutoMaxIter(t *testing.T) {
	for s, want := range map[string]int{"4": 1000, "3.5": 1014, "4e-10": 3500, "4e-100": 26000, "4e-1000": 251000} {
		n, _ := decimal.Parse(s)
		if got := render.AutoMaxIter(n); got != want {
			t.Errorf("AutoMaxIter(%s) = %d, want %d", s, got, want)
		}
	}
	_ = fmt.Sprint()
}

// BenchmarkIteration compares the cost of an iteration of the direct
// kernels with one of the perturbation loop (without BLA, in float64 and
// with the extended exponent) on views where every one of them runs: it
// reports ns/iter, the figure to compare.
func BenchmarkIteration(b *testing.B) {
	shallow := deepView(b, "-0.743643887037151", "0.131825904205330", "1e-9", 128, 32, 5000)
	deep400 := deepView(b, "0", "1", "1e-400", 256, 64, 3000)
	wide := deepView(b, "-0.743643887037151", "0.131825904205330", "1e-9", 512, 16, 5000)
	for _, c := range []struct {
		name   string
		v      render.View
		opts   render.Options
		kernel string // the kernel's name, where the case needs one
	}{
		{"direct-scalar", shallow, render.Options{Method: render.MethodDirect}, ""},
		{"direct-auto", shallow, render.Options{Method: render.MethodDirect, Kernel: mustKernel(b, "auto")}, ""},
		{"perturb-float64", shallow, render.Options{Method: render.MethodPerturb, NoBLA: true}, ""},
		{"perturb-bla", shallow, render.Options{Method: render.MethodPerturb}, ""},
		{"perturb-1e-400", deep400, render.Options{Method: render.MethodPerturb, NoBLA: true}, ""},
		// Issue 17's figure, the perturbation loop without BLA against the
		// direct kernel on the same view: rows of 512 samples, which the
		// AVX-512 kernel takes itself (avx512ShortRow), for the direct
		// AVX-512 kernel, the scalar perturbation loop and its AVX-512
		// lanes (render/deep's rowLanes). Skipped where the CPU has no
		// AVX-512.
		{"wide/direct-avx512", wide, render.Options{Method: render.MethodDirect}, "avx512"},
		{"wide/perturb-scalar", wide, render.Options{Method: render.MethodPerturb, NoBLA: true}, ""},
		{"wide/perturb-lanes", wide, render.Options{Method: render.MethodPerturb, NoBLA: true}, "avx512"},
		// The same on AVX2 (its direct kernel and its lanes), skipped
		// where the CPU has no AVX2.
		{"wide/direct-avx2", wide, render.Options{Method: render.MethodDirect}, "avx2"},
		{"wide/perturb-lanes-avx2", wide, render.Options{Method: render.MethodPerturb, NoBLA: true}, "avx2"},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.kernel != "" {
				k, err := render.LookupKernel(c.kernel)
				if err != nil {
					b.Skip(err)
				}
				c.opts.Kernel = k
			}
			r, err := render.NewRenderer(c.v, 1, c.opts)
			if err != nil {
				b.Fatal(err)
			}
			var work int64
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				work += r.RenderUnits(0, c.v.Height)
			}
			cpu = cpuTime() - cpu
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(work), "ns/iter")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(work), "cpu-ns/iter")
			}
		})
	}
}

func mustKernel(b *testing.B, name string) render.Kernel {
	k, err := render.LookupKernel(name)
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// TestPerturbationFrameHash pins the perturbation path's frames, bits and
// all, so that a build that fuses a multiply-add (GOAMD64=v3, arm64) or a
// change of the arithmetic shows: make test runs the render tests under
// GOAMD64=v1 and v3, and the arm64 build under qemu.
func TestPerturbationFrameHash(t *testing.T) {
	for _, c := range []struct {
		re, im, scale string
		noBLA         bool
		want          string
	}{
		{"0", "1", "1e-30", false, "8ead2761410e02a6"},
		{"0", "1", "1e-30", true, "919818a7c9c97738"},
		{"0", "1", "1e-400", false, "54815eeb7e419cd0"},
		{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
			"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", false, "894b06236a1412dc"},
	} {
		v := deepView(t, c.re, c.im, c.scale, 33, 21, 5000)
		r, err := render.NewRenderer(v, 1, render.Options{Method: render.MethodPerturb, NoBLA: c.noBLA, Shortcuts: true})
		if err != nil {
			t.Fatal(err)
		}
		r.RenderUnits(0, v.Height)
		h := fnv.New64a()
		h.Write(frameBytes(r.Frame()))
		if got := fmt.Sprintf("%016x", h.Sum64()); got != c.want {
			t.Errorf("%s,%s at %s (no BLA %v): frame hash %s, want %s", c.re, c.im, c.scale, c.noBLA, got, c.want)
		}
	}
}

// TestPerturbationLanesSameFrame: with the AVX-512 kernel the perturbation
// path without BLA runs on AVX-512 lanes, with the AVX2 kernel on AVX2
// lanes (render/deep's rowLanes and rowLanesAVX2), and their frames are
// the scalar loop's, byte for byte, with and without periodicity
// checking. Each kernel skips where the CPU does not have it.
func TestPerturbationLanesSameFrame(t *testing.T) {
	for _, c := range []struct {
		kernel, lanes string
		// has says whether the CPU has the lanes where it has the kernel.
		has bool
	}{
		{"avx512", "AVX-512", cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL && cpu.X86.HasPOPCNT},
		{"avx2", "AVX2", cpu.X86.HasFMA && cpu.X86.HasPOPCNT},
	} {
		t.Run(c.kernel, func(t *testing.T) {
			k, err := render.LookupKernel(c.kernel)
			if err != nil {
				t.Skipf("no SIMD perturbation loop to compare: %v", err)
			}
			testLanesSameFrame(t, k, c.lanes, c.has)
		})
	}
}

func testLanesSameFrame(t *testing.T, k render.Kernel, lanes string, has bool) {
	for _, shortcuts := range []bool{false, true} {
		for _, v := range []render.View{
			deepView(t, "0", "1", "1e-30", 40, 9, 3000),
			deepView(t, "-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
				"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", 40, 9, 4000),
		} {
			frame := func(opts render.Options) []byte {
				opts.Method, opts.NoBLA, opts.Shortcuts = render.MethodPerturb, true, shortcuts
				r, err := render.NewRenderer(v, 1, opts)
				if err != nil {
					t.Fatal(err)
				}
				r.RenderUnits(0, v.Height)
				return frameBytes(r.Frame())
			}
			r, err := render.NewRenderer(v, 1, render.Options{Method: render.MethodPerturb, NoBLA: true, Kernel: k})
			if err != nil {
				t.Fatal(err)
			}
			if st, _ := r.DeepStats(); !st.Lanes || st.LaneKind != lanes {
				if has {
					t.Fatalf("%v: the %s kernel's perturbation path is on lanes %q, want %s", v.Center, k.Name, st.LaneKind, lanes)
				}
				t.Skipf("the CPU has the %s kernel but not its lanes' instructions: nothing to compare", k.Name)
			}
			if !bytes.Equal(frame(render.Options{Kernel: k}), frame(render.Options{})) {
				t.Errorf("%v at %v, shortcuts %v: the %s lanes' frame differs from the scalar loop's", v.Center, v.Scale, shortcuts, lanes)
			}
		}
	}
}
