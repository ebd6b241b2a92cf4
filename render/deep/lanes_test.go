package deep

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// lanePlans returns v's plan without BLA on the widest SIMD lanes this
// CPU has and the same plan in Row's own loop; it skips the test where
// the CPU has no lanes.
func lanePlans(t *testing.T, v testView, periodicity bool) (lanes, scalar *Plan) {
	t.Helper()
	return lanePlansOf(t, v, periodicity, avx512Kind)
}

// laneKind is one of the SIMD lanes the tests hold to the scalar loop:
// deep.Plan.LaneKind's name, and Config.AVX2Lanes.
type laneKind struct {
	name string
	avx2 bool
}

var (
	avx512Kind = laneKind{"AVX-512", false}
	avx2Kind   = laneKind{"AVX2", true}
)

// has reports whether this CPU has kind's lanes, from what the package
// found at start, not from the plan that the tests hold to it.
func (kind laneKind) has() bool {
	if kind.avx2 {
		return rowLanesAVX2Func != nil
	}
	return rowLanesFunc != nil && widestLanes == kind.name
}

// forLaneKinds runs test on each kind of lanes, as a subtest named for
// it; each skips, saying so, where the CPU does not have it.
func forLaneKinds(t *testing.T, test func(t *testing.T, kind laneKind)) {
	for _, kind := range []laneKind{avx512Kind, avx2Kind} {
		t.Run(kind.name, func(t *testing.T) { test(t, kind) })
	}
}

// lanePlansOf is lanePlans on the lanes of kind; it skips the test where
// the CPU does not have them.
func lanePlansOf(t *testing.T, v testView, periodicity bool, kind laneKind) (lanes, scalar *Plan) {
	t.Helper()
	cfg := v.config(t, false)
	cfg.Periodicity = periodicity
	scalar, err := NewPlan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Lanes, cfg.AVX2Lanes = true, kind.avx2
	lanes, err = NewPlan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !kind.has() {
		if lanes.LaneKind() == kind.name {
			t.Fatalf("a CPU without %s lanes runs them", kind.name)
		}
		t.Skipf("this CPU has no %s perturbation loop (on amd64: AVX-512F, DQ, VL and POPCNT; AVX2, FMA and POPCNT): nothing to compare (lanes %q)", kind.name, lanes.LaneKind())
	}
	if lanes.LaneKind() != kind.name {
		t.Fatalf("a CPU with %s lanes, asked for them, runs lanes %q", kind.name, lanes.LaneKind())
	}
	if scalar.Lanes() {
		t.Fatal("Config.Lanes false, and the plan runs on lanes")
	}
	return lanes, scalar
}

