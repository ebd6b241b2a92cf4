package render

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
)

// TestKernelTable checks the table the names come from: every kernel has a
// unique name, a summary and a row; every name looks up, to its kernel or,
// where this CPU lacks the kernel's feature, to ErrKernelUnsupported.
func TestKernelTable(t *testing.T) {
	names := KernelNames()
	if names[0] != "auto" || names[1] != "scalar" || len(names) != 1+len(kernelTable) {
		t.Fatalf("KernelNames() = %v: want auto, then the table's %d kernels, scalar first", names, len(kernelTable))
	}
	for i, k := range kernelTable {
		if k.Name != names[i+1] || slices.Contains(names[:i+1], k.Name) {
			t.Errorf("kernel %d: name %q, not %q or not unique", i, k.Name, names[i+1])
		}
		if k.Summary == "" || k.Row == nil || k.Bits == nil {
			t.Errorf("kernel %s: a summary, a row and a bit routine are needed: %+v", k.Name, k)
		}
		got, err := LookupKernel(k.Name)
		switch {
		case k.Available && (err != nil || got.Name != k.Name):
			t.Errorf("LookupKernel(%q) = %s, %v", k.Name, got.Name, err)
		case !k.Available && !errors.Is(err, ErrKernelUnsupported):
			t.Errorf("LookupKernel(%q) on a CPU without it: %v, want ErrKernelUnsupported", k.Name, err)
		}
	}
	if !scalarKernel.Available || kernelTable[0].Name != scalarKernel.Name {
		t.Error("the scalar kernel must come first and run anywhere")
	}
}

// TestAutoKernel checks that auto is the fastest available kernel: the
// last available one of the table.
func TestAutoKernel(t *testing.T) {
	auto, err := LookupKernel("auto")
	if err != nil {
		t.Fatal(err)
	}
	if !auto.Available || auto.Name != AutoKernel() {
		t.Fatalf("auto is %s (available %v), AutoKernel %s", auto.Name, auto.Available, AutoKernel())
	}
	for _, k := range kernelTable[slices.IndexFunc(kernelTable, func(k Kernel) bool { return k.Name == auto.Name })+1:] {
		if k.Available {
			t.Errorf("auto is %s, but %s comes after it and runs here", auto.Name, k.Name)
		}
	}
}

// TestUnavailableKernelRefused adds a kernel this CPU does not run: looking
// it up, and rendering with it either way, must fail with
// ErrKernelUnsupported rather than run instructions the CPU lacks, and auto
// must pass it over.
func TestUnavailableKernelRefused(t *testing.T) {
	ran := false
	future := Kernel{Name: "future", Summary: "a kernel for a CPU this is not",
		Row: func([]float64, float64, int, float64, []uint32, []float64, *atomic.Bool) int64 {
			ran = true
			return 0
		},
		Bits: func([]byte, []float64, float64, float64, int) int64 {
			ran = true
			return 0
		}}
	saved := kernelTable
	t.Cleanup(func() { kernelTable = saved })
	kernelTable = append(slices.Clone(saved), future)
	if _, err := LookupKernel("future"); !errors.Is(err, ErrKernelUnsupported) {
		t.Errorf("LookupKernel: %v, want ErrKernelUnsupported", err)
	}
	if AutoKernel() == "future" {
		t.Error("auto picked a kernel this CPU does not run")
	}
	if _, err := NewRenderer(View{Width: 4, Height: 4, Scale: 1, MaxIter: 5}, 1, Options{Kernel: future}); !errors.Is(err, ErrKernelUnsupported) {
		t.Errorf("NewRenderer: %v, want ErrKernelUnsupported", err)
	}
	if _, err := NewBitRenderer(benchgame(8), future); !errors.Is(err, ErrKernelUnsupported) {
		t.Errorf("NewBitRenderer: %v, want ErrKernelUnsupported", err)
	}
	if ran {
		t.Error("the unavailable kernel ran")
	}
}

