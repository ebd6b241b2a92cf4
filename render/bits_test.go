package render

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bitKernels returns every kernel this CPU runs (see kernels), in
// KernelNames' order: the scalar kernel, whose bit routine is bitsGo, first.
func bitKernels(t testing.TB) []Kernel {
	t.Helper()
	ks := kernels(t)
	var out []Kernel
	for _, name := range KernelNames() {
		if k, ok := ks[name]; ok {
			out = append(out, k)
		}
	}
	if len(out) == 0 || out[0].Name != "scalar" {
		t.Fatalf("kernels %v: the scalar kernel is not first", KernelNames())
	}
	return out
}

// frameBits is the existing path's answer: the frame rendered by the
// reference kernel, painted black and white and packed as a P4 bitmap's rows.
func frameBits(t *testing.T, v View) []byte {
	t.Helper()
	r, err := NewRenderer(v, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	img := newBitmap(r.Frame(), 1)
	bitmapRows(img, r.Frame(), 1, 0, v.Height)
	stride := (v.Width + 7) / 8
	bits := make([]byte, v.Height*stride)
	for y := range v.Height {
		for x := range v.Width {
			if img.Pix[y*img.Stride+x] < 128 {
				bits[y*stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return bits
}

// renderBits renders v with kernel k's bit routine, rows one at a time.
func renderBits(t *testing.T, v View, k Kernel) []byte {
	t.Helper()
	r, err := NewBitRenderer(v, k)
	if err != nil {
		t.Fatal(err)
	}
	bits := make([]byte, r.Units()*r.Stride())
	if _, err := r.Task(context.Background(), 0, bits)(0, 0, r.Units()); err != nil {
		t.Fatal(err)
	}
	return bits
}

func benchgame(n int) View {
	v, err := LookupPreset("benchgame")
	if err != nil {
		panic(err)
	}
	v.View.Width, v.View.Height = n, n
	return v.View
}

// TestBitsMatchFrame is the bit path's contract: for every view it takes,
// its bytes are the existing path's, whatever the kernel.
func TestBitsMatchFrame(t *testing.T) {
	var views []View
	sizes := []int{200, 1000}
	if !testing.Short() && !raceEnabled {
		sizes = append(sizes, 4000)
	}
	for n := 1; n <= 70; n++ {
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		views = append(views, benchgame(n))
	}
	odd := benchgame(0)
	odd.Width, odd.Height = 37, 23 // Corners, not square
	for _, m := range []int{1, 2, 6, 7, 8, 9, 14, 15, 49, 50, 51, 300} {
		odd.MaxIter = m
		views = append(views, odd)
	}
	for _, e := range []float64{2, 2.5, 3, 1000, MaxEscape} {
		odd.MaxIter, odd.Escape = 50, e
		views = append(views, odd)
	}
	for _, name := range []string{"seahorse", "elephant", "interior", "spiral"} {
		p, err := LookupPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		p.View.Width, p.View.Height = 99, 61
		if name == "spiral" {
			p.View.MaxIter = 2000
		}
		views = append(views, p.View)
	}
	for _, k := range bitKernels(t) {
		t.Run(k.Name, func(t *testing.T) {
			for _, v := range views {
				name := fmt.Sprintf("%dx%d/c=%v/s=%g/m=%d/R=%g", v.Width, v.Height, v.Center, v.Scale, v.MaxIter, v.Escape)
				if !CanRenderBits(v, 1) {
					t.Fatalf("%s: CanRenderBits is false", name)
				}
				want := frameBits(t, v)
				if got := renderBits(t, v, k); !bytes.Equal(got, want) {
					t.Errorf("%s: bits differ from the frame's\n got %x\nwant %x", name, head(got), head(want))
				}
			}
		})
	}
}

func head(b []byte) []byte { return b[:min(len(b), 32)] }

// specBits is the Benchmarks Game's program for an N x N image, transcribed
// from the task's rules (docs/design.md), apart from mandel's code.
func specBits(n int) []byte {
	stride := (n + 7) / 8
	out := make([]byte, n*stride)
	for y := range n {
		ci := 2.0*float64(y)/float64(n) - 1.0
		for x := range n {
			cr := 2.0*float64(x)/float64(n) - 1.5
			var zr, zi, tr, ti float64
			for i := 0; i < 50 && tr+ti <= 4.0; i++ {
				zi = float64(2*zr*zi) + ci
				zr = tr - ti + cr
				tr = float64(zr * zr)
				ti = float64(zi * zi)
			}
			if tr+ti <= 4.0 {
				out[y*stride+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return out
}

func TestBitsMatchSpec(t *testing.T) {
	for _, k := range bitKernels(t) {
		t.Run(k.Name, func(t *testing.T) {
			for _, n := range []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257, 600} {
				if got, want := renderBits(t, benchgame(n), k), specBits(n); !bytes.Equal(got, want) {
					t.Errorf("N=%d: bits differ from the specification's\n got %x\nwant %x", n, head(got), head(want))
				}
			}
		})
	}
}

func TestCanRenderBits(t *testing.T) {
	bg := benchgame(100)
	full, err := LookupPreset("full")
	if err != nil {
		t.Fatal(err)
	}
	deep := bg
	deep.MaxIter = bitsMaxIter
	deeper := bg
	deeper.MaxIter = bitsMaxIter + 1
	wide := bg
	wide.Scale = 3.6 // reaches c = -2.3
	escape := bg
	escape.Escape = 10
	invalid := bg
	invalid.Width = 0
	for _, tc := range []struct {
		name string
		v    View
		aa   int
		want bool
	}{
		{"benchgame", bg, 1, true},
		{"maxiter at the limit", deep, 1, true},
		{"escape 10", escape, 1, true},
		{"supersampled", bg, 2, false},
		{"maxiter past the limit", deeper, 1, false},
		{"full view, |c| up to 2.5", full.View, 1, false},
		{"wide benchgame", wide, 1, false},
		{"invalid view", invalid, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanRenderBits(tc.v, tc.aa); got != tc.want {
				t.Errorf("CanRenderBits = %v, want %v", got, tc.want)
			}
			if _, err := NewBitRenderer(tc.v, Kernel{}); (err == nil) != (tc.want || tc.aa != 1) {
				t.Errorf("NewBitRenderer: %v", err)
			}
		})
	}
}

func TestBitsMemory(t *testing.T) {
	v := benchgame(16000)
	// A strip of 1000 rows of 2000 bytes; 667 groups of 24 real parts and
	// 16000 imaginary parts, 8 bytes each.
	if got, want := BitsMemory(v, 1000), float64(1000*2000+8*(667*24+16000)); got != want {
		t.Errorf("BitsMemory(1000 rows) = %v, want %v", got, want)
	}
	if got, want := BitsMemory(v, 1<<30), float64(16000*2000+8*(667*24+16000)); got != want {
		t.Errorf("BitsMemory(all rows) = %v, want %v: no more rows than the view has", got, want)
	}
}

// TestBitsCancel checks that a cancelled render stops, between rows and
// within a long row.
func TestBitsCancel(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		r, err := NewBitRenderer(benchgame(64), Kernel{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		bits := make([]byte, r.Units()*r.Stride())
		if _, err := r.Task(ctx, 0, bits)(0, 0, r.Units()); err != context.Canceled {
			t.Errorf("Task returned %v, want context.Canceled", err)
		}
		if !bytes.Equal(bits, make([]byte, len(bits))) {
			t.Error("a cancelled render wrote bits")
		}
	})
	t.Run("within a row", func(t *testing.T) {
		// At the deepest maxiter a segment is 48 bytes, most of this row,
		// whose pixels are nearly all inside.
		v := View{Width: 512, Height: 1, Center: -0.3, Scale: 0.5, MaxIter: bitsMaxIter}
		auto, err := LookupKernel("auto")
		if err != nil {
			t.Fatal(err)
		}
		whole := renderBits(t, v, auto)
		r, err := NewBitRenderer(v, auto)
		if err != nil {
			t.Fatal(err)
		}
		if r.segment >= r.stride {
			t.Fatalf("segment %d bytes, row %d: the test needs more than one segment", r.segment, r.stride)
		}
		ctx := &cancelAfter{Context: context.Background(), n: 1}
		got := make([]byte, r.Stride())
		if _, err := r.Task(ctx, 0, got)(0, 0, 1); err != context.Canceled {
			t.Errorf("Task returned %v, want context.Canceled", err)
		}
		if !bytes.Equal(got[:r.segment], whole[:r.segment]) {
			t.Error("the first segment differs from a whole render's")
		}
		rest := whole[r.segment:]
		if bytes.Equal(rest, make([]byte, len(rest))) {
			t.Fatal("the rest of the row is empty anyway: the test shows nothing")
		}
		if !bytes.Equal(got[r.segment:], make([]byte, len(rest))) {
			t.Error("the render went on past the cancellation")
		}
	})
}

// randomRow returns n bytes' worth of kernel input: real parts mostly near
// the set, with some extreme values (Inf, NaN, huge, tiny, -0).
func randomRow(rng *rand.Rand, n int) []float64 {
	cr := make([]float64, (n+bitsBytes-1)/bitsBytes*bitsGroup)
	special := []float64{math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e300, 5e-324, math.Copysign(0, -1), 0, -2, 0.25, bitsPad}
	for i := range cr {
		switch rng.IntN(8) {
		case 0:
			cr[i] = special[rng.IntN(len(special))]
		case 1:
			cr[i] = math.Float64frombits(rng.Uint64())
		default:
			cr[i] = 2.5*rng.Float64() - 2
		}
	}
	return cr
}

// TestBitsKernelsAgree compares every kernel with bitsGo on random rows, in
// and outside the region where the bits are exact: the kernels must take the
// same steps, so they agree on any input.
func TestBitsKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range bitKernels(t)[1:] {
		t.Run(k.Name, func(t *testing.T) {
			for trial := range 2000 {
				n := 1 + rng.IntN(30) // several batches of the widest kernel's groups, and part of one
				cr := randomRow(rng, n)
				ci := 2.5*rng.Float64() - 1.25
				if trial%10 == 0 {
					ci = math.Float64frombits(rng.Uint64())
				}
				escape2 := []float64{4, 9, 1e12, 0, math.Inf(1), math.NaN()}[rng.IntN(6)]
				maxIter := 1 + rng.IntN(120)
				compareBitKernels(t, k.Bits, cr, ci, escape2, maxIter, n)
			}
		})
	}
}

func compareBitKernels(t *testing.T, k BitsFunc, cr []float64, ci, escape2 float64, maxIter, n int) {
	t.Helper()
	want, got := make([]byte, n+1), make([]byte, n+1)
	want[n], got[n] = 0xa5, 0xa5 // must survive: kernels write n bytes
	wantIters := bitsGo(want[:n], cr, ci, escape2, maxIter)
	gotIters := k(got[:n], cr, ci, escape2, maxIter)
	if !bytes.Equal(got, want) || gotIters != wantIters {
		t.Fatalf("cr %v, ci %v, escape2 %v, maxiter %d, %d bytes:\ngot  %x, %d iterations\nwant %x, %d iterations",
			cr, ci, escape2, maxIter, n, got, gotIters, want, wantIters)
	}
}

func FuzzBitsKernels(f *testing.F) {
	f.Add(uint64(1), 3, 50, 4.0, 0.25)
	f.Add(uint64(7), 1, 1, 4.0, -1.0)
	f.Add(uint64(9), 9, 120, 9.0, math.Inf(1))
	ks := bitKernels(f)
	f.Fuzz(func(t *testing.T, seed uint64, n, maxIter int, escape2, ci float64) {
		if len(ks) < 2 {
			t.Skip("only the Go kernel runs here")
		}
		n = 1 + abs(n)%64
		maxIter = 1 + abs(maxIter)%200
		cr := randomRow(rand.New(rand.NewPCG(seed, 0)), n)
		for _, k := range ks[1:] {
			compareBitKernels(t, k.Bits, cr, ci, escape2, maxIter, n)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -(n + 1)
	}
	return n
}

// BenchmarkBits renders the benchgame view at 2000x2000 on one goroutine,
// with each kernel; ns/op over 4e6 is the cost of a pixel.
func BenchmarkBits(b *testing.B) {
	v := benchgame(2000)
	for _, k := range bitKernels(b) {
		b.Run(k.Name, func(b *testing.B) {
			r, err := NewBitRenderer(v, k)
			if err != nil {
				b.Fatal(err)
			}
			task := r.Task(context.Background(), 0, make([]byte, r.Units()*r.Stride()))
			for b.Loop() {
				if _, err := task(0, 0, r.Units()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(v.Width*v.Height), "ns/pixel")
		})
	}
}