// sameRows renders the rows ky of kx with both plans and wants the same
// counts, the same final |z|^2 bit for bit, the same work and the same
// periodicity figures.
func sameRows(t *testing.T, name string, lanes, scalar *Plan, kx, ky []float64) {
	t.Helper()
	w := len(kx)
	n := w * len(ky)
	gi, wi := make([]uint32, n), make([]uint32, n)
	gm, wm := make([]float64, n), make([]float64, n)
	var gw, ww int64
	for y, k := range ky {
		gw += lanes.Row(kx, k, gi[y*w:(y+1)*w], gm[y*w:(y+1)*w], nil)
		ww += scalar.Row(kx, k, wi[y*w:(y+1)*w], wm[y*w:(y+1)*w], nil)
	}
	bad := 0
	for i := range wi {
		if gi[i] != wi[i] || math.Float64bits(gm[i]) != math.Float64bits(wm[i]) {
			if bad++; bad <= 5 {
				t.Errorf("%s: sample %d: lanes %d iterations, |z|^2 %v; scalar %d, %v", name, i, gi[i], gm[i], wi[i], wm[i])
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d samples differ in all", name, bad)
	}
	if gw != ww {
		t.Errorf("%s: work %d on lanes, %d scalar", name, gw, ww)
	}
	gp, gs := lanes.Periodic()
	wp, ws := scalar.Periodic()
	if gp != wp || gs != ws {
		t.Errorf("%s: periodicity stopped %d pixels saving %d on lanes, %d saving %d scalar", name, gp, gs, wp, ws)
	}
	t.Logf("%s: %d samples, %d iterations, periodicity stopped %d", name, n, ww, wp)
}

// TestLanesMatchScalar: the SIMD loop gives Row's scalar results, bits
// and all, on views with rebasing (at the reference's end and where a
// pixel's orbit passes nearer 0), escaping references, a minibrot whose
// pixels rebase once a period, with and without periodicity checking.
func TestLanesMatchScalar(t *testing.T) { forLaneKinds(t, testLanesMatchScalar) }

func testLanesMatchScalar(t *testing.T, kind laneKind) {
	views := []struct {
		name string
		v    testView
	}{
		{"c=i 1e-20", testView{"0", "1", "1e-20", 40, 6, 600}},
		{"c=i 1e-100", testView{"0", "1", "1e-100", 40, 6, 1500}},
		{"minibrot 5e-49", testView{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
			"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", 40, 6, 3000}},
		{"escaping reference", testView{"-1.7685", "0.0042", "1e-30", 40, 6, 2000}},
		{"spiral 1e-9", testView{"-0.743643887037151", "0.131825904205330", "1e-9", 40, 6, 3000}},
		// Rows shorter than the lanes: idle lanes from the start.
		{"short rows", testView{"0", "1", "1e-30", 5, 3, 800}},
	}
	for _, c := range views {
		for _, periodicity := range []bool{false, true} {
			name := c.name
			if periodicity {
				name += " periodicity"
			}
			t.Run(name, func(t *testing.T) {
				lanes, scalar := lanePlansOf(t, c.v, periodicity, kind)
				kx, ky := c.v.offsets()
				sameRows(t, name, lanes, scalar, kx, ky)
			})
		}
	}
}

// TestLanesRandomOffsets: samples at random offsets around several
// centres, rows of random lengths and maxIters that do and do not meet
// the reference's end, agree with the scalar loop.
func TestLanesRandomOffsets(t *testing.T) { forLaneKinds(t, testLanesRandomOffsets) }

func testLanesRandomOffsets(t *testing.T, kind laneKind) {
	rng := rand.New(rand.NewPCG(17, 4))
	for i, v := range []testView{
		{"0", "1", "1e-40", 64, 64, 700},
		{"-1.7685", "0.0042", "1e-25", 64, 64, 1111},
		{"-0.00000000000000000000000052665278316273884958721809185947024054772085722785701901498359511",
			"0.99999999999999999999999956570121112277830657366399307209268555887564383949019384970914", "5e-49", 64, 64, 2500},
	} {
		lanes, scalar := lanePlansOf(t, v, i%2 == 0, kind)
		for range 4 {
			kx := make([]float64, 1+rng.IntN(90))
			for j := range kx {
				kx[j] = (rng.Float64() - 0.5) * 64
			}
			ky := []float64{(rng.Float64() - 0.5) * 64, (rng.Float64() - 0.5) * 64}
			sameRows(t, v.re+" random", lanes, scalar, kx, ky)
		}
	}
}

// TestLanesShortReference: a reference that escapes within a few dozen
// steps, next to pixels that stay, sends the lanes to the orbit's end
// (m = top, where a lane's load also reads the point past it) every few
// steps, in either of the routine's two steps a load; the results are
// the scalar loop's.
func TestLanesShortReference(t *testing.T) { forLaneKinds(t, testLanesShortReference) }

func testLanesShortReference(t *testing.T, kind laneKind) {
	v := testView{"-0.75", "0.1", "0.3", 40, 6, 400}
	for _, periodicity := range []bool{false, true} {
		lanes, scalar := lanePlansOf(t, v, periodicity, kind)
		if top := len(lanes.orbit) - 1; top > 100 {
			t.Fatalf("the reference runs to m = %d: not short", top)
		}
		if cap(lanes.orbit) <= len(lanes.orbit) {
			t.Fatalf("the orbit has no room past its end (len %d, cap %d): the lanes read Z_top+1", len(lanes.orbit), cap(lanes.orbit))
		}
		kx, ky := v.offsets()
		sameRows(t, fmt.Sprintf("short reference, periodicity %v", periodicity), lanes, scalar, kx, ky)
	}
}

// TestLanesSmallMaxIter: maxIters too short for a step in the routine
// (pixels done at their load) and a little longer agree with the scalar
// loop.
func TestLanesSmallMaxIter(t *testing.T) { forLaneKinds(t, testLanesSmallMaxIter) }

func testLanesSmallMaxIter(t *testing.T, kind laneKind) {
	for _, n := range []int{1, 2, 3, 7} {
		v := testView{"-1.7685", "0.0042", "1e-25", 40, 2, n}
		lanes, scalar := lanePlansOf(t, v, n%2 == 1, kind)
		kx, ky := v.offsets()
		sameRows(t, fmt.Sprintf("maxiter %d", n), lanes, scalar, kx, ky)
	}
}

// TestLanesStop: a row of pixels that would each take 2^30 iterations on
// the lanes gives up soon after its stop flag is set, as TestRowStops
// asks of the scalar loop.
func TestLanesStop(t *testing.T) { forLaneKinds(t, testLanesStop) }

func testLanesStop(t *testing.T, kind laneKind) {
	v := testView{"-0.1", "0", "1e-30", 40, 1, 1000}
	lanes, _ := lanePlansOf(t, v, false, kind)
	lanes.maxIter = 1 << 30
	var stop atomic.Bool
	time.AfterFunc(20*time.Millisecond, func() { stop.Store(true) })
	kx, _ := v.offsets()
	start := time.Now()
	iter := make([]uint32, len(kx))
	lanes.Row(kx, 0, iter, make([]float64, len(kx)), &stop)
	// Unstopped, the row would run for many seconds; the bound is loose
	// because a loaded 2-core machine can hold a goroutine off its core
	// for a good part of a second.
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Row returned %v after it started, the stop came at 20ms", d)
	}
	for i, n := range iter {
		if n != 0 {
			t.Errorf("a stopped pixel was stored: %d at %d", n, i)
		}
	}
}

// TestLaneChoice: Config.Lanes takes the AVX-512 lanes where the CPU has
// them, else AVX2's; with AVX2Lanes it takes AVX2's, and leaves BLA's
// periods off the AVX-512 lanes (rowCycle), so that --kernel avx2 runs no
// AVX-512 instruction.
func TestLaneChoice(t *testing.T) {
	lanePlans(t, testView{"0", "1", "1e-20", 8, 2, 100}, false)
	// A CPU with AVX-512's lanes but not AVX2's (a hypervisor can hide
	// AVX2): AVX2Lanes runs the scalar loop, not AVX-512's lanes.
	defer func(f func(*Plan, []float64, float64, []uint32, []float64, *atomic.Bool) int64) { rowLanesAVX2Func = f }(rowLanesAVX2Func)
	rowLanesAVX2Func = nil
	cfg := testView{"0", "1", "1e-20", 8, 2, 100}.config(t, false)
	cfg.Lanes, cfg.AVX2Lanes = true, true
	if p, err := NewPlan(context.Background(), cfg); err != nil {
		t.Fatal(err)
	} else if p.Lanes() || p.LaneKind() != "" {
		t.Errorf("AVX2Lanes on a CPU without AVX2 lanes: lanes %v %q, want none", p.Lanes(), p.LaneKind())
	}
	v := mini66
	v.w, v.h, v.maxIter = 32, 18, 20000
	for _, avx2 := range []bool{false, true} {
		cfg := v.config(t, true)
		cfg.Periodicity, cfg.Lanes, cfg.AVX2Lanes = true, true, avx2
		p, err := NewPlan(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if p.Lanes() || p.cycleLanes != !avx2 {
			t.Errorf("with BLA, AVX2Lanes %v: lanes %v, periods on lanes %v", avx2, p.Lanes(), p.cycleLanes)
		}
	}
}