// TestZeroKernelIsScalar: Options{} and a zero Kernel render with the
// scalar kernel, on both paths.
func TestZeroKernelIsScalar(t *testing.T) {
	r, err := NewRenderer(View{Width: 4, Height: 4, Scale: 1, MaxIter: 5}, 1, Options{Shortcuts: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kernel().Name != "scalar" || !r.ChecksPeriodicity() {
		t.Errorf("Options{} renders with %q (periodicity %v), want scalar with periodicity checking", r.Kernel().Name, r.ChecksPeriodicity())
	}
	b, err := NewBitRenderer(benchgame(8), Kernel{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Kernel().Name != "scalar" {
		t.Errorf("the zero Kernel's bit path is %q's, want scalar's", b.Kernel().Name)
	}
}

// TestBitRendererUsesKernelBits checks that the bit path runs the bit
// routine of the kernel it is given (--kernel governs it), and that every
// kernel this CPU runs gives the same bytes.
func TestBitRendererUsesKernelBits(t *testing.T) {
	calls := 0
	counting := Kernel{Name: "counting", Row: Scalar, Available: true,
		Bits: func(out []byte, cr []float64, ci, escape2 float64, maxIter int) int64 {
			calls++
			return bitsGo(out, cr, ci, escape2, maxIter)
		}}
	v := benchgame(61)
	want := renderBits(t, v, counting)
	if calls == 0 {
		t.Fatal("NewBitRenderer did not use the kernel's bit routine")
	}
	for _, k := range bitKernels(t) {
		if got := renderBits(t, v, k); !bytes.Equal(got, want) {
			t.Errorf("kernel %s: the bit path's bytes differ from bitsGo's", k.Name)
		}
	}
}

// TestPeriodicityWhereTheTableSays renders a view mostly inside the set with
// shortcuts and each kernel: a kernel with a Periodic row must save more
// than the cardioid and bulb test does, one without must save exactly
// that, and ChecksPeriodicity must say which.
func TestPeriodicityWhereTheTableSays(t *testing.T) {
	v := View{Width: 48, Height: 32, Center: -0.75, Scale: 3, MaxIter: 2000}
	for name, k := range kernels(t) {
		t.Run(name, func(t *testing.T) {
			r, err := NewRenderer(v, 1, Options{Kernel: k, Shortcuts: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.ChecksPeriodicity() != (k.Periodic != nil) || k.ChecksPeriodicity() != (k.Periodic != nil) {
				t.Fatalf("ChecksPeriodicity %v, but the kernel's Periodic row is set: %v", r.ChecksPeriodicity(), k.Periodic != nil)
			}
			with := r.RenderUnits(0, r.Units())
			_, without := renderOpts(t, v, 1, Options{Kernel: k})
			f := r.Frame()
			skipped := 0
			for i := range f.Iter {
				if f.Iter[i] == uint32(v.MaxIter) && f.Mag2[i] == 0 {
					skipped++
				}
			}
			byComponents := int64(skipped * v.MaxIter)
			switch saved := without - with; {
			case skipped == 0:
				t.Fatal("no sample in the cardioid or the bulb: the view shows nothing")
			case k.Periodic != nil && saved <= byComponents:
				t.Errorf("saved %d iterations, the cardioid and bulb test alone %d: no periodicity checking", saved, byComponents)
			case k.Periodic == nil && saved != byComponents:
				t.Errorf("saved %d iterations, want the cardioid and bulb test's %d", saved, byComponents)
			}
		})
	}
}

// TestStepRoundsEachOperation compares step and norm2 with the contract's
// operations done in big.Float, each rounded to 53 bits: a fused
// multiply-add (GOAMD64=v3 may emit one where a conversion is missing)
// rounds once where the contract rounds twice, and differs on some of
// these inputs.
func TestStepRoundsEachOperation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	round := func(x *big.Float) *big.Float { return x.SetPrec(53).SetMode(big.ToNearestEven) }
	op := func() *big.Float { return new(big.Float).SetPrec(53).SetMode(big.ToNearestEven) }
	random := func() float64 { return math.Ldexp(2*rng.Float64()-1, 1-rng.IntN(60)) }
	for range 100000 {
		zr, zi, cr, ci := random(), random(), random(), random()
		bzr, bzi := round(big.NewFloat(zr)), round(big.NewFloat(zi))
		zr2, zi2 := op().Mul(bzr, bzr), op().Mul(bzi, bzi)
		wantZr, _ := op().Add(op().Sub(zr2, zi2), big.NewFloat(cr)).Float64()
		wantZi, _ := op().Add(op().Mul(op().Add(bzr, bzr), bzi), big.NewFloat(ci)).Float64()
		wantNorm, _ := op().Add(zr2, zi2).Float64()
		if gotZr, gotZi := step(zr, zi, cr, ci); gotZr != wantZr || gotZi != wantZi {
			t.Fatalf("step(%v, %v, %v, %v) = %v, %v; each operation rounded: %v, %v", zr, zi, cr, ci, gotZr, gotZi, wantZr, wantZi)
		}
		if got := norm2(zr, zi); got != wantNorm {
			t.Fatalf("norm2(%v, %v) = %v; each operation rounded: %v", zr, zi, got, wantNorm)
		}
	}
}
